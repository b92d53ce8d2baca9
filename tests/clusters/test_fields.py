"""Id fields: an id no database column holds is an invalid choice, never an OverflowError."""

import pytest
from django import forms
from django.urls import reverse

from clusters.fields import IdChoiceField, IdMultipleChoiceField
from clusters.models import Region

pytestmark = pytest.mark.django_db

TOO_WIDE = "99999999999999999999"


class RegionsForm(forms.Form):
    one = IdChoiceField(queryset=Region.objects.all(), required=False)
    many = IdMultipleChoiceField(queryset=Region.objects.all(), required=False)
    by_code = IdChoiceField(queryset=Region.objects.all(), to_field_name="code", required=False)


@pytest.mark.parametrize("value", [TOO_WIDE, "-" + TOO_WIDE, str(2**63)])
def test_an_id_too_wide_is_an_invalid_choice(county, value):
    form = RegionsForm({"one": value, "many": [str(county.pk), value]})
    assert not form.is_valid()
    assert form.has_error("one", "invalid_choice")
    assert form.has_error("many", "invalid_choice")


def test_real_ids_and_codes_are_still_chosen(county, city):
    form = RegionsForm({"one": str(county.pk), "many": [str(county.pk), str(city.pk)], "by_code": county.code})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["one"] == county
    assert set(form.cleaned_data["many"]) == {county, city}
    assert form.cleaned_data["by_code"] == county


@pytest.mark.parametrize(
    ("name", "param"),
    [
        ("clusters:cluster-list", "county"),
        ("clusters:enterprise-list", "cluster"),
        ("assistance:ticket-list", "team"),
        ("assistance:ticket-list", "assignee"),
        ("assistance:ticket-list", "category"),
        ("assistance:visit-list", "cluster"),
        ("assistance:training-list", "category"),
    ],
)
def test_a_filter_given_an_id_too_wide_answers_the_list(client_for, manager, name, param):
    assert client_for(manager).get(reverse(name), {param: TOO_WIDE}).status_code == 200


def test_a_visit_with_an_inspector_id_too_wide_is_a_form_error(client_for, inspector, enterprise):
    response = client_for(inspector).post(
        reverse("assistance:visit-create"),
        {"date": "2025-05-01", "enterprise": enterprise.pk, "inspectors": [TOO_WIDE], "purpose": "回访"},
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("inspectors", "invalid_choice")
