"""Blind reviews: a reviewer sees only what is assigned to them and only their own scores; the review form."""

import csv
import io

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from assistance.awards import services
from assistance.awards.models import AwardApplication, Review, ReviewScore

from .factories import AwardApplicationFactory, full_marks, review

pytestmark = pytest.mark.django_db

S = AwardApplication.Status
# The other reviewer's marks: a pattern that appears nowhere else.
THEIR_SCORES = {
    "leadership": 97,
    "strategy": 83,
    "customers": 71,
    "resources": 119,
    "process": 93,
    "measurement": 67,
    "results": 353,
}
THEIR_TOTAL = sum(THEIR_SCORES.values())  # 883
THEIR_COMMENT = "另一位专家的评语：过程管理薄弱"
MY_SCORES = {
    "leadership": 100,
    "strategy": 80,
    "customers": 80,
    "resources": 120,
    "process": 90,
    "measurement": 70,
    "results": 360,
}


def _their_marks_appear(body: str) -> list[str]:
    found = [THEIR_COMMENT] if THEIR_COMMENT in body else []
    for code, score in THEIR_SCORES.items():
        for pattern in (f'value="{score}"', f"{score} / ", f">{score}<"):
            if pattern in body:
                found.append(f"{code}: {pattern}")
    for pattern in (f">{THEIR_TOTAL}<", f"{THEIR_TOTAL} / ", f"{THEIR_TOTAL}.0"):
        if pattern in body:
            found.append(pattern)
    return found


@pytest.fixture
def assigned(make_application, reviewer, second_reviewer):
    """Under review by `reviewer` and `second_reviewer`; the second has submitted their marks."""
    application = make_application("under_review")
    theirs = application.assignments.get(reviewer=second_reviewer)
    services.assignment_declare(assignment_id=theirs.pk, user=second_reviewer, conflict=False)
    services.review_save(
        assignment_id=theirs.pk,
        user=second_reviewer,
        scores=THEIR_SCORES,
        comments={"process": THEIR_COMMENT},
        comment=THEIR_COMMENT,
        recommendation="reject",
        submit=True,
    )
    return application


@pytest.fixture
def mine(assigned, reviewer):
    return assigned.assignments.get(reviewer=reviewer)


@pytest.fixture
def not_mine(cycle, other_enterprise, outsider, manager, second_reviewer, third_reviewer):
    """Under review by two other reviewers, in 丰润区."""
    return AwardApplicationFactory(
        cycle=cycle,
        enterprise=other_enterprise,
        prepared_by=outsider,
        status="under_review",
        manager=manager,
        reviewers=[second_reviewer, third_reviewer],
    )


def _review_url(assignment):
    return reverse("assistance:review", args=[assignment.pk])


def _declare(client, assignment):
    return client.post(_review_url(assignment), {"conflict": "no"})


def _post_scores(client, assignment, scores, *, submit=False, recommendation="approve", comment="总体良好"):
    data = {f"score_{code}": value for code, value in scores.items()}
    data.update({"comment": comment, "recommendation": recommendation})
    data["submit" if submit else "save"] = "1"
    return client.post(_review_url(assignment), data)


# --- What a reviewer may see ------------------------------------------------------------------


def test_a_reviewer_lists_only_the_applications_assigned_to_them(
    client_for, reviewer, assigned, not_mine, make_application, other_enterprise
):
    AwardApplicationFactory(enterprise=other_enterprise, status="submitted")
    response = client_for(reviewer).get(reverse("assistance:application-list"))
    assert response.status_code == 200
    assert [a.pk for a in response.context["page"]] == [assigned.pk]


@pytest.mark.parametrize(
    "query",
    ["min_score=884", "max_score=882", "min_score=0&max_score=1", "disagreement=true", "disagreement=false"],
)
def test_score_filters_tell_a_reviewer_nothing_about_other_reviews(client_for, reviewer, assigned, query):
    response = client_for(reviewer).get(reverse("assistance:application-list") + "?" + query)
    assert [a.pk for a in response.context["page"]] == [assigned.pk]


