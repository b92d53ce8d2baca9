"""Consistency checks across the bureau's records: what a half-done write would leave behind.

Every write that spans rows (a step with its event, a visit with the ticket raised in it, a decision
with its honour) runs in one transaction, and the database holds the unique keys. These checks look
anyway, from the rows alone, so that after an outage, a restore or a manual repair one command says
whether anything is out of step. Each check is one query; none loads a whole table into Python.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, Subquery

from assistance.awards.models import ApplicationEvent, AwardApplication, Decision
from assistance.models import Ticket, TicketEvent, Visit

LIMIT = 50  # problems listed per check; the count is always complete


@dataclass(frozen=True)
class Problem:
    check: str
    record: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.record}: {self.detail}"


@dataclass(frozen=True)
class CheckResult:
    check: str
    description: str
    count: int
    problems: list[Problem]


def _last_to_status(event_model, key: str) -> Subquery:
    events = event_model.objects.filter(**{key: OuterRef("pk")}).order_by("-at", "-pk")
    return Subquery(events.values("to_status")[:1])


def ticket_status_follows_timeline() -> Iterator[Problem]:
    tickets = (
        Ticket.objects.annotate(last=_last_to_status(TicketEvent, "ticket"))
        .filter(Q(last__isnull=True) | ~Q(status=F("last")))
        .order_by("pk")
        .values_list("number", "status", "last")
    )
    for number, status, last in tickets.iterator():
        if last is None:
            yield Problem("ticket-timeline", number, f"status {status}, but the ticket has no event")
        else:
            yield Problem("ticket-timeline", number, f"status {status}, but its last event went to {last}")


def ticket_numbers_unique() -> Iterator[Problem]:
    duplicates = Ticket.objects.values("number").annotate(n=Count("pk")).filter(n__gt=1).order_by("number")
    for row in duplicates.iterator():
        yield Problem("ticket-number", row["number"], f"{row['n']} tickets share this number")


def raised_tickets_match_their_visit() -> Iterator[Problem]:
    raised = Ticket.objects.filter(raised_in_visit_id__isnull=False).order_by("pk")
    # The foreign key holds this at commit; a restore with constraints off, or a repair by hand, may not.
    gone = raised.exclude(raised_in_visit_id__in=Visit.objects.values("pk"))
    for number, visit_id in gone.values_list("number", "raised_in_visit_id").iterator():
        yield Problem("raised-ticket", number, f"raised in visit {visit_id}, which does not exist")
    mismatched = raised.filter(
        ~Q(enterprise_id=F("raised_in_visit__enterprise_id")) | ~Q(channel=Ticket.Channel.VISIT)
    ).values_list("number", "raised_in_visit_id", "raised_in_visit__enterprise_id", "enterprise_id", "channel")
    for number, visit_id, visit_enterprise, enterprise_id, channel in mismatched.iterator():
        if visit_enterprise != enterprise_id:
            yield Problem("raised-ticket", number, f"raised in visit {visit_id} of another enterprise")
        else:
            yield Problem("raised-ticket", number, f"raised in visit {visit_id}, but its channel is {channel}")


def visits_have_inspectors() -> Iterator[Problem]:
    # A visit and its inspectors are saved together; bulk synthetic samples are made without any.
    visits = Visit.objects.filter(synthetic=False, inspectors__isnull=True).order_by("pk").values_list("pk", "date")
    for pk, date in visits.iterator():
        yield Problem("visit-inspectors", f"visit {pk} ({date})", "no inspector is recorded")


def application_status_follows_timeline() -> Iterator[Problem]:
    applications = (
        AwardApplication.objects.annotate(last=_last_to_status(ApplicationEvent, "application"))
        .filter(last__isnull=False)
        .exclude(status=F("last"))
        .order_by("pk")
        .values_list("pk", "status", "last")
    )
    for pk, status, last in applications.iterator():
        yield Problem(
            "application-timeline", f"application {pk}", f"status {status}, but its last event went to {last}"
        )


def decided_applications_have_one_decision() -> Iterator[Problem]:
    decided = (AwardApplication.Status.APPROVED, AwardApplication.Status.REJECTED)
    applications = (
        AwardApplication.objects.filter(status__in=decided)
        .annotate(decisions=Count("decision"))
        .exclude(decisions=1)
        .order_by("pk")
        .values_list("pk", "status", "decisions")
    )
    for pk, status, decisions in applications.iterator():
        yield Problem("decision", f"application {pk}", f"{status} with {decisions} decisions (expected one)")
    undecided = Decision.objects.exclude(application__status__in=decided).order_by("pk")
    for pk, application_id, status in undecided.values_list("pk", "application_id", "application__status"):
        yield Problem("decision", f"application {application_id}", f"decision {pk} on an application that is {status}")
    mismatched = Decision.objects.exclude(outcome=F("application__status")).filter(application__status__in=decided)
    for pk, application_id, outcome, status in mismatched.order_by("pk").values_list(
        "pk", "application_id", "outcome", "application__status"
    ):
        yield Problem("decision", f"application {application_id}", f"decision {pk} says {outcome}, status is {status}")


def approvals_have_their_honour() -> Iterator[Problem]:
    decisions = (
        Decision.objects.filter(
            Q(outcome=Decision.Outcome.APPROVED, honour__isnull=True)
            | Q(outcome=Decision.Outcome.REJECTED, honour__isnull=False)
            | (Q(honour__isnull=False) & ~Q(honour__enterprise_id=F("application__enterprise_id")))
        )
        .order_by("pk")
        .values_list("application_id", "outcome", "honour_id")
    )
    for application_id, outcome, honour_id in decisions.iterator():
        if outcome == Decision.Outcome.APPROVED and honour_id is None:
            detail = "approved, but no honour was recorded"
        elif outcome == Decision.Outcome.REJECTED:
            detail = f"rejected, yet honour {honour_id} was recorded"
        else:
            detail = f"honour {honour_id} belongs to another enterprise"
        yield Problem("honour", f"application {application_id}", detail)


CHECKS: list[tuple[str, Callable[[], Iterator[Problem]]]] = [
    ("Each ticket's status is the status its last event went to", ticket_status_follows_timeline),
    ("Ticket numbers are unique", ticket_numbers_unique),
    (
        "Each ticket raised in a visit points to an existing visit of its enterprise, through the visit channel",
        raised_tickets_match_their_visit,
    ),
    ("Each visit (other than synthetic samples) has its inspectors", visits_have_inspectors),
    ("Each application's status is the status its last event went to", application_status_follows_timeline),
    (
        "Each approved or rejected application has exactly one decision, agreeing with it",
        decided_applications_have_one_decision,
    ),
    ("Each approval recorded its honour, for the applicant, and no rejection did", approvals_have_their_honour),
]


def run_checks(limit: int = LIMIT) -> list[CheckResult]:
    results = []
    for description, check in CHECKS:
        problems, count = [], 0
        for problem in check():
            count += 1
            if count <= limit:
                problems.append(problem)
        results.append(CheckResult(check.__name__, description, count, problems))
    return results
