"""Every kind of page works under the site's Content-Security-Policy: no violation in the console."""

import pytest
from django.urls import reverse

from assistance.awards.models import AwardApplication, AwardCycle
from assistance.models import SupportTeam, Ticket, Training, Visit
from clusters.models import Cluster, Enterprise
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def violations(page):
    """CSP reports from the console and from the securitypolicyviolation event, per page."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return found


def _visit_all(page, base_url, paths, violations):
    for path in paths:
        response = page.goto(f"{base_url}{path}")
        assert response.status in (200, 404), (path, response.status)
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        # The page's own script ran: Bootstrap and app.js loaded from our static files.
        assert page.evaluate("typeof window.bootstrap") == "object", path
        assert violations == [], (path, violations)


def _first(model, name, **filters):
    obj = model.objects.filter(**filters).order_by("pk").first()
    return [reverse(name, args=[obj.pk])] if obj else []


def test_the_pages_of_a_manager_load_without_a_policy_violation(seeded, page, violations):
    paths = [
        reverse("home"),
        reverse("clusters:cluster-list"),
        *_first(Cluster, "clusters:cluster-detail"),
        reverse("clusters:enterprise-list"),
        *_first(Enterprise, "clusters:enterprise-detail"),
        *_first(Enterprise, "clusters:enterprise-update"),
        reverse("clusters:enterprise-create"),
        reverse("assistance:home"),
        reverse("assistance:ticket-list"),
        *_first(Ticket, "assistance:ticket-detail"),
        reverse("assistance:ticket-create"),
        reverse("assistance:visit-list"),
        *_first(Visit, "assistance:visit-detail"),
        reverse("assistance:visit-create"),
        reverse("assistance:training-list"),
        *_first(Training, "assistance:training-detail"),
        reverse("assistance:training-create"),
        reverse("assistance:team-list"),
        *_first(SupportTeam, "assistance:team-detail"),
        reverse("assistance:award-home"),
        reverse("assistance:cycle-list"),
        *_first(AwardCycle, "assistance:cycle-detail"),
        reverse("assistance:application-list"),
        *_first(AwardApplication, "assistance:application-detail"),
        reverse("reports:home"),
        reverse("reports:summary"),
        reverse("reports:service"),
        *_first(Cluster, "reports:cluster"),
        *_first(AwardCycle, "reports:award-cycle"),
        reverse("password_change"),
        "/no-such-page/",
    ]
    assert len(paths) >= 28
    sign_in(page, seeded.url, "manager_tangshan")
    _visit_all(page, seeded.url, paths, violations)
    # The language switch submits by script from app.js, not an inline handler.
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert violations == []


def test_the_admin_loads_without_a_policy_violation(seeded, page, violations):
    sign_in(page, seeded.url, "admin")
    paths = [
        reverse("admin:index"),
        reverse("admin:assistance_ticket_changelist"),
        reverse("admin:clusters_enterprise_changelist"),
        *_first(Enterprise, "admin:clusters_enterprise_change"),
        *_first(Enterprise, "admin:clusters_enterprise_history"),
        reverse("admin:clusters_enterprise_add"),
    ]
    for path in paths:
        response = page.goto(f"{seeded.url}{path}")
        assert response.status == 200, path
        assert violations == [], (path, violations)


def test_the_pages_without_sign_in_load_without_a_policy_violation(seeded, page, violations):
    page.context.clear_cookies()
    _visit_all(page, seeded.url, [reverse("login"), reverse("password_reset"), "/no-such-page/"], violations)
