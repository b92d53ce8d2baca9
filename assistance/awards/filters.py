import django_filters
from django.utils.translation import gettext_lazy as _

from clusters.fields import IdChoiceFilter
from clusters.filters import ScopedFilterSet, YesNoFilter

from .models import AwardApplication, AwardCycle


class ApplicationFilter(ScopedFilterSet):
    """The staff's filters; the score filters work on the annotations of `selectors.with_scores`."""

    q = django_filters.CharFilter(label=_("Enterprise"), method="search")
    cycle = IdChoiceFilter(label=_("Cycle"), queryset=AwardCycle.objects.select_related("programme"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AwardApplication.Status.choices)
    cluster = IdChoiceFilter(label=_("Cluster"), queryset=None, field_name="enterprise__cluster")
    county = IdChoiceFilter(label=_("County"), queryset=None, field_name="enterprise__county")
    min_score = django_filters.NumberFilter(label=_("Mean score from"), field_name="mean_score", lookup_expr="gte")
    max_score = django_filters.NumberFilter(label=_("Mean score to"), field_name="mean_score", lookup_expr="lte")
    # Filtering on the annotated flag: an application without reviews does not disagree (NULL is not "no").
    disagreement = YesNoFilter(label=_("Reviewers disagree"), field_name="disagreement")

    class Meta:
        model = AwardApplication
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(enterprise__name__icontains=value) if value else queryset


class ReviewerApplicationFilter(django_filters.FilterSet):
    """A reviewer's filters: nothing that depends on scores, which would tell them about other reviews."""

    q = django_filters.CharFilter(label=_("Enterprise"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AwardApplication.Status.choices)

    class Meta:
        model = AwardApplication
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(enterprise__name__icontains=value) if value else queryset
