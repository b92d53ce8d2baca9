import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.fields import IdChoiceField
from clusters.models import User
from clusters.selectors import visible_regions

from .summary import ROUNDING_ARTICLES

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def validate_report_date(value: datetime.date) -> None:
    """A report's date: not before the earliest record, not more than REPORT_FUTURE_DAYS ahead."""
    earliest = settings.EARLIEST_RECORD_DATE
    latest = timezone.localdate() + datetime.timedelta(days=settings.REPORT_FUTURE_DAYS)
    if value < earliest:
        raise ValidationError(
            _("Reports start no earlier than %(earliest)s."),
            code="too_early",
            params={"earliest": earliest.isoformat()},
        )
    if value > latest:
        raise ValidationError(
            _("Reports end no later than %(latest)s."), code="too_late", params={"latest": latest.isoformat()}
        )


def _longer_than_allowed(since: datetime.date, until: datetime.date) -> bool:
    years = settings.REPORT_MAX_YEARS
    try:
        limit = since.replace(year=since.year + years)
    except ValueError:  # 29 February
        limit = since.replace(year=since.year + years, day=28)
    return until > limit


def _report_date(**kwargs) -> forms.DateField:
    return forms.DateField(widget=DATE_INPUT, validators=[validate_report_date], **kwargs)


def _max_years_message() -> str:
    return _("A report covers at most %(years)s years.") % {"years": settings.REPORT_MAX_YEARS}


class SummaryForm(forms.Form):
    region = IdChoiceField(label=_("Region"), queryset=None, to_field_name="code")
    as_of = _report_date(label=_("As of"))
    since = _report_date(label=_("Since"), required=False)
    base_year = forms.IntegerField(
        label=_("Compare with the end of year"), required=False, min_value=2000, max_value=2100
    )
    # `rounding=articles`: the paragraph rounds its larger counts as the articles do ("150余项").
    rounding = forms.BooleanField(
        label=_("Round as the articles do"),
        required=False,
        widget=forms.CheckboxInput(attrs={"value": ROUNDING_ARTICLES, "class": "form-check-input"}),
    )

    def __init__(self, data=None, *, user: User, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["region"].queryset = visible_regions(user=user).exclude(code__isnull=True).order_by("code")
        self.fields["as_of"].initial = timezone.localdate()
        if user.jurisdiction and user.jurisdiction.code:
            self.fields["region"].initial = user.jurisdiction.code

    @classmethod
    def for_query(cls, query, *, user: User) -> "SummaryForm":
        """The form of the query; on the first visit (none of its fields asked for) the defaults the boxes
        show, the user's region as of today, so that the summary runs without pressing the button."""
        if any(name in query for name in cls.base_fields):
            return cls(query, user=user)
        blank = cls(user=user)
        region = blank.fields["region"].initial
        if not region:
            return cls(query or None, user=user)
        data = query.copy()
        data["region"] = region
        data["as_of"] = blank.fields["as_of"].initial.isoformat()
        return cls(data, user=user)

    def clean(self):
        cleaned = super().clean()
        as_of, since, base_year = cleaned.get("as_of"), cleaned.get("since"), cleaned.get("base_year")
        if as_of and since and since > as_of:
            self.add_error("since", _("The start must not be later than the as-of date."))
        elif as_of and since and _longer_than_allowed(since, as_of):
            self.add_error("since", _max_years_message())
        if as_of and base_year and datetime.date(base_year, 12, 31) >= as_of:
            self.add_error("base_year", _("The base year must end before the as-of date."))
        return cleaned


class PeriodForm(forms.Form):
    """A date range; this year so far unless the user asks for another."""

    since = _report_date(label=_("From"), required=False)
    until = _report_date(label=_("Until"), required=False)

    def clean(self):
        cleaned = super().clean()
        if "since" not in self.errors and "until" not in self.errors:
            since, until = self._chosen(cleaned.get("since"), cleaned.get("until"))
            if _longer_than_allowed(since, until):
                self.add_error("since" if cleaned.get("since") else "until", _max_years_message())
        return cleaned

    @staticmethod
    def _chosen(since: datetime.date | None, until: datetime.date | None) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        since, until = since or datetime.date(today.year, 1, 1), until or today
        return (until, since) if since > until else (since, until)

    def period(self) -> tuple[datetime.date, datetime.date]:
        if self.is_bound and self.is_valid():
            return self._chosen(self.cleaned_data["since"], self.cleaned_data["until"])
        return self._chosen(None, None)


class YearForm(forms.Form):
    """The year a yearly report covers."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
