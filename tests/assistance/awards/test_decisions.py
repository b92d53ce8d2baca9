"""Exactly one final decision; approval records exactly one honour in the registry, seen everywhere honours count."""

import datetime
import threading

import pytest
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assistance.awards import services
from assistance.awards.models import AwardApplication, AwardProgramme, Decision
from clusters.models import Honour
from reports.summary import quality_summary
from tests.factories import EnterpriseFactory, HonourFactory, UserFactory

from .factories import AwardApplicationFactory, AwardCycleFactory, programme, reviewer_user

pytestmark = pytest.mark.django_db

S = AwardApplication.Status


def _decide(application, user, outcome="approved", reason="综合评分名列前茅", at=None):
    return services.application_decide(application_id=application.pk, user=user, outcome=outcome, reason=reason, at=at)


def test_approval_records_exactly_one_honour_sourced_to_the_decision(make_application, manager, enterprise, cycle):
    application = make_application("pending_decision")
    at = timezone.make_aware(datetime.datetime(2041, 10, 1, 10, 0))

    decision = _decide(application, manager, at=at)

    honour = Honour.objects.get()
    assert decision.honour == honour
    assert (decision.outcome, decision.reason, decision.decided_by, decision.decided_at) == (
        "approved",
        "综合评分名列前茅",
        manager,
        at,
    )
    assert (honour.enterprise, honour.kind, honour.title, honour.year, honour.date) == (
        enterprise,
        Honour.Kind.PROVINCIAL_QUALITY_AWARD,
        "河北省政府质量奖",
        cycle.year,
        datetime.date(2041, 10, 1),
    )
    assert enterprise.name in honour.source
    assert str(cycle) in honour.source
    application.refresh_from_db()
    assert application.status == S.APPROVED
    event = application.events.get(action="approve")
    assert (event.actor, event.from_status, event.to_status, event.note, event.at) == (
        manager,
        S.PENDING_DECISION,
        S.APPROVED,
        "综合评分名列前茅",
        at,
    )


def test_rejection_records_no_honour(make_application, manager):
    application = make_application("pending_decision")
    decision = _decide(application, manager, outcome="rejected", reason="结果类得分偏低")
    assert decision.honour is None
    assert not Honour.objects.exists()
    application.refresh_from_db()
    assert application.status == S.REJECTED


@pytest.mark.parametrize(
    ("first", "second"), [("approved", "approved"), ("approved", "rejected"), ("rejected", "approved")]
)
def test_a_second_decision_is_refused_and_changes_nothing(make_application, manager, first, second):
    application = make_application("pending_decision")
    _decide(application, manager, outcome=first)
    other_manager = UserFactory(groups=["manager"], jurisdiction=manager.jurisdiction)

    with pytest.raises(ValidationError):
        _decide(application, other_manager, outcome=second, reason="另一位负责人的意见")

    decision = Decision.objects.get()
    assert (decision.outcome, decision.decided_by) == (first, manager)
    assert Honour.objects.count() == (1 if first == "approved" else 0)
    application.refresh_from_db()
    assert application.status == first
    assert application.events.filter(action__in=["approve", "reject"]).count() == 1


def test_a_second_decision_through_the_page_is_a_message(client_for, make_application, manager):
    application = make_application("pending_decision")
    client = client_for(manager)
    url = reverse("assistance:application-step", args=[application.pk, "approve"])
    assert client.post(url, {"approve-reason": "同意"}).status_code == 302
    response = client.post(
        reverse("assistance:application-step", args=[application.pk, "reject"]), {"reject-reason": "x"}
    )
    assert response.status_code == 302
    assert [m for m in messages.get_messages(response.wsgi_request) if m.level == messages.ERROR]
    assert Decision.objects.count() == Honour.objects.count() == 1


def test_an_unknown_outcome_is_refused(make_application, manager):
    application = make_application("pending_decision")
    with pytest.raises(ValidationError):
        _decide(application, manager, outcome="maybe")
    assert not Decision.objects.exists()


