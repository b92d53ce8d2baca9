"""Importing enterprises and their holdings: the per-row report, the rules it checks, and the write."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assistance.imports import services
from assistance.imports.planning import Action
from assistance.imports.reading import ImportFileError
from assistance.imports.services import import_file
from clusters.models import Designation, Enterprise, Honour, Region, Standard, StandardRole, Trademark
from clusters.validators import validate_credit_code
from tests.factories import EnterpriseFactory, StandardFactory, UserFactory, make_credit_code

from .spreadsheets import HOLDING_HEADERS, csv_bytes, enterprise_row, enterprises_xlsx, xlsx_bytes

pytestmark = pytest.mark.django_db

MISSING = "此列为必填项，单元格为空。"


def run(user, data: bytes, name: str = "名单.xlsx", dry_run: bool = False):
    return import_file(user=user, handle=io.BytesIO(data), name=name, dry_run=dry_run)


def report(plan) -> list[tuple]:
    return [(row.number, row.action, row.errors) for row in plan.rows]


def rule_message(code: str) -> str:
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    return " ".join(error.value.messages)


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not-a-workbook/>")
    return out.getvalue()


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.fixture(autouse=True)
def counties(county, other_county):
    """迁安市 and 丰润区 of 唐山市, which every list names."""


@pytest.fixture
def outside_county(province) -> Region:
    """A county of another city: outside the Tangshan manager's jurisdiction."""
    shijiazhuang = Region.objects.create(name="石家庄市", code="130100", level=Region.Level.CITY, parent=province)
    return Region.objects.create(name="长安区", code="130102", level=Region.Level.COUNTY, parent=shijiazhuang)


@pytest.fixture
def county_manager(county):
    """A manager of 迁安市 only."""
    return UserFactory(username="qianan_manager", jurisdiction=county, groups=["manager"])


# Enterprises


def test_a_new_credit_code_creates_an_enterprise_with_its_history(manager, cluster):
    code = make_credit_code()
    row = enterprise_row(
        "迁安新材料有限公司", code, cluster=cluster.name, size="中型", is_leading="是", address="迁安市某路"
    )
    plan = run(manager, enterprises_xlsx([row]))

    assert report(plan) == [(2, Action.CREATE, [])]
    enterprise = Enterprise.objects.get(credit_code=code)
    assert (enterprise.name, enterprise.county, enterprise.cluster) == ("迁安新材料有限公司", cluster.county, cluster)
    assert (enterprise.size, enterprise.is_leading, enterprise.address) == ("medium", True, "迁安市某路")
    assert (enterprise.version, enterprise.updated_by) == (1, manager)
    history = enterprise.history.get()
    assert (history.history_type, history.history_user, history.history_change_reason) == (
        "+",
        manager,
        "导入自 名单.xlsx",
    )


def test_a_known_credit_code_updates_the_enterprise_and_names_the_changed_fields(manager, enterprise, cluster):
    row = enterprise_row("首钢智新电磁材料（迁安）有限公司", enterprise.credit_code, cluster=cluster.name, size="大型")
    plan = run(manager, enterprises_xlsx([row]))

    assert report(plan) == [(2, Action.UPDATE, [])]
    assert plan.rows[0].changes == [
        ("企业名称", "首钢智新迁安电磁材料有限公司", "首钢智新电磁材料（迁安）有限公司"),
        ("企业规模", "小型", "大型"),
    ]
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.size, enterprise.version, enterprise.updated_by) == (
        "首钢智新电磁材料（迁安）有限公司",
        "large",
        2,
        manager,
    )
    assert enterprise.history.filter(history_type="~", history_user=manager).count() == 1


def test_an_empty_optional_cell_keeps_what_the_registry_holds(manager, enterprise, cluster):
    Enterprise.objects.filter(pk=enterprise.pk).update(address="迁安市钢城大街", contact_phone="0315-1234567")
    plan = run(manager, enterprises_xlsx([enterprise_row(enterprise.name, enterprise.credit_code)]))

    assert report(plan) == [(2, Action.UNCHANGED, [])]
    enterprise.refresh_from_db()
    assert (enterprise.address, enterprise.contact_phone, enterprise.cluster) == (
        "迁安市钢城大街",
        "0315-1234567",
        cluster,
    )


