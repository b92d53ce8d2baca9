"""Lists ordered by name sort Chinese names in pinyin order on PostgreSQL, by code point on SQLite.

安 (an), 北 (bei), 丰 (feng), 迁 (qian), 唐 (tang) in pinyin order; by code point they come 丰 北 唐 安 迁.
"""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from assistance.models import Expert
from clusters.models import Enterprise
from config.pinyin import Pinyin
from tests.assistance.factories import ExpertFactory, SupportTeamFactory
from tests.factories import ClusterFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

FIRSTS = ["安", "北", "丰", "迁", "唐"]
PINYIN = ["安", "北", "丰", "迁", "唐"]
CODE_POINT = sorted(FIRSTS)  # 丰 北 唐 安 迁
EXPECTED = PINYIN if connection.vendor == "postgresql" else CODE_POINT
# Shuffled, so that neither the insertion order nor the ids give the order by chance.
CREATED = ["迁", "丰", "唐", "安", "北"]


def _firsts(names) -> list[str]:
    return [name[0] for name in names]


def test_code_point_order_differs_from_pinyin_order():
    assert CODE_POINT != PINYIN


def test_the_enterprise_list_orders_by_pinyin(client_for, inspector, cluster):
    for first in CREATED:
        EnterpriseFactory(name=f"{first}测试企业有限公司", cluster=cluster)

    response = client_for(inspector).get(reverse("clusters:enterprise-list"))
    assert _firsts(row.name for row in response.context["page"].object_list) == EXPECTED

    descending = client_for(inspector).get(reverse("clusters:enterprise-list"), {"ordering": "-name"})
    assert _firsts(row.name for row in descending.context["page"].object_list) == EXPECTED[::-1]


def test_the_cluster_list_sorted_by_name_orders_by_pinyin(client_for, inspector, county):
    for first in CREATED:
        ClusterFactory(name=f"{first}测试产业集群", county=county)

    response = client_for(inspector).get(reverse("clusters:cluster-list"), {"ordering": "name"})
    assert _firsts(row.name for row in response.context["page"].object_list) == EXPECTED


def test_the_team_list_orders_by_pinyin(client_for, manager, county):
    for first in CREATED:
        SupportTeamFactory(name=f"{first}测试工作组", region=county)

    response = client_for(manager).get(reverse("assistance:team-list"))
    assert _firsts(row.name for row in response.context["page"].object_list) == EXPECTED


def test_the_expert_picker_and_the_default_order_follow_pinyin(client_for, manager):
    for first in CREATED:
        ExpertFactory(name=f"{first}专家")

    response = client_for(manager).get(reverse("assistance:expert-autocomplete"))
    assert _firsts(result["text"] for result in response.json()["results"]) == EXPECTED
    assert _firsts(Expert.objects.values_list("name", flat=True)) == EXPECTED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of PostgreSQL's planner")
def test_the_enterprise_list_by_name_reads_the_pinyin_index():
    """With only that index left and sequential scans discouraged, as tests/assistance/test_ticket_indexes.py does."""
    sql, params = Enterprise.objects.order_by(Pinyin("name"), "pk")[:25].query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'clusters_enterprise' "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%%' AND indexname <> 'enterprise_name_pinyin'"
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{index}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    assert "Index Scan using enterprise_name_pinyin" in plan, plan
    assert "Sort" not in plan
