"""`manage.py check_integrity`: list records left out of step with each other; exit 1 if there are any."""

from django.core.management.base import BaseCommand, CommandError

from assistance.integrity import LIMIT, run_checks


class Command(BaseCommand):
    help = (
        "Check that tickets and applications agree with their timelines, ticket numbers are unique, tickets "
        "raised in visits match their visit, and every decision and honour is where it should be. "
        "Exits with status 1 and lists the problems when anything is out of step."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=LIMIT, help="Problems listed per check (default %(default)s).")

    def handle(self, *args, limit: int, **options):
        if limit < 0:
            raise CommandError("--limit must not be negative.")
        results = run_checks(limit=limit)
        total = sum(result.count for result in results)
        for result in results:
            mark = "ok" if result.count == 0 else f"{result.count} problem{'s' if result.count != 1 else ''}"
            self.stdout.write(f"{result.description}: {mark}")
            for problem in result.problems:
                self.stdout.write(f"  {problem}")
            if result.count > len(result.problems):
                self.stdout.write(f"  ... and {result.count - len(result.problems)} more")
        if total:
            self.stderr.write(f"Integrity check failed: {total} problems.")
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("Integrity check passed."))
