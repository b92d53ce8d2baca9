import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusters.fields import IdChoiceFilter
from clusters.filters import ScopedFilterSet, TotalOrderingFilter, YesNoFilter
from clusters.models import Region
from clusters.selectors import visible_regions

from ..selectors import visible_teams
from .models import Measure, Plan, Status
from .selectors import regions_above, visible_plans

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class PlanFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    region = IdChoiceFilter(label=_("Region"), queryset=None)
    year = django_filters.NumberFilter(label=_("In force in year"), method="in_force", min_value=2000, max_value=2100)
    synthetic = YesNoFilter(label=_("Synthetic sample"))
    ordering = TotalOrderingFilter(
        label=_("Sort by"),
        fields=[("start_date", "start"), ("title", "title")],
        then={"start_date": ("id",), "title": ("id",)},
        pinyin=("title",),
        field_labels={"start_date": _("Start date"), "title": _("Title")},
    )

    class Meta:
        model = Plan
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        regions = visible_regions(user=user) | Region.objects.filter(pk__in=regions_above(user=user))
        self.filters["region"].queryset = regions.order_by("code", "name")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__ilike=value) | Q(document_number__ilike=value) | Q(issuing_body__ilike=value))

    def in_force(self, queryset, name, value):
        year = int(value)
        return queryset.filter(
            Q(start_date__year__lte=year) | Q(start_date__isnull=True),
            Q(end_date__year__gte=year) | Q(end_date__isnull=True),
        )


class MeasureFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    plan = IdChoiceFilter(label=_("Plan"), queryset=None)
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Status.choices, widget=forms.SelectMultiple(attrs={"size": 3}), distinct=False
    )
    overdue = YesNoFilter(label=_("Overdue"), method="filter_overdue")
    due_by = django_filters.DateFilter(label=_("Not done and due by"), method="filter_due_by", widget=DATE_WIDGET)
    cluster = IdChoiceFilter(label=_("Cluster"), queryset=None, field_name="clusters", distinct=True)
    team = IdChoiceFilter(label=_("Support team"), queryset=None)
    ordering = TotalOrderingFilter(
        label=_("Sort by"),
        fields=[("deadline", "deadline"), ("title", "title")],
        then={"deadline": ("id",), "title": ("id",)},
        pinyin=("title",),
        field_labels={"deadline": _("Deadline"), "title": _("Title")},
    )

    class Meta:
        model = Measure
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        self.filters["plan"].queryset = visible_plans(user=user).order_by("-start_date", "-pk")
        self.filters["team"].queryset = visible_teams(user=user).order_by("name", "pk")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__ilike=value) | Q(owner_unit__ilike=value) | Q(description__ilike=value))

    def filter_overdue(self, queryset, name, value):
        condition = Measure.objects.overdue_q()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_due_by(self, queryset, name, value):
        return queryset.filter(Measure.objects.due_by_q(value))
