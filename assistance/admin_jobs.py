"""The job queue in admin: django-tasks-db's list of job results, with an action to run failed jobs again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult


@admin.action(description=_("Run the selected failed jobs again"))
def run_again(modeladmin, request, queryset):
    """Queue a fresh copy of each failed job (same task and arguments); the failed result stays as a record."""
    count = 0
    for result in queryset.filter(status="FAILED"):
        task_result = result.task_result
        result.task.enqueue(*task_result.args, **task_result.kwargs)
        count += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d job was queued again.", "%(count)d jobs were queued again.", count) % {"count": count},
        messages.SUCCESS,
    )


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class JobResultAdmin(DBTaskResultAdmin):
    actions = [run_again]
    search_fields = ("task_path", "exception_class_path")

    def has_change_permission(self, request, obj=None):
        # Read-only pages as before; actions need only the view permission, checked by the action list.
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("run_again", None)
        return actions
