from django.contrib import admin

from clusters.admin import ReadOnlyAdmin

from .models import ExportFile


@admin.register(ExportFile)
class ExportFileAdmin(ReadOnlyAdmin):
    """Exports are written by the worker and deleted by `delete_expired_exports`; admin only shows them."""

    list_display = ("title", "format", "owner", "status", "rows", "total", "created_at", "expires_at")
    list_filter = ("status", "format", "list_name")
    search_fields = ("owner__username", "title", "error")
    date_hierarchy = "created_at"


# The job queue's admin pages, with the action that runs failed jobs again.
from . import jobs_admin  # noqa: E402, F401
