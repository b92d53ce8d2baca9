"""`manage.py load_seeds [--demo-users]`: load the registry, assistance and award seeds; running it again changes nothing."""

import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assistance import seeding as assistance_seeding
from assistance.awards import seeding as award_seeding
from clusters import seeding


def _width(text: str) -> int:
    """Columns the text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = (
        "Load the registry, assistance and award seed data from seeds/*.toml (idempotent); "
        "--demo-users also creates demo sign-ins."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="Also create the demo users (only where settings.DEMO_USERS_ALLOWED is true) and print their sign-ins.",
        )

    def handle(self, *args, demo_users: bool = False, verbosity: int = 1, **options) -> None:
        try:
            # One transaction: the bureau's work refers to the registry (and to demo users, if any).
            with transaction.atomic():
                report = seeding.seeds_load(demo_users=demo_users)
                assistance_seeding.seeds_load(report=report)
                award_seeding.seeds_load(report=report)
        except seeding.SeedError as error:
            raise CommandError(str(error)) from error

        if verbosity >= 2:
            for label, counts in sorted(report.counts.items()):
                self.stdout.write(
                    f"{label}: {counts['created']} created, {counts['updated']} updated, "
                    f"{counts['unchanged']} unchanged"
                )
        created = sum(counts["created"] for counts in report.counts.values())
        updated = sum(counts["updated"] for counts in report.counts.values())
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"Seed data loaded: {created} rows created, {updated} updated."))
        else:
            self.stdout.write(self.style.SUCCESS("Seed data already loaded; nothing changed."))
        if demo_users:
            self._write_sign_ins(report.demo_users)

    def _write_sign_ins(self, sign_ins: list[seeding.DemoSignIn]) -> None:
        header = ("username", "password", "role", "jurisdiction")
        rows = [header] + [(s.username, s.password, s.role, s.jurisdiction or "—") for s in sign_ins]
        widths = [max(_width(row[column]) for row in rows) for column in range(len(header))]
        self.stdout.write("\nDemo sign-ins (the password is set only when an account is created):")
        for index, row in enumerate(rows):
            self.stdout.write(
                ("  " + "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True))).rstrip()
            )
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
