"""The selection's pages cost the same number of queries with few rows as with many."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assistance.models import Ticket, TicketCategory
from assistance.notifications.services import inbox_changed
from assistance.patents.models import Nomination, NominationDecision, NominationReview
from tests.assistance.factories import ExpertFactory, TicketFactory

pytestmark = pytest.mark.django_db

STATUSES = ("submitted", "under_review", "pending_decision", "selected", "not_selected")


def _queries(client, url) -> int:
    inbox_changed()  # each view measured counts the unread notifications, as the first after a change does
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)
    return len(context.captured_queries)


def _nominations(n, *, selection, county, inspector, manager, reviewers):
    """n nominations in several statuses, written straight to the database, each with submitted reviews."""
    now = timezone.now()
    for i in range(n):
        status = STATUSES[i % len(STATUSES)]
        nomination = Nomination.objects.create(
            selection=selection,
            nominee_expert=ExpertFactory(),
            region=county,
            statement="帮扶",
            nominated_by=inspector,
            status=status,
            submitted_at=now,
            evidence={"tickets": i, "enterprises": 1, "trainings": 0},
        )
        for j, reviewer in enumerate(reviewers):
            NominationReview.objects.create(
                nomination=nomination,
                reviewer=reviewer,
                no_conflict_declared_at=now,
                total=60 + (i + j) % 40,
                submitted_at=now if status != "under_review" else None,
            )
        if status in ("selected", "not_selected"):
            NominationDecision.objects.create(nomination=nomination, outcome=status, reason="评审", decided_by=manager)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("manager", "selections"),
        ("manager", "selection"),
        ("inspector", "selection"),
        ("manager", "list"),
        ("manager", "list-filtered"),
        ("manager", "list-csv"),
        ("inspector", "list"),
        ("reviewer", "selections"),
        ("inspector", "results"),
    ],
)
def test_queries_do_not_grow_with_the_number_of_nominations(
    client_for, selection, county, inspector, manager, reviewer, reviewers, who, url
):
    users = {"manager": manager, "inspector": inspector, "reviewer": reviewer}
    urls = {
        "selections": reverse("assistance:patent-selection-list"),
        "selection": selection.get_absolute_url(),
        "list": reverse("assistance:nomination-list"),
        "list-filtered": reverse("assistance:nomination-list") + f"?selection={selection.pk}&status=selected&q=专家",
        "list-csv": reverse("assistance:nomination-list") + "?export=csv",
        "results": reverse("assistance:patent-results"),
    }
    client = client_for(users[who])
    made = {
        "selection": selection,
        "county": county,
        "inspector": inspector,
        "manager": manager,
        "reviewers": reviewers,
    }
    selection.published_at = timezone.now()
    selection.save()

    _nominations(5, **made)
    few = _queries(client, urls[url])
    _nominations(25, **made)
    many = _queries(client, urls[url])

    print(f"{who} {url}: {few} queries with 5 nominations, {many} with 30")
    assert few == many


@pytest.mark.parametrize("who", ["manager", "inspector"])
def test_the_nomination_page_costs_the_same_with_more_evidence_and_reviews(
    client_for, make_nomination, colleague, enterprise, manager, inspector, third_reviewer, who
):
    nomination = make_nomination("pending_decision", nominee_user=colleague)
    category = TicketCategory.objects.get(code="patents")
    resolved = timezone.make_aware(datetime.datetime(nomination.selection.year, 1, 2))

    def tickets(n):
        for _ in range(n):
            TicketFactory(
                enterprise=enterprise,
                category=category,
                status=Ticket.Status.RESOLVED,
                assignee=colleague,
                resolved_at=resolved,
            )

    client = client_for({"manager": manager, "inspector": inspector}[who])
    tickets(2)
    few = _queries(client, nomination.get_absolute_url())
    tickets(20)
    NominationReview.objects.create(
        nomination=nomination,
        reviewer=third_reviewer,
        no_conflict_declared_at=timezone.now(),
        total=70,
        submitted_at=timezone.now(),
    )
    many = _queries(client, nomination.get_absolute_url())
    print(f"{who} nomination page: {few} queries with 2 tickets, {many} with 22 and one more review")
    assert few == many
