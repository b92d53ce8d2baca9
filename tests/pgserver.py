"""A throw-away PostgreSQL server started from the local binaries, for the PostgreSQL pass and the load tests.

The server lives in a temporary directory, listens on 127.0.0.1 on a free port, trusts local connections
and is torn down afterwards. As root it runs as the `postgres` user, as PostgreSQL requires.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_bindir() -> Path | None:
    """The newest PostgreSQL server binaries (initdb and pg_ctl) on this machine, if any."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    for directory in candidates:
        if (Path(directory) / "initdb").exists() and (Path(directory) / "pg_ctl").exists():
            return Path(directory)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(os.path.realpath(initdb)).parent
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """`with PostgresServer() as server:` gives a running server; `server.url` connects as `postgres`.

    `stop()` and `start()` may be called in between (a fault run restarts the server under load).
    """

    def __init__(self, bindir: Path | None = None, *, prefix: str = "quality-pg-", settings: dict | None = None):
        self.bindir = bindir or find_bindir()
        if self.bindir is None:
            raise RuntimeError("No PostgreSQL server binaries (initdb, pg_ctl) on this machine.")
        self.prefix = prefix
        self.settings = {"fsync": "off", "full_page_writes": "off", **(settings or {})}
        self.as_root = os.geteuid() == 0
        self.workdir: Path | None = None
        self.port = 0
        self.running = False

    @property
    def version(self) -> str:
        return self.bindir.parent.name

    @property
    def data(self) -> Path:
        return self.workdir / "data"

    @property
    def log(self) -> Path:
        return self.workdir / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, args: list[str]) -> None:
        command = ["runuser", "-u", "postgres", "--", *args] if self.as_root else args
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def _pg_ctl(self, *args: str) -> None:
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), *args])

    def init(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix=self.prefix))
        self.own(self.workdir)
        self.port = free_port()
        self.initdb()

    def own(self, path: Path) -> None:
        """Hand a directory to the user the server runs as."""
        if self.as_root:
            user = pwd.getpwnam("postgres")
            os.chown(path, user.pw_uid, user.pw_gid)

    def initdb(self) -> None:
        self._run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                # Byte order for sorting, as before; a character classification that knows Chinese
                # characters are letters, or pg_trgm makes no trigrams of them (config/textsearch.py).
                "--locale=C",
                "--lc-ctype=C.UTF-8",
            ]
        )

    def start(self) -> None:
        if self.workdir is None:
            self.init()
        options = " ".join(
            [f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1"]
            + [f"-c {name}={value}" for name, value in self.settings.items()]
        )
        self._pg_ctl("-l", str(self.log), "-o", options, "-w", "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; `fast` ends every open connection at once, as a restart or failover does."""
        self._pg_ctl("-m", mode, "-w", "stop")
        self.running = False

    def psql(self, sql: str, database: str = "postgres") -> None:
        self._run(
            [
                str(self.bindir / "psql"),
                "-X",
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ]
        )

    def cleanup(self) -> None:
        if self.running:
            self.stop()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "PostgresServer":
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.cleanup()
