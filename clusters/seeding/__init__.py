"""Load the registry's seed data from ``seeds/*.toml`` (see ``seeds/README.md``).

The load is idempotent in the strict sense: every record is found again by its natural key,
created when missing, and saved only when a field differs, and then only those fields. A
second run therefore writes nothing: no new rows, no new ``updated_at``, no history rows.

Records the articles only count are generated here by plain arithmetic from the seed files
(sample enterprises and sample standards), so the same files always give the same rows.

``common`` holds what the assistance and award loaders share with this one (reading the files,
source notes, ``upsert``); ``registry`` loads the registry file by file, ``samples`` generates the
sample records and ``demo_users`` the demo sign-ins. ``reference`` holds what ``reference_load``
needs (regions and role groups, nothing synthetic) and the rule that settings may refuse samples.
"""

from pathlib import Path

from django.db import transaction

from .common import (
    CHANGE_REASON,
    SeedError,
    SeedReport,
    Sources,
    article_text,
    default_seed_dir,
    ensure,
    find,
    read_seed_files,
    same,
    sources_with_quotes,
    upsert,
)
from .demo_users import DEMO_USERS_FILE, DemoSignIn, DemoUsersNotAllowed, check_demo_users_allowed, load_demo_users
from .reference import (
    REFERENCE_FILES,
    SamplesNotAllowed,
    check_samples_allowed,
    ensure_group_permissions,
    migration_module,
)
from .registry import (
    REGISTRY_FILES,
    load_clusters,
    load_enterprises,
    load_holdings,
    load_indicators,
    load_regions,
    load_standards,
)
from .samples import CITY_DIVISION_CODE, StandardSpec, build_credit_code, expand_series, sample_enterprise_name

__all__ = [
    "CHANGE_REASON",
    "CITY_DIVISION_CODE",
    "DEMO_USERS_FILE",
    "REFERENCE_FILES",
    "REGISTRY_FILES",
    "DemoSignIn",
    "DemoUsersNotAllowed",
    "SamplesNotAllowed",
    "SeedError",
    "SeedReport",
    "Sources",
    "StandardSpec",
    "article_text",
    "build_credit_code",
    "check_samples_allowed",
    "default_seed_dir",
    "ensure",
    "ensure_group_permissions",
    "expand_series",
    "find",
    "migration_module",
    "read_seed_files",
    "reference_load",
    "same",
    "sample_enterprise_name",
    "seeds_load",
    "sources_with_quotes",
    "upsert",
]


def seeds_load(*, demo_users: bool = False, with_samples: bool = False, seed_dir: Path | None = None) -> SeedReport:
    """Load the registry seed data, and the demo users if asked, in one transaction.

    Raises SamplesNotAllowed before touching the database where settings.SAMPLE_SEEDS_ALLOWED is
    false and `with_samples` does not ask for the samples anyway, DemoUsersNotAllowed when demo users
    are asked for where settings.DEMO_USERS_ALLOWED is false, and SeedError when the seed files are
    inconsistent.
    """
    check_samples_allowed(asked=with_samples)
    if demo_users:
        check_demo_users_allowed()
    seed_dir = seed_dir or default_seed_dir()
    data = read_seed_files(seed_dir, REGISTRY_FILES + ((DEMO_USERS_FILE,) if demo_users else ()))
    sources = Sources(data["sources"], seed_dir)
    report = SeedReport()
    with transaction.atomic():
        regions = load_regions(data["regions"], report)
        clusters = load_clusters(data["clusters"], regions, sources, report)
        enterprises, samples = load_enterprises(data["clusters"], clusters, sources, report)
        load_holdings(data["holdings"], regions, clusters, enterprises, sources, report)
        load_standards(data["standards"], samples, sources, report)
        load_indicators(data["indicators"], regions, clusters, sources, report)
        if demo_users:
            report.demo_users = load_demo_users(data[DEMO_USERS_FILE], regions, report)
    return report


def reference_load(*, report: SeedReport | None = None, seed_dir: Path | None = None) -> SeedReport:
    """Load the registry's reference data only: the regions, and the role groups when missing.

    Allowed under every settings: nothing it writes is a sample. Regions follow regions.toml as in
    the full load; a group is created (with the registry's permissions) only when it is missing.
    """
    seed_dir = seed_dir or default_seed_dir()
    data = read_seed_files(seed_dir, REFERENCE_FILES)
    groups = migration_module("clusters", "0002_create_role_groups").GROUP_PERMISSIONS
    report = report if report is not None else SeedReport()
    with transaction.atomic():
        load_regions(data["regions"], report)
        ensure_group_permissions(groups, "clusters", report)
    return report
