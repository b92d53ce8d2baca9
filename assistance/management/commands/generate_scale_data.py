"""Bulk synthetic records for measuring the system at scale.

Everything made here is marked synthetic and named as a sample. The same seed gives the same records.
"""

import datetime
import random
import time

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assistance.models import (
    ServicePartner,
    SupportTeam,
    Ticket,
    TicketCategory,
    TicketCounter,
    TicketEvent,
    Visit,
)
from assistance.services import DEFAULT_SERVICE_DAYS
from clusters.models import Cluster, Enterprise, Region
from clusters.validators import credit_code_check_character

BATCH = 5000
YEARS = (2020, 2021, 2022, 2023, 2024, 2025)
STATUS_WEIGHTS = [
    (Ticket.Status.CLOSED, 45),
    (Ticket.Status.RESOLVED, 20),
    (Ticket.Status.IN_PROGRESS, 10),
    (Ticket.Status.ASSIGNED, 8),
    (Ticket.Status.NEW, 7),
    (Ticket.Status.WAITING, 5),
    (Ticket.Status.CANCELLED, 5),
]
TITLES = [
    "计量器具检定咨询",
    "认证证书到期指导",
    "卓越绩效导入辅导",
    "专利申请指导",
    "标准制修订咨询",
    "检验检测委托",
    "商标注册辅导",
]
PURPOSES = ["质量提升入企帮扶", "标准化工作指导", "计量检定现场服务", "质量奖申报辅导"]


