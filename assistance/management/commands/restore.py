"""`manage.py restore DIR`: put back a backup's database and files after checking every checksum."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from assistance.backups import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "Restore the database and the stored files from a backup made by `manage.py backup`."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path, help="the backup's directory")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database alias to restore into")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="do not ask for confirmation"
        )

    def handle(self, *args, directory: Path, database: str, interactive: bool = True, **options) -> None:
        try:
            manifest = backup_verify(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        name = connections[database].settings_dict["NAME"]
        self.stdout.write(
            f"The backup of {manifest['created_at']} ({len(manifest['files'])} files) checks out against its manifest."
        )
        if interactive:
            answer = input(
                f"This replaces every table of the database {name} and overwrites files of the same name.\n"
                "Type 'yes' to go on: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        try:
            summary = backup_restore(directory=directory, database=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        message = f"Restored the {summary.vendor} database and {summary.files} files ({summary.bytes} bytes)."
        if summary.untouched:
            message += f" {summary.untouched} files in storage that the backup does not hold were left as they were."
        self.stdout.write(self.style.SUCCESS(message))
