"""Build the load test's database: migrations, seeds, synthetic scale data, and the load's own accounts.

Run in one process, with the production settings and the harness's environment:
`python -m tests.benchmarks.load.prepare --tickets 100000 --out accounts.json`.

Demo users exist only where DEMO_USERS_ALLOWED (not under production settings), so the load creates its
own accounts here, the way an administrator would (`createsuperuser`, then users in admin): real users
with a password, in the role groups, with a jurisdiction and, for inspectors, a team. Reviewers get
assignments the way a manager gives them: applications to an open cycle, submitted and accepted through
the award services. Everything is named `load-...` and marked as a load sample.
"""

import argparse
import datetime
import json
import secrets
import sys
import time
from pathlib import Path


def create_load_accounts(*, inspectors: int, managers: int, reviewers: int, password: str) -> dict:
    """Create (or reset) the load's accounts and return what the simulated users need to know."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from assistance.awards import services as award_services
    from assistance.awards.models import AwardCycle, AwardProgramme, ReviewerAssignment, Rubric
    from assistance.models import SupportTeam, TeamMembership
    from clusters.models import Enterprise, Region, User

    groups = {name: Group.objects.get(name=name) for name in ("inspector", "manager", "reviewer")}
    # One hash for every load account: hashing is slow on purpose, and these accounts are thrown away.
    encoded = make_password(password)

    def account(username: str, role: str, jurisdiction: Region, **extra) -> User:
        user, _ = User.objects.get_or_create(username=username)
        user.last_name, user.first_name = "负载", f"测试{username.rsplit('-', 1)[-1]}"
        user.organisation = extra.get("organisation", "负载测试")
        user.jurisdiction = jurisdiction
        user.is_active = True
        user.password = encoded
        user.save()
        user.groups.set([groups[role]])
        return user

    with transaction.atomic():
        teams = list(SupportTeam.objects.select_related("region").order_by("pk"))
        if not teams:
            raise SystemExit("The seeds made no support team: load_seeds must run first.")
        city = teams[0].region
        made_inspectors = []
        for i in range(inspectors):
            team = teams[i % len(teams)]
            counties = sorted({c.county for c in team.clusters.select_related("county")}, key=lambda r: r.pk)
            county = counties[(i // len(teams)) % len(counties)] if counties else team.region
            user = account(f"load-inspector-{i + 1:02d}", "inspector", county)
            TeamMembership.objects.get_or_create(
                team=team, user=user, defaults={"joined_on": datetime.date(2020, 1, 1)}
            )
            made_inspectors.append(user)
        made_managers = [account(f"load-manager-{i + 1:02d}", "manager", city) for i in range(managers)]
        made_reviewers = [
            account(f"load-reviewer-{i + 1:02d}", "reviewer", city, organisation="负载测试评审专家库")
            for i in range(reviewers)
        ]

        assignments: dict[str, list[int]] = {user.username: [] for user in made_reviewers}
        if len(made_reviewers) >= 2 and made_managers:
            now = timezone.now()
            cycle, _ = AwardCycle.objects.get_or_create(
                programme=AwardProgramme.objects.order_by("pk").first(),
                year=timezone.localdate().year,
                defaults={
                    "opens_at": now - datetime.timedelta(days=1),
                    "closes_at": now + datetime.timedelta(days=60),
                    "quota": 3,
                    "rubric": Rubric.objects.order_by("-pk").first(),
                    "description": "负载测试样例评审周期",
                    "source": "负载测试合成数据",
                },
            )
            manager = made_managers[0]
            taken = cycle.applications.values("enterprise")
            enterprises = Enterprise.objects.filter(synthetic=True).exclude(pk__in=taken).order_by("pk")
            per_reviewer = 4
            for k, enterprise in enumerate(enterprises[: len(made_reviewers) * per_reviewer // 2]):
                pair = [
                    made_reviewers[(2 * k) % len(made_reviewers)],
                    made_reviewers[(2 * k + 1) % len(made_reviewers)],
                ]
                application = award_services.application_create(
                    user=manager, enterprise=enterprise, cycle=cycle, self_assessment="负载测试样例申报", self_score=700
                )
                award_services.application_submit(application_id=application.pk, user=manager)
                award_services.application_accept(application_id=application.pk, user=manager, reviewers=pair)
            for assignment in ReviewerAssignment.objects.filter(
                application__cycle=cycle, reviewer__in=made_reviewers
            ).order_by("pk"):
                assignments[assignment.reviewer.username].append(assignment.pk)

        members: dict[str, list[int]] = {}
        for membership in TeamMembership.objects.filter(left_on__isnull=True).order_by("pk"):
            members.setdefault(str(membership.team_id), []).append(membership.user_id)

    return {
        "password": password,
        "inspectors": [user.username for user in made_inspectors],
        "managers": [user.username for user in made_managers],
        "reviewers": assignments,
        "team_members": members,
    }


def scale_counts(tickets: int) -> dict[str, int]:
    """The synthetic enterprises and visits that go with a number of tickets."""
    return {"tickets": tickets, "enterprises": max(100, tickets // 100), "visits": max(50, tickets // 50)}


def step(label: str, *command: str) -> float:
    """Run a management command quietly, print how long it took and return the seconds."""
    from django.core.management import call_command

    started = time.monotonic()
    call_command(*command, verbosity=0)
    seconds = time.monotonic() - started
    print(f"  {label}: {seconds:.1f} s", flush=True)
    return seconds


def build_data(tickets: int) -> dict[str, float]:
    """Migrations, the seeds with their samples, and the synthetic scale data; seconds per step."""
    counts = scale_counts(tickets)
    return {
        "migrate": step("migrate", "migrate", "--no-input"),
        # The load works on the sample enterprises and teams, which production settings load only when asked.
        "load_seeds": step("load_seeds --with-samples", "load_seeds", "--with-samples"),
        "generate_scale_data": step(
            f"generate_scale_data --tickets {tickets}",
            "generate_scale_data",
            *[f"--{name}={value}" for name, value in counts.items()],
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--inspectors", type=int, default=25)
    parser.add_argument("--managers", type=int, default=15)
    parser.add_argument("--reviewers", type=int, default=10)
    parser.add_argument("--out", type=Path, required=True, help="Where to write the accounts (JSON).")
    args = parser.parse_args(argv)

    import django

    django.setup()
    build_data(args.tickets)
    step("collectstatic", "collectstatic", "--no-input")
    started = time.monotonic()
    accounts = create_load_accounts(
        inspectors=args.inspectors,
        managers=args.managers,
        reviewers=args.reviewers,
        password=secrets.token_urlsafe(18),
    )
    print(f"  load accounts: {time.monotonic() - started:.1f} s", flush=True)
    args.out.write_text(json.dumps(accounts, ensure_ascii=False, indent=2))
    args.out.chmod(0o600)
    return 0


if __name__ == "__main__":
    sys.exit(main())
