"""Rows per second of the enterprise import at 5,000 rows (or the sizes given), on a fresh SQLite database.

Not part of the test suite (speed is measured here, never asserted in tests). Run:

    .venv/bin/python tests/benchmarks/import_speed.py            # 5,000 rows
    .venv/bin/python tests/benchmarks/import_speed.py 1000 20000

For each size it migrates a new database, writes a workbook of that many enterprises with openpyxl and
times (wall clock, and CPU time of the process, which holds SQLite too): reading and planning the file (what the preview costs), the first import (every row created),
the same file again (every row unchanged, nothing written) and a file renaming every enterprise
(every row updated). Each figure is rows per second over the whole step, reading the file included.
"""

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def measure(size: int, database_url: str) -> dict:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.development"
    os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from openpyxl import Workbook

    from assistance.imports.planning import ENTERPRISE_COLUMNS, plan_import
    from assistance.imports.reading import read_spreadsheet
    from assistance.imports.services import import_file
    from clusters.models import Cluster, Region, User
    from clusters.validators import CREDIT_CODE_CHARSET, credit_code_check_character

    province = Region.objects.create(name="河北省", code="130000", level="province")
    city = Region.objects.create(name="唐山市", code="130200", level="city", parent=province)
    county = Region.objects.create(name="迁安市", code="130283", level="county", parent=city)
    Cluster.objects.create(name="迁安市钢铁产业集群", county=county, industry="钢铁")
    user = User.objects.create(username="bench_manager", jurisdiction=city, is_superuser=True)

    def code(n: int) -> str:
        body = ""
        for _ in range(9):
            n, digit = divmod(n, len(CREDIT_CODE_CHARSET))
            body = CREDIT_CODE_CHARSET[digit] + body
        return "91130283" + body + credit_code_check_character("91130283" + body)

    def workbook(prefix: str) -> bytes:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("企业")
        sheet.append([column.header for column in ENTERPRISE_COLUMNS])
        for i in range(size):
            sheet.append(
                [f"{prefix}{i}有限公司", code(i + 1), "迁安市", "迁安市钢铁产业集群", "中型", "否", f"迁安市{i}号"]
            )
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    results = {"rows": size}
    first, renamed = workbook("唐山测试企业"), workbook("改名测试企业")
    started = time.monotonic()
    plan = plan_import(user=user, sheets=read_spreadsheet(io.BytesIO(first), "bench.xlsx"), file_name="bench.xlsx")
    results["preview_rows_per_second"] = round(size / (time.monotonic() - started))
    assert plan.totals()["create"] == size, plan.totals()
    for step, data, expected in (
        ("create", first, "create"),
        ("unchanged", first, "unchanged"),
        ("update", renamed, "update"),
    ):
        with CaptureQueriesContext(connection) as queries:
            started, cpu = time.monotonic(), time.process_time()
            plan = import_file(user=user, handle=io.BytesIO(data), name="bench.xlsx")
            seconds, cpu = time.monotonic() - started, time.process_time() - cpu
        assert plan.totals()[expected] == size, plan.totals()
        results[f"{step}_rows_per_second"] = round(size / seconds)
        # SQLite runs in this process, so CPU time is the work itself, without a shared machine's waits.
        results[f"{step}_rows_per_cpu_second"] = round(size / cpu)
        results[f"{step}_queries"] = len(queries)
    return results


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [5000]
    for size in sizes:
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite:///{Path(directory) / 'imports.sqlite3'}"
            env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.development"}
            subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True)
            code = f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); from tests.benchmarks.import_speed import measure; print(json.dumps(measure({size}, {url!r})))"
            subprocess.run([sys.executable, "-c", code], env=env, check=True)


if __name__ == "__main__":
    main()