def test_importing_the_same_file_twice_changes_nothing_the_second_time(manager, enterprise, cluster):
    data = enterprises_xlsx(
        [
            enterprise_row("新企业甲", make_credit_code(), cluster=cluster.name),
            enterprise_row("新企业乙", make_credit_code(), size="微型", is_leading="否"),
            enterprise_row("改名后的企业", enterprise.credit_code),
        ]
    )
    first = run(manager, data)
    assert [row.action for row in first.rows] == [Action.CREATE, Action.CREATE, Action.UPDATE]
    histories = Enterprise.history.count()

    second = run(manager, data)

    assert [row.action for row in second.rows] == [Action.UNCHANGED] * 3
    assert second.totals() == {"create": 0, "update": 0, "unchanged": 3, "error": 0}
    assert Enterprise.history.count() == histories
    enterprise.refresh_from_db()
    assert enterprise.version == 2


@pytest.mark.parametrize(
    "written",
    [
        pytest.param(lambda code: f"  {code}\t", id="surrounding spaces"),
        pytest.param(lambda code: f"\u3000{fullwidth(code)}\u3000", id="full-width characters and spaces"),
        pytest.param(lambda code: code.lower(), id="lowercase"),
        pytest.param(lambda code: fullwidth(code.lower()), id="full-width lowercase"),
    ],
)
def test_credit_codes_are_normalised_before_checking(manager, written):
    code = make_credit_code(31**4 * 20 + 5)  # holds letters, so case and width matter
    assert any(c.isalpha() for c in code)
    plan = run(manager, enterprises_xlsx([enterprise_row("规范化企业", written(code))]))

    assert report(plan) == [(2, Action.CREATE, [])]
    assert plan.rows[0].key == code
    assert Enterprise.objects.filter(credit_code=code).exists()


def test_a_normalised_code_matches_the_enterprise_it_belongs_to(manager, enterprise):
    plan = run(manager, enterprises_xlsx([enterprise_row(enterprise.name, fullwidth(enterprise.credit_code.lower()))]))
    assert report(plan) == [(2, Action.UNCHANGED, [])]


@pytest.mark.parametrize(
    "bad, rule",
    [
        (make_credit_code(7)[:17], "18"),
        (make_credit_code(7)[:16] + "I" + make_credit_code(7)[17], "I"),
        (make_credit_code(7)[:17] + ("0" if make_credit_code(7)[17] != "0" else "1"), "校验"),
    ],
    ids=["length", "character", "check character"],
)
def test_a_bad_credit_code_names_its_row_column_and_the_rule_it_breaks(manager, bad, rule):
    plan = run(
        manager, enterprises_xlsx([enterprise_row("某企业", make_credit_code()), enterprise_row("错码企业", bad)])
    )

    assert report(plan) == [(2, Action.CREATE, []), (3, Action.ERROR, [("统一社会信用代码", rule_message(bad))])]
    assert rule in rule_message(bad)
    assert not Enterprise.objects.exists()  # a list with an error is written not at all


def test_a_county_may_be_given_by_its_division_code(manager, county):
    plan = run(manager, enterprises_xlsx([enterprise_row("按代码企业", make_credit_code(), county="130283")]))
    assert report(plan) == [(2, Action.CREATE, [])]
    assert Enterprise.objects.get().county == county


def test_a_county_outside_the_importers_jurisdiction_is_an_error(county_manager, other_county, other_enterprise):
    plan = run(
        county_manager,
        enterprises_xlsx(
            [
                enterprise_row("丰润企业", make_credit_code(), county="丰润区"),
                enterprise_row("换县企业", other_enterprise.credit_code, county="迁安市"),
            ]
        ),
    )
    assert report(plan) == [
        (2, Action.ERROR, [("所属县区", "丰润区不在您的管辖范围（迁安市）内。")]),
        (3, Action.ERROR, [("统一社会信用代码", "该统一社会信用代码已属于您管辖范围以外的企业。")]),
    ]


def test_a_cluster_of_another_county_is_an_error(manager, county, other_cluster):
    plan = run(manager, enterprises_xlsx([enterprise_row("跨县企业", make_credit_code(), cluster=other_cluster.name)]))
    [(number, action, errors)] = report(plan)
    assert (number, action) == (2, Action.ERROR)
    assert errors == [("产业集群", f"{other_cluster.name}位于丰润区，不在迁安市。")]


