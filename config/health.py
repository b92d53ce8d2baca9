"""`/health/`: whether this app server can do its work, for the load balancer in front of it.

A small view rather than django-health-check: it adds no apps or tables, it checks exactly the three
things this service depends on (the database answers, every file storage takes a write, no migration is
waiting) and it answers with a fixed, short JSON body that the proxy and the operators can rely on.
Every failure is a 503 naming the check that failed; the reason itself goes to the log, not to the
response, so the body never carries connection details.
"""

import logging
import uuid
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from assistance.backups import file_storage_aliases

logger = logging.getLogger(__name__)

OK = "ok"
NOT_CHECKED = "not checked"


class CheckFailed(Exception):
    """A check's short, public reason for failing."""


def check_database() -> None:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        logger.warning("Health check: the database does not answer: %s", error)
        raise CheckFailed("unreachable") from error


def check_storage() -> None:
    failed = []
    for alias in file_storage_aliases():
        storage = storages[alias]
        try:
            name = storage.save(f"health/probe-{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
            storage.delete(name)
        except Exception as error:
            logger.warning("Health check: the %s storage is not writable: %s", alias, error)
            failed.append(alias)
    if failed:
        raise CheckFailed(f"not writable: {', '.join(failed)}")


def check_migrations() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        logger.warning("Health check: the migrations could not be read: %s", error)
        raise CheckFailed("unknown") from error
    if plan:
        names = sorted(f"{migration.app_label}.{migration.name}" for migration, _backwards in plan)
        logger.warning("Health check: %d migrations are not applied: %s", len(names), ", ".join(names))
        raise CheckFailed(f"{len(names)} unapplied")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "storage": check_storage,
    "migrations": check_migrations,
}


def run_checks() -> dict[str, str]:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name == "migrations" and results.get("database") != OK:
            results[name] = NOT_CHECKED  # it needs the database
            continue
        try:
            check()
        except CheckFailed as failure:
            results[name] = str(failure)
        else:
            results[name] = OK
    return results


@login_not_required
@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """200 when every check passes, else 503 with the failing checks named in `failed`."""
    checks = run_checks()
    failed = [name for name, result in checks.items() if result not in (OK, NOT_CHECKED)]
    body = {"status": "error" if failed else "ok", "checks": checks}
    if failed:
        body["failed"] = failed
    response = JsonResponse(body, status=503 if failed else 200)
    # The failing check was logged above as a warning. Django would log every 503 as an error as well,
    # which mails the administrators once per probe of the load balancer, every few seconds.
    response._has_been_logged = True
    return response
