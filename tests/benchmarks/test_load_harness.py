"""The load harness's own parts: it reads the site's real forms, and it judges an outage by the rule."""

import random

import pytest

from tests.assistance.factories import SupportTeamFactory, TicketFactory

from .load.client import Response, Sample, form_with
from .load.harness import LoadConfig, fault_report, percentile
from .load.scenarios import ENTERPRISE_PICKER, USER_PICKER, Inspector


@pytest.mark.django_db
def test_it_reads_the_login_form_with_its_csrf_token(client):
    form = form_with(client.get("/accounts/login/").content.decode(), field="username")
    assert form is not None and form.method == "post"
    assert form.values["csrfmiddlewaretoken"][0]
    fields = dict(form.fields({"username": "load-manager-01", "password": "secret"}))
    assert fields["username"] == "load-manager-01" and fields["password"] == "secret"


@pytest.mark.django_db
def test_it_reads_the_visit_form_as_a_browser_would_send_it(client, inspector, enterprise):
    client.force_login(inspector)
    html = client.get("/assistance/visits/new/").content.decode()
    form = form_with(html, field="purpose")
    assert form.choices("enterprise") == []  # a searchable picker: the simulated user asks its endpoint
    assert form.values["inspectors"] == [str(inspector.pk)]  # preselected, as the page shows it
    assert form.values["date"][0]
    assert "raise_ticket" not in form.values  # an unticked box is not sent


class _ClientSession:
    """The Django test client behind the harness's session: the same pages, no server."""

    def __init__(self, client):
        self.client = client

    def get(self, page: str, path: str) -> Response:
        response = self.client.get(path)
        return Response(response.status_code, response.headers, response.content.decode())


@pytest.mark.django_db
def test_it_picks_an_enterprise_and_an_assignee_as_the_pickers_offer_them(
    client, inspector, manager, enterprise, other_enterprise
):
    client.force_login(inspector)
    user = Inspector(_ClientSession(client), "inspector", "", {}, random.Random(1))
    assert {user.pick_from("enterprise picker", ENTERPRISE_PICKER) for _ in range(5)} == {str(enterprise.pk)}

    team = SupportTeamFactory(region=enterprise.county, members=[inspector])
    ticket = TicketFactory(enterprise=enterprise)
    client.force_login(manager)
    assert user.pick_from("assignee picker", USER_PICKER, ticket=ticket.pk, team=team.pk) == str(inspector.pk)
    with pytest.raises(LookupError):
        user.pick_from("enterprise picker", ENTERPRISE_PICKER, term="没有这样的企业")


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (50.0, 95.0, 99.0)
    assert percentile([], 95) == 0.0


def test_fifty_users_are_half_inspectors_and_three_in_ten_managers():
    assert LoadConfig(users=50).roles() == {"inspector": 25, "manager": 15, "reviewer": 10}
    assert sum(LoadConfig(users=10).roles().values()) == 10


def _sample(start, end, status, page="ticket list", notice=None):
    error = None if status and status < 400 else (f"HTTP {status}" if status else "connection reset")
    return Sample(page, "GET", start, end, status, error, status == 503 if notice is None else notice)


def test_an_outage_answered_with_503_pages_keeps_the_rule():
    samples = [_sample(9.0, 9.2, 200), _sample(10.5, 10.6, 503), _sample(12.0, 12.1, 503), _sample(30.0, 30.1, 200)]
    probes = [_sample(13.0, 13.1, 503), _sample(13.2, 13.6, 200)]
    report = fault_report(samples, probes, started=0.0, stop_at=10.0, up_at=13.0, timeout=30.0)
    assert report["rule_broken_by"] == []
    assert report["recovery_seconds"] == 0.6
    assert report["recovered_within_limit"]
    assert report["unavailable_pages_shown"] == 3


@pytest.mark.parametrize(
    "bad",
    [
        _sample(11.0, 11.1, 500),  # a server error
        _sample(11.0, 11.1, 503, notice=False),  # a 503 that is not the site's page (e.g. the proxy's)
        _sample(11.0, 11.2, None),  # no answer at all
        _sample(11.0, 41.0, 200),  # an answer only after the client gave up waiting
    ],
)
def test_anything_but_the_503_page_during_the_outage_breaks_the_rule(bad):
    report = fault_report([bad], [_sample(13.2, 13.3, 200)], started=0.0, stop_at=10.0, up_at=13.0, timeout=30.0)
    assert len(report["rule_broken_by"]) == 1


def test_no_answer_after_the_return_is_no_recovery():
    report = fault_report([], [_sample(13.2, 13.3, 503)], started=0.0, stop_at=10.0, up_at=13.0, timeout=30.0)
    assert report["recovery_seconds"] is None
    assert not report["recovered_within_limit"]
