import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusters.fields import IdChoiceFilter
from clusters.filters import ScopedFilterSet, TotalOrderingFilter, YesNoFilter
from clusters.models import User
from clusters.periods import within_days

from .models import PRIORITY_RANK, Priority, Ticket, TicketCategory, Training, Visit
from .selectors import inspector_choices, visible_teams


def _assignee_choices(request):
    """The members of the teams the user sees, and the user, member of a team or not: the home page's
    "my tickets" figures link to the list with `?assignee=`."""
    user = request.user
    return (
        User.objects.filter(Q(memberships__team__in=visible_teams(user=user)) | Q(pk=user.pk))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class TicketFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    # A column of the ticket itself, so no row repeats: without `distinct=False` django-filter adds a
    # DISTINCT over every column, which sorts all matching tickets before the first page can be read.
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Ticket.Status.choices,
        widget=forms.SelectMultiple(attrs={"size": 3}),
        distinct=False,
    )
    category = IdChoiceFilter(label=_("Category"), queryset=TicketCategory.objects.all())
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Priority.choices)
    cluster = IdChoiceFilter(label=_("Cluster"), queryset=None, field_name="enterprise__cluster")
    county = IdChoiceFilter(label=_("County"), queryset=None, field_name="enterprise__county")
    team = IdChoiceFilter(label=_("Team"), queryset=None)
    assignee = IdChoiceFilter(label=_("Assignee"), queryset=None)
    overdue = YesNoFilter(label=_("Overdue"), method="filter_overdue")
    unassigned = YesNoFilter(label=_("Unassigned"), field_name="assignee", lookup_expr="isnull")
    # Ranges on the timestamp between local midnights, which its index serves (see clusters/periods.py).
    opened_after = django_filters.DateFilter(
        label=_("Opened from"), method="filter_opened", widget=forms.DateInput(attrs={"type": "date"})
    )
    opened_before = django_filters.DateFilter(
        label=_("Opened until"), method="filter_opened", widget=forms.DateInput(attrs={"type": "date"})
    )
    resolved_after = django_filters.DateFilter(
        label=_("Resolved from"), method="filter_resolved", widget=forms.DateInput(attrs={"type": "date"})
    )
    resolved_before = django_filters.DateFilter(
        label=_("Resolved until"), method="filter_resolved", widget=forms.DateInput(attrs={"type": "date"})
    )
    ordering = TotalOrderingFilter(
        label=_("Sort by"),
        fields=[("opened_at", "opened"), ("due_at", "due"), ("number", "number"), ("priority_rank", "priority")],
        # As the indexes hold them: newest first within a priority (ticket_priority_opened).
        then={"priority_rank": ("-opened_at", "-id"), "opened_at": ("id",), "due_at": ("id",), "number": ()},
        expressions={"priority_rank": PRIORITY_RANK},
        field_labels={
            "opened_at": pgettext_lazy("time", "Opened"),
            "due_at": _("Due"),
            "number": _("Number"),
            "priority_rank": _("Priority"),
        },
    )

    class Meta:
        model = Ticket
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["team"].queryset = lambda request: visible_teams(user=request.user)
        self.filters["assignee"].queryset = _assignee_choices

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__ilike=value)
            | Q(title__ilike=value)
            | Q(description__ilike=value)
            | Q(enterprise__name__ilike=value)
        )

    def filter_opened(self, queryset, name, value):
        since, until = (value, None) if name == "opened_after" else (None, value)
        return queryset.filter(**within_days("opened_at", since, until))

    def filter_resolved(self, queryset, name, value):
        since, until = (value, None) if name == "resolved_after" else (None, value)
        return queryset.filter(**within_days("resolved_at", since, until))

    def filter_overdue(self, queryset, name, value):
        condition = Ticket.overdue_q(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class VisitFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    cluster = IdChoiceFilter(label=_("Cluster"), queryset=None, field_name="enterprise__cluster")
    county = IdChoiceFilter(label=_("County"), queryset=None, field_name="enterprise__county")
    # One inspector appears once in a visit: no row repeats, so no DISTINCT.
    inspector = IdChoiceFilter(label=_("Inspector"), queryset=None, field_name="inspectors", distinct=False)
    date_after = django_filters.DateFilter(
        label=_("From"), field_name="date", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_before = django_filters.DateFilter(
        label=_("Until"), field_name="date", lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Visit
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["inspector"].queryset = lambda request: inspector_choices(user=request.user).order_by("username")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(enterprise__name__ilike=value) | Q(purpose__ilike=value) | Q(findings__ilike=value))


class TrainingFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    category = IdChoiceFilter(label=_("Topic"), queryset=TicketCategory.objects.all())
    cluster = IdChoiceFilter(label=_("Cluster"), queryset=None, field_name="clusters", distinct=True)
    date_after = django_filters.DateFilter(
        label=_("From"), field_name="date", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_before = django_filters.DateFilter(
        label=_("Until"), field_name="date", lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Training
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__ilike=value) | Q(place__ilike=value))
