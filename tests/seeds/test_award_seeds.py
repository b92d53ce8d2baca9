"""The seeded quality-award work agrees with the registry: every provincial award of 2020-2021 the article
reports was decided on an application, and the decision holds the registry's honour, not a second one.

"近日揭晓的河北省政府质量奖中……首钢智新迁安电磁材料有限公司榜上有名", and "2020年以来，丰润区……高新区……迁西……
迁安……各新增省政府质量奖1项". Every count is made with the ORM; none trusts what the loader says it did.
"""

import datetime as dt
import itertools
import tomllib
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from assistance import seeding as assistance_seeding
from assistance.awards import seeding as award_seeding
from assistance.awards import services as award_services
from assistance.awards.models import (
    AwardApplication,
    AwardCycle,
    DeadlineException,
    Decision,
    Review,
    ReviewerAssignment,
)
from assistance.awards.selectors import cycle_ranking, with_scores
from assistance.models import Expert
from clusters import seeding as registry_seeding
from clusters.models import Cluster, Enterprise, Honour, Region, User
from reports.summary import quality_summary

pytestmark = pytest.mark.django_db

S = AwardApplication.Status
AS_OF = dt.date(2021, 10, 25)
SINCE_2020 = dt.date(2020, 1, 1)
TANGSHAN = "130200"
SHOUGANG = "首钢智新迁安电磁材料有限公司"
ARTICLE_2021 = "《中国质量报》2021-10-25《河北唐山重点区域质量提升效果显现》"
SHOUGANG_QUOTE = "近日揭晓的河北省政府质量奖中,位于河北省唐山市迁安市的首钢智新迁安电磁材料有限公司榜上有名。"
SINCE_2020_QUOTE = (
    "丰润区智能轨道交通产业集群、高新区机器人产业集群、迁西精品钢产业集群、迁安钢铁产业集群各新增省政府质量奖1项"
)
AWARDED_CLUSTERS = {
    "丰润区智能轨道交通产业集群",
    "唐山市高新区机器人产业集群",
    "迁西精品钢产业集群",
    "迁安市钢铁产业集群",
}


def load_seeds(*args: str) -> str:
    out = StringIO()
    call_command("load_seeds", *args, stdout=out)
    return out.getvalue()


def provincial_awards(**filters):
    return Honour.objects.filter(
        Q(enterprise__cluster__county__parent__code=TANGSHAN) | Q(enterprise__cluster__county__name="唐山高新区"),
        enterprise__cluster__level__in=Cluster.KEY_LEVELS,
        kind=Honour.Kind.PROVINCIAL_QUALITY_AWARD,
        date__lte=AS_OF,
        **filters,
    )


def holdings_honours() -> int:
    with (settings.BASE_DIR / "seeds" / "holdings.toml").open("rb") as handle:
        return len(tomllib.load(handle)["honours"])


