"""Admin pages of the quality awards; lifecycle steps are taken on the application pages, which apply the rules."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clusters.admin import AUDIT_FIELDS, AuditedAdmin, LabelledHistoryAdmin, ReadOnlyAdmin, VersionedAdminMixin
from clusters.editing import VersionedAdminForm

from ..admin import ActionFilter, TimelineInline
from . import services
from .models import (
    ApplicationEvent,
    ApplicationRevision,
    AwardApplication,
    AwardCycle,
    AwardProgramme,
    DeadlineException,
    Decision,
    Review,
    ReviewerAssignment,
    ReviewScore,
    Rubric,
    RubricCategory,
)


@admin.register(AwardProgramme)
class AwardProgrammeAdmin(AuditedAdmin):
    list_display = ("name", "code", "honour_kind", "active")
    list_filter = ("active",)
    search_fields = ("name", "code")


class RubricCategoryInline(admin.TabularInline):
    model = RubricCategory
    fields = ("position", "code", "name", "max_points")
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_locked

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(Rubric)
class RubricAdmin(AuditedAdmin):
    """A rubric used by a submitted review is locked: make a new version for later cycles."""

    list_display = ("name", "version", "locked")
    search_fields = ("name",)
    inlines = [RubricCategoryInline]

    @admin.display(boolean=True, description=_("locked"))
    def locked(self, obj):
        return obj.is_locked

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return ("name", "version", *AUDIT_FIELDS)
        return AUDIT_FIELDS


@admin.register(AwardCycle)
class AwardCycleAdmin(AuditedAdmin):
    list_display = ("__str__", "programme", "year", "opens_at", "closes_at", "quota", "rubric")
    list_filter = ("programme", "year")
    search_fields = ("programme__name", "description")
    autocomplete_fields = ("programme", "rubric")
    list_select_related = ("programme", "rubric")


class ApplicationEventInline(TimelineInline):
    model = ApplicationEvent
    action_labels = services.STEP_LABELS


class ReviewerAssignmentInline(admin.TabularInline):
    """Each reviewer with their review's total, recommendation and submission time."""

    model = ReviewerAssignment
    fields = (
        "reviewer",
        "is_lead",
        "no_conflict_declared_at",
        "withdrawn_at",
        "review_total",
        "review_recommendation",
        "review_submitted_at",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer", "review")

    @admin.display(description=_("total score"))
    def review_total(self, obj):
        return obj.review.total if hasattr(obj, "review") else "—"

    @admin.display(description=_("recommendation"))
    def review_recommendation(self, obj):
        return obj.review.get_recommendation_display() if hasattr(obj, "review") else "—"

    @admin.display(description=_("submitted at"))
    def review_submitted_at(self, obj):
        return obj.review.submitted_at if hasattr(obj, "review") and obj.review.submitted_at else "—"

    def has_add_permission(self, request, obj=None):
        return False


class ApplicationAdminForm(VersionedAdminForm):
    class Meta:
        model = AwardApplication
        fields = ("self_assessment", "self_score")


@admin.register(AwardApplication)
class AwardApplicationAdmin(VersionedAdminMixin, LabelledHistoryAdmin):
    """Steps of the lifecycle are taken on the application pages, which apply the rules; the self-assessment is
    edited through the same service as there (a draft or returned application only), and a decided or withdrawn
    application is shown read-only."""

    form = ApplicationAdminForm
    list_display = ("enterprise", "cycle", "status", "prepared_by", "submitted_at", "synthetic")
    list_filter = ("status", "cycle", "synthetic")
    search_fields = ("enterprise__name",)
    readonly_fields = (
        "enterprise",
        "cycle",
        "status",
        "prepared_by",
        "submitted_at",
        "synthetic",
        "source",
        "updated_by",
        "version",
        *AUDIT_FIELDS,
    )
    inlines = [ReviewerAssignmentInline, ApplicationEventInline]
    list_select_related = ("enterprise", "cycle__programme", "prepared_by")

    def has_add_permission(self, request):
        return False

    def update(self, request, obj, form) -> None:
        services.application_update(
            application_id=obj.pk,
            user=request.user,
            version=form.opened_version,
            self_assessment=form.cleaned_data["self_assessment"],
            self_score=form.cleaned_data["self_score"],
        )


class ReviewScoreInline(admin.TabularInline):
    model = ReviewScore
    fields = ("category", "score", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(LabelledHistoryAdmin):
    list_display = ("assignment", "total", "recommendation", "submitted_at")
    list_filter = ("recommendation",)
    search_fields = ("assignment__application__enterprise__name", "assignment__reviewer__username")
    readonly_fields = ("assignment", "revision", "total", "comment", "recommendation", "submitted_at")
    inlines = [ReviewScoreInline]
    list_select_related = ("assignment__application__enterprise", "assignment__reviewer")

    def has_add_permission(self, request):
        return False


@admin.register(Decision)
class DecisionAdmin(LabelledHistoryAdmin):
    list_display = ("application", "outcome", "decided_by", "decided_at", "honour")
    list_filter = ("outcome",)
    search_fields = ("application__enterprise__name", "reason")
    readonly_fields = ("application", "outcome", "reason", "decided_by", "decided_at", "honour")
    list_select_related = ("application__enterprise", "decided_by", "honour")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlineException)
class DeadlineExceptionAdmin(admin.ModelAdmin):
    list_display = ("application", "until", "granted_by", "created_at")
    search_fields = ("application__enterprise__name", "reason")
    readonly_fields = ("application", "granted_by", "reason", "until", "created_at")
    list_select_related = ("application__enterprise", "granted_by")

    def has_add_permission(self, request):
        return False


@admin.register(ApplicationRevision)
class ApplicationRevisionAdmin(ReadOnlyAdmin):
    list_display = ("application", "number", "self_score", "created_by", "created_at")
    search_fields = ("application__enterprise__name",)
    list_select_related = ("application__enterprise", "application__cycle__programme", "created_by")


@admin.register(ReviewerAssignment)
class ReviewerAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("application", "reviewer", "is_lead", "no_conflict_declared_at", "withdrawn_at")
    list_filter = ("is_lead",)
    search_fields = ("application__enterprise__name", "reviewer__username")
    list_select_related = ("application__enterprise", "application__cycle__programme", "reviewer")


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdmin):
    list_display = ("application", "action_label", "from_status", "to_status", "actor", "at")
    list_filter = (ActionFilter, "to_status")
    search_fields = ("application__enterprise__name", "note")
    # The change page shows the step by its label too, as the ticket events' does, not its code ("submit").
    fields = ("application", "action_label", "from_status", "to_status", "actor", "at", "note")
    readonly_fields = fields
    action_labels = services.STEP_LABELS

    @admin.display(description=_("action"))
    def action_label(self, event) -> str:
        return self.action_labels.get(event.action, event.action)

    list_select_related = ("application__enterprise", "application__cycle__programme", "actor")
