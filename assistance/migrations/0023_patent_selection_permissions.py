"""The role groups' permissions on the 专利伯乐 selection."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ["view_patentselection", "view_nomination", "view_nominationdecision"]
GROUP_PERMISSIONS = {
    "inspector": [*VIEW, "add_nomination", "change_nomination"],
    "manager": [
        *VIEW,
        "add_nomination",
        "change_nomination",
        "manage_nomination",
        "view_nominationreview",
        "view_nominationevent",
    ],
    "reviewer": ["review_nomination"],
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
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    codenames = {c for codes in GROUP_PERMISSIONS.values() for c in codes}
    permissions = Permission.objects.filter(content_type__app_label="assistance", codename__in=codenames)
    for group in Group.objects.filter(name__in=GROUP_PERMISSIONS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("assistance", "0022_add_patent_selection")]

    operations = [migrations.RunPython(forwards, backwards)]
