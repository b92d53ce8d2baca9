import importlib

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Data migrations whose rows (role groups, reference data) must exist whenever the schema does.
# A flush between transactional tests empties every table and then sends post_migrate;
# replaying these idempotent functions puts the rows back.
REPLAYED_DATA_MIGRATIONS = {
    "clusters": [("clusters.migrations.0002_create_role_groups", "create_groups")],
    "assistance": [
        ("assistance.migrations.0002_reference_data_and_permissions", "forwards"),
        ("assistance.migrations.0004_award_reference_data", "forwards"),
    ],
}


def replay_data_migrations(sender, using="default", apps=None, **kwargs) -> None:
    from django.apps import apps as global_apps
    from django.db import connections

    apps = apps or global_apps
    schema_editor = connections[using].schema_editor()
    for module, function in REPLAYED_DATA_MIGRATIONS.get(sender.label, []):
        getattr(importlib.import_module(module), function)(apps, schema_editor)


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = _("Registry")

    def ready(self) -> None:
        post_migrate.connect(replay_data_migrations, dispatch_uid="replay_data_migrations")