@pytest.fixture(scope="class")
def seeded_once(django_db_setup, django_db_blocker):
    """Load the seeds once for a class of tests, and roll them back after the class."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_seeds()
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("seeded_once")
class TestTheSeededAwards:
    """Checks on one load of the seeds, without demo users."""

    def test_shougang_won_the_2021_provincial_award_on_an_approved_application(self):
        application = AwardApplication.objects.get(
            enterprise__name=SHOUGANG, cycle__year=2021, cycle__programme__code="hebei-provincial"
        )
        assert application.status == S.APPROVED
        assert not application.synthetic
        assert application.source.startswith(ARTICLE_2021) and SHOUGANG_QUOTE in application.source
        decision = application.decision
        assert decision.outcome == Decision.Outcome.APPROVED
        assert decision.decided_by.has_perm("assistance.manage_application")
        honour = decision.honour
        assert (honour.enterprise.name, honour.kind, honour.title, honour.year) == (
            SHOUGANG,
            Honour.Kind.PROVINCIAL_QUALITY_AWARD,
            "河北省政府质量奖",
            2021,
        )
        # The registry's own honour, as holdings.toml wrote it: its source still quotes the article.
        assert SHOUGANG_QUOTE in honour.source
        assert timezone.localtime(decision.decided_at).date() == honour.date

    def test_the_registry_honours_and_the_decisions_agree(self):
        since_2020 = provincial_awards(date__gte=SINCE_2020)
        assert since_2020.count() == 4
        assert set(since_2020.values_list("enterprise__cluster__name", flat=True)) == AWARDED_CLUSTERS
        for honour in since_2020.select_related("enterprise"):
            decision = Decision.objects.get(honour=honour)
            application = decision.application
            assert (application.enterprise, application.cycle.year, application.status) == (
                honour.enterprise,
                honour.year,
                S.APPROVED,
            )
            assert application.cycle.programme.honour_kind == honour.kind
            assert application.cycle.programme.name == honour.title
            assert timezone.localtime(decision.decided_at).date() == honour.date
        approved = Decision.objects.filter(outcome=Decision.Outcome.APPROVED)
        assert approved.count() == 4
        assert not approved.filter(honour__isnull=True).exists()
        assert not Decision.objects.filter(outcome=Decision.Outcome.REJECTED, honour__isnull=False).exists()
        assert set(approved.values_list("honour", flat=True)) == set(since_2020.values_list("pk", flat=True))

    def test_the_award_seeds_add_no_honour(self):
        assert Honour.objects.count() == holdings_honours()
        assert provincial_awards().count() == 7
        tangshan = Region.objects.get(code=TANGSHAN)
        assert quality_summary(tangshan, as_of=AS_OF)["honours"]["provincial_quality_award"] == 7
        since = quality_summary(tangshan, as_of=AS_OF, since=SINCE_2020)
        assert since["honours"]["provincial_quality_award"] == 4

    def test_the_cycles_are_the_provincial_awards_of_2020_to_2022_on_gb_t_19580(self):
        cycles = AwardCycle.objects.select_related("programme", "rubric").order_by("year")
        assert [(c.programme.code, c.year) for c in cycles] == [
            ("hebei-provincial", 2020),
            ("hebei-provincial", 2021),
            ("hebei-provincial", 2022),
        ]
        for cycle in cycles:
            assert cycle.rubric.name == "GB/T 19580-2012 卓越绩效评价准则"
            assert sum(c.max_points for c in cycle.rubric.categories.all()) == 1000
            assert timezone.localtime(cycle.opens_at).year == cycle.year
            assert cycle.opens_at < cycle.closes_at < cycle.review_due_at
            assert cycle.source.startswith(("《中国质量报》", "人民网"))
        assert cycles[0].source.startswith(ARTICLE_2021) and SINCE_2020_QUOTE in cycles[0].source
        assert SHOUGANG_QUOTE in cycles[1].source

    def test_every_state_of_the_lifecycle_is_shown_and_samples_are_marked(self):
        assert set(AwardApplication.objects.values_list("status", flat=True)) == set(S.values)
        for application in AwardApplication.objects.select_related("enterprise"):
            if application.synthetic:
                assert application.enterprise.synthetic
                assert "样例" in application.source
            else:
                assert application.status == S.APPROVED
            assert application.source.startswith(ARTICLE_2021) or application.source.startswith("人民网")
            assert "样例" in application.self_assessment
        assert AwardApplication.objects.filter(synthetic=False).count() == 4
        assert not AwardApplication.objects.filter(synthetic=True, status=S.APPROVED).exists()

    def test_every_application_has_a_consistent_timeline(self):
        applications = AwardApplication.objects.prefetch_related("events", "revisions", "assignments__review")
        for application in applications:
            events = list(application.events.all())
            assert events[0].action == "create" and events[0].actor == application.prepared_by
            assert [e.at for e in events] == sorted(e.at for e in events), application
            assert events[-1].to_status == application.status, application
            chain = [e for e in events if e.action not in ("assign", "exception")]
            for before, after in itertools.pairwise(chain):
                assert after.from_status == before.to_status, application
            submits = [e for e in events if e.action == "submit"]
            revisions = list(application.revisions.all())
            assert [r.number for r in revisions] == list(range(1, len(submits) + 1))
            assert [r.created_at for r in revisions] == [e.at for e in submits]
            if submits:
                assert application.submitted_at == submits[-1].at
            assignments = list(application.assignments.all())
            assert len([e for e in events if e.action == "assign"]) == len(assignments)
            if assignments:
                assert len(assignments) >= 2 and sum(a.is_lead for a in assignments) == 1
            reviews = [a.review for a in assignments if hasattr(a, "review")]
            for review in reviews:
                assert review.revision == revisions[-1]
                assert review.total == sum(s.score for s in review.scores.all())
                assert all(0 <= s.score <= s.category.max_points for s in review.scores.all())
                assert review.assignment.no_conflict_declared_at <= review.submitted_at
            completed = bool(assignments) and len([r for r in reviews if r.submitted_at]) == len(assignments)
            assert application.events.filter(action="complete").exists() == completed
            if application.status in (S.PENDING_DECISION, S.APPROVED, S.REJECTED):
                assert completed

    def test_submissions_keep_to_the_deadline_or_a_recorded_exception(self):
        for application in AwardApplication.objects.exclude(submitted_at=None).select_related("cycle"):
            for at in application.revisions.values_list("created_at", flat=True):
                assert award_services.deadline_open(application, at), application
        late = AwardApplication.objects.get(submitted_at__gt=models_closes_at())
        exception = DeadlineException.objects.get(application=late)
        assert exception.created_at <= late.submitted_at <= exception.until
        assert late.events.filter(action="exception", actor=exception.granted_by).exists()

    def test_reviewers_are_sample_experts_who_cannot_sign_in(self):
        reviewers = User.objects.filter(review_assignments__isnull=False).distinct()
        assert reviewers.count() == 4
        for user in reviewers:
            assert user.username.startswith("reviewer_expert")
            assert user.display_name.startswith("样例专家")
            assert not user.has_usable_password()
            assert list(user.groups.values_list("name", flat=True)) == ["reviewer"]
            assert user.has_perm("assistance.review_application")
            assert Expert.objects.get(user=user).name == user.display_name
        for assignment in ReviewerAssignment.objects.select_related("reviewer", "application__enterprise"):
            assert not award_services.reviewer_conflict(assignment.reviewer, assignment.application.enterprise)

    def test_the_approved_applications_rank_within_the_quota(self):
        manager = User.objects.get(username="staff_manager")
        for year in (2020, 2021):
            cycle = AwardCycle.objects.get(year=year)
            ranking = cycle_ranking(user=manager, cycle=cycle)
            within = {a.pk for a in ranking if a.rank <= cycle.quota}
            approved = set(cycle.applications.filter(status=S.APPROVED).values_list("pk", flat=True))
            assert within == approved, year

    def test_the_sample_pending_decision_shows_reviewers_disagreeing(self):
        pending = with_scores(queryset=AwardApplication.objects.filter(status=S.PENDING_DECISION)).get()
        assert pending.disagreement
        assert pending.max_score - pending.min_score > settings.REVIEW_DISAGREEMENT_POINTS

    def test_the_sample_under_review_waits_for_a_reviewer(self):
        application = AwardApplication.objects.get(status=S.UNDER_REVIEW)
        submitted = Review.objects.filter(assignment__application=application, submitted_at__isnull=False)
        assert submitted.count() == 1
        assert application.assignments.filter(no_conflict_declared_at=None).exists()

    def test_the_approved_honour_shows_on_the_enterprise_page(self, client):
        manager = User.objects.get(username="staff_manager")
        client.force_login(manager)
        shougang = Enterprise.objects.get(name=SHOUGANG)
        body = client.get(reverse("clusters:enterprise-detail", args=[shougang.pk])).content.decode()
        assert "河北省政府质量奖" in body and "2021" in body
        page = client.get(shougang.award_applications.get().get_absolute_url())
        assert page.status_code == 200
        assert page.context["decision"].honour.enterprise == shougang

    def test_a_manager_decides_the_sample_pending_application_through_the_service(self):
        pending = AwardApplication.objects.get(status=S.PENDING_DECISION)
        manager = User.objects.get(username="staff_manager")
        honours = Honour.objects.count()
        decision = award_services.application_decide(
            application_id=pending.pk, user=manager, outcome="approved", reason="试用"
        )
        assert decision.honour.enterprise == pending.enterprise
        assert Honour.objects.count() == honours + 1


def models_closes_at() -> dt.datetime:
    """The 2022 cycle's closing time: the one application submitted after it had an exception."""
    return AwardCycle.objects.get(year=2022).closes_at


