"""The casework sections of an enterprise's and a cluster's page, registered with the registry's panels.

Each panel lists what the viewer's lists would show (the same `visible_*` selectors), or is left out
when the viewer's role may not see that kind of record at all. An enterprise's sections page on
their own; a cluster's give counts, each kind in one aggregate query, and the latest few rows.
"""

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters.models import Cluster, Enterprise
from clusters.panels import register_cluster_panel, register_enterprise_panel, section_page
from config.freshness import kept

from .awards.selectors import application_counts, cluster_applications, enterprise_applications
from .benchmarking.selectors import enterprise_participations
from .selectors import (
    cluster_tickets,
    cluster_trainings,
    cluster_visits,
    enterprise_tickets,
    enterprise_trainings,
    enterprise_visits,
    latest_cluster_tickets,
    ticket_counts,
)

# Rows of each kind a cluster's summary shows.
LATEST = 5


def _create_link(request: HttpRequest, permission: str, url_name: str, label: str, enterprise: Enterprise):
    """A button opening the create form with the enterprise chosen, for those who may create; the view checks again."""
    if not request.user.has_perm(permission):
        return None
    return {"label": label, "url": f"{reverse(url_name)}?enterprise={enterprise.pk}"}


def _actions(*links) -> list[dict]:
    return [link for link in links if link]


def _may_list_applications(request: HttpRequest) -> bool:
    user = request.user
    return user.has_perm("assistance.view_awardapplication") or user.has_perm("assistance.review_application")


# An enterprise's file


def enterprise_tickets_panel(request: HttpRequest, enterprise: Enterprise, page_param: str) -> dict | None:
    if not request.user.has_perm("assistance.view_ticket"):
        return None
    rows = enterprise_tickets(user=request.user, enterprise=enterprise)
    link = _create_link(request, "assistance.add_ticket", "assistance:ticket-create", _("Open a ticket"), enterprise)
    return {"page": section_page(request, rows, param=page_param), "actions": _actions(link)}


def enterprise_visits_panel(request: HttpRequest, enterprise: Enterprise, page_param: str) -> dict | None:
    if not request.user.has_perm("assistance.view_visit"):
        return None
    rows = enterprise_visits(user=request.user, enterprise=enterprise)
    link = _create_link(request, "assistance.add_visit", "assistance:visit-create", _("Log a visit"), enterprise)
    return {"page": section_page(request, rows, param=page_param), "actions": _actions(link)}


def enterprise_trainings_panel(request: HttpRequest, enterprise: Enterprise, page_param: str) -> dict | None:
    if not request.user.has_perm("assistance.view_training"):
        return None
    rows = enterprise_trainings(user=request.user, enterprise=enterprise)
    return {"page": section_page(request, rows, param=page_param)}


def enterprise_applications_panel(request: HttpRequest, enterprise: Enterprise, page_param: str) -> dict | None:
    if not _may_list_applications(request):
        return None
    rows = enterprise_applications(user=request.user, enterprise=enterprise)
    return {"page": section_page(request, rows, param=page_param)}


def enterprise_benchmarking_panel(request: HttpRequest, enterprise: Enterprise, page_param: str) -> dict | None:
    if not request.user.has_perm("assistance.view_campaign"):
        return None
    rows = enterprise_participations(user=request.user, enterprise=enterprise)
    return {"page": section_page(request, rows, param=page_param)}


# A cluster's summary


def _list_url(url_name: str, cluster: Cluster) -> str:
    return f"{reverse(url_name)}?cluster={cluster.pk}"


def cluster_tickets_panel(request: HttpRequest, cluster: Cluster, page_param: str) -> dict | None:
    if not request.user.has_perm("assistance.view_ticket"):
        return None
    user = request.user
    now = timezone.now()
    # Counting reads every ticket of the cluster: kept until a record changes (overdue ones: the minute).
    key = (user.is_superuser, user.jurisdiction_id, cluster.pk, now.replace(second=0, microsecond=0))
    counts = kept(
        "cluster-ticket-counts",
        key,
        lambda: ticket_counts(tickets=cluster_tickets(user=user, cluster=cluster), now=now),
    )
    return {
        "counts": counts,
        "latest": latest_cluster_tickets(user=user, cluster=cluster, count=LATEST),
        "list_url": _list_url("assistance:ticket-list", cluster),
    }


def cluster_visits_panel(request: HttpRequest, cluster: Cluster, page_param: str) -> dict | None:
    if not request.user.has_perm("assistance.view_visit"):
        return None
    visits = cluster_visits(user=request.user, cluster=cluster)
    key = (request.user.is_superuser, request.user.jurisdiction_id, cluster.pk)
    return {
        "count": kept("cluster-visit-count", key, lambda: visits.order_by().count()),
        "latest": list(visits[:LATEST]),
        "list_url": _list_url("assistance:visit-list", cluster),
    }


def cluster_trainings_panel(request: HttpRequest, cluster: Cluster, page_param: str) -> dict | None:
    if not request.user.has_perm("assistance.view_training"):
        return None
    trainings = cluster_trainings(user=request.user, cluster=cluster)
    return {
        "count": trainings.order_by().count(),
        "latest": list(trainings[:LATEST]),
        "list_url": _list_url("assistance:training-list", cluster),
    }


def cluster_applications_panel(request: HttpRequest, cluster: Cluster, page_param: str) -> dict | None:
    if not _may_list_applications(request):
        return None
    applications = cluster_applications(user=request.user, cluster=cluster)
    # A reviewer's list has no cluster filter: the link is for staff.
    staff = request.user.has_perm("assistance.view_awardapplication")
    return {
        "counts": application_counts(applications=applications),
        "latest": list(applications[:LATEST]),
        "list_url": _list_url("assistance:application-list", cluster) if staff else "",
    }


ENTERPRISE_PANELS = [
    ("tickets", gettext_lazy("Help tickets"), enterprise_tickets_panel),
    ("visits", gettext_lazy("Visits"), enterprise_visits_panel),
    ("trainings", gettext_lazy("Trainings attended"), enterprise_trainings_panel),
    ("applications", gettext_lazy("Award applications"), enterprise_applications_panel),
    ("benchmarking", gettext_lazy("Benchmarking campaigns"), enterprise_benchmarking_panel),
]
CLUSTER_PANELS = [
    ("tickets", gettext_lazy("Help tickets"), cluster_tickets_panel),
    ("visits", gettext_lazy("Visits"), cluster_visits_panel),
    ("trainings", gettext_lazy("Trainings"), cluster_trainings_panel),
    ("applications", gettext_lazy("Award applications"), cluster_applications_panel),
]


def register_panels() -> None:
    """Called from the app's ready(): the sections this app adds to the registry's pages, in this order."""
    for position, (key, title, function) in enumerate(ENTERPRISE_PANELS):
        register_enterprise_panel(
            key=key,
            title=title,
            template=f"assistance/panels/enterprise_{key}.html",
            function=function,
            order=100 + 10 * position,
        )
    for position, (key, title, function) in enumerate(CLUSTER_PANELS):
        register_cluster_panel(
            key=key,
            title=title,
            template=f"assistance/panels/cluster_{key}.html",
            function=function,
            order=100 + 10 * position,
        )
