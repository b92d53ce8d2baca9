"""Run the page benchmark: databases, one gunicorn per size, signed-in sessions, interleaved rounds.

1. One PostgreSQL server (kept under var/bench/, see data.py) with a database per size, built as the
   load test builds its own (migrations, seeds with samples, `generate_scale_data`) or reused.
2. Per size, gunicorn with `gunicorn.conf.py` and the production settings as the load test starts it,
   but with `tests.benchmarks.baseline.settings`: the same site plus the bare page and the headers that
   give each request's server time and query count. All run at once, each on its own port.
3. Per size, a manager and an inspector sign in through the login form.
4. Warm-up, then rounds. In a round, the bare page first, then each page: N requests per size one after
   the other, the sizes taking turns (A B C A B C...), then on each size a short burst from a few
   threads, then two more requests of the bare page per size. The machine's load is printed per round.
"""

import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.benchmarks.load.client import Recorder, RequestFailed, Session
from tests.benchmarks.load.harness import LoadConfig, _wait_ready, production_env
from tests.benchmarks.load.scenarios import SimulatedUser
from tests.pgserver import find_bindir, free_port

from . import stats
from .data import DataCache, KeptPostgresServer, database_name
from .pages import BARE, PAGES, Page
from .stats import Sample, size_label

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = "tests.benchmarks.baseline.settings"
DOCS = ROOT / "docs" / "performance.md"
MINIMUM = 3  # sequential requests per page, size and round, whatever the budget
BARE_BETWEEN = 2  # requests of the bare page per size after each page
DETAIL_LINK = re.compile(r'href="(/[\w/-]*?/\d+/)"')


@dataclass
class BenchConfig:
    tickets: list[int] = field(default_factory=lambda: [1_000, 100_000, 300_000])
    rounds: int = 5
    requests: int = 10  # sequential, per page, size and round
    warmup: int = 3  # per page and size
    burst: int = 6  # requests of the concurrent burst per page, size and round (0: no burst)
    burst_threads: int = 2
    budget: float = 30.0  # seconds per page, size and round before a slow page gets fewer requests
    rebuild: bool = False
    write_docs: bool = False
    gunicorn_workers: int = 2
    gunicorn_threads: int = 4
    timeout: float = 120.0
    out_dir: Path = field(default_factory=lambda: ROOT / "var" / "bench")


@dataclass
class Target:
    """One size's gunicorn and the sessions signed in to it."""

    tickets: int
    port: int
    process: subprocess.Popen
    prepared: dict
    sessions: dict[str, Session] = field(default_factory=dict)
    burst_sessions: dict[str, list[Session]] = field(default_factory=dict)
    urls: dict[str, str | None] = field(default_factory=dict)


def run(config: BenchConfig, *, pages: list[Page] | None = None, log=print) -> dict:
    pages = pages or PAGES
    if pages[0].name != BARE:
        raise ValueError(f"The first page must be the {BARE!r}.")
    config.tickets = sorted(set(config.tickets))
    config.out_dir.mkdir(parents=True, exist_ok=True)
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("No PostgreSQL server binaries (initdb, pg_ctl) on this machine.")
    cache = DataCache(config.out_dir, ROOT, postgresql=bindir.parent.name)
    if config.rebuild:
        log(f"Rebuilding {_shown(cache.home)}")
        cache.wipe()
    for old in cache.remove_others():
        log(f"Removed an outdated cache: {_shown(old)}")
    workdir = Path(tempfile.mkdtemp(prefix="quality-bench-"))
    started = time.monotonic()
    try:
        with KeptPostgresServer(cache.home, bindir=bindir, prefix="quality-bench-pg-") as server:
            log(f"PostgreSQL {server.version} on 127.0.0.1:{server.port}, data in {_shown(cache.home)}")
            databases = _prepare(config, server, cache, workdir, log)
            measured = time.monotonic()
            targets = _start(config, server, databases, workdir, log)
            try:
                results = _measure(config, pages, targets, log)
            finally:
                _stop(targets, log)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)  # media of the run and the accounts' password
    report = _report(config, pages, targets, databases, results, server.version, time.monotonic() - measured)
    report["total_seconds"] = round(time.monotonic() - started, 1)
    _write(config, report, log)
    return report


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


