"""Create the role groups and give them the registry permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REGISTRY_MODELS = [
    "region",
    "cluster",
    "clusterindicator",
    "regionindicator",
    "enterprise",
    "honour",
    "designation",
    "trademark",
    "giproduct",
    "standard",
    "standardrole",
    "standardizationpilot",
]
VIEW = [f"view_{model}" for model in REGISTRY_MODELS]
GROUP_PERMISSIONS = {
    "inspector": [*VIEW, "add_enterprise", "change_enterprise"],
    "manager": [*VIEW, "add_enterprise", "change_enterprise"],
    "reviewer": [],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrations finish; make sure they exist now.
    app_config = apps.get_app_config("clusters")
    if getattr(app_config, "models_module", None) is None:
        app_config.models_module = True  # a migration-state stub; create_permissions needs it set
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="clusters", codename__in=codenames))


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0001_initial_registry"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
