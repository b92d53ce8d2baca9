"""generate_scale_data: realistic synthetic records in bulk, marked synthetic, the same for the same seed."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from assistance import services
from assistance.models import Ticket, TicketCategory, TicketCounter, TicketEvent, Visit
from clusters.models import Cluster, Enterprise
from clusters.validators import validate_credit_code
from tests.assistance.factories import TicketFactory

pytestmark = pytest.mark.django_db

SMALL = {"enterprises": 30, "tickets": 80, "visits": 20}


def generate(seed: int = 7, **counts) -> str:
    out = StringIO()
    options = {**SMALL, **counts}
    call_command(
        "generate_scale_data",
        "--enterprises",
        str(options["enterprises"]),
        "--tickets",
        str(options["tickets"]),
        "--visits",
        str(options["visits"]),
        "--seed",
        str(seed),
        stdout=out,
    )
    return out.getvalue()


def snapshot() -> dict:
    """What a run made, by natural keys rather than primary keys."""
    return {
        "clusters": list(Cluster.objects.order_by("name").values_list("name", "county__name", "industry")),
        "enterprises": list(
            Enterprise.objects.order_by("credit_code").values_list(
                "credit_code", "name", "cluster__name", "county__name"
            )
        ),
        "tickets": list(
            Ticket.objects.order_by("number").values_list(
                "number",
                "enterprise__credit_code",
                "category__code",
                "title",
                "channel",
                "priority",
                "status",
                "team__name",
                "partner__name",
                "opened_at",
                "due_at",
                "resolved_at",
                "closed_at",
                "satisfaction",
            )
        ),
        "events": list(
            TicketEvent.objects.order_by("ticket__number", "at", "action").values_list(
                "ticket__number", "action", "from_status", "to_status", "at"
            )
        ),
        "visits": sorted(Visit.objects.values_list("date", "enterprise__credit_code", "team__name", "purpose")),
        "counters": list(TicketCounter.objects.order_by("year").values_list("year", "last")),
    }


class _RolledBack(Exception):
    pass


def snapshot_of_a_run(seed: int) -> dict:
    """Run the command in a transaction, take what it made, and roll it back: as if on a fresh database."""
    try:
        with transaction.atomic():
            generate(seed)
            made = snapshot()
            raise _RolledBack
    except _RolledBack:
        pass
    assert not Enterprise.objects.filter(synthetic=True).exists()
    return made


@pytest.fixture
def bureau(county, other_county, team, other_team):
    """Two counties with a team each, as the generator finds them in a real database."""


def test_the_same_seed_makes_the_same_records(bureau):
    first = snapshot_of_a_run(7)
    second = snapshot_of_a_run(7)
    assert first == second
    assert len(first["enterprises"]) == 30
    assert len(first["tickets"]) == 80
    assert len(first["visits"]) == 20


def test_another_seed_makes_other_records(bureau):
    first, other = snapshot_of_a_run(7), snapshot_of_a_run(8)
    assert not {e[0] for e in first["enterprises"]} & {e[0] for e in other["enterprises"]}
    assert [t[1:] for t in first["tickets"]] != [t[1:] for t in other["tickets"]]


def test_everything_made_is_marked_synthetic(bureau, enterprise):
    out = generate()
    assert "Created 30 enterprises, 80 tickets and 20 visits (seed 7)" in out
    for model in (Cluster, Enterprise, Ticket, Visit):
        made = (
            model.objects.exclude(pk__in=[enterprise.pk, enterprise.cluster_id])
            if model in (Cluster, Enterprise)
            else model.objects
        )
        assert made.exists()
        assert not made.filter(synthetic=False).exists(), model
        assert not made.exclude(source="规模测试合成数据").exists(), model
    assert not Enterprise.objects.filter(synthetic=True).exclude(name__contains="样例").exists()
    assert not Cluster.objects.filter(synthetic=True).exclude(name__contains="样例").exists()
    assert Enterprise.objects.get(pk=enterprise.pk).synthetic is False


def test_the_credit_codes_are_valid_and_unique(bureau):
    generate()
    codes = list(Enterprise.objects.filter(synthetic=True).values_list("credit_code", flat=True))
    assert len(codes) == len(set(codes)) == 30
    for code in codes:
        try:
            validate_credit_code(code)
        except ValidationError as error:  # pragma: no cover - the message says which rule
            pytest.fail(f"{code}: {error.messages}")


def test_the_tickets_are_consistent_with_their_timelines_and_service_levels(bureau):
    generate()
    for ticket in Ticket.objects.prefetch_related("events"):
        events = list(ticket.events.all())
        assert events[0].action == "create" and events[0].at == ticket.opened_at
        assert events[-1].to_status == ticket.status, ticket.number
        assert ticket.due_at == ticket.opened_at + datetime.timedelta(days=services.service_days(ticket.priority))
        assert ticket.number.startswith(f"TS-{timezone.localtime(ticket.opened_at).year}-")
        if ticket.status in Ticket.DONE_STATUSES:
            assert ticket.resolved_at > ticket.opened_at and ticket.resolution
        else:
            assert ticket.resolved_at is None
        assert (ticket.status == Ticket.Status.WAITING) == (ticket.waiting_since is not None)
        assert (ticket.status == Ticket.Status.CLOSED) == (ticket.closed_at is not None)


def test_the_ticket_counter_stays_consistent_so_new_tickets_get_fresh_numbers(bureau, enterprise):
    before = TicketFactory(enterprise=enterprise, opened_at=timezone.make_aware(datetime.datetime(2023, 3, 1, 9)))
    assert before.number == "TS-2023-000001"
    generate()
    for year, last in TicketCounter.objects.values_list("year", "last"):
        numbers = Ticket.objects.filter(number__startswith=f"TS-{year}-").values_list("number", flat=True)
        assert last == max(int(n.rsplit("-", 1)[1]) for n in numbers) == len(numbers), year
    after = services.ticket_create(
        user=None,
        enterprise=enterprise,
        category=TicketCategory.objects.get(code="metrology"),
        title="计量器具检定求助",
        opened_at=timezone.make_aware(datetime.datetime(2023, 6, 1, 9)),
    )
    assert after.number == f"TS-2023-{TicketCounter.objects.get(year=2023).last:06d}"
    assert Ticket.objects.filter(number=after.number).count() == 1
    assert Ticket.objects.filter(number__startswith="TS-2023-").count() == TicketCounter.objects.get(year=2023).last


def test_a_second_run_adds_tickets_with_fresh_numbers(bureau):
    generate()
    generate()
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 160
    assert Enterprise.objects.filter(synthetic=True).count() == 30, "the same seed's enterprises are reused"


def test_the_numbers_use_the_configured_prefix(bureau, settings):
    settings.TICKET_NUMBER_PREFIX = "QS"
    generate(tickets=10)
    assert all(number.startswith("QS-") for number in Ticket.objects.values_list("number", flat=True))


def test_an_empty_database_gets_sample_counties(db):
    generate(enterprises=5, tickets=5, visits=5)
    assert Enterprise.objects.filter(county__name__startswith="样例县").count() == 5


@pytest.mark.parametrize(
    "arguments",
    [
        ["--enterprises", "-1"],
        ["--tickets", "-5"],
        ["--enterprises", "0", "--tickets", "3"],
        ["--seed", "100"],
        ["--seed", "-1"],
    ],
)
def test_the_command_refuses_bad_arguments(bureau, arguments):
    with pytest.raises(CommandError):
        call_command("generate_scale_data", *arguments, stdout=StringIO())
    assert not Ticket.objects.exists()