def test_a_reviewer_gets_404_for_any_application_not_assigned_to_them(client_for, reviewer, assigned, not_mine):
    client = client_for(reviewer)
    assert client.get(not_mine.get_absolute_url()).status_code == 404
    for assignment in not_mine.assignments.all():
        assert client.get(_review_url(assignment)).status_code == 404
        assert client.post(_review_url(assignment), {"conflict": "no"}).status_code == 404
    theirs = assigned.assignments.exclude(reviewer=reviewer).get()
    assert client.get(_review_url(theirs)).status_code == 404


def test_the_application_page_sends_the_reviewer_to_their_review(client_for, reviewer, mine):
    response = client_for(reviewer).get(mine.application.get_absolute_url())
    assert response.status_code == 302
    assert response.url == _review_url(mine)


def test_the_reviewer_declares_before_seeing_the_application(client_for, reviewer, mine):
    client = client_for(reviewer)
    before = client.get(_review_url(mine)).content.decode()
    assert mine.application.enterprise.name in before
    assert mine.application.self_assessment not in before
    assert 'name="conflict"' in before and 'name="score_leadership"' not in before
    # Saving scores without the declaration is refused, through the page and the service.
    _post_scores(client, mine, MY_SCORES)
    assert not Review.objects.filter(assignment=mine).exists()
    with pytest.raises(ValidationError):
        services.review_save(
            assignment_id=mine.pk,
            user=reviewer,
            scores=MY_SCORES,
            comments={},
            comment="",
            recommendation="approve",
            submit=True,
        )

    assert _declare(client, mine).status_code == 302
    after = client.get(_review_url(mine)).content.decode()
    assert mine.application.self_assessment in after
    assert 'name="score_leadership"' in after


def test_declaring_a_conflict_needs_a_description(client_for, reviewer, mine):
    response = client_for(reviewer).post(_review_url(mine), {"conflict": "yes", "note": " "})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    mine.refresh_from_db()
    assert (mine.withdrawn_at, mine.no_conflict_declared_at) == (None, None)


def test_a_declared_conflict_withdraws_the_assignment(client_for, reviewer, mine):
    client = client_for(reviewer)
    response = client.post(_review_url(mine), {"conflict": "yes", "note": "本人配偶在该企业任职"})
    assert response.status_code == 302
    assert response.url == reverse("assistance:award-home")
    assert client.get(_review_url(mine)).status_code == 404
    assert client.get(mine.application.get_absolute_url()).status_code == 404
    assert not client.get(reverse("assistance:application-list")).context["page"].object_list
    with pytest.raises(ValidationError):
        services.assignment_declare(assignment_id=mine.pk, user=reviewer, conflict=False)


