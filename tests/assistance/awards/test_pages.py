"""The award pages: homes, cycle list and detail with the ranking, the filtered application list, the detail page."""

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from assistance.awards.models import AwardApplication
from tests.factories import ClusterFactory, EnterpriseFactory

from .factories import AwardApplicationFactory, AwardCycleFactory, full_marks

pytestmark = pytest.mark.django_db

S = AwardApplication.Status


def _scores(total_percent: int) -> dict[str, int]:
    return full_marks(percent=total_percent)


def _by_status(status_counts) -> dict[str, int]:
    """The page's (label, count) rows, keyed by status value (the labels are translated)."""
    assert [label for label, _ in status_counts] == list(S.labels)
    return {value: n for value, (_, n) in zip(S.values, status_counts, strict=True)}


@pytest.fixture
def ranked(cycle, cluster, other_cluster, inspector, outsider, manager, reviewers):
    """Five applications of the cycle (quota 3): four reviewed, with means 900, 800, 700 and 600 (the 800 in 丰润区)."""
    made = {}
    for name, percent, county_cluster, preparer in [
        ("甲", 90, cluster, inspector),
        ("乙", 80, other_cluster, outsider),
        ("丙", 70, cluster, inspector),
        ("丁", 60, cluster, inspector),
    ]:
        made[name] = AwardApplicationFactory(
            cycle=cycle,
            enterprise=EnterpriseFactory(name=f"{name}企业", cluster=county_cluster),
            prepared_by=preparer,
            status="pending_decision",
            manager=manager,
            reviewers=reviewers,
            scores=[_scores(percent), _scores(percent)],
        )
    made["戊"] = AwardApplicationFactory(
        cycle=cycle, enterprise=EnterpriseFactory(name="戊企业", cluster=cluster), prepared_by=inspector
    )
    return made


def test_each_waiting_list_of_the_manager_home(client_for, manager, inspector, cycle, cluster, reviewers):
    def make(status):
        return AwardApplicationFactory(
            cycle=cycle,
            enterprise=EnterpriseFactory(cluster=cluster),
            prepared_by=inspector,
            status=status,
            manager=manager,
            reviewers=reviewers,
        )

    submitted, reviewing, pending = make("submitted"), make("under_review"), make("pending_decision")
    make("approved")
    make("draft")
    context = client_for(manager).get(reverse("assistance:award-home")).context
    assert [a.pk for a in context["waiting_eligibility"]] == [submitted.pk]
    assert [a.pk for a in context["waiting_reviews"]] == [reviewing.pk]
    assert [a.pk for a in context["waiting_decision"]] == [pending.pk]
    assert [c.pk for c in context["open_cycles"]] == [cycle.pk]


def test_the_inspector_home_lists_the_applications_they_prepare(client_for, inspector, make_application):
    draft = make_application()
    response = client_for(inspector).get(reverse("assistance:award-home"))
    assert [a.pk for a in response.context["my_applications"]] == [draft.pk]
    assert "waiting_eligibility" not in response.context


def test_the_reviewer_home_lists_reviews_due(client_for, reviewer, make_application):
    application = make_application("under_review")
    response = client_for(reviewer).get(reverse("assistance:award-home"))
    assignments = response.context["assignments"]
    assert [a.application_id for a in assignments] == [application.pk]
    body = response.content.decode()
    assert reverse("assistance:review", args=[assignments[0].pk]) in body
    assert "open_cycles" not in response.context


def test_the_cycle_list_says_open_or_closed_and_how_far_each_cycle_has_gone(client_for, manager, ranked, cycle):
    closed = AwardCycleFactory(
        opens_at=timezone.now() - datetime.timedelta(days=90), closes_at=timezone.now() - datetime.timedelta(days=60)
    )
    response = client_for(manager).get(reverse("assistance:cycle-list"))
    rows = {c.pk: c for c in response.context["page"]}
    assert (rows[cycle.pk].application_count, rows[cycle.pk].reviewed_count, rows[cycle.pk].decided_count) == (5, 4, 0)
    assert (rows[closed.pk].application_count, rows[closed.pk].reviewed_count) == (0, 0)
    body = response.content.decode()
    assert body.count('text-bg-success">') >= 1 and 'text-bg-secondary">' in body


def test_the_cycle_page_ranks_by_mean_score_against_the_quota(client_for, manager, ranked, cycle):
    response = client_for(manager).get(reverse("assistance:cycle-detail", args=[cycle.pk]))
    ranking = response.context["ranking"]
    assert [(a.enterprise.name, a.rank, a.mean_score) for a in ranking] == [
        ("甲企业", 1, 900.0),
        ("乙企业", 2, 800.0),
        ("丙企业", 3, 700.0),
        ("丁企业", 4, 600.0),
    ]
    body = response.content.decode()
    assert body.count('class="table-success"') == cycle.quota
    counts = _by_status(response.context["status_counts"])
    assert counts == {**dict.fromkeys(S.values, 0), S.PENDING_DECISION: 4, S.DRAFT: 1}


