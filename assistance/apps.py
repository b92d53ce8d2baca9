from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

from clusters.apps import replay_data_migrations


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("Assistance")
    replayed_data_migrations = [
        ("assistance.migrations.0002_reference_data_and_permissions", "forwards"),
        ("assistance.migrations.0004_award_reference_data", "forwards"),
        ("assistance.migrations.0015_grant_import_to_managers", "forwards"),
        ("assistance.migrations.0021_grant_benchmarking_permissions", "forwards"),
        ("assistance.migrations.0023_patent_selection_permissions", "forwards"),
        ("assistance.migrations.0025_grant_plan_and_chain_permissions", "forwards"),
    ]

    def ready(self) -> None:
        post_migrate.connect(replay_data_migrations, sender=self, dispatch_uid="replay_data_migrations.assistance")

        from .panels import register_panels

        register_panels()

        from .notifications.models import Notification
        from .notifications.services import inbox_changed

        post_save.connect(inbox_changed, sender=Notification, dispatch_uid="inbox-changed-save")
        post_delete.connect(inbox_changed, sender=Notification, dispatch_uid="inbox-changed-delete")

        from .plans.panels import register_panels as register_plan_panels

        register_plan_panels()
