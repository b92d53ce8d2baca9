"""The seeded work of 2020-2021 says again, from records, what the 2021 Tangshan article reports.

"唐山市市场监管局成立5个重点区域质量提升入企帮扶工作组", "现场解决……问题80余项", "聘请专家……培训30余次",
and the visits it describes. Every count is made with the ORM; none trusts what the loader says it did.
"""

import datetime as dt
import itertools
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from assistance import services
from assistance.models import (
    Expert,
    ServiceLevel,
    ServicePartner,
    SupportTeam,
    TeamMembership,
    Ticket,
    TicketCategory,
    TicketCounter,
    Training,
    Visit,
)
from clusters import seeding as registry_seeding
from clusters.models import Cluster, Enterprise, User

pytestmark = pytest.mark.django_db

SINCE = dt.date(2020, 1, 1)
AS_OF = dt.date(2021, 10, 25)
TANGSHAN = "130200"
QIANAN = "迁安市钢铁产业集群"
FENGRUN = "丰润区智能轨道交通产业集群"
LAOTING = "乐亭县建筑支护装备产业集群"
KAIPING = "开平区应急产业集群"
ARTICLE_2021 = "《中国质量报》2021-10-25《河北唐山重点区域质量提升效果显现》"
TEAMS_QUOTE = "唐山市市场监管局成立5个重点区域质量提升入企帮扶工作组"
TICKETS_QUOTE = "现场解决企业计量检定能源在线采集、认证、卓越绩效导入、专利申报等问题80余项"
TRAININGS_QUOTE = "聘请专家为重点区域进行质量管理等培训30余次"
NUMBER = re.compile(r"^TS-(\d{4})-(\d{6})$")
NAMED_CATEGORIES = ("metrology", "certification", "quality", "patents")


def load_seeds(*args: str) -> str:
    out = StringIO()
    call_command("load_seeds", *args, stdout=out)
    return out.getvalue()


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def key_regions():
    return Cluster.objects.filter(
        Q(county__parent__code=TANGSHAN) | Q(county__name="唐山高新区"), level__in=Cluster.KEY_LEVELS
    )


def done_tickets():
    """Tickets resolved (and perhaps closed) between 2020-01-01 and the article's date."""
    start = dt.datetime.combine(SINCE, dt.time(), tzinfo=timezone.get_current_timezone())
    end = dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time(), tzinfo=timezone.get_current_timezone())
    return Ticket.objects.filter(status__in=Ticket.DONE_STATUSES, resolved_at__gte=start, resolved_at__lt=end)


