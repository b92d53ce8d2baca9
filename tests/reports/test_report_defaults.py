"""The reports show the dates they use and run on their first load; the summary sits under 报表."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _value(html: str, name: str) -> str | None:
    import re

    field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert field, name
    value = re.search(r'value="([^"]*)"', field.group(0))
    return value.group(1) if value else None


def test_the_service_reports_boxes_show_this_year_so_far_on_the_first_load(client_for, manager):
    today = timezone.localdate()
    html = client_for(manager).get(reverse("reports:service")).content.decode()
    assert _value(html, "since") == datetime.date(today.year, 1, 1).isoformat()
    assert _value(html, "until") == today.isoformat()


def test_the_service_reports_boxes_show_the_dates_asked_for_and_fill_a_blank_one(client_for, manager):
    today = timezone.localdate()
    html = client_for(manager).get(reverse("reports:service"), {"since": "2025-03-01", "until": ""}).content.decode()
    assert (_value(html, "since"), _value(html, "until")) == ("2025-03-01", today.isoformat())


def test_a_bad_date_in_the_service_report_stays_in_its_box_with_the_error(client_for, manager):
    response = client_for(manager).get(reverse("reports:service"), {"since": "1999-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["since"]
    assert _value(response.content.decode(), "since") == "1999-01-01"


def test_the_summary_runs_for_the_users_region_as_of_today_on_the_first_load(client_for, manager):
    response = client_for(manager).get(reverse("reports:summary"))
    assert response.status_code == 200
    assert response.context["summary"] is not None
    html = response.content.decode()
    assert 'id="summary-paragraph"' in html
    assert _value(html, "as_of") == timezone.localdate().isoformat()
    assert 'value="130200" selected' in html


def test_the_summary_downloads_from_the_first_load_too(client_for, manager):
    response = client_for(manager).get(reverse("reports:summary"), {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_the_summary_still_uses_the_region_and_date_asked_for(client_for, manager, county):
    response = client_for(manager).get(reverse("reports:summary"), {"region": county.code, "as_of": "2021-10-25"})
    assert response.context["summary"] is not None
    assert response.context["form"].cleaned_data["region"] == county


def test_a_user_without_a_coded_region_gets_the_empty_form(client, city):
    nowhere = UserFactory(username="nowhere", jurisdiction=None, groups=["manager"])
    client.force_login(nowhere)
    response = client.get(reverse("reports:summary"))
    assert response.status_code == 200
    assert "summary" not in response.context or not response.context.get("summary")
    assert not response.context["form"].is_bound


def test_the_summarys_breadcrumb_goes_through_the_reports_page(client_for, manager):
    html = client_for(manager).get(reverse("reports:summary")).content.decode()
    crumbs = html[html.index('class="breadcrumb"') : html.index("</ol>")]
    assert f'<a href="{reverse("reports:home")}">报表</a>' in crumbs
    assert crumbs.index(reverse("reports:home")) < crumbs.index('aria-current="page">工作汇总<')
