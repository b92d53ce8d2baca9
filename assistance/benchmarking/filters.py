import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from clusters.fields import IdChoiceFilter
from clusters.filters import ScopedFilterSet, TotalOrderingFilter

from .models import Campaign, Participation


class CampaignFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    cluster = IdChoiceFilter(label=_("Cluster"), queryset=None)
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)
    ordering = TotalOrderingFilter(
        label=_("Sort by"),
        fields=[("year", "year"), ("title", "title")],
        field_labels={"year": _("Year"), "title": _("Title")},
        pinyin=("title",),
    )

    class Meta:
        model = Campaign
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # A subquery rather than a join, so that no campaign repeats.
        named = Participation.objects.filter(campaign=OuterRef("pk"), benchmark_name__ilike=value)
        enrolled = Participation.objects.filter(campaign=OuterRef("pk"), enterprise__name__ilike=value)
        return queryset.filter(
            Q(title__ilike=value) | Q(description__ilike=value) | Q(Exists(named)) | Q(Exists(enrolled))
        )
