"""Delete the export files whose time is up (EXPORT_RETENTION_DAYS); run it daily (cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from reports.downloads import exports_delete_expired


class Command(BaseCommand):
    help = "Delete expired list exports and their stored files."

    def handle(self, *args, **options):
        count = exports_delete_expired()
        self.stdout.write(f"Deleted {count} expired export(s).")
