"""Writes of benchmarking participants and their indicators, each in one transaction."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import BaseModelFormSet
from django.utils.translation import gettext as _

from clusters.models import User

from .models import Campaign, Indicator, Participation

PARTICIPATION_FIELDS = ("enterprise", "benchmark_kind", "benchmark_scope", "benchmark_name", "note")


CAMPAIGN_FIELDS = ("cluster", "year", "title", "description", "source")


def campaign_save(*, user: User, campaign: Campaign | None = None, data: dict[str, Any]) -> Campaign:
    """Start a campaign, or change one (its participants stay: they belong to its cluster)."""
    with transaction.atomic():
        if campaign is None:
            campaign = Campaign()
        else:
            campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
            if data["cluster"].pk != campaign.cluster_id and campaign.participations.exists():
                raise ValidationError(
                    {"cluster": _("Enterprises of this cluster take part; the cluster can no longer change.")}
                )
        for name in CAMPAIGN_FIELDS:
            setattr(campaign, name, data[name])
        campaign.full_clean()
        campaign.save()
    return campaign


def participation_create(*, user: User, campaign: Campaign, data: dict[str, Any]) -> Participation:
    """Enrol an enterprise of the campaign's cluster with its benchmark; the model's checks run again here."""
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)
        participation = Participation(campaign=campaign, **{name: data[name] for name in PARTICIPATION_FIELDS})
        participation.full_clean()
        participation.save()
    return participation


def participation_update(*, user: User, participation_id: int, data: dict[str, Any]) -> Participation:
    """Change a participant's benchmark and note (the enterprise and campaign stay)."""
    with transaction.atomic():
        participation = Participation.objects.select_for_update().get(pk=participation_id)
        for name in ("benchmark_kind", "benchmark_scope", "benchmark_name", "note"):
            setattr(participation, name, data[name])
        participation.full_clean()
        participation.save()
    return participation


def indicators_save(*, user: User, participation: Participation, formset: BaseModelFormSet) -> list[Indicator]:
    """Save a participant's indicators as the valid formset has them (added, changed, removed), all or nothing."""
    with transaction.atomic():
        Participation.objects.select_for_update().get(pk=participation.pk)
        indicators = formset.save(commit=False)
        for indicator in formset.deleted_objects:
            indicator.delete()
        for indicator in indicators:
            indicator.participation = participation
            indicator.full_clean()
            indicator.save()
    return indicators
