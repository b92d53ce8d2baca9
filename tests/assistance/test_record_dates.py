"""Visits, trainings and holdings are dated between EARLIEST_RECORD_DATE and today, in forms and admin alike."""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assistance.models import TicketCategory, Training, Visit
from clusters.models import Designation, Honour, StandardizationPilot, Trademark
from tests.factories import HonourFactory

pytestmark = pytest.mark.django_db

FUZZ = hsettings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=25, deadline=None)


def _tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def _visit(enterprise, inspector, date):
    return {"date": date, "enterprise": enterprise.pk, "inspectors": [inspector.pk], "purpose": "回访"}


def _training(county, date):
    category = TicketCategory.objects.filter(active=True).first()
    return {"date": date, "title": "计量培训", "category": category.pk, "region": county.pk, "attendee_count": "30"}


@pytest.mark.parametrize("date", ["1999-01-01", "1999-12-31", "tomorrow"])
def test_a_visit_dated_before_the_records_or_in_the_future_is_refused(client_for, inspector, enterprise, date):
    date = _tomorrow() if date == "tomorrow" else date
    response = client_for(inspector).post(reverse("assistance:visit-create"), _visit(enterprise, inspector, date))
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert not Visit.objects.exists()


@pytest.mark.parametrize("date", ["1999-01-01", "1999-12-31", "tomorrow"])
def test_a_training_dated_before_the_records_or_in_the_future_is_refused(client_for, inspector, county, date):
    date = _tomorrow() if date == "tomorrow" else date
    response = client_for(inspector).post(reverse("assistance:training-create"), _training(county, date))
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert not Training.objects.exists()


def test_the_first_day_of_the_records_and_today_are_accepted(client_for, inspector, enterprise, county):
    client = client_for(inspector)
    today = timezone.localdate().isoformat()
    assert (
        client.post(reverse("assistance:visit-create"), _visit(enterprise, inspector, "2000-01-01")).status_code == 302
    )
    assert client.post(reverse("assistance:training-create"), _training(county, today)).status_code == 302


def test_the_earliest_date_is_a_setting(settings, client_for, inspector, enterprise):
    settings.EARLIEST_RECORD_DATE = datetime.date(2010, 1, 1)
    response = client_for(inspector).post(
        reverse("assistance:visit-create"), _visit(enterprise, inspector, "2009-12-31")
    )
    assert response.status_code == 200
    assert "2010-01-01" in response.context["form"].errors["date"][0]


@pytest.mark.parametrize("model", [Honour, Designation, Trademark, StandardizationPilot])
def test_a_holding_dated_before_the_records_or_in_the_future_is_refused(model):
    field = model._meta.get_field("date")
    for date in (datetime.date(1999, 12, 31), timezone.localdate() + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError):
            field.clean(date, None)
    field.clean(datetime.date(2009, 4, 1), None)


def test_the_admin_refuses_a_holding_dated_in_1999(admin_user, enterprise):
    honour = HonourFactory(enterprise=enterprise)
    request = RequestFactory().get("/")
    request.user = admin_user
    form_class = site._registry[Honour].get_form(request, honour)
    data = {name: getattr(honour, name) for name in form_class.base_fields if hasattr(honour, name)}
    data.update(enterprise=enterprise.pk, date="1999-06-01")
    form = form_class(data, instance=honour)
    assert not form.is_valid()
    assert list(form.errors) == ["date"]


@FUZZ
@given(date=st.dates(min_value=datetime.date(1, 1, 1)))
def test_a_visit_is_saved_only_within_the_records_dates(client_for, inspector, enterprise, date):
    before = Visit.objects.count()
    response = client_for(inspector).post(
        reverse("assistance:visit-create"), _visit(enterprise, inspector, date.isoformat())
    )
    assert response.status_code in (200, 302)
    saved = response.status_code == 302
    assert saved == (datetime.date(2000, 1, 1) <= date <= timezone.localdate())
    assert Visit.objects.count() == before + saved
