"""Admin pages of benchmarking: campaigns with their participants, participants with their indicators.

Each list shows the records of the staff member's jurisdiction only, as the pages do; the outcome is
computed and shown, never typed.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clusters.admin import AuditedAdmin, ScopedAdminMixin

from .models import Campaign, Indicator, Participation
from .selectors import visible_campaigns, visible_indicators, visible_participations


class ParticipationInline(admin.TabularInline):
    model = Participation
    fields = ("enterprise", "benchmark_kind", "benchmark_scope", "benchmark_name")
    autocomplete_fields = ("enterprise",)
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ("area", "name", "unit", "baseline", "target", "achieved", "direction")
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(ScopedAdminMixin, AuditedAdmin):
    scope = staticmethod(visible_campaigns)
    list_display = ("title", "year", "cluster", "synthetic")
    list_filter = ("year", "synthetic")
    search_fields = ("title", "description", "cluster__name")
    autocomplete_fields = ("cluster",)
    list_select_related = ("cluster",)
    inlines = [ParticipationInline]


@admin.register(Participation)
class ParticipationAdmin(ScopedAdminMixin, AuditedAdmin):
    scope = staticmethod(visible_participations)
    list_display = ("enterprise", "campaign", "benchmark_name", "benchmark_kind", "benchmark_scope", "outcome")
    list_filter = ("benchmark_kind", "benchmark_scope", "campaign__year")
    search_fields = ("enterprise__name", "benchmark_name", "campaign__title")
    autocomplete_fields = ("campaign", "enterprise")
    list_select_related = ("enterprise", "campaign")
    inlines = [IndicatorInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_outcome()

    @admin.display(description=_("Outcome"), boolean=True)
    def outcome(self, obj) -> bool:
        return obj.reached


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdminMixin, AuditedAdmin):
    scope = staticmethod(visible_indicators)
    list_display = ("name", "participation", "area", "unit", "baseline", "target", "achieved", "direction", "met")
    list_filter = ("area", "direction", "participation__campaign__year")
    search_fields = ("name", "participation__enterprise__name", "participation__campaign__title")
    autocomplete_fields = ("participation",)
    list_select_related = ("participation__enterprise",)

    def get_queryset(self, request):
        return super().get_queryset(request).with_outcome()

    @admin.display(description=_("Met"), boolean=True)
    def met(self, obj) -> bool:
        return obj.is_met
