import datetime

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .forms import SummaryForm
from .summary import quality_summary, reported_indicators, summary_paragraph, summary_rows


@permission_required("clusters.view_cluster", raise_exception=True)
def summary(request: HttpRequest) -> HttpResponse:
    """The programme summary of a region as a page: figures, the paragraph, and the comparison with a base year."""
    form = SummaryForm(request.GET or None, user=request.user)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        region, as_of = form.cleaned_data["region"], form.cleaned_data["as_of"]
        since, base_year = form.cleaned_data["since"], form.cleaned_data["base_year"]
        now = quality_summary(region, as_of=as_of, since=since)
        base = None
        if base_year:
            base = quality_summary(region, as_of=datetime.date(base_year, 12, 31), clusters_as_of=as_of)
        context.update(
            {
                "summary": now,
                "paragraph": summary_paragraph(now),
                "rows": summary_rows(now, base),
                "base_year": base_year,
                "indicators": reported_indicators(region, as_of),
            }
        )
    return render(request, "reports/summary.html", context)


@permission_required("clusters.view_cluster", raise_exception=True)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/home.html")
