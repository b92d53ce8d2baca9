"""`manage.py import_enterprises`: the same rules as the page, a per-row report and totals."""

import pytest
from django.core.management import CommandError, call_command

from clusters.models import Enterprise
from tests.factories import UserFactory, make_credit_code

from .spreadsheets import enterprise_row, enterprises_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(tmp_path, county, other_county, enterprise):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(
        enterprises_xlsx(
            [
                enterprise_row("迁安新材料有限公司", make_credit_code(), size="中型"),
                enterprise_row("丰润新企业", make_credit_code(), county="丰润区"),
                enterprise_row("首钢智新电磁材料（迁安）有限公司", enterprise.credit_code),
            ]
        )
    )
    return path


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_enterprises", *map(str, args), stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_every_row_and_the_totals_and_writes_nothing(listing, enterprise):
    out = run(listing, "--dry-run")

    assert "企业 第2行：新建" in out and "企业 第3行：新建" in out and "企业 第4行：更新" in out
    assert "    企业名称：首钢智新迁安电磁材料有限公司 → 首钢智新电磁材料（迁安）有限公司" in out
    assert "合计：新建 2 条，更新 1 条，无变化 0 条，错误 0 条。" in out
    assert "试运行：未写入任何数据。" in out
    assert list(Enterprise.objects.values_list("name", flat=True)) == [enterprise.name]
    assert enterprise.history.count() == 1


def test_the_command_imports_and_a_second_run_changes_nothing(listing):
    assert "已导入。" in run(listing)
    assert Enterprise.objects.count() == 3
    histories = Enterprise.history.count()

    out = run(listing)

    assert "合计：新建 0 条，更新 0 条，无变化 3 条，错误 0 条。" in out
    assert Enterprise.history.count() == histories


def test_as_a_county_manager_the_other_county_is_an_error_and_nothing_is_written(listing, county, enterprise):
    UserFactory(username="qianan_manager", jurisdiction=county, groups=["manager"])
    with pytest.raises(CommandError, match="未导入任何数据"):
        run(listing, "--as", "qianan_manager")
    assert list(Enterprise.objects.values_list("name", flat=True)) == [enterprise.name]


def test_the_report_names_the_row_and_column_of_an_error(listing, county, capsys):
    UserFactory(username="qianan_manager", jurisdiction=county, groups=["manager"])
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_enterprises", str(listing), "--as", "qianan_manager", stdout=out)
    assert "企业 第3行：错误" in out.getvalue()
    assert "    所属县区：丰润区不在您的管辖范围（迁安市）内。" in out.getvalue()


def test_a_user_without_the_import_permission_is_refused(listing, inspector):
    with pytest.raises(CommandError, match="may not import"):
        run(listing, "--as", inspector.username)
    with pytest.raises(CommandError, match="No active user"):
        run(listing, "--as", "nobody")
