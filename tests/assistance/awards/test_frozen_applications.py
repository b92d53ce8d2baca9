"""A decided or withdrawn application is finished: no edit, no document, on the pages, in the service or in admin."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assistance.awards import services
from assistance.awards.models import AwardApplication
from assistance.models import Attachment

from ..files import pdf

pytestmark = pytest.mark.django_db

S = AwardApplication.Status
FINISHED = [S.APPROVED, S.REJECTED, S.WITHDRAWN]


@pytest.mark.parametrize("status", FINISHED)
def test_the_service_refuses_to_edit_a_finished_application(make_application, inspector, status):
    application = make_application(status)
    assert not services.can_edit_application(inspector, application)
    with pytest.raises(ValidationError):
        services.application_update(
            application_id=application.pk,
            user=inspector,
            version=application.version,
            self_assessment="事后补写",
            self_score=999,
        )
    with pytest.raises(ValidationError):
        services.application_attach(application_id=application.pk, user=inspector, upload=pdf())
    application.refresh_from_db()
    assert application.self_assessment != "事后补写"
    assert not Attachment.objects.filter(application=application).exists()


@pytest.mark.parametrize("status", FINISHED)
def test_the_page_of_a_finished_application_offers_no_edit_and_no_upload(
    client_for, make_application, inspector, status
):
    application = make_application(status)
    body = client_for(inspector).get(application.get_absolute_url()).content.decode()
    assert reverse("assistance:application-update", args=[application.pk]) not in body
    assert reverse("assistance:application-attach", args=[application.pk]) not in body


def _admin_post(client, application, **changes):
    data = {
        "self_assessment": application.self_assessment,
        "self_score": application.self_score or "",
        "edit_version": application.version,
        "assignments-TOTAL_FORMS": "0",
        "assignments-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        **changes,
    }
    return client.post(reverse("admin:assistance_awardapplication_change", args=[application.pk]), data)


@pytest.mark.parametrize("status", [S.APPROVED, S.WITHDRAWN])
def test_admin_shows_a_finished_application_read_only(client_for, admin_user, make_application, status):
    application = make_application(status)
    client = client_for(admin_user)
    page = client.get(reverse("admin:assistance_awardapplication_change", args=[application.pk]))
    assert page.status_code == 200
    assert 'name="self_assessment"' not in page.content.decode()
    _admin_post(client, application, self_assessment="管理员事后改写", self_score="999")
    application.refresh_from_db()
    assert application.self_assessment != "管理员事后改写"


def test_admin_edits_a_draft_through_the_service(client_for, admin_user, application):
    response = _admin_post(client_for(admin_user), application, self_assessment="管理员代为整理", self_score="700")
    assert response.status_code == 302
    after = AwardApplication.objects.get(pk=application.pk)
    assert (after.self_assessment, after.self_score) == ("管理员代为整理", 700)
    assert (after.version, after.updated_by) == (application.version + 1, admin_user)


def test_admin_cannot_rewrite_a_submitted_application(client_for, admin_user, make_application):
    application = make_application(S.SUBMITTED)
    _admin_post(client_for(admin_user), application, self_assessment="提交后改写")
    application.refresh_from_db()
    assert application.self_assessment != "提交后改写"
