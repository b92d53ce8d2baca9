"""Forms of the 专利伯乐 pages."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.fields import IdChoiceField, IdMultipleChoiceField
from clusters.models import User
from clusters.selectors import in_jurisdiction
from config.once import SubmitOnceForm

from ..awards.forms import DeclarationForm as AwardDeclarationForm
from ..awards.forms import EmptyForm, OptionalReasonForm, ReasonForm, reviewer_label
from ..models import Expert
from .models import RUBRIC, NominationReview


def nomination_reviewers():
    """The reviewer pool: active users of the reviewer role (the awards' pool, holding the selection's permission)."""
    return (
        User.objects.filter(groups__name="reviewer", is_active=True, groups__permissions__codename="review_nomination")
        .order_by("username")
        .distinct()
    )


def staff_nominees(*, user: User):
    """Staff members the user may nominate: inspectors and managers in the user's jurisdiction."""
    staff = User.objects.filter(is_active=True, groups__name__in=("inspector", "manager")).exclude(pk=user.pk)
    return in_jurisdiction(queryset=staff, user=user, region="jurisdiction").order_by("username").distinct()


class NominationForm(SubmitOnceForm):
    nominee_expert = IdChoiceField(label=_("Expert"), queryset=None, required=False)
    nominee_user = IdChoiceField(label=_("Staff member"), queryset=None, required=False)
    statement = forms.CharField(
        label=_("Statement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What the nominee did for enterprises' patents. The evidence from the records is added on submission."
        ),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominee_expert"].queryset = Expert.objects.filter(active=True)
        self.fields["nominee_user"].queryset = staff_nominees(user=user)
        self.fields["nominee_user"].label_from_instance = reviewer_label
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save draft")))

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("nominee_expert")) == bool(cleaned.get("nominee_user")):
            raise forms.ValidationError(_("Nominate either an expert or a staff member, not both and not neither."))
        return cleaned


class StatementForm(SubmitOnceForm):
    statement = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 8}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))


class AcceptForm(SubmitOnceForm):
    reviewers = IdMultipleChoiceField(
        label=_("Reviewers"), queryset=None, help_text=_("At least two."), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = nomination_reviewers()
        self.fields["reviewers"].label_from_instance = reviewer_label


class AddReviewerForm(SubmitOnceForm):
    reviewer = IdChoiceField(label=_("Reviewer"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = nomination_reviewers()
        self.fields["reviewer"].label_from_instance = reviewer_label


class DecisionForm(SubmitOnceForm):
    reason = forms.CharField(label=_("Reason for the decision"), widget=forms.Textarea(attrs={"rows": 3}))


STEP_FORMS = {
    "submit": EmptyForm,
    "return": ReasonForm,
    "accept": AcceptForm,
    "select": DecisionForm,
    "decline": DecisionForm,
    "withdraw": OptionalReasonForm,
}


class DeclarationForm(AwardDeclarationForm):
    """The awards' declaration, worded for a nominee instead of an enterprise."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conflict"].choices = [
            ("no", _("I have no conflict of interest with this nominee")),
            ("yes", _("I have a conflict of interest")),
        ]


class NominationReviewForm(SubmitOnceForm):
    """One score per criterion of the selection's rubric, the overall comment and the recommendation."""

    comment = forms.CharField(label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), required=False, choices=[("", "—"), *NominationReview.Recommendation.choices]
    )

    def __init__(self, *args, review: NominationReview, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for criterion in RUBRIC:
            fields[f"score_{criterion.code}"] = forms.IntegerField(
                label=f"{criterion.name}（0–{criterion.max_points}）",
                min_value=0,
                max_value=criterion.max_points,
                required=False,
                initial=getattr(review, f"score_{criterion.code}"),
            )
        self.fields = {**fields, **self.fields}
        self.fields["comment"].initial = review.comment
        self.fields["recommendation"].initial = review.recommendation

    def scores(self) -> dict[str, int | None]:
        return {c.code: self.cleaned_data.get(f"score_{c.code}") for c in RUBRIC}
