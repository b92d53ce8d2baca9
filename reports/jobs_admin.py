"""The job queue in admin: django-tasks-db's list of job results, with an action to run failed jobs again.

It lives in reports, the app that knows both kinds of job: the mail of assistance and the exports of reports.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from assistance.tasks import send_email

from .downloads import export_retry
from .tasks import run_export


@admin.action(description=_("Run the selected failed jobs again"))
def run_again(modeladmin, request, queryset):
    """Queue each failed job again; the failed result stays as a record.

    A mail whose retries are not used up already has its next attempt queued, so only a mail's last failed
    attempt starts a new series of attempts. A failed export is set back to waiting, so that its job writes it.
    """
    count = 0
    for result in queryset.filter(status="FAILED"):
        task_result = result.task_result
        kwargs = dict(task_result.kwargs)
        if result.task_path == send_email.module_path:
            attempt = kwargs.get("attempt", 1)
            if attempt < settings.MAIL_MAX_ATTEMPTS:
                continue
            if attempt > 1:
                kwargs["attempt"] = 1  # a fresh series of attempts
        elif result.task_path == run_export.module_path and not export_retry(export_id=kwargs["export_id"]):
            continue
        result.task.enqueue(*task_result.args, **kwargs)
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
