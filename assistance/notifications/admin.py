"""Admin pages of the inbox: what was sent to whom (read only), and each user's mail choices."""

from django.contrib import admin

from clusters.admin import ReadOnlyAdmin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter))
    list_select_related = ("recipient",)
    search_fields = ("title", "recipient__username", "recipient__last_name")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "email")
    list_filter = ("kind", "email")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__last_name")
    autocomplete_fields = ("user",)
