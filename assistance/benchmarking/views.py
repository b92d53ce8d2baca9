"""Benchmarking pages, under /assistance/benchmarking/ in the assistance namespace.

The detail pages carry the forms; every write is a POST-only view that checks the user's right to
change the record on the server, saves in one service call and redirects (a repeated POST is
answered once, by config.once). A form with errors is shown again on its detail page, with 400.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.exports import Column, ListExport, export_requested, list_export_response, register_export
from config.once import SubmitOnceForm
from config.pagination import paginate

from . import services
from .filters import CampaignFilter
from .forms import INDICATOR_PREFIX, CampaignForm, IndicatorFormSet, ParticipationEditForm, ParticipationForm
from .models import Campaign, Participation
from .selectors import (
    campaign_list,
    campaign_participations,
    get_campaign_for_user,
    get_participation_for_user,
    get_rw_campaign_for_user,
    get_rw_participation_for_user,
    participation_indicators,
)

CAMPAIGN_COLUMNS = [
    Column(gettext_lazy("ID"), "pk"),
    Column(gettext_lazy("Year"), "year"),
    Column(gettext_lazy("Title"), "title"),
    Column(gettext_lazy("Cluster"), "cluster.name"),
    Column(gettext_lazy("County"), "cluster.county.name"),
    Column(gettext_lazy("Participants"), "participant_count"),
    Column(gettext_lazy("Reached their benchmark"), "reached_count"),
    Column(gettext_lazy("Synthetic sample"), "synthetic"),
]


def _campaign_filter(request: HttpRequest) -> CampaignFilter:
    return CampaignFilter(request.GET or None, queryset=campaign_list(user=request.user), request=request)


CAMPAIGN_EXPORT = register_export(
    ListExport(
        name="assistance:benchmarking-list",
        rows=lambda request: _campaign_filter(request).qs,
        columns=CAMPAIGN_COLUMNS,
        stem="benchmarking-campaigns",
        title=gettext_lazy("Benchmarking campaigns"),
        permission="assistance.view_campaign",
    )
)


@permission_required("assistance.view_campaign", raise_exception=True)
def campaign_list_view(request: HttpRequest) -> HttpResponse:
    campaign_filter = _campaign_filter(request)
    if fmt := export_requested(request):
        return list_export_response(request, CAMPAIGN_EXPORT, fmt, campaign_filter.qs)
    context = {"filter": campaign_filter, "page": paginate(request, campaign_filter.qs)}
    return render(request, "assistance/benchmarking/campaign_list.html", context)


def _campaign_form(request: HttpRequest, campaign: Campaign | None = None) -> HttpResponse:
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_save(user=request.user, campaign=campaign, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect(campaign)
    status = 400 if form.is_bound else 200
    context = {"form": form, "campaign": campaign}
    return render(request, "assistance/benchmarking/campaign_form.html", context, status=status)


@permission_required("assistance.add_campaign", raise_exception=True)
def campaign_create(request: HttpRequest) -> HttpResponse:
    """The form on GET; the campaign is saved only by a POST."""
    return _campaign_form(request)


@permission_required("assistance.change_campaign", raise_exception=True)
def campaign_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _campaign_form(request, get_campaign_for_user(user=request.user, pk=pk))


def _campaign_page(request: HttpRequest, campaign: Campaign, form=None, status: int = 200) -> HttpResponse:
    if form is None and request.user.has_perm("assistance.add_participation"):
        form = ParticipationForm(
            user=request.user, campaign=campaign, action=reverse("assistance:benchmarking-enrol", args=[campaign.pk])
        )
    context = {
        "campaign": campaign,
        "page": paginate(request, campaign_participations(user=request.user, campaign=campaign)),
        "form": form,
    }
    return render(request, "assistance/benchmarking/campaign_detail.html", context, status=status)


@permission_required("assistance.view_campaign", raise_exception=True)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _campaign_page(request, get_campaign_for_user(user=request.user, pk=pk))


@require_POST
@permission_required("assistance.add_participation", raise_exception=True)
def participation_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_rw_campaign_for_user(user=request.user, pk=pk)
    action = reverse("assistance:benchmarking-enrol", args=[campaign.pk])
    form = ParticipationForm(request.POST, user=request.user, campaign=campaign, action=action)
    if not form.is_valid():
        return _campaign_page(request, campaign, form=form, status=400)
    participation = services.participation_create(user=request.user, campaign=campaign, data=form.cleaned_data)
    messages.success(request, _("The participant was added; now record its indicators."))
    return redirect(participation)


def _participation_page(
    request: HttpRequest, participation: Participation, *, form=None, formset=None, status: int = 200
) -> HttpResponse:
    may_change = request.user.has_perm("assistance.change_participation")
    may_edit_indicators = request.user.has_perm("assistance.change_indicator") and request.user.has_perm(
        "assistance.add_indicator"
    )
    if may_change and form is None:
        action = reverse("assistance:benchmarking-participation-update", args=[participation.pk])
        form = ParticipationEditForm(instance=participation, action=action)
    if may_edit_indicators and formset is None:
        formset = IndicatorFormSet(queryset=participation.indicators.order_by("area", "pk"), prefix=INDICATOR_PREFIX)
    context = {
        "participation": participation,
        "campaign": participation.campaign,
        "indicators": participation_indicators(participation=participation),
        "form": form if may_change else None,
        "formset": formset if may_edit_indicators else None,
        "once": SubmitOnceForm(),
    }
    return render(request, "assistance/benchmarking/participation_detail.html", context, status=status)


@permission_required("assistance.view_participation", raise_exception=True)
def participation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _participation_page(request, get_participation_for_user(user=request.user, pk=pk))


@require_POST
@permission_required("assistance.change_participation", raise_exception=True)
def participation_update(request: HttpRequest, pk: int) -> HttpResponse:
    participation = get_rw_participation_for_user(user=request.user, pk=pk)
    action = reverse("assistance:benchmarking-participation-update", args=[participation.pk])
    form = ParticipationEditForm(request.POST, instance=participation, action=action)
    if not form.is_valid():
        return _participation_page(request, participation, form=form, status=400)
    services.participation_update(user=request.user, participation_id=participation.pk, data=form.cleaned_data)
    messages.success(request, _("The benchmark was saved."))
    return redirect(participation)


@require_POST
@permission_required("assistance.change_indicator", raise_exception=True)
@permission_required("assistance.add_indicator", raise_exception=True)
def indicators_update(request: HttpRequest, pk: int) -> HttpResponse:
    participation = get_rw_participation_for_user(user=request.user, pk=pk)
    formset = IndicatorFormSet(
        request.POST, queryset=participation.indicators.order_by("area", "pk"), prefix=INDICATOR_PREFIX
    )
    if not formset.is_valid():
        return _participation_page(request, participation, formset=formset, status=400)
    services.indicators_save(user=request.user, participation=participation, formset=formset)
    messages.success(request, _("The indicators were saved."))
    return redirect(participation)
