"""`python -m tests.benchmarks.load [--users 50] [--duration 60] [--tickets 100000] [--fault]` (`make loadtest`)."""

import argparse
import sys
from pathlib import Path

from .harness import LoadConfig, markdown, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.load", description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load after everyone signed in")
    parser.add_argument("--tickets", type=int, default=100_000, help="synthetic tickets in the database")
    parser.add_argument("--fault", action="store_true", help="stop and start PostgreSQL during the load")
    parser.add_argument("--fault-at", type=float, default=None, help="seconds into the load (default: 40 %%)")
    parser.add_argument("--outage", type=float, default=5.0, help="seconds the database stays down")
    parser.add_argument(
        "--think", type=float, nargs=2, default=(0.5, 1.5), metavar=("MIN", "MAX"), help="seconds between steps"
    )
    parser.add_argument("--out", type=Path, default=None, help="report directory (default var/loadtest)")
    args = parser.parse_args(argv)
    config = LoadConfig(
        users=args.users,
        duration=args.duration,
        tickets=args.tickets,
        fault=args.fault,
        fault_at=args.fault_at,
        outage=args.outage,
        think=tuple(args.think),
    )
    if args.out:
        config.out_dir = args.out
    report = run(config)
    print()
    print(markdown(report))
    print(f"Reports: {config.out_dir}/report-{report['label']}.json and .md")
    failed = not report["integrity"]["passed"]
    if "fault" in report:
        fault = report["fault"]
        failed = failed or fault["rule_broken_by"] or not fault["recovered_within_limit"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
