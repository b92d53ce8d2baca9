"""Admin pages of plans, measures and chains; the pages apply the same rules through the services."""

from django.contrib import admin

from clusters.admin import AuditedAdmin

from .models import ChainLink, ChainProject, Measure, MeasureProgress, Plan


class MeasureInline(admin.TabularInline):
    model = Measure
    fields = ("position", "title", "owner_unit", "team", "deadline", "status")
    raw_id_fields = ("team",)
    extra = 0
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ("title", "document_number", "region", "start_date", "end_date", "synthetic")
    list_filter = ("synthetic", "region")
    search_fields = ("title", "document_number", "issuing_body")
    list_select_related = ("region",)
    raw_id_fields = ("created_by",)
    inlines = [MeasureInline]


class ProgressInline(admin.TabularInline):
    model = MeasureProgress
    fields = ("date", "status", "note", "author")
    raw_id_fields = ("author",)
    extra = 0


@admin.register(Measure)
class MeasureAdmin(AuditedAdmin):
    list_display = ("title", "plan", "owner_unit", "team", "deadline", "status", "synthetic")
    list_filter = ("status", "synthetic")
    search_fields = ("title", "owner_unit", "plan__title")
    list_select_related = ("plan", "team")
    autocomplete_fields = ("clusters",)
    raw_id_fields = ("plan", "team")
    inlines = [ProgressInline]


class ProjectInline(admin.TabularInline):
    model = ChainProject
    fields = ("kind", "title", "measure", "status")
    raw_id_fields = ("measure",)
    extra = 0


@admin.register(ChainLink)
class ChainLinkAdmin(AuditedAdmin):
    list_display = ("name", "cluster", "year", "segment", "position", "weak", "synthetic")
    list_filter = ("year", "segment", "weak", "synthetic")
    search_fields = ("name", "cluster__name")
    list_select_related = ("cluster",)
    raw_id_fields = ("cluster", "enterprises")
    inlines = [ProjectInline]


@admin.register(ChainProject)
class ChainProjectAdmin(AuditedAdmin):
    list_display = ("title", "kind", "link", "status", "measure")
    list_filter = ("kind", "status")
    search_fields = ("title", "link__name")
    list_select_related = ("link", "measure")
    raw_id_fields = ("link", "measure")


@admin.register(MeasureProgress)
class MeasureProgressAdmin(AuditedAdmin):
    readonly_fields = ("created_at",)
    list_display = ("date", "measure", "status", "author")
    list_filter = ("status",)
    search_fields = ("note", "measure__title")
    list_select_related = ("measure", "author")
    raw_id_fields = ("measure", "author")
