"""Fixtures of the 专利伯乐 tests: a selection of 唐山市 open now, reviewers, nominees and nominations."""

import datetime

import pytest
from django.utils import timezone

from assistance.patents import services
from assistance.patents.models import RUBRIC, PatentSelection
from tests.assistance.awards.factories import reviewer_user
from tests.assistance.factories import ExpertFactory
from tests.factories import UserFactory

FULL_MARKS = {c.code: c.max_points for c in RUBRIC}


@pytest.fixture
def selection(city):
    now = timezone.now()
    return PatentSelection.objects.create(
        year=now.year,
        title=f"{now.year}年度唐山市“专利伯乐”评选",
        region=city,
        opens_at=now - datetime.timedelta(days=10),
        closes_at=now + datetime.timedelta(days=20),
        quota=2,
    )


@pytest.fixture
def second_reviewer(city):
    return reviewer_user(username="reviewer2", jurisdiction=city, last_name="李", first_name="评审")


@pytest.fixture
def third_reviewer(city):
    return reviewer_user(username="reviewer3", jurisdiction=city, last_name="王", first_name="评审")


@pytest.fixture
def reviewers(reviewer, second_reviewer):
    return [reviewer, second_reviewer]


@pytest.fixture
def expert(db):
    return ExpertFactory(name="张专利", organisation="唐山市知识产权促进保护中心", specialities="专利挖掘")


@pytest.fixture
def colleague(county):
    """An inspector of 迁安市 who can be nominated as staff."""
    return UserFactory(
        username="colleague", jurisdiction=county, groups=["inspector"], last_name="赵", first_name="同事"
    )


def walk(nomination, status: str, *, nominator, manager, reviewers=()) -> None:
    """Take the nomination to `status` through the services, as people would."""
    if status == "draft":
        return
    services.nomination_submit(nomination_id=nomination.pk, user=nominator)
    if status == "submitted":
        return
    if status == "returned":
        services.nomination_return(nomination_id=nomination.pk, user=manager, reason="请补充帮扶事例")
        return
    services.nomination_accept(nomination_id=nomination.pk, user=manager, reviewers=list(reviewers))
    if status == "under_review":
        return
    for review in nomination.reviews.all():
        services.review_declare(review_id=review.pk, user=review.reviewer, conflict=False)
        services.review_save(
            review_id=review.pk,
            user=review.reviewer,
            scores=FULL_MARKS,
            comment="成效突出",
            recommendation="select",
            submit=True,
        )
    if status == "pending_decision":
        return
    outcome = "not_selected" if status == "not_selected" else "selected"
    services.nomination_decide(nomination_id=nomination.pk, user=manager, outcome=outcome, reason="评审通过")


@pytest.fixture
def make_nomination(selection, expert, inspector, manager, reviewers):
    """Make a nomination (of the expert, by the 迁安市 inspector, unless told) in the given status."""

    def make(status="draft", *, nominator=None, nominee_user=None, nominee_expert=None, reviewed_by=None, **fields):
        nominator = nominator or inspector
        if nominee_user is None and nominee_expert is None:
            nominee_expert = expert
        nomination = services.nomination_create(
            user=nominator,
            selection=fields.pop("in_selection", selection),
            nominee_expert=nominee_expert,
            nominee_user=nominee_user,
            statement=fields.pop("statement", "帮助企业完成专利申报"),
        )
        if status == "withdrawn":
            services.nomination_withdraw(nomination_id=nomination.pk, user=nominator)
        else:
            walk(nomination, status, nominator=nominator, manager=manager, reviewers=reviewed_by or reviewers)
        nomination.refresh_from_db()
        return nomination

    return make


@pytest.fixture
def nomination(make_nomination):
    return make_nomination()
