import datetime
from operator import itemgetter

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from assistance.awards.models import AwardApplication
from assistance.awards.selectors import cycle_ranking, get_cycle_for_user, visible_applications
from clusters.selectors import get_cluster_for_user
from config.exports import Column, export_requested, export_response
from config.freshness import kept
from config.pagination import paginate

from . import benchmarking, dashboards
from .chain_diagram import ChainBox, chain_diagram
from .charts import Series, bar_chart, line_chart
from .cluster_report import chain_report
from .cluster_report import cluster_report as build_cluster_report
from .forms import PeriodForm, SummaryForm, YearForm
from .models import ExportFile
from .service import service_report as build_service_report
from .summary import (
    ROUNDING_ARTICLES,
    quality_summary,
    reported_indicators,
    summary_charts,
    summary_paragraph,
    summary_rows,
)
from .word import summary_document


def dashboard(request: HttpRequest) -> HttpResponse:
    """The home page: what this user's roles need first."""
    user = request.user
    context = {}
    if user.has_perm("clusters.view_cluster"):
        context["registry"] = dashboards.registry_overview(user)
    if user.has_perm("assistance.manage_ticket"):
        context["manager"] = dashboards.manager_dashboard(user)
    elif user.has_perm("assistance.work_ticket"):
        context["inspector"] = dashboards.inspector_dashboard(user)
    if user.has_perm("assistance.review_application") or user.has_perm("assistance.review_nomination"):
        context["reviewer"] = dashboards.reviewer_dashboard(user)
    return render(request, "reports/dashboard.html", context)


@permission_required("clusters.view_cluster", raise_exception=True)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/home.html")


SUMMARY_DOWNLOADS = ("csv", "xlsx", "docx")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@permission_required("clusters.view_cluster", raise_exception=True)
def summary(request: HttpRequest) -> HttpResponse:
    """The programme summary of a region as a page: figures, the paragraph, the comparison with a base year and
    the charts; it downloads as CSV, Excel and a Word report (`?export=csv|xlsx|docx`)."""
    form = SummaryForm.for_query(request.GET, user=request.user)
    download = request.GET.get("export") if request.GET.get("export") in SUMMARY_DOWNLOADS else None
    context = {"form": form}
    if download and form.is_bound and form.has_error("region", "invalid_choice"):
        raise Http404  # a region outside the user's jurisdiction (or none): no file of it
    if form.is_bound and form.is_valid():
        region, as_of = form.cleaned_data["region"], form.cleaned_data["as_of"]
        since, base_year = form.cleaned_data["since"], form.cleaned_data["base_year"]
        rounding = ROUNDING_ARTICLES if form.cleaned_data["rounding"] else None
        # A region's figures are the same for everyone who may ask for them (the form checks that).
        now = kept(
            "summary",
            (region.pk, as_of, since, get_language()),
            lambda: quality_summary(region, as_of=as_of, since=since),
        )
        base = None
        if base_year:
            base = kept(
                "summary-base",
                (region.pk, base_year, as_of, get_language()),
                lambda: quality_summary(region, as_of=datetime.date(base_year, 12, 31), clusters_as_of=as_of),
            )
        rows = summary_rows(now, base)
        paragraph = summary_paragraph(now, rounding=rounding)
        charts = summary_charts(rows, base_year, as_of)
        if download == "docx":
            document = summary_document(summary=now, rows=rows, paragraph=paragraph, base_year=base_year, charts=charts)
            response = HttpResponse(document, content_type=DOCX_TYPE)
            filename = f"summary-{region.code}-{as_of:%Y%m%d}.docx"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        if download:
            columns = [Column(_("Figure"), itemgetter("label")), Column(_("Counted"), itemgetter("value"))]
            if base_year:
                columns += [Column(_("Base year"), itemgetter("base")), Column(_("Change (%)"), itemgetter("change"))]
            return export_response(download, rows, columns, stem="summary", title=_("Programme summary"))
        context.update(
            {
                "summary": now,
                "paragraph": paragraph,
                "rows": rows,
                "base_year": base_year,
                "indicators": reported_indicators(region, as_of),
                "charts": [
                    bar_chart(c.labels, [Series(name, values) for name, values in c.series], title=c.title)
                    for c in charts
                ],
            }
        )
    return render(request, "reports/summary.html", context)


