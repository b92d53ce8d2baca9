"""Two people editing one training or support team: a stale save is refused, naming who changed it and when."""

import datetime

import pytest
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.models import SupportTeam, TeamMembership, TicketCategory, Training
from tests.factories import UserFactory
from tests.forms import posted

from .factories import TrainingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(county):
    return UserFactory(username="colleague", last_name="李", first_name="明", jurisdiction=county, groups=["inspector"])


def _errors(response) -> list[str]:
    return [m.message for m in messages.get_messages(response.wsgi_request) if m.level == messages.ERROR]


def test_a_stale_training_edit_is_a_409_naming_who_changed_it(client_for, inspector, colleague, county, cluster):
    training = TrainingFactory(region=county, title="卓越绩效培训", attendee_count=40)
    client = client_for(inspector)
    url = reverse("assistance:training-update", args=[training.pk])
    stale = client.get(url).context["form"]
    assert stale["version"].value() == training.version
    services.training_update(
        training_id=training.pk, user=colleague, version=training.version, data={"attendee_count": 55}
    )
    changed = Training.objects.get(pk=training.pk)

    response = client.post(url, posted(stale, title="我改的标题", clusters=[cluster.pk]))

    assert response.status_code == 409
    errors = _errors(response)
    assert len(errors) == 1
    assert "李明" in errors[0]
    assert timezone.localtime(changed.updated_at).strftime("%Y-%m-%d %H:%M") in errors[0]
    after = Training.objects.get(pk=training.pk)
    assert (after.title, after.attendee_count, after.version, after.updated_by) == ("卓越绩效培训", 55, 2, colleague)
    assert not after.clusters.exists()


def test_a_training_edit_saves_its_lists_and_bumps_the_version(inspector, county, cluster):
    training = TrainingFactory(region=county)
    saved = services.training_update(
        training_id=training.pk, user=inspector, version=training.version, data={"title": "新", "clusters": [cluster]}
    )
    assert (saved.title, saved.version, saved.updated_by) == ("新", training.version + 1, inspector)
    assert list(saved.clusters.all()) == [cluster]


def _team_admin_data(team, **changes):
    memberships = list(team.memberships.order_by("pk"))
    data = {
        "name": team.name,
        "region": team.region_id,
        "leader": team.leader_id or "",
        "active_from": team.active_from.isoformat(),
        "active_until": "",
        "description": team.description,
        "source": team.source,
        "edit_version": team.version,
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, membership in enumerate(memberships):
        data.update(
            {
                f"memberships-{i}-id": membership.pk,
                f"memberships-{i}-team": team.pk,
                f"memberships-{i}-user": membership.user_id,
                f"memberships-{i}-joined_on": membership.joined_on.isoformat(),
                f"memberships-{i}-left_on": "",
            }
        )
    data.update(changes)
    return data


def test_a_stale_team_edit_in_admin_overwrites_nothing(client_for, admin_user, colleague, team):
    client = client_for(admin_user)
    url = reverse("admin:assistance_supportteam_change", args=[team.pk])
    page = client.get(url)
    assert f'name="edit_version" value="{team.version}"' in page.content.decode()
    stale = _team_admin_data(team, description="管理员的说明", **{"memberships-0-left_on": "2026-01-31"})
    services.team_update(team_id=team.pk, user=colleague, version=team.version, data={"description": "同事的说明"})

    response = client.post(url, stale)

    errors = _errors(response)
    assert errors and "李明" in errors[0]
    after = SupportTeam.objects.get(pk=team.pk)
    assert (after.description, after.version) == ("同事的说明", team.version + 1)
    assert not TeamMembership.objects.filter(team=team, left_on__isnull=False).exists()


def test_a_current_team_edit_in_admin_saves_and_bumps_the_version(client_for, admin_user, team):
    response = client_for(admin_user).post(
        reverse("admin:assistance_supportteam_change", args=[team.pk]),
        _team_admin_data(team, description="新的说明", **{"memberships-0-left_on": "2026-01-31"}),
    )
    assert response.status_code == 302
    after = SupportTeam.objects.get(pk=team.pk)
    assert (after.description, after.version, after.updated_by) == ("新的说明", team.version + 1, admin_user)
    assert TeamMembership.objects.get(team=team).left_on == datetime.date(2026, 1, 31)


def test_a_training_is_recorded_whole_or_not_at_all(inspector, county, cluster):
    data = {
        "date": datetime.date(2021, 10, 20),
        "title": "卓越绩效模式导入培训",
        "category": TicketCategory.objects.get(code="metrology"),
        "region": county,
        "clusters": [cluster],
        "enterprises": ["not a record"],
    }
    with pytest.raises((TypeError, ValueError)):
        services.training_create(user=inspector, data=data)
    assert not Training.objects.exists()

    del data["enterprises"]
    training = services.training_create(user=inspector, data=data)
    assert (training.created_by, training.updated_by, training.version) == (inspector, inspector, 1)
    assert list(training.clusters.all()) == [cluster]
