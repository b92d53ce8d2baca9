"""Background jobs of the reports app: large list exports."""

from django_tasks import task

from .downloads import export_write


@task()
def run_export(*, export_id: int) -> int:
    """Write one export's file; returns the rows written. A failure marks the export failed and fails the job."""
    return export_write(export_id=export_id).rows
