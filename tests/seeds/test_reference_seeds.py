"""`load_seeds --reference-only` loads the reference data and nothing synthetic; production refuses samples unasked.

Reference data: the regions of regions.toml, and the rows the migrations create (role groups, ticket
categories, service levels, service partners, award programmes, the GB/T 19580 rubric), restored when
missing and never changed when present. No cluster, enterprise, holding, indicator, ticket, visit,
training, team, expert, cycle, application or account.
"""

import os
import subprocess
import sys
import tomllib
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from assistance.awards.models import AwardApplication, AwardCycle, AwardProgramme, Rubric
from assistance.models import (
    Expert,
    ServiceLevel,
    ServicePartner,
    SupportTeam,
    Ticket,
    TicketCategory,
    TicketCounter,
    Training,
    Visit,
)
from clusters.models import Cluster, ClusterIndicator, Enterprise, Region, RegionIndicator, Standard, User

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
# Every model that holds registry records, casework or samples: none of it is reference data.
NOT_REFERENCE = (
    Cluster,
    Enterprise,
    ClusterIndicator,
    RegionIndicator,
    Standard,
    SupportTeam,
    Expert,
    Ticket,
    TicketCounter,
    Visit,
    Training,
    AwardCycle,
    AwardApplication,
    User,
)
REFERENCE = (Region, Group, TicketCategory, ServiceLevel, ServicePartner, AwardProgramme, Rubric)


def load_seeds(*args: str) -> str:
    out = StringIO()
    call_command("load_seeds", *args, stdout=out)
    return out.getvalue()


def seeded_regions() -> list[dict]:
    with (ROOT / "seeds" / "regions.toml").open("rb") as handle:
        return tomllib.load(handle)["regions"]