# --- Databases ------------------------------------------------------------------------------------------


def _env(config: BenchConfig, server, tickets: int, port: int, workdir: Path) -> dict[str, str]:
    load = LoadConfig(gunicorn_workers=config.gunicorn_workers, gunicorn_threads=config.gunicorn_threads)
    env = production_env(database_url=server.url(database_name(tickets)), port=port, workdir=workdir, config=load)
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS
    return env


def _prepare(config: BenchConfig, server, cache: DataCache, workdir: Path, log) -> dict[int, dict]:
    databases = {}
    for i, tickets in enumerate(config.tickets):
        name = database_name(tickets)
        build = not cache.is_built(tickets)
        log(f"Database {name}: {'building' if build else 'reusing the cached one'}")
        started = time.monotonic()
        if build:
            cache.forget(tickets)
            server.psql(f'DROP DATABASE IF EXISTS "{name}"')
            server.psql(f'CREATE DATABASE "{name}"')
        out = workdir / f"prepared-{tickets}.json"
        command = [sys.executable, "-m", "tests.benchmarks.pages.prepare", "--tickets", str(tickets), "--out", str(out)]
        command += ["--build"] if build else []
        command += ["--collectstatic"] if i == 0 else []
        env = _env(config, server, tickets, 0, workdir)
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"Preparing {name} failed:\n{result.stdout}\n{result.stderr}")
        log(result.stdout.rstrip())
        prepared = json.loads(out.read_text())
        if build:
            server.psql("VACUUM (ANALYZE)", database=name)  # as a database in service would be
            cache.built(tickets, seconds=time.monotonic() - started, steps=prepared.get("build_steps", {}))
            log(f"  built in {time.monotonic() - started:.0f} s")
        prepared["built_now"] = build
        prepared["cache"] = cache.entry(tickets)
        databases[tickets] = prepared
    return databases


# --- Servers and sessions -------------------------------------------------------------------------------


def _start(config: BenchConfig, server, databases: dict[int, dict], workdir: Path, log) -> list[Target]:
    targets = []
    try:
        for tickets, prepared in databases.items():
            port = free_port()
            env = _env(config, server, tickets, port, workdir)
            output = (config.out_dir / f"gunicorn-{tickets}.log").open("w")
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            output.close()  # the child has its own copy
            targets.append(Target(tickets, port, process, prepared))
            log(f"gunicorn for {size_label(tickets)} tickets on 127.0.0.1:{port}")
        for target in targets:
            _wait_ready(target.port, target.process)
            for role in ("manager", "inspector"):
                target.sessions[role] = _signed_in(config, target, role)
                target.burst_sessions[role] = [_copy(config, target, role) for _ in range(config.burst_threads)]
    except BaseException:
        _stop(targets, log)
        raise
    return targets


def _signed_in(config: BenchConfig, target: Target, role: str) -> Session:
    session = Session("127.0.0.1", target.port, Recorder(), timeout=config.timeout)
    username, password = target.prepared[role], target.prepared["password"]
    SimulatedUser(session, username, password, {}, None).sign_in()
    return session


def _copy(config: BenchConfig, target: Target, role: str) -> Session:
    """Another connection with the same signed-in session (for the burst's threads)."""
    session = Session("127.0.0.1", target.port, Recorder(), timeout=config.timeout)
    session.cookies = dict(target.sessions[role].cookies)
    return session


def _stop(targets: list[Target], log) -> None:
    for target in targets:
        for session in [*target.sessions.values(), *(s for group in target.burst_sessions.values() for s in group)]:
            session.close()
        if target.process.poll() is None:
            target.process.send_signal(signal.SIGTERM)
    for target in targets:
        try:
            target.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            target.process.kill()
            target.process.wait()
    if targets:
        log("gunicorn stopped")


# --- Requests ---------------------------------------------------------------------------------------------


