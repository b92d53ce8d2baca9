"""Peak memory and time of the ticket-list export as the number of tickets grows, streamed and as a job.

Not part of the test suite (speed and memory are measured here, never asserted in tests). Run:

    make bench-exports                           # 10,000 and 100,000 tickets
    make bench-exports BENCH_SIZES="10000 100000 300000"
    .venv/bin/python tests/benchmarks/export_memory.py 10000

For each size it builds a fresh SQLite database with `generate_scale_data`, then, each in a new process:
downloads the whole ticket list as CSV and as Excel through the streamed path (the threshold set out of
reach); and, for each format, asks for the download with the threshold at one row, so the request
queues an export job, and runs the worker (`db_worker --batch`) on it, as production's worker would.
Each measurement gives the Python heap peak (tracemalloc), the process's peak resident memory and seconds.
tracemalloc slows Python down several times: `BENCH_TRACEMALLOC=0` leaves it out (resident memory and
seconds only), and `BENCH_STREAMED=0` measures the job path alone, which makes 300,000 tickets practical.
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


def measure_job(database_url: str, fmt: str) -> dict:
    """Runs inside the child process: one export of every ticket as a job, written by the worker."""
    import tracemalloc

    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.development"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["EXPORT_ASYNC_THRESHOLD"] = "1"
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from clusters.models import User
    from reports.models import ExportFile

    client = Client()
    client.force_login(User.objects.get(username="manager_tangshan"))
    started = time.monotonic()
    response = client.get("/assistance/tickets/", {"export": fmt})
    assert response.status_code == 302, response.status_code
    request_seconds = time.monotonic() - started
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    traced = os.environ.get("BENCH_TRACEMALLOC", "1") != "0"
    if traced:
        tracemalloc.start()
    started = time.monotonic()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    export = ExportFile.objects.latest("pk")
    assert export.status == ExportFile.Status.DONE, export.error
    return {
        "format": fmt,
        "rows": export.rows,
        "bytes": export.file.size,
        "request_seconds": round(request_seconds, 2),
        "job_seconds": round(seconds, 1),
        "python_peak_mb": round(peak / 1_048_576, 1) if traced else None,
        "rss_before_job_mb": round(baseline / 1024, 1),
        "rss_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


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


def _child(*args: str, env: dict) -> dict:
    child = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True, env=env)
    return json.loads(child.stdout.strip().splitlines()[-1])


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        # The job's files go to a throw-away directory, not the developer's var/private.
        env = {**os.environ, "PRIVATE_MEDIA_ROOT": str(Path(directory) / "private")}
        for size in sizes:
            url = build(size, Path(directory))
            if os.environ.get("BENCH_STREAMED", "1") != "0":
                streamed = _child("--measure", url, env={**env, "EXPORT_ASYNC_THRESHOLD": str(10**9)})
                print(json.dumps({"path": "streamed", **streamed}, ensure_ascii=False), flush=True)
            for fmt in ("csv", "xlsx"):
                job = _child("--measure-job", url, fmt, env=env)
                print(json.dumps({"path": "job", "tickets": size, **job}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2])))
    elif len(sys.argv) == 4 and sys.argv[1] == "--measure-job":
        print(json.dumps(measure_job(sys.argv[2], sys.argv[3])))
    else:
        main([int(arg) for arg in sys.argv[1:]] or [10000, 100000])
