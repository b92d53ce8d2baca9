"""One benchmark database, in a Django process with the benchmark's settings and that database's URL.

`python -m tests.benchmarks.pages.prepare --tickets N [--build] [--collectstatic] --out FILE`

With `--build`: migrations, the seeds with their samples and `generate_scale_data` (as the load test
builds its database). Always: the benchmark's two accounts, made (or reset, with a new password) the way
the load test makes its own: a manager with the seeds' city as jurisdiction and an inspector with a
county and a team; then the pages' placeholders (ticket, cluster... ids), queried as those accounts.
Writes what the harness needs as JSON (readable by its owner only: it holds the password).
"""

import argparse
import json
import secrets
import sys
import time
from pathlib import Path
from types import SimpleNamespace


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, required=True)
    parser.add_argument("--build", action="store_true", help="build the data first (an empty database)")
    parser.add_argument("--collectstatic", action="store_true", help="also collect the static files")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from assistance.models import Ticket
    from clusters.models import User
    from tests.benchmarks.load.prepare import build_data, create_load_accounts, step

    from .pages import RESOLVERS

    result: dict = {"tickets": args.tickets}
    if args.build:
        result["build_steps"] = build_data(args.tickets)
    if args.collectstatic:
        step("collectstatic", "collectstatic", "--no-input")
    started = time.monotonic()
    password = secrets.token_urlsafe(18)
    accounts = create_load_accounts(inspectors=1, managers=1, reviewers=0, password=password)
    manager = User.objects.get(username=accounts["managers"][0])
    inspector = User.objects.get(username=accounts["inspectors"][0])
    who = SimpleNamespace(manager=manager, inspector=inspector)
    result.update(
        password=password,
        manager=manager.username,
        inspector=inspector.username,
        tickets_in_database=Ticket.objects.count(),
        values={name: resolve(who) for name, resolve in RESOLVERS.items()},
    )
    print(f"  accounts and placeholders: {time.monotonic() - started:.1f} s", flush=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    args.out.chmod(0o600)
    return 0


if __name__ == "__main__":
    sys.exit(main())
