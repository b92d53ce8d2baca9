from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clusters.admin import AUDIT_FIELDS, AuditedAdmin, LabelledHistoryAdmin, ReadOnlyAdmin, VersionedAdminMixin
from clusters.editing import VersionedAdminForm

from . import services
from .models import (
    Attachment,
    Expert,
    ServiceLevel,
    ServicePartner,
    SpreadsheetImport,
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
class SupportTeamAdmin(VersionedAdminMixin, AuditedAdmin):
    """Teams are edited here only: the hidden edit version keeps two administrators from overwriting each other."""

    form = VersionedAdminForm
    list_display = ("name", "region", "leader", "active_from", "active_until")
    list_filter = ("region",)
    search_fields = ("name", "description")
    autocomplete_fields = ("region", "leader", "experts", "clusters")
    readonly_fields = (*AUDIT_FIELDS, "updated_by", "version")
    inlines = [TeamMembershipInline]
    list_select_related = ("region", "leader")

    def update(self, request, obj, form) -> None:
        services.team_update(team_id=obj.pk, user=request.user, version=form.opened_version, data=form.cleaned_data)


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


class ActionFilter(admin.SimpleListFilter):
    """Events by action, named as the timeline names them (the admin's own view holds `action_labels`)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return list(model_admin.action_labels.items())

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class TimelineInline(admin.TabularInline):
    """A record's lifecycle events, read-only: only the lifecycle engine writes them."""

    fields = ("at", "action_label", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    action_labels = services.ACTION_LABELS

    @admin.display(description=_("action"))
    def action_label(self, event) -> str:
        return self.action_labels.get(event.action, event.action)

    def has_add_permission(self, request, obj=None):
        return False


class TicketEventInline(TimelineInline):
    model = TicketEvent


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


class TicketAdminForm(VersionedAdminForm):
    """The ticket's edit version rides along, so a change made meanwhile on the ticket pages is not overwritten."""

    edit_version = forms.IntegerField(
        label=VersionedAdminForm.base_fields["edit_version"].label, widget=forms.HiddenInput
    )

    class Meta:
        model = Ticket
        fields = services.EDITABLE_FIELDS


@admin.register(Ticket)
class TicketAdmin(VersionedAdminMixin, LabelledHistoryAdmin):
    """Admin edits the fields the ticket pages edit, through the same service; state changes are taken on the
    ticket pages, which apply the lifecycle rules. A closed or cancelled ticket is shown read-only."""

    form = TicketAdminForm
    list_display = ("number", "title", "enterprise", "category", "status", "priority", "team", "assignee", "due_at")
    list_filter = ("status", "priority", "category", "channel", "team", "synthetic")
    search_fields = ("number", "title", "enterprise__name")
    autocomplete_fields = ("partner",)
    readonly_fields = (
        "number",
        "enterprise",
        "status",
        "team",
        "assignee",
        "opened_at",
        "due_at",
        "waiting_since",
        "resolved_at",
        "resolution",
        "closed_at",
        "cancel_reason",
        "raised_in_visit",
        "created_by",
        "updated_by",
        "version",
        "synthetic",
        "source",
        *AUDIT_FIELDS,
    )
    inlines = [TicketEventInline, AttachmentInline]
    list_select_related = ("enterprise", "category", "team", "assignee")
    date_hierarchy = "opened_at"

    def has_add_permission(self, request):
        return False

    def update(self, request, obj, form) -> None:
        """Save through `ticket_update`: the version check, the edit rules and the due date follow the priority."""
        services.ticket_update(
            ticket_id=obj.pk,
            user=request.user,
            version=form.opened_version,
            data={field: form.cleaned_data[field] for field in services.EDITABLE_FIELDS},
        )


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
class TrainingAdmin(VersionedAdminMixin, AuditedAdmin):
    form = VersionedAdminForm
    readonly_fields = (*AUDIT_FIELDS, "created_by", "updated_by", "version")
    list_display = ("date", "title", "category", "region", "attendee_count", "synthetic")
    list_filter = ("category", "region", "synthetic")
    search_fields = ("title", "place")
    autocomplete_fields = ("region", "clusters", "experts", "enterprises")
    list_select_related = ("category", "region")
    date_hierarchy = "date"

    def update(self, request, obj, form) -> None:
        services.training_update(
            training_id=obj.pk, user=request.user, version=form.opened_version, data=form.cleaned_data
        )


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
    list_display = ("ticket", "action_label", "from_status", "to_status", "actor", "at")
    list_filter = (ActionFilter, "to_status")
    search_fields = ("ticket__number", "note")
    # The change page shows the step by its label, not its code ("assign").
    fields = ("ticket", "action_label", "from_status", "to_status", "actor", "at", "note")
    readonly_fields = fields
    action_labels = services.ACTION_LABELS

    @admin.display(description=_("action"))
    def action_label(self, event) -> str:
        return self.action_labels.get(event.action, event.action)

    list_select_related = ("ticket", "actor")

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


@admin.register(SpreadsheetImport)
class SpreadsheetImportAdmin(ReadOnlyAdmin):
    """Who uploaded which list, and whether it was imported; the cells and preview stay out of the list."""

    list_display = ("file_name", "kind", "user", "created_at", "imported_at")
    list_filter = ("kind",)
    search_fields = ("file_name", "user__username")
    list_select_related = ("user",)
    fields = ("file_name", "kind", "user", "created_at", "imported_at")


# The award and inbox pages of admin live with the awards and the notifications.
from .awards import admin as award_admin  # noqa: E402, F401
from .benchmarking import admin as benchmarking_admin  # noqa: E402, F401
from .notifications import admin as notification_admin  # noqa: E402, F401
from .patents import admin as patent_admin  # noqa: E402, F401
from .plans import admin as plan_admin  # noqa: E402, F401
