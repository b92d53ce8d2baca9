"""The picker widgets render the chosen records only, fetched by id, and bring their assets from admin's files."""

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.fields import IdChoiceField, IdMultipleChoiceField
from clusters.models import Enterprise
from config.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from tests.factories import EnterpriseFactory
from tests.pickers import options, selected

pytestmark = pytest.mark.django_db


class PickerForm(forms.Form):
    one = IdChoiceField(
        queryset=Enterprise.objects.order_by("name"),
        widget=AutocompleteSelect("clusters:enterprise-autocomplete", params={"size": "large"}),
    )
    many = IdMultipleChoiceField(
        queryset=Enterprise.objects.order_by("name"),
        required=False,
        widget=AutocompleteSelectMultiple("clusters:cluster-autocomplete", forward={"county": "county"}),
    )


def _render(form, name) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as context:
        html = str(form[name])
    return html, len(context.captured_queries)


def test_nothing_chosen_renders_no_record_and_runs_no_query(db):
    EnterpriseFactory.create_batch(5)
    html, count = _render(PickerForm(), "one")
    assert (options(html, "one"), count) == ([""], 0)
    html, count = _render(PickerForm(), "many")
    assert (options(html, "many"), count) == ([], 0)


def test_the_chosen_records_render_in_the_order_chosen_in_one_query(db):
    first, second, third = EnterpriseFactory.create_batch(3)
    form = PickerForm({"one": str(second.pk), "many": [str(third.pk), str(first.pk)]})
    assert form.is_valid()  # the form's own checks are queries too; only the rendering's are counted
    html, count = _render(form, "many")
    assert count == 1
    assert options(html, "many") == selected(html, "many") == [str(third.pk), str(first.pk)]
    assert f">{third.name}</option>" in html
    html, _ = _render(form, "one")
    assert options(html, "one") == ["", str(second.pk)]
    assert selected(html, "one") == [str(second.pk)]


def test_a_chosen_value_outside_the_queryset_or_no_id_at_all_is_not_rendered(db):
    kept, hidden = EnterpriseFactory.create_batch(2)
    form = PickerForm({"many": [str(kept.pk), str(hidden.pk), "abc", str(10**30), "", str(kept.pk)]})
    form.fields["many"].queryset = Enterprise.objects.exclude(pk=hidden.pk)
    html, _ = _render(form, "many")
    assert options(html, "many") == [str(kept.pk)]
    assert hidden.name not in html


def test_the_select_names_its_endpoint_and_the_fields_it_forwards_with_the_form_prefix(db):
    html = str(PickerForm(prefix="assign")["many"])
    assert 'data-autocomplete-url="/clusters/autocomplete/"' in html
    assert 'data-autocomplete-forward="{&quot;county&quot;: &quot;assign-county&quot;}"' in html
    assert 'data-allow-clear="false"' in html
    html = str(PickerForm()["one"])
    assert 'data-autocomplete-url="/clusters/enterprises/autocomplete/?size=large"' in html
    assert "data-autocomplete-forward" not in html
    assert " required" not in html  # select2 hides the select; the browser could not point at it


def test_each_form_has_its_own_copy_of_the_request_parameters(db):
    a, b = PickerForm(), PickerForm()
    a.fields["one"].widget.params["ticket"] = 1
    assert b.fields["one"].widget.params == {"size": "large"}
    assert PickerForm.base_fields["one"].widget.params == {"size": "large"}


def test_the_assets_come_from_the_installed_admin_and_our_static_files():
    media = PickerForm().media
    files = [*media._js, *media._css["all"]]
    assert "admin/js/vendor/jquery/jquery.min.js" in files
    assert "admin/js/vendor/select2/select2.full.min.js" in files
    assert "admin/js/vendor/select2/i18n/zh-CN.js" in files
    assert "admin/css/vendor/select2/select2.min.css" in files
    assert files.index("js/pickers.js") > files.index("admin/js/vendor/select2/select2.full.min.js")
    for path in files:
        assert finders.find(path), path
