"""The short fault run of the PostgreSQL pass: 10 users for 15 s, and the database restarted under them.

It starts a PostgreSQL server of its own (restarting the pass's server would cut the other tests'
connections) and gunicorn with the production settings, exactly as `make loadtest LOAD_FAULT=1` does
at full size. The rule: during the outage every request gets the 503 page (no other 5xx, no hang),
a signed-in page answers again within 10 s of the database's return, and no write is left half done.
"""

import pytest
from django.db import connection

from tests.pgserver import find_bindir

from .load.harness import RECOVERY_LIMIT, LoadConfig, run

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a fault run on PostgreSQL: the PostgreSQL pass runs it"
    ),
]


def test_a_database_restart_under_load_costs_only_503_pages_and_no_half_done_write(tmp_path):
    if find_bindir() is None:
        pytest.fail("The PostgreSQL pass runs with the PostgreSQL server binaries; none were found.")
    config = LoadConfig(
        users=10,
        duration=15,
        tickets=2000,
        fault=True,
        fault_at=5,
        outage=3,
        think=(0.3, 1.0),
        out_dir=tmp_path,
        gunicorn_workers=2,
    )
    report = run(config, log=lambda line: None)
    fault = report["fault"]

    assert report["signed_in"] == 10
    assert report["load"]["requests"] > 50
    assert fault["rule_broken_by"] == [], fault
    assert fault["unavailable_pages_shown"] > 0, fault  # the outage was seen, as the 503 page
    assert fault["recovery_seconds"] is not None and fault["recovery_seconds"] <= RECOVERY_LIMIT, fault
    assert fault["unavailable_after_recovery_window"] == 0, fault
    assert set(report["load"]["errors_by_kind"]) <= {"HTTP 503"}, report["load"]["errors_by_kind"]
    assert report["scenario_failures"] == {}, report["scenario_failures"]
    assert report["integrity"]["passed"], report["integrity"]["output"]
