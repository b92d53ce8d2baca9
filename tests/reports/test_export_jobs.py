"""Large list exports run as jobs: past EXPORT_ASYNC_THRESHOLD the request redirects to the export's page,
the worker writes the whole file through the storage API, only its owner downloads it, it expires, and a
failure is marked failed with nothing kept."""

import dataclasses
import datetime

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assistance.models import Ticket
from assistance.views import TICKET_EXPORT
from config import exports
from reports.models import ExportFile
from tests.assistance.factories import TicketFactory
from tests.factories import UserFactory

from .helpers import download_rows

pytestmark = pytest.mark.django_db

TICKETS = reverse("assistance:ticket-list")


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.EXPORT_ASYNC_THRESHOLD = 5
    settings.PAGINATE_BY = 1000


@pytest.fixture
def tickets(enterprise, other_enterprise):
    """Four new and three assigned tickets in 迁安市, and two outside it."""
    for status in ["new"] * 4 + ["assigned"] * 3:
        TicketFactory(enterprise=enterprise, status=status)
    TicketFactory(enterprise=other_enterprise)
    TicketFactory(enterprise=other_enterprise)


@pytest.fixture
def export_get(django_capture_on_commit_callbacks):
    """Ask for a download as the browser would: the request's transaction commits, so the job is queued."""

    def get(client, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.get(TICKETS, data)

    return get


def _listed_numbers(client, filters=None) -> list[str]:
    page = client.get(TICKETS, filters or {}).context["page"]
    return [ticket["number"] for ticket in page]


def _numbers(rows) -> list[str]:
    column = rows[0].index("编号")
    return [row[column] for row in rows[1:]]


def _export_of(response) -> ExportFile:
    assert response.status_code == 302
    export = ExportFile.objects.get()
    assert response.url == export.get_absolute_url()
    return export


def test_a_list_below_the_threshold_still_streams(export_get, client_for, inspector, enterprise):
    for _ in range(4):
        TicketFactory(enterprise=enterprise)
    response = export_get(client_for(inspector), {"export": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert len(download_rows(response)) == 1 + 4
    assert not ExportFile.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_large_list_is_written_by_the_worker_with_every_row(
    export_get, database_queue, client_for, manager, tickets, fmt
):
    client = client_for(manager)
    response = export_get(client, {"export": fmt})
    export = _export_of(response)
    assert export.owner == manager
    assert export.status == ExportFile.Status.PENDING
    assert export.total == len(_listed_numbers(client)) == 9
    # The page shows the job waiting and reloads itself (through a static script: no inline code).
    page = client.get(response.url)
    assert page.status_code == 200
    assert "等待" in page.content.decode()
    assert 'data-refresh-seconds="3"' in page.content.decode()
    assert "js/export-progress.js" in page.content.decode()
    assert "<script>" not in page.content.decode()

    database_queue()

    export.refresh_from_db()
    assert export.status == ExportFile.Status.DONE
    assert export.rows == 9
    assert storages["private"].exists(export.file.name)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    page = client.get(response.url).content.decode()
    assert reverse("reports:export-download", args=[export.pk]) in page
    assert "data-refresh-seconds" not in page
    download = client.get(reverse("reports:export-download", args=[export.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert _numbers(download_rows(download)) == _listed_numbers(client)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_job_applies_the_lists_filters_and_jurisdiction(export_get, client_for, manager, inspector, tickets, fmt):
    client = client_for(inspector)
    for _ in range(3):
        TicketFactory(enterprise=Ticket.objects.filter(status="assigned").first().enterprise, status="assigned")
    response = export_get(client, {"status": "assigned", "export": fmt, "page": "2"})
    export = _export_of(response)
    assert export.query == "status=assigned"
    export.refresh_from_db()
    assert export.status == ExportFile.Status.DONE
    download = client.get(reverse("reports:export-download", args=[export.pk]))
    numbers = _numbers(download_rows(download))
    assert numbers == _listed_numbers(client, {"status": "assigned"})
    assert len(numbers) == 6


def test_only_the_owner_and_superusers_reach_an_export(export_get, client_for, manager, outsider, admin_user, tickets):
    export = _export_of(export_get(client_for(manager), {"export": "csv"}))
    urls = [export.get_absolute_url(), reverse("reports:export-download", args=[export.pk])]
    other_manager = UserFactory(username="manager2", jurisdiction=manager.jurisdiction, groups=["manager"])
    for someone in (outsider, other_manager):
        for url in urls:
            assert client_for(someone).get(url).status_code == 404
    assert client_for(admin_user).get(urls[1]).status_code == 200


def test_my_downloads_lists_only_my_exports(export_get, client_for, manager, tickets):
    mine = _export_of(export_get(client_for(manager), {"export": "xlsx"}))
    other = UserFactory(username="manager2", jurisdiction=manager.jurisdiction, groups=["manager"])
    export_get(client_for(other), {"export": "csv"})
    page = client_for(manager).get(reverse("reports:export-list"))
    assert page.status_code == 200
    assert list(page.context["page"]) == [mine]
    assert reverse("reports:export-download", args=[mine.pk]) in page.content.decode()


def test_an_expired_export_is_refused_and_then_deleted(export_get, client_for, manager, tickets, settings):
    settings.EXPORT_RETENTION_DAYS = 7
    client = client_for(manager)
    export = _export_of(export_get(client, {"export": "csv"}))
    export.refresh_from_db()
    assert export.expires_at - export.created_at == pytest.approx(
        datetime.timedelta(days=7), abs=datetime.timedelta(seconds=5)
    )
    name = export.file.name
    ExportFile.objects.filter(pk=export.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(reverse("reports:export-download", args=[export.pk])).status_code == 404
    assert storages["private"].exists(name)

    call_command("delete_expired_exports", verbosity=0)

    assert not ExportFile.objects.exists()
    assert not storages["private"].exists(name)


def test_the_cleanup_keeps_exports_still_in_time(export_get, client_for, manager, tickets):
    export = _export_of(export_get(client_for(manager), {"export": "csv"}))
    call_command("delete_expired_exports", verbosity=0)
    export.refresh_from_db()
    assert storages["private"].exists(export.file.name)


def _failing_after(count: int):
    """The ticket export, but its last column fails at row `count` + 1."""
    seen = []

    def value(ticket):
        seen.append(ticket.pk)
        if len(seen) > count:
            raise RuntimeError("数据库连接中断")
        return ticket.number

    return dataclasses.replace(TICKET_EXPORT, columns=[*TICKET_EXPORT.columns, exports.Column("x", value)])


def test_a_failing_job_is_marked_failed_and_keeps_no_partial_file(
    export_get, database_queue, client_for, manager, tickets, monkeypatch
):
    monkeypatch.setitem(exports.LIST_EXPORTS, TICKET_EXPORT.name, _failing_after(3))
    client = client_for(manager)
    export = _export_of(export_get(client, {"export": "csv"}))
    database_queue()
    export.refresh_from_db()
    assert export.status == ExportFile.Status.FAILED
    assert "数据库连接中断" in export.error
    assert not export.file
    assert DBTaskResult.objects.get().status == "FAILED"
    page = client.get(export.get_absolute_url()).content.decode()
    # The page says it failed and what to do; the error itself stays in admin and the log.
    assert "失败" in page and "重新申请下载" in page
    assert "数据库连接中断" not in page
    assert "data-refresh-seconds" not in page
    assert client.get(reverse("reports:export-download", args=[export.pk])).status_code == 404


def test_a_user_who_lost_the_permission_gets_no_file(export_get, database_queue, client_for, manager, tickets):
    export = _export_of(export_get(client_for(manager), {"export": "csv"}))
    manager.groups.clear()
    database_queue()
    export.refresh_from_db()
    assert export.status == ExportFile.Status.FAILED
    assert not export.file


def test_a_job_runs_once_even_if_queued_twice(export_get, client_for, manager, tickets):
    from reports.tasks import run_export

    export = _export_of(export_get(client_for(manager), {"export": "csv"}))
    export.refresh_from_db()
    name = export.file.name
    run_export.call(export_id=export.pk)
    export.refresh_from_db()
    assert export.file.name == name


def test_administrators_see_every_export_in_admin(export_get, client_for, manager, admin_user, tickets):
    export = _export_of(export_get(client_for(manager), {"export": "csv"}))
    response = client_for(admin_user).get(reverse("admin:reports_exportfile_changelist"))
    assert response.status_code == 200
    assert export.title in response.content.decode()
    assert client_for(admin_user).get(reverse("admin:reports_exportfile_change", args=[export.pk])).status_code == 200


def test_a_superuser_of_one_region_cannot_open_another_users_export(export_get, client_for, manager, county, tickets):
    export = _export_of(export_get(client_for(manager), {"export": "csv"}))
    regional_admin = UserFactory(username="county_admin", jurisdiction=county, is_staff=True, is_superuser=True)
    for url in (export.get_absolute_url(), reverse("reports:export-download", args=[export.pk])):
        assert client_for(regional_admin).get(url).status_code == 404


def test_a_job_another_worker_has_claimed_is_not_written_again(export_get, client_for, manager, tickets, monkeypatch):
    from reports import downloads

    with monkeypatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda callback, using=None, robust=False: None)
        export = _export_of(export_get(client_for(manager), {"export": "csv"}))
    ExportFile.objects.filter(pk=export.pk).update(status=ExportFile.Status.RUNNING)
    written = []
    monkeypatch.setattr(downloads, "write_csv", lambda *args, **kwargs: written.append(args))
    assert downloads.export_write(export_id=export.pk).status == ExportFile.Status.RUNNING
    assert written == []


def test_an_administrator_runs_a_failed_export_again(
    export_get, database_queue, client_for, manager, admin_user, tickets, monkeypatch
):
    monkeypatch.setitem(exports.LIST_EXPORTS, TICKET_EXPORT.name, _failing_after(3))
    export = _export_of(export_get(client_for(manager), {"export": "csv"}))
    database_queue()
    failed = DBTaskResult.objects.get(status="FAILED")
    monkeypatch.setitem(exports.LIST_EXPORTS, TICKET_EXPORT.name, TICKET_EXPORT)

    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    client_for(admin_user).post(url, {"action": "run_again", "_selected_action": [str(failed.pk)]})
    database_queue()

    export.refresh_from_db()
    assert export.status == ExportFile.Status.DONE
    assert export.error == ""
    assert export.rows == len(_listed_numbers(client_for(manager)))


def test_asking_again_while_the_export_is_being_made_queues_nothing_more(client_for, manager, tickets, monkeypatch):
    monkeypatch.setattr("django.db.transaction.on_commit", lambda callback, using=None, robust=False: None)
    client = client_for(manager)
    first = client.get(TICKETS, {"export": "csv"})
    again = client.get(TICKETS, {"export": "csv"})
    other_format = client.get(TICKETS, {"export": "xlsx"})
    assert first.url == again.url
    assert other_format.url != first.url
    assert ExportFile.objects.count() == 2
