"""The chain section of a cluster's page: its latest year's links, the weak ones, and the way to the chain page."""

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy

from clusters.models import Cluster
from clusters.panels import register_cluster_panel

from .models import ChainLink


def cluster_chain_panel(request: HttpRequest, cluster: Cluster, page_param: str) -> dict | None:
    if not request.user.has_perm("assistance.view_chainlink"):
        return None
    latest = ChainLink.objects.filter(cluster=cluster).order_by("-year").values_list("year", flat=True).first()
    counts = ChainLink.objects.filter(cluster=cluster, year=latest).aggregate(
        links=Count("pk"), weak=Count("pk", filter=Q(weak=True))
    )
    return {
        "year": latest,
        **counts,
        "weak_names": list(
            ChainLink.objects.filter(cluster=cluster, year=latest, weak=True)
            .order_by("position", "pk")
            .values_list("name", flat=True)[:5]
        ),
        "url": reverse("assistance:chain-detail", args=[cluster.pk]),
    }


def register_panels() -> None:
    register_cluster_panel(
        key="chain",
        title=gettext_lazy("Industrial chain"),
        template="assistance/panels/cluster_chain.html",
        function=cluster_chain_panel,
        order=200,
    )
