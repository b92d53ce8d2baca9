"""The page benchmark's own parts, without PostgreSQL or gunicorn: its arithmetic and report, the cache's
fingerprint, the page list, the client's reading of the headers, and the bare page with the query counter."""

import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import modify_settings, override_settings
from django.test.utils import CaptureQueriesContext

from clusters.models import User
from tests.assistance.factories import TicketFactory

from .load.client import Recorder, Session
from .load.prepare import create_load_accounts
from .pages import stats
from .pages.data import DataCache, fingerprint
from .pages.harness import ROOT, BenchConfig, Target, _measure_page, burst, burst_size, fetch
from .pages.pages import BARE, PAGES, RESOLVERS, Page
from .pages.stats import Sample

SIZES = [1_000, 100_000, 300_000]


def _samples(server_ms: list[float], *, wall_extra: float = 1.0, queries: int = 5) -> list[Sample]:
    return [Sample(200, ms + wall_extra, ms, queries) for ms in server_ms]


def _round(bare: dict[int, float], page: dict[int, float], *, page_queries: int = 5) -> dict:
    """One round: the bare page and 'ticket list' with the given median server times per size."""
    samples = {
        BARE: {size: _samples([ms, ms, ms], queries=3) for size, ms in bare.items()},
        "ticket list": {size: _samples([ms, ms, ms], queries=page_queries) for size, ms in page.items()},
    }
    return samples


# --- Arithmetic ---------------------------------------------------------------------------------------------


def test_a_round_divides_each_page_by_the_bare_page_of_the_same_server_and_by_the_smallest_size():
    samples = {
        BARE: {1_000: _samples([9, 10, 11]), 100_000: _samples([19, 20, 21])},
        "ticket list": {1_000: _samples([30, 40, 50]), 100_000: _samples([50, 60, 70])},
    }
    figures = stats.round_figures(samples, {"ticket list": {1_000: 12.0}}, [1_000, 100_000])
    page = figures["ticket list"]
    assert page[1_000]["server_ms"] == 40
    assert page[1_000]["vs_bare"] == pytest.approx(4.0)
    assert page[100_000]["vs_bare"] == pytest.approx(3.0)  # its own server's bare page, not the 1k one
    assert page[100_000]["vs_smallest"] == pytest.approx(1.5)
    assert page[1_000]["rps"] == pytest.approx(1000 / 41)  # from the wall time, one request at a time
    assert page[1_000]["rps_vs_bare"] == pytest.approx(11 / 41)
    assert page[1_000]["burst_rps"] == 12.0 and page[100_000]["burst_rps"] is None


def test_failed_requests_are_left_out_of_the_times():
    samples = {
        BARE: {1_000: _samples([10])},
        "ticket list": {1_000: [*_samples([20, 22]), Sample(500, 5.0, 1.0, 2), Sample(None, 30_000.0)]},
    }
    summary = stats.summarize([stats.round_figures(samples, {}, [1_000])], samples, [1_000])
    row = summary["ticket list"]["sizes"][1_000]
    assert row["server_ms"] == 21 and row["p50_ms"] == 20 and row["p99_ms"] == 22
    assert row["errors"] == 2 and row["statuses"] == {"500": 1, "None": 1}


def test_the_result_is_the_median_of_the_per_round_ratios_not_the_ratio_of_the_medians():
    # Bare and page medians over rounds are 10 and 40 (ratio 4), but the per-round ratios are 1, 5 and 8.
    rounds_data = [
        _round({1_000: 10}, {1_000: 10}),
        _round({1_000: 2}, {1_000: 10}),
        _round({1_000: 40}, {1_000: 320}),
    ]
    rounds = [stats.round_figures(r, {}, [1_000]) for r in rounds_data]
    every: dict = {}
    for r in rounds_data:
        for page, by_size in r.items():
            for size, group in by_size.items():
                every.setdefault(page, {}).setdefault(size, []).extend(group)
    summary = stats.summarize(rounds, every, [1_000])
    assert summary["ticket list"]["sizes"][1_000]["vs_bare"] == pytest.approx(5.0)
    assert summary["ticket list"]["sizes"][1_000]["server_ms"] == 10  # median of the rounds' medians


def test_percentiles_are_nearest_rank_over_every_request():
    values = [float(v) for v in range(1, 101)]
    assert (stats.percentile(values, 50), stats.percentile(values, 99)) == (50.0, 99.0)
    assert stats.percentile([], 50) is None


