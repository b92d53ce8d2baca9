"""Award programmes, the default GB/T 19580-2012 rubric, and the role groups' award permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PROGRAMMES = [
    ("china-quality-award", "中国质量奖", "china_quality_award"),
    ("hebei-provincial", "河北省政府质量奖", "provincial_quality_award"),
    ("tangshan-municipal", "唐山市政府质量奖", "municipal_quality_award"),
]
RUBRIC_NAME = "GB/T 19580-2012 卓越绩效评价准则"
RUBRIC = [
    ("leadership", "领导", 110),
    ("strategy", "战略", 90),
    ("customers", "顾客与市场", 90),
    ("resources", "资源", 130),
    ("process", "过程管理", 100),
    ("measurement", "测量、分析与改进", 80),
    ("results", "结果", 400),
]
VIEW = ["view_awardprogramme", "view_awardcycle", "view_rubric", "view_awardapplication", "view_decision"]
GROUP_PERMISSIONS = {
    "inspector": [*VIEW, "add_awardapplication", "change_awardapplication"],
    "manager": [
        *VIEW,
        "add_awardapplication",
        "change_awardapplication",
        "manage_application",
        "view_review",
        "view_reviewerassignment",
        "view_deadlineexception",
    ],
    "reviewer": ["review_application", "view_attachment"],
}


def forwards(apps, schema_editor):
    AwardProgramme = apps.get_model("assistance", "AwardProgramme")
    for code, name, kind in PROGRAMMES:
        AwardProgramme.objects.get_or_create(code=code, defaults={"name": name, "honour_kind": kind})
    Rubric = apps.get_model("assistance", "Rubric")
    RubricCategory = apps.get_model("assistance", "RubricCategory")
    rubric, created = Rubric.objects.get_or_create(name=RUBRIC_NAME, version=1)
    if created:
        for position, (code, name, points) in enumerate(RUBRIC):
            RubricCategory.objects.create(rubric=rubric, code=code, name=name, max_points=points, position=position)

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
    award_permissions = Permission.objects.filter(
        content_type__app_label="assistance", codename__in={c for codes in GROUP_PERMISSIONS.values() for c in codes}
    ).exclude(codename="view_attachment")
    for group in Group.objects.filter(name__in=GROUP_PERMISSIONS):
        group.permissions.remove(*award_permissions)
    Group.objects.get(name="reviewer").permissions.remove(
        *Permission.objects.filter(content_type__app_label="assistance", codename="view_attachment")
    )
    apps.get_model("assistance", "Rubric").objects.filter(name=RUBRIC_NAME, version=1).delete()
    apps.get_model("assistance", "AwardProgramme").objects.filter(code__in=[c for c, _, _ in PROGRAMMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("assistance", "0003_add_quality_awards")]

    operations = [migrations.RunPython(forwards, backwards)]
