import io
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Concat
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from clusters.wording import listing
from config.autocomplete import autocomplete_response, id_param
from config.exports import Column, ListExport, export_requested, list_export_response, register_export
from config.freshness import kept
from config.pagination import paginate
from config.pinyin import Pinyin

from . import services
from .attachments import download_response
from .filters import TicketFilter, TrainingFilter, VisitFilter
from .forms import (
    AttachmentForm,
    ImportConfirmForm,
    ImportUploadForm,
    TicketForm,
    TrainingForm,
    VisitForm,
    action_form,
    ticket_label,
    user_label,
)
from .imports.planning import Action, template_sheets
from .imports.reading import ImportFileError, write_template
from .imports.services import ImportRefused, import_prepare
from .imports.services import import_confirm as confirm_import
from .models import SpreadsheetImport, Ticket
from .selectors import (
    active_experts,
    assignee_choices,
    get_attachment_for_user,
    get_rw_ticket_for_user,
    get_rw_training_for_user,
    get_team_for_user,
    get_ticket_for_user,
    get_training_for_user,
    get_visit_for_user,
    in_team_today,
    inspector_choices,
    my_open_tickets,
    my_team_waiting_tickets,
    open_tickets,
    ticket_records,
    ticket_table_rows,
    ticket_timeline,
    visible_tickets,
)
from .selectors import (
    team_list as select_team_list,
)
from .selectors import (
    ticket_list as select_ticket_list,
)
from .selectors import (
    training_list as select_training_list,
)
from .selectors import (
    visit_list as select_visit_list,
)

TICKET_COLUMNS = [
    Column(gettext_lazy("ID"), "pk"),
    Column(gettext_lazy("Number"), "number"),
    Column(gettext_lazy("Title"), "title"),
    Column(gettext_lazy("Enterprise"), "enterprise.name"),
    Column(gettext_lazy("Credit code"), "enterprise.credit_code"),
    Column(gettext_lazy("Cluster"), "enterprise.cluster.name"),
    Column(gettext_lazy("County"), "enterprise.county.name"),
    Column(gettext_lazy("Category"), "category.name"),
    Column(gettext_lazy("Priority"), "get_priority_display"),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("Team"), "team.name"),
    Column(gettext_lazy("Assignee"), lambda t: t.assignee.display_name if t.assignee else ""),
    Column(gettext_lazy("Opened"), "opened_at"),
    Column(gettext_lazy("Due"), "due_at"),
    Column(gettext_lazy("Overdue"), "overdue"),
    Column(gettext_lazy("Resolved"), "resolved_at"),
    Column(gettext_lazy("Closed"), "closed_at"),
    Column(gettext_lazy("Enterprise satisfaction"), "satisfaction"),
]
VISIT_COLUMNS = [
    Column(gettext_lazy("ID"), "pk"),
    Column(gettext_lazy("Date"), "date"),
    Column(gettext_lazy("Enterprise"), "enterprise.name"),
    Column(gettext_lazy("Credit code"), "enterprise.credit_code"),
    Column(gettext_lazy("Cluster"), "enterprise.cluster.name"),
    Column(gettext_lazy("Team"), "team.name"),
    Column(gettext_lazy("Inspectors"), lambda v: listing(u.display_name for u in v.inspectors.all())),
    Column(gettext_lazy("Purpose"), "purpose"),
    Column(gettext_lazy("Tickets raised"), "tickets_raised_count"),
]
TRAINING_COLUMNS = [
    Column(gettext_lazy("ID"), "pk"),
    Column(gettext_lazy("Date"), "date"),
    Column(gettext_lazy("Title"), "title"),
    Column(gettext_lazy("Topic"), "category.name"),
    Column(gettext_lazy("Organised in"), "region.name"),
    Column(gettext_lazy("Clusters"), lambda t: listing(c.name for c in t.clusters.all())),
    Column(gettext_lazy("Experts"), lambda t: listing(e.name for e in t.experts.all())),
    Column(gettext_lazy("Place"), "place"),
    Column(gettext_lazy("Attendees"), "attendee_count"),
]


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@permission_required("assistance.view_ticket", raise_exception=True)
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "my_tickets": ticket_table_rows(my_open_tickets(user=user))[:20],
        "team_tickets": ticket_table_rows(my_team_waiting_tickets(user=user))[:20],
        "my_visits": select_visit_list(user=user).filter(inspectors=user).order_by("-date", "-pk")[:10],
    }
    return render(request, "assistance/home.html", context)


