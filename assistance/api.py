"""The bureau's work in the JSON API: help tickets with their events, visits and trainings."""

import datetime

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from clusters.selectors import visible_enterprises
from config.api_support import MAX_ID, ListPagination, Ref, RegionRef, UserRef, filtered, query_schema, require_perm

from .filters import TicketFilter, TrainingFilter, VisitFilter
from .models import TicketEvent
from .selectors import ticket_list, training_list, visible_tickets, visit_list

router = Router(tags=["assistance"])

TicketQuery = query_schema("TicketQuery", TicketFilter)
VisitQuery = query_schema("VisitQuery", VisitFilter)
TrainingQuery = query_schema("TrainingQuery", TrainingFilter)


class EnterpriseRef(Schema):
    id: int
    name: str
    credit_code: str


class TicketEventOut(Schema):
    action: str
    from_status: str
    to_status: str
    at: datetime.datetime
    actor: str | None = Field(None, alias="actor.username")
    note: str


class TicketOut(Schema):
    id: int
    number: str
    title: str
    description: str
    enterprise: EnterpriseRef
    cluster: Ref | None = Field(None, alias="enterprise.cluster")
    county: RegionRef = Field(..., alias="enterprise.county")
    category: Ref
    channel: str
    priority: str
    status: str
    team: Ref | None
    assignee: UserRef | None
    opened_at: datetime.datetime
    due_at: datetime.datetime
    overdue: bool
    resolved_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    resolution: str
    satisfaction: int | None
    events: list[TicketEventOut]


class TicketRef(Schema):
    id: int
    number: str


class VisitOut(Schema):
    id: int
    date: datetime.date
    enterprise: EnterpriseRef
    cluster: Ref | None = Field(None, alias="enterprise.cluster")
    team: Ref | None
    inspectors: list[UserRef]
    experts: list[Ref]
    purpose: str
    findings: str
    solved_on_site: str
    follow_up: str
    tickets_worked: list[TicketRef]
    tickets_raised_count: int


class TrainingOut(Schema):
    id: int
    date: datetime.date
    title: str
    category: Ref
    region: RegionRef
    clusters: list[Ref]
    experts: list[Ref]
    enterprises: list[EnterpriseRef]
    place: str
    attendee_count: int


def _tickets(request: HttpRequest):
    require_perm(request, "assistance.view_ticket")
    events = TicketEvent.objects.select_related("actor").order_by("at", "pk")
    tickets = ticket_list(user=request.user).prefetch_related(Prefetch("events", events))
    return tickets.order_by("-opened_at", "-id")


def _visits(request: HttpRequest):
    require_perm(request, "assistance.view_visit")
    # A visit names only the tickets and the enterprises the user may see, as its page does.
    worked = visible_tickets(user=request.user).order_by("number").only("pk", "number")
    visits = visit_list(user=request.user).prefetch_related("experts", Prefetch("tickets_worked", worked))
    return visits.order_by("-date", "-pk")


def _trainings(request: HttpRequest):
    require_perm(request, "assistance.view_training")
    enterprises = visible_enterprises(user=request.user).order_by("name", "pk")
    trainings = training_list(user=request.user).prefetch_related(Prefetch("enterprises", enterprises))
    return trainings.order_by("-date", "-pk")


@router.get("/tickets/", response=list[TicketOut], summary="Help tickets")
@paginate(ListPagination)
def tickets(request: HttpRequest, filters: Query[TicketQuery]):
    """The help tickets of the token's jurisdiction with their events, filtered and sorted as the ticket list
    page is (newest first unless `ordering` says otherwise)."""
    return filtered(request, TicketFilter, _tickets(request))


@router.get("/tickets/{pk}/", response=TicketOut, summary="Help ticket")
def ticket(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)):
    """One help ticket with its events; 404 outside the jurisdiction."""
    return get_object_or_404(_tickets(request), pk=pk)


@router.get("/visits/", response=list[VisitOut], summary="Visits")
@paginate(ListPagination)
def visits(request: HttpRequest, filters: Query[VisitQuery]):
    """Visits to enterprises of the token's jurisdiction, newest first, filtered as the visit list page is."""
    return filtered(request, VisitFilter, _visits(request))


@router.get("/visits/{pk}/", response=VisitOut, summary="Visit")
def visit(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)):
    """One visit; 404 outside the jurisdiction."""
    return get_object_or_404(_visits(request), pk=pk)


@router.get("/trainings/", response=list[TrainingOut], summary="Trainings")
@paginate(ListPagination)
def trainings(request: HttpRequest, filters: Query[TrainingQuery]):
    """Trainings organised in the token's jurisdiction, newest first, filtered as the training list page is."""
    return filtered(request, TrainingFilter, _trainings(request))


@router.get("/trainings/{pk}/", response=TrainingOut, summary="Training")
def training(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)):
    """One training; 404 outside the jurisdiction."""
    return get_object_or_404(_trainings(request), pk=pk)
