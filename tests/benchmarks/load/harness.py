"""Run the load: a PostgreSQL server of its own, gunicorn with the production settings, simulated users.

`run(LoadConfig(...))` builds everything, runs the users for `duration` seconds after they have signed
in, and, with `fault=True`, stops the database `fault_at` seconds in and starts it again `outage`
seconds later. It returns the report (also written as JSON and Markdown to `out_dir`):

- every request by page: count, errors, p50/p95/p99 and the slowest, in milliseconds;
- errors by kind (HTTP status, timeout, connection refused or reset);
- with the fault: the outage's times, the seconds until a signed-in page answered again after the
  database came back, what every request in the outage window got, and the requests that broke the
  rule (any 5xx other than 503, a 503 without the "database unavailable" page, no answer at all, or
  longer than the client's timeout);
- the result of `manage.py check_integrity` run after the load.
"""

import contextlib
import json
import math
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.pgserver import PostgresServer, free_port

from .client import Recorder, RequestFailed, Sample, Session
from .scenarios import ROLES

ROOT = Path(__file__).resolve().parents[3]
RECOVERY_LIMIT = 10.0  # seconds after the database is back by which the app must answer again
SIGN_IN_CONCURRENCY = 4


@dataclass
class LoadConfig:
    users: int = 50
    duration: float = 60.0
    tickets: int = 100_000
    fault: bool = False
    fault_at: float | None = None  # seconds into the load; 40 % of the duration if not given
    outage: float = 5.0  # seconds the database stays down
    think: tuple[float, float] = (0.5, 1.5)  # seconds a person waits between steps
    timeout: float = 30.0  # the client's; gunicorn's is 60
    out_dir: Path = field(default_factory=lambda: ROOT / "var" / "loadtest")
    label: str = ""
    seed: int = 1
    gunicorn_workers: int | None = None
    gunicorn_threads: int | None = None

    def roles(self) -> dict[str, int]:
        """Half inspectors, three in ten managers, the rest reviewers (50 users: 25, 15, 10)."""
        inspectors = max(1, self.users // 2)
        managers = max(1, round(self.users * 0.3))
        reviewers = max(0, self.users - inspectors - managers)
        return {"inspector": inspectors, "manager": managers, "reviewer": reviewers}


def production_env(*, database_url: str, port: int, workdir: Path, config: LoadConfig) -> dict[str, str]:
    """The environment of `config.settings.production` for a plain-HTTP app server on 127.0.0.1."""
    passed = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "GUNICORN_", "SECURE_", "AWS_", "STORAGE_", "EMAIL_"))
        and k not in {"SECRET_KEY", "ALLOWED_HOSTS", "ADMINS", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "LOG_LEVEL"}
    }
    env = {
        **passed,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # gunicorn is reached straight over HTTP, as the proxy reaches it; no redirect to HTTPS, no HSTS.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_LOG_LEVEL": "warning",
        "PYTHONUNBUFFERED": "1",
    }
    if config.gunicorn_workers:
        env["GUNICORN_WORKERS"] = str(config.gunicorn_workers)
    if config.gunicorn_threads:
        env["GUNICORN_THREADS"] = str(config.gunicorn_threads)
    return env


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of the values (sorted here)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def by_page(samples: list[Sample]) -> dict[str, dict]:
    pages: dict[str, list[Sample]] = {}
    for sample in samples:
        pages.setdefault(sample.page, []).append(sample)
    table = {}
    for page, group in sorted(pages.items()):
        ms = [s.seconds * 1000 for s in group]
        table[page] = {
            "requests": len(group),
            "errors": sum(1 for s in group if s.error),
            "p50_ms": round(percentile(ms, 50)),
            "p95_ms": round(percentile(ms, 95)),
            "p99_ms": round(percentile(ms, 99)),
            "max_ms": round(max(ms)),
        }
    return table


def summarize(samples: list[Sample], started: float, ended: float) -> dict:
    errors = Counter(s.error for s in samples if s.error)
    return {
        "requests": len(samples),
        "requests_per_second": round(len(samples) / max(ended - started, 0.001), 1),
        "errors": sum(errors.values()),
        "errors_by_kind": dict(errors.most_common()),
        "pages": by_page(samples),
    }


