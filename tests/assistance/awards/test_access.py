"""Who may open what on the award pages: jurisdiction (404), role (403), sign-in (redirect)."""

import csv
import io

import pytest
from django.urls import reverse

from assistance.awards import services
from tests.assistance.files import pdf
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def here(make_application, inspector):
    """A draft of 首钢智新 in 迁安市, with a document."""
    application = make_application()
    services.application_attach(application_id=application.pk, user=inspector, upload=pdf())
    return application


def _object_urls(application) -> list[str]:
    pk = application.pk
    return [
        reverse("assistance:application-detail", args=[pk]),
        reverse("assistance:application-update", args=[pk]),
        reverse("assistance:application-exception", args=[pk]),
        reverse("assistance:application-document", args=[application.attachments.get().pk]),
    ]


def _post_urls(application) -> list[str]:
    pk = application.pk
    return [
        *[
            reverse("assistance:application-step", args=[pk, action])
            for action in ("submit", "return", "accept", "approve", "reject", "withdraw")
        ],
        reverse("assistance:application-add-reviewer", args=[pk]),
        reverse("assistance:application-attach", args=[pk]),
    ]


LIST_URLS = [
    "assistance:award-home",
    "assistance:cycle-list",
    "assistance:application-list",
    "assistance:application-create",
]


def test_anonymous_visitors_are_sent_to_sign_in(client, here, cycle):
    urls = [reverse(name) for name in LIST_URLS] + [reverse("assistance:cycle-detail", args=[cycle.pk])]
    for url in urls + _object_urls(here) + _post_urls(here):
        response = client.post(url) if url in _post_urls(here) else client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.url or "/accounts/" in response.url, url


def test_outsiders_get_404_for_an_application_outside_their_jurisdiction(client_for, outsider, here):
    client = client_for(outsider)
    for url in _object_urls(here):
        assert client.get(url).status_code in (403, 404), url
    assert client.get(here.get_absolute_url()).status_code == 404
    assert client.get(reverse("assistance:application-update", args=[here.pk])).status_code == 404
    assert client.get(reverse("assistance:application-document", args=[here.attachments.get().pk])).status_code == 404
    for url in _post_urls(here):
        assert client.post(url).status_code in (403, 404), url
    steps = [reverse("assistance:application-step", args=[here.pk, a]) for a in ("submit", "withdraw")]
    for url in steps:
        assert client.post(url).status_code == 404, url


def test_outsiders_do_not_list_or_download_applications_outside_their_jurisdiction(
    client_for, outsider, here, other_application
):
    client = client_for(outsider)
    listed = client.get(reverse("assistance:application-list")).context["page"]
    assert [a.pk for a in listed] == [other_application.pk]
    body = b"".join(client.get(reverse("assistance:application-list") + "?export=csv").streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [other_application.enterprise.name]


def test_a_city_manager_sees_every_county(client_for, manager, here, other_application):
    listed = client_for(manager).get(reverse("assistance:application-list")).context["page"]
    assert {a.pk for a in listed} == {here.pk, other_application.pk}


def test_inspectors_may_not_use_the_managers_pages(client_for, inspector, make_application, third_reviewer):
    application = make_application("under_review")
    client = client_for(inspector)
    assert client.get(reverse("assistance:application-exception", args=[application.pk])).status_code == 403
    url = reverse("assistance:application-add-reviewer", args=[application.pk])
    assert client.post(url, {"reviewer": third_reviewer.pk}).status_code == 403


def test_reviewers_see_no_cycle_pages_and_prepare_nothing(client_for, reviewer, cycle, here):
    client = client_for(reviewer)
    assert client.get(reverse("assistance:cycle-list")).status_code == 403
    assert client.get(reverse("assistance:cycle-detail", args=[cycle.pk])).status_code == 403
    assert client.get(reverse("assistance:application-create")).status_code == 403
    assert client.get(reverse("assistance:application-update", args=[here.pk])).status_code == 403
    assert client.get(here.get_absolute_url()).status_code == 404
    for action in ("submit", "withdraw", "approve"):
        url = reverse("assistance:application-step", args=[here.pk, action])
        assert client.post(url).status_code in (403, 404)
    assert client.get(reverse("assistance:award-home")).status_code == 200
    assert client.get(reverse("assistance:application-list")).status_code == 200


def test_a_signed_in_user_without_a_role_sees_no_award_page(client_for, here, cycle, county):
    nobody = UserFactory(username="nobody", jurisdiction=county)
    client = client_for(nobody)
    for name in LIST_URLS:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(here.get_absolute_url()).status_code == 403
    assert client.get(reverse("assistance:cycle-detail", args=[cycle.pk])).status_code == 403


def test_a_cycle_unknown_to_the_database_is_404(client_for, manager):
    assert client_for(manager).get(reverse("assistance:cycle-detail", args=[99999])).status_code == 404
    assert client_for(manager).get(reverse("assistance:application-detail", args=[99999])).status_code == 404
