"""The seed data says again, from records, what the 2021 Tangshan article reports.

Every count here is made with the ORM over 唐山市's provincial and municipal key-region
clusters as of the article's date, 2021-10-25; none trusts what the loader says it did.
"""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Max, Q

from clusters import seeding
from clusters.models import (
    Cluster,
    ClusterIndicator,
    Designation,
    Enterprise,
    GIProduct,
    Honour,
    Region,
    RegionIndicator,
    Standard,
    StandardizationPilot,
    StandardRole,
    Trademark,
    User,
)
from clusters.validators import validate_credit_code, validate_standard_number

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2021, 10, 25)
SINCE_2020 = dt.date(2020, 1, 1)
TANGSHAN = "130200"
GAOXIN = "唐山市高新区机器人产业集群"
FENGRUN = "丰润区智能轨道交通产业集群"
QIANAN = "迁安市钢铁产业集群"
QIANXI = "迁西精品钢产业集群"
YUTIAN = "玉田县印刷包装机械产业集群"
ZUNHUA = "遵化食品产业集群"
FENGNAN = "丰南区陶瓷产业集群"
SHOUGANG = "首钢智新迁安电磁材料有限公司"
CRRC_TANGSHAN = "中车唐山机车车辆有限公司"
ARTICLE_2021 = "《中国质量报》2021-10-25《河北唐山重点区域质量提升效果显现》"
HOLDINGS = (Honour, Designation, Trademark, GIProduct, StandardRole, StandardizationPilot)

DEMO_USERNAMES = ("inspector_qianan", "inspector_fengrun", "manager_tangshan", "reviewer", "admin")


