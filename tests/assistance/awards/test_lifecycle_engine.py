"""Award applications on the one lifecycle engine: system steps, and a step that fails halfway."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assistance.awards import services as award_services

pytestmark = pytest.mark.django_db


def test_a_system_step_is_never_offered_to_a_user(make_application, manager):
    application = make_application("under_review")
    assert "complete" not in award_services.allowed_steps(manager, application)
    with pytest.raises(PermissionDenied):
        award_services.APPLICATIONS.check(user=manager, record=application, action="complete")


def test_work_that_fails_inside_a_step_rolls_the_whole_step_back(make_application, manager, reviewer):
    application = make_application("submitted")
    with pytest.raises(ValidationError):
        # One reviewer is too few: the reviewer assigned first must not stay assigned.
        award_services.application_accept(application_id=application.pk, user=manager, reviewers=[reviewer])
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not application.assignments.exists()
    assert not application.events.filter(action__in=("assign", "accept")).exists()


def test_every_application_step_is_moved_and_recorded_by_the_engine(make_application, manager, monkeypatch):
    from assistance.lifecycle import Lifecycle

    moved = []
    finish = Lifecycle._finish

    def counting(self, record, row, **kwargs):
        moved.append(row.action)
        finish(self, record, row, **kwargs)

    application = make_application("submitted")
    monkeypatch.setattr(Lifecycle, "_finish", counting)
    award_services.application_return(application_id=application.pk, user=manager, reason="材料不全")
    award_services.application_withdraw(application_id=application.pk, user=manager, reason="企业撤回")
    assert moved == ["return", "withdraw"]
    assert list(application.events.order_by("at", "pk").values_list("action", flat=True))[-2:] == moved
