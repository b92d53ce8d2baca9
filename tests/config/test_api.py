"""The JSON API under /api/v1/: token sign-in, the pages' scope, bad input, limits, documents and query counts."""

import datetime
import hashlib
import re
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assistance.awards.models import ReviewerAssignment
from assistance.notifications.services import inbox_changed
from clusters import services
from clusters.models import ApiToken
from config.settings.env import env_rate
from tests.assistance.awards.factories import AwardApplicationFactory, AwardCycleFactory
from tests.assistance.factories import ExpertFactory, TicketFactory, TrainingFactory, VisitFactory
from tests.factories import (
    ClusterFactory,
    DesignationFactory,
    EnterpriseFactory,
    HonourFactory,
    StandardRoleFactory,
    TrademarkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LISTS = ["clusters", "enterprises", "tickets", "visits", "trainings", "applications"]


def bearer(user, name="省局数据共享平台") -> dict:
    _token, plain = services.api_token_create(user=user, name=name)
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def get(client, path: str, headers: dict, **params):
    return client.get(f"/api/v1/{path}", params, **headers)


@pytest.fixture
def records(enterprise, other_enterprise, inspector, outsider, manager, reviewer, county, other_county):
    """One record of each kind in 迁安市 and one in 丰润区; the 迁安市 application is assigned to `reviewer`."""
    cycle = AwardCycleFactory()
    second = UserFactory(username="reviewer-two", jurisdiction=manager.jurisdiction, groups=["reviewer"])
    made = {}
    for side, company, person, region in (
        ("qianan", enterprise, inspector, county),
        ("fengrun", other_enterprise, outsider, other_county),
    ):
        HonourFactory(enterprise=company)
        made[side] = {
            "clusters": company.cluster,
            "enterprises": company,
            "tickets": TicketFactory(enterprise=company, created_by=person),
            "visits": VisitFactory(enterprise=company, inspectors=[person]),
            "trainings": TrainingFactory(region=region, clusters=[company.cluster], enterprises=[company]),
            "applications": AwardApplicationFactory(
                cycle=cycle,
                enterprise=company,
                prepared_by=person,
                status="under_review" if side == "qianan" else "submitted",
                manager=manager,
                reviewers=[reviewer, second] if side == "qianan" else (),
            ),
        }
    return made


# Tokens


def test_a_token_is_stored_only_as_the_digest_of_its_secret(inspector):
    token, plain = services.api_token_create(user=inspector, name="市数据平台")
    prefix, secret = plain.split(".")
    token.refresh_from_db()
    assert token.prefix == prefix
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert not any(secret in value for value in stored)


def test_admin_shows_a_new_token_once_and_never_again(client_for, admin_user, inspector):
    client = client_for(admin_user)
    response = client.post("/admin/clusters/apitoken/add/", {"user": inspector.pk, "name": "省局数据共享平台"})
    assert response.status_code == 200
    plain = re.search(r'<code id="api-token">([^<]+)</code>', response.content.decode())[1]
    token = ApiToken.objects.get()
    assert token.user == inspector and token.created_by == admin_user
    assert services.api_token_authenticate(plain) == token
    assert "no-store" in response["Cache-Control"]
    for page in ("/admin/clusters/apitoken/", f"/admin/clusters/apitoken/{token.pk}/change/"):
        assert plain.split(".")[1] not in client.get(page).content.decode()


def test_admin_revokes_tokens_with_the_action(client_for, admin_user, inspector):
    token, plain = services.api_token_create(user=inspector, name="市数据平台")
    client_for(admin_user).post(
        "/admin/clusters/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.api_token_authenticate(plain) is None


def test_the_command_prints_a_new_token_for_the_user(inspector):
    out = StringIO()
    call_command("create_api_token", "inspector", "--name", "市数据平台", stdout=out, stderr=StringIO())
    plain = out.getvalue().strip()
    assert services.api_token_authenticate(plain).user == inspector
    assert ApiToken.objects.get().name == "市数据平台"


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(Exception, match="nobody"):
        call_command("create_api_token", "nobody", stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer nonsense", "Bearer 0123456789ab.wrong-secret", "Token {plain}", "Bearer {wrong}"],
)
def test_a_call_without_a_valid_token_is_401(client, inspector, header):
    _token, plain = services.api_token_create(user=inspector, name="市数据平台")
    headers = {}
    if header:
        wrong = plain[:-2] + ("AA" if not plain.endswith("AA") else "BB")
        headers["HTTP_AUTHORIZATION"] = header.format(plain=plain, wrong=wrong)
    response = get(client, "clusters/", headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "detail" in response.json()


def test_a_revoked_token_is_401(client, inspector):
    token, plain = services.api_token_create(user=inspector, name="市数据平台")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    assert get(client, "clusters/", headers).status_code == 200
    services.api_token_revoke(token_id=token.pk)
    assert get(client, "clusters/", headers).status_code == 401


def test_the_token_of_a_deactivated_user_is_401(client, inspector):
    headers = bearer(inspector)
    inspector.is_active = False
    inspector.save()
    assert get(client, "clusters/", headers).status_code == 401


def test_the_last_use_is_written_at_most_once_a_minute(client, inspector):
    token, plain = services.api_token_create(user=inspector, name="市数据平台")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    get(client, "clusters/", headers)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as ctx:
        get(client, "clusters/", headers)
    assert not [q for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(seconds=61))
    get(client, "clusters/", headers)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_a_signed_in_session_is_not_a_token(client_for, inspector):
    assert client_for(inspector).get("/api/v1/clusters/").status_code == 401


# Scope


@pytest.mark.parametrize("kind", LISTS)
def test_a_fengrun_token_sees_no_qianan_row_and_its_detail_is_404(client, outsider, manager, records, kind):
    ours, theirs = records["fengrun"][kind], records["qianan"][kind]
    user = manager if kind == "applications" else outsider  # an inspector may not read applications
    if kind == "applications":
        manager.jurisdiction = outsider.jurisdiction
        manager.save()
    headers = bearer(user)
    response = get(client, f"{kind}/", headers, limit=100)
    assert response.status_code == 200, response.content
    ids = {row["id"] for row in response.json()["items"]}
    assert ours.pk in ids
    assert theirs.pk not in ids
    assert response.json()["count"] == len(ids)
    assert get(client, f"{kind}/{theirs.pk}/", headers).status_code == 404
    assert get(client, f"{kind}/{ours.pk}/", headers).json()["id"] == ours.pk


@pytest.mark.parametrize("kind", LISTS)
def test_a_city_manager_sees_both_counties(client, manager, records, kind):
    response = get(client, f"{kind}/", bearer(manager), limit=100)
    ids = {row["id"] for row in response.json()["items"]}
    assert {records["qianan"][kind].pk, records["fengrun"][kind].pk} <= ids


def test_a_reviewer_token_gets_only_the_assigned_applications(client, reviewer, records):
    headers = bearer(reviewer)
    response = get(client, "applications/", headers)
    assert response.status_code == 200
    rows = response.json()["items"]
    assert [row["id"] for row in rows] == [records["qianan"]["applications"].pk]
    assert rows[0]["mean_score"] is None and rows[0]["review_count"] is None  # blind: nothing of the scores
    assert get(client, f"applications/{records['fengrun']['applications'].pk}/", headers).status_code == 404
    for assignment in ReviewerAssignment.objects.filter(reviewer=reviewer):
        assignment.withdrawn_at = timezone.now()
        assignment.save()
    assert get(client, "applications/", headers).json()["count"] == 0


@pytest.mark.parametrize("kind", ["clusters", "enterprises", "tickets", "visits", "trainings", "summary"])
def test_a_reviewer_token_reads_nothing_else(client, reviewer, records, kind):
    assert get(client, f"{kind}/", bearer(reviewer)).status_code == 403


def test_a_reviewer_may_not_filter_applications_by_score(client, reviewer, records):
    response = get(client, "applications/", bearer(reviewer), min_score="900")
    assert response.status_code == 200
    assert response.json()["count"] == 1  # the staff's score filter means nothing to a reviewer


def test_an_enterprise_comes_with_its_holdings(client, inspector, enterprise):
    DesignationFactory(enterprise=enterprise)
    TrademarkFactory(enterprise=enterprise)
    StandardRoleFactory(enterprise=enterprise)
    body = get(client, f"enterprises/{enterprise.pk}/", bearer(inspector)).json()
    assert body["credit_code"] == enterprise.credit_code
    assert len(body["designations"]) == len(body["trademarks"]) == len(body["standards"]) == 1
    assert body["standards"][0]["number"]


def test_a_ticket_comes_with_its_events(client, inspector, enterprise):
    ticket = TicketFactory(enterprise=enterprise, created_by=inspector)
    body = get(client, f"tickets/{ticket.pk}/", bearer(inspector)).json()
    assert body["number"] == ticket.number
    assert [event["to_status"] for event in body["events"]] == ["new"]
    assert body["county"]["code"] == "130283"


def test_the_summary_is_of_the_token_users_region(client, inspector, outsider, cluster):
    body = get(client, "summary/", bearer(inspector)).json()
    assert body["region"]["code"] == "130283"
    assert body["key_regions"]["total"] == 1
    assert body["paragraph"].startswith("迁安市1个重点区域")
    assert get(client, "summary/", bearer(outsider)).json()["key_regions"]["total"] == 0


def test_the_summary_of_a_region_outside_the_jurisdiction_is_refused(client, inspector, other_county):
    response = get(client, "summary/", bearer(inspector), region="130208")
    assert response.status_code == 400
    assert "region" in response.json()["errors"]


def test_a_list_pages_by_limit_and_offset_in_a_total_order(client, manager, county):
    for _ in range(7):
        ClusterFactory(county=county, name=f"同名集群{_}")
    headers = bearer(manager)
    pages = [get(client, "clusters/", headers, limit=3, offset=offset).json() for offset in (0, 3, 6)]
    ids = [row["id"] for page in pages for row in page["items"]]
    assert pages[0]["count"] == 7 and len(ids) == 7 == len(set(ids))
    assert [page["offset"] for page in pages] == [0, 3, 6]


# Bad input


@pytest.mark.parametrize(
    ("path", "params", "param"),
    [
        ("clusters/", {"level": "national"}, "level"),
        ("clusters/", {"county": "abc"}, "county"),
        ("clusters/", {"ordering": "budget"}, "ordering"),
        ("enterprises/", {"cluster": "99999999999999999999999"}, "cluster"),
        ("enterprises/", {"designation": "giant"}, "designation"),
        ("tickets/", {"status": "lost"}, "status"),
        ("tickets/", {"opened_after": "2021-13-01"}, "opened_after"),
        ("tickets/", {"team": "1.5"}, "team"),
        ("visits/", {"date_before": "yesterday"}, "date_before"),
        ("trainings/", {"category": "x"}, "category"),
        ("applications/", {"status": "won"}, "status"),
        ("applications/", {"min_score": "many"}, "min_score"),
        ("summary/", {"as_of": "2021-02-30"}, "as_of"),
        ("clusters/", {"limit": "ten"}, "limit"),
        ("clusters/", {"limit": "1000"}, "limit"),
        ("clusters/", {"offset": "-1"}, "offset"),
        ("tickets/abc/", {}, "pk"),
        ("tickets/99999999999999999999999/", {}, "pk"),
    ],
)
def test_a_bad_parameter_is_a_400_that_names_it(client, manager, records, path, params, param):
    response = get(client, path, bearer(manager), **params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert param in body["errors"]
    assert body["detail"].startswith(param)


def test_a_cluster_outside_the_jurisdiction_is_a_bad_filter(client, inspector, other_cluster):
    response = get(client, "enterprises/", bearer(inspector), cluster=other_cluster.pk)
    assert response.status_code == 400
    assert "cluster" in response.json()["errors"]


# Rate limit


def test_a_token_past_its_rate_gets_429_and_another_token_does_not(client, inspector, settings):
    settings.API_RATE = "3/m"
    headers = bearer(inspector)
    assert [get(client, "clusters/", headers).status_code for _ in range(3)] == [200, 200, 200]
    refused = get(client, "clusters/", headers)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert get(client, "clusters/", bearer(inspector, name="另一个系统")).status_code == 200


# Documents


def test_the_schema_is_openapi_json_listing_every_endpoint(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for kind in [*LISTS, "summary"]:
        assert f"/api/v1/{kind}/" in schema["paths"]
    for kind in LISTS:
        assert f"/api/v1/{kind}/{{pk}}/" in schema["paths"]
    names = {p["name"] for p in schema["paths"]["/api/v1/tickets/"]["get"]["parameters"]}
    assert {"status", "opened_after", "ordering", "limit", "offset"} <= names
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_loads_only_the_sites_own_files(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"https?://", html)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(asset.startswith("/static/") for asset in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    # No script runs from the page itself (the settings block is JSON data), so the site's policy holds.
    assert not re.search(r"<script(?![^>]*(src=|application/json))", html)
    directives = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"  # Swagger UI's SVG; this page only
    assert "unsafe-inline" not in client.get("/accounts/login/")["Content-Security-Policy"]
    assert '"validatorUrl": null' in html


# Query counts


def _queries(client, path, headers) -> int:
    inbox_changed()  # each view measured counts the unread notifications, as the first after a change does
    cache.clear()  # counted afresh each time: kept counts and filter choices would hide what a first call costs
    with CaptureQueriesContext(connection) as ctx:
        response = get(client, path, headers, limit=100)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def _add_rows(kind, county, inspector, manager, reviewer, n):
    for _ in range(n):
        company = EnterpriseFactory(cluster=ClusterFactory(county=county))
        HonourFactory(enterprise=company)
        DesignationFactory(enterprise=company)
        TrademarkFactory(enterprise=company)
        StandardRoleFactory(enterprise=company)
        if kind == "tickets":
            TicketFactory(enterprise=company, created_by=inspector)
        elif kind == "visits":
            VisitFactory(enterprise=company, inspectors=[inspector])
        elif kind == "trainings":
            TrainingFactory(region=county, clusters=[company.cluster], enterprises=[company], experts=[ExpertFactory()])
        elif kind == "applications":
            second = UserFactory(jurisdiction=manager.jurisdiction, groups=["reviewer"])
            AwardApplicationFactory(
                enterprise=company,
                prepared_by=inspector,
                status="pending_decision",
                manager=manager,
                reviewers=[reviewer, second],
            )


@pytest.mark.parametrize("kind", LISTS)
def test_a_lists_query_count_does_not_grow_with_its_rows(client, manager, inspector, reviewer, county, kind):
    headers = bearer(manager)
    _add_rows(kind, county, inspector, manager, reviewer, 2)
    get(client, f"{kind}/", headers)  # the token's first use writes its last use
    few = _queries(client, f"{kind}/", headers)
    _add_rows(kind, county, inspector, manager, reviewer, 6)
    many = _queries(client, f"{kind}/", headers)
    assert few == many
    print(f"/api/v1/{kind}/: {many} queries")


def test_the_api_is_read_only(client, inspector, enterprise):
    headers = bearer(inspector)
    assert client.post("/api/v1/enterprises/", {}, **headers).status_code == 405
    assert client.delete(f"/api/v1/enterprises/{enterprise.pk}/", **headers).status_code == 405


@pytest.mark.parametrize("value", ["600", "600/week", "0/m", "many/m"])
def test_a_bad_api_rate_stops_the_start(monkeypatch, value):
    monkeypatch.setenv("API_RATE", value)
    with pytest.raises(ImproperlyConfigured, match="API_RATE"):
        env_rate("API_RATE", "600/m")


def test_an_api_rate_from_the_environment_is_read(monkeypatch):
    monkeypatch.setenv("API_RATE", "20/h")
    assert env_rate("API_RATE", "600/m") == "20/h"