def load_seeds(*args: str) -> str:
    out = StringIO()
    call_command("load_seeds", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded() -> None:
    load_seeds()


@pytest.fixture(scope="class")
def seeded_once(django_db_setup, django_db_blocker):
    """Load the seeds once for a class of read-only tests, and roll them back after the class.

    Each test still runs in its own savepoint (the django_db mark), inside this transaction.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        load_seeds()
        yield
        transaction.set_rollback(True)


def key_regions():
    """唐山市's provincial and municipal key regions (唐山高新区 is a county under 唐山市)."""
    return Cluster.objects.filter(
        Q(county__parent__code=TANGSHAN) | Q(county__name="唐山高新区"), level__in=Cluster.KEY_LEVELS
    )


def held(model, *, since: dt.date | None = None, cluster: str | None = None, **filters):
    """Holdings of key-region enterprises dated on or before the article, optionally since a date."""
    holdings = model.objects.filter(enterprise__cluster__in=key_regions(), date__lte=AS_OF, **filters)
    if since:
        holdings = holdings.filter(date__gte=since)
    if cluster:
        holdings = holdings.filter(enterprise__cluster__name=cluster)
    return holdings


def standards_drafted(levels: list[str], *, since: dt.date | None = None, cluster: str | None = None):
    roles = held(StandardRole, since=since, cluster=cluster, standard__level__in=levels)
    return Standard.objects.filter(pk__in=roles.values("standard")).distinct()


@pytest.mark.usefixtures("seeded_once")
class TestTheSeededRegistry:
    """Read-only checks, all on one load of the seeds."""

    def test_seeds_hold_fifteen_key_regions_three_provincial_and_twelve_municipal(self):
        regions = key_regions()
        assert regions.count() == 15
        assert set(regions.filter(level=Cluster.Level.PROVINCIAL).values_list("name", flat=True)) == {
            GAOXIN,
            FENGRUN,
            QIANAN,
        }
        assert regions.filter(level=Cluster.Level.MUNICIPAL).count() == 12
        assert set(regions.values_list("year_designated", flat=True)) == {2020}
        assert not regions.filter(active=False).exists()

    def test_the_six_unnamed_municipal_key_regions_are_samples(self):
        samples = key_regions().filter(synthetic=True)
        assert samples.count() == 6
        assert all("样例" in name for name in samples.values_list("name", flat=True))
        assert not key_regions().filter(level=Cluster.Level.PROVINCIAL, synthetic=True).exists()

    def test_the_high_tech_zone_is_a_county_without_a_division_code(self):
        zone = Region.objects.get(name="唐山高新区")
        assert zone.code is None
        assert zone.level == Region.Level.COUNTY
        assert zone.parent.code == TANGSHAN
        assert Cluster.objects.get(name=GAOXIN).county == zone

    def test_seeds_hold_seven_provincial_quality_awards(self):
        assert held(Honour, kind=Honour.Kind.PROVINCIAL_QUALITY_AWARD).count() == 7

    def test_seeds_hold_five_municipal_quality_awards(self):
        assert held(Honour, kind=Honour.Kind.MUNICIPAL_QUALITY_AWARD).count() == 5

    def test_seeds_hold_over_150_international_national_and_industry_standards(self):
        assert standards_drafted(["international", "national", "industry"]).count() >= 150

    def test_seeds_hold_nine_well_known_trademarks(self):
        assert held(Trademark, kind=Trademark.Kind.WELL_KNOWN).count() == 9

    def test_seeds_hold_one_gi_product_and_two_gi_trademarks(self):
        gi_products = GIProduct.objects.filter(cluster__in=key_regions(), date__lte=AS_OF)
        assert gi_products.count() == 1
        assert gi_products.get().region.name == "遵化市"
        assert held(Trademark, kind=Trademark.Kind.GI).count() == 2

    def test_four_provincial_awards_since_2020_one_in_each_named_cluster(self):
        awards = held(Honour, since=SINCE_2020, kind=Honour.Kind.PROVINCIAL_QUALITY_AWARD)
        assert sorted(awards.values_list("enterprise__cluster__name", flat=True)) == sorted(
            [FENGRUN, GAOXIN, QIANXI, QIANAN]
        )
        shougang = awards.get(enterprise__cluster__name=QIANAN)
        assert shougang.enterprise.name == SHOUGANG
        assert shougang.year == 2021
        assert shougang.title == "河北省政府质量奖"
        assert not awards.filter(synthetic=True).exists()

    def test_fengnan_ceramics_gained_five_madrid_registrations_since_2020(self):
        assert held(Trademark, since=SINCE_2020, cluster=FENGNAN, kind=Trademark.Kind.MADRID).count() == 5
        assert held(Trademark, since=SINCE_2020, kind=Trademark.Kind.MADRID).count() == 5

    def test_four_national_little_giants_since_2020_and_none_before(self):
        giants = held(Designation, kind=Designation.Kind.NATIONAL_LITTLE_GIANT)
        assert giants.count() == 4
        assert giants.filter(date__gte=SINCE_2020).count() == 4
        by_cluster = {name: giants.filter(enterprise__cluster__name=name).count() for name in (FENGRUN, GAOXIN, YUTIAN)}
        assert by_cluster == {FENGRUN: 1, GAOXIN: 1, YUTIAN: 2}

    @pytest.mark.parametrize(
        ("cluster", "levels", "count"),
        [
            (FENGRUN, ["national", "industry"], 14),
            (QIANXI, ["national", "industry"], 17),
            (GAOXIN, ["industry"], 15),
            (YUTIAN, ["national", "industry"], 12),
            (ZUNHUA, ["group"], 3),
        ],
        ids=["fengrun-14", "qianxi-17", "gaoxin-15-industry", "yutian-12", "zunhua-3-group"],
    )
    def test_clusters_drafted_the_standards_the_article_counts_since_2020(self, cluster, levels, count):
        assert standards_drafted(levels, since=SINCE_2020, cluster=cluster).count() == count

    def test_the_two_standardization_pilots_have_their_statuses(self):
        crrc = StandardizationPilot.objects.get(cluster__name=FENGRUN, level=StandardizationPilot.Level.NATIONAL)
        assert crrc.enterprise.name == CRRC_TANGSHAN
        assert crrc.status == StandardizationPilot.Status.AWAITING_ACCEPTANCE
        qianxi = StandardizationPilot.objects.get(cluster__name=QIANXI, level=StandardizationPilot.Level.PROVINCIAL)
        assert qianxi.status == StandardizationPilot.Status.BUILDING
        for pilot in (crrc, qianxi):
            assert SINCE_2020 <= pilot.date <= AS_OF

    def test_the_named_enterprises_sit_in_their_clusters(self):
        shougang = Enterprise.objects.get(name=SHOUGANG)
        assert shougang.cluster.name == QIANAN
        assert shougang.is_leading
        assert not shougang.synthetic
        assert "占位" in shougang.source
        crrc = Enterprise.objects.get(name=CRRC_TANGSHAN)
        assert crrc.cluster.name == FENGRUN
        assert "中车唐车" in crrc.source

    def test_every_key_region_has_a_handful_of_enterprises(self):
        for cluster in key_regions():
            assert cluster.enterprises.count() >= 3, cluster.name
            assert cluster.enterprises.filter(is_leading=True).count() == 1, cluster.name

    def test_every_enterprise_credit_code_is_valid(self):
        enterprises = Enterprise.objects.all()
        assert enterprises.filter(synthetic=True).exists()
        for enterprise in enterprises:
            validate_credit_code(enterprise.credit_code)

    def test_every_synthetic_record_is_named_as_a_sample(self):
        for name in Enterprise.objects.filter(synthetic=True).values_list("name", flat=True):
            assert "样例" in name
        for standard in Standard.objects.filter(synthetic=True):
            assert standard.title.startswith("样例标准：")
        assert not Standard.objects.filter(synthetic=False).exists()

    def test_no_real_enterprise_holds_a_synthetic_record(self):
        for model in (Honour, Designation, Trademark, StandardRole):
            assert not model.objects.filter(enterprise__synthetic=False, synthetic=True).exists(), model.__name__

    def test_every_standard_number_fits_its_level(self):
        for standard in Standard.objects.all():
            try:
                validate_standard_number(standard.number, standard.level)
            except ValidationError:
                pytest.fail(f"{standard.number} does not fit level {standard.level}")

    def test_every_record_names_its_source(self):
        for model in (*HOLDINGS, Cluster, Enterprise, ClusterIndicator, RegionIndicator):
            rows = model.objects.all()
            assert rows.exists(), model.__name__
            assert not rows.filter(source="").exists(), model.__name__
            assert not rows.exclude(source__contains="：“").exists(), model.__name__

    def test_facts_from_the_article_quote_it(self):
        award = Honour.objects.get(enterprise__name=SHOUGANG)
        assert award.source.startswith(ARTICLE_2021)
        assert "近日揭晓的河北省政府质量奖中" in award.source
        assert "近似" in award.source

    def test_every_quoted_sentence_appears_in_its_article(self):
        seed_dir = seeding.default_seed_dir()
        data = seeding.read_seed_files(seed_dir, ("sources",))["sources"]
        sources = seeding.Sources(data, seed_dir)
        for key, (article, text) in sources.quotes.items():
            assert text in seeding.article_text(seed_dir / data["articles"][article]["file"]), key

    def test_hebei_reported_figures_are_kept_with_their_source(self):
        figures = {
            indicator.key: indicator.value
            for indicator in RegionIndicator.objects.filter(region__code="130000", as_of=dt.date(2022, 12, 21))
        }
        assert figures == {
            "cluster_total": 260,
            "featured_clusters": 107,
            "key_region_profit_growth_pct": Decimal("2.9"),
            "key_region_profit_growth_change_pp": Decimal("10.9"),
            "provincial_award_growth_vs_2019_pct": 46,
            "well_known_trademark_enterprises": 25,
            "well_known_trademark_growth_pct": 31,
        }
        targets = RegionIndicator.objects.filter(region__code="130000", as_of=AS_OF)
        assert sorted(targets.values_list("value", flat=True)) == [9, 26]

    def test_provincial_key_regions_have_yearly_sample_indicators(self):
        for cluster in key_regions().filter(level=Cluster.Level.PROVINCIAL):
            indicators = ClusterIndicator.objects.filter(cluster=cluster)
            assert set(indicators.values_list("year", flat=True)) == {2019, 2020, 2021}
            assert not indicators.filter(synthetic=False).exists()


def _snapshot() -> dict[str, object]:
    """Row counts of every clusters model and its history, and each model's latest updated_at."""
    snapshot: dict[str, object] = {}
    models = list(apps.get_app_config("clusters").get_models())
    models += [model.history.model for model in models if hasattr(model, "history")]
    for model in models:
        label = model._meta.label
        snapshot[f"{label} rows"] = model._default_manager.count()
        if any(field.name == "updated_at" for field in model._meta.fields):
            snapshot[f"{label} updated_at"] = model._default_manager.aggregate(latest=Max("updated_at"))["latest"]
    snapshot["group memberships"] = User.groups.through.objects.count()
    snapshot["passwords"] = sorted(User.objects.values_list("username", "password"))
    return snapshot


def test_loading_twice_changes_nothing():
    load_seeds()
    before = _snapshot()
    assert before["clusters.Enterprise rows"] > 0
    assert before["clusters.HistoricalEnterprise rows"] > 0

    output = load_seeds()

    assert _snapshot() == before
    assert "nothing changed" in output


def test_loading_again_puts_back_a_changed_field_and_nothing_else(seeded):
    cluster = Cluster.objects.get(name=QIANAN)
    Cluster.objects.filter(pk=cluster.pk).update(industry="改动")
    history_before = Cluster.history.count()

    load_seeds()

    cluster.refresh_from_db()
    assert cluster.industry == "钢铁"
    assert Cluster.history.count() == history_before + 1


def test_demo_users_get_their_groups_and_jurisdictions(settings):
    output = load_seeds("--demo-users")

    expected = {
        "inspector_qianan": ("inspector", "迁安市"),
        "inspector_fengrun": ("inspector", "丰润区"),
        "manager_tangshan": ("manager", "唐山市"),
        "reviewer": ("reviewer", "唐山市"),
    }
    for username, (group, jurisdiction) in expected.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.jurisdiction.name == jurisdiction
        assert user.last_name and user.first_name
        assert user.check_password(settings.DEMO_PASSWORD)
        assert username in output
    assert User.objects.get(username="reviewer").organisation
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert admin.jurisdiction is None
    assert settings.DEMO_PASSWORD in output


def test_a_second_demo_users_run_creates_none_and_keeps_passwords():
    load_seeds("--demo-users")
    inspector = User.objects.get(username="inspector_qianan")
    inspector.set_password("changed-by-the-inspector")
    inspector.save()
    before = _snapshot()

    load_seeds("--demo-users")

    assert _snapshot() == before
    assert sorted(user.username for user in User.objects.all() if user.has_usable_password()) == sorted(DEMO_USERNAMES)
    assert User.objects.get(username="inspector_qianan").check_password("changed-by-the-inspector")


def test_demo_users_are_refused_where_not_allowed(settings):
    settings.DEMO_USERS_ALLOWED = False

    with pytest.raises(CommandError, match="DEMO_USERS_ALLOWED"):
        load_seeds("--demo-users")

    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()
    # The assistance seeds add sample staff accounts, but nobody can sign in with them.
    assert not [user.username for user in User.objects.all() if user.has_usable_password()]
    assert not Region.objects.exists()


def test_seeds_load_without_demo_users_where_they_are_not_allowed(settings):
    settings.DEMO_USERS_ALLOWED = False

    load_seeds()

    assert key_regions().count() == 15
    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()
    # The assistance seeds add sample staff accounts, but nobody can sign in with them.
    assert not [user.username for user in User.objects.all() if user.has_usable_password()]
