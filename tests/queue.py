"""The real queue in tests: jobs wait in the database until the worker command runs them.

The test settings run jobs at once (ImmediateBackend); a test that uses the `database_queue` fixture
enqueues on django-tasks-db's DatabaseBackend instead and calls `run_worker()` to run `db_worker`
in-process, as production's worker would.
"""

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def run_worker() -> None:
    """Run every job that is due, then return (`db_worker --batch`)."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def make_due() -> None:
    """Let the jobs that wait for a later time run now, as if that time had come."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


@pytest.fixture
def database_queue(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker drops stale connections between jobs; inside the test's transaction that would end it.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    return run_worker
