"""Figures kept between requests until the records they count change.

A report over a year of tickets reads every ticket of the year, however well indexed: its cost grows
with the rows. Such figures (the service report, a cluster's report, the manager's home figures, the
number of rows of a list) are kept in the cache under the current *records version*, a token that
every save, delete or many-to-many change of the registry's or the bureau's records replaces when its
transaction commits (and at once for the connection that wrote, if it kept a figure meanwhile). A page
asked for again before anything changed reads its figures back; after any change they are counted
afresh. Writes that bypass the model signals (bulk loads by the scale-data command) replace the token
themselves, and every kept figure also expires after FIGURES_CACHE_SECONDS, which bounds how stale a
figure can be when several app servers do not share one cache.

Within one request each version is read from the cache once (a page may keep several figures) and is
replaced there when the request's own writes give a new one; a change another request commits meanwhile
is seen from the next request on, as if the page had read every figure when it began.
"""

import hashlib
import threading
import uuid
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.signals import request_finished, request_started
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "figures:version"
TRACKED_APPS = ("clusters", "assistance")
# Records no figure counts: the resubmission guard's tokens, API tokens, the ticket number counter, the inbox,
# uploaded lists.
UNTRACKED = {
    ("clusters", "formsubmission"),
    ("clusters", "apitoken"),
    ("assistance", "ticketcounter"),
    ("assistance", "notification"),
    ("assistance", "notificationpreference"),
    ("assistance", "spreadsheetimport"),
}


# The versions read during the request this thread is answering; None outside a request (commands, the
# worker, the shell), which read the cache each time.
_request = threading.local()


def _begin_request(**kwargs) -> None:
    _request.versions = {}


def _end_request(**kwargs) -> None:
    _request.versions = None


request_started.connect(_begin_request, dispatch_uid="figures-versions-begin")
request_finished.connect(_end_request, dispatch_uid="figures-versions-end")


def _read_version(key: str) -> str:
    """The version under `key`: as read earlier in this request, or from the cache (made if missing)."""
    versions = getattr(_request, "versions", None)
    if versions is not None and key in versions:
        return versions[key]
    version = cache.get(key)
    if version is None:
        made = uuid.uuid4().hex
        cache.add(key, made, None)
        version = cache.get(key, made)
    if versions is not None:
        versions[key] = version
    return version


def _write_version(key: str) -> None:
    version = uuid.uuid4().hex
    cache.set(key, version, None)
    versions = getattr(_request, "versions", None)
    if versions is not None:
        versions[key] = version


def _database() -> str:
    """Which database the figures count, so that two sites sharing a cache never read each other's."""
    return hashlib.sha1(repr(connection.settings_dict.get("NAME")).encode()).hexdigest()[:12]


def _version_key() -> str:
    return f"{VERSION_KEY}:{_database()}"


def records_version() -> str:
    return _read_version(_version_key())


def _new_version() -> None:
    _write_version(_version_key())


def records_changed(*, using: str | None = None) -> None:
    """Give the records a new version once the change commits, and at once where the change can be seen.

    Other connections see the change when it commits: one new version then, however many rows the
    transaction wrote. The writing connection sees it at once, so if it kept a figure since its last
    change (a test, or a page that writes and then reads figures), the version is replaced now too.
    """
    connection = transaction.get_connection(using)
    if getattr(connection, "figures_kept", False):
        connection.figures_kept = False
        _new_version()
    if not connection.in_atomic_block:
        _new_version()
    elif not any(callback is _new_version for _, callback, _ in connection.run_on_commit):
        transaction.on_commit(_new_version, using=using)


def kept(name: str, key: Any, compute: Callable[[], Any]) -> Any:
    """The figure `name` for `key` (anything with a stable repr) as last computed for this records version."""
    digest = hashlib.sha1(repr(key).encode()).hexdigest()
    cache_key = f"figures:{_database()}:{name}:{records_version()}:{digest}"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, settings.FIGURES_CACHE_SECONDS)
        transaction.get_connection().figures_kept = True
    return value


def _changes_key(name: str) -> str:
    return f"changes:{name}:{_database()}"


def changes_of(name: str) -> str:
    """The current version of a set of records outside the records version (the inbox, say)."""
    return _read_version(_changes_key(name))


def changed(name: str, *, using: str | None = None) -> None:
    """A new version of `name` now, for the connection that wrote, and again once its transaction commits,
    for any other that read the old records meanwhile and kept what it found under the new version."""

    def renew() -> None:
        _write_version(_changes_key(name))

    renew()
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(renew, using=using)


def kept_until_changed(name: str, key: Any, compute: Callable[[], Any]) -> Any:
    """`name` for `key` as last computed while `changes_of(name)` stays the same (and for at most
    FIGURES_CACHE_SECONDS, which bounds it where app servers do not share one cache)."""
    digest = hashlib.sha1(repr(key).encode()).hexdigest()
    cache_key = f"kept:{_database()}:{name}:{changes_of(name)}:{digest}"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, settings.FIGURES_CACHE_SECONDS)
    return value


def query_key(queryset) -> str:
    """The SQL of a queryset, to key what is kept about it; a query that can match nothing has no SQL."""
    try:
        return str(queryset.query)
    except EmptyResultSet:
        return f"<no rows of {queryset.model._meta.label}>"


def is_tracked(model) -> bool:
    meta = model._meta
    return meta.app_label in TRACKED_APPS and (meta.app_label, meta.model_name) not in UNTRACKED


def _on_change(sender, using=None, **kwargs) -> None:
    records_changed(using=using)


def track_changes() -> None:
    """Connect the records version to every tracked model, its history and its many-to-many tables."""
    for label in TRACKED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if not is_tracked(model):
                continue
            uid = f"figures-{model._meta.label_lower}"
            post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}-delete")
            m2m_changed.connect(_on_change, sender=model, dispatch_uid=f"{uid}-m2m")
