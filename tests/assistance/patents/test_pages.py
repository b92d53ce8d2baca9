"""The selection's pages: they work for their roles, outsiders get 404, read-only users 403, writes refuse GET."""

import uuid

import pytest
from django.urls import reverse

from assistance.patents import services
from assistance.patents.models import Nomination, NominationDecision, PatentSelection

from .conftest import FULL_MARKS

pytestmark = pytest.mark.django_db


def test_the_selection_list_and_detail_show_the_selection(client_for, inspector, selection, nomination):
    client = client_for(inspector)
    page = client.get(reverse("assistance:patent-selection-list"))
    assert page.status_code == 200 and selection.title in page.text
    page = client.get(selection.get_absolute_url())
    assert page.status_code == 200 and nomination.nominee_name in page.text


def test_the_nomination_page_shows_the_live_evidence_and_the_steps(client_for, inspector, nomination):
    page = client_for(inspector).get(nomination.get_absolute_url())
    assert page.status_code == 200
    assert 'id="evidence-live"' in page.text
    assert 'data-step="submit"' in page.text


def test_an_inspector_nominates_through_the_page(client_for, inspector, selection, expert):
    response = client_for(inspector).post(
        reverse("assistance:nomination-create", args=[selection.pk]),
        {"nominee_expert": expert.pk, "statement": "指导企业专利布局"},
    )
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and response.url == nomination.get_absolute_url()
    assert nomination.nominated_by == inspector and nomination.status == "draft"


def test_a_nomination_without_a_nominee_is_a_form_error(client_for, inspector, selection):
    response = client_for(inspector).post(
        reverse("assistance:nomination-create", args=[selection.pk]), {"statement": "x"}
    )
    assert response.status_code == 200
    assert "either an expert or a staff member" in response.text or "专家" in response.text
    assert not Nomination.objects.exists()


def test_a_nominee_id_that_does_not_exist_is_a_form_error_not_a_500(client_for, inspector, selection):
    response = client_for(inspector).post(
        reverse("assistance:nomination-create", args=[selection.pk]), {"nominee_expert": "99999x", "statement": "x"}
    )
    assert response.status_code == 200 and not Nomination.objects.exists()


def test_the_submit_step_through_the_page_submits_the_nomination(client_for, inspector, nomination):
    response = client_for(inspector).post(reverse("assistance:nomination-step", args=[nomination.pk, "submit"]))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == "submitted" and "tickets" in nomination.evidence


def test_a_repeated_submit_of_the_same_form_happens_once(client_for, manager, make_nomination):
    nomination = make_nomination("pending_decision")
    client = client_for(manager)
    token = str(uuid.uuid4())
    data = {"select-reason": "评审得分最高", "select-submission_token": token}
    url = reverse("assistance:nomination-step", args=[nomination.pk, "select"])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert NominationDecision.objects.filter(nomination=nomination).count() == 1
    assert nomination.events.filter(action="select").count() == 1


def test_a_step_with_a_blank_reason_says_so_and_changes_nothing(client_for, manager, make_nomination):
    nomination = make_nomination("submitted")
    response = client_for(manager).post(
        reverse("assistance:nomination-step", args=[nomination.pk, "return"]), {"return-reason": ""}, follow=True
    )
    assert response.status_code == 200
    nomination.refresh_from_db()
    assert nomination.status == "submitted"


