"""Load the bureau's work of 2020-2021 from the seed files (see ``seeds/README.md``).

``seeds/assistance.toml`` holds the five support teams with their sample staff and experts and
the three visits the 2021 article describes; ``seeds/tickets.toml`` the sample help tickets and
the arithmetic that dates them; ``seeds/trainings.toml`` the sample trainings. Records refer to
the registry (regions, clusters, enterprises) by name, so ``clusters.seeding.seeds_load`` runs
first; ``manage.py load_seeds`` calls both in one transaction.

The load is idempotent in the same strict sense as the registry's: every record is found again
by its natural key, created when missing and saved only when a field differs, and many-to-many
links are added or removed only when they differ, so a second run writes no row, no
``updated_at`` and no history. Nothing here is random: the same files always give the same rows.
"""

from pathlib import Path

from django.db import transaction

from clusters.seeding import SeedReport, default_seed_dir, read_seed_files, sources_with_quotes

from .common import ASSISTANCE_FILES, TANGSHAN_TZ, Context
from .reference import load_reference
from .staff import load_experts, load_staff
from .teams import load_demo_members, load_teams, teams_by_cluster
from .tickets import load_tickets
from .trainings import load_trainings
from .visits import load_described_visits

__all__ = ["ASSISTANCE_FILES", "TANGSHAN_TZ", "load_staff", "reference_load", "seeds_load"]


def reference_load(*, report: SeedReport | None = None) -> SeedReport:
    """The assistance reference rows only (categories, service levels, partners), each created when missing.

    Nothing synthetic: no staff account, expert, team, ticket, visit or training.
    """
    report = report if report is not None else SeedReport()
    with transaction.atomic():
        load_reference(report)
    return report


def seeds_load(*, report: SeedReport | None = None, seed_dir: Path | None = None) -> SeedReport:
    """Load the bureau's 2020-2021 work into a database that holds the registry seeds.

    Runs in one transaction (a savepoint when the caller already has one, as `load_seeds` does)
    and adds its counts to `report` when given. Raises SeedError when the files are inconsistent
    or refer to registry records that do not exist.
    """
    seed_dir = seed_dir or default_seed_dir()
    data = read_seed_files(seed_dir, ASSISTANCE_FILES)
    sources = sources_with_quotes(data, seed_dir, ["assistance"])
    report = report if report is not None else SeedReport()
    assistance = data["assistance"]
    with transaction.atomic():
        staff = load_staff(assistance["staff"], report)
        experts = load_experts(assistance["experts"], report)
        teams = load_teams(assistance["teams"], staff, experts, sources, report)
        ctx = Context(
            sources=sources,
            staff=staff,
            experts=experts,
            expert_categories={spec["name"]: tuple(spec.get("categories", ())) for spec in assistance["experts"]},
            team_by_cluster=teams_by_cluster(teams),
            visit_keys=set(),
        )
        load_demo_members(assistance.get("demo_members", []), ctx, report)
        load_described_visits(assistance.get("visits", []), ctx, report)
        load_tickets(data["tickets"], ctx, report)
        load_trainings(data["trainings"], ctx, report)
    return report
