"""Sessions end when idle, pages of a signed-in user stay out of caches, and a CSP covers the site."""

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.sessions import RENEWED
from config.settings import base

ROOT = Path(__file__).resolve().parent.parent.parent


def test_a_session_lasts_eight_idle_hours_and_is_renewed_at_most_once_a_minute():
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert base.SESSION_RENEW_SECONDS == 60  # the tests renew on every request (config/settings/test.py)
    assert settings.SESSION_SAVE_EVERY_REQUEST is False  # renewed by config.sessions instead
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False


def _stored(client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def _renewed_ago(client, seconds: int) -> None:
    """Make the client's session look as if its last renewal was `seconds` ago, expiring accordingly."""
    session = client.session
    session[RENEWED] = int(time.time()) - seconds
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - seconds)
    )


@pytest.mark.django_db
def test_the_first_request_of_a_signed_in_user_renews_the_session_and_sends_its_cookie(client, inspector):
    client.force_login(inspector)
    response = client.get(reverse("home"))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE
    assert abs(client.session[RENEWED] - time.time()) < 5


@pytest.mark.django_db
def test_a_request_within_a_minute_of_the_last_renewal_writes_nothing(client, inspector, settings):
    settings.SESSION_RENEW_SECONDS = 60
    client.force_login(inspector)
    _renewed_ago(client, 20)
    expires = _stored(client).expire_date
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert _stored(client).expire_date == expires


@pytest.mark.django_db
def test_a_request_a_minute_after_the_last_renewal_moves_the_expiry_to_eight_hours_from_now(
    client, inspector, settings
):
    settings.SESSION_RENEW_SECONDS = 60
    client.force_login(inspector)
    _renewed_ago(client, 61)
    response = client.get(reverse("home"))
    assert int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == settings.SESSION_COOKIE_AGE
    left = (_stored(client).expire_date - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 5 < left <= settings.SESSION_COOKIE_AGE


@pytest.mark.django_db
def test_a_session_idle_for_longer_than_its_age_has_ended(client, inspector, settings):
    settings.SESSION_RENEW_SECONDS = 60
    client.force_login(inspector)
    _renewed_ago(client, settings.SESSION_COOKIE_AGE + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.django_db
def test_the_site_reads_a_session_as_django_does_in_one_plain_query(django_assert_num_queries):
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore

    from config.sessions import SessionStore

    assert settings.SESSION_ENGINE == "config.sessions"
    stored = SessionStore()
    stored.update({"_auth_user_id": "7", "note": "质量提升"})
    stored.create()
    with django_assert_num_queries(1):
        ours = SessionStore(stored.session_key).load()
    assert ours == DjangoStore(stored.session_key).load() == {"_auth_user_id": "7", "note": "质量提升"}


@pytest.mark.django_db
def test_an_expired_or_unknown_session_reads_as_empty_and_forgets_its_key():
    from config.sessions import SessionStore

    stored = SessionStore()
    stored["note"] = "x"
    stored.create()
    Session.objects.filter(session_key=stored.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    for key in (stored.session_key, "nosuchsessionkeynosuchsessionkey"):
        session = SessionStore(key)
        assert session.load() == {}
        assert session.session_key is None


@pytest.mark.django_db
@pytest.mark.parametrize("seconds", [2, 60 * 60])
def test_a_session_that_ends_soon_is_still_read_until_it_ends(seconds):
    from config.sessions import SessionStore

    stored = SessionStore()
    stored["note"] = "x"
    stored.create()
    Session.objects.filter(session_key=stored.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=seconds)
    )
    assert SessionStore(stored.session_key).load() == {"note": "x"}


def test_signing_in_saves_a_session_stamped_with_its_renewal(client, inspector):
    response = client.post(reverse("login"), {"username": inspector.username, "password": "secret-pass-123"})
    assert response.status_code == 302
    assert int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == settings.SESSION_COOKIE_AGE
    assert abs(_stored(client).get_decoded()[RENEWED] - time.time()) < 5
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_a_visitor_who_is_not_signed_in_gets_no_session(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_the_session_can_end_with_the_browser(settings, client, inspector):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    client.force_login(inspector)
    cookie = client.get(reverse("home")).cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "clusters:cluster-list", "assistance:ticket-list", "password_change"])
def test_pages_of_a_signed_in_user_are_private_and_not_stored(client, inspector, name):
    client.force_login(inspector)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_a_download_of_a_signed_in_user_is_not_stored_either(client, inspector):
    client.force_login(inspector)
    response = client.get(reverse("assistance:ticket-list"), {"export": "csv"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_every_response_carries_a_content_security_policy_of_the_site_itself(client, inspector):
    for response in (client.get(reverse("login")), client.get("/no-such-page/")):
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "unsafe-inline" not in policy
    client.force_login(inspector)
    assert "script-src 'self'" in client.get(reverse("home"))["Content-Security-Policy"]


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def test_no_template_has_inline_script_or_style_that_the_policy_would_block():
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in (ROOT / "templates").rglob("*.html")
        for match in INLINE.finditer(path.read_text())
    ]
    assert offenders == []


@pytest.mark.django_db
def test_a_forgotten_password_is_reset_by_mail_without_signing_in(client, inspector):
    inspector.email = "inspector@example.gov.cn"
    inspector.save()
    page = client.get(reverse("password_reset"))
    assert page.status_code == 200
    assert "base.html" in [t.name for t in page.templates]
    assert "重设密码" in page.content.decode()

    response = client.post(reverse("password_reset"), {"email": "inspector@example.gov.cn"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert "base.html" in [t.name for t in client.get(response.url).templates]
    [message] = mail.outbox
    assert message.to == ["inspector@example.gov.cn"]
    link = re.search(re.escape(settings.SITE_URL.rstrip("/")) + r"(/accounts/password/reset/\S+/)", message.body)
    assert link, message.body

    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    assert form.context["validlink"]
    assert "base.html" in [t.name for t in form.templates]
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Tangshan-steel-2027", "new_password2": "Tangshan-steel-2027"}
    )
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    assert "base.html" in [t.name for t in client.get(done.url).templates]
    inspector.refresh_from_db()
    assert inspector.check_password("Tangshan-steel-2027")


@pytest.mark.django_db
def test_an_old_reset_link_says_so(client):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))
    assert response.status_code == 200
    assert not response.context["validlink"]
    assert reverse("password_reset") in response.content.decode()


def test_the_reset_mail_is_sent_by_the_worker_not_the_request(client, inspector, database_queue):
    inspector.email = "inspector@example.gov.cn"
    inspector.save()
    response = client.post(reverse("password_reset"), {"email": "inspector@example.gov.cn"})
    assert response.status_code == 302
    assert mail.outbox == []
    database_queue()
    [message] = mail.outbox
    assert message.to == ["inspector@example.gov.cn"]
