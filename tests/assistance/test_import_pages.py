"""The import page: upload, preview of every row, one confirmation; for managers and admins only."""

import io
import re

import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assistance.imports import services
from assistance.models import SpreadsheetImport
from clusters.models import Enterprise, Honour, Standard, StandardRole, Trademark
from tests.factories import UserFactory, make_credit_code

from .spreadsheets import ENTERPRISE_HEADERS, HOLDING_HEADERS, enterprise_row, enterprises_xlsx

pytestmark = pytest.mark.django_db

START = reverse("assistance:import-start")


def _token(response) -> str:
    match = re.search(r'name="submission_token" value="([0-9a-f-]{36})"', response.content.decode())
    assert match, "no submission token on the page"
    return match[1]


def _messages(response) -> list[str]:
    return [str(m.message) for m in messages.get_messages(response.wsgi_request)]


def upload(client, data: bytes, name: str = "名单.xlsx"):
    token = _token(client.get(START))
    return client.post(START, {"file": SimpleUploadedFile(name, data), "submission_token": token})


def confirm(client, response, token: str | None = None):
    """Confirm the upload whose preview `response` redirected to, with the preview page's one-time token."""
    preview_url = response["Location"]
    token = token or _token(client.get(preview_url))
    return client.post(preview_url + "confirm/", {"submission_token": token})


@pytest.fixture
def listing(county, cluster, enterprise) -> bytes:
    return enterprises_xlsx(
        [
            enterprise_row("迁安新材料有限公司", make_credit_code(), cluster=cluster.name),
            enterprise_row("首钢智新电磁材料（迁安）有限公司", enterprise.credit_code),
        ]
    )


def test_a_manager_uploads_a_list_sees_every_row_and_imports_it_on_confirmation(client_for, manager, listing):
    client = client_for(manager)
    uploaded = upload(client, listing)
    assert uploaded.status_code == 302

    preview = client.get(uploaded["Location"])
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "迁安新材料有限公司" in page and "新建" in page and "更新" in page
    assert "首钢智新迁安电磁材料有限公司 → 首钢智新电磁材料（迁安）有限公司" in page
    assert Enterprise.objects.count() == 1  # nothing is written before the confirmation

    done = confirm(client, uploaded)

    assert done.status_code == 302 and done["Location"] == reverse("clusters:enterprise-list")
    assert _messages(done) == ["名单.xlsx已导入：新建 1 条，更新 1 条，无变化 0 条。"]
    assert set(Enterprise.objects.values_list("name", flat=True)) == {
        "迁安新材料有限公司",
        "首钢智新电磁材料（迁安）有限公司",
    }


def test_the_enterprise_lists_kept_count_learns_of_an_import(client_for, manager, listing):
    client = client_for(manager)
    assert client.get(reverse("clusters:enterprise-list")).context["page"].paginator.count == 1
    confirm(client, upload(client, listing))
    assert client.get(reverse("clusters:enterprise-list")).context["page"].paginator.count == 2


def test_the_enterprise_list_links_the_import_for_those_who_may_use_it(client_for, manager, inspector):
    link = f'href="{START}"'
    assert link in client_for(manager).get(reverse("clusters:enterprise-list")).content.decode()
    assert link not in client_for(inspector).get(reverse("clusters:enterprise-list")).content.decode()


def test_an_administrator_may_import(client_for, admin_user, listing):
    client = client_for(admin_user)
    assert client.get(START).status_code == 200
    assert confirm(client, upload(client, listing)).status_code == 302
    assert Enterprise.objects.count() == 2


@pytest.mark.parametrize("who", ["inspector", "reviewer", "read_only"])
def test_inspectors_reviewers_and_read_only_users_get_403(request, client_for, manager, listing, who):
    uploaded = upload(client_for(manager), listing)
    client = client_for(request.getfixturevalue(who))

    assert client.get(START).status_code == 403
    assert client.post(START, {"file": SimpleUploadedFile("名单.xlsx", listing)}).status_code == 403
    assert client.get(reverse("assistance:import-template", args=["enterprises"])).status_code == 403
    assert client.get(uploaded["Location"]).status_code == 403
    assert client.post(uploaded["Location"] + "confirm/").status_code == 403
    assert Enterprise.objects.count() == 1


def test_the_confirmation_refuses_get(client_for, manager, listing):
    client = client_for(manager)
    uploaded = upload(client, listing)
    assert client.get(uploaded["Location"] + "confirm/").status_code == 405
    assert Enterprise.objects.count() == 1


def test_another_managers_upload_is_not_found(client_for, manager, city, listing):
    uploaded = upload(client_for(manager), listing)
    colleague = client_for(UserFactory(username="colleague", jurisdiction=city, groups=["manager"]))

    assert colleague.get(uploaded["Location"]).status_code == 404
    assert colleague.post(uploaded["Location"] + "confirm/").status_code == 404
    assert Enterprise.objects.count() == 1


