from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from config.autocomplete import autocomplete_response, id_param
from config.exports import Column, ListExport, export_requested, list_export_response, register_export
from config.pagination import paginate
from config.pinyin import Pinyin

from . import services
from .editing import StaleEdit
from .filters import ClusterFilter, EnterpriseFilter
from .forms import EnterpriseForm
from .panels import render_cluster_panels, render_enterprise_panels
from .selectors import (
    cluster_holdings,
    enterprise_holdings,
    get_cluster_for_user,
    get_enterprise_for_user,
    get_rw_enterprise_for_user,
    visible_clusters,
    visible_enterprises,
)
from .selectors import (
    cluster_list as select_cluster_list,
)
from .selectors import (
    enterprise_list as select_enterprise_list,
)

CLUSTER_COLUMNS = [
    Column(gettext_lazy("ID"), "pk"),
    Column(gettext_lazy("Name"), "name"),
    Column(gettext_lazy("County"), "county.name"),
    Column(gettext_lazy("Division code"), "county.code"),
    Column(gettext_lazy("Industry"), "industry"),
    Column(gettext_lazy("Level"), "get_level_display"),
    Column(gettext_lazy("Featured industrial cluster"), "featured"),
    Column(gettext_lazy("Year designated"), "year_designated"),
    Column(gettext_lazy("Enterprises"), "enterprise_count"),
    Column(gettext_lazy("Honours"), "honour_count"),
    Column(gettext_lazy("Standards"), "standard_count"),
    Column(gettext_lazy("Trademarks"), "trademark_count"),
    Column(gettext_lazy("Designations"), "designation_count"),
    Column(gettext_lazy("Pilots"), "pilot_count"),
    Column(gettext_lazy("Synthetic sample"), "synthetic"),
]
ENTERPRISE_COLUMNS = [
    Column(gettext_lazy("ID"), "pk"),
    Column(gettext_lazy("Name"), "name"),
    Column(gettext_lazy("Credit code"), "credit_code"),
    Column(gettext_lazy("County"), "county.name"),
    Column(gettext_lazy("Cluster"), "cluster.name"),
    Column(gettext_lazy("Size"), "get_size_display"),
    Column(gettext_lazy("Leading enterprise"), "is_leading"),
    Column(gettext_lazy("Honours"), "honour_count"),
    Column(gettext_lazy("Standards"), "standard_count"),
    Column(gettext_lazy("Trademarks"), "trademark_count"),
    Column(gettext_lazy("Designations"), "designation_count"),
    Column(gettext_lazy("Synthetic sample"), "synthetic"),
]


def _cluster_filter(request: HttpRequest) -> ClusterFilter:
    queryset = select_cluster_list(user=request.user).order_by("-level", Pinyin("name"), "pk")
    return ClusterFilter(request.GET or None, queryset=queryset, request=request)


CLUSTER_EXPORT = register_export(
    ListExport(
        name="clusters:cluster-list",
        rows=lambda request: _cluster_filter(request).qs,
        columns=CLUSTER_COLUMNS,
        stem="clusters",
        title=gettext_lazy("Clusters"),
        permission="clusters.view_cluster",
    )
)


@permission_required("clusters.view_cluster", raise_exception=True)
def cluster_list(request: HttpRequest) -> HttpResponse:
    cluster_filter = _cluster_filter(request)
    if fmt := export_requested(request):
        return list_export_response(request, CLUSTER_EXPORT, fmt, cluster_filter.qs)
    # Each row counts its cluster's enterprises and their holdings: the page's rows are kept until a record changes.
    page = paginate(request, cluster_filter.qs, keep="cluster-list")
    return render(request, "clusters/cluster_list.html", {"filter": cluster_filter, "page": page})


@permission_required("clusters.view_cluster", raise_exception=True)
def cluster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(user=request.user, pk=pk)
    enterprises = visible_enterprises(user=request.user).filter(cluster=cluster).select_related("county")
    enterprises = enterprises.order_by("-is_leading", Pinyin("name"), "pk")
    context = {
        "cluster": cluster,
        "enterprises": paginate(request, enterprises),
        # The casework summary of the cluster's enterprises, from the panels other parts register.
        "panels": render_cluster_panels(request=request, cluster=cluster),
        **cluster_holdings(user=request.user, cluster=cluster),
    }
    return render(request, "clusters/cluster_detail.html", context)


