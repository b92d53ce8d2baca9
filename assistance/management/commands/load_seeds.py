"""`manage.py load_seeds [--demo-users] [--with-samples] | --reference-only`: load the seeds; running it again changes nothing.

The full load brings the registry, the bureau's work and the award work of the articles, samples
included; where settings.SAMPLE_SEEDS_ALLOWED is false (production) it needs --with-samples.
--reference-only loads the reference data alone (regions, role groups, ticket categories, service
levels, service partners, award programmes, rubrics) under any settings.
"""

import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assistance import seeding as assistance_seeding
from assistance.awards import seeding as award_seeding
from assistance.benchmarking import seeding as benchmarking_seeding
from assistance.patents import seeding as patent_seeding
from assistance.plans import seeding as plan_seeding
from clusters import seeding


def _width(text: str) -> int:
    """Columns the text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = (
        "Load the registry, assistance and award seed data from seeds/*.toml (idempotent); "
        "--demo-users also creates demo sign-ins; --reference-only loads the reference data and no sample."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="Also create the demo users (only where settings.DEMO_USERS_ALLOWED is true) and print their sign-ins.",
        )
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--reference-only",
            action="store_true",
            help=(
                "Load only the reference data (regions, role groups, ticket categories, service levels, service "
                "partners, award programmes, rubrics): no sample record and no account. Allowed under any settings."
            ),
        )
        which.add_argument(
            "--with-samples",
            action="store_true",
            help="Load the sample data even where settings.SAMPLE_SEEDS_ALLOWED is false (production).",
        )

    def handle(
        self,
        *args,
        demo_users: bool = False,
        reference_only: bool = False,
        with_samples: bool = False,
        verbosity: int = 1,
        **options,
    ) -> None:
        if reference_only and demo_users:
            raise CommandError("--reference-only loads no account; run without --demo-users.")
        try:
            if not reference_only:
                # Before the transaction opens: a refusal must not need the database.
                seeding.check_samples_allowed(asked=with_samples)
            # One transaction: the bureau's work refers to the registry (and to demo users, if any).
            with transaction.atomic():
                if reference_only:
                    report = seeding.reference_load()
                    assistance_seeding.reference_load(report=report)
                    award_seeding.reference_load(report=report)
                    benchmarking_seeding.reference_load(report=report)
                    patent_seeding.reference_load(report=report)
                    plan_seeding.reference_load(report=report)
                else:
                    report = seeding.seeds_load(demo_users=demo_users, with_samples=with_samples)
                    assistance_seeding.seeds_load(report=report)
                    award_seeding.seeds_load(report=report)
                    benchmarking_seeding.seeds_load(report=report)
                    patent_seeding.seeds_load(report=report)
                    plan_seeding.seeds_load(report=report)
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
        what = "Reference data" if reference_only else "Seed data"
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"{what} loaded: {created} rows created, {updated} updated."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{what} already loaded; nothing changed."))
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
