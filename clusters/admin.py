from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from . import services
from .forms import EnterpriseAdminForm
from .models import (
    ApiToken,
    Cluster,
    ClusterIndicator,
    Designation,
    Enterprise,
    FormSubmission,
    GIProduct,
    Honour,
    Region,
    RegionIndicator,
    Standard,
    StandardizationPilot,
    StandardRole,
    Trademark,
    User,
)
from .selectors import visible_clusters, visible_enterprises
from .wording import listing

AUDIT_FIELDS = ("created_at", "updated_at")


def _boolean_icon(value) -> str:
    """Django admin's yes/no icon, its text (read out by screen readers) translated: Django writes "True"."""
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    text = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


# Every admin list and read-only field draws the icon through this one function.
admin_list._boolean_icon = _boolean_icon


class LabelledHistoryHelper(HistoricalRecordContextHelper):
    """A change on the history page as people read it: a choice by its label (not its code), yes or no,
    and a blank or missing value as a dash; the field by its verbose name, as simple-history does."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.many_to_many:
            return super().prepare_delta_change_value(change, value)
        if isinstance(value, DeletedObject):
            if value.pk is None:
                return "—"
            return gettext("%(model)s deleted (%(pk)s)") % {"model": value.model._meta.verbose_name, "pk": value.pk}
        if value is None or value == "":
            return "—"
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        return value


class LabelledHistoryAdmin(SimpleHistoryAdmin):
    """simple-history's admin, its history page saying each change with labels (LabelledHistoryHelper)."""

    def get_historical_record_context_helper(self, request, historical_record):
        return LabelledHistoryHelper(self.model, historical_record)


class AuditedAdmin(LabelledHistoryAdmin):
    readonly_fields = AUDIT_FIELDS
    list_per_page = 50


class VersionedAdminMixin:
    """Admin saves an edit through the record's update service, which checks the form's hidden `edit_version`
    under a row lock, as the pages do: a change made meanwhile elsewhere is never overwritten.

    `update(request, obj, form)` calls the service. A refused edit is an error message, and the record's
    inlines and lists are then left as they were too. A finished record (`is_finished`) is read-only.
    """

    def update(self, request, obj, form) -> None:
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        # A finished record (a closed ticket, a decided application) is shown read-only.
        return super().has_change_permission(request, obj) and not getattr(obj, "is_finished", False)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.updated_by = request.user
            super().save_model(request, obj, form, change)
            return
        try:
            self.update(request, obj, form)
        except (ValidationError, PermissionDenied) as error:
            obj._edit_refused = True
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        # The admin's own history entry and redirect see the saved row.
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        if getattr(form.instance, "_edit_refused", False):
            for formset in formsets:
                # Nothing of the refused edit is saved; admin's change message reads what was.
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_related(request, form, formsets, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the services; admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("name", "code", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)


# The role groups keep their English names, which the code refers to; people read these.
ROLE_LABELS = {
    "inspector": pgettext_lazy("role", "Inspector"),
    "manager": pgettext_lazy("role", "Manager"),
    "reviewer": pgettext_lazy("role", "Reviewer"),
}

# Django stores the model permissions' names in English ("Can add help ticket"); they are said again from
# the model's translated name.
BUILTIN_PERMISSION_NAMES = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def group_label(group: Group) -> str:
    """A role group's name as people read it: the role's translated name, else the group's own."""
    return str(ROLE_LABELS.get(group.name, group.name))


def _model_label(model) -> str:
    """A model's translated name; a history model (simple-history names it "historical ...", in English
    only) is the history of the model it follows, or of a many-to-many field of one."""
    followed = getattr(model, "instance_type", None)
    if followed is None:
        return model._meta.verbose_name
    if followed._meta.auto_created:  # the through table of a many-to-many field
        owner = followed._meta.auto_created
        field = next(f for f in owner._meta.many_to_many if f.remote_field.through is followed)
        name = f"{owner._meta.verbose_name} · {field.verbose_name}"
    else:
        name = followed._meta.verbose_name
    return gettext("history of %(model)s") % {"model": name}


def permission_label(permission: Permission) -> str:
    """ "App | model | what it allows", all translated; the permission's content type must be fetched with it."""
    content_type = permission.content_type
    model = content_type.model_class()
    try:
        app = apps.get_app_config(content_type.app_label).verbose_name
    except LookupError:
        app = content_type.app_label
    if model is None:
        return f"{app} | {content_type.model} | {gettext(permission.name)}"
    action, _sep, model_name = permission.codename.partition("_")
    if action in BUILTIN_PERMISSION_NAMES and model_name == model._meta.model_name:
        name = BUILTIN_PERMISSION_NAMES[action] % {"model": _model_label(model)}
    else:
        # A model's own permission: said from its declaration, whatever language it was stored in.
        declared = dict(model._meta.permissions).get(permission.codename)
        name = str(declared) if declared is not None else gettext(permission.name)
    return f"{app} | {_model_label(model)} | {name}"


def labelled_choice_field(formfield):
    """The groups and permissions pickers show translated names (and fetch the permissions' content types)."""
    if formfield is None:
        return formfield
    if formfield.queryset.model is Permission:
        formfield.queryset = formfield.queryset.select_related("content_type")
        formfield.label_from_instance = permission_label
    elif formfield.queryset.model is Group:
        formfield.label_from_instance = group_label
    return formfield


class RoleFilter(admin.SimpleListFilter):
    """Filter users by role group, naming the groups as people read them."""

    title = pgettext_lazy("user", "role")
    parameter_name = "groups__id__exact"

    def lookups(self, request, model_admin):
        return [(group.pk, group_label(group)) for group in Group.objects.order_by("name")]

    def queryset(self, request, queryset):
        return queryset.filter(groups__id=self.value()) if self.value() else queryset


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    list_display = ("name", "role")

    @admin.display(description=pgettext_lazy("user", "role"))
    def role(self, group: Group) -> str:
        return group_label(group)

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        return labelled_choice_field(super().formfield_for_manytomany(db_field, request=request, **kwargs))


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "display_name",
        "roles",
        "jurisdiction",
        "organisation",
        "is_staff",
        "is_active",
    )
    list_filter = (RoleFilter, "is_staff", "is_active", "jurisdiction")
    search_fields = ("username", "first_name", "last_name", "email", "organisation")
    autocomplete_fields = ("jurisdiction",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Bureau"), {"fields": ("jurisdiction", "organisation", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Bureau"), {"fields": ("jurisdiction", "organisation", "groups")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=pgettext_lazy("person", "name"), ordering="last_name")
    def display_name(self, user: User) -> str:
        return user.display_name

    @admin.display(description=pgettext_lazy("user", "role"))
    def roles(self, user: User) -> str:
        return listing(group_label(group) for group in user.groups.all())

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        return labelled_choice_field(super().formfield_for_manytomany(db_field, request=request, **kwargs))