def fault_report(
    samples: list[Sample], probes: list[Sample], *, started: float, stop_at: float, up_at: float, timeout: float
) -> dict:
    """What the users saw around the outage, and how long the app took to answer again."""
    recovered = next(
        (p for p in sorted(probes, key=lambda p: p.started) if p.started >= up_at and p.status == 200), None
    )
    recovery = round(recovered.ended - up_at, 2) if recovered else None
    window_end = up_at + RECOVERY_LIMIT
    overlapping = [s for s in samples + probes if s.started < window_end and s.ended > stop_at]
    broken = [
        s
        for s in overlapping
        if s.status is None
        or (s.status >= 500 and s.status != 503)
        or (s.status == 503 and not s.unavailable_page)
        or s.seconds >= timeout
    ]
    after = [s for s in samples if s.started >= window_end]
    return {
        "database_stopped_at_s": round(stop_at - started, 2),
        "database_back_at_s": round(up_at - started, 2),
        "recovery_seconds": recovery,
        "recovered_within_limit": recovery is not None and recovery <= RECOVERY_LIMIT,
        "outage_window_statuses": dict(
            Counter(str(s.status) if s.status is not None else s.error for s in overlapping).most_common()
        ),
        "outage_window_slowest_ms": round(max((s.seconds for s in overlapping), default=0) * 1000),
        "rule_broken_by": [
            {"page": s.page, "status": s.status, "error": s.error, "seconds": round(s.seconds, 2)} for s in broken
        ],
        "unavailable_after_recovery_window": sum(1 for s in after if s.status == 503),
        "unavailable_pages_shown": sum(1 for s in overlapping if s.unavailable_page),
    }


def markdown(report: dict) -> str:
    c = report["config"]
    lines = [
        f"# Load test {report['label']}",
        "",
        f"{c['users']} users ({', '.join(f'{n} {r}s' for r, n in report['roles'].items())}) for {c['duration']:.0f} s "
        f"against {report['tickets_in_database']:,} tickets; gunicorn with the production settings, PostgreSQL "
        f"{report['postgresql']}.",
        "",
        f"- Sign-in: {report['sign_in']['requests']} requests, p95 {report['sign_in']['pages'].get('sign in', {}).get('p95_ms', 0)} ms",
        f"- Requests: {report['load']['requests']} ({report['load']['requests_per_second']}/s), "
        f"errors: {report['load']['errors']} {report['load']['errors_by_kind'] or ''}",
    ]
    if "fault" in report:
        f = report["fault"]
        lines += [
            f"- Database stopped at {f['database_stopped_at_s']} s, back at {f['database_back_at_s']} s; "
            f"a signed-in page answered again {f['recovery_seconds']} s after",
            f"- Outage window ({f['database_stopped_at_s']} s to {RECOVERY_LIMIT:.0f} s after the return): "
            f"{f['outage_window_statuses']}, slowest {f['outage_window_slowest_ms']} ms; "
            f"requests breaking the rule: {len(f['rule_broken_by'])}",
        ]
    if report["scenario_failures"]:
        lines.append(f"- Steps that broke on an unexpected page: {report['scenario_failures']}")
    integrity = report["integrity"]
    lines += [f"- Integrity check: {'passed' if integrity['passed'] else 'FAILED'}", ""]
    lines += ["| page | requests | errors | p50 ms | p95 ms | p99 ms | max ms |", "|---|---:|---:|---:|---:|---:|---:|"]
    for page, row in report["load"]["pages"].items():
        lines.append(
            f"| {page} | {row['requests']} | {row['errors']} | {row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} | {row['max_ms']} |"
        )
    if not integrity["passed"]:
        lines += ["", "```", integrity["output"], "```"]
    return "\n".join(lines) + "\n"


def _wait_ready(port: int, process: subprocess.Popen, limit: float = 90.0) -> None:
    recorder = Recorder()
    session = Session("127.0.0.1", port, recorder, timeout=5)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            if session.get("health", "/health/").status == 200:
                return
        except RequestFailed:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /health/ in time")


def _probe(port: int, username: str, password: str, recorder: Recorder, stop: threading.Event, timeout: float):
    """A signed-in page every quarter second: when it answers 200 again, the app is back."""
    from .scenarios import SimulatedUser

    session = Session("127.0.0.1", port, recorder, timeout=timeout)
    user = SimulatedUser(session, username, password, {}, random.Random(0))
    user.sign_in()
    while not stop.is_set():
        with contextlib.suppress(RequestFailed):
            session.get("probe: dashboard", "/")
        stop.wait(0.25)


def run(config: LoadConfig, *, log=print) -> dict:
    config.out_dir.mkdir(parents=True, exist_ok=True)
    label = config.label or ("fault" if config.fault else "normal")
    workdir = Path(tempfile.mkdtemp(prefix="quality-load-"))
    try:
        return _run(config, label, workdir, log)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)  # the load's media and its accounts' password


