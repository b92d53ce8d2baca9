"""The assistance reference rows of migration ``0002``: ticket categories, service levels, partners, group permissions."""

from clusters.seeding import SeedReport, ensure, ensure_group_permissions, migration_module

from ..models import ServiceLevel, ServicePartner, TicketCategory

REFERENCE_MIGRATION = "0002_reference_data_and_permissions"
IMPORT_MIGRATION = "0015_grant_import_to_managers"


def load_reference(report: SeedReport) -> None:
    """Create the categories, service levels and service partners the migration creates, where missing.

    A row that exists is left alone: an administrator's new service days or category name stay.
    """
    migration = migration_module("assistance", REFERENCE_MIGRATION)
    for position, (code, name) in enumerate(migration.CATEGORIES):
        ensure(TicketCategory, {"code": code}, {"name": name, "position": position}, report)
    for priority, days in migration.SERVICE_LEVELS.items():
        ensure(ServiceLevel, {"priority": priority}, {"days": days}, report)
    for name in migration.PARTNERS:
        ensure(ServicePartner, {"name": name}, {}, report)
    ensure_group_permissions(migration.GROUP_PERMISSIONS, "assistance", report)
    ensure_group_permissions(migration_module("assistance", IMPORT_MIGRATION).GROUP_PERMISSIONS, "assistance", report)
