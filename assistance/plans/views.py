"""Pages of the plans and their measures, and of a cluster's chain, under /assistance/plans/."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clusters.selectors import get_cluster_for_user
from config.exports import Column, ListExport, export_requested, list_export_response, register_export
from config.pagination import paginate

from ..attachments import download_response
from . import services
from .filters import MeasureFilter, PlanFilter
from .forms import ChainLinkForm, ChainProjectForm, ChainYearForm, MeasureForm, PlanForm, ProgressForm
from .selectors import (
    MEASURE_ORDER,
    PLAN_ORDER,
    can_change_chain,
    can_change_plan,
    chain_by_segment,
    chain_change,
    chain_links,
    chain_years,
    get_measure_for_user,
    get_plan_for_user,
    get_rw_chain_cluster_for_user,
    get_rw_link_for_user,
    get_rw_measure_for_user,
    get_rw_plan_for_user,
    get_rw_project_for_user,
    measure_list,
    measure_progress,
)
from .selectors import plan_list as select_plan_list

PLAN_COLUMNS = [
    Column(gettext_lazy("ID"), "pk"),
    Column(gettext_lazy("Title"), "title"),
    Column(gettext_lazy("Document number"), "document_number"),
    Column(gettext_lazy("Issuing body"), "issuing_body"),
    Column(gettext_lazy("Region"), "region.name"),
    Column(gettext_lazy("Start date"), "start_date"),
    Column(gettext_lazy("End date"), "end_date"),
    Column(gettext_lazy("Measures"), "measure_count"),
    Column(gettext_lazy("Not started"), "not_started_count"),
    Column(gettext_lazy("Under way"), "under_way_count"),
    Column(gettext_lazy("Done"), "done_count"),
    Column(gettext_lazy("Overdue"), "overdue_count"),
    Column(gettext_lazy("Synthetic sample"), "synthetic"),
    Column(gettext_lazy("Source"), "source"),
]
MEASURE_COLUMNS = [
    Column(gettext_lazy("ID"), "pk"),
    Column(gettext_lazy("Plan"), "plan.title"),
    Column(gettext_lazy("Title"), "title"),
    Column(gettext_lazy("Owner"), "owner"),
    Column(gettext_lazy("Clusters"), lambda m: "、".join(c.name for c in m.clusters.all())),
    Column(gettext_lazy("Deadline"), "deadline"),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("Overdue"), "overdue"),
    Column(gettext_lazy("Synthetic sample"), "synthetic"),
]


def _first_error(error: ValidationError) -> str:
    return " ".join(error.messages)


# Plans


def _plan_filter(request: HttpRequest) -> PlanFilter:
    queryset = select_plan_list(user=request.user).order_by(*PLAN_ORDER)
    return PlanFilter(request.GET or None, queryset=queryset, request=request)


PLAN_EXPORT = register_export(
    ListExport(
        name="assistance:plan-list",
        rows=lambda request: _plan_filter(request).qs,
        columns=PLAN_COLUMNS,
        stem="plans",
        title=gettext_lazy("Plans"),
        permission="assistance.view_plan",
    )
)


@permission_required("assistance.view_plan", raise_exception=True)
def plan_list(request: HttpRequest) -> HttpResponse:
    plan_filter = _plan_filter(request)
    if fmt := export_requested(request):
        return list_export_response(request, PLAN_EXPORT, fmt, plan_filter.qs)
    context = {"filter": plan_filter, "page": paginate(request, plan_filter.qs)}
    return render(request, "assistance/plans/plan_list.html", context)


@permission_required("assistance.view_plan", raise_exception=True)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(user=request.user, pk=pk)
    measures = measure_list(user=request.user).filter(plan=plan).order_by("position", "pk")
    context = {
        "plan": plan,
        "measures": measures,
        "can_change": can_change_plan(user=request.user, plan=plan),
        "today": timezone.localdate(),
    }
    return render(request, "assistance/plans/plan_detail.html", context)


@permission_required("assistance.add_plan", raise_exception=True)
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_save(user=request.user, data=form.cleaned_data, upload=form.cleaned_data.get("upload"))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect(plan)
    return render(request, "assistance/plans/plan_form.html", {"form": form})


@permission_required("assistance.change_plan", raise_exception=True)
def plan_update(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_rw_plan_for_user(user=request.user, pk=pk)
    form = PlanForm(request.POST or None, request.FILES or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_save(
                user=request.user, plan=plan, data=form.cleaned_data, upload=form.cleaned_data.get("upload")
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect(plan)
    return render(request, "assistance/plans/plan_form.html", {"form": form, "plan": plan})


@permission_required("assistance.view_plan", raise_exception=True)
def plan_document(request: HttpRequest, pk: int) -> FileResponse:
    plan = get_plan_for_user(user=request.user, pk=pk)
    if not plan.file:
        raise Http404
    return download_response(SimpleNamespace(file=plan.file, content_type=plan.file_type, original_name=plan.file_name))


# Measures


def _measure_filter(request: HttpRequest) -> MeasureFilter:
    queryset = measure_list(user=request.user).order_by(*MEASURE_ORDER)
    return MeasureFilter(request.GET or None, queryset=queryset, request=request)


MEASURE_EXPORT = register_export(
    ListExport(
        name="assistance:measure-list",
        rows=lambda request: _measure_filter(request).qs,
        columns=MEASURE_COLUMNS,
        stem="measures",
        title=gettext_lazy("Measures"),
        permission="assistance.view_measure",
    )
)


@permission_required("assistance.view_measure", raise_exception=True)
def measure_list_view(request: HttpRequest) -> HttpResponse:
    measure_filter = _measure_filter(request)
    if fmt := export_requested(request):
        return list_export_response(request, MEASURE_EXPORT, fmt, measure_filter.qs)
    context = {"filter": measure_filter, "page": paginate(request, measure_filter.qs)}
    return render(request, "assistance/plans/measure_list.html", context)


@permission_required("assistance.view_measure", raise_exception=True)
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_measure_for_user(user=request.user, pk=pk)
    can_change = request.user.has_perm("assistance.change_measure") and can_change_plan(
        user=request.user, plan=measure.plan
    )
    context = {
        "measure": measure,
        "plan": measure.plan,
        "progress": measure_progress(measure=measure),
        "projects": measure.chain_projects.select_related("link__cluster").order_by("pk"),
        "can_change": can_change,
        "form": ProgressForm(measure=measure) if can_change else None,
    }
    return render(request, "assistance/plans/measure_detail.html", context)


@permission_required("assistance.add_measure", raise_exception=True)
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_rw_plan_for_user(user=request.user, pk=pk)
    form = MeasureForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.measure_save(user=request.user, plan=plan, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The measure was saved."))
            return redirect(measure)
    return render(request, "assistance/plans/measure_form.html", {"form": form, "plan": plan})


@permission_required("assistance.change_measure", raise_exception=True)
def measure_update(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_rw_measure_for_user(user=request.user, pk=pk)
    form = MeasureForm(request.POST or None, instance=measure, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_save(user=request.user, plan=measure.plan, measure=measure, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The measure was saved."))
            return redirect(measure)
    context = {"form": form, "plan": measure.plan, "measure": measure}
    return render(request, "assistance/plans/measure_form.html", context)


@require_POST
@permission_required("assistance.add_measureprogress", raise_exception=True)
def measure_progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a dated progress note, which also sets the measure's status; a repeated submit adds it once."""
    measure = get_rw_measure_for_user(user=request.user, pk=pk)
    form = ProgressForm(request.POST, measure=measure)
    if form.is_valid():
        services.measure_report_progress(user=request.user, measure_id=measure.pk, **form.cleaned_data)
        messages.success(request, _("The progress was recorded."))
        return redirect(measure)
    context = {
        "measure": measure,
        "plan": measure.plan,
        "progress": measure_progress(measure=measure),
        "projects": measure.chain_projects.select_related("link__cluster").order_by("pk"),
        "can_change": True,
        "form": form,
    }
    return render(request, "assistance/plans/measure_detail.html", context, status=400)


