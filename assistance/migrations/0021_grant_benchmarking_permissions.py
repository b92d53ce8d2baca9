"""The role groups' benchmarking permissions: inspectors and managers record participants and indicators;
managers also keep the campaigns."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ["view_campaign", "view_participation", "view_indicator"]
WORK = [
    "add_participation",
    "change_participation",
    "add_indicator",
    "change_indicator",
    "delete_indicator",
]
GROUP_PERMISSIONS = {
    "inspector": [*VIEW, *WORK],
    "manager": [*VIEW, *WORK, "add_campaign", "change_campaign"],
}


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("assistance")
    if getattr(app_config, "models_module", None) is None:
        app_config.models_module = True  # a migration-state stub; create_permissions needs it set
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="assistance", codename__in=codenames))


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="assistance", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("assistance", "0020_add_benchmarking_campaigns")]

    operations = [migrations.RunPython(forwards, backwards)]
