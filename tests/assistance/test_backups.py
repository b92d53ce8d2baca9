"""manage.py backup / restore: rows and files travel together, and a restore checks every checksum first."""

import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection

from assistance import services
from assistance.backups import file_storage_aliases, stored_names
from assistance.models import Attachment, Ticket

from .factories import TicketFactory, VisitFactory
from .files import pdf, png

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    """An empty default storage for each test. (The attachments' field holds its storage from the start, so the
    private storage stays the suite's and may hold files of earlier tests: they are backed up like any other.)"""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seeded(inspector, enterprise):
    """The seed data, a ticket and a visit with attachments, and a generated file in the default storage."""
    call_command("load_seeds", verbosity=0)
    ticket = TicketFactory(enterprise=enterprise, created_by=inspector)
    visit = VisitFactory(enterprise=enterprise)
    services.attachment_add(user=inspector, upload=png(), ticket=ticket)
    services.attachment_add(user=inspector, upload=pdf(), ticket=ticket)
    services.attachment_add(user=inspector, upload=pdf("走访记录.pdf"), visit=visit)
    storages["default"].save("exports/工单.csv", ContentFile("编号,标题\n".encode("utf-8-sig")))
    return ticket


def row_counts(cursor, tables) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def stored_checksums() -> dict[tuple[str, str], str]:
    sums = {}
    for alias in file_storage_aliases():
        for name in stored_names(storages[alias]):
            with storages[alias].open(name, "rb") as stream:
                sums[(alias, name)] = hashlib.sha256(stream.read()).hexdigest()
    return sums


def _counts_here() -> dict[str, int]:
    with connection.cursor() as cursor:
        return row_counts(cursor, connection.introspection.table_names())


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_round_trip_brings_back_every_row_and_file(seeded, tmp_path):
    counts, files = _counts_here(), stored_checksums()
    assert counts["assistance_attachment"] == 3
    assert {("private", attachment.file.name) for attachment in Attachment.objects.all()} < set(files)
    assert ("default", "exports/工单.csv") in files

    call_command("backup", tmp_path / "backup", stdout=io.StringIO())
    # Afterwards: rows lost and added, a file lost, another one changed.
    lost = Attachment.objects.filter(ticket=seeded).first()
    storages["private"].delete(lost.file.name)
    lost.delete()
    TicketFactory(enterprise=seeded.enterprise)
    with storages["private"].open(Attachment.objects.first().file.name, "wb") as stream:
        stream.write(b"overwritten")

    call_command("restore", tmp_path / "backup", interactive=False, stdout=io.StringIO())

    assert _counts_here() == counts
    assert stored_checksums() == files
    assert Ticket.objects.count() == counts["assistance_ticket"]


@pytest.mark.django_db(transaction=True)
def test_the_manifest_lists_every_file_with_its_checksum(seeded, tmp_path):
    out = io.StringIO()
    call_command("backup", tmp_path / "backup", stdout=out)
    assert f"Backed up the {connection.vendor} database and" in out.getvalue()
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    listed = {(entry["storage"], entry["name"]): entry["sha256"] for entry in manifest["files"]}
    assert listed == stored_checksums()
    assert manifest["database"]["vendor"] == connection.vendor
    sums = (tmp_path / "backup" / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(sums) == len(listed) + 1
    assert subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=tmp_path / "backup").returncode == 0


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_changes(seeded, tmp_path):
    call_command("backup", tmp_path / "backup", stdout=io.StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    damaged = tmp_path / "backup" / manifest["files"][0]["path"]
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"!")
    TicketFactory(enterprise=seeded.enterprise)
    tickets = Ticket.objects.count()

    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", tmp_path / "backup", interactive=False)
    assert Ticket.objects.count() == tickets


@pytest.mark.django_db(transaction=True)
def test_a_missing_file_is_refused(seeded, tmp_path):
    call_command("backup", tmp_path / "backup", stdout=io.StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    (tmp_path / "backup" / manifest["files"][-1]["path"]).unlink()
    with pytest.raises(CommandError, match="is missing"):
        call_command("restore", tmp_path / "backup", interactive=False)


@pytest.mark.django_db
def test_a_manifest_pointing_outside_the_backup_is_refused(tmp_path):
    backup = tmp_path / "backup"
    backup.mkdir()
    (tmp_path / "secret").write_text("x")
    manifest = {
        "format": 1,
        "created_at": "2026-01-01T00:00:00+00:00",
        "database": {"vendor": connection.vendor, "path": "../secret", "size": 1, "sha256": "0"},
        "storages": ["private"],
        "files": [],
    }
    (backup / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="outside the backup"):
        call_command("restore", backup, interactive=False)


@pytest.mark.django_db
def test_a_directory_without_a_manifest_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="not a finished backup"):
        call_command("restore", tmp_path, interactive=False)


@pytest.mark.django_db
def test_a_backup_goes_only_into_a_new_or_empty_directory(tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", tmp_path)


@pytest.mark.django_db(transaction=True)
def test_restore_asks_before_it_replaces_anything(seeded, tmp_path, monkeypatch):
    call_command("backup", tmp_path / "backup", stdout=io.StringIO())
    TicketFactory(enterprise=seeded.enterprise)
    tickets = Ticket.objects.count()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", tmp_path / "backup", stdout=io.StringIO())
    assert Ticket.objects.count() == tickets


def _url_for(settings_dict: dict, name: str) -> str:
    credentials = quote(settings_dict["USER"] or "", safe="")
    if settings_dict.get("PASSWORD"):
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = f"{settings_dict['HOST'] or 'localhost'}:{settings_dict['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{name}"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs pg_dump and pg_restore against PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_into_an_empty_database_with_every_row_and_file(seeded, tmp_path):
    tables = connection.introspection.table_names()
    counts, files = _counts_here(), stored_checksums()
    assert counts["assistance_attachment"] == 3
    call_command("backup", tmp_path / "backup", stdout=io.StringIO())

    empty = f"quality_restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{empty}"')
    media, private = tmp_path / "restored-media", tmp_path / "restored-private"
    try:
        # Another process on another settings module, as on the machine a backup is restored on.
        leave_out = {"DJANGO_SETTINGS_MODULE", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "STORAGE_BACKEND"}
        env = {k: v for k, v in os.environ.items() if k not in leave_out}
        env.update(
            DATABASE_URL=_url_for(connection.settings_dict, empty),
            MEDIA_ROOT=str(media),
            PRIVATE_MEDIA_ROOT=str(private),
        )
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "restore",
                str(tmp_path / "backup"),
                "--no-input",
                "--settings=config.settings.base",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr

        dsn = _url_for(connection.settings_dict, empty)
        with psycopg.connect(dsn) as restored, restored.cursor() as cursor:
            assert row_counts(cursor, tables) == counts
        restored_files = {
            (alias, path.relative_to(root).as_posix()): hashlib.sha256(path.read_bytes()).hexdigest()
            for alias, root in (("default", media), ("private", private))
            for path in root.rglob("*")
            if path.is_file()
        }
        assert restored_files == files
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{empty}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_file_deleted_while_the_backup_runs_is_left_out_not_fatal(seeded, tmp_path, monkeypatch):
    from assistance import backups

    listed = backups.stored_names

    def listed_then_one_gone(storage):
        names = list(listed(storage))
        if names:
            storage.delete(names[0])  # as a health probe or an expired export would vanish meanwhile
        return names

    monkeypatch.setattr(backups, "stored_names", listed_then_one_gone)
    call_command("backup", tmp_path / "backup", stdout=io.StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    assert {(entry["storage"], entry["name"]) for entry in manifest["files"]} == set(stored_checksums())
