import copy

import django_filters
from django import forms
from django.db.models import Q
from django.forms.utils import pretty_name
from django.utils.functional import lazy
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from config.freshness import kept
from config.pinyin import Pinyin

from .fields import IdChoiceFilter
from .models import Cluster, Designation, Enterprise
from .rendering import QUICK_RENDERER
from .selectors import has_designation, visible_clusters, visible_counties

ALL = pgettext_lazy("filter choice", "All")


class YesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter's choices, "all" first: leaving it alone filters nothing (Django says "unknown")."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", ALL), ("true", _("Yes")), ("false", _("No"))]


class YesNoFilter(django_filters.BooleanFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", YesNoSelect)
        super().__init__(*args, **kwargs)


_descending = lazy(lambda fmt, label: str(fmt) % label, str)


class TotalOrderingFilter(django_filters.OrderingFilter):
    """Sorting that always ends in a unique column, so that pages never repeat or skip a row.

    `then` maps a field to the columns that break its ties when it sorts ascending (the primary key by
    default); sorting descending flips them too, so that one index read backwards serves both ways.
    `expressions` names computed sort keys (a rank, say), added to the query only when chosen.
    """

    descending_fmt = _("%s (descending)")

    def __init__(
        self,
        *args,
        then: dict[str, tuple[str, ...]] | None = None,
        expressions=None,
        pinyin: tuple[str, ...] = ("name",),
        **kwargs,
    ):
        self.then = then or {}
        self.expressions = expressions or {}
        self.pinyin = pinyin
        kwargs.setdefault("empty_label", _("Default order"))
        super().__init__(*args, **kwargs)

    def build_choices(self, fields, labels):
        # The filters are built once, at import: "(descending)" is joined to a label when the page shows it,
        # in that page's language, not in the language of the first page after a restart.
        ascending = [(param, labels.get(field, _(pretty_name(param)))) for field, param in fields.items()]
        descending = [
            (f"-{param}", labels.get(f"-{param}", _descending(self.descending_fmt, label)))
            for param, label in ascending
        ]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        primary = ordering[0]
        descending = primary.startswith("-")
        then = self.then.get(primary.lstrip("-"), ("pk",))
        chosen = {field.lstrip("-") for field in ordering}
        if used := {name: expression for name, expression in self.expressions.items() if name in chosen}:
            qs = qs.alias(**used)
        flip = lambda field: field[1:] if field.startswith("-") else f"-{field}"  # noqa: E731
        fields = [*ordering, *(flip(field) if descending else field for field in then)]
        return qs.order_by(*(self._collated(field) for field in fields))

    def _collated(self, field: str):
        """Chinese names sort by pinyin (config/pinyin.py); other columns as they are."""
        name = field.lstrip("-")
        if name not in self.pinyin:
            return field
        return Pinyin(name).desc() if field.startswith("-") else Pinyin(name).asc()


def _own_copy(filter_: django_filters.Filter) -> django_filters.Filter:
    """A filter of the class's own for one filter set: its settings copied one level deep.

    django-filter deep-copies every filter for every request (their querysets, choices and lazy labels),
    a third of a list page's own time; each filter set only rebinds a filter's attributes (its queryset,
    its choices), so a copy of the filter and of its `extra` is enough. A filter with a method gets its
    own FilterMethod, which reaches the filter set through the copy.
    """
    clone = copy.copy(filter_)
    clone.__dict__.pop("_field", None)  # the form field is made again, from the copy's settings
    clone.extra = dict(filter_.extra)
    if filter_.method is not None:
        clone.method = filter_.method
    return clone


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose choices are limited to the requesting user's jurisdiction.

    A dropdown's records are given as a function of the request (as django-filter allows): its query is
    built only when the form is, which a list whose form is kept (clusters/templatetags/listing.py) and
    that filters nothing never needs.
    """

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        base_filters = self.base_filters
        # Copied below by `_own_copy`, not deep-copied by django-filter (see there).
        self.base_filters = {}
        super().__init__(data, queryset, request=request, **kwargs)
        del self.base_filters  # the class's own again
        model = self.queryset.model
        self.filters = {}
        for name, filter_ in base_filters.items():
            clone = self.filters[name] = _own_copy(filter_)
            clone.model, clone.parent = model, self
        if "county" in self.filters:
            self.filters["county"].queryset = lambda request: visible_counties(user=request.user)
        if "cluster" in self.filters:
            self.filters["cluster"].queryset = lambda request: visible_clusters(user=request.user).order_by(
                Pinyin("name"), "pk"
            )

    @property
    def form(self):
        form = super().form
        if getattr(form, "choices_kept", False):
            return form
        # Drawn on every list page: its widgets are written in Python, not a template per option, and the
        # records its dropdowns offer are read once and kept until one of them changes.
        form.renderer = QUICK_RENDERER
        # A dropdown's records depend on the user alone (their jurisdiction, role and team), and any change
        # to the user or to the records starts a new records version: the user and the field key them.
        user = self.request.user
        for name, field in form.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                key = (type(self).__qualname__, name, user.pk, get_language())
                field.kept_choices = kept("filter-choices", key, lambda field=field: _plain_choices(field))
        form.choices_kept = True
        return form


def _plain_choices(field: forms.ModelChoiceField) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in field.choices]


class ClusterFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    county = IdChoiceFilter(label=_("County"), queryset=None)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Cluster.Level.choices)
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=[])
    featured = YesNoFilter(label=_("Featured industrial cluster"))
    ordering = TotalOrderingFilter(
        label=_("Sort by"),
        fields=[("name", "name"), ("year_designated", "year"), ("enterprise_count", "enterprises")],
        field_labels={"name": _("Name"), "year_designated": _("Year designated"), "enterprise_count": _("Enterprises")},
    )

    class Meta:
        model = Cluster
        fields = ["q", "county", "level", "industry", "featured"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        industries = (
            visible_clusters(user=self.request.user).order_by("industry").values_list("industry", flat=True).distinct()
        )
        self.filters["industry"].extra["choices"] = [(i, i) for i in industries]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__ilike=value) | Q(industry__ilike=value) | Q(description__ilike=value))


class EnterpriseFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name or credit code"), method="search")
    cluster = IdChoiceFilter(label=_("Cluster"), queryset=None)
    county = IdChoiceFilter(label=_("County"), queryset=None)
    designation = django_filters.ChoiceFilter(
        label=_("Designation"), choices=Designation.Kind.choices, method="with_designation"
    )
    is_leading = YesNoFilter(label=_("Leading enterprise"))
    ordering = TotalOrderingFilter(
        label=_("Sort by"),
        fields=[("name", "name"), ("honour_count", "honours"), ("standard_count", "standards")],
        field_labels={"name": _("Name"), "honour_count": _("Honours"), "standard_count": _("Standards")},
    )

    class Meta:
        model = Enterprise
        fields = ["q", "cluster", "county", "designation", "is_leading"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__ilike=value) | Q(credit_code__ilike=value.upper()))

    def with_designation(self, queryset, name, value):
        return queryset.filter(has_designation(kind=value))