def test_a_query_count_that_differs_between_sizes_is_flagged():
    same = _round({1_000: 10, 100_000: 10}, {1_000: 20, 100_000: 20})
    grows = _round({1_000: 10, 100_000: 10}, {1_000: 20, 100_000: 20})
    grows["ticket list"][100_000] = _samples([20, 20], queries=9)
    for data, expected in ((same, False), (grows, True)):
        summary = stats.summarize([stats.round_figures(data, {}, [1_000, 100_000])], data, [1_000, 100_000])
        assert summary["ticket list"]["queries_differ"] is expected
    assert summary["ticket list"]["sizes"][100_000]["queries"] == [9]


def _summary_row(
    vs_smallest: dict[int, float], vs_bare: float = 1.5, rps_vs_bare: float = 0.8, *, sizes_measured=SIZES
) -> dict:
    sizes = {}
    for size in sizes_measured:
        sizes[size] = {
            "server_ms": 10.0,
            "vs_smallest": vs_smallest.get(size, 1.0),
            "vs_bare": vs_bare,
            "rps_vs_bare": rps_vs_bare,
            "errors": 0,
            "statuses": {},
        }
    return {"sizes": sizes}


def test_the_scale_targets_pass_at_the_limit_and_fail_above_it():
    page = Page("clusters", "/clusters/")
    met = stats.checks(page, _summary_row({100_000: 1.25, 300_000: 1.5}), SIZES)
    assert [(c["name"], c["passed"]) for c in met] == [("100k/1k", True), ("300k/1k", True)]
    missed = stats.checks(page, _summary_row({100_000: 1.26, 300_000: 1.2}), SIZES)
    assert [c["passed"] for c in missed] == [False, True]


def test_the_ticket_list_must_also_stay_near_the_bare_page():
    page = next(p for p in PAGES if p.name == "ticket list")
    assert stats.checks(page, _summary_row({}, vs_bare=2.0, rps_vs_bare=0.5), SIZES)
    assert all(c["passed"] for c in stats.checks(page, _summary_row({}, vs_bare=2.0, rps_vs_bare=0.5), SIZES))
    slow = stats.checks(page, _summary_row({}, vs_bare=2.1, rps_vs_bare=0.49), SIZES)
    failed = sorted(c["name"] for c in slow if not c["passed"])
    assert failed == sorted(
        [f"×bare at {s}" for s in ("1k", "100k", "300k")] + [f"rps/bare at {s}" for s in ("1k", "100k", "300k")]
    )


def test_a_page_that_did_not_answer_fails_and_scale_targets_need_the_reference_size():
    page = Page("clusters", "/clusters/")
    row = _summary_row({})
    row["sizes"][300_000].update(server_ms=None, vs_smallest=None, errors=3, statuses={"500": 3})
    results = stats.checks(page, row, SIZES)
    assert [c["name"] for c in results if not c["passed"]] == ["answers at 300k (500 ×3)", "300k/1k"]
    other = [10_000, 100_000, 300_000]
    assert stats.checks(page, _summary_row({100_000: 9.0}, sizes_measured=other), other) == []  # not against 1k


def _report(pages: list[dict]) -> dict:
    return {
        "generated_at": "2026-12-02 01:00 UTC",
        "commit": "abc1234",
        "sizes": SIZES,
        "config": {"rounds": 5, "requests": 10, "warmup": 3, "burst": 6, "burst_threads": 2, "budget": 30.0}
        | {"gunicorn_workers": 2, "gunicorn_threads": 4},
        "postgresql": "15",
        "machine": {"cpus": 2, "load_at_round_start": [[1.5, 1.25, 1.0], [2.0, 1.5, 1.0]], "load_at_end": [0.5, 1, 1]},
        "databases": {size: {"build_seconds": 12.0 * (i + 1), "built_now": i == 2} for i, size in enumerate(SIZES)},
        "bench_seconds": 600.0,
        "pages": pages,
    }


def _page_row(name: str, *, server: list[float], queries: list[list[int]], checks: list[dict]) -> dict:
    sizes = {
        size: {
            "p50_ms": ms,
            "p99_ms": ms * 2,
            "vs_bare": ms / 10,
            "vs_smallest": ms / server[0],
            "rps": 1000 / ms,
            "burst_rps": 2000 / ms,
            "queries": q,
        }
        for size, ms, q in zip(SIZES, server, queries, strict=True)
    }
    differ = len({tuple(q) for q in queries}) > 1
    return {
        "name": name,
        "role": "manager",
        "sizes": sizes,
        "queries_differ": differ,
        "checks": checks,
        "passed": all(c["passed"] for c in checks),
    }