def _run(config: LoadConfig, label: str, workdir: Path, log) -> dict:
    port = free_port()
    with PostgresServer(prefix="quality-load-pg-") as server:
        log(f"PostgreSQL {server.version} on 127.0.0.1:{server.port}; gunicorn on 127.0.0.1:{port}")
        server.psql("CREATE DATABASE quality")
        env = production_env(database_url=server.url("quality"), port=port, workdir=workdir, config=config)
        roles = config.roles()
        accounts_file = workdir / "accounts.json"
        log(f"Preparing the database ({config.tickets:,} tickets) and {config.users} load accounts:")
        started = time.monotonic()
        prepare = [
            sys.executable,
            "-m",
            "tests.benchmarks.load.prepare",
            "--tickets",
            str(config.tickets),
            "--inspectors",
            str(roles["inspector"]),
            "--managers",
            str(roles["manager"]),
            "--reviewers",
            str(roles["reviewer"]),
            "--out",
            str(accounts_file),
        ]
        result = subprocess.run(prepare, cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"Preparing the database failed:\n{result.stdout}\n{result.stderr}")
        log(result.stdout.rstrip())
        log(f"  prepared in {time.monotonic() - started:.0f} s")
        accounts = json.loads(accounts_file.read_text())

        gunicorn_log = (config.out_dir / f"gunicorn-{label}.log").open("w")
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=gunicorn_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_ready(port, gunicorn)
            report = _load(config, label, server, port, accounts, roles, log)
        finally:
            stopping = time.monotonic()
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait()
            gunicorn_log.close()
            log(f"gunicorn stopped in {time.monotonic() - stopping:.1f} s")

        integrity = subprocess.run(
            [sys.executable, "manage.py", "check_integrity"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        report["integrity"] = {
            "passed": integrity.returncode == 0,
            "exit_status": integrity.returncode,
            "output": (integrity.stdout + integrity.stderr).strip(),
        }
        report["postgresql"] = server.version
    report["config"] = {**asdict(config), "out_dir": str(config.out_dir)}
    (config.out_dir / f"report-{label}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    (config.out_dir / f"report-{label}.md").write_text(markdown(report))
    return report


def _load(config: LoadConfig, label, server: PostgresServer, port: int, accounts: dict, roles, log) -> dict:
    rng = random.Random(config.seed)
    password = accounts["password"]
    people = (
        [("inspector", u) for u in accounts["inspectors"]]
        + [("manager", u) for u in accounts["managers"]]
        + [("reviewer", u) for u in accounts["reviewers"]]
    )
    sign_in_recorder, recorder, probes = Recorder(), Recorder(), Recorder()
    go, stop = threading.Event(), threading.Event()
    timing: dict[str, float] = {}
    signed_in: list[str] = []
    failures: Counter[str] = Counter()

    # People sign in over a few minutes in the morning, not in the same second: at most a few sign-ins
    # at a time (each hashes the password, on purpose slowly), and a second try after a failure.
    signing_in = threading.Semaphore(SIGN_IN_CONCURRENCY)
    attempted: list[str] = []

    def person(role: str, username: str, seed: int) -> None:
        session = Session("127.0.0.1", port, sign_in_recorder, timeout=config.timeout)
        user = ROLES[role](session, username, password, accounts, random.Random(seed))
        try:
            for attempt in (1, 2):
                try:
                    with signing_in:
                        user.sign_in()
                    signed_in.append(username)
                    break
                except RequestFailed as error:
                    session.close()
                    if attempt == 2:
                        log(f"  {username} could not sign in: {error}")
        finally:
            attempted.append(username)
        if username not in signed_in:
            return
        go.wait()
        session.recorder = recorder
        user.run(until=timing["start"] + config.duration, stop=stop, think=config.think)
        session.close()
        failures.update(user.failures)

    threads = [
        threading.Thread(target=person, args=(role, username, rng.randrange(1 << 30)), daemon=True)
        for role, username in people
    ]
    sign_in_started = time.monotonic()
    for thread in threads:
        thread.start()
    while len(attempted) < len(people):
        time.sleep(0.1)
    sign_in_ended = time.monotonic()
    log(f"{len(signed_in)} of {len(people)} users signed in in {sign_in_ended - sign_in_started:.1f} s")

    probe = threading.Thread(
        target=_probe,
        args=(port, accounts["managers"][0], password, probes, stop, config.timeout),
        daemon=True,
    )
    probe.start()
    timing["start"] = time.monotonic()
    go.set()
    fault: dict[str, float] = {}
    if config.fault:
        fault_at = config.fault_at if config.fault_at is not None else config.duration * 0.4
        time.sleep(max(0.0, timing["start"] + fault_at - time.monotonic()))
        fault["stop_at"] = time.monotonic()
        server.stop("fast")
        log(f"  database stopped at {fault['stop_at'] - timing['start']:.1f} s")
        time.sleep(config.outage)
        server.start()
        fault["up_at"] = time.monotonic()
        log(f"  database back at {fault['up_at'] - timing['start']:.1f} s")
    for thread in threads:
        thread.join(timeout=max(0.0, timing["start"] + config.duration + config.timeout + 5 - time.monotonic()))
    ended = time.monotonic()
    stop.set()
    probe.join(timeout=config.timeout + 5)

    samples = recorder.snapshot()
    report = {
        "label": label,
        "roles": roles,
        "tickets_in_database": config.tickets,
        "signed_in": len(signed_in),
        "sign_in": summarize(sign_in_recorder.snapshot(), sign_in_started, sign_in_ended),
        "load": summarize(samples, timing["start"], ended),
        "probe": summarize(probes.snapshot(), timing["start"], ended),
        "scenario_failures": dict(failures.most_common()),
    }
    if config.fault:
        report["fault"] = fault_report(
            samples,
            probes.snapshot(),
            started=timing["start"],
            stop_at=fault["stop_at"],
            up_at=fault["up_at"],
            timeout=config.timeout,
        )
    return report
