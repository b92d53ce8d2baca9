"""Third-party apps under the names the admin shows for them (their own are English and untranslated)."""

from axes.apps import AppConfig as BaseAxesConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig as BaseTasksConfig


class AxesConfig(BaseAxesConfig):
    verbose_name = _("Sign-in lockout")


class TasksDatabaseConfig(BaseTasksConfig):
    verbose_name = _("Background jobs")
