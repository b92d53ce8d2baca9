"""The programme summary in the JSON API: the figures of the summary page, for the token's region by default."""

from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from config.api_support import BadParameters, require_perm
from config.freshness import kept

from .forms import SummaryForm
from .summary import quality_summary, summary_paragraph

router = Router(tags=["reports"])


class SummaryQuery(Schema):
    region: str | None = Field(None, description="Division code of a region in the jurisdiction (default: its own)")
    as_of: str | None = Field(None, description="As of (YYYY-MM-DD; default: today)")
    since: str | None = Field(None, description="Count only records from this date (YYYY-MM-DD)")


class RegionOut(Schema):
    code: str | None
    name: str


class KeyRegionsOut(Schema):
    total: int
    provincial: int
    municipal: int


class HonoursOut(Schema):
    china_quality_award: int
    provincial_quality_award: int
    municipal_quality_award: int


class TrademarksOut(Schema):
    well_known: int
    madrid: int
    gi: int


class StandardsOut(Schema):
    international: int
    national: int
    industry: int
    local: int
    group: int
    enterprise: int


class NationalProvincialOut(Schema):
    national: int
    provincial: int


class WorkOut(Schema):
    support_teams: int
    tickets_resolved: int
    visits: int
    trainings: int


class SummaryOut(Schema):
    region: RegionOut
    as_of: str
    since: str | None
    key_regions: KeyRegionsOut
    honours: HonoursOut
    trademarks: TrademarksOut
    gi_products: int
    standards: StandardsOut
    little_giants: NationalProvincialOut
    pilots: NationalProvincialOut
    assistance: WorkOut
    paragraph: str


@router.get("/summary/", response=SummaryOut, summary="Programme summary")
def summary(request: HttpRequest, query: Query[SummaryQuery]):
    """The programme summary of a region, counted from the records as the summary page counts it, with its
    paragraph in the articles' style. The region is the token's jurisdiction unless `region` names another
    region within it."""
    require_perm(request, "clusters.view_cluster")
    user = request.user
    data = QueryDict(mutable=True)
    data["region"] = user.jurisdiction.code if user.jurisdiction_id and user.jurisdiction.code else ""
    data["as_of"] = timezone.localdate().isoformat()
    for name in ("region", "as_of", "since"):
        if request.GET.get(name):
            data[name] = request.GET[name]
    form = SummaryForm(data, user=user)
    if not form.is_valid():
        raise BadParameters({name: list(messages) for name, messages in form.errors.items()})
    region, as_of, since = form.cleaned_data["region"], form.cleaned_data["as_of"], form.cleaned_data["since"]
    # Kept under the same key as the summary page's figures: a region's figures are the same for all who see it.
    figures = kept(
        "summary", (region.pk, as_of, since, get_language()), lambda: quality_summary(region, as_of=as_of, since=since)
    )
    return {**figures, "paragraph": summary_paragraph(figures)}
