"""The benchmark's databases, built once and kept under var/bench/ until what they are built from changes.

One PostgreSQL server holds a database per size (`bench_1000`, `bench_100000`...). Its directory is
`var/bench/pgdata-<fingerprint>/`, the fingerprint being that of what shapes the data: the list of
migration files and their contents, `generate_scale_data.py`, the seed loader and the seed files, and
PostgreSQL's major version. Each database is recorded in `databases.json` there with its own key (the
fingerprint and its number of tickets) once it is completely built; a size asked for that is not
recorded (or recorded under another key) is built again, the others are reused. When the fingerprint
changes a new directory is built and the old ones are removed; `--rebuild` (`BENCH_REBUILD=1`) starts
the current one afresh.
"""

import contextlib
import datetime
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.pgserver import PostgresServer, free_port

# Directories that hold no migration of the project's (and would take long to walk).
SKIPPED_DIRS = {".venv", "venv", "var", "staticfiles", "node_modules", "tests", "docs", "static", "templates"}
DATA_FILES = [
    "assistance/management/commands/generate_scale_data.py",
    "assistance/management/commands/load_seeds.py",
]
DATA_DIRS = ["seeds"]


def migration_files(root: Path) -> list[Path]:
    found = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRS and not d.startswith((".", "_")))
        if Path(directory).name == "migrations":
            found += [Path(directory) / name for name in sorted(files) if name.endswith(".py")]
    return found


def data_sources(root: Path) -> list[Path]:
    """Every file whose change changes the built data, in a stable order."""
    files = migration_files(root) + [root / name for name in DATA_FILES if (root / name).exists()]
    for name in DATA_DIRS:
        files += sorted(p for p in (root / name).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return files


def fingerprint(root: Path, *, tickets: int | None = None, postgresql: str = "") -> str:
    """A hash of the data's sources (names and contents), and of the size and server version if given."""
    digest = hashlib.sha256()
    for path in data_sources(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(f"postgresql={postgresql}\0tickets={tickets}".encode())
    return digest.hexdigest()


def database_name(tickets: int) -> str:
    return f"bench_{tickets}"


class KeptPostgresServer(PostgresServer):
    """A PostgreSQL server whose directory is given and stays after it stops (on a new port each start)."""

    def __init__(self, home: Path, **kwargs):
        super().__init__(**kwargs)
        self.home = home

    def init(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        # The server runs as another user, who must be able to pass through the directories above its own.
        # var/ may have been made private (the file cache creates its directory, and var/, as 0700).
        for parent in self.home.parents:
            if parent == Path(parent.anchor) or not os.access(parent, os.W_OK):
                break
            parent.chmod(parent.stat().st_mode | 0o011)
            if parent.name == "var":
                break
        self.own(self.home)
        self.workdir = self.home
        self.port = free_port()
        if (self.data / "PG_VERSION").exists():
            self._stop_leftover()
        else:
            shutil.rmtree(self.data, ignore_errors=True)
            self.initdb()

    def _stop_leftover(self) -> None:
        """A server left running by an interrupted run would keep the directory: stop it."""
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._pg_ctl("-m", "fast", "-w", "stop")

    def cleanup(self) -> None:
        if self.running:
            self.stop()


class DataCache:
    """`var/bench/pgdata-<fingerprint>/`: the server's directory and the record of its built databases."""

    def __init__(self, base: Path, root: Path, *, postgresql: str):
        self.base, self.root, self.postgresql = base, root, postgresql
        self.fingerprint = fingerprint(root, postgresql=postgresql)
        self.home = base / f"pgdata-{self.fingerprint[:16]}"
        self.record = self.home / "databases.json"

    def wipe(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)

    def others(self) -> list[Path]:
        return sorted(p for p in self.base.glob("pgdata-*") if p.is_dir() and p != self.home)

    def remove_others(self) -> list[Path]:
        removed = self.others()
        for path in removed:
            shutil.rmtree(path, ignore_errors=True)
        return removed

    def databases(self) -> dict[str, dict]:
        try:
            return json.loads(self.record.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def key(self, tickets: int) -> str:
        return fingerprint(self.root, tickets=tickets, postgresql=self.postgresql)

    def is_built(self, tickets: int) -> bool:
        entry = self.databases().get(database_name(tickets))
        return bool(entry) and entry.get("key") == self.key(tickets)

    def forget(self, tickets: int) -> None:
        databases = self.databases()
        if databases.pop(database_name(tickets), None) is not None:
            self._write(databases)

    def built(self, tickets: int, *, seconds: float, steps: dict[str, float]) -> None:
        databases = self.databases()
        databases[database_name(tickets)] = {
            "tickets": tickets,
            "key": self.key(tickets),
            "build_seconds": round(seconds, 1),
            "steps": {name: round(value, 1) for name, value in steps.items()},
            "built_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        }
        self._write(databases)

    def entry(self, tickets: int) -> dict:
        return self.databases().get(database_name(tickets), {})

    def _write(self, databases: dict) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        temporary = self.record.with_suffix(".tmp")
        temporary.write_text(json.dumps(databases, indent=2))
        temporary.replace(self.record)
