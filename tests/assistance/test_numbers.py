"""Ticket numbers: TS-<year>-<6 digits>, one sequence per year, never twice the same."""

import datetime
import re
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from assistance import services
from assistance.models import Ticket, TicketCategory, TicketCounter
from tests.factories import EnterpriseFactory

from .factories import TicketFactory

NUMBER = re.compile(r"^TS-(\d{4})-(\d{6})$")


def _at(year, month=6, day=1, hour=12):
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_numbers_are_ts_year_and_six_digits(enterprise):
    ticket = TicketFactory(enterprise=enterprise, opened_at=_at(2025))
    assert NUMBER.match(ticket.number)
    assert ticket.number == "TS-2025-000001"


@pytest.mark.django_db
def test_numbers_run_in_sequence_within_each_year(enterprise):
    numbers = [TicketFactory(enterprise=enterprise, opened_at=_at(year)).number for year in (2025, 2025, 2026, 2025)]
    assert numbers == ["TS-2025-000001", "TS-2025-000002", "TS-2026-000001", "TS-2025-000003"]
    assert TicketCounter.objects.get(year=2025).last == 3


@pytest.mark.django_db
def test_the_year_is_the_local_year_in_tangshan(enterprise):
    # 2025-12-31 17:00 UTC is already 2026-01-01 01:00 in Beijing time.
    ticket = TicketFactory(enterprise=enterprise, opened_at=_at(2025, 12, 31, 17))
    assert ticket.number == "TS-2026-000001"


@pytest.mark.django_db
def test_the_prefix_comes_from_the_settings(settings, enterprise):
    settings.TICKET_NUMBER_PREFIX = "QA"
    assert TicketFactory(enterprise=enterprise, opened_at=_at(2025)).number == "QA-2025-000001"


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_number(enterprise):
    ticket = TicketFactory(enterprise=enterprise)
    duplicate = Ticket(
        number=ticket.number,
        enterprise=enterprise,
        category=ticket.category,
        title="重复编号",
        due_at=ticket.due_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.django_db
def test_a_failed_creation_does_not_use_up_a_number(enterprise):
    TicketFactory(enterprise=enterprise, opened_at=_at(2025))
    with pytest.raises(IntegrityError), transaction.atomic():
        services.ticket_create(user=None, enterprise=enterprise, category=None, title="缺少类别", opened_at=_at(2025))
    assert TicketFactory(enterprise=enterprise, opened_at=_at(2025)).number == "TS-2025-000002"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_get_distinct_consecutive_numbers():
    # Transactional tests start from whatever an earlier one left; make what this test needs.
    category, _ = TicketCategory.objects.get_or_create(code="metrology", defaults={"name": "计量"})
    enterprise = EnterpriseFactory()
    threads_count, per_thread = 8, 5
    barrier = threading.Barrier(threads_count)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work():
        try:
            barrier.wait()
            for i in range(per_thread):
                ticket = services.ticket_create(
                    user=None, enterprise=enterprise, category=category, title=f"并发{i}", opened_at=_at(2027)
                )
                with lock:
                    numbers.append(ticket.number)
        except BaseException as error:  # reported by the main thread
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(numbers) == len(set(numbers)) == threads_count * per_thread
    sequence = sorted(int(NUMBER.match(n).group(2)) for n in numbers)
    assert sequence == list(range(1, threads_count * per_thread + 1))
    assert Ticket.objects.filter(number__startswith="TS-2027-").count() == threads_count * per_thread
