import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.fields import IdChoiceField
from clusters.models import User
from clusters.selectors import visible_regions

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SummaryForm(forms.Form):
    region = IdChoiceField(label=_("Region"), queryset=None, to_field_name="code")
    as_of = forms.DateField(label=_("As of"), widget=DATE_INPUT)
    since = forms.DateField(label=_("Since"), required=False, widget=DATE_INPUT)
    base_year = forms.IntegerField(
        label=_("Compare with the end of year"), required=False, min_value=2000, max_value=2100
    )

    def __init__(self, data=None, *, user: User, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["region"].queryset = visible_regions(user).exclude(code__isnull=True).order_by("code")
        self.fields["as_of"].initial = timezone.localdate()
        if user.jurisdiction and user.jurisdiction.code:
            self.fields["region"].initial = user.jurisdiction.code

    def clean(self):
        cleaned = super().clean()
        as_of, since, base_year = cleaned.get("as_of"), cleaned.get("since"), cleaned.get("base_year")
        if as_of and since and since > as_of:
            self.add_error("since", _("The start must not be later than the as-of date."))
        if as_of and base_year and datetime.date(base_year, 12, 31) >= as_of:
            self.add_error("base_year", _("The base year must end before the as-of date."))
        return cleaned


class PeriodForm(forms.Form):
    """A date range; this year so far unless the user asks for another."""

    since = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=_("Until"), required=False, widget=DATE_INPUT)

    def period(self) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        since, until = datetime.date(today.year, 1, 1), today
        if self.is_bound and self.is_valid():
            since = self.cleaned_data["since"] or since
            until = self.cleaned_data["until"] or until
        if since > until:
            since, until = until, since
        return since, until
