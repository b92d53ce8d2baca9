"""Evidence drawn from records: patent tickets resolved, enterprises helped, trainings given, in the year."""

import datetime

import pytest
from django.utils import timezone

from assistance.models import Ticket, TicketCategory
from assistance.patents.evidence import evidence_counts, live_evidence
from tests.assistance.factories import TicketFactory, TrainingFactory, VisitFactory
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _resolved(enterprise, *, year, category="patents", assignee=None, status=Ticket.Status.RESOLVED):
    at = timezone.make_aware(datetime.datetime(year, 6, 1, 10))
    return TicketFactory(
        enterprise=enterprise,
        category=TicketCategory.objects.get(code=category),
        status=status,
        assignee=assignee,
        resolved_at=at,
    )


def test_a_staff_members_evidence_is_the_patent_tickets_they_resolved_in_the_year(
    make_nomination, colleague, enterprise, cluster, selection
):
    year = selection.year
    other = EnterpriseFactory(cluster=cluster)
    _resolved(enterprise, year=year, assignee=colleague)
    _resolved(enterprise, year=year, assignee=colleague, status=Ticket.Status.CLOSED)
    _resolved(other, year=year, assignee=colleague)
    _resolved(enterprise, year=year, assignee=colleague, category="metrology")  # not a patent ticket
    _resolved(enterprise, year=year - 1, assignee=colleague)  # another year
    _resolved(enterprise, year=year, assignee=colleague, status=Ticket.Status.IN_PROGRESS)  # not resolved
    _resolved(enterprise, year=year)  # someone else's
    nomination = make_nomination(nominee_user=colleague)
    assert evidence_counts(nomination) == {"tickets": 3, "enterprises": 2, "trainings": 0}


def test_an_experts_evidence_is_the_tickets_of_their_visits_and_the_trainings_they_gave(
    make_nomination, expert, enterprise, selection, city
):
    year = selection.year
    worked = _resolved(enterprise, year=year)
    visit = VisitFactory(enterprise=enterprise, date=datetime.date(year, 5, 1))
    visit.experts.add(expert)
    visit.tickets_worked.add(worked)
    raised = _resolved(enterprise, year=year)
    Ticket.objects.filter(pk=raised.pk).update(raised_in_visit=visit)
    TrainingFactory(experts=[expert], region=city, date=datetime.date(year, 3, 1))
    TrainingFactory(experts=[expert], region=city, date=datetime.date(year - 1, 3, 1))
    TrainingFactory(region=city, date=datetime.date(year, 3, 1))
    nomination = make_nomination(nominee_expert=expert)
    assert evidence_counts(nomination) == {"tickets": 2, "enterprises": 1, "trainings": 1}
    live = live_evidence(nomination)
    assert {t.pk for t in live["ticket_rows"]} == {worked.pk, raised.pk}


def test_submission_freezes_the_evidence_while_the_page_shows_it_live(
    make_nomination, colleague, enterprise, selection
):
    _resolved(enterprise, year=selection.year, assignee=colleague)
    nomination = make_nomination("submitted", nominee_user=colleague)
    assert nomination.evidence["tickets"] == 1
    assert len(nomination.evidence["ticket_numbers"]) == 1
    _resolved(enterprise, year=selection.year, assignee=colleague)
    nomination.refresh_from_db()
    assert nomination.evidence["tickets"] == 1
    assert live_evidence(nomination)["tickets"] == 2
