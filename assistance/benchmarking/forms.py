from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.fields import IdChoiceField
from clusters.models import User
from clusters.selectors import visible_clusters
from config.once import CHOOSE, SubmitOnceForm
from config.pinyin import Pinyin

from .models import Campaign, Indicator, Participation
from .selectors import participant_choices


def _helper(label, action: str) -> FormHelper:
    helper = FormHelper()
    helper.form_action = action
    helper.add_input(Submit("submit", label))
    return helper


class CampaignForm(SubmitOnceForm, forms.ModelForm):
    """A campaign of a cluster in the user's jurisdiction."""

    class Meta:
        model = Campaign
        fields = ["cluster", "year", "title", "description", "source"]
        field_classes = {"cluster": IdChoiceField}
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "source": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = visible_clusters(user=user).order_by(Pinyin("name"), "pk")
        self.helper = _helper(_("Save"), "")


class ParticipationForm(SubmitOnceForm, forms.ModelForm):
    """An enterprise of the campaign's cluster joins it, naming its benchmark."""

    class Meta:
        model = Participation
        fields = ["enterprise", "benchmark_kind", "benchmark_scope", "benchmark_name", "note"]
        field_classes = {"enterprise": IdChoiceField}
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user: User, campaign: Campaign, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["enterprise"].queryset = participant_choices(user=user, campaign=campaign)
        self.helper = _helper(_("Add participant"), action)

    def clean_enterprise(self):
        enterprise = self.cleaned_data["enterprise"]
        if enterprise.cluster_id != self.campaign.cluster_id:
            raise forms.ValidationError(_("The enterprise is not in the campaign's cluster."))
        if Participation.objects.filter(campaign=self.campaign, enterprise=enterprise).exists():
            raise forms.ValidationError(_("This enterprise already takes part in this campaign."))
        return enterprise


class ParticipationEditForm(SubmitOnceForm, forms.ModelForm):
    class Meta:
        model = Participation
        fields = ["benchmark_kind", "benchmark_scope", "benchmark_name", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save benchmark"), action)


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["area", "name", "unit", "baseline", "target", "achieved", "direction"]
        widgets = {
            name: forms.NumberInput(attrs={"step": "any", "min": "0"}) for name in ("baseline", "target", "achieved")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Values as people write them (98.5, not 98.5000 as the column keeps them).
        for name in ("baseline", "target", "achieved"):
            value = self.initial.get(name)
            if isinstance(value, Decimal):
                self.initial[name] = format(value.normalize(), "f")
        self.fields["area"].choices = [("", CHOOSE), *self.fields["area"].choices[1:]]
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"


class BaseIndicatorFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or self._should_delete_form(form):
                continue
            key = (form.cleaned_data.get("area"), form.cleaned_data.get("name"))
            if key in seen:
                raise forms.ValidationError(_("Two indicators of one area have the same name."))
            seen.add(key)


IndicatorFormSet = forms.modelformset_factory(
    Indicator, form=IndicatorForm, formset=BaseIndicatorFormSet, extra=2, can_delete=True
)
INDICATOR_PREFIX = "indicators"
