"""Benchmarking pages: lists and details for their roles, scoped by jurisdiction; writes by POST only."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from assistance.benchmarking.models import Indicator, Participation
from tests.factories import EnterpriseFactory, UserFactory

from .factories import CampaignFactory, IndicatorFactory, ParticipationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("assistance:benchmarking-list")


def _campaign_url(campaign):
    return reverse("assistance:benchmarking-campaign", args=[campaign.pk])


def _participation_url(participation):
    return reverse("assistance:benchmarking-participation", args=[participation.pk])


def _enrol_url(campaign):
    return reverse("assistance:benchmarking-enrol", args=[campaign.pk])


def _update_url(participation):
    return reverse("assistance:benchmarking-participation-update", args=[participation.pk])


def _indicators_url(participation):
    return reverse("assistance:benchmarking-indicators", args=[participation.pk])


def _enrolment(enterprise, **extra):
    return {
        "enterprise": enterprise.pk,
        "benchmark_kind": "enterprise",
        "benchmark_scope": "domestic",
        "benchmark_name": "国内领先企业",
        "note": "",
        **extra,
    }


def _formset(rows, *, initial=0):
    data = {
        "indicators-TOTAL_FORMS": str(len(rows)),
        "indicators-INITIAL_FORMS": str(initial),
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"indicators-{index}-{name}"] = "" if value is None else value
    return data


def _row(**values):
    row = {"area": "quality", "name": "产品一次检验合格率", "unit": "%", "baseline": "95", "target": "98"}
    return {"achieved": "", "direction": "higher", **row, **values}


# Reading


def test_the_list_shows_the_campaigns_of_the_jurisdiction_with_their_counts(
    client_for, inspector, participation, other_campaign
):
    response = client_for(inspector).get(LIST)
    assert response.status_code == 200
    page = list(response.context["page"])
    assert [c.title for c in page] == ["迁安市钢铁产业集群对标达标活动"]
    assert (page[0].participant_count, page[0].reached_count) == (1, 1)


def test_the_list_filters_by_cluster_year_and_search(client_for, manager, campaign, other_campaign):
    CampaignFactory(cluster=campaign.cluster, year=2022, title="2022年钢铁对标")
    client = client_for(manager)
    titles = lambda query: {c.title for c in client.get(LIST, query).context["page"]}  # noqa: E731
    assert titles({"cluster": campaign.cluster_id}) == {"迁安市钢铁产业集群对标达标活动", "2022年钢铁对标"}
    assert titles({"year": 2022}) == {"2022年钢铁对标"}
    assert titles({"q": "丰润"}) == {"丰润区对标达标活动"}


def test_the_search_finds_a_campaign_by_its_participants_benchmark(client_for, manager, participation, other_campaign):
    titles = {c.title for c in client_for(manager).get(LIST, {"q": "EN 10025"}).context["page"]}
    assert titles == {"迁安市钢铁产业集群对标达标活动"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_list_downloads_with_its_filters(client_for, manager, campaign, other_campaign, fmt):
    response = client_for(manager).get(LIST, {"export": fmt, "cluster": campaign.cluster_id})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        assert "迁安市钢铁产业集群对标达标活动" in text and "丰润区对标达标活动" not in text
    else:
        assert body[:2] == b"PK"


def test_the_campaign_page_shows_each_participant_with_its_outcome(client_for, inspector, campaign, participation):
    failing = ParticipationFactory(campaign=campaign)
    IndicatorFactory(participation=failing, achieved=None)
    response = client_for(inspector).get(_campaign_url(campaign))
    assert response.status_code == 200
    rows = {p.enterprise.name: p.reached for p in response.context["page"]}
    assert rows == {participation.enterprise.name: True, failing.enterprise.name: False}
    body = response.content.decode()
    assert 'text-bg-success">达标</span>' in body and 'text-bg-warning">未达标</span>' in body


def test_the_participant_page_shows_its_indicators_with_outcome_and_gap(client_for, inspector, participation):
    IndicatorFactory(
        participation=participation, area="brand", name="客户投诉", direction="lower", baseline=12, target=4, achieved=8
    )
    response = client_for(inspector).get(_participation_url(participation))
    assert response.status_code == 200
    indicators = {i.name: (i.is_met, i.gap) for i in response.context["indicators"]}
    assert indicators["客户投诉"] == (False, pytest.approx(0.5))
    assert indicators["产品一次检验合格率"][0] is True
    assert response.context["formset"] is not None


def test_the_enterprise_page_shows_its_campaigns(client_for, inspector, participation):
    response = client_for(inspector).get(participation.enterprise.get_absolute_url())
    assert response.status_code == 200
    assert "迁安市钢铁产业集群对标达标活动" in response.content.decode()


def test_a_read_only_user_sees_the_pages_without_forms(client_for, read_only, participation):
    client = client_for(read_only)
    assert client.get(_campaign_url(participation.campaign)).context["form"] is None
    response = client.get(_participation_url(participation))
    assert response.status_code == 200
    assert response.context["form"] is None and response.context["formset"] is None


def test_an_outsider_gets_404_for_another_countys_campaign_and_participant(client_for, outsider, participation):
    client = client_for(outsider)
    assert client.get(_campaign_url(participation.campaign)).status_code == 404
    assert client.get(_participation_url(participation)).status_code == 404
    assert client.post(_enrol_url(participation.campaign), _enrolment(participation.enterprise)).status_code == 404
    assert client.post(_update_url(participation), _enrolment(participation.enterprise)).status_code == 404
    assert client.post(_indicators_url(participation), _formset([])).status_code == 404


def test_a_reviewer_may_not_see_benchmarking(client_for, reviewer, participation):
    client = client_for(reviewer)
    assert client.get(LIST).status_code == 403
    assert client.get(_participation_url(participation)).status_code == 403


# Writing


def test_an_inspector_adds_a_participant_of_the_campaigns_cluster(client_for, inspector, campaign, cluster):
    enterprise = EnterpriseFactory(cluster=cluster)
    response = client_for(inspector).post(_enrol_url(campaign), _enrolment(enterprise))
    participation = Participation.objects.get(campaign=campaign, enterprise=enterprise)
    assert response.status_code == 302 and response["Location"] == _participation_url(participation)
    assert participation.benchmark_name == "国内领先企业"
    assert participation.history.count() == 1


def test_an_enterprise_of_another_cluster_is_refused_as_a_participant(client_for, manager, campaign, other_enterprise):
    response = client_for(manager).post(_enrol_url(campaign), _enrolment(other_enterprise))
    assert response.status_code == 400
    assert "enterprise" in response.context["form"].errors
    assert not Participation.objects.exists()


def test_an_enterprise_cannot_take_part_twice_in_one_campaign(client_for, inspector, participation):
    response = client_for(inspector).post(_enrol_url(participation.campaign), _enrolment(participation.enterprise))
    assert response.status_code == 400
    assert "该企业已参与本次活动。" in response.context["form"].errors["enterprise"]
    assert Participation.objects.count() == 1


def test_a_repeated_enrolment_happens_once(client_for, inspector, campaign, cluster):
    enterprise = EnterpriseFactory(cluster=cluster)
    data = _enrolment(enterprise, submission_token=str(uuid.uuid4()))
    client = client_for(inspector)
    first = client.post(_enrol_url(campaign), data)
    second = client.post(_enrol_url(campaign), data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Participation.objects.filter(campaign=campaign).count() == 1


def test_the_benchmark_of_a_participant_is_edited(client_for, inspector, participation):
    data = {
        "benchmark_kind": "standard",
        "benchmark_scope": "domestic",
        "benchmark_name": "GB/T 1591-2018",
        "note": "改",
    }
    response = client_for(inspector).post(_update_url(participation), data)
    assert response.status_code == 302
    participation.refresh_from_db()
    assert (participation.benchmark_name, participation.benchmark_scope, participation.note) == (
        "GB/T 1591-2018",
        "domestic",
        "改",
    )


def test_indicators_are_added_changed_and_removed_in_one_submit(client_for, inspector, participation):
    existing = participation.indicators.get()
    gone = IndicatorFactory(participation=participation, area="brand", name="将删除")
    rows = [
        {"id": existing.pk, **_row(name=existing.name, baseline="90", target="95", achieved="93")},
        {"id": gone.pk, **_row(area="brand", name="将删除", baseline="90", target="95"), "DELETE": "on"},
        _row(area="innovation", name="有效发明专利数", unit="件", baseline="2", target="6", achieved="6"),
    ]
    response = client_for(inspector).post(_indicators_url(participation), _formset(rows, initial=2))
    assert response.status_code == 302
    names = dict(participation.indicators.values_list("name", "achieved"))
    assert names == {existing.name: Decimal("93"), "有效发明专利数": Decimal("6")}
    assert not Participation.objects.with_outcome().get(pk=participation.pk).reached


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (_row(baseline="95", target="95"), "target", "目标值不能等于基准值。"),
        (_row(baseline="95", target="90"), "target", "该指标越高越好，目标值须高于基准值。"),
        (_row(achieved="-1"), "achieved", None),
        (_row(baseline="-5"), "baseline", None),
        (_row(target="many"), "target", None),
        (_row(area="weather"), "area", None),
    ],
)
def test_bad_indicator_values_are_refused_with_a_message_and_nothing_is_saved(
    client_for, inspector, participation, row, field, message
):
    rows = [_row(area="brand", name="注册商标数", baseline="1", target="2"), row]
    response = client_for(inspector).post(_indicators_url(participation), _formset(rows))
    assert response.status_code == 400
    errors = response.context["formset"].forms[1].errors
    assert field in errors
    if message:
        assert message in errors[field]
    assert participation.indicators.count() == 1  # the valid row was not saved either


def test_two_indicators_of_one_area_may_not_share_a_name(client_for, inspector, participation):
    rows = [_row(name="同名"), _row(name="同名")]
    response = client_for(inspector).post(_indicators_url(participation), _formset(rows))
    assert response.status_code == 400
    assert "同一对标方面下有两项指标名称相同。" in response.context["formset"].non_form_errors()
    assert participation.indicators.count() == 1


def test_a_repeated_indicator_submit_happens_once(client_for, inspector, participation):
    data = {
        **_formset([_row(area="standards", name="参与制修订标准数", unit="项", baseline="0", target="2")]),
        "submission_token": str(uuid.uuid4()),
    }
    client = client_for(inspector)
    assert client.post(_indicators_url(participation), data).status_code == 302
    assert client.post(_indicators_url(participation), data).status_code == 302
    assert participation.indicators.filter(area="standards").count() == 1


def test_a_read_only_user_gets_403_on_every_write(client_for, read_only, participation, cluster):
    client = client_for(read_only)
    enterprise = EnterpriseFactory(cluster=cluster)
    assert client.post(_enrol_url(participation.campaign), _enrolment(enterprise)).status_code == 403
    assert client.post(_update_url(participation), _enrolment(enterprise)).status_code == 403
    assert client.post(_indicators_url(participation), _formset([_row(name="新")])).status_code == 403
    assert Participation.objects.count() == 1 and Indicator.objects.count() == 1


def test_writes_refuse_get(client_for, manager, participation):
    client = client_for(manager)
    for url in (_enrol_url(participation.campaign), _update_url(participation), _indicators_url(participation)):
        assert client.get(url).status_code == 405, url


# Campaigns

CREATE = reverse("assistance:benchmarking-campaign-create")


def _campaign_data(cluster, **extra):
    return {
        "cluster": cluster.pk,
        "year": 2022,
        "title": "2022年对标达标活动",
        "description": "",
        "source": "",
        **extra,
    }


def test_a_manager_starts_a_campaign_for_a_cluster_of_the_jurisdiction(client_for, manager, cluster):
    client = client_for(manager)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, _campaign_data(cluster))
    campaign = cluster.benchmarking_campaigns.get()
    assert response.status_code == 302 and response["Location"] == _campaign_url(campaign)
    assert (campaign.year, campaign.title, campaign.synthetic) == (2022, "2022年对标达标活动", False)


def test_a_campaign_for_a_cluster_outside_the_jurisdiction_is_refused(client_for, other_county, cluster):
    county_manager = UserFactory(username="county_manager", jurisdiction=other_county, groups=["manager"])
    response = client_for(county_manager).post(CREATE, _campaign_data(cluster))
    assert response.status_code == 400
    assert "cluster" in response.context["form"].errors
    assert not cluster.benchmarking_campaigns.exists()


def test_an_inspector_may_not_start_or_edit_a_campaign(client_for, inspector, campaign, cluster):
    client = client_for(inspector)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _campaign_data(cluster)).status_code == 403
    url = reverse("assistance:benchmarking-campaign-update", args=[campaign.pk])
    assert client.post(url, _campaign_data(cluster, title="改名")).status_code == 403
    campaign.refresh_from_db()
    assert campaign.title == "迁安市钢铁产业集群对标达标活动"


def test_a_campaign_with_participants_keeps_its_cluster(client_for, manager, participation, other_cluster):
    url = reverse("assistance:benchmarking-campaign-update", args=[participation.campaign_id])
    response = client_for(manager).post(url, _campaign_data(other_cluster))
    assert response.status_code == 400
    assert "该集群已有企业参与本次活动，不能再更改所属集群。" in str(response.context["form"].errors)
    participation.campaign.refresh_from_db()
    assert participation.campaign.cluster_id != other_cluster.pk


def test_the_navigation_shows_benchmarking_to_staff_roles_only(client_for, inspector, reviewer):
    assert LIST in client_for(inspector).get("/").content.decode()
    assert LIST not in client_for(reviewer).get("/").content.decode()


def test_an_indicator_of_another_participant_cannot_be_changed_through_this_one(
    client_for, inspector, participation, campaign
):
    stranger = IndicatorFactory(participation=ParticipationFactory(campaign=campaign), name="别家指标")
    rows = [{"id": stranger.pk, **_row(name="别家指标", achieved="1")}]
    client_for(inspector).post(_indicators_url(participation), _formset(rows, initial=1))
    stranger.refresh_from_db()
    assert stranger.achieved == Decimal("96") and stranger.participation_id != participation.pk
    assert list(participation.indicators.values_list("name", flat=True)) == ["产品一次检验合格率"]


def test_a_formset_without_its_management_form_is_a_400_not_a_500(client_for, inspector, participation):
    response = client_for(inspector).post(_indicators_url(participation), {"indicators-0-name": "x"})
    assert response.status_code == 400
    assert participation.indicators.count() == 1


@pytest.mark.parametrize("query", [{"year": "abc"}, {"cluster": "9" * 30}, {"ordering": "nonsense"}, {"page": "-1"}])
def test_bad_list_parameters_never_give_a_500(client_for, manager, campaign, query):
    assert client_for(manager).get(LIST, query).status_code == 200
