"""Searchable pickers: a <select> holding only its chosen options, which select2 fills from a JSON endpoint.

A plain select of every enterprise in a city is thousands of options the page must query and send
before it can be used. These widgets render the chosen values only (fetched by id), and
static/js/pickers.js turns the select into a search that asks the endpoint named by `url_name`
(see config/autocomplete.py) for the rest, twenty at a time. The field still validates against its
whole scoped queryset: the widget changes what the page holds, not what the server accepts.

select2 and jQuery come from Django admin's static files (django.contrib.admin is installed), so
nothing is fetched from outside and nothing runs inline: the Content-Security-Policy stays strict.
Without JavaScript the select still shows, and posts back, what was chosen.
"""

import json
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusters.fields import PK_RANGE


def _ids(values) -> list[int]:
    """The values that can be record ids, in the order given, once each; anything else is left out."""
    ids = []
    for value in values:
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            continue
        if number in PK_RANGE and number not in ids:
            ids.append(number)
    return ids


class AutocompleteSelect(forms.Select):
    """Pick one record by searching; `params` go with every request, `forward` adds the values of other
    fields of the same form ({"team": "team"}: the team field's value as `?team=`)."""

    placeholder = _("Type to search")

    def __init__(self, url_name: str, *, params: dict | None = None, forward: dict | None = None, attrs=None):
        super().__init__(attrs)
        self.url_name = url_name
        self.params = dict(params or {})
        self.forward = dict(forward or {})

    class Media:
        css = {"all": ("admin/css/vendor/select2/select2.min.css", "css/pickers.css")}
        js = (
            "admin/js/vendor/jquery/jquery.min.js",
            "admin/js/vendor/select2/select2.full.min.js",
            "admin/js/vendor/select2/i18n/zh-CN.js",
            "js/pickers.js",
        )

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.params = dict(self.params)
        copy.forward = dict(self.forward)
        return copy

    def url(self) -> str:
        url = reverse(self.url_name)
        return f"{url}?{urlencode(self.params)}" if self.params else url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-autocomplete-url"] = self.url()
        widget_attrs["data-placeholder"] = str(self.placeholder)
        widget_attrs["data-allow-clear"] = json.dumps(not self.is_required and not self.allow_multiple_selected)
        if self.forward:
            # Fields of a prefixed form are named "<prefix>-<field>"; the forwarded ones share the prefix.
            prefix = name.rpartition("-")[0]
            names = {param: f"{prefix}-{field}" if prefix else field for param, field in self.forward.items()}
            widget_attrs["data-autocomplete-forward"] = json.dumps(names)
        return context

    def use_required_attribute(self, initial) -> bool:
        # select2 hides the select, and a browser cannot point at a hidden required field; the server checks.
        return False

    def optgroups(self, name, value, attrs=None):
        """Only the chosen records, in the order chosen, fetched in one query by id (none when nothing is)."""
        options = []
        if not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0, attrs=attrs))
        ids = _ids(v for v in value if v not in ("", None))
        field = getattr(self.choices, "field", None)
        if ids and field is not None and field.queryset is not None:
            key = field.to_field_name or "pk"
            found = {str(field.prepare_value(obj)): obj for obj in field.queryset.filter(**{f"{key}__in": ids})}
            for chosen in (str(i) for i in ids):
                if chosen in found:
                    label = field.label_from_instance(found[chosen])
                    options.append(self.create_option(name, chosen, label, True, len(options), attrs=attrs))
        return [(None, options, 0)]


class AutocompleteSelectMultiple(AutocompleteSelect, forms.SelectMultiple):
    """Pick several records by searching."""
