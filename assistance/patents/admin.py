"""Admin pages of the 专利伯乐 selection; the steps are taken on the nomination pages, which apply the rules."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clusters.admin import AUDIT_FIELDS, AuditedAdmin, ReadOnlyAdmin

from ..admin import TimelineInline
from . import services
from .models import Nomination, NominationDecision, NominationEvent, NominationReview, PatentSelection


@admin.register(PatentSelection)
class PatentSelectionAdmin(AuditedAdmin):
    list_display = ("title", "year", "region", "opens_at", "closes_at", "quota", "published_at", "synthetic")
    list_filter = ("year", "synthetic")
    search_fields = ("title", "description")
    autocomplete_fields = ("region",)
    readonly_fields = ("published_at", "published_by", *AUDIT_FIELDS)
    list_select_related = ("region",)


class NominationEventInline(TimelineInline):
    model = NominationEvent
    action_labels = services.STEP_LABELS


class NominationReviewInline(admin.TabularInline):
    model = NominationReview
    fields = ("reviewer", "no_conflict_declared_at", "withdrawn_at", "total", "recommendation", "submitted_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Nomination)
class NominationAdmin(SimpleHistoryAdmin):
    """Read-only here: nominations change through their pages, whose services keep the lifecycle's rules."""

    list_display = ("__str__", "status", "region", "nominated_by", "submitted_at", "synthetic")
    list_filter = ("status", "selection", "synthetic")
    search_fields = ("nominee_expert__name", "nominee_user__username", "nominee_user__last_name", "statement")
    readonly_fields = (
        "selection",
        "nominee_expert",
        "nominee_user",
        "region",
        "statement",
        "nominated_by",
        "status",
        "submitted_at",
        "evidence",
        "synthetic",
        "source",
        "updated_by",
        "version",
        *AUDIT_FIELDS,
    )
    inlines = [NominationReviewInline, NominationEventInline]
    list_select_related = ("selection", "region", "nominee_expert", "nominee_user", "nominated_by")

    def has_add_permission(self, request):
        return False


@admin.register(NominationReview)
class NominationReviewAdmin(ReadOnlyAdmin):
    list_display = ("nomination", "reviewer", "total", "recommendation", "submitted_at")
    list_filter = ("recommendation",)
    search_fields = ("nomination__nominee_expert__name", "reviewer__username")
    list_select_related = (
        "nomination__selection",
        "nomination__nominee_expert",
        "nomination__nominee_user",
        "reviewer",
    )


@admin.register(NominationDecision)
class NominationDecisionAdmin(ReadOnlyAdmin):
    list_display = ("nomination", "outcome", "decided_by", "decided_at")
    list_filter = ("outcome",)
    search_fields = ("reason",)
    list_select_related = (
        "nomination__selection",
        "nomination__nominee_expert",
        "nomination__nominee_user",
        "decided_by",
    )


@admin.register(NominationEvent)
class NominationEventAdmin(ReadOnlyAdmin):
    list_display = ("nomination", "action", "from_status", "to_status", "actor", "at")
    list_filter = ("to_status",)
    search_fields = ("note",)
    list_select_related = ("nomination__selection", "nomination__nominee_expert", "nomination__nominee_user", "actor")