def test_an_unknown_step_is_404(client_for, manager, nomination):
    assert (
        client_for(manager).post(reverse("assistance:nomination-step", args=[nomination.pk, "explode"])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "name",
    [
        "nomination-detail",
        "nomination-update",
    ],
)
def test_an_outsider_gets_404_on_another_countys_nomination(client_for, outsider, nomination, name):
    assert client_for(outsider).get(reverse(f"assistance:{name}", args=[nomination.pk])).status_code == 404


def test_an_outsider_gets_404_on_a_step_of_another_countys_nomination(client_for, outsider, nomination):
    url = reverse("assistance:nomination-step", args=[nomination.pk, "withdraw"])
    assert client_for(outsider).post(url).status_code == 404
    nomination.refresh_from_db()
    assert nomination.status == "draft"


def test_an_outsider_does_not_list_another_countys_nomination(client_for, outsider, nomination, selection):
    page = client_for(outsider).get(reverse("assistance:nomination-list"))
    assert page.status_code == 200 and nomination.nominee_name not in page.text
    page = client_for(outsider).get(selection.get_absolute_url())
    assert nomination.nominee_name not in page.text


def test_a_read_only_user_sees_the_nomination_but_gets_403_on_every_write(
    client_for, read_only, make_nomination, selection
):
    nomination = make_nomination("submitted")
    client = client_for(read_only)
    assert client.get(nomination.get_absolute_url()).status_code == 200
    for action in ("return", "accept", "withdraw"):
        assert (
            client.post(
                reverse("assistance:nomination-step", args=[nomination.pk, action]), {f"{action}-reason": "x"}
            ).status_code
            == 403
        )
    assert client.get(reverse("assistance:nomination-create", args=[selection.pk])).status_code == 403
    assert client.get(reverse("assistance:nomination-update", args=[nomination.pk])).status_code == 403
    assert client.post(reverse("assistance:patent-selection-publish", args=[selection.pk])).status_code == 403
    assert client.post(reverse("assistance:nomination-add-reviewer", args=[nomination.pk])).status_code == 403
    nomination.refresh_from_db()
    assert nomination.status == "submitted"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("nomination-step", "nomination"),
        ("nomination-add-reviewer", "nomination"),
        ("patent-selection-publish", "selection"),
        ("nomination-review-declare", "review"),
        ("nomination-review-score", "review"),
    ],
)
def test_writes_refuse_get(client_for, manager, reviewer, make_nomination, selection, name, kind):
    nomination = make_nomination("under_review")
    review = nomination.reviews.get(reviewer=reviewer)
    target = {"nomination": nomination.pk, "selection": selection.pk, "review": review.pk}[kind]
    args = [target, "submit"] if name == "nomination-step" else [target]
    user = reviewer if kind == "review" else manager
    assert client_for(user).get(reverse(f"assistance:{name}", args=args)).status_code == 405


def test_a_user_without_the_selections_permissions_gets_403(client_for, db):
    from tests.factories import UserFactory

    nobody = UserFactory(username="nobody")
    client = client_for(nobody)
    assert client.get(reverse("assistance:patent-selection-list")).status_code == 403
    assert client.get(reverse("assistance:nomination-list")).status_code == 403
    # The published results are for every signed-in user.
    assert client.get(reverse("assistance:patent-results")).status_code == 200


