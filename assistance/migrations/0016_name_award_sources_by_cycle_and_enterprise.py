"""An approved award's source named the application by its database id ("…第13号申报的授奖决定"); name the
cycle and the enterprise instead, as new decisions do."""

from django.db import migrations


def _old_sources(cycle_name: str, application_id: int) -> set[str]:
    return {
        f"{cycle_name}第{application_id}号申报的授奖决定",
        f"Award decision on application {application_id} in {cycle_name}",
    }


def _decisions(apps):
    Decision = apps.get_model("assistance", "Decision")
    return Decision.objects.filter(honour__isnull=False).select_related(
        "honour", "application__enterprise", "application__cycle__programme"
    )


def _cycle_name(cycle) -> str:
    return f"{cycle.year}年{cycle.programme.name}"


def name_sources(apps, schema_editor):
    for decision in _decisions(apps).iterator():
        application, honour = decision.application, decision.honour
        cycle = _cycle_name(application.cycle)
        if honour.source in _old_sources(cycle, application.pk):
            honour.source = f"{cycle}授奖决定（{application.enterprise.name}申报）"
            honour.save(update_fields=["source"])


def number_sources(apps, schema_editor):
    for decision in _decisions(apps).iterator():
        application, honour = decision.application, decision.honour
        cycle = _cycle_name(application.cycle)
        if honour.source == f"{cycle}授奖决定（{application.enterprise.name}申报）":
            honour.source = f"{cycle}第{application.pk}号申报的授奖决定"
            honour.save(update_fields=["source"])


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0015_grant_import_to_managers"),
        ("clusters", "0005_add_form_submission"),
    ]

    operations = [migrations.RunPython(name_sources, number_sources)]
