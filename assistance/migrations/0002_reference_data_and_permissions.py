"""Service categories, service levels, service partners, and the role groups' assistance permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CATEGORIES = [
    ("metrology", "计量"),
    ("standards", "标准"),
    ("certification", "认证认可"),
    ("testing", "检验检测"),
    ("quality", "质量管理（卓越绩效）"),
    ("patents", "专利与知识产权"),
    ("trademarks", "商标品牌"),
    ("other", "其他"),
]
SERVICE_LEVELS = {"urgent": 2, "high": 5, "normal": 10, "low": 20}
PARTNERS = ["国家钢铁检测中心(唐山)", "唐山市计量测试所", "唐山市质量技术监督检验所", "唐山市知识产权促进保护中心"]

VIEW = [
    "view_supportteam",
    "view_teammembership",
    "view_expert",
    "view_ticketcategory",
    "view_servicepartner",
    "view_servicelevel",
    "view_ticket",
    "view_ticketevent",
    "view_visit",
    "view_training",
    "view_attachment",
]
WORK = [
    "add_ticket",
    "change_ticket",
    "work_ticket",
    "add_visit",
    "change_visit",
    "add_training",
    "change_training",
    "add_attachment",
]
GROUP_PERMISSIONS = {"inspector": [*VIEW, *WORK], "manager": [*VIEW, *WORK, "manage_ticket"]}


def forwards(apps, schema_editor):
    TicketCategory = apps.get_model("assistance", "TicketCategory")
    for position, (code, name) in enumerate(CATEGORIES):
        TicketCategory.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    ServiceLevel = apps.get_model("assistance", "ServiceLevel")
    for priority, days in SERVICE_LEVELS.items():
        ServiceLevel.objects.get_or_create(priority=priority, defaults={"days": days})
    ServicePartner = apps.get_model("assistance", "ServicePartner")
    for name in PARTNERS:
        ServicePartner.objects.get_or_create(name=name)

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
    for group in Group.objects.filter(name__in=GROUP_PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="assistance"))
    apps.get_model("assistance", "ServiceLevel").objects.all().delete()
    apps.get_model("assistance", "ServicePartner").objects.filter(name__in=PARTNERS).delete()
    apps.get_model("assistance", "TicketCategory").objects.filter(code__in=[c for c, _ in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial_assistance"), ("clusters", "0002_create_role_groups")]

    operations = [migrations.RunPython(forwards, backwards)]
