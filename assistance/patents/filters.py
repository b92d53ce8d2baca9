"""Filters of the nomination list, limited to what the user may see."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusters.fields import IdChoiceFilter
from clusters.filters import ScopedFilterSet

from .models import Nomination, PatentSelection
from .selectors import visible_selections


class NominationFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Nominee"), method="search")
    selection = IdChoiceFilter(label=_("Selection"), queryset=PatentSelection.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Nomination.Status.choices)
    county = IdChoiceFilter(label=_("County"), queryset=None, field_name="region")

    class Meta:
        model = Nomination
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # Only the selections the user may see are offered (and accepted).
        self.filters["selection"].queryset = visible_selections(user=request.user).order_by("-year", "pk")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(nominee_expert__name__icontains=value)
            | Q(nominee_user__last_name__icontains=value)
            | Q(nominee_user__first_name__icontains=value)
            | Q(nominee_user__username__icontains=value)
        )
