"""Form pages with searchable pickers: they hold the chosen records only, cost the same however many
records the jurisdiction has, bring the picker's assets, and still validate against the whole scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assistance.models import Visit
from assistance.notifications.services import inbox_changed
from tests.factories import ClusterFactory, EnterpriseFactory, UserFactory
from tests.pickers import options, selected

from .factories import ExpertFactory, TeamMembershipFactory, TicketFactory, TrainingFactory

pytestmark = pytest.mark.django_db

VISIT_FORM = reverse("assistance:visit-create")


def _grow(n, *, cluster):
    """n more enterprises of the county, each with an open ticket, and n more experts."""
    for _ in range(n):
        TicketFactory(enterprise=EnterpriseFactory(cluster=cluster), status="assigned")
        ExpertFactory()


def _get(client, url) -> tuple[int, str]:
    inbox_changed()  # each view measured counts the unread notifications, as the first after a change does
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


@pytest.mark.parametrize("user_name", ["inspector", "manager"])
def test_the_visit_form_costs_the_same_for_5_enterprises_and_open_tickets_as_for_50(
    request, client_for, cluster, team, user_name
):
    client = client_for(request.getfixturevalue(user_name))
    _grow(5, cluster=cluster)
    few, few_html = _get(client, VISIT_FORM)
    _grow(45, cluster=cluster)
    many, many_html = _get(client, VISIT_FORM)
    print(
        f"visit form as {user_name}: {few} queries and {len(few_html)} bytes with 5, {many} and {len(many_html)} with 50"
    )
    assert few == many
    # The page differs only in its one-time submission token (a fresh UUID, always the same length).
    assert len(few_html) == len(many_html)
    for name in ("enterprise", "tickets_worked", "experts"):
        assert options(many_html, name) in ([""], [])


def test_the_visit_form_lists_no_enterprise_and_no_ticket_that_is_not_chosen(client_for, manager, cluster, team):
    _grow(3, cluster=cluster)
    html = client_for(manager).get(VISIT_FORM).content.decode()
    assert options(html, "enterprise") == [""]
    assert options(html, "tickets_worked") == []
    assert "测试企业" not in html  # the factory's enterprise names
    assert 'data-autocomplete-url="/clusters/enterprises/autocomplete/"' in html
    # The tickets are searched among the chosen enterprise's: its value goes with each search.
    assert 'data-autocomplete-forward="{&quot;enterprise&quot;: &quot;enterprise&quot;}"' in html


def test_the_visit_form_starts_with_the_enterprise_it_was_opened_for(client_for, inspector, enterprise, team):
    html = client_for(inspector).get(VISIT_FORM, {"enterprise": enterprise.pk}).content.decode()
    assert selected(html, "enterprise") == [str(enterprise.pk)]
    assert f">{enterprise.name}</option>" in html
    assert selected(html, "inspectors") == [str(inspector.pk)]


@pytest.mark.parametrize("value", ["abc", str(10**30), "-1", "other"])
def test_an_enterprise_it_cannot_offer_is_left_out_of_the_page(client_for, inspector, other_enterprise, team, value):
    value = str(other_enterprise.pk) if value == "other" else value
    response = client_for(inspector).get(VISIT_FORM, {"enterprise": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert options(html, "enterprise") == [""]
    assert other_enterprise.name not in html


def test_an_invalid_visit_comes_back_with_every_chosen_record(client_for, inspector, team, enterprise, ticket):
    colleague = UserFactory(username="colleague", last_name="张", first_name="伟")
    TeamMembershipFactory(team=team, user=colleague)
    expert = ExpertFactory(name="刘计量")
    data = {
        "date": timezone.localdate().isoformat(),
        "enterprise": enterprise.pk,
        "team": team.pk,
        "inspectors": [colleague.pk, inspector.pk],
        "experts": [expert.pk],
        "tickets_worked": [ticket.pk],
        "purpose": "",  # required: the form comes back
    }
    response = client_for(inspector).post(VISIT_FORM, data)
    assert response.status_code == 200
    assert "purpose" in response.context["form"].errors
    html = response.content.decode()
    assert selected(html, "enterprise") == [str(enterprise.pk)]
    assert selected(html, "inspectors") == [str(colleague.pk), str(inspector.pk)]  # as chosen, not sorted
    assert selected(html, "experts") == [str(expert.pk)]
    assert selected(html, "tickets_worked") == [str(ticket.pk)]
    for label in (enterprise.name, "张伟", "刘计量", ticket.number):
        assert label in html
    assert not Visit.objects.exists()


def test_a_posted_enterprise_outside_the_jurisdiction_is_refused_and_not_shown(
    client_for, inspector, team, other_enterprise, other_ticket
):
    data = {
        "date": timezone.localdate().isoformat(),
        "enterprise": other_enterprise.pk,
        "inspectors": [inspector.pk],
        "tickets_worked": [other_ticket.pk],
        "purpose": "越权",
    }
    response = client_for(inspector).post(VISIT_FORM, data)
    errors = response.context["form"].errors
    assert {"enterprise", "tickets_worked"} <= set(errors)
    html = response.content.decode()
    assert options(html, "enterprise") == [""]
    assert options(html, "tickets_worked") == []
    assert other_enterprise.name not in html
    assert not Visit.objects.exists()


def test_a_visit_saved_through_the_pickers_values_is_the_same_as_before(
    client_for, inspector, team, enterprise, ticket
):
    """Without JavaScript or with it, the form posts ids, and the server validates them as it always did."""
    data = {
        "date": timezone.localdate().isoformat(),
        "enterprise": enterprise.pk,
        "team": team.pk,
        "inspectors": [inspector.pk],
        "tickets_worked": [ticket.pk],
        "purpose": "计量帮扶",
        "ticket_priority": "normal",
    }
    assert client_for(inspector).post(VISIT_FORM, data).status_code == 302
    visit = Visit.objects.get()
    assert (visit.enterprise, list(visit.tickets_worked.all())) == (enterprise, [ticket])


# The other pages with pickers


@pytest.fixture
def pages(enterprise, team, ticket, inspector, county):
    training = TrainingFactory(region=county, enterprises=[enterprise])
    return {
        "assistance:ticket-create": [],
        "assistance:ticket-update": [ticket.pk],
        "assistance:training-create": [],
        "assistance:training-update": [training.pk],
        "assistance:application-create": [],
        "clusters:enterprise-create": [],
        "clusters:enterprise-update": [enterprise.pk],
        "assistance:ticket-detail": [ticket.pk],
    }


# Each page, and the kind of record it would list in full without its pickers.
PAGES = {
    "assistance:ticket-create": "enterprise",
    "assistance:ticket-update": "enterprise",
    "assistance:training-create": "enterprise",
    "assistance:training-update": "enterprise",
    "assistance:application-create": "enterprise",
    "clusters:enterprise-create": "cluster",
    "clusters:enterprise-update": "cluster",
    "assistance:ticket-detail": "team member",  # the assign form's assignee
}


def _unchosen(kind, *, cluster, team) -> str:
    """Make a record of that kind that nothing on the page has chosen; its name."""
    if kind == "enterprise":
        return EnterpriseFactory(name="未选中的企业有限公司", cluster=cluster).name
    if kind == "cluster":
        return ClusterFactory(name="未选中的产业集群", county=cluster.county).name
    member = UserFactory(username="unchosen", last_name="未选", first_name="中", jurisdiction=cluster.county)
    TeamMembershipFactory(team=team, user=member)
    return member.display_name


@pytest.mark.parametrize("url_name", PAGES)
def test_a_page_with_pickers_brings_their_assets_once_and_lists_no_unchosen_record(
    client_for, manager, cluster, team, pages, url_name
):
    name = _unchosen(PAGES[url_name], cluster=cluster, team=team)
    html = client_for(manager).get(reverse(url_name, args=pages[url_name])).content.decode()
    assert "data-autocomplete-url" in html
    for asset in (
        "admin/js/vendor/jquery/jquery.min.js",
        "admin/js/vendor/select2/select2.full.min.js",
        "admin/js/vendor/select2/i18n/zh-CN.js",
        "js/pickers.js",
        "admin/css/vendor/select2/select2.min.css",
        "css/pickers.css",
    ):
        assert html.count(asset) == 1, asset
    assert html.index("css/pickers.css") < html.index("</head>")
    assert name not in html


def test_the_edited_ticket_shows_its_enterprise_and_the_training_its_enterprises(
    client_for, manager, enterprise, ticket, pages
):
    client = client_for(manager)
    html = client.get(reverse("assistance:ticket-update", args=[ticket.pk])).content.decode()
    assert selected(html, "enterprise") == [str(enterprise.pk)]
    training = pages["assistance:training-update"][0]
    html = client.get(reverse("assistance:training-update", args=[training])).content.decode()
    assert selected(html, "enterprises") == [str(enterprise.pk)]


def test_the_assignee_picker_asks_for_the_ticket_and_the_team_beside_it(client_for, manager, ticket, inspector):
    html = client_for(manager).get(ticket.get_absolute_url()).content.decode()
    url = reverse("assistance:user-autocomplete")
    assert f'data-autocomplete-url="{url}?ticket={ticket.pk}"' in html
    assert 'data-autocomplete-forward="{&quot;team&quot;: &quot;assign-team&quot;}"' in html
    assert selected(html, "assign-assignee") == [str(inspector.pk)]
    assert options(html, "assign-assignee") == ["", str(inspector.pk)]


def test_a_form_page_without_pickers_brings_no_picker_assets(client_for, inspector, ticket):
    # The inspector's actions on his ticket (start, note...) have no picker.
    html = client_for(inspector).get(ticket.get_absolute_url()).content.decode()
    assert "pickers.js" not in html
    assert "select2" not in html
