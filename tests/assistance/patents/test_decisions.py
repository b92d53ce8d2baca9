"""Decisions (a manager's, one and final, within the quota), publishing, and the published results."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assistance.patents import services
from assistance.patents.models import NominationDecision
from assistance.patents.selectors import patent_selection_results, published_results
from tests.assistance.factories import ExpertFactory

pytestmark = pytest.mark.django_db


def test_a_manager_selects_a_nomination_with_a_reason(make_nomination, manager):
    nomination = make_nomination("pending_decision")
    decision = services.nomination_decide(
        nomination_id=nomination.pk, user=manager, outcome="selected", reason="成效突出"
    )
    nomination.refresh_from_db()
    assert nomination.status == "selected"
    assert decision.decided_by == manager and decision.reason == "成效突出"


def test_only_a_manager_decides(make_nomination, inspector):
    nomination = make_nomination("pending_decision")
    with pytest.raises(PermissionDenied):
        services.nomination_decide(nomination_id=nomination.pk, user=inspector, outcome="selected", reason="好")
    assert not NominationDecision.objects.exists()


def test_a_nomination_is_decided_once(make_nomination, manager):
    nomination = make_nomination("selected")
    with pytest.raises(ValidationError) as error:
        services.nomination_decide(nomination_id=nomination.pk, user=manager, outcome="not_selected", reason="改判")
    assert error.value.code == "decided"
    assert NominationDecision.objects.filter(nomination=nomination).count() == 1


def test_a_decision_needs_a_reason_and_a_known_outcome(make_nomination, manager):
    nomination = make_nomination("pending_decision")
    with pytest.raises(ValidationError) as error:
        services.nomination_decide(nomination_id=nomination.pk, user=manager, outcome="selected", reason=" ")
    assert error.value.code == "reason"
    with pytest.raises(ValidationError) as error:
        services.nomination_decide(nomination_id=nomination.pk, user=manager, outcome="maybe", reason="理由")
    assert error.value.code == "outcome"


def test_no_more_are_selected_than_the_quota(make_nomination, manager):
    first, second, third = (make_nomination("pending_decision", nominee_expert=ExpertFactory()) for _ in range(3))
    for nomination in (first, second):
        services.nomination_decide(nomination_id=nomination.pk, user=manager, outcome="selected", reason="入选")
    with pytest.raises(ValidationError) as error:
        services.nomination_decide(nomination_id=third.pk, user=manager, outcome="selected", reason="入选")
    assert error.value.code == "quota"
    services.nomination_decide(nomination_id=third.pk, user=manager, outcome="not_selected", reason="名额已满")


def test_publishing_waits_for_every_decision(make_nomination, manager, selection):
    make_nomination("selected")
    make_nomination("under_review", nominee_expert=ExpertFactory())
    with pytest.raises(ValidationError) as error:
        services.selection_publish(selection_id=selection.pk, user=manager)
    assert error.value.code == "undecided"


def test_publishing_needs_someone_selected_and_happens_once(make_nomination, manager, selection):
    make_nomination("not_selected")
    with pytest.raises(ValidationError) as error:
        services.selection_publish(selection_id=selection.pk, user=manager)
    assert error.value.code == "empty"
    make_nomination("selected", nominee_expert=ExpertFactory())
    services.selection_publish(selection_id=selection.pk, user=manager)
    with pytest.raises(ValidationError) as error:
        services.selection_publish(selection_id=selection.pk, user=manager)
    assert error.value.code == "published"


def test_only_a_manager_publishes(make_nomination, inspector, selection):
    make_nomination("selected")
    with pytest.raises(PermissionDenied):
        services.selection_publish(selection_id=selection.pk, user=inspector)


def test_results_show_only_the_selected_of_published_selections_to_any_signed_in_user(
    make_nomination, manager, selection, outsider, expert
):
    selected = make_nomination("selected")
    make_nomination("not_selected", nominee_expert=ExpertFactory())
    assert not published_results(user=outsider).exists()
    services.selection_publish(selection_id=selection.pk, user=manager)
    # The outsider of 丰润区 cannot open the 迁安市 nomination, but the city's published results are theirs too.
    assert list(published_results(user=outsider)) == [selected]


def test_the_summary_selector_gives_the_years_headline_figures(make_nomination, manager, selection, expert, inspector):
    make_nomination("selected")
    make_nomination("not_selected", nominee_expert=ExpertFactory())
    services.selection_publish(selection_id=selection.pk, user=manager)
    figures = patent_selection_results(inspector, selection.year)
    assert figures["selections"] == 1 and figures["published"] == 1
    assert figures["nominations"] == 2 and figures["selected"] == 1
    assert figures["winners"] == [
        {"name": expert.name, "organisation": expert.organisation, "selection": selection.title}
    ]
    assert patent_selection_results(inspector, selection.year - 1)["nominations"] == 0


def test_the_summary_selector_counts_only_nominations_in_the_users_jurisdiction(make_nomination, outsider, selection):
    make_nomination("submitted")
    assert patent_selection_results(outsider, selection.year)["nominations"] == 0
