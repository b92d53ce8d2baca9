"""Local calendar days as timestamp ranges, so that date filters on timestamps can use their indexes.

`opened_at__date__gte=day` casts every row's timestamp to a local date: no index serves it and the
planner misjudges how many rows match. The same filter as a range on the timestamp itself, from the
local midnight that starts the first day to the one that ends the last, reads the index.
"""

import datetime

from django.utils import timezone


def day_start(day: datetime.date) -> datetime.datetime:
    """The local midnight at which the day begins, as an aware timestamp."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def day_range(
    since: datetime.date | None, until: datetime.date | None
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """[start, end) of the local days from `since` to `until`, both included; None leaves that end open."""
    start = day_start(since) if since else None
    end = day_start(until + datetime.timedelta(days=1)) if until else None
    return start, end


def within_days(field: str, since: datetime.date | None, until: datetime.date | None) -> dict:
    """Filter arguments for `field` (a timestamp) on the local days from `since` to `until`."""
    start, end = day_range(since, until)
    return {
        **({f"{field}__gte": start} if start else {}),
        **({f"{field}__lt": end} if end else {}),
    }