class Command(BaseCommand):
    help = "Create synthetic enterprises, tickets (with events) and visits in bulk, for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=1000)
        parser.add_argument("--tickets", type=int, default=10000)
        parser.add_argument("--visits", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, enterprises: int, tickets: int, visits: int, seed: int, **options):
        if min(enterprises, tickets, visits) < 0 or (enterprises == 0 and (tickets or visits)):
            raise CommandError("Counts must not be negative, and tickets or visits need enterprises.")
        if not 0 <= seed < 100:
            raise CommandError("--seed must be between 0 and 99.")
        started = time.monotonic()
        rng = random.Random(seed)
        with transaction.atomic():
            counties = self._counties()
            clusters = self._clusters(counties, max(10, enterprises // 200), seed)
            enterprise_ids = self._enterprises(enterprises, clusters, seed)
            made_tickets = self._tickets(tickets, enterprise_ids, rng)
            made_visits = self._visits(visits, enterprise_ids, rng)
        # Bulk inserts send no model signals: figures kept in the cache would not count these rows.
        cache.clear()
        self.stdout.write(
            f"Created {len(enterprise_ids)} enterprises, {made_tickets} tickets and {made_visits} visits "
            f"(seed {seed}) in {time.monotonic() - started:.1f} s."
        )

    def _counties(self) -> list[Region]:
        counties = list(Region.objects.filter(level=Region.Level.COUNTY).order_by("pk"))
        if counties:
            return counties
        city, _ = Region.objects.get_or_create(name="样例市", level=Region.Level.CITY, parent=None)
        return [
            Region.objects.get_or_create(name=f"样例县{i:02d}", parent=city, defaults={"level": Region.Level.COUNTY})[0]
            for i in range(1, 11)
        ]

    def _clusters(self, counties: list[Region], count: int, seed: int) -> list[Cluster]:
        names = [f"规模测试样例集群{seed:02d}-{i:04d}" for i in range(count)]
        Cluster.objects.bulk_create(
            [
                Cluster(
                    name=name,
                    county=counties[i % len(counties)],
                    industry=["装备制造", "钢铁", "食品", "陶瓷", "化工"][i % 5],
                    level=Cluster.Level.OTHER,
                    synthetic=True,
                    source="规模测试合成数据",
                )
                for i, name in enumerate(names)
            ],
            ignore_conflicts=True,
        )
        return list(Cluster.objects.filter(name__in=names).order_by("name"))

    def _enterprises(self, count: int, clusters: list[Cluster], seed: int) -> list[int]:
        codes = []
        rows = []
        for i in range(count):
            first17 = f"92{seed:02d}{i:013d}"
            code = first17 + credit_code_check_character(first17)
            cluster = clusters[i % len(clusters)]
            codes.append(code)
            rows.append(
                Enterprise(
                    name=f"规模测试样例企业{seed:02d}-{i:06d}",
                    credit_code=code,
                    county_id=cluster.county_id,
                    cluster=cluster,
                    synthetic=True,
                    source="规模测试合成数据",
                )
            )
        Enterprise.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        ids = dict(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "pk"))
        return [ids[code] for code in codes]

    def _tickets(self, count: int, enterprise_ids: list[int], rng: random.Random) -> int:
        if not count:
            return 0
        categories = list(TicketCategory.objects.values_list("pk", flat=True))
        teams = list(SupportTeam.objects.values_list("pk", flat=True)) or [None]
        partners = [None, *ServicePartner.objects.values_list("pk", flat=True)]
        statuses = [s for s, w in STATUS_WEIGHTS for _ in range(w)]
        priorities = list(DEFAULT_SERVICE_DAYS)
        per_year = {year: 0 for year in YEARS}
        plan = []
        for _ in range(count):
            year = rng.choice(YEARS)
            per_year[year] += 1
            plan.append(year)
        next_number = {}
        for year, n in per_year.items():
            counter, _ = TicketCounter.objects.select_for_update().get_or_create(year=year)
            next_number[year] = counter.last + 1
            counter.last += n
            counter.save(update_fields=["last"])
        tz = timezone.get_current_timezone()
        made = 0
        for start in range(0, count, BATCH):
            batch = []
            for year in plan[start : start + BATCH]:
                number = next_number[year]
                next_number[year] += 1
                opened = datetime.datetime(year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(8, 17), tzinfo=tz)
                priority = rng.choice(priorities)
                status = rng.choice(statuses)
                due = opened + datetime.timedelta(days=DEFAULT_SERVICE_DAYS[priority])
                done = status in Ticket.DONE_STATUSES
                resolved = opened + datetime.timedelta(hours=rng.randint(4, 24 * 25)) if done else None
                team = rng.choice(teams) if status != Ticket.Status.NEW else None
                batch.append(
                    Ticket(
                        number=f"{settings.TICKET_NUMBER_PREFIX}-{year}-{number:06d}",
                        enterprise_id=rng.choice(enterprise_ids),
                        category_id=rng.choice(categories),
                        title=rng.choice(TITLES),
                        description="规模测试合成数据",
                        channel=rng.choice(Ticket.Channel.values),
                        priority=priority,
                        status=status,
                        team_id=team,
                        partner_id=rng.choice(partners),
                        opened_at=opened,
                        due_at=due,
                        waiting_since=opened + datetime.timedelta(days=1) if status == Ticket.Status.WAITING else None,
                        resolved_at=resolved,
                        closed_at=resolved + datetime.timedelta(days=1) if status == Ticket.Status.CLOSED else None,
                        resolution="已解决（合成数据）" if done else "",
                        cancel_reason="企业撤回（合成数据）" if status == Ticket.Status.CANCELLED else "",
                        satisfaction=rng.randint(3, 5) if done else None,
                        synthetic=True,
                        source="规模测试合成数据",
                    )
                )
            created = Ticket.objects.bulk_create(batch, batch_size=BATCH)
            TicketEvent.objects.bulk_create(
                [event for ticket in created for event in self._events(ticket)], batch_size=BATCH
            )
            made += len(created)
        return made

    def _events(self, ticket: Ticket) -> list[TicketEvent]:
        S = Ticket.Status
        steps = [("create", "", S.NEW, ticket.opened_at)]
        if ticket.status not in (S.NEW, S.CANCELLED):
            steps.append(("assign", S.NEW, S.ASSIGNED, ticket.opened_at + datetime.timedelta(hours=2)))
        if ticket.status in (S.IN_PROGRESS, S.WAITING, S.RESOLVED, S.CLOSED):
            steps.append(("start", S.ASSIGNED, S.IN_PROGRESS, ticket.opened_at + datetime.timedelta(hours=4)))
        if ticket.status == S.WAITING:
            steps.append(("wait", S.IN_PROGRESS, S.WAITING, ticket.waiting_since))
        if ticket.resolved_at:
            steps.append(("resolve", S.IN_PROGRESS, S.RESOLVED, ticket.resolved_at))
        if ticket.closed_at:
            steps.append(("close", S.RESOLVED, S.CLOSED, ticket.closed_at))
        if ticket.status == S.CANCELLED:
            steps.append(("cancel", S.NEW, S.CANCELLED, ticket.opened_at + datetime.timedelta(days=1)))
        return [TicketEvent(ticket_id=ticket.pk, action=a, from_status=f, to_status=t, at=at) for a, f, t, at in steps]

    def _visits(self, count: int, enterprise_ids: list[int], rng: random.Random) -> int:
        teams = list(SupportTeam.objects.values_list("pk", flat=True)) or [None]
        rows = [
            Visit(
                date=datetime.date(rng.choice(YEARS), rng.randint(1, 12), rng.randint(1, 28)),
                enterprise_id=rng.choice(enterprise_ids),
                team_id=rng.choice(teams),
                purpose=rng.choice(PURPOSES),
                findings="规模测试合成数据",
                synthetic=True,
                source="规模测试合成数据",
            )
            for _ in range(count)
        ]
        Visit.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)