def test_the_reviewer_declares_then_scores_through_the_pages(client_for, reviewer, make_nomination):
    nomination = make_nomination("under_review")
    review = nomination.reviews.get(reviewer=reviewer)
    client = client_for(reviewer)
    page = client.get(reverse("assistance:nomination-review", args=[review.pk]))
    assert page.status_code == 200 and nomination.statement not in page.text
    response = client.post(
        reverse("assistance:nomination-review-declare", args=[review.pk]), {"declare-conflict": "no"}
    )
    assert response.status_code == 302
    page = client.get(reverse("assistance:nomination-review", args=[review.pk]))
    assert nomination.statement in page.text
    data = {f"score_{code}": points for code, points in FULL_MARKS.items()} | {
        "recommendation": "select",
        "submit": "1",
    }
    response = client.post(reverse("assistance:nomination-review-score", args=[review.pk]), data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.total == 100 and review.submitted_at is not None


def test_a_score_out_of_range_through_the_page_is_refused_with_a_message(client_for, reviewer, make_nomination):
    nomination = make_nomination("under_review")
    review = nomination.reviews.get(reviewer=reviewer)
    services.review_declare(review_id=review.pk, user=reviewer, conflict=False)
    response = client_for(reviewer).post(
        reverse("assistance:nomination-review-score", args=[review.pk]),
        {"score_impact": "999", "submit": "1"},
        follow=True,
    )
    assert response.status_code == 200
    review.refresh_from_db()
    assert review.submitted_at is None and review.total == 0


def test_a_conflict_without_a_note_is_a_400_with_the_form(client_for, reviewer, make_nomination):
    review = make_nomination("under_review").reviews.get(reviewer=reviewer)
    response = client_for(reviewer).post(
        reverse("assistance:nomination-review-declare", args=[review.pk]), {"declare-conflict": "yes"}
    )
    assert response.status_code == 400
    review.refresh_from_db()
    assert review.withdrawn_at is None


def test_another_reviewers_review_page_is_404(client_for, reviewer, second_reviewer, make_nomination):
    review = make_nomination("under_review").reviews.get(reviewer=second_reviewer)
    assert client_for(reviewer).get(reverse("assistance:nomination-review", args=[review.pk])).status_code == 404


def test_a_reviewer_opening_the_nomination_is_sent_to_their_review_page(client_for, reviewer, make_nomination):
    nomination = make_nomination("under_review")
    review = nomination.reviews.get(reviewer=reviewer)
    response = client_for(reviewer).get(nomination.get_absolute_url())
    assert response.status_code == 302 and response.url == reverse("assistance:nomination-review", args=[review.pk])


def test_the_manager_sees_the_reviews_side_by_side(client_for, manager, make_nomination):
    nomination = make_nomination("pending_decision")
    page = client_for(manager).get(nomination.get_absolute_url())
    assert 'id="reviews-side-by-side"' in page.text


def test_an_inspector_does_not_see_the_reviews_side_by_side(client_for, inspector, make_nomination):
    nomination = make_nomination("pending_decision")
    page = client_for(inspector).get(nomination.get_absolute_url())
    assert 'id="reviews-side-by-side"' not in page.text


def test_the_manager_publishes_and_the_results_page_lists_the_selected(
    client_for, manager, outsider, make_nomination, selection
):
    nomination = make_nomination("selected")
    response = client_for(manager).post(reverse("assistance:patent-selection-publish", args=[selection.pk]))
    assert response.status_code == 302
    selection.refresh_from_db()
    assert selection.published_at is not None
    page = client_for(outsider).get(reverse("assistance:patent-results") + f"?year={selection.year}")
    assert nomination.nominee_name in page.text


def test_a_bad_year_on_the_results_page_is_ignored(client_for, inspector):
    assert client_for(inspector).get(reverse("assistance:patent-results") + "?year=abc").status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_nomination_list_exports_with_its_filters(client_for, manager, make_nomination, fmt, colleague):
    make_nomination("submitted")
    make_nomination(nominee_user=colleague)
    response = client_for(manager).get(reverse("assistance:nomination-list") + f"?status=submitted&export={fmt}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        assert "张专利" in text and "赵同事" not in text


def test_the_edit_page_saves_the_statement(client_for, inspector, nomination):
    response = client_for(inspector).post(
        reverse("assistance:nomination-update", args=[nomination.pk]), {"statement": "新的理由"}
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.statement == "新的理由"


def test_a_selection_of_another_county_is_404(client_for, inspector, other_county, selection):
    theirs = PatentSelection.objects.create(
        year=selection.year,
        title="丰润区评选",
        region=other_county,
        opens_at=selection.opens_at,
        closes_at=selection.closes_at,
        quota=1,
    )
    client = client_for(inspector)
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(reverse("assistance:nomination-create", args=[theirs.pk])).status_code == 404
    assert theirs.title not in client.get(reverse("assistance:patent-selection-list")).text


def test_the_nomination_filter_refuses_a_selection_the_user_cannot_see(client_for, inspector, other_county, nomination):
    theirs = PatentSelection.objects.create(
        year=2020,
        title="丰润区评选",
        region=other_county,
        opens_at=nomination.selection.opens_at,
        closes_at=nomination.selection.closes_at,
        quota=1,
    )
    page = client_for(inspector).get(reverse("assistance:nomination-list") + f"?selection={theirs.pk}")
    assert page.status_code == 200
    assert theirs.title not in page.text