class EnterpriseInline(admin.TabularInline):
    model = Enterprise
    fields = ("name", "credit_code", "county", "size", "is_leading")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ClusterIndicatorInline(admin.TabularInline):
    model = ClusterIndicator
    fields = ("year", "enterprise_count", "output_value", "total_profit", "source", "synthetic")
    extra = 0


class ScopedAdminMixin:
    """Staff with a jurisdiction see only its records in admin, as on the pages."""

    scope = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser and request.user.jurisdiction_id is None:
            return queryset
        return queryset.filter(pk__in=self.scope(user=request.user).values("pk"))


@admin.register(Cluster)
class ClusterAdmin(ScopedAdminMixin, AuditedAdmin):
    scope = staticmethod(visible_clusters)
    list_display = ("name", "county", "industry", "level", "featured", "year_designated", "active", "synthetic")
    list_filter = ("level", "featured", "active", "synthetic", "county")
    search_fields = ("name", "industry", "description")
    autocomplete_fields = ("county",)
    inlines = [ClusterIndicatorInline, EnterpriseInline]
    list_select_related = ("county",)


class HoldingInline(admin.TabularInline):
    extra = 0
    autocomplete_fields = ()


class HonourInline(HoldingInline):
    model = Honour
    fields = ("kind", "title", "year", "date", "source", "synthetic")


class DesignationInline(HoldingInline):
    model = Designation
    fields = ("kind", "date", "source", "synthetic")


class TrademarkInline(HoldingInline):
    model = Trademark
    fields = ("name", "kind", "registration_number", "date", "source", "synthetic")


class StandardRoleInline(HoldingInline):
    model = StandardRole
    fields = ("standard", "role", "date", "source", "synthetic")
    autocomplete_fields = ("standard",)


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdminMixin, VersionedAdminMixin, AuditedAdmin):
    form = EnterpriseAdminForm
    readonly_fields = (*AUDIT_FIELDS, "updated_by", "version")
    scope = staticmethod(visible_enterprises)
    list_display = ("name", "credit_code", "county", "cluster", "size", "is_leading", "synthetic")
    list_filter = ("size", "is_leading", "synthetic", "county", "cluster")
    search_fields = ("name", "credit_code")
    autocomplete_fields = ("county", "cluster")
    inlines = [HonourInline, DesignationInline, TrademarkInline, StandardRoleInline]
    list_select_related = ("county", "cluster")

    def update(self, request, obj, form) -> None:
        services.enterprise_update(
            enterprise_id=obj.pk, user=request.user, version=form.opened_version, data=form.cleaned_data
        )


