"""`manage.py check_integrity` lists what a half-done write would leave behind and exits 1; a clean database passes."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from assistance.awards.models import AwardApplication, Decision
from assistance.models import Ticket, TicketEvent
from tests.factories import EnterpriseFactory, HonourFactory, UserFactory

from .awards.factories import AwardApplicationFactory, AwardCycleFactory, reviewer_user
from .factories import TicketFactory, VisitFactory

pytestmark = pytest.mark.django_db


def check_integrity() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("check_integrity", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def assert_reported(tag: str, record: str, words: str) -> str:
    code, output = check_integrity()
    assert code == 1, output
    lines = [line.strip() for line in output.splitlines() if line.strip().startswith(f"[{tag}]")]
    assert any(record in line and words in line for line in lines), output
    return output


@pytest.fixture
def application_in(manager, city):
    """Make an application walked through the services to the given status."""
    cycle = AwardCycleFactory()
    reviewers = [reviewer_user(username="r1", jurisdiction=city), reviewer_user(username="r2", jurisdiction=city)]

    def make(status: str) -> AwardApplication:
        return AwardApplicationFactory(
            status=status,
            cycle=cycle,
            prepared_by=UserFactory(groups=["inspector"]),
            manager=manager,
            reviewers=reviewers,
        )

    return make


def test_records_made_through_the_services_pass(enterprise, inspector, application_in):
    ticket = TicketFactory(enterprise=enterprise)
    ticket.refresh_from_db()
    VisitFactory(enterprise=enterprise, inspectors=[inspector])
    application_in("approved")
    application_in("rejected")
    application_in("under_review")
    code, output = check_integrity()
    assert code == 0, output
    assert "Integrity check passed." in output


def test_a_seeded_database_with_scale_data_passes():
    call_command("load_seeds", "--demo-users", stdout=StringIO())
    call_command("generate_scale_data", "--enterprises", "50", "--tickets", "300", "--visits", "30", stdout=StringIO())
    assert Ticket.objects.count() > 300
    assert Decision.objects.exists()
    code, output = check_integrity()
    assert code == 0, output


def test_a_status_changed_without_its_event_is_reported(enterprise):
    ticket = TicketFactory(enterprise=enterprise)
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CLOSED)
    assert_reported("ticket-timeline", ticket.number, "status closed, but its last event went to new")


def test_a_ticket_without_any_event_is_reported(enterprise):
    ticket = TicketFactory(enterprise=enterprise)
    TicketEvent.objects.filter(ticket=ticket).delete()
    assert_reported("ticket-timeline", ticket.number, "has no event")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL to lift the unique key in a transaction"
)
def test_a_duplicate_ticket_number_is_reported(enterprise):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Ticket._meta.db_table)
        for name, constraint in constraints.items():
            if constraint["unique"] and constraint["columns"] == ["number"]:
                cursor.execute(f'ALTER TABLE "{Ticket._meta.db_table}" DROP CONSTRAINT "{name}"')
    first, second = TicketFactory(enterprise=enterprise), TicketFactory(enterprise=enterprise)
    Ticket.objects.filter(pk=second.pk).update(number=first.number)
    assert_reported("ticket-number", first.number, "2 tickets share this number")


def test_a_ticket_raised_in_a_visit_that_is_gone_is_reported(enterprise):
    ticket = TicketFactory(enterprise=enterprise, channel=Ticket.Channel.VISIT)
    # Foreign keys are checked when the transaction commits; this test's transaction never does.
    Ticket.objects.filter(pk=ticket.pk).update(raised_in_visit_id=987654)
    try:
        assert_reported("raised-ticket", ticket.number, "raised in visit 987654, which does not exist")
    finally:
        # The test case checks deferred constraints when it ends.
        Ticket.objects.filter(pk=ticket.pk).update(raised_in_visit=None)


def test_a_ticket_raised_in_another_enterprises_visit_is_reported(enterprise, inspector):
    visit = VisitFactory(enterprise=EnterpriseFactory(), inspectors=[inspector])
    ticket = TicketFactory(enterprise=enterprise, channel=Ticket.Channel.VISIT)
    Ticket.objects.filter(pk=ticket.pk).update(raised_in_visit=visit)
    assert_reported("raised-ticket", ticket.number, "of another enterprise")


def test_a_ticket_raised_in_a_visit_through_another_channel_is_reported(enterprise, inspector):
    visit = VisitFactory(enterprise=enterprise, inspectors=[inspector])
    ticket = TicketFactory(enterprise=enterprise, channel=Ticket.Channel.PHONE)
    Ticket.objects.filter(pk=ticket.pk).update(raised_in_visit=visit)
    assert_reported("raised-ticket", ticket.number, "but its channel is phone")


def test_a_visit_saved_without_its_inspectors_is_reported(enterprise):
    visit = VisitFactory(enterprise=enterprise)
    assert_reported("visit-inspectors", f"visit {visit.pk}", "no inspector")


def test_a_synthetic_visit_without_inspectors_is_not_a_problem(enterprise):
    VisitFactory(enterprise=enterprise, synthetic=True)
    assert check_integrity()[0] == 0


def test_an_application_status_changed_without_its_event_is_reported(application_in):
    application = application_in("under_review")
    AwardApplication.objects.filter(pk=application.pk).update(status=AwardApplication.Status.SUBMITTED)
    assert_reported("application-timeline", f"application {application.pk}", "last event went to under_review")


def test_an_approval_without_a_decision_is_reported(application_in):
    application = application_in("pending_decision")
    AwardApplication.objects.filter(pk=application.pk).update(status=AwardApplication.Status.APPROVED)
    assert_reported("decision", f"application {application.pk}", "approved with 0 decisions")


def test_a_decision_on_an_undecided_application_is_reported(application_in, manager):
    application = application_in("pending_decision")
    Decision.objects.create(application=application, outcome="rejected", reason="无", decided_by=manager)
    assert_reported("decision", f"application {application.pk}", "on an application that is pending_decision")


def test_a_decision_that_disagrees_with_the_status_is_reported(application_in):
    application = application_in("rejected")
    Decision.objects.filter(application=application).update(outcome=Decision.Outcome.APPROVED)
    output = assert_reported("decision", f"application {application.pk}", "says approved, status is rejected")
    assert "[honour]" in output  # and an approval without its honour


def test_an_approval_without_its_honour_is_reported(application_in):
    application = application_in("approved")
    honour_id = application.decision.honour_id
    assert honour_id is not None
    Decision.objects.filter(application=application).update(honour=None)
    assert_reported("honour", f"application {application.pk}", "approved, but no honour was recorded")


def test_a_rejection_with_an_honour_is_reported(application_in):
    application = application_in("rejected")
    honour = HonourFactory(enterprise=application.enterprise)
    Decision.objects.filter(application=application).update(honour=honour)
    assert_reported("honour", f"application {application.pk}", f"rejected, yet honour {honour.pk} was recorded")


def test_an_honour_of_another_enterprise_is_reported(application_in):
    application = application_in("approved")
    Decision.objects.filter(application=application).update(honour=HonourFactory())
    assert_reported("honour", f"application {application.pk}", "belongs to another enterprise")


def test_the_list_is_cut_but_the_count_is_complete(enterprise):
    tickets = [TicketFactory(enterprise=enterprise) for _ in range(3)]
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(status=Ticket.Status.CANCELLED)
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("check_integrity", "--limit", "1", stdout=out, stderr=StringIO())
    assert "3 problems" in out.getvalue()
    assert "... and 2 more" in out.getvalue()