def test_a_repeated_confirmation_imports_once(client_for, manager, listing):
    client = client_for(manager)
    uploaded = upload(client, listing)
    token = _token(client.get(uploaded["Location"]))
    confirm(client, uploaded, token)
    histories = Enterprise.history.count()

    again = confirm(client, uploaded, token)
    assert _messages(again)[-1] == "已保存，未重复提交。"

    fresh = confirm(client, uploaded, token=_token(client.get(START)))  # another page's unused token
    assert fresh["Location"] == uploaded["Location"]
    assert _messages(fresh)[-1].startswith("该文件已于")
    assert Enterprise.objects.count() == 2 and Enterprise.history.count() == histories


def test_a_list_with_an_error_row_cannot_be_confirmed(client_for, manager, county):
    client = client_for(manager)
    uploaded = upload(
        client,
        enterprises_xlsx([enterprise_row("好企业", make_credit_code()), enterprise_row("坏企业", "91130283MA0C0000")]),
    )
    preview = client.get(uploaded["Location"]).content.decode()
    assert "错误" in preview and "统一社会信用代码" in preview and "18" in preview
    assert "confirm/" not in preview

    refused = confirm(client, uploaded, token=_token(client.get(START)))

    assert refused["Location"] == uploaded["Location"]
    assert _messages(refused) == ["未导入任何数据：请在文件中改正有错误的行后重新上传。"]
    assert not Enterprise.objects.exists()
    assert SpreadsheetImport.objects.get().imported_at is None


def test_the_confirmation_imports_what_was_previewed_or_nothing(client_for, manager, listing, enterprise):
    client = client_for(manager)
    uploaded = upload(client, listing)
    Enterprise.objects.filter(pk=enterprise.pk).update(name="同事刚改的名称")

    refused = confirm(client, uploaded)

    assert _messages(refused) == ["未导入任何数据：预览之后数据已有变动。请重新上传文件，查看最新的导入预览。"]
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["同事刚改的名称"]


def test_a_record_written_meanwhile_refuses_the_confirmation_instead_of_failing(
    client_for, manager, listing, monkeypatch
):
    client = client_for(manager)
    uploaded = upload(client, listing)

    def clash(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: clusters_enterprise.credit_code")

    monkeypatch.setattr(services, "import_apply", clash)
    refused = confirm(client, uploaded)
    assert refused.status_code == 302
    assert _messages(refused)[-1].startswith("未导入任何数据：预览之后数据已有变动。")
    assert SpreadsheetImport.objects.get().imported_at is None


def test_the_preview_takes_as_many_queries_for_two_hundred_rows_as_for_two(client_for, manager, county):
    client = client_for(manager)
    small = upload(client, enterprises_xlsx([enterprise_row(f"企业{i}", make_credit_code()) for i in range(2)]))
    large = upload(client, enterprises_xlsx([enterprise_row(f"企业{i}", make_credit_code()) for i in range(200)]))
    client.get(small["Location"])  # the session and the kept figures, once
    with CaptureQueriesContext(connection) as few:
        assert client.get(small["Location"]).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(large["Location"] + "?per_page=100").status_code == 200
    assert len(many) == len(few)


def test_a_file_that_cannot_be_read_is_a_form_error(client_for, manager):
    response = upload(client_for(manager), b"this is no workbook")
    assert response.status_code == 200
    assert "该文件不是可读取的 Excel 工作簿（.xlsx）。" in response.content.decode()
    assert not SpreadsheetImport.objects.exists()


def test_the_templates_hold_the_columns_and_an_example_row_that_imports(client_for, manager, cluster):
    client = client_for(manager)
    response = client.get(reverse("assistance:import-template", args=["enterprises"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["企业", "填写说明"]
    rows = list(workbook["企业"].iter_rows(values_only=True))
    assert list(rows[0]) == ENTERPRISE_HEADERS and len(rows) == 2

    confirm(client, upload(client, data, name="企业导入模板.xlsx"))
    example = Enterprise.objects.get()
    assert (example.county, example.cluster) == (cluster.county, cluster)

    response = client.get(reverse("assistance:import-template", args=["holdings"]))
    data = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["荣誉", "标准", "商标", "认定", "填写说明"]
    for title, kind in [("荣誉", "honours"), ("标准", "standards"), ("商标", "trademarks"), ("认定", "designations")]:
        assert list(next(workbook[title].iter_rows(values_only=True))) == HOLDING_HEADERS[kind]

    confirm(client, upload(client, data, name="荣誉导入模板.xlsx"))
    assert (Honour.objects.count(), StandardRole.objects.count(), Trademark.objects.count()) == (1, 1, 1)
    assert Standard.objects.get().number == "GB/T 19580-2012"
    assert example.designations.count() == 1


def test_an_unknown_template_is_not_found(client_for, manager):
    assert client_for(manager).get(reverse("assistance:import-template", args=["tickets"])).status_code == 404


def test_the_manager_group_the_seeds_restore_may_import(db):
    from io import StringIO

    from django.contrib.auth.models import Group
    from django.core.management import call_command

    Group.objects.filter(name="manager").delete()
    call_command("load_seeds", "--reference-only", stdout=StringIO())
    assert Group.objects.get(name="manager").permissions.filter(codename="import_enterprises").exists()