def synthetic_models() -> list:
    return [model for model in apps.get_models() if any(f.name == "synthetic" for f in model._meta.concrete_fields)]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every reference model and its history, with its updated_at where it has one."""
    result = {}
    for model in REFERENCE:
        stamped = any(f.name == "updated_at" for f in model._meta.concrete_fields)
        fields = ["pk", "updated_at"] if stamped else ["pk"]
        result[model._meta.label] = list(model.objects.order_by("pk").values_list(*fields))
        history = getattr(model, "history", None)
        if history is not None:
            result[f"{model._meta.label} history"] = list(history.order_by("pk").values_list("pk", flat=True))
    result["group permissions"] = sorted(Group.permissions.through.objects.values_list("group_id", "permission_id"))
    return result


def test_it_loads_the_regions_and_no_synthetic_row_nor_any_account():
    output = load_seeds("--reference-only")

    assert "Reference data loaded" in output
    assert Region.objects.count() == len(seeded_regions())
    assert Region.objects.get(code="130000").name == "河北省"
    assert Region.objects.get(code="130283").parent == Region.objects.get(code="130200")
    assert Region.objects.filter(name="唐山高新区", code=None).exists()
    for model in NOT_REFERENCE:
        assert not model.objects.exists(), model._meta.label
    for model in synthetic_models():
        assert not model.objects.filter(synthetic=True).exists(), model._meta.label
    assert not User.objects.filter(username__startswith="staff_").exists()


def test_it_restores_the_reference_rows_the_migrations_made():
    TicketCategory.objects.filter(code="metrology").delete()
    ServiceLevel.objects.filter(priority="urgent").delete()
    ServicePartner.objects.filter(name="唐山市计量测试所").delete()
    AwardProgramme.objects.filter(code="hebei-provincial").delete()
    Rubric.objects.all().delete()
    Group.objects.filter(name="reviewer").delete()

    load_seeds("--reference-only")

    assert TicketCategory.objects.get(code="metrology").name == "计量"
    assert ServiceLevel.objects.get(priority="urgent").days == 2
    assert ServicePartner.objects.filter(name="唐山市计量测试所").exists()
    assert AwardProgramme.objects.get(code="hebei-provincial").name == "河北省政府质量奖"
    rubric = Rubric.objects.get(name="GB/T 19580-2012 卓越绩效评价准则", version=1)
    assert sum(rubric.categories.values_list("max_points", flat=True)) == 1000
    reviewer = Group.objects.get(name="reviewer")
    # The restored group gets the permissions the migrations gave it: the award, selection and attachment ones.
    assert set(reviewer.permissions.values_list("codename", flat=True)) == {
        "review_application",
        "review_nomination",
        "view_attachment",
    }


def test_it_keeps_what_an_administrator_changed_in_the_reference_rows():
    level = ServiceLevel.objects.get(priority="normal")
    level.days = 7
    level.save()
    category = TicketCategory.objects.get(code="other")
    category.name = "其他事项"
    category.save()
    inspector = Group.objects.get(name="inspector")
    inspector.permissions.remove(*inspector.permissions.filter(codename="add_training"))

    load_seeds("--reference-only")

    assert ServiceLevel.objects.get(priority="normal").days == 7
    assert TicketCategory.objects.get(code="other").name == "其他事项"
    assert not inspector.permissions.filter(codename="add_training").exists()


def test_a_second_run_changes_nothing():
    load_seeds("--reference-only")
    before = snapshot()

    output = load_seeds("--reference-only")

    assert snapshot() == before
    assert "Reference data already loaded; nothing changed." in output


def test_the_full_load_after_the_reference_load_adds_the_samples_and_keeps_the_regions():
    load_seeds("--reference-only")
    regions = list(Region.objects.order_by("pk").values_list("pk", "updated_at"))

    load_seeds()

    assert list(Region.objects.order_by("pk").values_list("pk", "updated_at")) == regions
    assert Enterprise.objects.filter(synthetic=True).exists()
    assert Ticket.objects.exists()
    # And the reference load after a full load writes nothing either.
    assert "nothing changed" in load_seeds("--reference-only")


def test_settings_that_keep_samples_out_refuse_the_full_load_before_touching_the_database(settings):
    settings.SAMPLE_SEEDS_ALLOWED = False

    with pytest.raises(CommandError, match="--reference-only") as refused:
        load_seeds()

    assert "--with-samples" in str(refused.value)
    assert not Region.objects.exists()
    assert not Enterprise.objects.exists()
    assert not User.objects.exists()


def test_settings_that_keep_samples_out_still_load_the_reference_data(settings):
    settings.SAMPLE_SEEDS_ALLOWED = False

    load_seeds("--reference-only")

    assert Region.objects.count() == len(seeded_regions())
    assert not Enterprise.objects.exists()


def test_with_samples_loads_them_where_settings_keep_them_out(settings):
    settings.SAMPLE_SEEDS_ALLOWED = False
    settings.DEMO_USERS_ALLOWED = False

    load_seeds("--with-samples")

    assert Enterprise.objects.filter(synthetic=True).count() == 57
    assert User.objects.filter(username__startswith="staff_").exists()


@pytest.mark.parametrize("other", ["--demo-users", "--with-samples"])
def test_reference_only_refuses_an_option_that_loads_samples(other):
    with pytest.raises(CommandError):
        load_seeds("--reference-only", other)

    assert not Region.objects.exists()


def test_production_settings_refuse_the_samples_unless_asked():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SAMPLE_SEEDS_ALLOWED"}} | {
        "SECRET_KEY": "x9!kq2#vT7mL0pZr4sW8yB1nC6dF3gH5jK-production-secret-for-the-check",
        # Nothing listens here: the refusal must come before the database is used.
        "DATABASE_URL": "postgres://quality:secret@127.0.0.1:9/quality",
        "ALLOWED_HOSTS": "quality.example.gov.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "load_seeds", "--settings=config.settings.production"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "SAMPLE_SEEDS_ALLOWED is false" in result.stderr
    assert "--reference-only" in result.stderr
