"""Plan and measure pages: scoping, the city plan read-only below it, permissions, progress and overdue."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assistance.plans.models import Measure, MeasureProgress, Plan
from assistance.plans.selectors import plan_progress
from tests.reports.helpers import download_rows

from .factories import MeasureFactory, PlanFactory, ProgressFactory

pytestmark = pytest.mark.django_db


def _token(response) -> str:
    match = re.search(r'name="submission_token" value="([0-9a-f-]{36})"', response.content.decode())
    assert match, "no submission token on the page"
    return match[1]


def _progress(client, measure, **data):
    page = client.get(reverse("assistance:measure-detail", args=[measure.pk]))
    payload = {
        "submission_token": _token(page),
        "date": timezone.localdate().isoformat(),
        "note": "完成对标清单",
        "status": "under_way",
        **data,
    }
    return client.post(reverse("assistance:measure-progress", args=[measure.pk]), payload)


# Scoping


def test_a_county_inspector_sees_the_city_plan_and_their_countys_but_not_another_countys(
    client_for, inspector, city_plan, county_plan, other_plan
):
    response = client_for(inspector).get(reverse("assistance:plan-list"))
    assert response.status_code == 200
    titles = [plan.title for plan in response.context["page"]]
    assert sorted(titles) == sorted([city_plan.title, county_plan.title])


def test_an_outsider_gets_404_for_another_countys_plan_and_measure(client_for, outsider, county_plan, county_measure):
    client = client_for(outsider)
    assert client.get(reverse("assistance:plan-detail", args=[county_plan.pk])).status_code == 404
    assert client.get(reverse("assistance:measure-detail", args=[county_measure.pk])).status_code == 404


def test_a_manager_of_another_county_gets_404_on_editing_a_plan_they_cannot_see(client_for, other_county, county_plan):
    from tests.factories import UserFactory

    other_manager = UserFactory(jurisdiction=other_county, groups=["manager"])
    assert client_for(other_manager).get(reverse("assistance:plan-update", args=[county_plan.pk])).status_code == 404


def test_the_city_plan_is_read_only_for_a_county_manager(client_for, county_manager, city_plan, city_measure):
    client = client_for(county_manager)
    page = client.get(reverse("assistance:plan-detail", args=[city_plan.pk]))
    assert page.status_code == 200
    assert "只读" in page.content.decode()
    assert reverse("assistance:plan-update", args=[city_plan.pk]) not in page.content.decode()
    assert client.get(reverse("assistance:plan-update", args=[city_plan.pk])).status_code == 403
    assert client.get(reverse("assistance:measure-create", args=[city_plan.pk])).status_code == 403
    assert client.get(reverse("assistance:measure-update", args=[city_measure.pk])).status_code == 403
    response = client.post(
        reverse("assistance:measure-progress", args=[city_measure.pk]),
        {"date": timezone.localdate().isoformat(), "note": "x", "status": "done"},
    )
    assert response.status_code == 403
    assert not MeasureProgress.objects.exists()


def test_a_county_manager_may_change_their_countys_plan(client_for, county_manager, county_plan, county_measure):
    client = client_for(county_manager)
    assert client.get(reverse("assistance:plan-update", args=[county_plan.pk])).status_code == 200
    assert _progress(client, county_measure).status_code == 302


def test_plan_progress_counts_the_measures_of_the_regions_plans_that_the_user_sees(
    county_manager, manager, city, county, city_plan, county_plan, other_plan
):
    today = timezone.localdate()
    MeasureFactory(plan=city_plan, status="done", deadline=today - datetime.timedelta(days=3))
    MeasureFactory(plan=city_plan, status="under_way", deadline=today - datetime.timedelta(days=1))
    MeasureFactory(plan=city_plan, status="not_started", deadline=today + datetime.timedelta(days=5))
    MeasureFactory(plan=other_plan)
    rows = {row["plan"]: row for row in plan_progress(user=manager, region=city)}
    assert set(rows) == {city_plan.pk, county_plan.pk, other_plan.pk}
    city_row = rows[city_plan.pk]
    assert (city_row["total"], city_row["done"], city_row["under_way"], city_row["not_started"]) == (3, 1, 1, 1)
    assert city_row["overdue"] == 1  # the done one is not overdue though its deadline passed
    assert city_row["done_share"] == 33
    # A county manager asking about the city sees the city's plan and their county's, not the other county's.
    assert {row["plan"] for row in plan_progress(user=county_manager, region=city)} == {city_plan.pk, county_plan.pk}
    assert [row["plan"] for row in plan_progress(user=county_manager, region=county)] == [county_plan.pk]


# Permissions


def test_an_inspector_reads_plans_but_gets_403_on_every_write(client_for, inspector, county_plan, county_measure):
    client = client_for(inspector)
    assert client.get(reverse("assistance:measure-detail", args=[county_measure.pk])).status_code == 200
    assert client.get(reverse("assistance:plan-create")).status_code == 403
    assert client.get(reverse("assistance:plan-update", args=[county_plan.pk])).status_code == 403
    assert client.get(reverse("assistance:measure-create", args=[county_plan.pk])).status_code == 403
    response = client.post(
        reverse("assistance:measure-progress", args=[county_measure.pk]),
        {"date": timezone.localdate().isoformat(), "note": "x", "status": "done"},
    )
    assert response.status_code == 403
    county_measure.refresh_from_db()
    assert county_measure.status == "not_started"


def test_a_reviewer_cannot_see_plans(client_for, reviewer, city_plan):
    assert client_for(reviewer).get(reverse("assistance:plan-list")).status_code == 403
    assert client_for(reviewer).get(reverse("assistance:plan-detail", args=[city_plan.pk])).status_code == 403


def test_adding_progress_refuses_get(client_for, manager, city_measure):
    response = client_for(manager).get(reverse("assistance:measure-progress", args=[city_measure.pk]))
    assert response.status_code == 405


# Progress and status


def test_a_progress_note_is_dated_and_sets_the_measures_status(client_for, manager, city_measure):
    client = client_for(manager)
    response = _progress(client, city_measure, status="done", note="对标清单已形成")
    assert response.status_code == 302
    city_measure.refresh_from_db()
    assert city_measure.status == "done"
    entry = MeasureProgress.objects.get()
    assert (entry.note, entry.status, entry.author) == ("对标清单已形成", "done", manager)
    page = client.get(reverse("assistance:measure-detail", args=[city_measure.pk])).content.decode()
    assert "对标清单已形成" in page


def test_a_progress_note_sent_twice_is_recorded_once(client_for, manager, city_measure):
    client = client_for(manager)
    page = client.get(reverse("assistance:measure-detail", args=[city_measure.pk]))
    data = {"submission_token": _token(page), "date": "2024-03-01", "note": "一次", "status": "under_way"}
    url = reverse("assistance:measure-progress", args=[city_measure.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert MeasureProgress.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "   "}, "请填写进展情况。"),
        ({"date": "2999-01-01"}, "进展日期不能晚于今天。"),
        ({"date": "not-a-date"}, None),
        ({"status": "overdue"}, None),
    ],
    ids=["blank-note", "future-date", "bad-date", "overdue-is-not-a-status"],
)
def test_bad_progress_input_is_a_form_error_and_changes_nothing(client_for, manager, city_measure, data, message):
    response = _progress(client_for(manager), city_measure, **data)
    assert response.status_code == 400
    assert response.context["form"].errors
    if message:
        assert message in response.content.decode()
    assert not MeasureProgress.objects.exists()
    city_measure.refresh_from_db()
    assert city_measure.status == "not_started"


def test_changing_the_status_on_editing_records_a_progress_note(client_for, manager, city_measure, cluster):
    client = client_for(manager)
    url = reverse("assistance:measure-update", args=[city_measure.pk])
    data = {
        "submission_token": _token(client.get(url)),
        "title": city_measure.title,
        "owner_unit": "唐山市市场监管局",
        "clusters": [cluster.pk],
        "deadline": "2026-12-31",
        "status": "under_way",
        "position": 1,
    }
    assert client.post(url, data).status_code == 302
    city_measure.refresh_from_db()
    assert city_measure.status == "under_way"
    assert MeasureProgress.objects.get().status == "under_way"


def test_a_measure_needs_an_owner_unit_or_a_team(client_for, manager, city_plan):
    client = client_for(manager)
    url = reverse("assistance:measure-create", args=[city_plan.pk])
    data = {"submission_token": _token(client.get(url)), "title": "无责任单位", "deadline": "2026-12-31"}
    data |= {"status": "not_started", "position": 0}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "请填写责任单位或帮扶工作组" in response.content.decode()
    assert not Measure.objects.exists()


# Overdue


def test_overdue_is_the_deadline_passed_and_not_done(client_for, manager, city_plan):
    today = timezone.localdate()
    late = MeasureFactory(plan=city_plan, title="逾期举措", deadline=today - datetime.timedelta(days=1))
    MeasureFactory(plan=city_plan, title="按期完成", status="done", deadline=today - datetime.timedelta(days=9))
    MeasureFactory(plan=city_plan, title="今天到期", deadline=today)
    client = client_for(manager)
    listed = client.get(reverse("assistance:measure-list"), {"overdue": "true"})
    assert [m.title for m in listed.context["page"]] == ["逾期举措"]
    on_time = client.get(reverse("assistance:measure-list"), {"overdue": "false"})
    assert sorted(m.title for m in on_time.context["page"]) == ["今天到期", "按期完成"]
    page = client.get(reverse("assistance:measure-detail", args=[late.pk])).content.decode()
    assert "measure-overdue" in page
    plan_page = client.get(reverse("assistance:plan-detail", args=[city_plan.pk]))
    assert plan_page.context["plan"].overdue_count == 1


def test_a_measure_done_after_its_deadline_stops_being_overdue(client_for, manager, city_plan):
    measure = MeasureFactory(plan=city_plan, deadline=timezone.localdate() - datetime.timedelta(days=5))
    client = client_for(manager)
    assert _progress(client, measure, status="done").status_code == 302
    listed = client.get(reverse("assistance:measure-list"), {"overdue": "true"})
    assert list(listed.context["page"]) == []


# Plans: create, file, filters, export


def test_a_manager_creates_a_plan_with_its_document_and_others_in_scope_download_it(
    client_for, manager, inspector, outsider, city, county
):
    client = client_for(manager)
    url = reverse("assistance:plan-create")
    data = {
        "submission_token": _token(client.get(url)),
        "region": county.pk,
        "title": "迁安市钢铁产业质量提升方案",
        "document_number": "迁市监〔2021〕8号",
        "start_date": "2021-01-01",
        "end_date": "2023-12-31",
        "upload": SimpleUploadedFile("方案.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.region, plan.file_name, plan.file_type) == (county, "方案.pdf", "application/pdf")
    document = reverse("assistance:plan-document", args=[plan.pk])
    download = client_for(inspector).get(document)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert client_for(outsider).get(document).status_code == 404


def test_a_plan_with_a_false_file_or_backwards_dates_is_refused(client_for, manager, city):
    client = client_for(manager)
    url = reverse("assistance:plan-create")
    data = {"submission_token": _token(client.get(url)), "region": city.pk, "title": "错误方案"}
    fake = SimpleUploadedFile("方案.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(url, {**data, "upload": fake})
    assert response.status_code == 200 and response.context["form"].has_error("upload")
    response = client.post(url, {**data, "start_date": "2022-01-01", "end_date": "2021-01-01"})
    assert "结束日期早于开始日期。" in response.content.decode()
    assert not Plan.objects.exists()


def test_a_manager_cannot_make_a_plan_for_a_region_outside_their_jurisdiction(client_for, county_manager, other_county):
    client = client_for(county_manager)
    url = reverse("assistance:plan-create")
    data = {"submission_token": _token(client.get(url)), "region": other_county.pk, "title": "越权方案"}
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["form"].has_error("region")
    assert not Plan.objects.exists()


def test_the_plan_list_filters_searches_and_downloads_what_it_shows(client_for, manager, city, county):
    PlanFactory(region=city, title="唐山市重点区域质量提升推进方案", start_date=None, end_date=None)
    PlanFactory(region=county, title="迁安市方案", start_date=datetime.date(2023, 1, 1), end_date=None)
    PlanFactory(region=city, title="唐山市区域质量提升实施方案(2020-2022年)")
    client = client_for(manager)
    found = client.get(reverse("assistance:plan-list"), {"q": "推进"})
    assert [p.title for p in found.context["page"]] == ["唐山市重点区域质量提升推进方案"]
    in_2021 = client.get(reverse("assistance:plan-list"), {"year": "2021"})
    assert sorted(p.title for p in in_2021.context["page"]) == [
        "唐山市区域质量提升实施方案(2020-2022年)",
        "唐山市重点区域质量提升推进方案",
    ]
    rows = download_rows(client.get(reverse("assistance:plan-list"), {"region": county.pk, "export": "csv"}))
    assert [row[1] for row in rows[1:]] == ["迁安市方案"]
    assert download_rows(client.get(reverse("assistance:plan-list"), {"export": "xlsx"}))[0][1] == "标题"


@pytest.mark.parametrize("query", [{"year": "abc"}, {"region": "99999999999999999999999"}, {"page": "x"}])
def test_bad_list_parameters_never_give_a_500(client_for, manager, city_plan, query):
    assert client_for(manager).get(reverse("assistance:plan-list"), query).status_code == 200
    assert client_for(manager).get(reverse("assistance:measure-list"), query).status_code == 200


def test_the_measure_list_downloads_with_its_filters(client_for, manager, city_plan):
    MeasureFactory(plan=city_plan, title="甲", status="done")
    MeasureFactory(plan=city_plan, title="乙")
    rows = download_rows(
        client_for(manager).get(reverse("assistance:measure-list"), {"status": "done", "export": "csv"})
    )
    assert [row[2] for row in rows[1:]] == ["甲"]


def test_progress_history_is_kept(city_measure, manager):
    ProgressFactory(measure=city_measure, author=manager)
    city_measure.status = "under_way"
    city_measure.save()
    assert city_measure.history.count() == 2