# Chains


def _chain_year(request: HttpRequest, years: list[int]) -> int | None:
    """The year the page asks for; the latest recorded (or this year) when it asks for none; None if bad."""
    if "year" not in request.GET:
        return years[0] if years else timezone.localdate().year
    form = ChainYearForm(request.GET)
    return form.cleaned_data["year"] if form.is_valid() else None


@permission_required("assistance.view_chainlink", raise_exception=True)
def chain_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(user=request.user, pk=pk)
    years = chain_years(cluster=cluster)
    year = _chain_year(request, years)
    if year is None:
        return HttpResponseBadRequest(_("The year must be a whole number from 2000 to 2100."))
    links = chain_links(user=request.user, cluster=cluster, year=year)
    context = {
        "cluster": cluster,
        "year": year,
        "years": _year_choices(years, year),
        "columns": chain_by_segment(links),
        "change": chain_change(user=request.user, cluster=cluster, year=year),
        "can_change": can_change_chain(user=request.user),
    }
    return render(request, "assistance/plans/chain_detail.html", context)


def _year_choices(recorded: list[int], shown: int) -> list[int]:
    """The years the page offers, newest first: every year from the one before the first recorded to next
    year, so that a chain can be started for any of them without editing the address."""
    this_year = timezone.localdate().year
    first = min([*recorded, shown, this_year]) - 1
    last = max([*recorded, shown, this_year + 1])
    return list(range(min(last, 2100), max(first, 2000) - 1, -1))