@permission_required("clusters.view_cluster", raise_exception=True)
def cluster_report(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(user=request.user, pk=pk)
    report = kept(
        "cluster-report",
        (request.user.pk, cluster.pk, get_language()),
        lambda: build_cluster_report(cluster, request.user),
    )
    rows = report["rows"]
    chain = _chain_context(request, cluster)
    if fmt := export_requested(request):
        if request.GET.get("table") == "chain" and chain:
            return export_response(
                fmt, chain["chain"]["links"], CHAIN_COLUMNS, stem="cluster-chain", title=cluster.name
            )
        if request.GET.get("table") == "categories":
            columns = [
                Column(_("Year"), itemgetter("year")),
                *[Column(name, lambda r, i=i: r["categories"][i]) for i, name in enumerate(report["categories"])],
            ]
            rows = [r for r in rows if r["tickets"]]
            return export_response(
                fmt, rows, columns, stem="cluster-report-categories", title=_("Tickets by category and year")
            )
        columns = [
            Column(_("Year"), itemgetter("year")),
            *[Column(label, itemgetter(key)) for key, label in CLUSTER_REPORT_FIELDS],
            Column(_("Enterprise count"), lambda r: r["indicator"].enterprise_count if r["indicator"] else None),
            Column(_("Output value (10k yuan)"), lambda r: r["indicator"].output_value if r["indicator"] else None),
            Column(_("Total profit (10k yuan)"), lambda r: r["indicator"].total_profit if r["indicator"] else None),
        ]
        return export_response(fmt, rows, columns, stem="cluster-report", title=cluster.name)
    labels = [str(r["year"]) for r in rows]
    context = {
        "cluster": cluster,
        "report": report,
        "fields": CLUSTER_REPORT_FIELDS,
        "holdings_chart": bar_chart(
            labels,
            [Series(str(label), [r[key] for r in rows]) for key, label in CLUSTER_REPORT_FIELDS[:5]],
            title=_("Holdings gained per year"),
            width=CLUSTER_CHART_WIDTH,
        ),
        "work_chart": bar_chart(
            labels,
            [Series(str(label), [r[key] for r in rows]) for key, label in CLUSTER_REPORT_FIELDS[5:]],
            title=_("The bureau's work per year"),
            width=CLUSTER_CHART_WIDTH,
        ),
        **(chain or {}),
    }
    return render(request, "reports/cluster_report.html", context)


CHAIN_COLUMNS = [
    Column(gettext_lazy("Segment"), "get_segment_display"),
    Column(gettext_lazy("Link"), "name"),
    Column(gettext_lazy("Weak link"), "weak"),
    Column(gettext_lazy("Note"), "note"),
    Column(gettext_lazy("Enterprises"), "enterprise_count"),
    Column(gettext_lazy("Projects"), lambda link: "、".join(str(p) for p in link.projects.all())),
]


def _chain_context(request: HttpRequest, cluster) -> dict | None:
    """The cluster's chain for the report, of the year `?chain_year=` asks for (the latest by default), with its
    diagram; None for a user who may not see chains. A year that is not one gives 400."""
    if not request.user.has_perm("assistance.view_chainlink"):
        return None
    year = None
    if raw := request.GET.get("chain_year"):
        try:
            year = int(raw)
        except ValueError:
            raise BadRequest(_("The year must be a whole number from 2000 to 2100.")) from None
        if not 2000 <= year <= 2100:
            raise BadRequest(_("The year must be a whole number from 2000 to 2100."))
    chain = chain_report(cluster, request.user, year)
    boxes = [
        (
            label,
            [
                ChainBox(
                    link.name,
                    ngettext("%(count)d enterprise", "%(count)d enterprises", link.enterprise_count)
                    % {"count": link.enterprise_count},
                    link.weak,
                )
                for link in links
            ],
        )
        for _segment, label, links in chain["columns"]
    ]
    diagram = (
        chain_diagram(
            boxes,
            title=_("Industrial chain in %(year)s") % {"year": chain["year"]},
            weak_label=_("Weak link"),
            width=CLUSTER_CHART_WIDTH,
        )
        if chain["links"]
        else None
    )
    return {"chain": chain, "chain_diagram": diagram, "change": chain["change"]}


# The widths the charts are laid out for: their columns at 1366 px (half the page for the cluster report's, seven
# twelfths for the months of the service report; the rest take the default, which fits five twelfths).
CLUSTER_CHART_WIDTH = 620
MONTH_CHART_WIDTH = 640

CLUSTER_REPORT_FIELDS = [
    ("honours", gettext_lazy("Honours")),
    ("standards", gettext_lazy("Standards")),
    ("trademarks", gettext_lazy("Trademarks")),
    ("designations", gettext_lazy("Designations")),
    ("pilots", gettext_lazy("Pilots")),
    ("tickets", gettext_lazy("Tickets opened")),
    ("resolved", gettext_lazy("Tickets resolved")),
    ("visits", gettext_lazy("Visits")),
    ("trainings", gettext_lazy("Trainings")),
]

SERVICE_GROUP_COLUMNS = [
    Column(gettext_lazy("Name"), itemgetter("name")),
    Column(gettext_lazy("Tickets"), itemgetter("total")),
    Column(gettext_lazy("Open"), itemgetter("open")),
    Column(gettext_lazy("Resolved"), itemgetter("resolved")),
    Column(gettext_lazy("Within service level"), itemgetter("within")),
    Column(gettext_lazy("Share within service level (%)"), itemgetter("share_within")),
    Column(gettext_lazy("Mean days to resolve"), itemgetter("mean_days")),
]


@permission_required("assistance.view_ticket", raise_exception=True)
def service_report(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    since, until = form.period()
    if not form.is_bound or form.is_valid():
        # The boxes show the dates the report covers, also when they were left empty (this year so far).
        form = PeriodForm(initial={"since": since, "until": until})
    report = kept(
        "service-report",
        # Its open and overdue figures move with the clock too: kept for the minute at most.
        (request.user.pk, since, until, get_language(), timezone.now().replace(second=0, microsecond=0)),
        lambda: build_service_report(request.user, since=since, until=until),
    )
    tables = {
        "category": (report["by_category"], _("By category")),
        "team": (report["by_team"], _("By team")),
        "partner": (report["by_partner"], _("By service partner")),
    }
    if fmt := export_requested(request):
        table = request.GET.get("table")
        if table == "month":
            columns = [
                Column(_("Month"), lambda r: r["month"].strftime("%Y-%m")),
                Column(_("Opened"), itemgetter("opened")),
                Column(_("Resolved"), itemgetter("resolved")),
            ]
            return export_response(fmt, report["by_month"], columns, stem="service-by-month", title=_("By month"))
        if table == "status":
            columns = [Column(_("Status"), itemgetter("name")), Column(_("Tickets"), itemgetter("total"))]
            return export_response(fmt, report["by_status"], columns, stem="service-by-status", title=_("By status"))
        if table not in tables:
            table = "category"
        rows, title = tables[table]
        return export_response(fmt, rows, SERVICE_GROUP_COLUMNS, stem=f"service-by-{table}", title=title)
    months = [r["month"].strftime("%Y-%m") for r in report["by_month"]]
    context = {
        "form": form,
        "report": report,
        "month_chart": line_chart(
            months,
            [
                Series(_("Opened"), [r["opened"] for r in report["by_month"]]),
                Series(_("Resolved"), [r["resolved"] for r in report["by_month"]]),
            ],
            title=_("Tickets per month"),
            width=MONTH_CHART_WIDTH,
        ),
        "category_chart": bar_chart(
            [r["name"] for r in report["by_category"]],
            [Series(_("Tickets"), [r["total"] for r in report["by_category"]])],
            title=_("Tickets by category"),
        ),
    }
    return render(request, "reports/service_report.html", context)


SCORE_BUCKETS = [(low, low + 100) for low in range(0, 1000, 100)]


@permission_required("assistance.view_awardapplication", raise_exception=True)
def award_report(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_cycle_for_user(user=request.user, pk=pk)
    ranking = list(cycle_ranking(user=request.user, cycle=cycle))
    counts = dict(
        visible_applications(user=request.user)
        .filter(cycle=cycle)
        .values_list("status")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    status_rows = [{"name": label, "total": counts.get(value, 0)} for value, label in AwardApplication.Status.choices]
    distribution = [
        {
            "range": f"{low}–{high}",
            "total": sum(1 for a in ranking if low <= a.mean_score < high or (high == 1000 and a.mean_score == 1000)),
        }
        for low, high in SCORE_BUCKETS
    ]
    if fmt := export_requested(request):
        if request.GET.get("table") == "status":
            columns = [Column(_("Status"), itemgetter("name")), Column(_("Applications"), itemgetter("total"))]
            return export_response(fmt, status_rows, columns, stem="award-status", title=_("By status"))
        columns = [
            Column(_("Rank"), "rank"),
            Column(_("ID"), "pk"),
            Column(_("Enterprise"), "enterprise.name"),
            Column(_("Status"), "get_status_display"),
            Column(_("Reviews"), "review_count"),
            Column(_("Mean"), lambda a: round(a.mean_score, 1)),
            Column(_("Lowest"), "min_score"),
            Column(_("Highest"), "max_score"),
            Column(_("Within quota"), lambda a: a.rank <= cycle.quota),
        ]
        return export_response(fmt, ranking, columns, stem="award-ranking", title=_("Ranking"))
    context = {
        "cycle": cycle,
        "ranking": ranking,
        "status_rows": status_rows,
        "distribution": distribution,
        "distribution_chart": bar_chart(
            [d["range"] for d in distribution],
            [Series(_("Applications"), [d["total"] for d in distribution])],
            title=_("Mean scores"),
        ),
        "now": timezone.now(),
    }
    return render(request, "reports/award_report.html", context)


# Downloads: large list exports written by the worker


def _get_export_for_user(user, pk: int) -> ExportFile:
    """The user's own export (a superuser's: any); 404 otherwise."""
    return get_object_or_404(ExportFile.objects.visible_to(user), pk=pk)


def export_list(request: HttpRequest) -> HttpResponse:
    """My downloads: the exports the user asked for that are still kept."""
    exports = ExportFile.objects.filter(owner=request.user, expires_at__gt=timezone.now())
    context = {"page": paginate(request, exports), "retention_days": settings.EXPORT_RETENTION_DAYS}
    return render(request, "reports/export_list.html", context)


def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One export's progress; the page reloads itself until the file is ready or the job failed."""
    export = _get_export_for_user(request.user, pk)
    if export.is_expired:
        raise Http404
    return render(request, "reports/export_detail.html", {"export": export, "refresh_seconds": 3})


def export_download(request: HttpRequest, pk: int) -> FileResponse:
    export = _get_export_for_user(request.user, pk)
    if export.status != ExportFile.Status.DONE or export.is_expired or not export.file:
        raise Http404
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=export.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Benchmarking (对标达标)

GAP_COLUMNS = [
    Column(gettext_lazy("Enterprise"), "participation.enterprise.name"),
    Column(gettext_lazy("Cluster"), "participation.campaign.cluster.name"),
    Column(gettext_lazy("Area"), "get_area_display"),
    Column(gettext_lazy("Indicator"), "name"),
    Column(gettext_lazy("Unit"), "unit"),
    Column(gettext_lazy("Baseline"), "baseline"),
    Column(gettext_lazy("Target"), "target"),
    Column(gettext_lazy("Achieved"), "achieved"),
    Column(gettext_lazy("Gap (%)"), lambda i: round(100 * i.gap, 1)),
]


@permission_required("assistance.view_indicator", raise_exception=True)
def benchmarking_report(request: HttpRequest) -> HttpResponse:
    years = benchmarking.campaign_years(request.user)
    form = YearForm(request.GET or None, initial={"year": years[0] if years else timezone.localdate().year})
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
    elif form.is_bound:
        return render(request, "reports/benchmarking_report.html", {"form": form, "years": years}, status=400)
    else:
        year = form.initial["year"]
    results = benchmarking.benchmarking_results(request.user, year)
    clusters = benchmarking.results_by_cluster(request.user, year)
    gaps = benchmarking.gap_rows(request.user, year)
    if fmt := export_requested(request):
        table = request.GET.get("table")
        share = Column(_("Share (%)"), itemgetter("share"))
        if table == "cluster":
            columns = [
                Column(_("Cluster"), itemgetter("name")),
                Column(_("Participants"), itemgetter("participants")),
                Column(_("Reached their benchmark"), itemgetter("reached")),
                share,
            ]
            return export_response(fmt, clusters, columns, stem=f"benchmarking-{year}-clusters", title=_("By cluster"))
        if table == "area":
            columns = [
                Column(_("Area"), itemgetter("name")),
                Column(_("Participants"), itemgetter("participants")),
                Column(_("Reached their benchmark"), itemgetter("reached")),
                share,
            ]
            rows = results["areas"]
            return export_response(fmt, rows, columns, stem=f"benchmarking-{year}-areas", title=_("By area"))
        return export_response(fmt, gaps, GAP_COLUMNS, stem=f"benchmarking-{year}-gaps", title=_("Gaps"))
    context = {
        "form": YearForm(initial={"year": year}),
        "years": years,
        "year": year,
        "results": results,
        "clusters": clusters,
        "page": paginate(request, gaps),
        "cluster_chart": bar_chart(
            [row["name"] for row in clusters],
            [Series(_("Reached their benchmark (%)"), [row["share"] or 0 for row in clusters])],
            title=_("Share reaching their benchmark, by cluster"),
        ),
        "area_chart": bar_chart(
            [row["name"] for row in results["areas"]],
            [Series(_("Reached their benchmark (%)"), [row["share"] or 0 for row in results["areas"]])],
            title=_("Share reaching their benchmark, by area"),
        ),
    }
    return render(request, "reports/benchmarking_report.html", context)
