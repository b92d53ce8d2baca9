"""The layers of DESIGN.md's Architecture: config -> reports -> assistance (+ awards) -> clusters.

Nothing points back up: the registry imports neither assistance nor reports, and assistance does
not import reports. Migrations are left out; tests live outside the apps.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db.models.signals import post_migrate

from assistance.models import TicketCategory

ROOT = Path(__file__).resolve().parent.parent.parent
FORBIDDEN = {"clusters": {"assistance", "reports"}, "assistance": {"reports"}}


def imported_packages(path: Path) -> set[str]:
    """The top-level packages a module imports (relative imports stay inside its own app)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_imports_nothing_above_it(app):
    modules = [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]
    assert modules
    offending = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules
        for name in sorted(imported_packages(path) & FORBIDDEN[app])
    ]
    assert offending == []


def test_the_shared_helpers_live_in_config():
    for name in ("exports", "pagination", "navigation"):
        assert (ROOT / "config" / f"{name}.py").is_file(), name
    assert not (ROOT / "reports" / "exports.py").exists()
    assert not (ROOT / "clusters" / "context_processors.py").exists()


@pytest.mark.parametrize("label", ["clusters", "assistance"])
def test_each_app_replays_only_its_own_data_migrations(label):
    replayed = apps.get_app_config(label).replayed_data_migrations
    assert replayed
    assert all(module.startswith(f"{label}.migrations.") for module, _ in replayed)


@pytest.mark.django_db
def test_after_a_flush_each_app_puts_back_its_own_reference_rows():
    TicketCategory.objects.all().delete()
    Group.objects.all().delete()

    def migrated(label: str) -> None:
        app_config = apps.get_app_config(label)
        post_migrate.send(
            sender=app_config, app_config=app_config, verbosity=0, interactive=False, using="default", apps=apps
        )

    migrated("clusters")
    assert set(Group.objects.values_list("name", flat=True)) >= {"inspector", "manager", "reviewer"}
    assert not TicketCategory.objects.exists()

    migrated("assistance")
    assert TicketCategory.objects.exists()
