"""The award reference rows of migration ``0004``: award programmes, the GB/T 19580 rubric, group permissions."""

from clusters.seeding import SeedReport, ensure, ensure_group_permissions, migration_module

from ..models import AwardProgramme, Rubric, RubricCategory

REFERENCE_MIGRATION = "0004_award_reference_data"


def load_reference(report: SeedReport) -> None:
    """Create the programmes and the rubric the migration creates, where missing; existing rows stay as they are.

    A rubric's categories are created with it only: an existing rubric is never given parts it lacks,
    since scores already given refer to the parts it has.
    """
    migration = migration_module("assistance", REFERENCE_MIGRATION)
    for code, name, kind in migration.PROGRAMMES:
        ensure(AwardProgramme, {"code": code}, {"name": name, "honour_kind": kind}, report)
    rubric_lookup = {"name": migration.RUBRIC_NAME, "version": 1}
    rubric_is_new = not Rubric.objects.filter(**rubric_lookup).exists()
    rubric = ensure(Rubric, rubric_lookup, {}, report)
    if rubric_is_new:
        for position, (code, name, points) in enumerate(migration.RUBRIC):
            lookup = {"rubric": rubric, "code": code}
            ensure(RubricCategory, lookup, {"name": name, "max_points": points, "position": position}, report)
    ensure_group_permissions(migration.GROUP_PERMISSIONS, "assistance", report)