def test_the_markdown_report_shows_every_size_the_load_and_why_a_page_failed():
    failing = {"name": "300k/1k", "value": 2.345, "limit": 1.5, "at_most": True, "passed": False}
    passing = {"name": "100k/1k", "value": 1.1, "limit": 1.25, "at_most": True, "passed": True}
    report = _report(
        [
            _page_row("bare page", server=[5, 5, 5], queries=[[3], [3], [3]], checks=[passing]),
            _page_row("ticket list", server=[40, 44, 94], queries=[[13], [13], [15]], checks=[passing, failing]),
        ]
    )
    text = stats.markdown(report)
    assert text.startswith("# Page benchmark\n")
    assert "1k / 100k / 300k tickets" in text
    assert "load average (1, 5, 15 min) at the start of each round: 1.50 1.25 1.00 · 2.00 1.50 1.00" in text
    assert "1k 12 s (cached), 100k 24 s (cached), 300k 36 s" in text
    assert "Targets met by 1 of 2 pages." in text
    assert "| vs 1k (100k, 300k) |" in text
    assert "| bare page | 3 / 3 / 3 | 5.0 / 5.0 / 5.0 |" in text
    row = next(line for line in text.splitlines() if line.startswith("| ticket list"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells == [
        "ticket list",
        "13 / 13 / 15 ≠",
        "40 / 44 / 94",
        "80 / 88 / 188",
        "4.00 / 4.40 / 9.40",
        "1.10 / 2.35",
        "25 / 23 / 11",
        "50 / 45 / 21",
        "**FAIL** 300k/1k 2.35 > 1.5",
    ]
    assert not stats.markdown(report, heading=False).startswith("#")


def test_the_latest_results_replace_only_what_lies_between_the_markers():
    text = "# Doc\n\nintro\n<!-- bench:begin -->\nold table\n<!-- bench:end -->\n\nafter\n"
    replaced = stats.replace_between_markers(text, "| new | table |\n")
    assert replaced == "# Doc\n\nintro\n<!-- bench:begin -->\n| new | table |\n<!-- bench:end -->\n\nafter\n"
    assert stats.replace_between_markers(replaced, "again").count("<!-- bench:begin -->") == 1
    with pytest.raises(ValueError):
        stats.replace_between_markers("no markers here", "table")


def test_the_docs_hold_the_markers():
    stats.replace_between_markers((ROOT / "docs" / "performance.md").read_text(), "table")


def test_sizes_are_labelled_short():
    assert [stats.size_label(n) for n in (999, 1_000, 1_500, 100_000, 300_000, 1_000_000)] == [
        "999", "1k", "1.5k", "100k", "300k", "1M"
    ]  # fmt: skip


# --- The cache's fingerprint -----------------------------------------------------------------------------------


@pytest.fixture
def source_tree(tmp_path) -> Path:
    (tmp_path / "shop" / "migrations").mkdir(parents=True)
    (tmp_path / "shop" / "migrations" / "0001_initial.py").write_text("operations = []\n")
    (tmp_path / "shop" / "views.py").write_text("def index(): ...\n")
    commands = tmp_path / "assistance" / "management" / "commands"
    commands.mkdir(parents=True)
    (commands / "generate_scale_data.py").write_text("BATCH = 5000\n")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "regions.toml").write_text("[city]\n")
    (tmp_path / ".venv" / "django" / "migrations").mkdir(parents=True)
    (tmp_path / ".venv" / "django" / "migrations" / "0001.py").write_text("x = 1\n")
    return tmp_path


def test_the_fingerprint_changes_with_a_migration_the_generator_the_seeds_and_the_size(source_tree):
    before = fingerprint(source_tree, tickets=1_000)
    assert fingerprint(source_tree, tickets=1_000) == before
    assert fingerprint(source_tree, tickets=100_000) != before
    (source_tree / "shop" / "views.py").write_text("def index(): return 1\n")
    (source_tree / ".venv" / "django" / "migrations" / "0001.py").write_text("x = 2\n")
    assert fingerprint(source_tree, tickets=1_000) == before  # not what the data is built from

    changes = [
        lambda: (source_tree / "shop" / "migrations" / "0001_initial.py").write_text("operations = [1]\n"),
        lambda: (source_tree / "shop" / "migrations" / "0002_more.py").write_text("operations = []\n"),
        lambda: (source_tree / "assistance/management/commands/generate_scale_data.py").write_text("BATCH = 1\n"),
        lambda: (source_tree / "seeds" / "regions.toml").write_text("[county]\n"),
        lambda: (source_tree / "shop" / "migrations" / "0002_more.py").rename(
            source_tree / "shop" / "migrations" / "0002_renamed.py"
        ),
    ]
    seen = {before}
    for change in changes:
        change()
        now = fingerprint(source_tree, tickets=1_000)
        assert now not in seen
        seen.add(now)


def test_a_database_is_reused_only_under_the_key_it_was_built_with(source_tree, tmp_path):
    cache = DataCache(tmp_path / "bench", source_tree, postgresql="15")
    assert not cache.is_built(1_000)
    cache.built(1_000, seconds=12.34, steps={"migrate": 3.0})
    assert cache.is_built(1_000) and not cache.is_built(100_000)
    assert cache.entry(1_000)["build_seconds"] == 12.3
    assert not DataCache(tmp_path / "bench", source_tree, postgresql="16").is_built(1_000)

    (source_tree / "shop" / "migrations" / "0002_more.py").write_text("operations = []\n")
    changed = DataCache(tmp_path / "bench", source_tree, postgresql="15")
    assert changed.home != cache.home and not changed.is_built(1_000)
    changed.home.mkdir(parents=True)
    assert changed.remove_others() == [cache.home] and not cache.home.exists()


# --- The pages ----------------------------------------------------------------------------------------------


def test_the_page_list_starts_with_the_bare_page_and_every_placeholder_has_a_resolver():
    assert PAGES[0].name == BARE and PAGES[0].path == "/bench/bare/"
    assert len({p.name for p in PAGES}) == len(PAGES)
    assert {p.role for p in PAGES} == {"manager", "inspector"}
    assert set().union(*(p.placeholders() for p in PAGES)) <= set(RESOLVERS)


def test_a_page_url_fills_its_placeholders_and_falls_back():
    page = next(p for p in PAGES if p.name == "ticket list last page")
    assert page.url({"last_page": 41}) == "/assistance/tickets/?page=last"
    assert page.url({"last_page": 41}, fallback=True) == "/assistance/tickets/?page=41"
    filtered = next(p for p in PAGES if p.name == "ticket list filtered")
    assert filtered.url({"category": 3}) == "/assistance/tickets/?status=new&status=assigned&category=3"


# --- The client reads the headers -------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.server.seen.append(self.path)
        status = 500 if self.path == "/broken/" else 200
        body = b'<a href="/assistance/tickets/7/">7</a>'
        self.send_response(status)
        if status == 200:
            self.send_header("X-Bench-Ms", "12.500")
            self.send_header("X-Bench-Queries", "4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_client_takes_the_server_time_and_queries_from_the_headers(fake_server):
    session = Session("127.0.0.1", fake_server.server_port, Recorder(), timeout=5)
    sample, html = fetch(session, "/assistance/tickets/")
    assert (sample.status, sample.server_ms, sample.queries) == (200, 12.5, 4) and sample.ok
    assert sample.wall_ms > 0 and "/assistance/tickets/7/" in html
    broken, _ = fetch(session, "/broken/")
    assert broken.status == 500 and not broken.ok


def test_a_burst_counts_requests_per_second_and_none_when_one_fails(fake_server):
    sessions = [Session("127.0.0.1", fake_server.server_port, Recorder(), timeout=5) for _ in range(2)]
    assert burst(sessions, "/", 5) > 0
    assert burst(sessions, "/broken/", 4) is None
    assert burst(sessions, "/", 0) is None


def _target(port: int, tickets: int, url: str | None) -> Target:
    session = Session("127.0.0.1", port, Recorder(), timeout=5)
    extra = [Session("127.0.0.1", port, Recorder(), timeout=5) for _ in range(2)]
    return Target(tickets, port, None, {}, {"manager": session}, {"manager": extra}, {"ticket list": url})


def test_the_sizes_take_turns_and_a_page_over_its_budget_gets_fewer_requests(fake_server):
    page = Page("ticket list", "/assistance/tickets/")
    port = fake_server.server_port
    targets = [_target(port, 1_000, "/a/"), _target(port, 100_000, "/b/"), _target(port, 5, None)]
    samples, bursts = {}, {}
    _measure_page(BenchConfig(burst=4), page, targets, 5, samples, bursts, minimum=3)
    assert fake_server.seen[:10] == ["/a/", "/b/"] * 5 and sorted(fake_server.seen[10:]) == ["/a/"] * 4 + ["/b/"] * 4
    assert {size: len(group) for size, group in samples["ticket list"].items()} == {1_000: 5, 100_000: 5}
    assert set(bursts["ticket list"]) == {1_000, 100_000}  # no data at the third size: not requested
    samples = {}
    _measure_page(BenchConfig(burst=0, budget=0.0), page, targets, 5, samples, {}, minimum=3)
    assert {size: len(group) for size, group in samples["ticket list"].items()} == {1_000: 3, 100_000: 3}


def test_a_slow_page_gets_a_shorter_burst_of_one_request_per_thread_at_least():
    config = BenchConfig(burst=6, burst_threads=2, budget=30.0)
    assert burst_size(config, 0.1) == 6
    assert burst_size(config, 15.0) == 4  # 4 requests from 2 threads: 30 s
    assert burst_size(config, 100.0) == 2


# --- The bare page and the query counter, through Django's test client ------------------------------------

BASELINE = override_settings(ROOT_URLCONF="tests.benchmarks.baseline.urls")
COUNTER = modify_settings(MIDDLEWARE={"prepend": "tests.benchmarks.baseline.middleware.QueryCountMiddleware"})


@pytest.mark.django_db
@BASELINE
@COUNTER
def test_the_bare_page_lists_the_25_newest_tickets_with_one_query_and_no_sign_in(client, enterprise):
    tickets = [TicketFactory(enterprise=enterprise) for _ in range(27)]
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/bench/bare/")
    assert response.status_code == 200
    assert len(queries) == 1 and response["X-Bench-Queries"] == "1"
    assert float(response["X-Bench-Ms"]) > 0
    html = response.content.decode()
    newest = sorted(tickets, key=lambda t: (t.opened_at, t.pk), reverse=True)
    assert all(t.number in html for t in newest[:25])
    assert not any(t.number in html for t in newest[25:])
    assert "<nav" not in html and "login" not in html


@pytest.mark.django_db
@BASELINE
@COUNTER
def test_the_header_counts_every_query_of_a_real_page(client, manager, enterprise):
    TicketFactory(enterprise=enterprise)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/assistance/tickets/")
    assert response.status_code == 200
    assert int(response["X-Bench-Queries"]) == len(queries) > 3  # session, user, permissions, the list...


@pytest.mark.django_db
@BASELINE
def test_the_baseline_urls_keep_every_page_of_the_site_as_it_is(client, manager):
    client.force_login(manager)
    response = client.get("/assistance/tickets/")
    assert response.status_code == 200 and "X-Bench-Queries" not in response  # no counter unless added
    assert client.get("/no-such-page/").status_code == 404


def test_the_baseline_settings_are_the_production_settings_with_the_bare_page_and_the_counter(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.baseline.settings",
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.urls import resolve\n"
        "print(settings.DEBUG, settings.ROOT_URLCONF, settings.MIDDLEWARE[0], settings.MIDDLEWARE[1:] == "
        "__import__('config.settings.production', fromlist=['x']).MIDDLEWARE, resolve('/bench/bare/').url_name, "
        "resolve('/assistance/tickets/').view_name)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "tests.benchmarks.baseline.urls",
        "tests.benchmarks.baseline.middleware.QueryCountMiddleware",
        "True",
        "bench-bare",
        "assistance:ticket-list",
    ]


@pytest.mark.django_db
@BASELINE
def test_every_page_of_the_list_answers_its_role_on_a_small_benchmark_database(client):
    """What the benchmark builds, in small: its placeholders resolve, and every page answers 200 to its role
    with no form error (a query string the page does not accept would be measured as a form error page)."""
    call_command("load_seeds", "--with-samples", verbosity=0)
    call_command("generate_scale_data", "--tickets=120", "--enterprises=20", "--visits=10", verbosity=0)
    accounts = create_load_accounts(inspectors=1, managers=1, reviewers=0, password="unused")
    users = {
        "manager": User.objects.get(username=accounts["managers"][0]),
        "inspector": User.objects.get(username=accounts["inspectors"][0]),
    }
    who = SimpleNamespace(**users)
    values = {name: resolve(who) for name, resolve in RESOLVERS.items()}
    assert all(value is not None for value in values.values()), values
    for page in PAGES:
        client.force_login(users[page.role])
        for fallback in (False, True) if page.fallback_query else (False,):
            url = page.url(values, fallback=fallback)
            response = client.get(url)
            assert response.status_code == 200, url
            form = (response.context or {}).get("form") if hasattr(response, "context") else None
            assert form is None or not form.is_bound or not form.errors, (url, form.errors)
    summary = next(p for p in PAGES if p.name == "programme summary")
    client.force_login(users["manager"])
    assert client.get(summary.url(values)).context["summary"]  # the figures, not only the form
