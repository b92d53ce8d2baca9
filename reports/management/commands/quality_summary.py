import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clusters.models import Region
from reports.summary import quality_summary, summary_paragraph


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (use YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Print the programme summary of a region, counted from the records."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="GB/T 2260 division code, e.g. 130200")
        parser.add_argument("--as-of", help="count records dated up to this day (default: today)")
        parser.add_argument("--since", help="count only records dated from this day")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, region: str, as_of: str | None, since: str | None, format: str, **options):
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(f"No region has the division code {region!r}.")
        as_of_date = _date(as_of) if as_of else timezone.localdate()
        since_date = _date(since) if since else None
        if since_date and since_date > as_of_date:
            raise CommandError("--since must not be later than --as-of.")
        summary = quality_summary(found, as_of=as_of_date, since=since_date)
        if format == "json":
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(summary_paragraph(summary))