class HoldingAdmin(AuditedAdmin):
    list_filter = ("synthetic",)
    date_hierarchy = "date"


@admin.register(Honour)
class HonourAdmin(HoldingAdmin):
    list_display = ("title", "kind", "year", "enterprise", "date", "synthetic")
    list_filter = ("kind", "year", "synthetic")
    search_fields = ("title", "enterprise__name")
    autocomplete_fields = ("enterprise",)
    list_select_related = ("enterprise",)


@admin.register(Designation)
class DesignationAdmin(HoldingAdmin):
    list_display = ("enterprise", "kind", "date", "synthetic")
    list_filter = ("kind", "synthetic")
    search_fields = ("enterprise__name",)
    autocomplete_fields = ("enterprise",)
    list_select_related = ("enterprise",)


@admin.register(Trademark)
class TrademarkAdmin(HoldingAdmin):
    list_display = ("name", "kind", "enterprise", "registration_number", "date", "synthetic")
    list_filter = ("kind", "synthetic")
    search_fields = ("name", "registration_number", "enterprise__name")
    autocomplete_fields = ("enterprise",)
    list_select_related = ("enterprise",)


@admin.register(GIProduct)
class GIProductAdmin(HoldingAdmin):
    list_display = ("name", "region", "cluster", "date", "synthetic")
    search_fields = ("name",)
    autocomplete_fields = ("region", "cluster")
    list_select_related = ("region", "cluster")


class StandardRoleOfStandardInline(admin.TabularInline):
    model = StandardRole
    fields = ("enterprise", "role", "date", "source", "synthetic")
    autocomplete_fields = ("enterprise",)
    extra = 0


@admin.register(Standard)
class StandardAdmin(AuditedAdmin):
    list_display = ("number", "title", "level", "year", "synthetic")
    list_filter = ("level", "year", "synthetic")
    search_fields = ("number", "title")
    inlines = [StandardRoleOfStandardInline]


@admin.register(StandardRole)
class StandardRoleAdmin(HoldingAdmin):
    list_display = ("standard", "enterprise", "role", "date", "synthetic")
    list_filter = ("role", "standard__level", "synthetic")
    search_fields = ("standard__number", "standard__title", "enterprise__name")
    autocomplete_fields = ("standard", "enterprise")
    list_select_related = ("standard", "enterprise")


@admin.register(StandardizationPilot)
class StandardizationPilotAdmin(HoldingAdmin):
    list_display = ("name", "level", "status", "cluster", "enterprise", "date")
    list_filter = ("level", "status", "synthetic")
    search_fields = ("name", "cluster__name", "enterprise__name")
    autocomplete_fields = ("cluster", "enterprise")
    list_select_related = ("cluster", "enterprise")


@admin.register(ClusterIndicator)
class ClusterIndicatorAdmin(AuditedAdmin):
    list_display = ("cluster", "year", "enterprise_count", "output_value", "total_profit", "synthetic")
    list_filter = ("year", "synthetic")
    search_fields = ("cluster__name",)
    autocomplete_fields = ("cluster",)
    list_select_related = ("cluster",)


@admin.register(RegionIndicator)
class RegionIndicatorAdmin(AuditedAdmin):
    list_display = ("region", "label", "value", "unit", "as_of")
    list_filter = ("region", "as_of")
    search_fields = ("label", "key", "source")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)


@admin.register(FormSubmission)
class FormSubmissionAdmin(ReadOnlyAdmin):
    """Tokens of form pages that were saved; a page sent again with one makes nothing twice."""

    list_display = ("created_at", "user", "url")
    search_fields = ("user__username", "url")
    list_select_related = ("user",)
    date_hierarchy = "created_at"


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made here (or by `manage.py create_api_token`) and shown once, on the page that follows."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    autocomplete_fields = ("user",)
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "name")
        return ("user", "name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing of a token changes but its revocation, which the action does
        token, plain = services.api_token_create(user=obj.user, name=obj.name, created_by=request.user)
        obj.pk, obj.prefix, obj.digest, obj.created_at = token.pk, token.prefix, token.digest, token.created_at
        obj.created_by = token.created_by
        obj.plain_token = plain

    def response_add(self, request, obj, post_url_continue=None):
        # The token is drawn into this one response, never stored or sent again.
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "token": obj,
            "plain_token": obj.plain_token,
            "title": _("API token created"),
        }
        return TemplateResponse(request, "admin/clusters/apitoken/created.html", context)

    @admin.action(description=_("Revoke the selected API tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        for pk in queryset.filter(revoked_at__isnull=True).values_list("pk", flat=True):
            services.api_token_revoke(token_id=pk)
        messages.success(request, _("The selected API tokens were revoked."))
