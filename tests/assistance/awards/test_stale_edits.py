"""Two inspectors editing one draft application: the stale save is refused, naming who changed it and when."""

import pytest
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

from assistance.awards import services
from assistance.awards.models import AwardApplication
from tests.forms import posted

pytestmark = pytest.mark.django_db


def test_a_stale_application_edit_is_a_409_naming_who_changed_it(client_for, inspector, manager, application):
    client = client_for(inspector)
    url = reverse("assistance:application-update", args=[application.pk])
    stale = client.get(url).context["form"]
    assert stale["version"].value() == application.version
    services.application_update(
        application_id=application.pk,
        user=manager,
        version=application.version,
        self_assessment="经理补充的自评",
        self_score=800,
    )
    changed = AwardApplication.objects.get(pk=application.pk)

    response = client.post(url, posted(stale, self_assessment="我的自评", self_score="600"))

    assert response.status_code == 409
    errors = [m.message for m in messages.get_messages(response.wsgi_request) if m.level == messages.ERROR]
    assert len(errors) == 1
    assert manager.display_name in errors[0]
    assert timezone.localtime(changed.updated_at).strftime("%Y-%m-%d %H:%M") in errors[0]
    after = AwardApplication.objects.get(pk=application.pk)
    assert (after.self_assessment, after.self_score, after.version) == ("经理补充的自评", 800, changed.version)


def test_a_step_bumps_the_version_so_an_edit_opened_before_it_is_refused(inspector, make_application, manager):
    application = make_application("submitted")
    services.application_return(application_id=application.pk, user=manager, reason="缺少财务报表")
    returned = AwardApplication.objects.get(pk=application.pk)
    assert (returned.version, returned.updated_by) == (application.version + 1, manager)
    with pytest.raises(services.StaleEdit):
        services.application_update(
            application_id=application.pk,
            user=inspector,
            version=application.version,
            self_assessment="x",
            self_score=1,
        )
