"""On PostgreSQL the search reads the trigram indexes, finds Chinese substrings and forgives small typos.

As in tests/assistance/test_ticket_indexes.py, each plan is made with only the index under test left
(the others are dropped in a savepoint that is rolled back) and sequential scans discouraged, since
these tables are tiny: if the index cannot serve the query, the plan is a sequential scan.
"""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from assistance.models import Expert, Ticket, Visit
from clusters.models import Cluster, Enterprise
from config import textsearch
from config.textsearch import in_order, matching, search
from tests.assistance.factories import TicketFactory
from tests.factories import EnterpriseFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm and EXPLAIN of PostgreSQL's planner"),
]


def _plan(queryset, *, keep: tuple[str, ...]) -> str:
    """The plan of the query with only the indexes `keep` (LIKE patterns; and the unique ones) left."""
    sql, params = queryset.query.sql_with_params()
    tables = [model._meta.db_table for model in (Enterprise, Cluster, Ticket, Visit, Expert)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%%' AND NOT indexname LIKE ANY(%s)",
            [tables, list(keep)],
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{index}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)  # the dropped indexes come back for the next plan
    return plan


INDEXED = [
    (Enterprise, "name", "enterprise_name_trgm"),
    (Enterprise, "credit_code", "enterprise_credit_code_trgm"),
    (Cluster, "name", "cluster_name_trgm"),
    (Cluster, "industry", "cluster_industry_trgm"),
    (Ticket, "number", "ticket_number_trgm"),
    (Ticket, "title", "ticket_title_trgm"),
    (Visit, "purpose", "visit_purpose_trgm"),
    (Visit, "findings", "visit_findings_trgm"),
    (Expert, "name", "expert_name_trgm"),
    (Expert, "organisation", "expert_organisation_trgm"),
    (Expert, "specialities", "expert_specialities_trgm"),
]