def test_a_thousand_row_list_with_mixed_errors_gives_exactly_the_expected_report(
    manager, county, cluster, outside_county
):
    renamed = [EnterpriseFactory(name=f"待改名企业{j}", cluster=cluster) for j in range(20)]
    kept = [EnterpriseFactory(name=f"不变企业{j}", cluster=cluster) for j in range(20)]
    rows, expected = [], []
    for i in range(1000):
        number, group, case = i + 2, i // 10, i % 10
        code = make_credit_code(100_000 + i)
        changes = []
        if case == 0:
            rows.append(enterprise_row(f"企业{i}", code, cluster=cluster.name))
            expected.append((number, Action.CREATE, [], []))
        elif case == 1:
            rows.append(enterprise_row(f"企业{i}", f" {fullwidth(code.lower())} "))
            expected.append((number, Action.CREATE, [], []))
        elif case == 2:
            bad = code[:17] + ("0" if code[17] != "0" else "1")
            rows.append(enterprise_row(f"企业{i}", bad))
            expected.append((number, Action.ERROR, [("统一社会信用代码", rule_message(bad))], []))
        elif case == 3:
            rows.append(enterprise_row(f"企业{i}", code, county="不存在县"))
            expected.append((number, Action.ERROR, [("所属县区", "没有名称或区划代码为“不存在县”的县区。")], []))
        elif case == 4:
            rows.append(enterprise_row(f"企业{i}", make_credit_code(100_000 + i - 4)))
            message = f"重复：与本文件第{number - 4}行重复。"
            expected.append((number, Action.ERROR, [("统一社会信用代码", message)], []))
        elif case == 5:
            rows.append(enterprise_row(f"企业{i}", code, county="长安区"))
            expected.append((number, Action.ERROR, [("所属县区", "长安区不在您的管辖范围（唐山市）内。")], []))
        elif case == 6:
            rows.append(enterprise_row("", code))
            expected.append((number, Action.ERROR, [("企业名称", MISSING)], []))
        elif case == 7:
            rows.append(enterprise_row(f"企业{i}", code, cluster="不存在集群"))
            expected.append((number, Action.ERROR, [("产业集群", "没有名为“不存在集群”的产业集群。")], []))
        elif case == 8 and group < 20:
            old = renamed[group]
            rows.append(enterprise_row(f"新名称{group}", old.credit_code))
            changes = [("企业名称", old.name, f"新名称{group}")]
            expected.append((number, Action.UPDATE, [], changes))
        elif case == 8:
            rows.append(enterprise_row(f"企业{i}", code, size="中型"))
            expected.append((number, Action.CREATE, [], []))
        elif group < 20:
            rows.append(enterprise_row(kept[group].name, kept[group].credit_code, cluster=cluster.name))
            expected.append((number, Action.UNCHANGED, [], []))
        else:
            rows.append(enterprise_row(f"企业{i}", code[:17]))
            expected.append((number, Action.ERROR, [("统一社会信用代码", rule_message(code[:17]))], []))
    before = Enterprise.history.count()

    plan = run(manager, enterprises_xlsx(rows))

    assert [(r.number, r.action, r.errors, r.changes) for r in plan.rows] == expected
    assert plan.totals() == {"create": 280, "update": 20, "unchanged": 20, "error": 680}
    assert Enterprise.objects.count() == 40 and Enterprise.history.count() == before


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_a_csv_file_in_utf8_with_a_bom_or_in_gbk_reads_the_same(manager, cluster, encoding):
    code = make_credit_code()
    rows = [enterprise_row("唐山市丰南区钢铁企业", code, cluster=cluster.name, contact_person="王经理")]
    plan = run(manager, csv_bytes(rows, encoding), name="名单.csv")

    assert report(plan) == [(2, Action.CREATE, [])]
    enterprise = Enterprise.objects.get(credit_code=code)
    assert (enterprise.name, enterprise.contact_person, enterprise.cluster) == (
        "唐山市丰南区钢铁企业",
        "王经理",
        cluster,
    )


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"not a zip", "名单.xlsx", "该文件不是可读取的 Excel 工作簿（.xlsx）。"),
        (b"\x00\x01", "名单.xls", "请上传 Excel 工作簿（.xlsx）或 CSV 文件（.csv）。"),
        (zip_bytes(), "名单.xlsx", "该文件不是可读取的 Excel 工作簿（.xlsx）。"),
        (b"\xff\xfe\x00\x81\x30", "名单.csv", "该 CSV 文件既不是 UTF-8 也不是 GBK 编码的文本。"),
    ],
    ids=["not a zip", "an old .xls", "a zip that is no workbook", "bytes that are no text"],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message(manager, data, name, message):
    with pytest.raises(ImportFileError) as error:
        run(manager, data, name=name)
    assert error.value.message == message


