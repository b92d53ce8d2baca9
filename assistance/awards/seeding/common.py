"""What the award loaders share: the seed files they read, their local times and the names they look up."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from clusters.seeding import SeedError, find

from ...seeding import TANGSHAN_TZ

AWARD_FILES = ("sources", "assistance", "awards")


def local(moment: dt.datetime | dt.date) -> dt.datetime:
    """A TOML local date-time as a moment in Tangshan."""
    if not isinstance(moment, dt.datetime):
        raise SeedError(f"{moment!r} in awards.toml must be a local date-time such as 2021-05-20T15:30:00.")
    if moment.tzinfo is not None:
        raise SeedError(f"{moment!r} in awards.toml must be a local time, without an offset.")
    return moment.replace(tzinfo=TANGSHAN_TZ)


def _get(index: Mapping[Any, Any], key: Any, what: str) -> Any:
    return find(index, key, what, where="awards.toml")
