"""The award mails (reviewer assigned, conflict declared, application returned or decided) land in inboxes too."""

import pytest
from django.core import mail

from assistance.awards import services
from assistance.notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db

K = Notification.Kind


@pytest.fixture
def mailed(inspector, manager, reviewer, second_reviewer):
    for user, address in ((inspector, "i@example.cn"), (manager, "m@example.cn"), (reviewer, "r1@example.cn")):
        user.email = address
        user.save()
    second_reviewer.email = "r2@example.cn"
    second_reviewer.save()


def _inbox(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind)


def test_accepted_application_tells_each_reviewer(
    mailed, make_application, reviewer, second_reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = make_application("under_review")

    for user in (reviewer, second_reviewer):
        entry = _inbox(user, K.REVIEW_ASSIGNED).get()
        assignment = application.assignments.get(reviewer=user)
        assert entry.target == assignment and entry.link.endswith(f"/reviews/{assignment.pk}/")
    assert sorted(m.to[0] for m in mail.outbox) == ["r1@example.cn", "r2@example.cn"]


def test_a_returned_application_tells_its_preparer(
    mailed, make_application, manager, inspector, django_capture_on_commit_callbacks
):
    application = make_application("submitted")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_return(application_id=application.pk, user=manager, reason="缺少财务报表")

    entry = _inbox(inspector, K.APPLICATION_RETURNED).get()
    assert "缺少财务报表" in entry.body and entry.target == application
    assert [m.to for m in mail.outbox] == [["i@example.cn"]]


def test_a_declared_conflict_tells_the_manager_who_assigned(
    mailed, make_application, manager, reviewer, django_capture_on_commit_callbacks
):
    application = make_application("under_review")
    mail.outbox.clear()
    assignment = application.assignments.get(reviewer=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_declare(assignment_id=assignment.pk, user=reviewer, conflict=True, note="曾任顾问")

    assert _inbox(manager, K.REVIEWER_CONFLICT).get().target == application
    assert [m.to for m in mail.outbox] == [["m@example.cn"]]


def test_a_decision_tells_the_preparer_in_the_inbox_even_with_mail_off(
    mailed, make_application, manager, inspector, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=inspector, kind=K.APPLICATION_DECIDED, email=False)
    application = make_application("pending_decision")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(application_id=application.pk, user=manager, outcome="approved", reason="评审一致")

    assert _inbox(inspector, K.APPLICATION_DECIDED).count() == 1
    assert mail.outbox == []
