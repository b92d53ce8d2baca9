"""Both reviewed workflows, award applications and 专利伯乐 nominations, run on the one lifecycle engine
and the one set of blind-review rules."""

import pytest

from assistance import reviewing
from assistance.awards import services as award_services
from assistance.lifecycle import Lifecycle
from assistance.patents import services as patent_services
from tests.assistance.awards.factories import AwardApplicationFactory, AwardCycleFactory

pytestmark = pytest.mark.django_db


def test_both_workflows_are_tables_read_by_the_same_engine():
    assert type(award_services.APPLICATIONS) is Lifecycle
    assert type(patent_services.NOMINATIONS) is Lifecycle
    assert award_services.APPLICATIONS.transitions is not patent_services.NOMINATIONS.transitions


def test_every_step_of_both_workflows_is_moved_and_recorded_by_the_engine(
    monkeypatch, make_nomination, enterprise, inspector, manager, reviewers
):
    moved = []
    finish = Lifecycle._finish

    def counting(self, record, row, **kwargs):
        moved.append((self.model.__name__, row.action))
        finish(self, record, row, **kwargs)

    monkeypatch.setattr(Lifecycle, "_finish", counting)
    make_nomination("selected")
    application = AwardApplicationFactory(
        cycle=AwardCycleFactory(), enterprise=enterprise, prepared_by=inspector, status="draft", manager=manager
    )
    application.self_assessment = "自评"
    application.save()
    award_services.application_submit(application_id=application.pk, user=inspector)
    award_services.application_withdraw(application_id=application.pk, user=inspector)
    assert moved == [
        ("Nomination", "submit"),
        ("Nomination", "accept"),
        ("Nomination", "complete"),
        ("Nomination", "select"),
        ("AwardApplication", "submit"),
        ("AwardApplication", "withdraw"),
    ]


def test_both_workflows_apply_the_shared_review_rules(monkeypatch, make_nomination, reviewer, application_under_review):
    called = []
    for name in ("check_may_declare", "check_may_score", "checked_total", "check_reviewers"):
        original = getattr(reviewing, name)

        def spy(*args, _name=name, _original=original, **kwargs):
            called.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(reviewing, name, spy)
    nomination = make_nomination("pending_decision")
    assert nomination.status == "pending_decision"
    nomination_calls = list(called)
    called.clear()
    assignment = application_under_review.assignments.get(reviewer=reviewer)
    award_services.assignment_declare(assignment_id=assignment.pk, user=reviewer, conflict=False)
    award_services.review_save(
        assignment_id=assignment.pk, user=reviewer, scores={}, comments={}, comment="", recommendation="", submit=False
    )
    assert {"check_reviewers", "check_may_declare", "check_may_score", "checked_total"} <= set(nomination_calls)
    assert called == ["check_may_declare", "check_may_score", "checked_total"]


@pytest.fixture
def application_under_review(enterprise, inspector, manager, reviewers):
    return AwardApplicationFactory(
        cycle=AwardCycleFactory(),
        enterprise=enterprise,
        prepared_by=inspector,
        status="under_review",
        manager=manager,
        reviewers=reviewers,
    )
