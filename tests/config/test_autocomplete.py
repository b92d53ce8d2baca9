"""Every picker endpoint on bad input: a 400 or an answer, never a 500; GET only."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from config.autocomplete import MAX_PAGE, MAX_TERM_LENGTH, search_words
from tests.factories import EnterpriseFactory
from tests.pickers import answer

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "clusters:enterprise-autocomplete",
    "clusters:cluster-autocomplete",
    "assistance:ticket-autocomplete",
    "assistance:user-autocomplete",
    "assistance:expert-autocomplete",
    "assistance:reviewer-autocomplete",
]
# The ids each endpoint takes to narrow its rows.
ID_PARAMS = [
    ("clusters:cluster-autocomplete", "county"),
    ("assistance:ticket-autocomplete", "enterprise"),
    ("assistance:user-autocomplete", "team"),
    ("assistance:user-autocomplete", "ticket"),
]
BAD_PAGES = ["abc", "0", "-1", "1.5", "１", "²", str(10**30), str(MAX_PAGE + 1), "9" * 5000]
BAD_IDS = ["abc", "1.5", "１", str(2**63), str(-(2**63) - 1), str(10**30), "9" * 5000]


@pytest.fixture
def client(client_for, admin_user, enterprise):
    return client_for(admin_user)


@pytest.mark.parametrize("url_name", ENDPOINTS)
@pytest.mark.parametrize("page", BAD_PAGES)
def test_a_bad_page_number_is_a_bad_request(client, url_name, page):
    assert client.get(reverse(url_name), {"page": page}).status_code == 400


@pytest.mark.parametrize("url_name", ENDPOINTS)
def test_the_last_page_allowed_answers_empty_and_says_no_more(client, url_name):
    body = answer(client, reverse(url_name), page=str(MAX_PAGE))
    assert body == {"results": [], "pagination": {"more": False}}


@pytest.mark.parametrize("url_name", ENDPOINTS)
@pytest.mark.parametrize("term", ["首" * 10_000, "a\x00b", "%", "_", "'; DROP TABLE x; --", "\\", " " * 50], ids=repr)
def test_any_search_term_is_answered(client, url_name, term):
    answer(client, reverse(url_name), term=term)


@pytest.mark.parametrize("url_name, param", ID_PARAMS)
@pytest.mark.parametrize("value", BAD_IDS)
def test_a_narrowing_id_that_is_no_id_is_a_bad_request(client, url_name, param, value):
    assert client.get(reverse(url_name), {param: value}).status_code == 400


@pytest.mark.parametrize("url_name", ENDPOINTS)
def test_a_write_is_refused(client, url_name):
    assert client.post(reverse(url_name), {"term": "x"}).status_code == 405


def test_a_long_term_is_cut_and_split_into_a_few_words():
    class Request:
        GET = {"term": "钢 铁 有 限 公 司 迁 安"}

    assert search_words(Request) == ["钢", "铁", "有", "限", "公"]
    Request.GET = {"term": "长" * (MAX_TERM_LENGTH + 50)}
    assert search_words(Request) == ["长" * MAX_TERM_LENGTH]


def test_a_term_cut_short_still_finds_the_row(client, cluster):
    name = "迁" * 128
    EnterpriseFactory(name=name, cluster=cluster)
    found = answer(client, reverse("clusters:enterprise-autocomplete"), term=name + "X" * 50)
    assert [row["text"] for row in found["results"]] == [name]


FUZZ = hsettings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40, deadline=None)


@FUZZ
@given(
    url_name=st.sampled_from(ENDPOINTS),
    params=st.dictionaries(
        st.sampled_from(["term", "page", "team", "ticket", "county", "enterprise", "status"]),
        st.one_of(st.text(max_size=40), st.integers().map(str), st.lists(st.text(max_size=5), max_size=3)),
        max_size=4,
    ),
)
def test_arbitrary_parameters_never_fail(client, url_name, params):
    assert client.get(reverse(url_name), params).status_code in (200, 400, 404)
