"""Arbitrary report periods: a form error, never a 500, and never a period of centuries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

FUZZ = hsettings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30, deadline=None)

some_date = st.one_of(
    st.dates(min_value=datetime.date(1, 1, 1)).map(datetime.date.isoformat),
    st.sampled_from(["9999-12-31", "0001-01-01", "1999-12-31", "2000-01-01", ""]),
    st.text(max_size=12),
)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"until": "9999-12-31"}, "until"),
        ({"since": "9999-12-31"}, "since"),
        ({"since": "0001-01-01"}, "since"),
        ({"since": "1999-12-31", "until": "2010-01-01"}, "since"),
        ({"since": "2000-01-01", "until": "2024-01-01"}, "since"),
        ({"until": "2003-01-01"}, "until"),
    ],
)
def test_a_service_report_period_out_of_bounds_is_a_form_error(client_for, manager, params, field):
    response = client_for(manager).get(reverse("reports:service"), params)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert response.context["form"].errors[field][0] in response.content.decode()
    report = response.context["report"]
    assert report["since"] == datetime.date(timezone.localdate().year, 1, 1)
    assert report["until"] == timezone.localdate()


def test_a_period_of_twenty_years_is_fine(client_for, manager):
    response = client_for(manager).get(reverse("reports:service"), {"since": "2004-01-01", "until": "2024-01-01"})
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert len(response.context["report"]["by_month"]) == 20 * 12 + 1


@FUZZ
@given(since=some_date, until=some_date)
def test_the_service_report_never_fails_on_a_bad_period(client_for, manager, since, until):
    response = client_for(manager).get(reverse("reports:service"), {"since": since, "until": until})
    assert response.status_code == 200
    report = response.context["report"]
    assert datetime.date(2000, 1, 1) <= report["since"] <= report["until"]
    assert (report["until"] - report["since"]).days <= 20 * 366


@pytest.mark.parametrize(
    "params",
    [
        {"as_of": "9999-12-31"},
        {"as_of": "0001-01-01"},
        {"as_of": "2025-12-31", "since": "0001-01-01"},
        {"as_of": "2025-12-31", "since": "2001-01-01"},
    ],
)
def test_a_summary_out_of_bounds_is_a_form_error(client_for, manager, city, params):
    response = client_for(manager).get(reverse("reports:summary"), {"region": city.code, **params})
    assert response.status_code == 200
    assert response.context["form"].errors


@FUZZ
@given(as_of=some_date, since=some_date)
def test_the_summary_never_fails_on_bad_dates(client_for, manager, city, as_of, since):
    response = client_for(manager).get(
        reverse("reports:summary"), {"region": city.code, "as_of": as_of, "since": since}
    )
    assert response.status_code == 200
