"""Run the suite against a throw-away PostgreSQL server started from the local binaries.

The server lives in a temporary directory on its own port and is torn down afterwards.
Without PostgreSQL binaries the pass is skipped with one line, except under CI=true,
where a skip is a failure.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pgserver import PostgresServer, find_bindir  # noqa: E402


def main() -> int:
    bindir = find_bindir()
    if bindir is None:
        print("PostgreSQL pass skipped: no PostgreSQL server binaries (initdb, pg_ctl) on this machine.")
        return 1 if os.environ.get("CI", "").lower() == "true" else 0

    with PostgresServer(bindir) as server:
        print(f"PostgreSQL {server.version} started on 127.0.0.1:{server.port} in {server.workdir}")
        env = {**os.environ, "DATABASE_URL": server.url()}
        pytest = [sys.executable, "-m", "pytest", *sys.argv[1:]]
        return subprocess.run(pytest, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