# Tickets


def _ticket_filter(request: HttpRequest) -> TicketFilter:
    """The list's filters over the visible tickets; rows (`ticket_table_rows`) and exports
    (`ticket_records`) each read what they show of the tickets filtered."""
    queryset = visible_tickets(user=request.user).order_by("-opened_at", "-id")
    return TicketFilter(request.GET or None, queryset=queryset, request=request)


TICKET_EXPORT = register_export(
    ListExport(
        name="assistance:ticket-list",
        rows=lambda request: ticket_records(_ticket_filter(request).qs),
        columns=TICKET_COLUMNS,
        stem="tickets",
        title=gettext_lazy("Help tickets"),
        permission="assistance.view_ticket",
    )
)


@permission_required("assistance.view_ticket", raise_exception=True)
def ticket_list(request: HttpRequest) -> HttpResponse:
    ticket_filter = _ticket_filter(request)
    if fmt := export_requested(request):
        return list_export_response(request, TICKET_EXPORT, fmt, ticket_records(ticket_filter.qs))
    page = paginate(request, ticket_table_rows(ticket_filter.qs))
    return render(request, "assistance/ticket_list.html", {"filter": ticket_filter, "page": page})


@permission_required("assistance.view_ticket", raise_exception=True)
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_ticket_for_user(user=request.user, pk=pk)
    actions = [
        {"name": a, "label": services.ACTION_LABELS[a], "form": action_form(a, user=request.user, ticket=ticket)}
        for a in services.allowed_actions(request.user, ticket)
    ]
    context = {
        "ticket": ticket,
        "timeline": labelled_timeline(ticket_timeline(ticket=ticket)),
        "actions": actions,
        # The assets of the action forms' pickers, once for the page.
        "media": sum((action["form"].media for action in actions), forms.Media()),
        "can_edit": services.can_edit_ticket(request.user, ticket),
        "attachment_form": AttachmentForm(),
        "service_days": services.service_days(ticket.priority),
    }
    return render(request, "assistance/ticket_detail.html", context)


@permission_required("assistance.add_ticket", raise_exception=True)
def ticket_create(request: HttpRequest) -> HttpResponse:
    form = TicketForm(request.POST or None, user=request.user, initial={"enterprise": request.GET.get("enterprise")})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("satisfaction", "version")}
        ticket = services.ticket_create(user=request.user, **data)
        messages.success(request, _("Ticket %(number)s was opened.") % {"number": ticket.number})
        return redirect(ticket)
    return render(request, "assistance/ticket_form.html", {"form": form})