def test_a_reviewer_never_sees_another_reviewers_marks(client_for, reviewer, mine):
    client = client_for(reviewer)
    _declare(client, mine)
    pages = [
        reverse("assistance:award-home"),
        reverse("assistance:application-list"),
        _review_url(mine),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert _their_marks_appear(body) == [], url

    _post_scores(client, mine, MY_SCORES, submit=True)
    mine.application.refresh_from_db()
    assert mine.application.status == S.PENDING_DECISION
    for url in pages:
        body = client.get(url).content.decode()
        assert _their_marks_appear(body) == [], url
    locked = client.get(_review_url(mine)).content.decode()
    assert "100 / 110" in locked and "900 / 1000" in locked


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_reviewers_download_holds_only_their_own_review(client_for, reviewer, mine, not_mine, fmt):
    client = client_for(reviewer)
    _declare(client, mine)
    _post_scores(client, mine, MY_SCORES, submit=True)

    response = client.get(reverse("assistance:application-list") + f"?export={fmt}&min_score=0")

    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        rows = [
            [("" if v is None else str(v)) for v in row] for row in load_workbook(io.BytesIO(content)).active.values
        ]
    cells = {cell for row in rows for cell in row}
    assert len(rows) == 2
    assert str(sum(MY_SCORES.values())) in cells
    assert mine.application.enterprise.name in cells
    assert not_mine.enterprise.name not in cells
    assert str(THEIR_TOTAL) not in cells
    assert str(THEIR_TOTAL / 2 + 450) not in cells  # no mean of the two
    assert not any(THEIR_COMMENT in cell for cell in cells)


def test_reviews_due_lists_only_applications_still_under_review(client_for, reviewer, mine, inspector):
    client = client_for(reviewer)
    assert [a.pk for a in client.get(reverse("assistance:award-home")).context["assignments"]] == [mine.pk]
    services.application_withdraw(application_id=mine.application_id, user=inspector, reason="企业撤回")
    assert client.get(reverse("assistance:award-home")).context["assignments"] == []


# --- The review form --------------------------------------------------------------------------


def test_the_form_shows_each_category_with_its_maximum_and_a_running_total(client_for, reviewer, mine):
    client = client_for(reviewer)
    _declare(client, mine)
    body = client.get(_review_url(mine)).content.decode()
    for category in mine.application.cycle.rubric.categories.all():
        assert f"{category.name}（0–{category.max_points}）" in body
        assert f'data-max="{category.max_points}"' in body
    assert 'id="running-total"' in body
    assert "/ 1000" in body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("leadership", "111"),
        ("leadership", "-1"),
        ("results", "401"),
        ("results", "abc"),
        ("process", "12.5"),
        ("strategy", "1e3"),
        ("customers", "九十"),
        ("measurement", "99999999999999999999999"),
    ],
)
def test_out_of_range_or_non_numeric_scores_are_form_errors(client_for, reviewer, mine, field, value):
    client = client_for(reviewer)
    _declare(client, mine)
    scores = {**MY_SCORES, field: value}
    response = _post_scores(client, mine, scores, submit=True)
    assert response.status_code == 200
    assert response.context["form"].errors[f"score_{field}"]
    assert not Review.objects.filter(assignment=mine).exists()


def test_the_service_refuses_out_of_range_scores(reviewer, mine):
    services.assignment_declare(assignment_id=mine.pk, user=reviewer, conflict=False)
    for scores in ({**MY_SCORES, "results": 401}, {**MY_SCORES, "leadership": -1}):
        with pytest.raises(ValidationError):
            services.review_save(
                assignment_id=mine.pk,
                user=reviewer,
                scores=scores,
                comments={},
                comment="",
                recommendation="approve",
                submit=False,
            )
    assert not Review.objects.filter(assignment=mine).exists()


def test_the_edges_of_each_range_are_accepted(client_for, reviewer, mine):
    client = client_for(reviewer)
    _declare(client, mine)
    response = _post_scores(client, mine, {**full_marks(), "strategy": 0}, submit=True)
    assert response.status_code == 302
    saved = Review.objects.get(assignment=mine)
    assert saved.total == 1000 - 90
    assert dict(saved.scores.values_list("category__code", "score")) == {**full_marks(), "strategy": 0}


def test_a_draft_review_is_kept_and_shown_again(client_for, reviewer, mine):
    client = client_for(reviewer)
    _declare(client, mine)
    response = _post_scores(client, mine, {"leadership": 88}, recommendation="")
    assert response.status_code == 302
    saved = Review.objects.get(assignment=mine)
    assert (saved.submitted_at, saved.total) == (None, 88)
    body = client.get(_review_url(mine)).content.decode()
    assert 'value="88"' in body


def test_submitting_needs_every_score_and_a_recommendation(client_for, reviewer, mine):
    client = client_for(reviewer)
    _declare(client, mine)
    response = _post_scores(client, mine, {"leadership": 88}, submit=True)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    response = _post_scores(client, mine, MY_SCORES, submit=True, recommendation="")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Review.objects.filter(assignment=mine, submitted_at__isnull=False).exists()


def test_a_submitted_review_is_locked(client_for, reviewer, mine):
    client = client_for(reviewer)
    _declare(client, mine)
    _post_scores(client, mine, MY_SCORES, submit=True)
    saved = Review.objects.get(assignment=mine)

    response = _post_scores(client, mine, full_marks(), submit=True, comment="改主意了")
    assert response.status_code == 200
    assert response.context["locked"]
    with pytest.raises(ValidationError):
        services.review_save(
            assignment_id=mine.pk,
            user=reviewer,
            scores=full_marks(),
            comments={},
            comment="改主意了",
            recommendation="approve",
            submit=True,
        )
    after = Review.objects.get(assignment=mine)
    assert (after.total, after.comment, after.submitted_at) == (saved.total, saved.comment, saved.submitted_at)
    assert dict(ReviewScore.objects.filter(review=after).values_list("category__code", "score")) == MY_SCORES


