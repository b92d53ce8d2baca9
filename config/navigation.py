from django.conf import settings
from django.urls import NoReverseMatch
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assistance.notifications.selectors import UNREAD_CAP, unread_count
from config.links import url as link

# (label, url name, any one of these permissions (or none needed), staff only)
NAVIGATION = [
    (pgettext_lazy("site page", "Home"), "home", (), False),
    (_("Clusters"), "clusters:cluster-list", ("clusters.view_cluster",), False),
    (_("Enterprises"), "clusters:enterprise-list", ("clusters.view_enterprise",), False),
    (_("Assistance"), "assistance:home", ("assistance.view_ticket",), False),
    (
        _("Quality awards"),
        "assistance:award-home",
        ("assistance.view_awardapplication", "assistance.review_application"),
        False,
    ),
    (_("Benchmarking"), "assistance:benchmarking-list", ("assistance.view_campaign",), False),
    (
        _("Patent selections"),
        "assistance:patent-selection-list",
        ("assistance.view_nomination", "assistance.review_nomination"),
        False,
    ),
    (_("Plans"), "assistance:plan-list", ("assistance.view_plan",), False),
    (_("Reports"), "reports:home", ("clusters.view_cluster",), False),
    (_("Administration"), "admin:index", (), True),
    (_("Help"), "help", (), False),
]


def navigation(request):
    """The top navigation items this user may use; sections not installed yet are left out."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, name, perms, staff_only in NAVIGATION:
        if staff_only and not user.is_staff:
            continue
        if perms and not any(user.has_perm(perm) for perm in perms):
            continue
        try:
            url = link(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": False})
    # The section whose address is the longest prefix of this page's is the current one.
    matches = [item for item in items if request.path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items}


def inbox_badge(request):
    """The unread count of the top bar's inbox link ("" for none, "99+" beyond the cap): one indexed count,
    made only if the page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def badge() -> str:
        count = unread_count(user=user)
        return "" if not count else f"{UNREAD_CAP - 1}+" if count >= UNREAD_CAP else str(count)

    return {"inbox_unread": SimpleLazyObject(badge)}


def bureau(request):
    """Whose system this is (BUREAU_NAME), for the sign-in page and the head of printed pages."""
    return {"bureau_name": settings.BUREAU_NAME}