def test_a_sheet_without_a_required_column_is_refused_whole(manager):
    headers = ["企业名称", "统一社会信用代码"]
    plan = run(manager, enterprises_xlsx([["某企业", make_credit_code()]], headers=headers))
    assert plan.file_errors == ["工作表“企业”缺少“所属县区”列。"] and plan.has_errors
    assert not Enterprise.objects.exists()


def test_nothing_is_written_when_the_transaction_fails(manager, enterprise, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "get_history_manager_for_model", fail)
    histories = Enterprise.history.count()
    data = enterprises_xlsx(
        [enterprise_row("新企业", make_credit_code()), enterprise_row("改名", enterprise.credit_code)]
    )

    with pytest.raises(RuntimeError):
        run(manager, data)

    assert list(Enterprise.objects.values_list("name", flat=True)) == [enterprise.name]
    assert Enterprise.history.count() == histories


def test_a_dry_run_writes_nothing(manager, enterprise):
    data = enterprises_xlsx(
        [enterprise_row("新企业", make_credit_code()), enterprise_row("改名", enterprise.credit_code)]
    )
    plan = run(manager, data, dry_run=True)
    assert [row.action for row in plan.rows] == [Action.CREATE, Action.UPDATE]
    assert list(Enterprise.objects.values_list("name", flat=True)) == [enterprise.name]


def _queries(user, rows) -> int:
    data = enterprises_xlsx(rows)
    with CaptureQueriesContext(connection) as queries:
        run(user, data)
    return len(queries)


def test_an_import_writes_rows_a_batch_per_query_never_a_query_per_row(manager, cluster):
    def rows(prefix: str, count: int) -> list[list]:
        return [enterprise_row(f"{prefix}{i}", make_credit_code(), cluster=cluster.name) for i in range(count)]

    small, medium, large = rows("甲", 10), rows("乙", 40), rows("丙", 400)
    # Up to the database's batch size (SQLite binds at most 999 values a query), the count does not grow.
    assert _queries(manager, medium) == _queries(manager, small)
    assert _queries(manager, large) - _queries(manager, small) <= len(large) // 20

    # Renamed, the cluster left empty: each enterprise keeps the cluster it has.
    renamed = [[f"改{row[0]}", row[1], row[2], "", *row[4:]] for row in small]
    renamed_medium = [[f"改{row[0]}", row[1], row[2], "", *row[4:]] for row in medium]
    assert _queries(manager, renamed_medium) == _queries(manager, renamed)


# Holdings


def holdings_xlsx(**sheets: list[list]) -> bytes:
    titles = {"honours": "荣誉", "standards": "标准", "trademarks": "商标", "designations": "认定"}
    return xlsx_bytes({titles[kind]: (HOLDING_HEADERS[kind], rows) for kind, rows in sheets.items()})


@pytest.fixture
def holdings(enterprise):
    code = enterprise.credit_code
    StandardFactory(number="GB/T 19580-2012", title="卓越绩效评价准则", level="national", year=2012)
    return holdings_xlsx(
        honours=[[code, "省政府质量奖", "河北省政府质量奖", "2021", "2021-12-01", "省政府文件"]],
        standards=[
            [code, "GB/T 19580-2012", "", "", "", "牵头", "2012-03-09", ""],
            [code, "T/CISA 100-2021", "钢铁行业团体标准", "团体", "2021", "", "2021/05/10", ""],
        ],
        trademarks=[[code, "首钢", "驰名商标", "1234567", "2020年6月1日", ""]],
        designations=[[code, "专精特新小巨人", "2022-08-01", ""]],
    )


def test_holdings_are_created_on_the_enterprise_their_credit_code_names(manager, enterprise, holdings):
    plan = run(manager, holdings, name="荣誉.xlsx")

    assert [(row.sheet, row.number, row.action) for row in plan.rows] == [
        ("荣誉", 2, Action.CREATE),
        ("标准", 2, Action.CREATE),
        ("标准", 3, Action.CREATE),
        ("商标", 2, Action.CREATE),
        ("认定", 2, Action.CREATE),
    ]
    honour = Honour.objects.get()
    assert (honour.enterprise, honour.kind, honour.year, honour.date) == (
        enterprise,
        "provincial_quality_award",
        2021,
        datetime.date(2021, 12, 1),
    )
    roles = {r.standard.number: r.role for r in StandardRole.objects.filter(enterprise=enterprise)}
    assert roles == {"GB/T 19580-2012": "lead", "T/CISA 100-2021": "participant"}
    new = Standard.objects.get(number="T/CISA 100-2021")
    assert (new.level, new.year, new.history.count()) == ("group", 2021, 1)
    trademark = Trademark.objects.get()
    assert (trademark.kind, trademark.date, trademark.source) == (
        "well_known",
        datetime.date(2020, 6, 1),
        "导入自 荣誉.xlsx",
    )
    assert Designation.objects.get().kind == "national_little_giant"
    assert Honour.history.get().history_user == manager


