"""Run the suite against a throw-away PostgreSQL server started from the local binaries.

The server lives in a temporary directory on its own port and is torn down afterwards.
Without PostgreSQL binaries the pass is skipped with one line, except under CI=true,
where a skip is a failure.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def find_bindir() -> Path | None:
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


def main() -> int:
    bindir = find_bindir()
    if bindir is None:
        print("PostgreSQL pass skipped: no PostgreSQL server binaries (initdb, pg_ctl) on this machine.")
        return 1 if os.environ.get("CI", "").lower() == "true" else 0

    as_root = os.geteuid() == 0
    workdir = Path(tempfile.mkdtemp(prefix="quality-pg-"))
    data, log = workdir / "data", workdir / "server.log"
    port = free_port()

    def run_as_server_user(args: list[str]) -> None:
        command = ["runuser", "-u", "postgres", "--", *args] if as_root else args
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    if as_root:
        user = pwd.getpwnam("postgres")
        os.chown(workdir, user.pw_uid, user.pw_gid)
    started = False
    try:
        run_as_server_user(
            [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"]
        )
        options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        run_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"])
        started = True
        print(f"PostgreSQL {bindir.parent.name} started on 127.0.0.1:{port} in {workdir}")
        env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/postgres"}
        pytest = [sys.executable, "-m", "pytest", *sys.argv[1:]]
        return subprocess.run(pytest, cwd=ROOT, env=env).returncode
    finally:
        if started:
            run_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
