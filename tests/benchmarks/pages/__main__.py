"""`python -m tests.benchmarks.pages [--tickets 1000 100000 300000] [--rounds 5] [--requests 10]` (`make bench`).

Exits with status 1 when a page misses one of its targets (the report says which and by how much).
"""

import argparse
import sys
from pathlib import Path

from .harness import BenchConfig, run


def main(argv: list[str] | None = None) -> int:
    defaults = BenchConfig()
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.pages", description=__doc__)
    parser.add_argument("--tickets", type=int, nargs="+", default=defaults.tickets, help="one database per size")
    parser.add_argument("--rounds", type=int, default=defaults.rounds)
    parser.add_argument("--requests", type=int, default=defaults.requests, help="per page, size and round")
    parser.add_argument("--warmup", type=int, default=defaults.warmup, help="requests per page and size first")
    parser.add_argument("--burst", type=int, default=defaults.burst, help="requests of the concurrent burst (0: none)")
    parser.add_argument("--burst-threads", type=int, default=defaults.burst_threads)
    parser.add_argument(
        "--budget",
        type=float,
        default=defaults.budget,
        help="seconds per page, size and round after which a slow page gets fewer requests (at least 3)",
    )
    parser.add_argument("--rebuild", action="store_true", help="build the databases again, cached or not")
    parser.add_argument("--write-docs", action="store_true", help="put the table into docs/performance.md")
    parser.add_argument("--out", type=Path, default=None, help="report and cache directory (default var/bench)")
    args = parser.parse_args(argv)
    if min(args.tickets) < 1 or args.rounds < 1 or args.requests < 1 or args.warmup < 0 or args.burst < 0:
        parser.error("sizes, rounds and requests must be positive; warm-up and burst not negative")
    config = BenchConfig(
        tickets=args.tickets,
        rounds=args.rounds,
        requests=args.requests,
        warmup=args.warmup,
        burst=args.burst,
        burst_threads=max(1, args.burst_threads),
        budget=args.budget,
        rebuild=args.rebuild,
        write_docs=args.write_docs,
    )
    if args.out:
        config.out_dir = args.out
    report = run(config)
    return 0 if all(page["passed"] for page in report["pages"]) else 1


if __name__ == "__main__":
    sys.exit(main())
