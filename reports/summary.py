"""The programme summary of a region: every figure counted in SQL from the records."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from assistance.benchmarking.models import Participation, reached_q
from assistance.models import SupportTeam, Ticket, Training, Visit
from assistance.plans.models import Measure, MeasureQuerySet
from assistance.plans.models import Status as MeasureStatus
from clusters.models import (
    Cluster,
    Designation,
    GIProduct,
    Honour,
    Region,
    RegionIndicator,
    Standard,
    StandardizationPilot,
    StandardRole,
    Trademark,
)
from clusters.periods import within_days


@dataclass(frozen=True)
class Period:
    as_of: datetime.date
    since: datetime.date | None = None

    def dates(self, field: str) -> Q:
        """Records dated within the period (everything up to as-of when there is no start)."""
        condition = Q(**{f"{field}__lte": self.as_of})
        if self.since:
            condition &= Q(**{f"{field}__gte": self.since})
        return condition


def key_regions(region: Region, period: Period) -> QuerySet[Cluster]:
    """Active provincial and municipal key-region clusters of the region, designated by the as-of year."""
    clusters = Cluster.objects.filter(
        county__in=list(Region.objects.within(region).values_list("pk", flat=True)),
        level__in=Cluster.KEY_LEVELS,
        active=True,
    ).filter(Q(year_designated__isnull=True) | Q(year_designated__lte=period.as_of.year))
    return clusters


def _counts(queryset: QuerySet, field: str, values: dict[str, str]) -> dict[str, int]:
    """One aggregate query: how many rows have each value of `field`."""
    aggregates = {key: Count("pk", filter=Q(**{field: value}), distinct=True) for key, value in values.items()}
    return queryset.aggregate(**aggregates)


def _instruments(within: list[int], period: Period) -> dict:
    """The plans' key measures and the benchmarking of the region and below, each in one query.

    Measures of the plans in force during the period (done and overdue as of its last day); enterprises
    taking part in benchmarking campaigns of the period's years, and how many reached their benchmark
    (the outcome rule of assistance.benchmarking).
    """
    plans_in_force = Q(plan__region__in=within) & (
        Q(plan__start_date__isnull=True) | Q(plan__start_date__lte=period.as_of)
    )
    if period.since:
        plans_in_force &= Q(plan__end_date__isnull=True) | Q(plan__end_date__gte=period.since)
    measures = Measure.objects.filter(plans_in_force).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=MeasureStatus.DONE)),
        overdue=Count("pk", filter=MeasureQuerySet.overdue_q(period.as_of)),
    )
    years = Q(campaign__year__lte=period.as_of.year)
    if period.since:
        years &= Q(campaign__year__gte=period.since.year)
    benchmarking = Participation.objects.filter(years, campaign__cluster__county__in=within).aggregate(
        participants=Count("pk"), reached=Count("pk", filter=reached_q())
    )
    return {
        "measures": measures["total"],
        "measures_done": measures["done"],
        "measures_overdue": measures["overdue"],
        "benchmarking_enterprises": benchmarking["participants"],
        "benchmarking_reached": benchmarking["reached"],
    }


def quality_summary(
    region: Region,
    *,
    as_of: datetime.date,
    since: datetime.date | None = None,
    clusters_as_of: datetime.date | None = None,
) -> dict:
    """The figures the bureau reports for a region, in the shape the quality_summary command prints.

    Holdings are those of enterprises in the region's key regions as of `clusters_as_of` (the as-of date
    unless given), so that a base-year figure counts what today's key regions held then.
    """
    period = Period(as_of=as_of, since=since)
    clusters = key_regions(region, Period(as_of=clusters_as_of or as_of))
    designated = key_regions(region, period)
    if since:
        designated = designated.filter(Q(year_designated__isnull=True) | Q(year_designated__gte=since.year))
    key = designated.aggregate(
        total=Count("pk"),
        provincial=Count("pk", filter=Q(level=Cluster.Level.PROVINCIAL)),
        municipal=Count("pk", filter=Q(level=Cluster.Level.MUNICIPAL)),
    )
    # Two small id lists read once: every figure below filters on them, and literal lists keep the
    # database's plans simple (nested subqueries made PostgreSQL slow on the standards count).
    cluster_ids = list(clusters.values_list("pk", flat=True))
    in_clusters = Q(enterprise__cluster__in=cluster_ids)
    within = list(Region.objects.within(region).values_list("pk", flat=True))

    honours = _counts(
        Honour.objects.filter(in_clusters, period.dates("date")),
        "kind",
        {
            "china_quality_award": Honour.Kind.CHINA_QUALITY_AWARD,
            "provincial_quality_award": Honour.Kind.PROVINCIAL_QUALITY_AWARD,
            "municipal_quality_award": Honour.Kind.MUNICIPAL_QUALITY_AWARD,
        },
    )
    trademarks = _counts(
        Trademark.objects.filter(in_clusters, period.dates("date")),
        "kind",
        {"well_known": Trademark.Kind.WELL_KNOWN, "madrid": Trademark.Kind.MADRID, "gi": Trademark.Kind.GI},
    )
    standards = _counts(
        Standard.objects.filter(
            pk__in=list(
                StandardRole.objects.filter(in_clusters, period.dates("date")).values_list("standard", flat=True)
            )
        ),
        "level",
        {level.value: level for level in Standard.Level},
    )
    little_giants = _counts(
        Designation.objects.filter(in_clusters, period.dates("date")),
        "kind",
        {"national": Designation.Kind.NATIONAL_LITTLE_GIANT, "provincial": Designation.Kind.PROVINCIAL_SPECIALISED},
    )
    pilots = _counts(
        StandardizationPilot.objects.filter(cluster__in=cluster_ids).filter(period.dates("date")),
        "level",
        {"national": StandardizationPilot.Level.NATIONAL, "provincial": StandardizationPilot.Level.PROVINCIAL},
    )
    gi_products = GIProduct.objects.filter(period.dates("date"), region__in=within).count()

    teams = SupportTeam.objects.filter(region__in=within, active_from__lte=as_of)
    teams = teams.filter(Q(active_until__isnull=True) | Q(active_until__gte=since or as_of))
    resolved = Ticket.objects.filter(
        enterprise__county__in=within,
        status__in=Ticket.DONE_STATUSES,
        **within_days("resolved_at", since, as_of),
    )
    return {
        "region": {"code": region.code, "name": region.name},
        "instruments": _instruments(within, period),
        "as_of": as_of.isoformat(),
        "since": since.isoformat() if since else None,
        "key_regions": key,
        "honours": honours,
        "trademarks": trademarks,
        "gi_products": gi_products,
        "standards": standards,
        "little_giants": little_giants,
        "pilots": pilots,
        "assistance": {
            "support_teams": teams.count(),
            "tickets_resolved": resolved.count(),
            "visits": Visit.objects.filter(period.dates("date"), enterprise__county__in=within).count(),
            "trainings": Training.objects.filter(period.dates("date"), region__in=within).count(),
        },
    }


ROUNDING_ARTICLES = "articles"


def approximate(count: int) -> str:
    """A count as the articles round it: down to its tens (below 1,000) or to its two leading digits
    (from 1,000), with 余 ("more than") when that dropped anything; below 10 it stays exact.

    153 -> "150余", 87 -> "80余", 34 -> "30余", 80 -> "80", 1234 -> "1200余", 7 -> "7".
    """
    if count < 10:
        return str(count)
    step = 10 if count < 1000 else 10 ** (len(str(count)) - 2)
    floor = count - count % step
    return f"{floor}余" if floor != count else str(floor)


def _part(count: int, template: str, rough: bool = False) -> str | None:
    return template % {"n": approximate(count) if rough else count} if count else None


def summary_paragraph(summary: dict, *, rounding: str | None = None) -> str:
    """The summary as one Chinese paragraph in the articles' style; zero figures are left out.

    With `rounding="articles"` the counts the articles give in round numbers (standards, problems
    solved, visits, trainings: "150余项", "80余项", "30余次") are rounded as they round them; key
    regions, awards, trademarks, designations, pilots and teams, each a named record, stay exact.
    """
    rough = rounding == ROUNDING_ARTICLES
    key, honours, trademarks, standards = (
        summary["key_regions"],
        summary["honours"],
        summary["trademarks"],
        summary["standards"],
    )
    name = summary["region"]["name"]
    subject = f"{name}{key['total']}个重点区域"
    detail = "、".join(
        p for p in [_part(key["provincial"], "省级%(n)s个"), _part(key["municipal"], "市级%(n)s个")] if p
    )
    if detail:
        subject += f"（{detail}）"
    held = [
        _part(honours["china_quality_award"], "中国质量奖%(n)s项"),
        _part(honours["provincial_quality_award"], "省政府质量奖%(n)s项"),
        _part(honours["municipal_quality_award"], "市政府质量奖%(n)s项"),
    ]
    clauses = []
    if any(held):
        clauses.append("拥有" + "、".join(p for p in held if p))
    major = standards["international"] + standards["national"] + standards["industry"]
    if major:
        clauses.append(f"参与起草国际、国家、行业标准{approximate(major) if rough else major}项")
    other_standards = [
        _part(standards["local"], "地方标准%(n)s项", rough),
        _part(standards["group"], "团体标准%(n)s项", rough),
        _part(standards["enterprise"], "企业标准%(n)s项", rough),
    ]
    if any(other_standards):
        clauses.append("制定" + "、".join(p for p in other_standards if p))
    marks = [
        _part(trademarks["well_known"], "驰名商标%(n)s件"),
        _part(summary["gi_products"], "地理标志产品%(n)s个"),
        _part(trademarks["gi"], "地理标志商标%(n)s件"),
        _part(trademarks["madrid"], "马德里注册商标%(n)s件"),
    ]
    if any(marks):
        clauses.append("拥有" + "、".join(p for p in marks if p))
    giants = [
        _part(summary["little_giants"]["national"], "国家级“专精特新”小巨人企业%(n)s家"),
        _part(summary["little_giants"]["provincial"], "省级“专精特新”企业%(n)s家"),
    ]
    if any(giants):
        clauses.append("培育" + "、".join(p for p in giants if p))
    pilots = [
        _part(summary["pilots"]["national"], "国家级标准化试点%(n)s个"),
        _part(summary["pilots"]["provincial"], "省级标准化试点%(n)s个"),
    ]
    if any(pilots):
        clauses.append("创建" + "、".join(p for p in pilots if p))
    work = summary["assistance"]
    actions = [
        _part(work["support_teams"], "成立入企帮扶工作组%(n)s个"),
        _part(work["tickets_resolved"], "现场解决企业问题%(n)s项", rough),
        _part(work["visits"], "入企帮扶%(n)s次", rough),
        _part(work["trainings"], "开展培训%(n)s次", rough),
    ]
    text = subject + "，".join(clauses) + "。"
    if any(actions):
        text += "市场监管部门" + "，".join(p for p in actions if p) + "。"
    text += _instruments_sentence(summary["instruments"])
    as_of = datetime.date.fromisoformat(summary["as_of"])
    if summary["since"]:
        since = datetime.date.fromisoformat(summary["since"])
        text += f"（统计期间：{since:%Y年%-m月%-d日}至{as_of:%Y年%-m月%-d日}）"
    else:
        text += f"（数据截至{as_of:%Y年%-m月%-d日}）"
    return text


def _instruments_sentence(figures: dict) -> str:
    """ "实施方案确定重点举措12项，已完成5项、逾期2项；组织8家企业开展对标达标，3家达到对标目标。" (zeros left out)."""
    parts = []
    if figures["measures"]:
        done = [
            _part(figures["measures_done"], "已完成%(n)s项"),
            _part(figures["measures_overdue"], "逾期%(n)s项"),
        ]
        text = f"实施方案确定重点举措{figures['measures']}项"
        if any(done):
            text += "，" + "、".join(p for p in done if p)
        parts.append(text)
    if figures["benchmarking_enterprises"]:
        text = f"组织{figures['benchmarking_enterprises']}家企业开展对标达标"
        if figures["benchmarking_reached"]:
            text += f"，{figures['benchmarking_reached']}家达到对标目标"
        parts.append(text)
    return "；".join(parts) + "。" if parts else ""


def reported_indicators(region: Region, as_of: datetime.date) -> QuerySet[RegionIndicator]:
    """Figures the region or the regions above it reported, not counted from records."""
    ancestors = [region.pk]
    if region.parent_id:
        ancestors.append(region.parent_id)
        if region.parent and region.parent.parent_id:
            ancestors.append(region.parent.parent_id)
    return RegionIndicator.objects.filter(region__in=ancestors, as_of__lte=as_of).select_related("region")


SUMMARY_LABELS = [
    (("key_regions", "total"), _("Key regions")),
    (("key_regions", "provincial"), _("Provincial key regions")),
    (("key_regions", "municipal"), _("Municipal key regions")),
    (("honours", "china_quality_award"), _("China Quality Award")),
    (("honours", "provincial_quality_award"), _("Provincial government quality awards")),
    (("honours", "municipal_quality_award"), _("Municipal government quality awards")),
    (("standards", "international"), _("International standards")),
    (("standards", "national"), _("National standards")),
    (("standards", "industry"), _("Industry standards")),
    (("standards", "local"), _("Local standards")),
    (("standards", "group"), _("Group standards")),
    (("standards", "enterprise"), _("Enterprise standards")),
    (("trademarks", "well_known"), _("Well-known trademarks")),
    (("trademarks", "madrid"), _("Madrid registrations")),
    (("trademarks", "gi"), _("Geographical-indication trademarks")),
    (("gi_products",), _("Geographical-indication products")),
    (("little_giants", "national"), _("National 'little giant' enterprises")),
    (("little_giants", "provincial"), _("Provincial specialised and innovative enterprises")),
    (("pilots", "national"), _("National standardization pilots")),
    (("pilots", "provincial"), _("Provincial standardization pilots")),
    (("assistance", "support_teams"), _("Support teams")),
    (("assistance", "tickets_resolved"), _("Tickets resolved")),
    (("assistance", "visits"), _("Visits to enterprises")),
    (("assistance", "trainings"), _("Trainings")),
    (("instruments", "measures"), _("Key measures of the plans")),
    (("instruments", "measures_done"), _("Key measures done")),
    (("instruments", "measures_overdue"), _("Key measures overdue")),
    (("instruments", "benchmarking_enterprises"), _("Enterprises benchmarking")),
    (("instruments", "benchmarking_reached"), _("Enterprises reaching their benchmark")),
]


def _value(summary: dict, path: tuple[str, ...]) -> int:
    value = summary
    for key in path:
        value = value[key]
    return value


def summary_rows(summary: dict, base: dict | None = None) -> list[dict]:
    """Each figure with, when a base is given, its value then and the change in percent."""
    rows = []
    for path, label in SUMMARY_LABELS:
        now = _value(summary, path)
        row = {"key": ".".join(path), "label": label, "value": now, "base": None, "change": None}
        if base is not None:
            then = _value(base, path)
            row["base"] = then
            row["change"] = round((now - then) * 100 / then) if then else None
        rows.append(row)
    return rows


# The summary's figures in the parts a report to the province gives them: (title, first key of each figure).
SUMMARY_SECTIONS = [
    (_("Key regions"), ("key_regions",)),
    (_("Quality awards"), ("honours",)),
    (_("Standards, brands and designations"), ("standards", "trademarks", "gi_products", "little_giants", "pilots")),
    (_("The bureau's service work"), ("assistance",)),
    (_("Plans and benchmarking"), ("instruments",)),
]

# The charts of the summary: (title, the figures drawn), each figure named by its row key.
SUMMARY_CHARTS = [
    (_("Quality awards"), [".".join(p) for p, _label in SUMMARY_LABELS if p[0] == "honours"]),
    (_("Standards by level"), [".".join(p) for p, _label in SUMMARY_LABELS if p[0] == "standards"]),
    (
        _("Trademarks and geographical indications"),
        ["trademarks.well_known", "trademarks.madrid", "trademarks.gi", "gi_products"],
    ),
    (_("The bureau's service work"), [".".join(p) for p, _label in SUMMARY_LABELS if p[0] == "assistance"]),
]


def summary_sections(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """The rows of `summary_rows` grouped into the report's parts, in order."""
    return [(title, [r for r in rows if r["key"].split(".")[0] in keys]) for title, keys in SUMMARY_SECTIONS]


@dataclass(frozen=True)
class ChartData:
    title: str
    labels: list[str]
    series: list[tuple[str, list[int]]]  # (name, one value per label)


def summary_charts(rows: list[dict], base_year: int | None, as_of: datetime.date) -> list[ChartData]:
    """The figures drawn as bar charts: now, and the end of the base year beside it when there is one."""
    by_key = {r["key"]: r for r in rows}
    charts = []
    for title, keys in SUMMARY_CHARTS:
        chosen = [by_key[k] for k in keys]
        series = []
        if base_year:
            series.append((_("End of %(base_year)s") % {"base_year": base_year}, [r["base"] for r in chosen]))
        series.append((_("As of %(date)s") % {"date": as_of.isoformat()}, [r["value"] for r in chosen]))
        charts.append(ChartData(str(title), [str(r["label"]) for r in chosen], [(str(n), v) for n, v in series]))
    return charts
