"""The sample staff accounts and experts of ``seeds/assistance.toml``."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import Group

from clusters.models import Region, User
from clusters.seeding import SeedError, SeedReport, upsert

from ..models import Expert
from .common import by_name


def load_staff(specs: Sequence[Mapping[str, Any]], report: SeedReport) -> dict[str, User]:
    """The sample staff accounts, by username. None of them can sign in.

    A new account gets an unusable password; a later load never touches the password, so an
    administrator may still give one a real password on purpose.
    """
    regions = by_name(Region, (spec["jurisdiction"] for spec in specs), "region")
    groups = {group.name: group for group in Group.objects.filter(name__in={spec["group"] for spec in specs})}
    staff: dict[str, User] = {}
    for spec in specs:
        group = groups.get(spec["group"])
        if group is None:
            raise SeedError(f"Group {spec['group']!r} is missing; run `manage.py migrate` first.")
        if spec["username"] in staff:
            raise SeedError(f"Staff user {spec['username']!r} appears twice in assistance.toml.")
        values = {
            "last_name": spec["last_name"],
            "first_name": spec["first_name"],
            "organisation": spec.get("organisation", ""),
            "jurisdiction": regions[spec["jurisdiction"]],
        }
        user = User.objects.filter(username=spec["username"]).first()
        if user is None:
            user = User(username=spec["username"], **values)
            user.set_unusable_password()
            user.save()
            outcome = "created"
        else:
            changed = [name for name, value in values.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, values[name])
            if changed:
                user.save(update_fields=changed)
            outcome = "updated" if changed else "unchanged"
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
            outcome = "created" if outcome == "created" else "updated"
        report.record(User, outcome)
        staff[user.username] = user
    return staff


def load_experts(specs: Sequence[Mapping[str, Any]], report: SeedReport) -> dict[str, Expert]:
    """The sample experts, found again by name (sample names are unique)."""
    experts: dict[str, Expert] = {}
    for spec in specs:
        if spec["name"] in experts:
            raise SeedError(f"Expert {spec['name']!r} appears twice in assistance.toml.")
        values = {
            "organisation": spec["organisation"],
            "specialities": spec.get("specialities", ""),
            "active": True,
            "synthetic": True,
        }
        experts[spec["name"]] = upsert(Expert, {"name": spec["name"]}, values, report)
    return experts
