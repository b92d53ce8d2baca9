"""The application list and the cycle ranking cost the same number of queries with 5 applications as with 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assistance.notifications.services import inbox_changed
from tests.factories import EnterpriseFactory

from .factories import AwardApplicationFactory, full_marks

pytestmark = pytest.mark.django_db

STATUSES = ("pending_decision", "under_review", "approved", "submitted", "rejected")


def _queries(client, url) -> int:
    inbox_changed()  # each view measured counts the unread notifications, as the first after a change does
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)
    return len(context.captured_queries)


def _applications(n, *, cycle, cluster, inspector, manager, reviewers):
    """n applications of the cycle in several statuses, most of them with submitted reviews."""
    for i in range(n):
        AwardApplicationFactory(
            cycle=cycle,
            enterprise=EnterpriseFactory(cluster=cluster),
            prepared_by=inspector,
            status=STATUSES[i % len(STATUSES)],
            manager=manager,
            reviewers=reviewers,
            scores=[full_marks(percent=50 + i % 40), full_marks(percent=60 + i % 30)],
        )


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("manager", "list"),
        ("manager", "list-filtered"),
        ("manager", "list-csv"),
        ("inspector", "list"),
        ("reviewer", "list"),
        ("reviewer", "home"),
        ("manager", "home"),
        ("manager", "cycle"),
        ("inspector", "cycle"),
        ("manager", "cycles"),
    ],
)
def test_queries_do_not_grow_with_the_number_of_applications(
    client_for, cycle, cluster, inspector, manager, reviewer, reviewers, who, url
):
    users = {"manager": manager, "inspector": inspector, "reviewer": reviewer}
    urls = {
        "list": reverse("assistance:application-list"),
        "list-filtered": reverse("assistance:application-list") + f"?cycle={cycle.pk}&min_score=100&disagreement=false",
        "list-csv": reverse("assistance:application-list") + "?export=csv",
        "home": reverse("assistance:award-home"),
        "cycle": reverse("assistance:cycle-detail", args=[cycle.pk]),
        "cycles": reverse("assistance:cycle-list"),
    }
    client = client_for(users[who])
    made = {"inspector": inspector, "manager": manager, "reviewers": reviewers, "cycle": cycle, "cluster": cluster}

    _applications(5, **made)
    few = _queries(client, urls[url])
    _applications(45, **made)
    many = _queries(client, urls[url])

    print(f"{who} {url}: {few} queries with 5 applications, {many} with 50")
    assert few == many


def test_the_cycle_ranking_holds_every_reviewed_application(client_for, cycle, cluster, inspector, manager, reviewers):
    _applications(50, cycle=cycle, cluster=cluster, inspector=inspector, manager=manager, reviewers=reviewers)
    ranking = client_for(manager).get(reverse("assistance:cycle-detail", args=[cycle.pk])).context["ranking"]
    # Three statuses of the five have submitted reviews: pending decision, approved and rejected.
    assert len(ranking) == 30
    assert [a.rank for a in ranking] == list(range(1, 31))
    means = [a.mean_score for a in ranking]
    assert means == sorted(means, reverse=True)
