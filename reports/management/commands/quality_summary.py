import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clusters.models import Region
from reports.summary import ROUNDING_ARTICLES, quality_summary, summary_charts, summary_paragraph, summary_rows
from reports.word import summary_document


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
        parser.add_argument("--format", choices=["json", "text", "docx"], default="text")
        parser.add_argument("--output", help="the file to write (required with --format docx)")
        parser.add_argument("--base-year", type=int, help="compare with the end of this year (Word report)")
        parser.add_argument(
            "--rounding", choices=[ROUNDING_ARTICLES], help="round the paragraph's larger counts as the articles do"
        )

    def handle(
        self,
        *args,
        region: str,
        as_of: str | None,
        since: str | None,
        format: str,
        output: str | None = None,
        base_year: int | None = None,
        rounding: str | None = None,
        **options,
    ):
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(f"No region has the division code {region!r}.")
        as_of_date = _date(as_of) if as_of else timezone.localdate()
        since_date = _date(since) if since else None
        if since_date and since_date > as_of_date:
            raise CommandError("--since must not be later than --as-of.")
        if format == "docx" and not output:
            raise CommandError("--format docx needs --output FILE.")
        if base_year and datetime.date(base_year, 12, 31) >= as_of_date:
            raise CommandError("--base-year must end before --as-of.")
        summary = quality_summary(found, as_of=as_of_date, since=since_date)
        if format == "json":
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
        elif format == "text":
            self.stdout.write(summary_paragraph(summary, rounding=rounding))
        else:
            base = None
            if base_year:
                base = quality_summary(found, as_of=datetime.date(base_year, 12, 31), clusters_as_of=as_of_date)
            rows = summary_rows(summary, base)
            document = summary_document(
                summary=summary,
                rows=rows,
                paragraph=summary_paragraph(summary, rounding=rounding),
                base_year=base_year,
                charts=summary_charts(rows, base_year, as_of_date),
            )
            with open(output, "wb") as handle:
                handle.write(document)
            self.stdout.write(f"Wrote {output}.")
