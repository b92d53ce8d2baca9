from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.fields import IdChoiceField, IdMultipleChoiceField
from clusters.models import Cluster, User
from clusters.selectors import scope_region_ids, visible_clusters, visible_regions
from config.once import SubmitOnceForm
from config.pinyin import Pinyin
from config.widgets import AutocompleteSelectMultiple

from ..attachments import check_upload
from ..forms import DATE_INPUT, ENTERPRISE_PICKER, _helper
from ..selectors import visible_teams
from .models import ChainLink, ChainProject, Measure, Plan, Status
from .selectors import cluster_enterprises, visible_measures


class PlanForm(SubmitOnceForm, forms.ModelForm):
    upload = forms.FileField(label=_("Document file"), required=False)

    class Meta:
        model = Plan
        fields = ["region", "title", "document_number", "issuing_body", "start_date", "end_date", "description"]
        field_classes = {"region": IdChoiceField}
        widgets = {"start_date": DATE_INPUT, "end_date": DATE_INPUT, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # A plan is made only for a region the user's jurisdiction holds.
        self.fields["region"].queryset = visible_regions(user=user)
        if not self.instance.pk:
            self.fields["region"].initial = user.jurisdiction_id
        self.helper = _helper(_("Save"))

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            check_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date comes before the start date."))
        return cleaned


class MeasureForm(SubmitOnceForm, forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["title", "description", "owner_unit", "team", "clusters", "deadline", "status", "position"]
        field_classes = {"team": IdChoiceField, "clusters": IdMultipleChoiceField}
        widgets = {
            "deadline": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
            "clusters": AutocompleteSelectMultiple("clusters:cluster-autocomplete"),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = visible_teams(user=user).order_by(Pinyin("name"), "pk")
        self.fields["clusters"].queryset = visible_clusters(user=user).order_by(Pinyin("name"), "pk")
        self.fields["clusters"].required = False
        self.helper = _helper(_("Save"))

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("owner_unit") or "").strip() and not cleaned.get("team"):
            raise forms.ValidationError(_("Name the owner unit, the support team, or both."))
        return cleaned


class ProgressForm(SubmitOnceForm):
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    note = forms.CharField(
        label=_("Progress"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Write what was done.")},
    )
    status = forms.ChoiceField(label=_("Status after"), choices=Status.choices)

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["status"].initial = measure.status
        self.helper = _helper(_("Add progress"))
        self.helper.form_action = reverse("assistance:measure-progress", args=[measure.pk])

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("A progress note cannot be dated in the future."))
        return date

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(_("Write what was done."))
        return note


class ChainYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class ChainLinkForm(SubmitOnceForm, forms.ModelForm):
    class Meta:
        model = ChainLink
        fields = ["segment", "name", "position", "weak", "note", "enterprises"]
        field_classes = {"enterprises": IdMultipleChoiceField}
        widgets = {
            "note": forms.Textarea(attrs={"rows": 2}),
            "enterprises": AutocompleteSelectMultiple(ENTERPRISE_PICKER),
        }

    def __init__(self, *args, user: User, cluster: Cluster, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.cluster, self.year = cluster, year
        # Only the cluster's own enterprises: any other is "not one of the choices".
        self.fields["enterprises"].queryset = cluster_enterprises(user=user, cluster=cluster)
        self.fields["enterprises"].required = False
        self.helper = _helper(_("Save"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("weak") and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say what is weak about this link."))
        segment, name = cleaned.get("segment"), cleaned.get("name")
        if segment and name:
            same = ChainLink.objects.filter(cluster=self.cluster, year=self.year, segment=segment, name=name)
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error("name", _("This segment already has a link of this name in this year."))
        return cleaned

    def validate_unique(self):
        # The cluster and year are not fields of the form; `clean` checks the name within them.
        pass


class ChainProjectForm(SubmitOnceForm, forms.ModelForm):
    class Meta:
        model = ChainProject
        fields = ["link", "kind", "title", "measure", "status", "note"]
        field_classes = {"link": IdChoiceField, "measure": IdChoiceField}
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user: User, cluster: Cluster, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["link"].queryset = ChainLink.objects.filter(cluster=cluster, year=year).order_by(
            "segment", "position", "pk"
        )
        # A measure of a plan the user may change: the project answers to a measure they are responsible for.
        scope = scope_region_ids(user=user)
        measures = visible_measures(user=user).select_related("plan")
        if scope is not None:
            measures = measures.filter(plan__region__in=scope)
        self.fields["measure"].queryset = measures.order_by("plan__title", "position", "pk")
        self.fields["measure"].label_from_instance = lambda m: f"{m.plan.title} · {m.title}"
        self.helper = _helper(_("Save"))
