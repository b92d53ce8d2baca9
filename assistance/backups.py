"""Backups that carry the rows and the files together, and their restore.

A backup is a directory:

    manifest.json        what is in it: the database dump and every stored file, each with its SHA-256
    SHA256SUMS           the same checksums, for `sha256sum -c SHA256SUMS` on any copy of the backup
    database.dump        PostgreSQL: `pg_dump -Fc` (restored with `pg_restore --clean --if-exists`)
    database.sqlite3     SQLite: a copy made with sqlite3's online backup API
    files/<storage>/...  every file of every file storage (attachments and the rest), by its stored name

The database is dumped first and the files copied after, so every file a dumped row names is in the
backup (attachments are added, not rewritten). A restore checks every checksum before it changes
anything, then loads the database, writes the files back under their names and reads each back to
check it again.
"""

import datetime
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import DEFAULT_DB_ALIAS, connections

FORMAT = 1
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
FILES = "files"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# Static files are built from the code by collectstatic; everything else in STORAGES holds data.
BUILT_STORAGES = {"staticfiles"}
# libpq reads these from the environment; Django's OPTIONS may carry them.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why."""


@dataclass(frozen=True)
class BackupSummary:
    vendor: str
    files: int
    bytes: int
    untouched: int = 0  # files already in storage that the backup does not hold (restore only)


def file_storage_aliases() -> list[str]:
    """The storages that hold data: every configured one but the built static files."""
    return [alias for alias in settings.STORAGES if alias not in BUILT_STORAGES]


def stored_names(storage: Storage) -> Iterator[str]:
    """Every file name in a storage, walking its directories (works for the filesystem and S3 alike)."""
    pending = [""]
    while pending:
        directory = pending.pop()
        try:
            directories, files = storage.listdir(directory)
        except FileNotFoundError:
            continue
        prefix = f"{directory}/" if directory else ""
        yield from sorted(prefix + name for name in files)
        pending.extend(prefix + name for name in sorted(directories, reverse=True))


def _sha256_of_stream(stream) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _sha256_of(path: Path) -> str:
    with path.open("rb") as stream:
        return _sha256_of_stream(stream)


def _copy_hashing(source, target) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def postgres_tool(name: str) -> str:
    """A PostgreSQL client program: from PATH, else the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parent.parent.name) if Path(path).parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    if candidates:
        return candidates[0]
    raise BackupError(f"{name} was found neither on PATH nor under /usr/lib/postgresql/*/bin.")


def _libpq_environment(settings_dict: dict) -> dict[str, str]:
    """The connection, for the client programs, as libpq environment variables (no password on a command line)."""
    env = {**os.environ}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    for option, variable in LIBPQ_OPTIONS.items():
        if settings_dict.get("OPTIONS", {}).get(option) is not None:
            env[variable] = str(settings_dict["OPTIONS"][option])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.returncode}")


def _dump_database(alias: str, target: Path) -> str:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        command = [postgres_tool("pg_dump"), "--format=custom", f"--file={target}", f"--dbname={settings_dict['NAME']}"]
        _run(command, _libpq_environment(settings_dict))
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        raise BackupError(f"Backups of a {connection.vendor} database are not supported.")
    return connection.vendor


def _load_database(alias: str, source: Path) -> None:
    connection = connections[alias]
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction.")
    if connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        connection.close()  # hold no locks on the tables pg_restore drops
        command = [
            postgres_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={settings_dict['NAME']}",
            str(source),
        ]
        _run(command, _libpq_environment(settings_dict))
    else:
        connection.ensure_connection()
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()
    # Figures kept in the cache counted the records the restore replaced.
    cache.clear()


def backup_create(*, directory: Path, database: str = DEFAULT_DB_ALIAS) -> BackupSummary:
    """Write a backup of the database and of every file storage into `directory` (new or empty)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty; a backup goes into a new or empty directory.")
    directory.mkdir(parents=True, exist_ok=True)

    vendor = connections[database].vendor
    if vendor not in DUMPS:
        raise BackupError(f"Backups of a {vendor} database are not supported.")
    dump = directory / DUMPS[vendor]
    _dump_database(database, dump)
    entries, total = [], 0
    for alias in file_storage_aliases():
        storage = storages[alias]
        for name in stored_names(storage):
            relative = PurePosixPath(FILES, alias, name)
            target = directory / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                source = storage.open(name, "rb")
            except FileNotFoundError:
                continue  # deleted since it was listed (a health probe, an expired export): nothing to keep
            with source, target.open("wb") as copy:
                sha256, size = _copy_hashing(source, copy)
            entries.append({"storage": alias, "name": name, "path": str(relative), "size": size, "sha256": sha256})
            total += size

    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": {"vendor": vendor, "path": dump.name, "size": dump.stat().st_size, "sha256": _sha256_of(dump)},
        "storages": file_storage_aliases(),
        "files": entries,
    }
    sums = [f"{manifest['database']['sha256']}  {dump.name}"] + [f"{e['sha256']}  {e['path']}" for e in entries]
    (directory / CHECKSUMS).write_text("\n".join(sums) + "\n", encoding="utf-8")
    # Written last: a directory without a manifest is an unfinished backup.
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return BackupSummary(vendor=vendor, files=len(entries), bytes=total)


