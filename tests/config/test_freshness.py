"""Figures kept between requests: read back while nothing changed, counted afresh after any change."""

import datetime
import uuid

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.urls import reverse

from clusters.models import FormSubmission
from config.freshness import _new_version, _version_key, kept, records_version
from tests.assistance.factories import TicketFactory, TrainingFactory
from tests.factories import EnterpriseFactory
from tests.reports.helpers import count_queries

pytestmark = pytest.mark.django_db
PERIOD = {"since": "2020-01-01", "until": "2030-12-31"}


def test_a_report_asked_for_again_reads_its_figures_back_and_counts_a_new_ticket(client_for, manager, enterprise):
    TicketFactory(enterprise=enterprise)
    client = client_for(manager)
    url = reverse("reports:service")
    first = count_queries(client, url, PERIOD)
    again = count_queries(client, url, PERIOD)
    assert again < first
    assert client.get(url, PERIOD).context["report"]["totals"]["total"] == 1
    TicketFactory(enterprise=enterprise)
    assert client.get(url, PERIOD).context["report"]["totals"]["total"] == 2


def test_a_filter_dropdown_offers_a_new_record_at_once(client_for, manager, county):
    from tests.assistance.factories import SupportTeamFactory

    client = client_for(manager)
    url = reverse("assistance:ticket-list")
    assert "第九工作组" not in client.get(url).content.decode()
    SupportTeamFactory(name="第九工作组", region=county)
    assert "第九工作组" in client.get(url).content.decode()


def test_a_lists_total_is_kept_until_a_record_changes(client_for, manager, enterprise, other_county):
    tickets = [TicketFactory(enterprise=enterprise) for _ in range(3)]
    client = client_for(manager)
    url = reverse("assistance:ticket-list")
    first = count_queries(client, url)
    assert count_queries(client, url) < first  # the total and the dropdowns are read back, not counted
    assert client.get(url).context["page"].paginator.count == 3
    tickets[0].status = "cancelled"
    tickets[0].save()
    assert client.get(url, {"status": "cancelled"}).context["page"].paginator.count == 1
    # The enterprise moves county: a county's list must stop counting its tickets at once.
    other = EnterpriseFactory(county=other_county, cluster=None)
    TicketFactory(enterprise=other)
    assert client.get(url).context["page"].paginator.count == 4


def test_a_write_gives_a_new_version_on_commit_once_per_transaction(county):
    before = records_version()
    training = TrainingFactory(region=county)  # a training, its history and its many-to-many rows
    training.clusters.clear()
    pending = [callback for _, callback, _ in connection.run_on_commit if callback is _new_version]
    assert len(pending) == 1
    assert records_version() == before  # other connections cannot see the change before it commits
    pending[0]()
    assert records_version() != before


def test_the_writing_connection_sees_a_new_version_at_once_after_keeping_a_figure(county):
    kept("test", "key", lambda: 1)
    before = records_version()
    TrainingFactory(region=county)
    assert records_version() != before
    again = records_version()
    TrainingFactory(region=county)  # nothing kept since: the version waits for the commit
    assert records_version() == again


def test_a_write_no_figure_counts_leaves_the_version(manager):
    version = records_version()
    FormSubmission.objects.create(token=uuid.uuid4(), user=manager, url="/assistance/visits/new/")
    assert records_version() == version


def test_a_kept_figure_expires_and_a_lost_version_only_costs_a_recount(settings):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert kept("test", "key", compute) == 1
    assert kept("test", "key", compute) == 1
    cache.delete(_version_key())
    assert kept("test", "key", compute) == 2
    settings.FIGURES_CACHE_SECONDS = -1  # already expired when set
    assert kept("test", "other", compute) == 3
    assert kept("test", "other", compute) == 4


def test_the_manager_home_counts_a_ticket_opened_after_it_was_last_shown(client_for, manager, enterprise):
    client = client_for(manager)
    TicketFactory(enterprise=enterprise)
    figures = client.get(reverse("home")).context["manager"]
    opened = {row["key"]: row["this"] for row in figures["months"]}["opened"]
    TicketFactory(enterprise=enterprise, opened_at=datetime.datetime.now(datetime.UTC))
    figures = client.get(reverse("home")).context["manager"]
    assert {row["key"]: row["this"] for row in figures["months"]}["opened"] == opened + 1


def _version_reads(monkeypatch) -> list[str]:
    """The cache reads of the records version from now on."""
    reads = []
    get = cache.get

    def counting_get(key, *args, **kwargs):
        if key == _version_key():
            reads.append(key)
        return get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    return reads


def test_a_page_reads_the_records_version_once_however_many_figures_it_keeps(client_for, manager, monkeypatch):
    client = client_for(manager)
    url = reverse("assistance:ticket-list")  # the total, the scope, the rows' names, the dropdowns
    client.get(url)
    reads = _version_reads(monkeypatch)
    client.get(url)
    assert len(reads) == 1
    client.get(url)
    assert len(reads) == 2  # and again on the next request, which may follow another's change


def test_outside_a_request_every_read_sees_the_latest_version(client_for, manager):
    client_for(manager).get(reverse("reports:service"), PERIOD)
    records_version()
    cache.set(_version_key(), "given-by-another-server", None)
    assert records_version() == "given-by-another-server"


def test_a_page_that_writes_counts_its_figures_afresh_within_the_same_request(enterprise):
    """The request's own write replaces the version it read at its start, so a figure it keeps after the
    write is counted again rather than read back from before it."""
    TicketFactory(enterprise=enterprise)
    # A request's signals without closing the test's connection, as the test client sends them.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    request_started.send(sender=None)
    try:
        assert kept("tickets", "all", lambda: 1) == 1
        assert kept("tickets", "all", lambda: 2) == 1
        TicketFactory(enterprise=enterprise)
        assert kept("tickets", "all", lambda: 2) == 2
    finally:
        request_finished.send(sender=None)
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
