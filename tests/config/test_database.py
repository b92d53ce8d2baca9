"""The database settings: SQLite takes concurrent writers the way the served site meets them."""

import datetime
import threading

import pytest
from django.conf import settings
from django.db import connection

from assistance import services
from assistance.models import Ticket, TicketCategory
from tests.factories import EnterpriseFactory

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's locking; PostgreSQL has its own test")


@on_sqlite
def test_sqlite_connections_use_wal_a_busy_timeout_and_immediate_transactions():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 10
    assert options["transaction_mode"] == "IMMEDIATE"


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_the_test_database_is_a_file_in_wal_mode():
    assert connection.settings_dict["NAME"] != ":memory:"
    assert "mode=memory" not in str(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_thirty_six_inspectors_opening_tickets_at_once_all_get_one():
    # Transactional tests start from whatever an earlier one left; make what this test needs.
    category, _ = TicketCategory.objects.get_or_create(code="metrology", defaults={"name": "计量"})
    enterprise = EnterpriseFactory()
    connection.close()
    threads_count = 36
    opened_at = datetime.datetime(2028, 3, 1, 9, tzinfo=datetime.UTC)
    barrier = threading.Barrier(threads_count)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        try:
            barrier.wait()
            ticket = services.ticket_create(
                user=None, enterprise=enterprise, category=category, title=f"并发{i}", opened_at=opened_at
            )
            with lock:
                numbers.append(ticket.number)
        except BaseException as error:  # reported by the main thread
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(numbers) == len(set(numbers)) == threads_count
    assert Ticket.objects.filter(number__startswith="TS-2028-").count() == threads_count
