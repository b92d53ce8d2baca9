"""The reviewer picker's endpoint: the pool the accept and add-reviewer forms take, for managers only."""

import pytest
from django.urls import reverse

from assistance.awards.forms import AcceptForm, AddReviewerForm
from tests.factories import UserFactory
from tests.pickers import answer, ids, options, queries, texts

from .factories import reviewer_user

pytestmark = pytest.mark.django_db

REVIEWERS = reverse("assistance:reviewer-autocomplete")


def test_the_pool_is_the_active_reviewers_by_user_name(client_for, manager, reviewer, second_reviewer, inspector):
    reviewer_user(username="retired", is_active=False)
    offered = ids(client_for(manager), REVIEWERS)
    assert offered == [reviewer.pk, second_reviewer.pk]
    for form, name in ((AcceptForm(), "reviewers"), (AcceptForm(), "lead"), (AddReviewerForm(), "reviewer")):
        assert offered == list(form.fields[name].queryset.values_list("pk", flat=True))


def test_a_reviewer_is_labelled_and_found_by_name_or_organisation(client_for, manager, second_reviewer):
    outside = reviewer_user(username="outside", last_name="周", first_name="平", organisation="北京质量协会")
    client = client_for(manager)
    assert texts(client, REVIEWERS, term="李评审") == ["李评审（河北省质量奖评审专家库）"]
    assert ids(client, REVIEWERS, term="北京") == [outside.pk]
    assert ids(client, REVIEWERS, term="reviewer2") == [second_reviewer.pk]


def test_the_reviewers_come_twenty_a_page(client_for, manager):
    for n in range(25):
        reviewer_user(username=f"pool{n:02d}")
    client = client_for(manager)
    first, second = answer(client, REVIEWERS, term="pool"), answer(client, REVIEWERS, term="pool", page=2)
    assert [row["text"] for row in first["results"] + second["results"]] == [
        f"pool{n:02d}（河北省质量奖评审专家库）" for n in range(25)
    ]
    assert (first["pagination"]["more"], second["pagination"]["more"]) == (True, False)


@pytest.mark.parametrize("who", ["inspector", "reviewer"])
def test_only_a_manager_of_applications_asks_for_reviewers(request, client_for, who):
    assert client_for(request.getfixturevalue(who)).get(REVIEWERS).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(REVIEWERS)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_endpoint_costs_the_same_queries_for_5_reviewers_as_for_50(client_for, manager):
    client = client_for(manager)
    for _ in range(5):
        reviewer_user()
    few, few_body = queries(client, REVIEWERS)
    for _ in range(45):
        reviewer_user()
    many, many_body = queries(client, REVIEWERS)
    assert (len(few_body["results"]), len(many_body["results"])) == (5, 20)
    assert few == many


def test_the_accept_form_lists_no_reviewer_until_one_is_chosen(client_for, manager, make_application, second_reviewer):
    application = make_application("submitted")
    UserFactory(username="not_a_reviewer")
    body = client_for(manager).get(application.get_absolute_url()).content.decode()
    assert options(body, "accept-reviewers") == []
    assert options(body, "accept-lead") == [""]
    assert f'data-autocomplete-url="{REVIEWERS}"' in body
    assert "admin/js/vendor/select2/select2.full.min.js" in body
    assert body.count("js/pickers.js") == 1
    assert second_reviewer.display_name not in body
