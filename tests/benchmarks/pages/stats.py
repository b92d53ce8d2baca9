"""The benchmark's arithmetic and its report: plain data in, figures, pass/fail and Markdown out.

Per round, page and size: the median server time (the `X-Bench-Ms` header) and wall time of its
sequential requests, requests per second (1 / median wall time; and the concurrent burst's), and the
ratios to the bare page of the same server and round and to the same page on the smallest database of
the same round. Over the rounds: the median of each per-round figure (a slow moment of the machine
moves one round, not the result), and the p50 / p99 of every sequential request's server time.
"""

import math
import statistics
from collections import Counter
from dataclasses import dataclass

from .pages import BARE, SCALE_REFERENCE, Page

BEGIN_MARKER = "<!-- bench:begin -->"
END_MARKER = "<!-- bench:end -->"


@dataclass(frozen=True)
class Sample:
    """One request: its HTTP status, the client's and the server's milliseconds, the server's queries."""

    status: int | None
    wall_ms: float
    server_ms: float | None = None
    queries: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.server_ms is not None


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (as the load test's), None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, min(len(ordered), math.ceil(p / 100 * len(ordered)))) - 1]


def round_figures(
    samples: dict[str, dict[int, list[Sample]]],
    bursts: dict[str, dict[int, float | None]],
    sizes: list[int],
) -> dict[str, dict[int, dict]]:
    """One round's figures for every page and size (None where no request of it succeeded)."""
    smallest = min(sizes)
    figures: dict[str, dict[int, dict]] = {}
    for page, by_size in samples.items():
        figures[page] = {}
        for size in sizes:
            ok = [s for s in by_size.get(size, []) if s.ok]
            wall = median(s.wall_ms for s in ok)
            figures[page][size] = {
                "server_ms": median(s.server_ms for s in ok),
                "wall_ms": wall,
                "rps": 1000 / wall if wall else None,
                "burst_rps": bursts.get(page, {}).get(size),
            }
    for by_size in figures.values():
        for size, f in by_size.items():
            bare = figures.get(BARE, {}).get(size, {})
            f["vs_bare"] = ratio(f["server_ms"], bare.get("server_ms"))
            f["rps_vs_bare"] = ratio(f["rps"], bare.get("rps"))
            f["vs_smallest"] = ratio(f["server_ms"], by_size[smallest]["server_ms"])
    return figures


ROUND_FIGURES = ("server_ms", "wall_ms", "rps", "burst_rps", "vs_bare", "rps_vs_bare", "vs_smallest")


def summarize(
    rounds: list[dict[str, dict[int, dict]]], samples: dict[str, dict[int, list[Sample]]], sizes: list[int]
) -> dict[str, dict]:
    """Per page: per size the medians over rounds of the per-round figures, the percentiles of all its
    sequential requests, the query counts seen and the failed requests; and whether the query count
    differs between sizes."""
    summary = {}
    for page, by_size in samples.items():
        row: dict = {"sizes": {}}
        for size in sizes:
            group = by_size.get(size, [])
            ok = [s for s in group if s.ok]
            server = [s.server_ms for s in ok]
            figures = {name: median(r.get(page, {}).get(size, {}).get(name) for r in rounds) for name in ROUND_FIGURES}
            row["sizes"][size] = {
                **figures,
                "p50_ms": percentile(server, 50),
                "p99_ms": percentile(server, 99),
                "queries": sorted({s.queries for s in ok if s.queries is not None}),
                "requests": len(group),
                "errors": len(group) - len(ok),
                "statuses": dict(Counter(str(s.status) for s in group if not s.ok)),
            }
        seen = [tuple(row["sizes"][size]["queries"]) for size in sizes if row["sizes"][size]["queries"]]
        row["queries_differ"] = len(set(seen)) > 1 or any(len(q) > 1 for q in seen)
        summary[page] = row
    return summary


def size_label(tickets: int) -> str:
    for unit, name in ((1_000_000, "M"), (1_000, "k")):
        if tickets >= unit:
            value = tickets / unit
            return f"{value:g}{name}"
    return str(tickets)


def checks(page: Page, row: dict, sizes: list[int]) -> list[dict]:
    """The page's targets, each with its value, limit and whether it is met (a missing value is not)."""
    smallest = min(sizes)
    results = []

    def check(name: str, value: float | None, limit: float, at_most: bool) -> None:
        passed = value is not None and (value <= limit if at_most else value >= limit)
        results.append({"name": name, "value": value, "limit": limit, "at_most": at_most, "passed": passed})

    for size in sizes:
        figures = row["sizes"][size]
        if figures["errors"] or figures["server_ms"] is None:
            statuses = ", ".join(f"{status} ×{n}" for status, n in figures["statuses"].items()) or "no data"
            results.append(
                {"name": f"answers at {size_label(size)} ({statuses})", "value": None, "limit": None, "passed": False}
            )
    if smallest == SCALE_REFERENCE:
        for size in sizes:
            if size != smallest and size in page.scale_targets:
                value = row["sizes"][size]["vs_smallest"]
                check(f"{size_label(size)}/{size_label(smallest)}", value, page.scale_targets[size], True)
    if page.max_vs_bare is not None:
        for size in sizes:
            check(f"×bare at {size_label(size)}", row["sizes"][size]["vs_bare"], page.max_vs_bare, True)
    if page.min_rps_vs_bare is not None:
        for size in sizes:
            check(f"rps/bare at {size_label(size)}", row["sizes"][size]["rps_vs_bare"], page.min_rps_vs_bare, False)
    return results


# --- Markdown -------------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _x(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _rps(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _queries(counts: list[int]) -> str:
    if not counts:
        return "–"
    return "/".join(str(c) for c in counts)  # more than one: the count varied between requests


def _cells(row: dict, sizes: list[int], name: str, fmt) -> str:
    return " / ".join(fmt(row["sizes"][size][name]) for size in sizes)


def _result(results: list[dict]) -> str:
    failed = [r for r in results if not r["passed"]]
    if not failed:
        return "pass" if results else "–"
    reasons = []
    for r in failed:
        if r["limit"] is None:
            reasons.append(r["name"])
        else:
            sign = ">" if r["at_most"] else "<"
            reasons.append(f"{r['name']} {_x(r['value'])} {sign} {r['limit']:g}")
    return "**FAIL** " + "; ".join(reasons)


def table(report: dict) -> str:
    sizes = report["sizes"]
    labels = [size_label(s) for s in sizes]
    smallest = labels[0]
    others = [label for label in labels[1:]]
    lines = [
        f"| page | queries | server p50 ms | server p99 ms | × bare | vs {smallest} ({', '.join(others) or '–'}) "
        "| rps | rps ×2 | result |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for page in report["pages"]:
        queries = " / ".join(_queries(page["sizes"][size]["queries"]) for size in sizes)
        if page["queries_differ"]:
            queries += " ≠"
        scale = " / ".join(_x(page["sizes"][size]["vs_smallest"]) for size in sizes[1:]) or "–"
        lines.append(
            f"| {page['name']}{' (inspector)' if page['role'] == 'inspector' and 'inspector' not in page['name'] else ''} "
            f"| {queries} | {_cells(page, sizes, 'p50_ms', _ms)} | {_cells(page, sizes, 'p99_ms', _ms)} "
            f"| {_cells(page, sizes, 'vs_bare', _x)} | {scale} | {_cells(page, sizes, 'rps', _rps)} "
            f"| {_cells(page, sizes, 'burst_rps', _rps)} | {_result(page['checks'])} |"
        )
    return "\n".join(lines)


def markdown(report: dict, *, heading: bool = True) -> str:
    sizes = report["sizes"]
    labels = " / ".join(size_label(s) for s in sizes)
    c = report["config"]
    machine = report["machine"]
    loads = " · ".join(" ".join(f"{v:.2f}" for v in load) for load in machine["load_at_round_start"])
    built = ", ".join(
        f"{size_label(int(size))} {d['build_seconds']:.0f} s{'' if d['built_now'] else ' (cached)'}"
        for size, d in report["databases"].items()
    )
    passed = sum(1 for p in report["pages"] if p["passed"])
    lines = ["# Page benchmark", ""] if heading else []
    lines += [
        f"{report['generated_at']}, commit {report['commit']}; {labels} tickets; {c['rounds']} rounds × "
        f"{c['requests']} sequential requests per page and size (at least 3 where they take over {c['budget']:g} s) "
        f"after {c['warmup']} warm-up, then a burst of {c['burst']} from {c['burst_threads']} threads; gunicorn {c['gunicorn_workers']} workers × "
        f"{c['gunicorn_threads']} threads per size with the production settings; PostgreSQL {report['postgresql']}.",
        "",
        f"- Machine: {machine['cpus']} CPUs; load average (1, 5, 15 min) at the start of each round: {loads}; "
        f"at the end: {' '.join(f'{v:.2f}' for v in machine['load_at_end'])}.",
        f"- Databases (build seconds): {built}. Benchmark: {report['bench_seconds'] / 60:.1f} min.",
        f"- Targets met by {passed} of {len(report['pages'])} pages.",
        "",
        f"Each cell: {labels}. Server ms from `X-Bench-Ms`; × bare and vs {size_label(sizes[0])}: medians over "
        "rounds of the per-round ratios of median server times; rps: 1 / median wall time, sequential; "
        f"rps ×{c['burst_threads']}: the burst's; queries ≠: the count differs between sizes or requests.",
        "",
        table(report),
    ]
    return "\n".join(lines) + "\n"


def replace_between_markers(text: str, content: str, *, begin: str = BEGIN_MARKER, end: str = END_MARKER) -> str:
    """The text with what lies between the two markers replaced by `content` (the markers stay)."""
    start = text.find(begin)
    stop = text.find(end, start + len(begin)) if start >= 0 else -1
    if start < 0 or stop < 0:
        raise ValueError(f"The markers {begin} and {end} are not both in the text, in that order.")
    return text[: start + len(begin)] + "\n" + content.strip() + "\n" + text[stop:]