@permission_required("assistance.change_ticket", raise_exception=True)
def ticket_update(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_rw_ticket_for_user(user=request.user, pk=pk)
    form = TicketForm(request.POST or None, instance=ticket, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_update(
                ticket_id=ticket.pk,
                user=request.user,
                version=form.cleaned_data.get("version") or 0,
                data={k: v for k, v in form.cleaned_data.items() if k in services.EDITABLE_FIELDS},
            )
        except services.StaleEdit as error:
            messages.error(request, _errors(error))
            return render(request, "assistance/ticket_form.html", {"form": form, "ticket": ticket}, status=409)
        messages.success(request, _("Ticket %(number)s was saved.") % {"number": ticket.number})
        return redirect(ticket)
    return render(request, "assistance/ticket_form.html", {"form": form, "ticket": ticket})


TRANSITION_SERVICES = {
    "assign": services.ticket_assign,
    "start": services.ticket_start,
    "wait": services.ticket_wait,
    "resume": services.ticket_resume,
    "resolve": services.ticket_resolve,
    "close": services.ticket_close,
    "reopen": services.ticket_reopen,
    "cancel": services.ticket_cancel,
}


@require_POST
@permission_required("assistance.view_ticket", raise_exception=True)
def ticket_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in TRANSITION_SERVICES:
        raise Http404
    ticket = get_ticket_for_user(user=request.user, pk=pk)
    try:
        # A role that may not take the action is refused (403) before its form is even read.
        services.ticket_check(user=request.user, ticket=ticket, action=action)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect(ticket)
    return step_response(
        request,
        record=ticket,
        form=action_form(action, request.POST, user=request.user, ticket=ticket),
        take=lambda data: TRANSITION_SERVICES[action](ticket_id=ticket.pk, user=request.user, **data),
        done=lambda moved, data: ticket_step_message(action, moved),
    )


def labelled_events(events, labels: dict) -> list:
    """The events with `label`, their action as the timeline names it (for a step that moved no status)."""
    events = list(events)
    for event in events:
        event.label = labels.get(event.action, event.action)
    return events


def labelled_timeline(timeline: list[dict]) -> list[dict]:
    labelled_events((entry["item"] for entry in timeline if entry["kind"] == "event"), services.ACTION_LABELS)
    return timeline


def ticket_step_message(action: str, ticket: Ticket) -> str:
    """What a step did to which ticket, said as a sentence: "工单 TS-2026-000005 已分派给第二工作组（王立新）。"."""
    values = {"number": ticket.number}
    if action == "assign":
        values |= {"team": ticket.team.name, "assignee": ticket.assignee.display_name}
    elif action == "wait":
        values["enterprise"] = ticket.enterprise.name
    elif action == "resume":
        values["due"] = timezone.localtime(ticket.due_at).strftime("%Y-%m-%d %H:%M")
    return TICKET_STEP_MESSAGES[action] % values


TICKET_STEP_MESSAGES = {
    "assign": gettext_lazy("Ticket %(number)s was assigned to %(team)s (%(assignee)s)."),
    "start": gettext_lazy("Work on ticket %(number)s has started."),
    "wait": gettext_lazy("Ticket %(number)s is waiting on %(enterprise)s; its service clock is paused."),
    "resume": gettext_lazy("Work on ticket %(number)s has resumed; it is now due %(due)s."),
    "resolve": gettext_lazy("Ticket %(number)s was resolved; a manager closes it."),
    "close": gettext_lazy("Ticket %(number)s was closed."),
    "reopen": gettext_lazy("Ticket %(number)s was reopened."),
    "cancel": gettext_lazy("Ticket %(number)s was cancelled."),
}


def step_response(
    request: HttpRequest,
    *,
    record,
    form,
    take: Callable[[dict], object],
    done: Callable[[object, dict], str],
) -> HttpResponse:
    """Validate a lifecycle step's form and take the step through its service (both workflows' pages use this).

    A form error or a refusal of the service becomes a message on the record's page; PermissionDenied is the 403.
    `done(result, data)` says what the step did, from what the service returned and the form's data.
    """
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(record)
    try:
        result = take(form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect(record)
    messages.success(request, done(result, form.cleaned_data))
    return redirect(record)


@require_POST
@permission_required("assistance.add_attachment", raise_exception=True)
def ticket_attach(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_ticket_for_user(user=request.user, pk=pk)
    return _attach(request, redirect_to=ticket, ticket=ticket)


def _attach(request: HttpRequest, *, redirect_to, **owner) -> HttpResponse:
    # Adding a file is not editing the record: whoever may see it and holds add_attachment may add evidence,
    # so the attach views take the record with the read helper; the service refuses finished tickets.
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect(redirect_to)
    try:
        attachment = services.attachment_add(user=request.user, upload=form.cleaned_data["file"], **owner)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect(redirect_to)
    messages.success(request, _("%(name)s was attached.") % {"name": attachment.original_name})
    return redirect(redirect_to)


@permission_required("assistance.view_attachment", raise_exception=True)
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    return download_response(get_attachment_for_user(user=request.user, pk=pk))


# Visits


def _visit_filter(request: HttpRequest) -> VisitFilter:
    queryset = select_visit_list(user=request.user).order_by("-date", "-pk")
    return VisitFilter(request.GET or None, queryset=queryset, request=request)


VISIT_EXPORT = register_export(
    ListExport(
        name="assistance:visit-list",
        rows=lambda request: _visit_filter(request).qs,
        columns=VISIT_COLUMNS,
        stem="visits",
        title=gettext_lazy("Visits"),
        permission="assistance.view_visit",
    )
)


@permission_required("assistance.view_visit", raise_exception=True)
def visit_list(request: HttpRequest) -> HttpResponse:
    visit_filter = _visit_filter(request)
    if fmt := export_requested(request):
        return list_export_response(request, VISIT_EXPORT, fmt, visit_filter.qs)
    return render(
        request, "assistance/visit_list.html", {"filter": visit_filter, "page": paginate(request, visit_filter.qs)}
    )


@permission_required("assistance.view_visit", raise_exception=True)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(user=request.user, pk=pk)
    context = {
        "visit": visit,
        "inspectors": visit.inspectors.all(),
        "experts": visit.experts.all(),
        "tickets_worked": ticket_table_rows(visit.tickets_worked.order_by("pk")),
        "tickets_raised": ticket_table_rows(visit.tickets_raised.order_by("pk")),
        "attachments": visit.attachments.select_related("uploaded_by"),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "assistance/visit_detail.html", context)


@permission_required("assistance.add_visit", raise_exception=True)
def visit_create(request: HttpRequest) -> HttpResponse:
    initial = {"enterprise": request.GET.get("enterprise")}
    form = VisitForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        raise_ticket = form.ticket_data()
        if raise_ticket and not request.user.has_perm("assistance.add_ticket"):
            raise PermissionDenied
        visit = services.visit_create(
            user=request.user,
            data=form.visit_data(),
            inspectors=form.cleaned_data["inspectors"],
            experts=form.cleaned_data["experts"],
            tickets_worked=form.cleaned_data["tickets_worked"],
            raise_ticket=raise_ticket,
        )
        logged = _("The visit to %(name)s was logged.") % {"name": visit.enterprise.name}
        raised = visit.tickets_raised.order_by("pk").first()
        if raised is None:
            messages.success(request, logged)
        else:
            # The ticket's number and title come from input: format_html escapes them, the tag lets the link through.
            messages.success(
                request,
                format_html(
                    '{} {} <a href="{}" class="alert-link">{}</a>',
                    logged,
                    _("Ticket raised:"),
                    raised.get_absolute_url(),
                    f"{raised.number} {raised.title}",
                ),
                extra_tags="safe",
            )
        return redirect(visit)
    return render(request, "assistance/visit_form.html", {"form": form, "today": timezone.localdate()})


@require_POST
@permission_required("assistance.add_attachment", raise_exception=True)
def visit_attach(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(user=request.user, pk=pk)
    return _attach(request, redirect_to=visit, visit=visit)


# Trainings


def _training_filter(request: HttpRequest) -> TrainingFilter:
    queryset = select_training_list(user=request.user).order_by("-date", "-pk")
    return TrainingFilter(request.GET or None, queryset=queryset, request=request)


TRAINING_EXPORT = register_export(
    ListExport(
        name="assistance:training-list",
        rows=lambda request: _training_filter(request).qs,
        columns=TRAINING_COLUMNS,
        stem="trainings",
        title=gettext_lazy("Trainings"),
        permission="assistance.view_training",
    )
)


@permission_required("assistance.view_training", raise_exception=True)
def training_list(request: HttpRequest) -> HttpResponse:
    training_filter = _training_filter(request)
    if fmt := export_requested(request):
        return list_export_response(request, TRAINING_EXPORT, fmt, training_filter.qs)
    return render(
        request,
        "assistance/training_list.html",
        {"filter": training_filter, "page": paginate(request, training_filter.qs)},
    )


@permission_required("assistance.view_training", raise_exception=True)
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = get_training_for_user(user=request.user, pk=pk)
    context = {
        "training": training,
        "clusters": training.clusters.all(),
        "experts": training.experts.all(),
        "enterprises": training.enterprises.all(),
    }
    return render(request, "assistance/training_detail.html", context)


@permission_required("assistance.add_training", raise_exception=True)
def training_create(request: HttpRequest) -> HttpResponse:
    form = TrainingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        training = services.training_create(user=request.user, data=form.cleaned_data)
        messages.success(request, _("The training was recorded."))
        return redirect(training)
    return render(request, "assistance/training_form.html", {"form": form})


@permission_required("assistance.change_training", raise_exception=True)
def training_update(request: HttpRequest, pk: int) -> HttpResponse:
    training = get_rw_training_for_user(user=request.user, pk=pk)
    form = TrainingForm(request.POST or None, instance=training, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_update(
                training_id=training.pk, user=request.user, version=form.opened_version, data=form.cleaned_data
            )
        except services.StaleEdit as error:
            messages.error(request, _errors(error))
            context = {"form": form, "training": training}
            return render(request, "assistance/training_form.html", context, status=409)
        messages.success(request, _("The training was saved."))
        return redirect(training)
    return render(request, "assistance/training_form.html", {"form": form, "training": training})


# Teams


@permission_required("assistance.view_supportteam", raise_exception=True)
def team_list(request: HttpRequest) -> HttpResponse:
    teams = select_team_list(user=request.user).order_by(Pinyin("name"), "pk")
    # Each row counts all of its team's tickets: the page's rows are kept until a record changes.
    page = paginate(request, teams, keep="team-list")
    return render(request, "assistance/team_list.html", {"page": page})


@permission_required("assistance.view_supportteam", raise_exception=True)
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_team_for_user(user=request.user, pk=pk)
    tickets = select_ticket_list(user=request.user).filter(team=team)
    context = {
        "team": team,
        "memberships": team.memberships.select_related("user").order_by("left_on", "joined_on"),
        "experts": team.experts.all(),
        "clusters": team.clusters.select_related("county"),
        # Soonest due first, so the overdue lead; read from the index, however many tickets the team has had.
        "open_tickets": ticket_table_rows(tickets.filter(status__in=Ticket.OPEN_STATUSES).order_by("due_at", "id"))[
            :50
        ],
        "resolved_tickets": ticket_table_rows(
            tickets.filter(status__in=Ticket.DONE_STATUSES).order_by("-resolved_at", "-id")
        )[:20],
        "resolved_count": kept(
            "team-resolved",
            (request.user.pk, team.pk),
            tickets.filter(status__in=Ticket.DONE_STATUSES).count,
        ),
        "visits": select_visit_list(user=request.user).filter(team=team).order_by("-date")[:20],
    }
    return render(request, "assistance/team_detail.html", context)


# Pickers (config/widgets.py): the rows a form's searchable field offers, from the selector it validates against.


@require_GET
@permission_required("assistance.view_ticket", raise_exception=True)
def ticket_autocomplete(request: HttpRequest) -> JsonResponse:
    """Open tickets the user may see, by number, title or enterprise name (`?status=any`: finished ones too);
    `?enterprise=` keeps one enterprise's."""
    user = request.user
    tickets = visible_tickets(user=user) if request.GET.get("status") == "any" else open_tickets(user=user)
    enterprise = id_param(request, "enterprise")
    if enterprise is not None:
        tickets = tickets.filter(enterprise_id=enterprise)
    return autocomplete_response(
        request,
        tickets.select_related("enterprise"),
        search=("number", "title", "enterprise__name"),
        order=("-number", "-pk"),
        label=ticket_label,
    )


@require_GET
@permission_required("assistance.view_supportteam", raise_exception=True)
def user_autocomplete(request: HttpRequest) -> JsonResponse:
    """Team members by user name or full name: those a visit may name as inspectors, or with `?ticket=`
    those the ticket may be assigned to (managers only); `?team=` keeps today's members of one team."""
    user = request.user
    ticket_id = id_param(request, "ticket")
    if ticket_id is None:
        users = inspector_choices(user=user)
    else:
        if not user.has_perm("assistance.manage_ticket"):
            raise PermissionDenied
        users = assignee_choices(user=user, ticket=get_ticket_for_user(user=user, pk=ticket_id))
    team_id = id_param(request, "team")
    if team_id is not None:
        users = in_team_today(users=users, team_id=team_id, user=user)
    return autocomplete_response(
        request,
        users.annotate(full_name=Concat("last_name", "first_name")),
        search=("username", "full_name"),
        order=("username", "pk"),
        label=user_label,
    )


@require_GET
@permission_required("assistance.view_expert", raise_exception=True)
def expert_autocomplete(request: HttpRequest) -> JsonResponse:
    """Active experts by name, organisation or speciality."""
    return autocomplete_response(
        request,
        active_experts(),
        search=("name", "organisation", "specialities"),
        order=(Pinyin("name"), "pk"),
        label=str,
    )


# Imports of enterprises and their holdings from the counties' spreadsheets


IMPORT_TEMPLATES = {"enterprises": "企业导入模板.xlsx", "holdings": "企业荣誉标准商标导入模板.xlsx"}


@permission_required("assistance.import_enterprises", raise_exception=True)
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            prepared = import_prepare(user=request.user, handle=upload, name=upload.name)
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            return redirect("assistance:import-preview", prepared.token)
    return render(request, "assistance/import_start.html", {"form": form, "templates": IMPORT_TEMPLATES})


@require_GET
@permission_required("assistance.import_enterprises", raise_exception=True)
def import_template(request: HttpRequest, kind: str) -> FileResponse:
    if kind not in IMPORT_TEMPLATES:
        raise Http404
    data = write_template(template_sheets(kind))
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=IMPORT_TEMPLATES[kind])


def _upload_for_user(request: HttpRequest, token) -> SpreadsheetImport:
    """An upload is seen only by the user who sent it."""
    return get_object_or_404(SpreadsheetImport, token=token, user=request.user)


@require_GET
@permission_required("assistance.import_enterprises", raise_exception=True)
def import_preview(request: HttpRequest, token) -> HttpResponse:
    upload = _upload_for_user(request, token)
    preview = upload.preview
    shown = request.GET.get("action")
    rows = [row for row in preview["rows"] if row["action"] == shown] if shown in Action.ORDER else preview["rows"]
    totals = preview["totals"]
    context = {
        "upload": upload,
        "preview": preview,
        "totals": [(action, Action.LABELS[action], totals[action]) for action in Action.ORDER],
        "labels": Action.LABELS,
        "shown": shown if shown in Action.ORDER else "",
        "page": paginate(request, rows),
        "has_errors": bool(preview["file_errors"]) or totals[Action.ERROR] > 0,
        "writes": totals[Action.CREATE] + totals[Action.UPDATE],
        "form": ImportConfirmForm(),
    }
    return render(request, "assistance/import_preview.html", context)


@require_POST
@permission_required("assistance.import_enterprises", raise_exception=True)
def import_confirm(request: HttpRequest, token) -> HttpResponse:
    upload = _upload_for_user(request, token)
    try:
        plan = confirm_import(upload_id=upload.pk, user=request.user)
    except ImportRefused as error:
        messages.error(request, error.message)
        return redirect("assistance:import-preview", upload.token)
    totals = plan.totals()
    messages.success(
        request,
        _("%(file)s was imported: %(create)d created, %(update)d updated, %(unchanged)d unchanged.")
        % {"file": upload.file_name, **totals},
    )
    return redirect("clusters:enterprise-list")
