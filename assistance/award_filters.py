import django_filters
from django.conf import settings
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from clusters.filters import ScopedFilterSet

from .models import AwardApplication, AwardCycle


class ApplicationFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Enterprise"), method="search")
    cycle = django_filters.ModelChoiceFilter(label=_("Cycle"), queryset=AwardCycle.objects.select_related("programme"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AwardApplication.Status.choices)
    cluster = django_filters.ModelChoiceFilter(label=_("Cluster"), queryset=None, field_name="enterprise__cluster")
    county = django_filters.ModelChoiceFilter(label=_("County"), queryset=None, field_name="enterprise__county")
    min_score = django_filters.NumberFilter(label=_("Mean score from"), field_name="mean_score", lookup_expr="gte")
    max_score = django_filters.NumberFilter(label=_("Mean score to"), field_name="mean_score", lookup_expr="lte")
    disagreement = django_filters.BooleanFilter(label=_("Reviewers disagree"), method="filter_disagreement")

    class Meta:
        model = AwardApplication
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(enterprise__name__icontains=value) if value else queryset

    def filter_disagreement(self, queryset, name, value):
        wide = Q(max_score__gt=F("min_score") + settings.REVIEW_DISAGREEMENT_POINTS)
        return queryset.filter(wide) if value else queryset.exclude(wide)
