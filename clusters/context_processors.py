from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, permission needed or None, staff only)
NAVIGATION = [
    (_("Home"), "home", None, False),
    (_("Clusters"), "clusters:cluster-list", "clusters.view_cluster", False),
    (_("Enterprises"), "clusters:enterprise-list", "clusters.view_enterprise", False),
    (_("Assistance"), "assistance:home", None, False),
    (_("Quality awards"), "assistance:award-home", None, False),
    (_("Reports"), "reports:home", None, False),
    (_("Administration"), "admin:index", None, True),
]


def navigation(request):
    """The top navigation items this user may use; sections not installed yet are left out."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, name, perm, staff_only in NAVIGATION:
        if staff_only and not user.is_staff:
            continue
        if perm and not user.has_perm(perm):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        active = request.path == url if name == "home" else request.path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return {"nav_items": items}