def _inside(directory: Path, relative: str) -> Path:
    path = (directory / relative).resolve()
    if not path.is_relative_to(directory.resolve()) or PurePosixPath(relative).is_absolute():
        raise BackupError(f"The manifest names a file outside the backup: {relative}")
    return path


def backup_verify(*, directory: Path) -> dict:
    """The backup's manifest, once every file it lists is there with its size and checksum."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{directory} holds no {MANIFEST}: it is not a finished backup.") from None
    except ValueError as error:
        raise BackupError(f"{directory / MANIFEST} cannot be read: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This backup's format ({manifest.get('format')!r}) is not {FORMAT}.")
    problems = []
    for entry in [manifest["database"], *manifest["files"]]:
        path = _inside(directory, entry["path"])
        if not path.is_file():
            problems.append(f"{entry['path']} is missing")
        elif path.stat().st_size != entry["size"] or _sha256_of(path) != entry["sha256"]:
            problems.append(f"{entry['path']} does not match its checksum")
    if problems:
        raise BackupError("The backup is damaged: " + "; ".join(problems))
    return manifest


def backup_restore(*, directory: Path, database: str = DEFAULT_DB_ALIAS) -> BackupSummary:
    """Replace the database and put back every file of the backup in `directory`, checking them all."""
    directory = Path(directory)
    manifest = backup_verify(directory=directory)
    vendor = connections[database].vendor
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(f"This is a backup of a {manifest['database']['vendor']} database, not {vendor}.")
    unknown = sorted({entry["storage"] for entry in manifest["files"]} - set(file_storage_aliases()))
    if unknown:
        raise BackupError(f"The backup holds files for storages that are not configured: {', '.join(unknown)}")

    _load_database(database, _inside(directory, manifest["database"]["path"]))
    total = 0
    restored: dict[str, set[str]] = {}
    for entry in manifest["files"]:
        storage, name = storages[entry["storage"]], entry["name"]
        if storage.exists(name):
            storage.delete(name)
        with _inside(directory, entry["path"]).open("rb") as source:
            saved = storage.save(name, File(source, name=name))
        if saved != name:
            raise BackupError(f"The {entry['storage']} storage kept {name} as {saved}.")
        with storage.open(name, "rb") as stored:
            digest = _sha256_of_stream(stored)
        if digest != entry["sha256"]:
            raise BackupError(f"{name} in the {entry['storage']} storage does not match its checksum after writing.")
        restored.setdefault(entry["storage"], set()).add(name)
        total += entry["size"]
    untouched = sum(
        name not in restored.get(alias, set())
        for alias in file_storage_aliases()
        for name in stored_names(storages[alias])
    )
    return BackupSummary(vendor=vendor, files=len(manifest["files"]), bytes=total, untouched=untouched)
