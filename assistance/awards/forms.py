"""Forms of the award pages."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.editing import VersionedForm
from clusters.fields import IdChoiceField, IdMultipleChoiceField
from clusters.models import User
from clusters.selectors import visible_enterprises
from clusters.wording import bracketed
from config.once import SubmitOnceForm
from config.pinyin import Pinyin
from config.widgets import AutocompleteSelect, AutocompleteSelectMultiple

from .models import AwardApplication, AwardCycle, Review


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    # The page links the form's assets (the pickers') in its head and at the end of its body, once.
    helper.include_media = False
    return helper


class ApplicationForm(SubmitOnceForm, VersionedForm):
    class Meta:
        model = AwardApplication
        fields = ["cycle", "enterprise", "self_assessment", "self_score"]
        field_classes = {"cycle": IdChoiceField, "enterprise": IdChoiceField}
        widgets = {
            "self_assessment": forms.Textarea(attrs={"rows": 10}),
            "enterprise": AutocompleteSelect("clusters:enterprise-autocomplete"),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = visible_enterprises(user=user).order_by(Pinyin("name"), "pk")
        # A new application goes only into a cycle taking applications now, as `application_create` requires.
        cycles = AwardCycle.objects.open_on().filter(programme__active=True)
        self.fields["self_score"].help_text = _("0 to 1000, on the rubric of the cycle.")
        if self.instance.pk:
            cycles = AwardCycle.objects.filter(pk=self.instance.cycle_id)
            self.fields["cycle"].disabled = True
            self.fields["enterprise"].disabled = True
        self.fields["cycle"].queryset = cycles.select_related("programme")
        self.fields["cycle"].error_messages["invalid_choice"] = _(
            "That cycle is not taking applications now: choose an open one."
        )
        self.helper = _helper(_("Save draft"))


def reviewers_queryset():
    return User.objects.filter(groups__name="reviewer", is_active=True).order_by("username").distinct()


def reviewer_label(user: User) -> str:
    """A reviewer as the pickers show one, in the page and in the autocomplete answers alike."""
    return bracketed(user.display_name, user.organisation or "—")


REVIEWER_PICKER = "assistance:reviewer-autocomplete"


class AcceptForm(SubmitOnceForm):
    reviewers = IdMultipleChoiceField(
        label=_("Reviewers"),
        queryset=None,
        widget=AutocompleteSelectMultiple(REVIEWER_PICKER),
        help_text=_("At least two. The first chosen is the lead reviewer unless you pick one below."),
    )
    lead = IdChoiceField(
        label=_("Lead reviewer"), queryset=None, required=False, widget=AutocompleteSelect(REVIEWER_PICKER)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("reviewers", "lead"):
            self.fields[name].queryset = reviewers_queryset()
            self.fields[name].label_from_instance = reviewer_label

    def clean(self):
        cleaned = super().clean()
        reviewers, lead = cleaned.get("reviewers"), cleaned.get("lead")
        if reviewers is not None and len(reviewers) < 2:
            self.add_error("reviewers", _("Assign at least two reviewers."))
        if lead and reviewers is not None and lead not in reviewers:
            self.add_error("lead", _("The lead reviewer must be one of the reviewers."))
        return cleaned


class AddReviewerForm(SubmitOnceForm):
    reviewer = IdChoiceField(label=_("Reviewer"), queryset=None, widget=AutocompleteSelect(REVIEWER_PICKER))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers_queryset()
        self.fields["reviewer"].label_from_instance = reviewer_label


class ReasonForm(SubmitOnceForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class OptionalReasonForm(SubmitOnceForm):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(SubmitOnceForm):
    reason = forms.CharField(label=_("Reason for the decision"), widget=forms.Textarea(attrs={"rows": 3}))


class EmptyForm(SubmitOnceForm):
    pass


STEP_FORMS = {
    "submit": EmptyForm,
    "return": ReasonForm,
    "accept": AcceptForm,
    "approve": DecisionForm,
    "reject": DecisionForm,
    "withdraw": OptionalReasonForm,
}


class ExceptionForm(SubmitOnceForm):
    until = forms.DateTimeField(
        label=_("Submissions allowed until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Grant exception"))


class DeclarationForm(SubmitOnceForm):
    conflict = forms.TypedChoiceField(
        label=_("Conflict of interest"),
        choices=[
            ("no", _("I have no conflict of interest with this enterprise")),
            ("yes", _("I have a conflict of interest")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("If you have a conflict, describe it"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("conflict") and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Describe the conflict so the manager can assign someone else."))
        return cleaned


class ReviewForm(SubmitOnceForm):
    """One score and comment per rubric category, plus the overall comment and recommendation."""

    comment = forms.CharField(label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), required=False, choices=[("", "—"), *Review.Recommendation.choices]
    )

    def __init__(self, *args, categories, review: Review | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        existing = {s.category_id: s for s in review.scores.all()} if review else {}
        for category in self.categories:
            self.fields[f"score_{category.code}"] = forms.IntegerField(
                label=bracketed(category.name, f"0–{category.max_points}"),
                min_value=0,
                max_value=category.max_points,
                required=False,
                widget=forms.NumberInput(
                    attrs={"data-max": category.max_points, "class": "score-input", "inputmode": "numeric"}
                ),
                initial=existing[category.pk].score if category.pk in existing else None,
            )
            self.fields[f"comment_{category.code}"] = forms.CharField(
                label=_("Comment on %(category)s") % {"category": category.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=existing[category.pk].comment if category.pk in existing else "",
            )
        if review:
            self.fields["comment"].initial = review.comment
            self.fields["recommendation"].initial = review.recommendation

    def category_fields(self):
        return [(c, self[f"score_{c.code}"], self[f"comment_{c.code}"]) for c in self.categories]

    def scores(self) -> dict:
        return {c.code: self.cleaned_data.get(f"score_{c.code}") for c in self.categories}

    def comments(self) -> dict:
        return {c.code: self.cleaned_data.get(f"comment_{c.code}", "") for c in self.categories}
