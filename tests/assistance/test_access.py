"""Who may open what: jurisdiction (404), role (403) and sign-in (redirect)."""

import pytest
from django.urls import reverse

from assistance import services
from assistance.models import Attachment, Ticket
from tests.factories import UserFactory

from .factories import SupportTeamFactory, TeamMembershipFactory, TrainingFactory, VisitFactory
from .files import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(other_enterprise, other_county, other_team, other_ticket, outsider):
    """One of everything in 丰润区, outside the 迁安市 inspector's jurisdiction."""
    visit = VisitFactory(enterprise=other_enterprise, team=other_team, inspectors=[outsider])
    return {
        "ticket": other_ticket,
        "visit": visit,
        "training": TrainingFactory(region=other_county),
        "team": other_team,
        "ticket_file": services.attachment_add(user=outsider, upload=png(), ticket=other_ticket),
        "visit_file": services.attachment_add(user=outsider, upload=png(), visit=visit),
    }


@pytest.fixture
def here(enterprise, county, team, ticket, inspector):
    """One of everything in 迁安市."""
    visit = VisitFactory(enterprise=enterprise, team=team, inspectors=[inspector])
    return {
        "ticket": ticket,
        "visit": visit,
        "training": TrainingFactory(region=county),
        "team": team,
        "ticket_file": services.attachment_add(user=inspector, upload=png(), ticket=ticket),
        "visit_file": services.attachment_add(user=inspector, upload=png(), visit=visit),
    }


def _get_urls(objects):
    return [
        reverse("assistance:ticket-detail", args=[objects["ticket"].pk]),
        reverse("assistance:ticket-update", args=[objects["ticket"].pk]),
        reverse("assistance:visit-detail", args=[objects["visit"].pk]),
        reverse("assistance:training-detail", args=[objects["training"].pk]),
        reverse("assistance:training-update", args=[objects["training"].pk]),
        reverse("assistance:team-detail", args=[objects["team"].pk]),
        reverse("assistance:attachment-download", args=[objects["ticket_file"].pk]),
        reverse("assistance:attachment-download", args=[objects["visit_file"].pk]),
    ]


def _post_urls(objects):
    ticket = objects["ticket"].pk
    return [
        *[reverse("assistance:ticket-transition", args=[ticket, action]) for action in services.ACTIONS],
        reverse("assistance:ticket-attach", args=[ticket]),
        reverse("assistance:visit-attach", args=[objects["visit"].pk]),
    ]


LIST_AND_FORM_URLS = [
    "assistance:home",
    "assistance:ticket-list",
    "assistance:ticket-create",
    "assistance:visit-list",
    "assistance:visit-create",
    "assistance:training-list",
    "assistance:training-create",
    "assistance:team-list",
]


def test_records_outside_the_jurisdiction_answer_404(client_for, inspector, elsewhere):
    client = client_for(inspector)
    for url in _get_urls(elsewhere):
        assert client.get(url).status_code == 404, url


def test_writes_outside_the_jurisdiction_answer_404_and_change_nothing(client_for, inspector, elsewhere):
    ticket = elsewhere["ticket"]
    client = client_for(inspector)
    for url in _post_urls(elsewhere):
        data = {"file": png(), "cancel-reason": "越权", "resolve-resolution": "越权"}
        assert client.post(url, data).status_code == 404, url
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version
    assert Attachment.objects.count() == 2


def test_a_manager_of_the_city_reaches_both_counties(client_for, manager, here, elsewhere):
    client = client_for(manager)
    for url in _get_urls(here) + _get_urls(elsewhere):
        assert client.get(url).status_code == 200, url


def test_a_team_of_another_region_is_visible_to_its_members(client_for, inspector, other_county, other_team):
    client = client_for(inspector)
    assert client.get(other_team.get_absolute_url()).status_code == 404
    TeamMembershipFactory(team=other_team, user=inspector)
    assert client.get(other_team.get_absolute_url()).status_code == 200


def test_a_training_organised_by_the_city_is_not_a_county_inspectors(client_for, inspector, manager, city):
    training = TrainingFactory(region=city)
    assert client_for(inspector).get(training.get_absolute_url()).status_code == 404
    assert client_for(manager).get(training.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("url_name", LIST_AND_FORM_URLS)
def test_a_reviewer_may_not_open_assistance_pages(client_for, reviewer, url_name):
    assert client_for(reviewer).get(reverse(url_name)).status_code == 403


def test_a_reviewer_may_not_open_assistance_records_or_act(client_for, reviewer, here):
    client = client_for(reviewer)
    files = {reverse("assistance:attachment-download", args=[here[key].pk]) for key in ("ticket_file", "visit_file")}
    for url in _get_urls(here):
        # Reviewers may download the documents of applications assigned to them; these files are not such.
        expected = 404 if url in files else 403
        assert client.get(url).status_code == expected, url
    for url in _post_urls(here):
        assert client.post(url, {"cancel-reason": "x"}).status_code == 403, url
    assert Ticket.objects.get(pk=here["ticket"].pk).status == "assigned"


def test_a_user_without_jurisdiction_sees_no_assistance_record(client_for, here):
    homeless = UserFactory(groups=["inspector"])
    client = client_for(homeless)
    for url in _get_urls(here):
        assert client.get(url).status_code == 404, url
    assert len(client.get(reverse("assistance:ticket-list")).context["page"].object_list) == 0


@pytest.mark.parametrize("url_name", LIST_AND_FORM_URLS)
def test_anonymous_users_are_sent_to_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_users_are_sent_to_sign_in_for_records_and_files(client, here):
    for url in _get_urls(here):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
    for url in _post_urls(here):
        response = client.post(url, {})
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_a_member_of_a_team_in_a_region_is_still_only_given_records_of_their_jurisdiction(
    client_for, inspector, other_county, other_ticket
):
    # Membership in a team of another county shows the team, not that county's tickets.
    foreign = SupportTeamFactory(region=other_county)
    TeamMembershipFactory(team=foreign, user=inspector)
    assert client_for(inspector).get(other_ticket.get_absolute_url()).status_code == 404


def test_writes_refuse_get(client_for, inspector, here):
    client = client_for(inspector)
    for url in _post_urls(here):
        assert client.get(url).status_code == 405, url