def test_the_database_makes_trigrams_of_chinese_text():
    """Under the plain C character classification pg_trgm sees no letters in Chinese (docs/operations.md)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT show_trgm('钢铁集团')")
        assert cursor.fetchone()[0]


@pytest.mark.parametrize(("model", "field", "index"), INDEXED, ids=[index for *_, index in INDEXED])
def test_a_substring_and_a_similarity_are_read_from_the_columns_trigram_index(model, field, index):
    contains = model.objects.filter(**{f"{field}__ilike": "钢铁集团"}).order_by()
    plan = _plan(contains, keep=(index,))
    assert f"Bitmap Index Scan on {index}" in plan, plan
    assert "~~*" in plan  # ILIKE
    similar = model.objects.filter(**{f"{field}__trigram_word_similar": "钢铁集团"}).order_by()
    assert f"Bitmap Index Scan on {index}" in _plan(similar, keep=(index,))


def test_the_search_of_enterprises_reads_both_its_indexes():
    rows = search(Enterprise.objects.all(), ["钢铁集团"], ("name", "credit_code")).order_by("-rank", "pk")[:6]
    plan = _plan(rows, keep=("enterprise_name_trgm", "enterprise_credit_code_trgm"))
    assert "BitmapOr" in plan, plan
    assert "Bitmap Index Scan on enterprise_name_trgm" in plan
    assert "Bitmap Index Scan on enterprise_credit_code_trgm" in plan
    assert "Seq Scan" not in plan


def test_the_ticket_pickers_match_is_read_from_the_ticket_indexes():
    # Without its order: on an empty table reading the unique number index backwards costs nothing,
    # and the planner weighs that against the bitmap by the table's size.
    fields = ("number", "title", "enterprise__name")
    rows = matching(Ticket.objects.all(), ["TS-2026-0001"], fields).order_by()
    plan = _plan(
        rows,
        keep=("ticket_number_trgm", "ticket_title_trgm", "enterprise_name_trgm", "assistance_ticket_enterprise_id%"),
    )
    assert "BitmapOr" in plan, plan
    assert "Bitmap Index Scan on ticket_number_trgm" in plan
    assert "Bitmap Index Scan on ticket_title_trgm" in plan
    # The enterprise's name through the ids of the enterprises that hold it, read from their own index.
    assert "Bitmap Index Scan on enterprise_name_trgm" in plan
    assert "Bitmap Index Scan on assistance_ticket_enterprise_id" in plan
    assert "Seq Scan" not in plan
    assert "Sort" not in plan  # the ids are read as they come, not in the enterprises' order


def _enterprises(client, query: str) -> list[str]:
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    for group in response.context["groups"]:
        if group["kind"] == "enterprises":
            return [found.title for found in group["found"]]
    return []


@pytest.fixture
def steelworks(cluster):
    return [
        EnterpriseFactory(name="唐山钢铁集团有限公司", cluster=cluster),
        EnterpriseFactory(name="迁安钢铁铸造有限公司", cluster=cluster),
        EnterpriseFactory(name="迁安电子科技有限公司", cluster=cluster),
    ]


def test_a_chinese_substring_matches_in_the_middle_of_a_name(client_for, inspector, steelworks):
    assert _enterprises(client_for(inspector), "钢铁集团") == ["唐山钢铁集团有限公司"]


@pytest.mark.parametrize("query", ["钢", "钢铁"])
def test_one_or_two_chinese_characters_still_match_every_name_that_holds_them(client_for, inspector, steelworks, query):
    assert sorted(_enterprises(client_for(inspector), query)) == ["唐山钢铁集团有限公司", "迁安钢铁铸造有限公司"]


def test_a_small_typo_finds_the_name_best_match_first(client_for, inspector, steelworks):
    found = _enterprises(client_for(inspector), "唐山钢铁集团有线公司")
    assert found[0] == "唐山钢铁集团有限公司"
    assert "迁安电子科技有限公司" not in found


def test_a_typo_in_a_ticket_title_finds_the_ticket(client_for, inspector, enterprise):
    TicketFactory(enterprise=enterprise, title="电磁材料计量器具检定求助")
    response = client_for(inspector).get(reverse("search"), {"q": "电磁材料计量器具检订求助"})
    tickets = [group for group in response.context["groups"] if group["kind"] == "tickets"]
    assert tickets and "电磁材料计量器具检定求助" in tickets[0]["found"][0].title


def test_a_typo_never_crosses_the_jurisdiction(client_for, outsider, steelworks):
    assert _enterprises(client_for(outsider), "唐山钢铁集团有线公司") == []


@pytest.mark.parametrize(("model", "field", "index"), INDEXED, ids=[index for *_, index in INDEXED])
def test_a_word_of_two_characters_is_read_from_the_columns_short_word_index(model, field, index):
    # Two characters hold no trigram: without the index of pieces the column would be read whole.
    grams = index.replace("_trgm", "_grams")
    rows = model.objects.filter(**{f"{field}__has_gram": "钢铁"}).order_by()
    plan = _plan(rows, keep=(grams,))
    assert f"Bitmap Index Scan on {grams}" in plan, plan


def test_the_search_of_tickets_by_two_characters_reads_no_table_whole():
    rows = search(Ticket.objects.all(), ["检定"], ("number", "title")).order_by("-rank", "pk")[:6]
    plan = _plan(rows, keep=("ticket_%_trgm", "ticket_%_grams"))
    assert "Bitmap Index Scan on ticket_title_grams" in plan, plan
    assert "Seq Scan" not in plan


@pytest.mark.parametrize("word", ["钢", "钢铁", "Ab", "%", "_"])
def test_a_short_word_matches_exactly_the_texts_that_hold_it(cluster, word):
    names = ["唐山钢铁集团", "迁安铁钢厂", "ABC 精密", "百分之%", "下划_线", "钢"]
    for name in names:
        EnterpriseFactory(name=name, cluster=cluster)
    found = set(Enterprise.objects.filter(name__has_gram=word).values_list("name", flat=True))
    assert found == {name for name in names if word.lower() in name.lower()}


def _ticket_queries(queryset, words, order, stop):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        rows = list(in_order(queryset, words, ("number", "title"), order)[:stop])
    return rows, [query["sql"] for query in context.captured_queries]


def test_a_rare_words_rows_are_found_by_their_ids_and_sorted_not_read_in_the_lists_order(cluster):
    # Read in the list's order, a word in no row (or a few old ones) costs a read of the whole table when
    # the planner misjudges it as common; its few ids come from the word's index instead.
    enterprise = EnterpriseFactory(cluster=cluster)
    tickets = [TicketFactory(enterprise=enterprise, title=f"钢铁检测{i}") for i in range(3)]
    TicketFactory(enterprise=enterprise, title="计量咨询")
    order = ("-opened_at", "-pk")
    rows, queries = _ticket_queries(Ticket.objects.all(), ["钢铁"], order, 6)
    assert rows == list(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).order_by(*order))
    assert queries[0].startswith("EXPLAIN")
    assert " LIMIT 200" in queries[1]  # the few ids, from the index
    assert '"assistance_ticket"."id" IN (' in queries[2]  # only those rows, sorted


def test_a_word_commoner_than_the_few_is_read_in_the_lists_order(cluster, monkeypatch):
    monkeypatch.setattr(textsearch, "FEW_ROWS", 2)
    enterprise = EnterpriseFactory(cluster=cluster)
    for i in range(5):
        TicketFactory(enterprise=enterprise, title=f"钢铁检测{i}")
    order = ("-opened_at", "-pk")
    rows, queries = _ticket_queries(Ticket.objects.all(), ["钢铁"], order, 3)
    assert rows == list(matching(Ticket.objects.all(), ["钢铁"], ("title",)).order_by(*order)[:3])
    assert '"assistance_ticket"."id" IN (' not in queries[-1]


def test_a_word_the_planner_knows_as_common_is_read_in_order_without_fetching_ids(cluster, monkeypatch):
    monkeypatch.setattr(textsearch, "COMMON_ROWS", -1)
    enterprise = EnterpriseFactory(cluster=cluster)
    TicketFactory(enterprise=enterprise, title="钢铁检测")
    rows, queries = _ticket_queries(Ticket.objects.all(), ["钢铁"], ("-opened_at", "-pk"), 3)
    assert len(rows) == 1
    assert len(queries) == 2 and queries[0].startswith("EXPLAIN")


def test_the_rare_words_ids_never_bring_a_row_outside_the_scope(cluster, other_cluster):
    ours = TicketFactory(enterprise=EnterpriseFactory(cluster=cluster), title="钢铁检测")
    TicketFactory(enterprise=EnterpriseFactory(cluster=other_cluster), title="钢铁检测")
    scoped = Ticket.objects.filter(enterprise__cluster=cluster)
    rows, _queries = _ticket_queries(scoped, ["钢铁"], ("-opened_at", "-pk"), 6)
    assert rows == [ours]