def _enterprise_filter(request: HttpRequest) -> EnterpriseFilter:
    queryset = select_enterprise_list(user=request.user).order_by(Pinyin("name"), "pk")
    return EnterpriseFilter(request.GET or None, queryset=queryset, request=request)


ENTERPRISE_EXPORT = register_export(
    ListExport(
        name="clusters:enterprise-list",
        rows=lambda request: _enterprise_filter(request).qs,
        columns=ENTERPRISE_COLUMNS,
        stem="enterprises",
        title=gettext_lazy("Enterprises"),
        permission="clusters.view_enterprise",
    )
)


@permission_required("clusters.view_enterprise", raise_exception=True)
def enterprise_list(request: HttpRequest) -> HttpResponse:
    enterprise_filter = _enterprise_filter(request)
    if fmt := export_requested(request):
        return list_export_response(request, ENTERPRISE_EXPORT, fmt, enterprise_filter.qs)
    page = paginate(request, enterprise_filter.qs)
    return render(request, "clusters/enterprise_list.html", {"filter": enterprise_filter, "page": page})


@permission_required("clusters.view_enterprise", raise_exception=True)
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_enterprise_for_user(user=request.user, pk=pk)
    # The enterprise's file beyond what it holds (tickets, visits, ... and its record's history) comes from panels.
    panels = render_enterprise_panels(request=request, enterprise=enterprise)
    context = {
        "enterprise": enterprise,
        "can_change": request.user.has_perm("clusters.change_enterprise"),
        "panels": panels,
        "panel_actions": [action for panel in panels for action in panel.context.get("actions", ())],
        **enterprise_holdings(user=request.user, enterprise=enterprise),
    }
    return render(request, "clusters/enterprise_detail.html", context)


@permission_required("clusters.add_enterprise", raise_exception=True)
def enterprise_create(request: HttpRequest) -> HttpResponse:
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        enterprise = form.save()
        messages.success(request, _("Enterprise %(name)s was added.") % {"name": enterprise.name})
        return redirect(enterprise)
    return render(request, "clusters/enterprise_form.html", {"form": form})


@permission_required("clusters.change_enterprise", raise_exception=True)
def enterprise_update(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_rw_enterprise_for_user(user=request.user, pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(
                enterprise_id=enterprise.pk, user=request.user, version=form.opened_version, data=form.cleaned_data
            )
        except StaleEdit as error:
            messages.error(request, " ".join(error.messages))
            context = {"form": form, "enterprise": enterprise}
            return render(request, "clusters/enterprise_form.html", context, status=409)
        messages.success(request, _("Enterprise %(name)s was saved.") % {"name": enterprise.name})
        return redirect(enterprise)
    return render(request, "clusters/enterprise_form.html", {"form": form, "enterprise": enterprise})


# Pickers (config/widgets.py): the rows a form's searchable field offers, from the selector it validates against.


@require_GET
@permission_required("clusters.view_enterprise", raise_exception=True)
def enterprise_autocomplete(request: HttpRequest) -> JsonResponse:
    """Enterprises of the user's jurisdiction whose name or credit code holds every word of `?term=`."""
    return autocomplete_response(
        request,
        visible_enterprises(user=request.user),
        search=("name", "credit_code"),
        order=(Pinyin("name"), "pk"),
        label=str,
    )


@require_GET
@permission_required("clusters.view_cluster", raise_exception=True)
def cluster_autocomplete(request: HttpRequest) -> JsonResponse:
    """Clusters of the user's jurisdiction by name or industry; `?county=` keeps those of one county."""
    clusters = visible_clusters(user=request.user)
    county = id_param(request, "county")
    if county is not None:
        clusters = clusters.filter(county_id=county)
    return autocomplete_response(
        request, clusters, search=("name", "industry"), order=(Pinyin("name"), "pk"), label=str
    )
