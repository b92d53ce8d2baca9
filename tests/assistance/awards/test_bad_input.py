"""Arbitrary input to the review, declaration and decision forms: never a 500, never half a record."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assistance.awards import services
from assistance.awards.models import AwardApplication, Decision, Review, ReviewScore
from clusters.models import Honour
from tests.factories import EnterpriseFactory

from .factories import GB_T_19580, AwardApplicationFactory

pytestmark = pytest.mark.django_db

FUZZ = hsettings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30, deadline=None)

# Anything a browser, a script or a broken phone might send in one field.
junk = st.one_of(
    st.text(max_size=300),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.just(""),
    st.lists(st.one_of(st.text(max_size=20), st.integers().map(str)), min_size=1, max_size=3),
)
prose = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=0, max_size=250)


def _score(maximum: int):
    return st.one_of(st.integers(0, maximum).map(str), st.integers(-5, maximum + 5).map(str), junk)


@pytest.fixture
def declared(make_application, reviewer):
    application = make_application("under_review")
    assignment = application.assignments.get(reviewer=reviewer)
    services.assignment_declare(assignment_id=assignment.pk, user=reviewer, conflict=False)
    return assignment


@FUZZ
@given(data=st.data())
def test_the_review_form_never_fails_on_bad_input(client_for, reviewer, declared, data):
    Review.objects.filter(assignment=declared).delete()  # each example starts from no review
    form = {f"score_{code}": data.draw(_score(points), label=code) for code, points in GB_T_19580.items()}
    form.update({f"comment_{code}": data.draw(st.one_of(prose, junk), label=f"comment {code}") for code in GB_T_19580})
    form["comment"] = data.draw(st.one_of(prose, junk), label="comment")
    form["recommendation"] = data.draw(st.one_of(st.sampled_from(["", "approve", "reject"]), junk), label="rec")
    form[data.draw(st.sampled_from(["save", "submit"]), label="button")] = "1"

    response = client_for(reviewer).post(reverse("assistance:review", args=[declared.pk]), form)

    assert response.status_code in (200, 302), response.status_code
    review = Review.objects.filter(assignment=declared).first()
    if response.status_code == 200:
        assert response.context["form"].errors
        assert review is None
        return
    scores = dict(ReviewScore.objects.filter(review=review).values_list("category__code", "score"))
    assert all(0 <= scores[code] <= GB_T_19580[code] for code in scores)
    assert review.total == sum(scores.values())
    if review.submitted_at:
        assert set(scores) == set(GB_T_19580)
        assert review.recommendation in ("approve", "reject")


@FUZZ
@given(conflict=st.one_of(st.sampled_from(["yes", "no"]), junk), note=st.one_of(prose, junk))
def test_the_declaration_form_never_fails_on_bad_input(client_for, reviewer, make_application, conflict, note):
    application = AwardApplication.objects.filter(status="under_review").first() or make_application("under_review")
    assignment = application.assignments.get(reviewer=reviewer)
    type(assignment).objects.filter(pk=assignment.pk).update(no_conflict_declared_at=None, withdrawn_at=None)

    response = client_for(reviewer).post(
        reverse("assistance:review", args=[assignment.pk]), {"conflict": conflict, "note": note}
    )

    assert response.status_code in (200, 302), response.status_code
    assignment.refresh_from_db()
    if response.status_code == 200:
        assert response.context["form"].errors
        assert (assignment.no_conflict_declared_at, assignment.withdrawn_at) == (None, None)
    else:
        assert (assignment.no_conflict_declared_at is None) != (assignment.withdrawn_at is None)


@FUZZ
@given(
    action=st.sampled_from(["approve", "reject"]),
    reason=st.one_of(prose, junk, st.just("   ")),
)
def test_the_decision_form_never_fails_on_bad_input(
    client_for, manager, inspector, cycle, cluster, reviewers, action, reason
):
    application = AwardApplicationFactory(
        cycle=cycle,
        enterprise=EnterpriseFactory(cluster=cluster),
        prepared_by=inspector,
        status="pending_decision",
        manager=manager,
        reviewers=reviewers,
    )
    url = reverse("assistance:application-step", args=[application.pk, action])

    response = client_for(manager).post(url, {f"{action}-reason": reason})

    assert response.status_code == 302, response.status_code
    assert response.url == application.get_absolute_url()
    application.refresh_from_db()
    decision = Decision.objects.filter(application=application).first()
    if decision is None:
        assert application.status == "pending_decision"
        assert not Honour.objects.filter(enterprise=application.enterprise).exists()
    else:
        sent = str(reason[-1] if isinstance(reason, list) else reason)
        assert decision.reason == sent.strip() and decision.reason
        assert application.status == ("approved" if action == "approve" else "rejected")
        assert Honour.objects.filter(enterprise=application.enterprise).count() == (action == "approve")


# Ids as a form may receive them: real ones, none, and numbers no database column holds.
some_id = st.one_of(st.integers().map(str), st.just("99999999999999999999"), st.just("-99999999999999999999"), junk)


def test_a_reviewer_id_too_wide_for_the_database_is_a_form_error(client_for, manager, make_application, reviewers):
    application = make_application("submitted")
    url = reverse("assistance:application-step", args=[application.pk, "accept"])
    response = client_for(manager).post(
        url, {"accept-reviewers": [str(reviewers[0].pk), "99999999999999999999"], "accept-lead": ""}
    )
    assert response.status_code in (200, 302)
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not application.assignments.exists()


@pytest.fixture
def submitted(make_application):
    return make_application("submitted")


@FUZZ
@given(chosen=st.lists(some_id, max_size=4), lead=st.one_of(st.just(""), some_id))
def test_the_accept_form_never_fails_on_bad_ids(client_for, manager, submitted, chosen, lead):
    url = reverse("assistance:application-step", args=[submitted.pk, "accept"])
    response = client_for(manager).post(url, {"accept-reviewers": chosen, "accept-lead": lead})
    assert response.status_code in (200, 302), response.status_code


@FUZZ
@given(value=some_id, name=st.sampled_from(["cycle", "cluster", "county"]))
def test_the_application_filters_never_fail_on_bad_ids(client_for, manager, value, name):
    response = client_for(manager).get(reverse("assistance:application-list"), {name: value})
    assert response.status_code == 200, response.status_code
