"""The reviewer's home lists the 专利伯乐 nominations waiting for their review, beside the award applications."""

import pytest
from django.urls import reverse

from assistance.patents import services
from tests.assistance.patents.conftest import FULL_MARKS

pytestmark = pytest.mark.django_db


def _due(client) -> list:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.context["reviewer"]["nomination_reviews_due"]


def test_a_nomination_under_review_is_on_its_reviewers_home_with_a_link(client_for, reviewer, make_nomination):
    nomination = make_nomination("under_review")
    review = nomination.reviews.get(reviewer=reviewer)
    client = client_for(reviewer)
    assert _due(client) == [review]
    body = client.get(reverse("home")).content.decode()
    assert reverse("assistance:nomination-review", args=[review.pk]) in body
    assert "“专利伯乐”提名评审" in body


def test_a_submitted_review_leaves_the_home(client_for, reviewer, make_nomination):
    nomination = make_nomination("under_review")
    review = nomination.reviews.get(reviewer=reviewer)
    services.review_declare(review_id=review.pk, user=reviewer, conflict=False)
    services.review_save(
        review_id=review.pk, user=reviewer, scores=FULL_MARKS, comment="成效突出", recommendation="select", submit=True
    )
    assert _due(client_for(reviewer)) == []


def test_another_reviewers_nomination_is_not_on_the_home(client_for, third_reviewer, make_nomination):
    make_nomination("under_review")
    assert _due(client_for(third_reviewer)) == []