def _chain_url(cluster_pk: int, year: int) -> str:
    return f"{reverse('assistance:chain-detail', args=[cluster_pk])}?year={year}"


@permission_required("assistance.add_chainlink", raise_exception=True)
def chain_link_create(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_rw_chain_cluster_for_user(user=request.user, pk=pk)
    year_form = ChainYearForm(request.GET)
    if not year_form.is_valid():
        return HttpResponseBadRequest(_("The year must be a whole number from 2000 to 2100."))
    year = year_form.cleaned_data["year"]
    form = ChainLinkForm(request.POST or None, user=request.user, cluster=cluster, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            services.chain_link_save(user=request.user, cluster=cluster, year=year, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The chain link was saved."))
            return redirect(_chain_url(cluster.pk, year))
    context = {"form": form, "cluster": cluster, "year": year}
    return render(request, "assistance/plans/chain_form.html", context)


@permission_required("assistance.change_chainlink", raise_exception=True)
def chain_link_update(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_rw_link_for_user(user=request.user, pk=pk)
    form = ChainLinkForm(request.POST or None, instance=link, user=request.user, cluster=link.cluster, year=link.year)
    if request.method == "POST" and form.is_valid():
        try:
            services.chain_link_save(
                user=request.user, cluster=link.cluster, year=link.year, link=link, data=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The chain link was saved."))
            return redirect(_chain_url(link.cluster_id, link.year))
    context = {"form": form, "cluster": link.cluster, "year": link.year, "link": link}
    return render(request, "assistance/plans/chain_form.html", context)


@permission_required("assistance.add_chainproject", raise_exception=True)
def chain_project_create(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_rw_chain_cluster_for_user(user=request.user, pk=pk)
    year_form = ChainYearForm(request.GET)
    if not year_form.is_valid():
        return HttpResponseBadRequest(_("The year must be a whole number from 2000 to 2100."))
    year = year_form.cleaned_data["year"]
    form = ChainProjectForm(request.POST or None, user=request.user, cluster=cluster, year=year)
    if request.method == "POST" and form.is_valid():
        services.chain_project_save(user=request.user, data=form.cleaned_data)
        messages.success(request, _("The project was saved."))
        return redirect(_chain_url(cluster.pk, year))
    context = {"form": form, "cluster": cluster, "year": year, "project_form": True}
    return render(request, "assistance/plans/chain_form.html", context)


@permission_required("assistance.change_chainproject", raise_exception=True)
def chain_project_update(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_rw_project_for_user(user=request.user, pk=pk)
    cluster, year = project.link.cluster, project.link.year
    form = ChainProjectForm(request.POST or None, instance=project, user=request.user, cluster=cluster, year=year)
    if request.method == "POST" and form.is_valid():
        services.chain_project_save(user=request.user, project=project, data=form.cleaned_data)
        messages.success(request, _("The project was saved."))
        return redirect(_chain_url(cluster.pk, year))
    context = {"form": form, "cluster": cluster, "year": year, "project_form": True, "project": project}
    return render(request, "assistance/plans/chain_form.html", context)
