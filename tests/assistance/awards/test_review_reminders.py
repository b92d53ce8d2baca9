"""Reviewers are reminded of reviews not yet submitted as the cycle's review deadline comes."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from assistance.notifications.models import Notification
from assistance.notifications.services import REVIEW_REMINDER_DAYS, send_reminders

from .factories import review

pytestmark = pytest.mark.django_db

K = Notification.Kind


def noon() -> datetime.datetime:
    """Today at noon: a run and a rerun minutes later fall on the same day whenever the test runs."""
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(12)))


@pytest.fixture
def under_review(make_application, cycle, reviewer, second_reviewer):
    reviewer.email, second_reviewer.email = "r1@example.cn", "r2@example.cn"
    reviewer.save()
    second_reviewer.save()
    cycle.review_due_at = noon() + datetime.timedelta(days=REVIEW_REMINDER_DAYS - 1)
    cycle.save()
    return make_application("under_review")


def _remind(capture, at=None):
    with capture(execute=True):
        return send_reminders(at=at or noon())


def test_each_reviewer_who_has_not_submitted_is_reminded(
    under_review, reviewer, second_reviewer, django_capture_on_commit_callbacks
):
    submitted = under_review.assignments.get(reviewer=second_reviewer)
    review(submitted)
    mail.outbox.clear()

    counts = _remind(django_capture_on_commit_callbacks)

    assert counts[K.REVIEW_DUE] == 1
    reminder = Notification.objects.get(kind=K.REVIEW_DUE)
    assignment = under_review.assignments.get(reviewer=reviewer)
    assert reminder.recipient == reviewer and reminder.target == assignment
    assert reminder.link == f"/assistance/awards/reviews/{assignment.pk}/"
    assert under_review.enterprise.name in reminder.title
    assert [m.to for m in mail.outbox] == [["r1@example.cn"]]


def test_a_review_saved_but_not_submitted_is_still_reminded(under_review, reviewer, django_capture_on_commit_callbacks):
    review(under_review.assignments.get(reviewer=reviewer), submit=False)

    _remind(django_capture_on_commit_callbacks)

    assert Notification.objects.filter(kind=K.REVIEW_DUE, recipient=reviewer).count() == 1


def test_no_reminder_while_the_deadline_is_far_or_unset(under_review, cycle, django_capture_on_commit_callbacks):
    cycle.review_due_at = noon() + datetime.timedelta(days=REVIEW_REMINDER_DAYS + 1)
    cycle.save()
    assert _remind(django_capture_on_commit_callbacks)[K.REVIEW_DUE] == 0
    cycle.review_due_at = None
    cycle.save()
    assert _remind(django_capture_on_commit_callbacks)[K.REVIEW_DUE] == 0
    assert not Notification.objects.filter(kind=K.REVIEW_DUE).exists()


def test_a_withdrawn_reviewer_is_not_reminded(
    under_review, reviewer, second_reviewer, django_capture_on_commit_callbacks
):
    from assistance.awards.services import assignment_declare

    assignment = under_review.assignments.get(reviewer=reviewer)
    assignment_declare(assignment_id=assignment.pk, user=reviewer, conflict=True, note="曾任该企业顾问")

    _remind(django_capture_on_commit_callbacks)

    recipients = Notification.objects.filter(kind=K.REVIEW_DUE).values_list("recipient", flat=True)
    assert list(recipients) == [second_reviewer.pk]


def test_a_review_is_reminded_once_a_day(under_review, django_capture_on_commit_callbacks):
    now = noon()
    assert _remind(django_capture_on_commit_callbacks, now)[K.REVIEW_DUE] == 2
    assert _remind(django_capture_on_commit_callbacks, now + datetime.timedelta(minutes=5))[K.REVIEW_DUE] == 0
    assert _remind(django_capture_on_commit_callbacks, now + datetime.timedelta(days=1))[K.REVIEW_DUE] == 2
