"""The role groups' permissions on plans, measures and chains: staff see them, managers keep them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["plan", "measure", "measureprogress", "chainlink", "chainproject"]
VIEW = [f"view_{model}" for model in MODELS]
GROUP_PERMISSIONS = {
    "inspector": VIEW,
    "manager": [*VIEW, *(f"{action}_{model}" for action in ("add", "change") for model in MODELS)],
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
    dependencies = [("assistance", "0024_add_plans_measures_and_chains")]

    operations = [migrations.RunPython(forwards, backwards)]
