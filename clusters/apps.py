import importlib

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def replay_data_migrations(sender: AppConfig, using: str = "default", apps=None, **kwargs) -> None:
    """Run again the data migrations the sending app lists in its `replayed_data_migrations`.

    Their rows (role groups, reference data) must exist whenever the schema does. A flush between
    transactional tests empties every table and then sends post_migrate; replaying these idempotent
    functions puts the rows back. Each app connects this for itself and lists only its own migrations.
    """
    from django.apps import apps as global_apps
    from django.db import connections

    apps = apps or global_apps
    schema_editor = connections[using].schema_editor()
    for module, function in getattr(sender, "replayed_data_migrations", ()):
        getattr(importlib.import_module(module), function)(apps, schema_editor)


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = _("Registry")
    replayed_data_migrations = [("clusters.migrations.0002_create_role_groups", "create_groups")]

    def ready(self) -> None:
        post_migrate.connect(replay_data_migrations, sender=self, dispatch_uid="replay_data_migrations.clusters")

        from .history import history_panel
        from .panels import register_enterprise_panel

        # The record's own history closes the enterprise's file, after every panel other parts add.
        register_enterprise_panel(
            key="history",
            title=_("Record history"),
            template="clusters/panels/history.html",
            function=history_panel,
            order=1000,
        )
