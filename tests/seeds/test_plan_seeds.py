"""The seeded plans are the two documents the 2021 article names; their measures and the chain are samples."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from assistance.plans.models import ChainLink, ChainProject, Measure, MeasureProgress, Plan
from clusters.models import Cluster

pytestmark = pytest.mark.django_db

ARTICLE_2021 = "《中国质量报》2021-10-25《河北唐山重点区域质量提升效果显现》"
PLANS = ["唐山市区域质量提升实施方案(2020-2022年)", "唐山市重点区域质量提升推进方案"]


def load_seeds(*args: str) -> str:
    out = StringIO()
    call_command("load_seeds", *args, stdout=out)
    return out.getvalue()


def _rows() -> dict:
    models = (Plan, Measure, MeasureProgress, ChainLink, ChainProject, Plan.history.model, Measure.history.model)
    return {
        model.__name__: sorted(model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]))
        for model in models
    }


def test_the_two_plans_of_the_article_are_seeded_for_tangshan_and_quote_it():
    load_seeds()
    plans = Plan.objects.select_related("region").order_by("pk")
    assert [plan.title for plan in plans] == PLANS
    first, second = plans
    assert (second.start_date, second.end_date, second.document_number) == (None, None, "")
    assert {plan.region.name for plan in plans} == {"唐山市"}
    assert (first.start_date, first.end_date) == (dt.date(2020, 1, 1), dt.date(2022, 12, 31))
    assert not any(plan.synthetic for plan in plans)
    for plan in plans:
        assert plan.source.startswith(ARTICLE_2021)
        assert "《唐山市区域质量提升实施方案(2020-2022年)》《唐山市重点区域质量提升推进方案》" in plan.source


def test_the_measures_are_samples_named_as_samples():
    load_seeds()
    measures = Measure.objects.all()
    assert measures.count() >= 4
    assert all(m.synthetic and m.title.startswith("（示例）") and m.source for m in measures)
    assert {m.plan.title for m in measures} == set(PLANS)
    assert MeasureProgress.objects.filter(note__startswith="（示例）").count() == MeasureProgress.objects.count() > 0


def test_the_sample_chain_is_the_steel_clusters_with_its_own_enterprises():
    load_seeds()
    steel = Cluster.objects.get(name="迁安市钢铁产业集群")
    links = ChainLink.objects.all()
    assert set(links.values_list("cluster", flat=True)) == {steel.pk}
    assert set(links.values_list("year", flat=True)) == {2020, 2021}
    assert all(link.synthetic and link.name.startswith("（示例）") for link in links)
    assert set(links.values_list("enterprises__cluster", flat=True)) - {None} == {steel.pk}
    assert links.filter(weak=True).exclude(note="").exists()
    assert ChainProject.objects.filter(measure__isnull=False).count() == ChainProject.objects.count() > 0


def test_loading_the_plans_twice_changes_nothing():
    load_seeds()
    before = _rows()
    assert before["Plan"] and before["ChainLink"]
    load_seeds()
    assert _rows() == before


def test_an_enterprise_of_the_same_name_in_another_cluster_does_not_confuse_the_chain():
    from tests.factories import ClusterFactory, EnterpriseFactory

    EnterpriseFactory(name="首钢智新迁安电磁材料有限公司", cluster=ClusterFactory())
    load_seeds()
    link = ChainLink.objects.get(name="（示例）电工钢等高端板材", year=2020)
    assert [(e.name, e.cluster.name) for e in link.enterprises.all()] == [
        ("首钢智新迁安电磁材料有限公司", "迁安市钢铁产业集群")
    ]


def test_a_chain_enterprise_its_cluster_does_not_hold_is_refused(tmp_path):
    import shutil

    from assistance.plans import seeding
    from clusters.seeding import SeedError, default_seed_dir

    load_seeds()
    shutil.copytree(default_seed_dir(), tmp_path / "seeds")
    plans = tmp_path / "seeds" / "plans.toml"
    plans.write_text(plans.read_text().replace('["迁安钢铁样例企业02"]', '["不存在的企业"]', 1))
    with pytest.raises(SeedError, match="迁安市钢铁产业集群: 不存在的企业"):
        seeding.seeds_load(seed_dir=tmp_path / "seeds")
