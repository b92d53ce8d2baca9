from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.editing import VersionedForm
from clusters.fields import PK_RANGE, IdChoiceField, IdMultipleChoiceField
from clusters.models import User
from clusters.selectors import visible_clusters, visible_enterprises, visible_regions
from clusters.wording import bracketed
from config.once import SubmitOnceForm
from config.pinyin import Pinyin
from config.widgets import AutocompleteSelect, AutocompleteSelectMultiple

from .models import Priority, ServicePartner, Ticket, TicketCategory, Training, Visit
from .selectors import (
    active_experts,
    assignee_choices,
    in_team_today,
    inspector_choices,
    open_tickets,
    visible_teams,
)
from .services import team_of

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    # The page links the form's assets (the pickers') in its head and at the end of its body, once.
    helper.include_media = False
    return helper


def active_categories():
    return TicketCategory.objects.filter(active=True)


# The labels of the pickers' rows, the same in the page and in the autocomplete answers.


def user_label(user: User) -> str:
    return user.display_name


def ticket_label(ticket: Ticket) -> str:
    return bracketed(f"{ticket.number} {ticket.title}", ticket.enterprise.name)


ENTERPRISE_PICKER = "clusters:enterprise-autocomplete"


class TicketForm(SubmitOnceForm, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Ticket
        fields = ["enterprise", "category", "title", "description", "channel", "priority", "partner", "satisfaction"]
        field_classes = {"enterprise": IdChoiceField, "category": IdChoiceField, "partner": IdChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "enterprise": AutocompleteSelect(ENTERPRISE_PICKER),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = visible_enterprises(user=user).order_by(Pinyin("name"), "pk")
        categories = active_categories()
        if self.instance.pk:
            # A retired category stays selectable on the tickets that already use it.
            categories = categories | TicketCategory.objects.filter(pk=self.instance.category_id)
            self.fields["enterprise"].disabled = True
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["satisfaction"]
            del self.fields["version"]
        self.fields["category"].queryset = categories.distinct()
        self.fields["partner"].queryset = ServicePartner.objects.filter(active=True)
        self.helper = _helper(_("Save"))

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the ticket a title."))
        return title


class AssignForm(SubmitOnceForm):
    team = IdChoiceField(label=_("Team"), queryset=None)
    # Searched among the members of the team chosen beside it (the team's value goes with each search).
    assignee = IdChoiceField(
        label=_("Assignee"),
        queryset=None,
        widget=AutocompleteSelect("assistance:user-autocomplete", forward={"team": "team"}),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user: User, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        teams = visible_teams(user=user)
        self.fields["team"].queryset = teams
        self.initial.setdefault("team", ticket.team_id)
        self.initial.setdefault("assignee", ticket.assignee_id)
        assignees = assignee_choices(user=user, ticket=ticket)
        team_id = self._chosen_team_id()
        if team_id is not None:
            # Only today's members of the team chosen beside it: the picker asks for the same rows.
            assignees = in_team_today(users=assignees, team_id=team_id, user=user)
        self.fields["assignee"].queryset = assignees.order_by("username")
        self.fields["assignee"].label_from_instance = user_label
        self.fields["assignee"].error_messages["invalid_choice"] = _(
            "Choose one of today's members of the chosen team who can see this enterprise."
        )
        self.fields["assignee"].widget.params["ticket"] = ticket.pk

    def _chosen_team_id(self) -> int | None:
        """The team posted (or, on a fresh form, the ticket's own), when it reads as a record id."""
        raw = self.data.get(self.add_prefix("team")) if self.is_bound else self.initial.get("team")
        try:
            team_id = int(str(raw).strip())
        except (TypeError, ValueError):
            return None
        return team_id if team_id in PK_RANGE else None


class NoteForm(SubmitOnceForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(SubmitOnceForm):
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CancelForm(SubmitOnceForm):
    reason = forms.CharField(label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2}))


ACTION_FORMS = {"assign": AssignForm, "resolve": ResolveForm, "cancel": CancelForm}


def action_form(action: str, data=None, *, user: User, ticket: Ticket):
    form_class = ACTION_FORMS.get(action, NoteForm)
    if form_class is AssignForm:
        return form_class(data, user=user, ticket=ticket, prefix=action)
    return form_class(data, prefix=action)


class VisitForm(SubmitOnceForm, forms.ModelForm):
    """A visit, with an optional ticket raised during it; quick to fill on a phone."""

    raise_ticket = forms.BooleanField(label=_("Raise a help ticket from this visit"), required=False)
    ticket_category = IdChoiceField(label=_("Ticket category"), queryset=None, required=False)
    ticket_title = forms.CharField(label=_("Ticket title"), max_length=200, required=False)
    ticket_description = forms.CharField(
        label=_("Ticket description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    ticket_priority = forms.ChoiceField(
        label=_("Ticket priority"), choices=Priority.choices, initial=Priority.NORMAL, required=False
    )

    class Meta:
        model = Visit
        fields = [
            "date",
            "enterprise",
            "team",
            "inspectors",
            "experts",
            "purpose",
            "findings",
            "solved_on_site",
            "follow_up",
            "tickets_worked",
        ]
        field_classes = {
            "enterprise": IdChoiceField,
            "team": IdChoiceField,
            "inspectors": IdMultipleChoiceField,
            "experts": IdMultipleChoiceField,
            "tickets_worked": IdMultipleChoiceField,
        }
        widgets = {
            "date": DATE_INPUT,
            "findings": forms.Textarea(attrs={"rows": 3}),
            "solved_on_site": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
            "enterprise": AutocompleteSelect(ENTERPRISE_PICKER),
            "inspectors": AutocompleteSelectMultiple("assistance:user-autocomplete"),
            "experts": AutocompleteSelectMultiple("assistance:expert-autocomplete"),
            # Searched among the open tickets of the enterprise chosen above, the only ones `clean` accepts.
            "tickets_worked": AutocompleteSelectMultiple(
                "assistance:ticket-autocomplete", forward={"enterprise": "enterprise"}
            ),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.user = user
        self.fields["date"].initial = today
        self.fields["enterprise"].queryset = visible_enterprises(user=user).order_by(Pinyin("name"), "pk")
        self.fields["team"].queryset = visible_teams(user=user)
        self.fields["team"].initial = team_of(user, today)
        self.fields["inspectors"].queryset = inspector_choices(user=user).order_by("username")
        self.fields["inspectors"].initial = [user.pk]
        self.fields["inspectors"].label_from_instance = user_label
        self.fields["experts"].queryset = active_experts()
        self.fields["experts"].required = False
        self.fields["tickets_worked"].queryset = open_tickets(user=user)
        self.fields["tickets_worked"].label_from_instance = ticket_label
        self.fields["tickets_worked"].required = False
        self.fields["ticket_category"].queryset = active_categories()
        self.helper = _helper(_("Save visit"))

    def clean(self):
        cleaned = super().clean()
        enterprise = cleaned.get("enterprise")
        worked = cleaned.get("tickets_worked") or []
        if enterprise and any(t.enterprise_id != enterprise.pk for t in worked):
            self.add_error(
                "tickets_worked", _("Only tickets of the visited enterprise can be worked on in this visit.")
            )
        if cleaned.get("raise_ticket"):
            if not cleaned.get("ticket_category"):
                self.add_error("ticket_category", _("Choose the category of the new ticket."))
            if not (cleaned.get("ticket_title") or "").strip():
                self.add_error("ticket_title", _("Give the new ticket a title."))
        return cleaned

    def ticket_data(self) -> dict | None:
        if not self.cleaned_data.get("raise_ticket"):
            return None
        return {
            "category": self.cleaned_data["ticket_category"],
            "title": self.cleaned_data["ticket_title"].strip(),
            "description": self.cleaned_data.get("ticket_description", ""),
            "priority": self.cleaned_data.get("ticket_priority") or Priority.NORMAL,
        }

    def visit_data(self) -> dict:
        return {
            field: self.cleaned_data[field]
            for field in ("date", "enterprise", "team", "purpose", "findings", "solved_on_site", "follow_up")
        }


class TrainingForm(SubmitOnceForm, VersionedForm):
    class Meta:
        model = Training
        fields = [
            "date",
            "title",
            "category",
            "region",
            "place",
            "attendee_count",
            "clusters",
            "experts",
            "enterprises",
        ]
        field_classes = {
            "category": IdChoiceField,
            "region": IdChoiceField,
            "clusters": IdMultipleChoiceField,
            "experts": IdMultipleChoiceField,
            "enterprises": IdMultipleChoiceField,
        }
        widgets = {
            "date": DATE_INPUT,
            "clusters": AutocompleteSelectMultiple("clusters:cluster-autocomplete"),
            "experts": AutocompleteSelectMultiple("assistance:expert-autocomplete"),
            "enterprises": AutocompleteSelectMultiple(ENTERPRISE_PICKER),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = visible_regions(user=user)
        self.fields["region"].initial = user.jurisdiction_id
        categories = active_categories()
        if self.instance.pk:
            categories = categories | TicketCategory.objects.filter(pk=self.instance.category_id)
        self.fields["category"].queryset = categories.distinct()
        self.fields["clusters"].queryset = visible_clusters(user=user).order_by(Pinyin("name"), "pk")
        self.fields["experts"].queryset = active_experts()
        self.fields["enterprises"].queryset = visible_enterprises(user=user).order_by(Pinyin("name"), "pk")
        for name in ("clusters", "experts", "enterprises"):
            self.fields[name].required = False
        self.helper = _helper(_("Save"))


class AttachmentForm(SubmitOnceForm):
    file = forms.FileField(label=_("File"))


class ImportUploadForm(SubmitOnceForm):
    file = forms.FileField(
        label=_("Spreadsheet file"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file (.csv, UTF-8 or GBK) laid out as the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Upload and preview"))


class ImportConfirmForm(SubmitOnceForm):
    """The confirmation of a previewed import: no fields but its one-time token."""
