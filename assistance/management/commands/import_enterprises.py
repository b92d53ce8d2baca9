"""`manage.py import_enterprises FILE [--dry-run] [--as USERNAME]`: import a county's list as the page does."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from assistance.imports.planning import Action, ImportPlan
from assistance.imports.reading import ImportFileError
from assistance.imports.services import import_file
from clusters.models import User


class Command(BaseCommand):
    help = (
        "Import enterprises, or their honours, standards, trademarks and designations, from an .xlsx or .csv file "
        "laid out as the page's templates; print what each row does. Nothing is written if any row has an error."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="the .xlsx or .csv file")
        parser.add_argument("--dry-run", action="store_true", help="print the report and write nothing")
        parser.add_argument(
            "--as",
            dest="username",
            help="import as this user, within their jurisdiction and recorded in the history "
            "(they need the import permission); without it, every county is in reach",
        )

    def handle(self, *args, file: Path, dry_run: bool, username: str | None, **options) -> None:
        user = None
        if username:
            user = User.objects.select_related("jurisdiction").filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user is called {username!r}.")
            if not user.has_perm("assistance.import_enterprises"):
                raise CommandError(f"{username} may not import enterprises.")
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        try:
            with file.open("rb") as handle:
                plan = import_file(user=user, handle=handle, name=file.name, dry_run=dry_run)
        except ImportFileError as error:
            raise CommandError(error.message) from error
        except IntegrityError as error:
            raise CommandError(
                f"Nothing was imported: a record was written meanwhile ({error}); run it again."
            ) from error
        self.report(plan)
        if plan.has_errors:
            raise CommandError(_("Nothing was imported: correct the rows with errors in the file and run it again."))
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported.")))

    def report(self, plan: ImportPlan) -> None:
        for message in plan.file_errors:
            self.stdout.write(self.style.ERROR(message))
        for row in plan.rows:
            line = _("%(sheet)s row %(row)d: %(action)s %(key)s %(label)s") % {
                "sheet": row.sheet,
                "row": row.number,
                "action": Action.LABELS[row.action],
                "key": row.key,
                "label": row.label,
            }
            self.stdout.write(line.rstrip())
            for column, message in row.errors:
                self.stdout.write(f"    {column}：{message}" if column else f"    {message}")
            for column, old, new in row.changes:
                self.stdout.write(f"    {column}：{old} → {new}")
        totals = plan.totals()
        self.stdout.write(
            _("Total: %(create)d to create, %(update)d to update, %(unchanged)d unchanged, %(error)d with errors.")
            % totals
        )