def test_a_county_inspector_sees_the_rank_in_the_whole_cycle(client_for, inspector, ranked, cycle):
    response = client_for(inspector).get(reverse("assistance:cycle-detail", args=[cycle.pk]))
    ranking = response.context["ranking"]
    # 乙 of 丰润区 is not shown, but still ranks second: 丙 is third, within the quota, and 丁 fourth.
    assert [(a.enterprise.name, a.rank) for a in ranking] == [("甲企业", 1), ("丙企业", 3), ("丁企业", 4)]
    assert _by_status(response.context["status_counts"])[S.PENDING_DECISION] == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"甲", "乙", "丙", "丁", "戊"}),
        ("status=draft", {"戊"}),
        ("status=pending_decision", {"甲", "乙", "丙", "丁"}),
        ("min_score=700", {"甲", "乙", "丙"}),
        ("max_score=750", {"丙", "丁"}),
        ("min_score=650&max_score=850", {"乙", "丙"}),
        ("disagreement=true", set()),
        ("disagreement=false", {"甲", "乙", "丙", "丁", "戊"}),
        ("q=丙", {"丙"}),
        ("cycle=other", set()),
    ],
)
def test_the_application_list_filters(client_for, manager, ranked, query, expected):
    if query == "cycle=other":
        query = f"cycle={AwardCycleFactory().pk}"
    response = client_for(manager).get(reverse("assistance:application-list") + "?" + query)
    assert response.status_code == 200
    assert {a.enterprise.name[0] for a in response.context["page"]} == expected


def test_the_application_list_filters_by_cluster_and_county(client_for, manager, ranked, other_cluster, other_county):
    url = reverse("assistance:application-list")
    by_cluster = client_for(manager).get(f"{url}?cluster={other_cluster.pk}").context["page"]
    assert [a.enterprise.name for a in by_cluster] == ["乙企业"]
    by_county = client_for(manager).get(f"{url}?county={other_county.pk}").context["page"]
    assert [a.enterprise.name for a in by_county] == ["乙企业"]


def test_a_cluster_outside_the_jurisdiction_is_not_a_filter_choice(client_for, inspector, ranked, other_cluster):
    response = client_for(inspector).get(reverse("assistance:application-list") + f"?cluster={other_cluster.pk}")
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_the_staff_download_follows_the_filters(client_for, manager, ranked):
    response = client_for(manager).get(reverse("assistance:application-list") + "?min_score=700&export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {row[1] for row in rows[1:]} == {"甲企业", "乙企业", "丙企业"}


def test_the_application_page_shows_documents_timeline_and_steps(client_for, manager, make_application):
    application = make_application("pending_decision")
    response = client_for(manager).get(application.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="timeline"' in body
    assert [e.action for e in response.context["events"]] == [
        "create",
        "submit",
        "assign",
        "assign",
        "accept",
        "complete",
    ]
    assert {s["name"] for s in response.context["steps"]} == {"approve", "reject", "withdraw"}
    assert 'id="reviews-side-by-side"' in body


@pytest.mark.parametrize("name", ["assistance:application-create", "assistance:application-update"])
def test_the_application_forms_open(client_for, inspector, application, name):
    args = [application.pk] if name.endswith("update") else []
    response = client_for(inspector).get(reverse(name, args=args))
    assert response.status_code == 200
    assert 'name="self_assessment"' in response.content.decode()


def test_the_create_form_offers_only_enterprises_in_the_jurisdiction(
    client_for, inspector, enterprise, other_enterprise
):
    choices = client_for(inspector).get(reverse("assistance:application-create")).context["form"].fields["enterprise"]
    assert list(choices.queryset) == [enterprise]


def test_sample_applications_are_marked(client_for, manager, make_application):
    application = make_application()
    url = reverse("assistance:application-list")
    with translation.override(settings.LANGUAGE_CODE):
        badge = f'<span class="badge text-bg-light">{gettext("Sample")}</span>'
    assert badge not in client_for(manager).get(url).content.decode()
    AwardApplication.objects.filter(pk=application.pk).update(synthetic=True)
    assert badge in client_for(manager).get(url).content.decode()


def test_an_enterprise_of_another_cluster_in_the_county_is_listed_too(client_for, inspector, cycle, county):
    other = ClusterFactory(county=county)
    application = AwardApplicationFactory(
        cycle=cycle, enterprise=EnterpriseFactory(cluster=other), prepared_by=inspector
    )
    listed = client_for(inspector).get(reverse("assistance:application-list")).context["page"]
    assert [a.pk for a in listed] == [application.pk]
