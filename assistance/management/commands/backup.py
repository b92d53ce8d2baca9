"""`manage.py backup DIR`: the database and every stored file, with a manifest of their checksums."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from assistance.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and every file storage into DIR (a new or empty directory)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path, help="where to write the backup; created if missing")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database alias to back up")

    def handle(self, *args, directory: Path, database: str, **options) -> None:
        try:
            summary = backup_create(directory=directory, database=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {summary.vendor} database and {summary.files} files ({summary.bytes} bytes) "
                f"into {directory}."
            )
        )
