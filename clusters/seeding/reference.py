"""Reference data only (``load_seeds --reference-only``), and the rule that keeps samples out of production.

Reference data is what the bureau's records refer to and what a new site needs before its first
record: the regions of ``regions.toml`` (GB/T 2260 divisions) and the rows the migrations create
(role groups, ticket categories, service levels, service partners, award programmes, rubrics). Nothing
here is a record of casework or a sample: no cluster, enterprise, holding, indicator or account.

The migrations' rows are created again when missing, from the migrations' own lists, so the lists
live once; a row that exists is left as an administrator keeps it.
"""

import importlib
from collections.abc import Mapping, Sequence
from types import ModuleType

from django.conf import settings
from django.contrib.auth.models import Group, Permission

from .common import SeedError, SeedReport

REFERENCE_FILES = ("regions",)


class SamplesNotAllowed(SeedError):
    """Sample data was about to be loaded where settings.SAMPLE_SEEDS_ALLOWED is false, unasked."""


def check_samples_allowed(*, asked: bool) -> None:
    """Refuse the sample data, before the database is touched, where settings keep it out unless asked."""
    if not asked and not getattr(settings, "SAMPLE_SEEDS_ALLOWED", False):
        raise SamplesNotAllowed(
            "These settings do not load sample data (SAMPLE_SEEDS_ALLOWED is false): the full load adds sample "
            "enterprises, tickets and staff accounts. Run `load_seeds --reference-only` to load only the reference "
            "data, or `load_seeds --with-samples` to load the samples anyway."
        )


def migration_module(app_label: str, name: str) -> ModuleType:
    """A data migration's module, for its lists of reference rows (its name starts with a digit)."""
    return importlib.import_module(f"{app_label}.migrations.{name}")


def ensure_group_permissions(
    group_permissions: Mapping[str, Sequence[str]], app_label: str, report: SeedReport
) -> dict[str, Group]:
    """The role groups, created when missing; a group created in this load gets the app's permissions.

    A group that was already there keeps the permissions an administrator gave it. Each app's loader
    calls this with its migration's list, so a group created by the first one gets every app's share.
    """
    groups: dict[str, Group] = {}
    for name, codenames in group_permissions.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            group = Group.objects.create(name=name)
            report.created_groups.add(name)
            report.record(Group, "created")
        elif name not in report.created_groups:
            report.record(Group, "unchanged")
        groups[name] = group
        if name not in report.created_groups or not codenames:
            continue
        permissions = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        missing = sorted(set(codenames) - {permission.codename for permission in permissions})
        if missing:
            raise SeedError(f"Permissions {missing} of {app_label!r} are missing; run `manage.py migrate` first.")
        group.permissions.add(*permissions)
    return groups
