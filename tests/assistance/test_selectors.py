"""The assistance access helpers: 404 outside what the lists show, 403 for those who may see but not change."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from assistance import services
from assistance.selectors import (
    get_attachment_for_user,
    get_rw_ticket_for_user,
    get_rw_training_for_user,
    get_team_for_user,
    get_ticket_for_user,
    get_training_for_user,
    get_visit_for_user,
    team_list,
    ticket_list,
    visible_attachments,
    visible_tickets,
)

from .factories import TicketFactory, TrainingFactory, VisitFactory
from .files import png

pytestmark = pytest.mark.django_db


def test_a_ticket_outside_the_jurisdiction_is_404_for_reading_and_writing(inspector, ticket, other_ticket):
    assert get_ticket_for_user(user=inspector, pk=ticket.pk) == ticket
    assert get_rw_ticket_for_user(user=inspector, pk=ticket.pk) == ticket
    for helper in (get_ticket_for_user, get_rw_ticket_for_user):
        with pytest.raises(Http404):
            helper(user=inspector, pk=other_ticket.pk)


def test_an_inspector_outside_the_team_may_see_the_ticket_but_not_change_it(bystander, ticket):
    assert get_ticket_for_user(user=bystander, pk=ticket.pk) == ticket
    with pytest.raises(PermissionDenied):
        get_rw_ticket_for_user(user=bystander, pk=ticket.pk)


def test_a_read_only_user_may_see_a_ticket_but_not_change_it(read_only, ticket):
    assert get_ticket_for_user(user=read_only, pk=ticket.pk) == ticket
    with pytest.raises(PermissionDenied):
        get_rw_ticket_for_user(user=read_only, pk=ticket.pk)


def test_a_cancelled_ticket_may_be_seen_but_not_changed(manager, enterprise):
    ticket = TicketFactory(enterprise=enterprise, status="cancelled")
    assert get_ticket_for_user(user=manager, pk=ticket.pk) == ticket
    with pytest.raises(PermissionDenied):
        get_rw_ticket_for_user(user=manager, pk=ticket.pk)


def test_the_ticket_helper_finds_exactly_what_the_list_shows(inspector, ticket, other_ticket):
    assert list(ticket_list(user=inspector)) == [ticket]
    assert get_ticket_for_user(user=inspector, pk=ticket.pk).overdue is False  # the list's annotations come along


def test_a_training_outside_the_jurisdiction_is_404_and_a_read_only_user_may_not_change_one(
    inspector, read_only, county, other_county
):
    here, there = TrainingFactory(region=county), TrainingFactory(region=other_county)
    assert get_rw_training_for_user(user=inspector, pk=here.pk) == here
    for helper in (get_training_for_user, get_rw_training_for_user):
        with pytest.raises(Http404):
            helper(user=inspector, pk=there.pk)
    assert get_training_for_user(user=read_only, pk=here.pk) == here
    with pytest.raises(PermissionDenied):
        get_rw_training_for_user(user=read_only, pk=here.pk)


def test_a_visit_outside_the_jurisdiction_is_404(inspector, enterprise, other_enterprise, team, other_team):
    here = VisitFactory(enterprise=enterprise, team=team)
    there = VisitFactory(enterprise=other_enterprise, team=other_team)
    assert get_visit_for_user(user=inspector, pk=here.pk) == here
    with pytest.raises(Http404):
        get_visit_for_user(user=inspector, pk=there.pk)


def test_a_team_is_found_exactly_when_the_team_list_shows_it(inspector, team, other_team):
    assert set(team_list(user=inspector)) == {team}
    assert get_team_for_user(user=inspector, pk=team.pk) == team
    with pytest.raises(Http404):
        get_team_for_user(user=inspector, pk=other_team.pk)


def test_a_file_is_found_exactly_when_its_ticket_or_visit_is(inspector, outsider, reviewer, ticket, other_ticket):
    mine = services.attachment_add(user=inspector, upload=png(), ticket=ticket)
    theirs = services.attachment_add(user=outsider, upload=png(), ticket=other_ticket)
    visit = VisitFactory(enterprise=ticket.enterprise, team=ticket.team)
    photo = services.attachment_add(user=inspector, upload=png(), visit=visit)
    assert set(visible_attachments(user=inspector)) == {mine, photo}
    assert get_attachment_for_user(user=inspector, pk=photo.pk) == photo
    with pytest.raises(Http404):
        get_attachment_for_user(user=inspector, pk=theirs.pk)
    # Reviewers see no ticket or visit, so none of their files either.
    assert not visible_attachments(user=reviewer).exists()
    with pytest.raises(Http404):
        get_attachment_for_user(user=reviewer, pk=mine.pk)


def test_a_read_only_user_is_refused_every_write_page_but_reads_the_records(client_for, read_only, ticket, county):
    training = TrainingFactory(region=county)
    visit = VisitFactory(enterprise=ticket.enterprise, team=ticket.team)
    client = client_for(read_only)
    for url in (ticket.get_absolute_url(), training.get_absolute_url(), visit.get_absolute_url()):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("assistance:ticket-update", args=[ticket.pk])).status_code == 403
    assert client.get(reverse("assistance:training-update", args=[training.pk])).status_code == 403
    for url in (
        reverse("assistance:ticket-attach", args=[ticket.pk]),
        reverse("assistance:visit-attach", args=[visit.pk]),
    ):
        assert client.post(url, {"file": png()}).status_code == 403, url
    assert not ticket.attachments.exists() and not visit.attachments.exists()


def test_selectors_take_their_arguments_by_keyword_only(inspector, ticket):
    with pytest.raises(TypeError):
        visible_tickets(inspector)
    with pytest.raises(TypeError):
        get_ticket_for_user(inspector, ticket.pk)