# --- Loading again ------------------------------------------------------------------------------


def _snapshot() -> dict[str, object]:
    """Row counts of every clusters and assistance model (history included) and each latest updated_at."""
    snapshot: dict[str, object] = {}
    for label in ("clusters", "assistance"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            name = model._meta.label
            snapshot[f"{name} rows"] = model._default_manager.count()
            if any(f.name == "updated_at" for f in model._meta.fields):
                snapshot[f"{name} updated_at"] = model._default_manager.aggregate(latest=Max("updated_at"))["latest"]
    snapshot["passwords"] = sorted(User.objects.values_list("username", "password"))
    snapshot["assignments"] = sorted(
        ReviewerAssignment.objects.values_list("application_id", "reviewer__username", "no_conflict_declared_at")
    )
    return snapshot


def test_loading_twice_changes_nothing():
    load_seeds()
    before = _snapshot()
    assert before["assistance.AwardApplication rows"] == 11
    assert before["assistance.HistoricalDecision rows"] == 5

    output = load_seeds()

    assert _snapshot() == before
    assert "nothing changed" in output


def test_the_demo_reviewer_joins_the_sample_under_review_and_loading_again_changes_nothing():
    load_seeds("--demo-users")
    demo = User.objects.get(username="reviewer")
    assignment = ReviewerAssignment.objects.get(reviewer=demo)
    assert assignment.application.status == S.UNDER_REVIEW
    assert assignment.application.synthetic
    assert assignment.no_conflict_declared_at is None and not assignment.is_lead
    assert assignment.application.events.filter(action="assign", note=demo.display_name).count() == 1
    before = _snapshot()

    load_seeds("--demo-users")
    load_seeds()

    assert _snapshot() == before


def test_a_demo_reviewer_created_after_the_seeds_still_joins(client_for):
    load_seeds()
    assert not ReviewerAssignment.objects.filter(reviewer__username="reviewer").exists()

    load_seeds("--demo-users")

    demo = User.objects.get(username="reviewer")
    assignment = ReviewerAssignment.objects.get(reviewer=demo)
    home = client_for(demo).get(reverse("assistance:award-home"))
    assert [a.pk for a in home.context["assignments"]] == [assignment.pk]
    before = _snapshot()
    load_seeds()
    assert _snapshot() == before


def test_what_the_demo_reviewer_did_survives_a_load():
    load_seeds("--demo-users")
    demo = User.objects.get(username="reviewer")
    assignment = ReviewerAssignment.objects.get(reviewer=demo)
    award_services.assignment_declare(assignment_id=assignment.pk, user=demo, conflict=False)

    load_seeds("--demo-users")

    assignment.refresh_from_db()
    assert assignment.no_conflict_declared_at is not None


def test_loading_again_puts_back_a_changed_application_and_nothing_else():
    load_seeds()
    application = AwardApplication.objects.get(enterprise__name=SHOUGANG)
    AwardApplication.objects.filter(pk=application.pk).update(self_score=1)
    Review.objects.filter(assignment__application=application).update(comment="改动")
    history = AwardApplication.history.count(), Review.history.count()

    load_seeds()

    application.refresh_from_db()
    assert application.self_score == 880
    assert not Review.objects.filter(comment="改动").exists()
    assert (AwardApplication.history.count(), Review.history.count()) == (history[0] + 1, history[1] + 3)


def test_an_application_people_worked_on_since_is_left_as_it_is():
    load_seeds()
    pending = AwardApplication.objects.get(status=S.PENDING_DECISION)
    manager = User.objects.get(username="staff_manager")
    award_services.application_decide(application_id=pending.pk, user=manager, outcome="rejected", reason="未获推荐")
    before = _snapshot()

    load_seeds()

    pending.refresh_from_db()
    assert pending.status == S.REJECTED
    assert pending.decision.reason == "未获推荐"
    assert _snapshot() == before


def _registry_and_assistance() -> None:
    registry_seeding.seeds_load()
    assistance_seeding.seeds_load()


def test_an_application_the_seeds_did_not_make_stops_the_load():
    _registry_and_assistance()
    award_seeding.seeds_load()
    # As the application form makes them: no source note.
    application = AwardApplication.objects.get(enterprise__name="迁安钢铁样例企业02")
    AwardApplication.objects.filter(pk=application.pk).update(source="", self_assessment="企业自己写的")

    with pytest.raises(registry_seeding.SeedError, match="迁安钢铁样例企业02"):
        award_seeding.seeds_load()
    application.refresh_from_db()
    assert application.self_assessment == "企业自己写的"


def test_an_approved_application_without_its_registry_honour_stops_the_load():
    _registry_and_assistance()
    Honour.objects.filter(enterprise__name=SHOUGANG).delete()

    with pytest.raises(registry_seeding.SeedError, match=SHOUGANG):
        award_seeding.seeds_load()
    assert not AwardApplication.objects.exists()
    assert not Honour.objects.filter(enterprise__name=SHOUGANG).exists()


def test_a_decision_that_disagrees_with_its_honours_date_stops_the_load():
    _registry_and_assistance()
    Honour.objects.filter(enterprise__name=SHOUGANG).update(date=dt.date(2021, 9, 1))

    with pytest.raises(registry_seeding.SeedError, match="date"):
        award_seeding.seeds_load()
    assert not Decision.objects.exists()


def test_the_command_reports_a_seed_error_and_writes_nothing():
    load_seeds()
    AwardApplication.objects.filter(enterprise__name="开平应急样例企业02").update(source="")
    Cluster.objects.filter(name="迁安市钢铁产业集群").update(industry="改动")

    with pytest.raises(CommandError, match="开平应急样例企业02"):
        load_seeds()

    # One transaction: the registry's repair is rolled back with the rest.
    assert Cluster.objects.get(name="迁安市钢铁产业集群").industry == "改动"