@pytest.fixture(scope="class")
def seeded_once(django_db_setup, django_db_blocker):
    """Load the seeds once for a class of tests, and roll them back after the class.

    Each test still runs in its own savepoint (the django_db mark), inside this transaction.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        load_seeds()
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("seeded_once")
class TestTheSeededWork:
    """Checks on one load of the seeds, without demo users."""

    def test_tangshan_has_five_support_teams_that_serve_all_fifteen_key_regions(self):
        teams = SupportTeam.objects.filter(region__code=TANGSHAN)
        assert teams.count() == 5
        served = Cluster.objects.filter(teams__in=teams).distinct()
        assert set(served) == set(key_regions())
        assert key_regions().count() == 15
        for team in teams:
            assert "入企帮扶工作组" in team.name
            assert team.active_from == dt.date(2020, 5, 1)
            assert team.active_until is None
            assert team.is_active_on(AS_OF)
            assert team.source.startswith(ARTICLE_2021)
            assert TEAMS_QUOTE in team.source
            assert team.experts.exists()

    def test_each_key_region_is_served_by_exactly_one_team(self):
        counts = key_regions().annotate(teams_count=Count("teams")).values_list("teams_count", flat=True)
        assert set(counts) == {1}

    def test_team_members_are_sample_inspectors_who_cannot_sign_in(self):
        for team in SupportTeam.objects.all():
            members = User.objects.filter(memberships__team=team, memberships__left_on__isnull=True)
            assert members.count() >= 3
            assert team.leader in members
            for user in members:
                assert user.username.startswith("staff_team")
                assert user.last_name == "样例"
                assert not user.has_usable_password()
                assert list(user.groups.values_list("name", flat=True)) == ["inspector"]
                assert user.jurisdiction.code == TANGSHAN or user.jurisdiction.parent.code == TANGSHAN
            memberships = TeamMembership.objects.filter(team=team)
            assert set(memberships.values_list("joined_on", flat=True)) == {dt.date(2020, 5, 1)}

    def test_the_seeds_create_no_account_anyone_can_sign_in_with(self):
        users = User.objects.all()
        assert users.exists()
        assert not [user.username for user in users if user.has_usable_password()]
        assert not users.filter(Q(is_staff=True) | Q(is_superuser=True)).exists()

    def test_experts_are_samples_from_provincial_and_city_bodies(self):
        experts = Expert.objects.all()
        assert experts.count() >= 10
        assert not experts.filter(synthetic=False).exists()
        assert all(name.startswith("样例专家") for name in experts.values_list("name", flat=True))
        organisations = set(experts.values_list("organisation", flat=True))
        assert {"河北省质量奖评审专家库", "唐山市计量测试所", "国家钢铁检测中心(唐山)"} <= organisations

    def test_over_eighty_tickets_were_resolved_between_2020_and_the_article(self):
        tickets = done_tickets()
        assert tickets.count() >= 80
        assert tickets.count() == Ticket.objects.count()
        for ticket in tickets:
            assert SINCE <= local_date(ticket.opened_at) <= local_date(ticket.resolved_at) <= AS_OF
            if ticket.status == Ticket.Status.CLOSED:
                assert local_date(ticket.resolved_at) <= local_date(ticket.closed_at) <= AS_OF
            else:
                assert ticket.closed_at is None

    def test_tickets_are_mostly_in_the_four_categories_the_article_names(self):
        by_category = dict(done_tickets().values_list("category__code").annotate(n=Count("id")))
        for code in NAMED_CATEGORIES:
            assert by_category.get(code, 0) >= 10, code
        named = sum(by_category[code] for code in NAMED_CATEGORIES)
        assert named > sum(by_category.values()) * 0.75
        for code in ("standards", "testing", "trademarks"):
            assert by_category.get(code, 0) >= 1, code

    def test_tickets_spread_over_clusters_teams_partners_channels_and_priorities(self):
        tickets = done_tickets()
        assert set(Cluster.objects.filter(enterprises__tickets__in=tickets).distinct()) == set(key_regions())
        assert tickets.values("team").distinct().count() == 5
        used_partners = set(tickets.exclude(partner=None).values_list("partner__name", flat=True))
        assert used_partners == set(ServicePartner.objects.values_list("name", flat=True))
        assert set(tickets.values_list("channel", flat=True)) == set(Ticket.Channel.values)
        assert set(tickets.values_list("priority", flat=True)) == {"urgent", "high", "normal", "low"}

    def test_tickets_are_samples_at_sample_enterprises_and_quote_the_article(self):
        for ticket in Ticket.objects.select_related("enterprise"):
            assert ticket.synthetic
            assert ticket.enterprise.synthetic, ticket.number
            assert "样例企业" in ticket.enterprise.name
            assert ticket.source.startswith(ARTICLE_2021)
            assert TICKETS_QUOTE in ticket.source
            assert ticket.title and ticket.description and ticket.resolution

    def test_enterprises_are_mostly_satisfied(self):
        satisfaction = list(Ticket.objects.values_list("satisfaction", flat=True))
        assert all(score is not None and 1 <= score <= 5 for score in satisfaction)
        assert sum(score >= 4 for score in satisfaction) >= 0.85 * len(satisfaction)

    def test_every_ticket_has_a_consistent_numbered_timeline(self):
        days = dict(ServiceLevel.objects.values_list("priority", "days"))
        for ticket in Ticket.objects.select_related("team", "assignee").prefetch_related("events"):
            match = NUMBER.match(ticket.number)
            assert match, ticket.number
            assert int(match.group(1)) == timezone.localtime(ticket.opened_at).year
            assert ticket.due_at == ticket.opened_at + dt.timedelta(days=days[ticket.priority])
            assert services.is_team_member(ticket.assignee, ticket.team_id, local_date(ticket.opened_at))
            assert ticket.enterprise.cluster in ticket.team.clusters.all()
            events = list(ticket.events.all())
            expected = ["create", "assign", "start", "resolve"]
            if ticket.status == Ticket.Status.CLOSED:
                expected.append("close")
            assert [event.action for event in events] == expected, ticket.number
            assert [event.at for event in events] == sorted(event.at for event in events)
            assert events[0].at == ticket.opened_at
            assert events[0].actor == ticket.created_by
            assert events[-1].to_status == ticket.status
            for before, after in itertools.pairwise(events):
                assert after.from_status == before.to_status
            assert next(e for e in events if e.action == "resolve").at == ticket.resolved_at
            if ticket.closed_at:
                assert events[-1].at == ticket.closed_at

    def test_most_tickets_were_resolved_within_their_service_level(self):
        tickets = list(done_tickets())
        on_time = [ticket for ticket in tickets if ticket.resolved_at <= ticket.due_at]
        assert 0.8 * len(tickets) <= len(on_time) < len(tickets)

    def test_ticket_counters_end_at_the_highest_number_of_each_year(self):
        for year in (2020, 2021):
            numbers = Ticket.objects.filter(number__startswith=f"TS-{year}-").values_list("number", flat=True)
            highest = max(int(NUMBER.match(number).group(2)) for number in numbers)
            assert highest == len(numbers)
            assert TicketCounter.objects.get(year=year).last == highest

    def test_over_thirty_trainings_by_experts_between_2020_and_the_article(self):
        trainings = Training.objects.filter(date__gte=SINCE, date__lte=AS_OF, experts__isnull=False).distinct()
        assert trainings.count() >= 30
        by_category = dict(
            Training.objects.filter(pk__in=trainings).values_list("category__code").annotate(n=Count("id"))
        )
        assert by_category["quality"] > trainings.count() / 2
        assert {"metrology", "standards", "patents"} <= set(by_category)
        for training in trainings:
            assert training.synthetic
            assert training.attendee_count > 0
            assert training.clusters.exists()
            assert training.enterprises.exists()
            assert not training.enterprises.filter(synthetic=False).exists()
            assert training.region.code == TANGSHAN or training.region.parent.code == TANGSHAN
            assert training.source.startswith(ARTICLE_2021)
        assert trainings.filter(source__contains=TRAININGS_QUOTE).count() >= 30
        assert trainings.filter(title__contains="专利伯乐", source__contains="“专利伯乐”评选工作").exists()
        attended = Cluster.objects.filter(trainings__in=trainings).distinct()
        assert set(attended) == set(key_regions())

    @pytest.mark.parametrize(
        ("cluster", "quote"),
        [
            (LAOTING, "乐亭县市场监管局领导带队深入乐亭县建筑支护装备产业集群企业"),
            (KAIPING, "开平区市场监管局组团深入应急产业集群进行现场指导"),
            (FENGRUN, "邀请省市专家现场答疑"),
        ],
        ids=["laoting-leaders", "kaiping-group-support", "fengrun-expert-answers"],
    )
    def test_the_visits_the_article_describes_are_recorded_as_reported(self, cluster, quote):
        visit = Visit.objects.get(synthetic=False, enterprise__cluster__name=cluster, source__contains=quote)
        assert visit.source.startswith(ARTICLE_2021)
        assert SINCE <= visit.date <= AS_OF
        assert visit.experts.exists()
        assert visit.team is not None
        for inspector in visit.inspectors.all():
            assert services.team_of(inspector, visit.date) == visit.team
        if visit.enterprise.synthetic:
            assert "样例企业" in visit.source

    def test_province_and_city_experts_answered_fengrun_at_crrc_tangshan(self):
        visit = Visit.objects.get(synthetic=False, enterprise__cluster__name=FENGRUN)
        assert visit.enterprise.name == "中车唐山机车车辆有限公司"
        organisations = set(visit.experts.values_list("organisation", flat=True))
        assert any(name.startswith("河北省") for name in organisations)
        assert any(name.startswith("唐山市") for name in organisations)
        assert "标准化试点" in visit.purpose and "中国质量奖" in visit.purpose and "省政府质量奖" in visit.purpose

    def test_the_kaiping_visit_is_group_support_by_several_people(self):
        visit = Visit.objects.get(synthetic=False, enterprise__cluster__name=KAIPING)
        assert visit.inspectors.count() + visit.experts.count() >= 4
        assert visit.inspectors.filter(jurisdiction__name="开平区").exists()

    def test_sample_visits_raise_and_work_on_tickets_of_their_team(self):
        raised = Ticket.objects.exclude(raised_in_visit=None).select_related("raised_in_visit")
        assert raised.count() >= 10
        for ticket in raised:
            visit = ticket.raised_in_visit
            assert ticket.channel == Ticket.Channel.VISIT
            assert visit.synthetic and visit.enterprise_id == ticket.enterprise_id and visit.team_id == ticket.team_id
            assert visit.date == local_date(ticket.opened_at)
        worked = Visit.objects.filter(tickets_worked__isnull=False).distinct()
        assert worked.count() >= 10
        for visit in worked:
            for ticket in visit.tickets_worked.all():
                assert visit.team_id == ticket.team_id
                assert visit.date == local_date(ticket.resolved_at)
                assert visit.solved_on_site == ticket.resolution


@pytest.mark.parametrize("year", [2020, 2021])
def test_a_ticket_opened_afterwards_gets_a_fresh_number(year):
    load_seeds()
    seeded = set(Ticket.objects.values_list("number", flat=True))
    enterprise = Enterprise.objects.filter(synthetic=True).order_by("name").first()
    at = dt.datetime(year, 11, 30, 10, tzinfo=timezone.get_current_timezone())

    ticket = services.ticket_create(
        user=None,
        enterprise=enterprise,
        category=TicketCategory.objects.get(code="other"),
        title="后补工单",
        opened_at=at,
    )

    assert ticket.number not in seeded
    highest = max(int(NUMBER.match(n).group(2)) for n in seeded if n.startswith(f"TS-{year}-"))
    assert ticket.number == f"TS-{year}-{highest + 1:06d}"
    load_seeds()
    assert Ticket.objects.count() == len(seeded) + 1
    assert TicketCounter.objects.get(year=year).last == highest + 1


def test_seed_numbers_used_by_a_ticket_of_the_application_stop_the_load():
    registry_seeding.seeds_load()
    enterprise = Enterprise.objects.filter(synthetic=True).first()
    opened = dt.datetime(2020, 6, 1, 9, tzinfo=timezone.get_current_timezone())
    real = services.ticket_create(
        user=None,
        enterprise=enterprise,
        category=TicketCategory.objects.get(code="other"),
        title="真实工单",
        opened_at=opened,
    )

    with pytest.raises(CommandError, match=real.number):
        load_seeds()

    real.refresh_from_db()
    assert real.title == "真实工单"
    assert not SupportTeam.objects.exists()


def _snapshot() -> dict[str, object]:
    """Row counts of every clusters and assistance model (history and link tables included),
    each model's latest updated_at, the ticket counters, group memberships and passwords."""
    snapshot: dict[str, object] = {}
    for label in ("clusters", "assistance"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            name = model._meta.label
            snapshot[f"{name} rows"] = model._default_manager.count()
            if any(field.name == "updated_at" for field in model._meta.fields):
                snapshot[f"{name} updated_at"] = model._default_manager.aggregate(latest=Max("updated_at"))["latest"]
    snapshot["ticket counters"] = sorted(TicketCounter.objects.values_list("year", "last"))
    snapshot["group memberships"] = sorted(User.groups.through.objects.values_list("user__username", "group__name"))
    snapshot["passwords"] = sorted(User.objects.values_list("username", "password"))
    return snapshot


def test_loading_twice_changes_nothing():
    load_seeds()
    before = _snapshot()
    assert before["assistance.Ticket rows"] >= 80
    assert before["assistance.HistoricalTicket rows"] > 0
    assert before["assistance.HistoricalVisit_inspectors rows"] > 0

    output = load_seeds()

    assert _snapshot() == before
    assert "nothing changed" in output


def test_loading_twice_with_demo_users_changes_nothing():
    load_seeds("--demo-users")
    before = _snapshot()

    load_seeds("--demo-users")
    load_seeds()

    assert _snapshot() == before


def test_loading_again_puts_back_a_changed_ticket_and_nothing_else():
    load_seeds()
    ticket = Ticket.objects.get(number="TS-2020-000001")
    Ticket.objects.filter(pk=ticket.pk).update(title="改动")
    history_before = Ticket.history.count()

    load_seeds()

    ticket.refresh_from_db()
    assert ticket.title != "改动"
    assert Ticket.history.count() == history_before + 1


def _team_serving(cluster: str) -> SupportTeam:
    return SupportTeam.objects.get(clusters__name=cluster)


def test_demo_inspectors_join_the_teams_serving_their_clusters():
    load_seeds("--demo-users")

    for username, cluster in (("inspector_qianan", QIANAN), ("inspector_fengrun", FENGRUN)):
        membership = TeamMembership.objects.get(user__username=username)
        assert membership.team == _team_serving(cluster)
        assert membership.joined_on == dt.date(2020, 5, 1)
        assert membership.left_on is None
    inspector = User.objects.get(username="inspector_qianan")
    assert services.team_of(inspector, AS_OF) == _team_serving(QIANAN)
    assert services.is_team_member(inspector, _team_serving(QIANAN).pk)


def test_demo_users_created_after_the_seeds_still_join_their_teams():
    load_seeds()
    assert not TeamMembership.objects.filter(user__username="inspector_qianan").exists()

    load_seeds("--demo-users")

    assert TeamMembership.objects.get(user__username="inspector_qianan").team == _team_serving(QIANAN)
    before = _snapshot()
    load_seeds()
    assert _snapshot() == before
