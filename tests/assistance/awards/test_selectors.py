"""The award access helpers: 404 outside what the lists show, 403 for those who may see but not change."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from assistance.awards import services
from assistance.awards.selectors import (
    application_list,
    get_application_for_user,
    get_assignment_for_user,
    get_cycle_for_user,
    get_document_for_user,
    get_rw_application_for_user,
    visible_assignments,
)
from tests.assistance.files import pdf

from .factories import AwardCycleFactory

pytestmark = pytest.mark.django_db


def test_an_application_outside_the_jurisdiction_is_404_for_reading_and_writing(
    inspector, application, other_application
):
    assert get_application_for_user(user=inspector, pk=application.pk) == application
    assert get_rw_application_for_user(user=inspector, pk=application.pk) == application
    for helper in (get_application_for_user, get_rw_application_for_user):
        with pytest.raises(Http404):
            helper(user=inspector, pk=other_application.pk)


def test_a_read_only_user_may_see_an_application_but_not_change_it(read_only, application):
    assert get_application_for_user(user=read_only, pk=application.pk) == application
    with pytest.raises(PermissionDenied):
        get_rw_application_for_user(user=read_only, pk=application.pk)


def test_a_manager_may_change_an_application_of_the_city(manager, application, other_application):
    assert {get_rw_application_for_user(user=manager, pk=a.pk) for a in (application, other_application)} == {
        application,
        other_application,
    }


def test_the_application_helper_finds_exactly_what_the_list_shows(inspector, application, other_application):
    assert list(application_list(user=inspector)) == [application]
    assert get_application_for_user(user=inspector, pk=application.pk).review_count == 0  # with the list's scores


def test_a_read_only_user_is_refused_the_write_pages_but_reads_the_application(client_for, read_only, application):
    client = client_for(read_only)
    assert client.get(application.get_absolute_url()).status_code == 200
    assert client.get(reverse("assistance:application-update", args=[application.pk])).status_code == 403
    assert client.get(reverse("assistance:application-exception", args=[application.pk])).status_code == 403
    url = reverse("assistance:application-attach", args=[application.pk])
    assert client.post(url, {"file": pdf()}).status_code == 403
    assert not application.attachments.exists()


def test_a_cycle_unknown_to_a_reviewer_is_404(reviewer, make_application):
    assigned = make_application("under_review").cycle
    unassigned = AwardCycleFactory()
    assert get_cycle_for_user(user=reviewer, pk=assigned.pk) == assigned
    with pytest.raises(Http404):
        get_cycle_for_user(user=reviewer, pk=unassigned.pk)


def test_a_reviewer_finds_only_their_own_live_assignment(reviewer, second_reviewer, make_application):
    application = make_application("under_review")
    mine = application.assignments.get(reviewer=reviewer)
    theirs = application.assignments.get(reviewer=second_reviewer)
    assert list(visible_assignments(user=reviewer)) == [mine]
    assert get_assignment_for_user(user=reviewer, pk=mine.pk) == mine
    with pytest.raises(Http404):
        get_assignment_for_user(user=reviewer, pk=theirs.pk)
    services.assignment_declare(assignment_id=mine.pk, user=reviewer, conflict=True, note="曾任该企业顾问")
    with pytest.raises(Http404):
        get_assignment_for_user(user=reviewer, pk=mine.pk)


def test_a_document_is_found_exactly_when_its_application_is_visible(inspector, outsider, reviewer, make_application):
    application = make_application()
    services.application_attach(application_id=application.pk, user=inspector, upload=pdf())
    document = application.attachments.get()
    assert get_document_for_user(user=inspector, pk=document.pk) == document
    with pytest.raises(Http404):
        get_document_for_user(user=outsider, pk=document.pk)
    with pytest.raises(Http404):
        get_document_for_user(user=reviewer, pk=document.pk)