def test_only_the_assigned_reviewer_may_save_the_review(mine, second_reviewer, manager):
    for user in (second_reviewer, manager):
        with pytest.raises(PermissionDenied):
            services.review_save(
                assignment_id=mine.pk,
                user=user,
                scores=MY_SCORES,
                comments={},
                comment="",
                recommendation="approve",
                submit=True,
            )


def test_staff_may_not_open_the_review_page(client_for, manager, inspector, mine):
    for user in (manager, inspector):
        assert client_for(user).get(_review_url(mine)).status_code == 403


# --- What managers see ------------------------------------------------------------------------


def test_managers_see_all_reviews_side_by_side(client_for, manager, reviewer, mine, assigned):
    review(mine, MY_SCORES)
    response = client_for(manager).get(assigned.get_absolute_url())
    side = response.context["side_by_side"]
    assert len(side["reviews"]) == 2
    rows = {row["category"].code: row for row in side["rows"]}
    assert [s.score for s in rows["leadership"]["scores"]] == [MY_SCORES["leadership"], 97] or [
        s.score for s in rows["leadership"]["scores"]
    ] == [97, MY_SCORES["leadership"]]
    assert rows["leadership"]["mean"] == (100 + 97) / 2
    assert (rows["results"]["min"], rows["results"]["max"]) == (353, 360)
    application = response.context["application"]
    assert application.mean_score == (900 + THEIR_TOTAL) / 2
    assert (application.min_score, application.max_score, application.review_count) == (883, 900, 2)
    assert not application.disagreement
    body = response.content.decode()
    assert 'id="reviews-side-by-side"' in body and THEIR_COMMENT in body


def test_inspectors_see_no_individual_review(client_for, inspector, reviewer, mine, assigned):
    review(mine, MY_SCORES)
    response = client_for(inspector).get(assigned.get_absolute_url())
    assert response.context["side_by_side"] is None
    assert 'id="reviews-side-by-side"' not in response.content.decode()
    assert THEIR_COMMENT not in response.content.decode()


@pytest.mark.parametrize(("spread", "flagged"), [(150, False), (151, True)])
def test_reviewers_disagree_when_the_totals_spread_more_than_the_setting(
    client_for, manager, make_application, spread, flagged
):
    low = {**full_marks(), "results": 400 - spread}
    application = make_application("pending_decision", scores=[full_marks(), low])
    response = client_for(manager).get(application.get_absolute_url())
    assert response.context["application"].disagreement is flagged
    with translation.override(settings.LANGUAGE_CODE):
        flag = f'<span class="badge text-bg-warning">{gettext("Reviewers disagree")}</span>'
    assert (flag in response.content.decode()) is flagged
    listed = client_for(manager).get(reverse("assistance:application-list") + "?disagreement=true")
    assert [a.pk for a in listed.context["page"]] == ([application.pk] if flagged else [])


def test_the_disagreement_setting_can_be_changed(client_for, manager, make_application, settings):
    settings.REVIEW_DISAGREEMENT_POINTS = 50
    low = {**full_marks(), "results": 340}
    application = make_application("pending_decision", scores=[full_marks(), low])
    response = client_for(manager).get(application.get_absolute_url())
    assert response.context["application"].disagreement is True


def test_applications_without_reviews_are_not_flagged_as_disagreeing(client_for, manager, make_application):
    application = make_application("submitted")
    listed = client_for(manager).get(reverse("assistance:application-list") + "?disagreement=false")
    assert [a.pk for a in listed.context["page"]] == [application.pk]


def test_a_reviewers_download_follows_their_search(client_for, reviewer, mine):
    client = client_for(reviewer)
    url = reverse("assistance:application-list")
    name = mine.application.enterprise.name
    for query, expected in ((name[:4], [name]), ("没有这家企业", [])):
        content = b"".join(client.get(url, {"q": query, "export": "csv"}).streaming_content)
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert [row[1] for row in rows[1:]] == expected
