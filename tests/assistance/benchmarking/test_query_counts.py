"""Benchmarking pages cost the same number of queries with few rows as with many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assistance.notifications.services import inbox_changed

from .factories import CampaignFactory, IndicatorFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    inbox_changed()  # each view measured counts the unread notifications, as the first after a change does
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _participants(campaign, n):
    for i in range(n):
        participation = ParticipationFactory(campaign=campaign)
        for area in ("quality", "innovation", "standards", "brand"):
            IndicatorFactory(participation=participation, area=area, achieved=None if i % 2 else 96)


def test_the_campaign_list_costs_the_same_with_more_campaigns(client_for, manager, cluster):
    client = client_for(manager)
    _participants(CampaignFactory(cluster=cluster), 2)
    few = _queries(client, reverse("assistance:benchmarking-list"))
    for _ in range(12):
        _participants(CampaignFactory(cluster=cluster), 2)
    assert _queries(client, reverse("assistance:benchmarking-list")) == few


def test_the_campaign_page_costs_the_same_with_more_participants(client_for, inspector, campaign):
    client = client_for(inspector)
    url = reverse("assistance:benchmarking-campaign", args=[campaign.pk])
    _participants(campaign, 2)
    few = _queries(client, url)
    _participants(campaign, 15)
    assert _queries(client, url) == few


def test_the_participant_page_costs_the_same_with_more_indicators(client_for, inspector, participation):
    client = client_for(inspector)
    url = reverse("assistance:benchmarking-participation", args=[participation.pk])
    few = _queries(client, url)
    for i in range(12):
        IndicatorFactory(participation=participation, area="brand", achieved=None if i % 2 else 96)
    assert _queries(client, url) == few


def test_the_enterprise_page_costs_the_same_with_more_campaigns(client_for, inspector, cluster, enterprise):
    client = client_for(inspector)
    url = enterprise.get_absolute_url()
    ParticipationFactory(campaign=CampaignFactory(cluster=cluster), enterprise=enterprise)
    few = _queries(client, url)
    for _ in range(8):
        participation = ParticipationFactory(campaign=CampaignFactory(cluster=cluster), enterprise=enterprise)
        IndicatorFactory(participation=participation)
    assert _queries(client, url) == few
