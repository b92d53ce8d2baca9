from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from clusters.admin import AUDIT_FIELDS, AuditedAdmin

from .models import (
    ApplicationEvent,
    ApplicationRevision,
    Attachment,
    AwardApplication,
    AwardCycle,
    AwardProgramme,
    DeadlineException,
    Decision,
    Expert,
    Review,
    ReviewerAssignment,
    ReviewScore,
    Rubric,
    RubricCategory,
    ServiceLevel,
    ServicePartner,
    SupportTeam,
    TeamMembership,
    Ticket,
    TicketCategory,
    TicketCounter,
    TicketEvent,
    Training,
    Visit,
)


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    fields = ("user", "joined_on", "left_on")
    autocomplete_fields = ("user",)
    extra = 0


@admin.register(SupportTeam)
class SupportTeamAdmin(AuditedAdmin):
    list_display = ("name", "region", "leader", "active_from", "active_until")
    list_filter = ("region",)
    search_fields = ("name", "description")
    autocomplete_fields = ("region", "leader", "experts", "clusters")
    inlines = [TeamMembershipInline]
    list_select_related = ("region", "leader")


@admin.register(Expert)
class ExpertAdmin(AuditedAdmin):
    list_display = ("name", "organisation", "specialities", "user", "active", "synthetic")
    list_filter = ("active", "synthetic")
    search_fields = ("name", "organisation", "specialities")
    autocomplete_fields = ("user",)


@admin.register(TicketCategory)
class TicketCategoryAdmin(AuditedAdmin):
    list_display = ("name", "code", "active", "position")
    list_editable = ("active", "position")
    search_fields = ("name", "code")

    def has_delete_permission(self, request, obj=None):
        # Retire a category instead: old tickets keep it.
        return False


@admin.register(ServicePartner)
class ServicePartnerAdmin(AuditedAdmin):
    list_display = ("name", "active")
    list_filter = ("active",)
    search_fields = ("name",)


@admin.register(ServiceLevel)
class ServiceLevelAdmin(AuditedAdmin):
    list_display = ("priority", "days")
    list_editable = ("days",)

    def has_delete_permission(self, request, obj=None):
        return False


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    fields = ("at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(SimpleHistoryAdmin):
    """State changes go through the ticket pages, which apply the lifecycle rules; admin edits the rest."""

    list_display = ("number", "title", "enterprise", "category", "status", "priority", "team", "assignee", "due_at")
    list_filter = ("status", "priority", "category", "channel", "team", "synthetic")
    search_fields = ("number", "title", "enterprise__name")
    autocomplete_fields = ("enterprise", "partner", "raised_in_visit")
    readonly_fields = (
        "number",
        "status",
        "team",
        "assignee",
        "opened_at",
        "due_at",
        "waiting_since",
        "resolved_at",
        "closed_at",
        "cancel_reason",
        "created_by",
        "updated_by",
        "version",
        *AUDIT_FIELDS,
    )
    inlines = [TicketEventInline, AttachmentInline]
    list_select_related = ("enterprise", "category", "team", "assignee")
    date_hierarchy = "opened_at"

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        obj.version += 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Visit)
class VisitAdmin(AuditedAdmin):
    list_display = ("date", "enterprise", "team", "purpose", "synthetic")
    list_filter = ("team", "synthetic")
    search_fields = ("enterprise__name", "purpose", "findings")
    autocomplete_fields = ("enterprise", "team", "inspectors", "experts", "tickets_worked")
    inlines = [AttachmentInline]
    list_select_related = ("enterprise", "team")
    date_hierarchy = "date"


@admin.register(Training)
class TrainingAdmin(AuditedAdmin):
    list_display = ("date", "title", "category", "region", "attendee_count", "synthetic")
    list_filter = ("category", "region", "synthetic")
    search_fields = ("title", "place")
    autocomplete_fields = ("region", "clusters", "experts", "enterprises")
    list_select_related = ("category", "region")
    date_hierarchy = "date"


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "ticket", "visit", "content_type", "size", "uploaded_by", "uploaded_at")
    search_fields = ("original_name", "ticket__number")
    readonly_fields = ("ticket", "visit", "file", "original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    list_select_related = ("ticket", "visit", "uploaded_by")

    def has_add_permission(self, request):
        # Files are added on the ticket and visit pages, which check their content.
        return False


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ("ticket", "action", "from_status", "to_status", "actor", "at")
    list_filter = ("action", "to_status")
    search_fields = ("ticket__number", "note")
    readonly_fields = ("ticket", "action", "from_status", "to_status", "actor", "at", "note")
    list_select_related = ("ticket", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Quality awards


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


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    fields = ("at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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


@admin.register(AwardApplication)
class AwardApplicationAdmin(SimpleHistoryAdmin):
    """Steps of the lifecycle are taken on the application pages, which apply the rules."""

    list_display = ("enterprise", "cycle", "status", "prepared_by", "submitted_at", "synthetic")
    list_filter = ("status", "cycle", "synthetic")
    search_fields = ("enterprise__name",)
    readonly_fields = ("enterprise", "cycle", "status", "prepared_by", "submitted_at", *AUDIT_FIELDS)
    inlines = [ReviewerAssignmentInline, ApplicationEventInline]
    list_select_related = ("enterprise", "cycle__programme", "prepared_by")

    def has_add_permission(self, request):
        return False


class ReviewScoreInline(admin.TabularInline):
    model = ReviewScore
    fields = ("category", "score", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ("assignment", "total", "recommendation", "submitted_at")
    list_filter = ("recommendation",)
    search_fields = ("assignment__application__enterprise__name", "assignment__reviewer__username")
    readonly_fields = ("assignment", "revision", "total", "comment", "recommendation", "submitted_at")
    inlines = [ReviewScoreInline]
    list_select_related = ("assignment__application__enterprise", "assignment__reviewer")

    def has_add_permission(self, request):
        return False


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the services; admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TeamMembership)
class TeamMembershipAdmin(AuditedAdmin):
    list_display = ("user", "team", "joined_on", "left_on")
    list_filter = ("team",)
    search_fields = ("user__username", "user__last_name", "team__name")
    autocomplete_fields = ("user", "team")
    list_select_related = ("user", "team")


@admin.register(TicketCounter)
class TicketCounterAdmin(ReadOnlyAdmin):
    list_display = ("year", "last")


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
    list_display = ("application", "action", "from_status", "to_status", "actor", "at")
    list_filter = ("action", "to_status")
    search_fields = ("application__enterprise__name", "note")
    list_select_related = ("application__enterprise", "application__cycle__programme", "actor")