def fetch(session: Session, path: str) -> tuple[Sample, str]:
    """One timed GET; a kept-alive connection the server has closed meanwhile is opened again once."""
    for attempt in (1, 2):
        started = time.perf_counter()
        try:
            response = session.get("bench", path)
        except RequestFailed:
            if attempt == 2:
                return Sample(None, (time.perf_counter() - started) * 1000), ""
            continue
        wall = (time.perf_counter() - started) * 1000
        server = response.headers.get("X-Bench-Ms")
        queries = response.headers.get("X-Bench-Queries")
        sample = Sample(
            response.status,
            wall,
            float(server) if server is not None else None,
            int(queries) if queries is not None else None,
        )
        return sample, response.text
    raise AssertionError("unreachable")


def burst(sessions: list[Session], path: str, requests: int) -> float | None:
    """Requests per second of `requests` GETs shared by the sessions' threads; None if one failed."""
    if requests <= 0 or not sessions:
        return None
    shares = [requests // len(sessions) + (1 if i < requests % len(sessions) else 0) for i in range(len(sessions))]
    results: list[Sample] = []
    lock = threading.Lock()
    gate = threading.Barrier(len(sessions) + 1)

    def worker(session: Session, count: int) -> None:
        gate.wait()
        for _ in range(count):
            sample, _ = fetch(session, path)
            with lock:
                results.append(sample)

    threads = [threading.Thread(target=worker, args=(s, n), daemon=True) for s, n in zip(sessions, shares, strict=True)]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if len(results) != requests or not all(s.status == 200 for s in results):
        return None
    return requests / elapsed


def _resolve_urls(pages: list[Page], targets: list[Target], log) -> None:
    for target in targets:
        values = target.prepared["values"]
        for page in pages:
            if any(values.get(name) is None for name in page.placeholders()):
                target.urls[page.name] = None
                continue
            url = page.url(values)
            if page.fallback_query is not None:
                fallback = page.url(values, fallback=True)
                session = target.sessions[page.role]
                asked, asked_html = fetch(session, url)
                known, known_html = fetch(session, fallback)
                same = asked.status == known.status == 200 and set(DETAIL_LINK.findall(asked_html)) == set(
                    DETAIL_LINK.findall(known_html)
                )
                if not same:
                    log(f"  {page.name} at {size_label(target.tickets)}: {url} is not understood, using {fallback}")
                    url = fallback
            target.urls[page.name] = url


def burst_size(config: BenchConfig, seconds_per_request: float) -> int:
    """The burst's requests: all of them if they fit in the budget, else as many as fit, one per thread at least."""
    threads = config.burst_threads
    if seconds_per_request <= 0 or config.burst * seconds_per_request / threads <= config.budget:
        return config.burst
    return min(config.burst, max(threads, int(config.budget * threads / seconds_per_request)))


def _measure_page(
    config: BenchConfig, page: Page, targets: list[Target], requests: int, samples, bursts, *, minimum: int
) -> None:
    """`requests` sequential requests per size, the sizes taking turns, then the burst on each size.

    A size whose requests have taken more than the budget (seconds) in this call gets no more once it has
    `minimum`: a page of many seconds is measured fewer times rather than holding the whole run.
    """
    spent = {t.tickets: 0.0 for t in targets}
    made = {t.tickets: 0 for t in targets}
    for _ in range(requests):
        for target in targets:  # the sizes take turns
            url = target.urls[page.name]
            if url is None or (made[target.tickets] >= minimum and spent[target.tickets] >= config.budget):
                continue
            sample, _ = fetch(target.sessions[page.role], url)
            samples.setdefault(page.name, {}).setdefault(target.tickets, []).append(sample)
            spent[target.tickets] += sample.wall_ms / 1000
            made[target.tickets] += 1
    if config.burst:
        for target in targets:
            url = target.urls[page.name]
            if url is not None and made[target.tickets]:
                count = burst_size(config, spent[target.tickets] / made[target.tickets])
                rps = burst(target.burst_sessions[page.role], url, count)
                bursts.setdefault(page.name, {})[target.tickets] = rps


def _measure(config: BenchConfig, pages: list[Page], targets: list[Target], log) -> dict:
    _resolve_urls(pages, targets, log)
    log(f"Warm-up: {config.warmup} requests per page and size")
    warm_samples: dict = {}
    for page in pages:
        _measure_page(config, page, targets, config.warmup, warm_samples, {}, minimum=1)
        for tickets, group in warm_samples.get(page.name, {}).items():
            bad = [s.status for s in group if s.status != 200]
            if bad:
                log(f"  {page.name} at {size_label(tickets)} answered {bad}")
    sizes = [t.tickets for t in targets]
    rounds, loads = [], []
    every: dict[str, dict[int, list[Sample]]] = {}
    for number in range(1, config.rounds + 1):
        load = os.getloadavg()
        loads.append([round(v, 2) for v in load])
        log(
            f"Round {number}/{config.rounds}: load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
            f"{os.cpu_count()} CPUs"
        )
        round_started = time.monotonic()
        samples: dict[str, dict[int, list[Sample]]] = {}
        bursts: dict[str, dict[int, float | None]] = {}
        for page in pages:
            _measure_page(config, page, targets, config.requests, samples, bursts, minimum=MINIMUM)
            if page is not pages[0]:
                # A few more of the bare page after every page: its time then covers the whole round, as
                # the pages' do, and a machine busier at one moment of the round moves both alike.
                _measure_page(config, pages[0], targets, BARE_BETWEEN, samples, {}, minimum=BARE_BETWEEN)
        figures = stats.round_figures(samples, bursts, sizes)
        rounds.append(figures)
        for page in pages:
            cells = []
            for size in sizes:
                f = figures.get(page.name, {}).get(size)
                cells.append(f"{size_label(size)} {stats._ms(f['server_ms']) if f else '–'} ms")
            log(f"  {page.name}: {', '.join(cells)}")
        log(f"  round {number} took {time.monotonic() - round_started:.0f} s")
        for page, by_size in samples.items():
            for size, group in by_size.items():
                every.setdefault(page, {}).setdefault(size, []).extend(group)
    return {"rounds": rounds, "samples": every, "loads": loads, "load_at_end": [round(v, 2) for v in os.getloadavg()]}


# --- Report -----------------------------------------------------------------------------------------------


def _commit() -> str:
    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" (with changes)" if git("status", "--porcelain", "--untracked-files=no") else "")


