"""The sample reviewer accounts and the award cycles of ``seeds/awards.toml``."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import Group

from clusters.models import User
from clusters.seeding import SeedError, SeedReport, Sources, upsert

from ...models import Expert
from ...seeding import load_staff
from ..models import AwardCycle, AwardProgramme, Rubric
from .common import _get, local


def load_reviewers(specs: Sequence[Mapping[str, Any]], report: SeedReport) -> dict[str, User]:
    """The sample reviewer accounts (no usable password), each linked to the seeded expert it belongs to."""
    if not Group.objects.filter(name="reviewer").exists():
        raise SeedError("Group 'reviewer' is missing; run `manage.py migrate` first.")
    users = load_staff(specs, report)
    experts = {expert.name: expert for expert in Expert.objects.filter(name__in=[s["expert"] for s in specs])}
    for spec in specs:
        expert = _get(experts, spec["expert"], "expert (load the assistance seeds first)")
        upsert(Expert, {"name": expert.name}, {"user": users[spec["username"]]}, report)
    return users


def load_cycles(
    specs: Sequence[Mapping[str, Any]], sources: Sources, report: SeedReport
) -> dict[tuple[str, int], AwardCycle]:
    programmes = {p.code: p for p in AwardProgramme.objects.all()}
    cycles: dict[tuple[str, int], AwardCycle] = {}
    for spec in specs:
        key = (spec["programme"], spec["year"])
        if key in cycles:
            raise SeedError(f"Cycle {key} appears twice in awards.toml.")
        programme = _get(programmes, spec["programme"], "award programme (run `manage.py migrate` first)")
        rubric = Rubric.objects.filter(name=spec["rubric"], version=spec["rubric_version"]).first()
        if rubric is None:
            raise SeedError(f"Rubric {spec['rubric']!r} v{spec['rubric_version']} is missing; run migrations first.")
        values = {
            "opens_at": local(spec["opens_at"]),
            "closes_at": local(spec["closes_at"]),
            "review_due_at": local(spec["review_due_at"]) if "review_due_at" in spec else None,
            "quota": spec["quota"],
            "rubric": rubric,
            "description": spec.get("description", ""),
            "source": sources.for_record(spec),
        }
        cycles[key] = upsert(AwardCycle, {"programme": programme, "year": spec["year"]}, values, report)
    return cycles