def test_approval_takes_the_registry_honour_already_recorded_for_the_award(
    make_application, manager, enterprise, cycle
):
    recorded = HonourFactory(enterprise=enterprise, year=cycle.year, source="《中国质量报》报道")
    HonourFactory(enterprise=enterprise, year=cycle.year - 1)  # another year's award stays apart
    application = make_application("pending_decision")

    decision = _decide(application, manager)

    assert decision.honour == recorded
    assert Honour.objects.filter(enterprise=enterprise, year=cycle.year).count() == 1
    recorded.refresh_from_db()
    assert recorded.source == "《中国质量报》报道"


def test_a_programme_an_administrator_added_records_its_own_kind_of_honour(manager, inspector, enterprise, reviewers):
    custom = AwardProgramme.objects.create(name="唐山市质量标杆", code="tangshan-benchmark")
    cycle = AwardCycleFactory(programme=custom)
    application = AwardApplicationFactory(
        cycle=cycle,
        enterprise=enterprise,
        prepared_by=inspector,
        status="pending_decision",
        manager=manager,
        reviewers=reviewers,
    )
    honour = _decide(application, manager).honour
    assert (honour.kind, honour.title) == (Honour.Kind.OTHER, "唐山市质量标杆")


# --- The honour shows wherever honours count ---------------------------------------------------


def test_the_approved_honour_shows_on_the_enterprise_and_cluster_pages_and_in_the_counts(
    client_for, make_application, manager, inspector, enterprise, cluster, county
):
    application = make_application("pending_decision")
    client = client_for(inspector)
    enterprise_page = reverse("clusters:enterprise-detail", args=[enterprise.pk])
    cluster_page = reverse("clusters:cluster-detail", args=[cluster.pk])
    # The enterprise's file also lists its applications, by their programme's name: look among the holdings.
    holdings = lambda body: body.split('<div id="holdings">')[1].split("<section")[0]  # noqa: E731
    assert "河北省政府质量奖" not in holdings(client.get(enterprise_page).content.decode())

    _decide(application, manager, at=timezone.make_aware(datetime.datetime(2041, 10, 1, 10)))

    assert "河北省政府质量奖" in holdings(client.get(enterprise_page).content.decode())
    assert "河北省政府质量奖" in client.get(cluster_page).content.decode()
    listed = client.get(reverse("clusters:enterprise-list")).context["page"]
    assert {e.pk: e.honour_count for e in listed}[enterprise.pk] == 1
    clusters = client.get(reverse("clusters:cluster-list")).context["page"]
    assert {c.pk: c.honour_count for c in clusters}[cluster.pk] == 1
    summary = quality_summary(county.parent, as_of=datetime.date(2041, 12, 31))
    assert summary["honours"]["provincial_quality_award"] == 1


# --- Two managers deciding at the same moment ---------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_two_managers_deciding_at_the_same_moment_leave_one_decision_and_one_honour():
    # Transactional tests start from whatever an earlier one left; make what this test needs.
    manager = UserFactory(groups=["manager"])
    other_manager = UserFactory(groups=["manager"])
    inspector = UserFactory(groups=["inspector"])
    enterprise = EnterpriseFactory()
    cycle = AwardCycleFactory(programme=programme())
    application = AwardApplicationFactory(
        cycle=cycle,
        enterprise=enterprise,
        prepared_by=inspector,
        status="pending_decision",
        manager=manager,
        reviewers=[reviewer_user(), reviewer_user()],
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def decide(user, outcome):
        try:
            barrier.wait()
            _decide(application, user, outcome=outcome, reason=f"{user.username}的决定")
            with lock:
                outcomes.append(outcome)
        except ValidationError as refused:
            with lock:
                outcomes.append(f"refused:{refused.code}")
        except BaseException as error:  # reported by the main thread
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(manager, "approved")),
        threading.Thread(target=decide, args=(other_manager, "approved")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(outcomes) == ["approved", "refused:decided"]
    assert Decision.objects.filter(application=application).count() == 1
    assert Honour.objects.filter(enterprise=enterprise).count() == 1
    assert Decision.objects.get(application=application).honour == Honour.objects.get(enterprise=enterprise)
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.events.filter(action="approve").count() == 1