def test_importing_the_same_holdings_twice_changes_nothing_the_second_time(manager, holdings):
    run(manager, holdings)
    counts = [model.history.count() for model in (Honour, StandardRole, Standard, Trademark, Designation)]

    plan = run(manager, holdings)

    assert {row.action for row in plan.rows} == {Action.UNCHANGED}
    assert [model.history.count() for model in (Honour, StandardRole, Standard, Trademark, Designation)] == counts


def test_a_changed_holding_is_an_update_of_the_fields_that_changed(manager, enterprise):
    code = enterprise.credit_code
    run(
        manager, holdings_xlsx(honours=[[code, "市政府质量奖", "唐山市政府质量奖", "2020", "2020-12-01", "市政府文件"]])
    )

    plan = run(manager, holdings_xlsx(honours=[[code, "市政府质量奖", "唐山市政府质量奖", "2020", "2020-12-15", ""]]))

    assert report(plan) == [(2, Action.UPDATE, [])]
    assert plan.rows[0].changes == [("日期", "2020-12-01", "2020-12-15")]
    honour = Honour.objects.get()
    assert (honour.date, honour.source) == (datetime.date(2020, 12, 15), "市政府文件")


def test_a_holding_of_an_unknown_or_unseen_enterprise_is_an_error(county_manager, enterprise, other_enterprise):
    unknown = make_credit_code()
    plan = run(
        county_manager,
        holdings_xlsx(
            trademarks=[
                [unknown, "甲", "驰名商标", "", "2020-01-01", ""],
                [other_enterprise.credit_code, "乙", "驰名商标", "", "2020-01-01", ""],
                [enterprise.credit_code, "丙", "普通商标", "", "2020-13-01", ""],
                [enterprise.credit_code, "丁", "驰名商标", "", "2020-01-01", ""],
                [enterprise.credit_code, "丁", "驰名商标", "", "2020-02-01", ""],
            ]
        ),
    )
    assert report(plan) == [
        (2, Action.ERROR, [("统一社会信用代码", "没有该统一社会信用代码的企业，请先导入该企业。")]),
        (3, Action.ERROR, [("统一社会信用代码", "该统一社会信用代码已属于您管辖范围以外的企业。")]),
        (
            4,
            Action.ERROR,
            [
                ("商标类别", "“普通商标”不在可选值之列：驰名商标、马德里国际注册、地理标志商标。"),
                ("日期", "“2020-13-01”不是日期，请按 2021-10-25 的格式填写。"),
            ],
        ),
        (5, Action.CREATE, []),
        (6, Action.ERROR, [("商标名称", "重复：与本文件第5行重复。")]),
    ]
    assert not Trademark.objects.exists()


def test_a_new_standard_needs_its_title_level_year_and_a_number_of_its_level(manager, enterprise):
    code = enterprise.credit_code
    plan = run(
        manager,
        holdings_xlsx(
            standards=[
                [code, "GB/T 99999-2020", "", "", "", "", "2020-01-01", ""],
                [code, "XYZ 1-2020", "某标准", "国家", "2020", "", "2020-01-01", ""],
            ]
        ),
    )
    [first, second] = plan.rows
    assert first.action == Action.ERROR
    assert [column for column, _ in first.errors] == ["标准名称", "标准级别", "发布年份"]
    assert second.action == Action.ERROR and [column for column, _ in second.errors] == ["标准号"]
    assert not Standard.objects.exists()


def test_a_holding_dated_in_the_future_is_refused_by_the_models_own_rule(manager, enterprise):
    later = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    plan = run(manager, holdings_xlsx(designations=[[enterprise.credit_code, "高新技术企业", later, ""]]))
    assert report(plan) == [(2, Action.ERROR, [("日期", "日期不能晚于今天。")])]
