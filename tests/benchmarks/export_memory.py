"""Peak memory of the ticket-list export as the number of tickets grows.

Not part of the test suite (speed and memory are measured here, never asserted in tests). Run:

    .venv/bin/python tests/benchmarks/export_memory.py 10000 100000

For each size it builds a fresh SQLite database with `generate_scale_data`, then, in a new process,
downloads the whole ticket list as CSV and as Excel while measuring the Python heap peak (tracemalloc)
and the process's peak resident memory.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def measure(database_url: str) -> dict:
    """Runs inside the child process: export every ticket once per format."""
    import tracemalloc

    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.development"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.test import Client

    from assistance.models import Ticket
    from clusters.models import User

    manager = User.objects.get(username="manager_tangshan")
    client = Client()
    client.force_login(manager)
    results = {"tickets": Ticket.objects.count()}
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for fmt in ("csv", "xlsx"):
        tracemalloc.start()
        started = time.monotonic()
        response = client.get("/assistance/tickets/", {"export": fmt})
        size = sum(len(chunk) for chunk in response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results[fmt] = {
            "bytes": size,
            "seconds": round(time.monotonic() - started, 1),
            "python_peak_mb": round(peak / 1_048_576, 1),
        }
    results["rss_peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    results["rss_before_exports_mb"] = round(baseline / 1024, 1)
    return results


def build(size: int, directory: Path) -> str:
    url = f"sqlite:///{directory / f'scale-{size}.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.development"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "load_seeds", "--demo-users", "-v0"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [
            *manage,
            "generate_scale_data",
            "--enterprises",
            str(max(500, size // 20)),
            "--tickets",
            str(size),
            "--visits",
            "0",
        ],
        env=env,
        check=True,
    )
    return url


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        for size in sizes:
            url = build(size, Path(directory))
            child = subprocess.run(
                [sys.executable, __file__, "--measure", url], check=True, capture_output=True, text=True
            )
            print(json.dumps(json.loads(child.stdout.strip().splitlines()[-1]), ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2])))
    else:
        main([int(arg) for arg in sys.argv[1:]] or [10000, 100000])