def _report(config, pages, targets, databases, results, postgresql: str, seconds: float) -> dict:
    sizes = config.tickets
    summary = stats.summarize(results["rounds"], results["samples"], sizes)
    rows = []
    for page in pages:
        row = summary.get(page.name) or stats.summarize([], {page.name: {}}, sizes)[page.name]
        row = {
            "name": page.name,
            "role": page.role,
            "urls": {t.tickets: t.urls.get(page.name) for t in targets},
            **row,
        }
        row["checks"] = stats.checks(page, row, sizes)
        row["passed"] = all(c["passed"] for c in row["checks"])
        rows.append(row)
    config_data = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()}
    return {
        "generated_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(),
        "sizes": sizes,
        "config": config_data,
        "postgresql": postgresql,
        "machine": {
            "cpus": os.cpu_count(),
            "load_at_round_start": results["loads"],
            "load_at_end": results["load_at_end"],
        },
        "databases": {
            tickets: {
                "tickets_in_database": d["tickets_in_database"],
                "built_now": d["built_now"],
                "build_seconds": d["cache"].get("build_seconds"),
                "build_steps": d["cache"].get("steps", {}),
                "built_at": d["cache"].get("built_at"),
            }
            for tickets, d in databases.items()
        },
        "bench_seconds": round(seconds, 1),
        "pages": rows,
        "rounds": results["rounds"],
        # Every sequential request in order (per round: the page's requests, for the bare page also those
        # between the pages): status, wall ms, server ms, queries.
        "samples": {
            page: {
                size: [[s.status, round(s.wall_ms, 2), s.server_ms, s.queries] for s in group]
                for size, group in by_size.items()
            }
            for page, by_size in results["samples"].items()
        },
    }


def _write(config: BenchConfig, report: dict, log) -> None:
    text = stats.markdown(report)
    (config.out_dir / "report.md").write_text(text)
    (config.out_dir / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    log("")
    log(text)
    log(f"Reports: {config.out_dir / 'report.md'} and report.json")
    if config.write_docs:
        DOCS.write_text(stats.replace_between_markers(DOCS.read_text(), stats.markdown(report, heading=False)))
        log(f"Latest results written to {_shown(DOCS)}")
