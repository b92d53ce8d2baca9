"""The one lifecycle engine: help tickets and award applications each declare a table of transitions.

A workflow is a table of `Transition` rows (from which states an action moves a record to which
state, which roles may take it, what it requires) and a `Lifecycle` that reads the table. The engine
is the only code that moves a record's status or writes a lifecycle event: it finds the row, checks the
roles, locks the record, saves it and records the event on the record's timeline, all in one
transaction. Each public service (`ticket_resolve`, `application_decide`, ...) does its own action's
work inside `Lifecycle.step`, so a step's side effects sit beside the step, not in a chain far away.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Requirement:
    """A value the action cannot be taken without, and what the user is told when it is blank."""

    name: str
    message: str | Promise
    code: str


@dataclass(frozen=True)
class Transition:
    """One row of a workflow's table. A row with no roles is taken by the system, never by a user."""

    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str] = frozenset()
    requires: tuple[Requirement, ...] = ()


def transition(
    action: str, sources: Iterable[str], target: str, *roles: str, requires: Iterable[Requirement] = ()
) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), tuple(requires))


class LifecycleEvent(models.Model):
    """One step on a record's timeline: who took which action, when, from which status to which.

    Each workflow's event model adds the foreign key to its record and the status fields with the
    record's choices.
    """

    action = models.CharField(_("action"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


@dataclass
class Step:
    """The record a step is being taken on, locked, and the moment the step is taken at."""

    record: Any
    at: datetime.datetime
    transition: Transition
    note: str = ""


@dataclass
class Lifecycle:
    """A workflow: its table and the roles a user holds on a record; its events are the record's `events`.

    `state_error` and `role_error` are the messages for an action that the record's status does not
    allow and for a role that may not take it; `on_save` is called on the record before each save
    (for example to bump an edit version).
    """

    model: type[models.Model]
    transitions: tuple[Transition, ...]
    roles: Callable[[Any, Any], set[str]]
    state_error: str | Promise
    role_error: str | Promise
    related: tuple[str, ...] = ()
    on_save: Callable[[Any, Any], None] | None = None
    actions: tuple[str, ...] = field(init=False)
    event_model: type[models.Model] = field(init=False)
    record_field: str = field(init=False)

    def __post_init__(self) -> None:
        # The timeline is the record's `events`: a LifecycleEvent with a foreign key to the record.
        events = self.model._meta.get_field("events")
        self.event_model, self.record_field = events.related_model, events.field.name
        # The actions users take, in the table's order; system-only actions are never offered.
        self.actions = tuple(dict.fromkeys(t.action for t in self.transitions if t.roles))

    def allowed(self, user, record) -> list[str]:
        """The actions the user may take on the record now, in the table's order."""
        roles = self.roles(user, record)
        allowed = {t.action for t in self.transitions if record.status in t.sources and t.roles & roles}
        return [action for action in self.actions if action in allowed]

    def find(self, action: str, status: str, roles: set[str] | None) -> Transition:
        """The row that lets these roles (None: the system) take the action from the status.

        ValidationError when the status does not allow the action at all, PermissionDenied when it
        does but not for these roles.
        """
        rows = [t for t in self.transitions if t.action == action]
        if not rows:
            raise ValidationError(_("Unknown action."), code="unknown")
        if not any(status in t.sources for t in rows):
            label = self.model._meta.get_field("status").choices
            raise ValidationError(self.state_error, code="state", params={"status": dict(label).get(status, status)})
        for row in rows:
            if status in row.sources and (roles is None or row.roles & roles):
                return row
        raise PermissionDenied(self.role_error)

    def next_status(self, action: str, status: str) -> str:
        """Where the table moves a record from `status` by `action`, whoever takes it: how seeded histories
        are built, so that they never hold a step the lifecycle would refuse."""
        return self.find(action, status, None).target

    def check(self, *, user, record, action: str) -> Transition:
        """Whether the user may take the action on the record as it is now; raises as `find` does."""
        return self.find(action, record.status, self.roles(user, record))

    def require(self, action: str, values: dict[str, Any]) -> None:
        """Refuse the action when a value it requires is blank."""
        for row in self.transitions:
            if row.action == action:
                for requirement in row.requires:
                    if not str(values.get(requirement.name) or "").strip():
                        raise ValidationError(requirement.message, code=requirement.code)
                return

    def lock(self, pk: int):
        """The record with its row locked until the transaction ends (its joined rows stay unlocked)."""
        return self.model.objects.select_for_update(of=("self",)).select_related(*self.related).get(pk=pk)

    def record(self, record, *, action: str, user, note: str = "", at=None, from_status: str | None = None) -> None:
        """Write one event on the record's timeline; the status is unchanged unless `from_status` says otherwise."""
        self.event_model.objects.create(
            **{self.record_field: record},
            action=action,
            from_status=record.status if from_status is None else from_status,
            to_status=record.status,
            actor=user,
            note=note,
            at=at or timezone.now(),
        )

    def apply(self, record, *, action: str, user, note: str = "", at=None, system: bool = False):
        """Move a record that the caller has locked: check the table, save the new status, record the event."""
        row = self.find(action, record.status, None if system else self.roles(user, record))
        self._finish(record, row, user=user, note=note, at=at or timezone.now())
        return record

    def _finish(self, record, row: Transition, *, user, note: str, at: datetime.datetime) -> None:
        previous = record.status
        record.status = row.target
        if self.on_save is not None:
            self.on_save(record, user)
        record.save()
        self.record(record, action=row.action, user=user, note=note, at=at, from_status=previous)

    @contextmanager
    def step(
        self,
        pk: int,
        *,
        action: str,
        user,
        note: str = "",
        at=None,
        check: Callable[[Any], None] | None = None,
        **values: Any,
    ) -> Iterator[Step]:
        """Take one step: check what it requires, lock the record, check the table, let the caller do the
        action's own work on `step.record`, then save and record the event, all in one transaction.

        `check` runs on the locked record before the table is consulted, for refusals that come first
        (for example "already decided"). The caller may change `step.note` before the event is written.
        """
        self.require(action, values)
        with transaction.atomic():
            record = self.lock(pk)
            if check is not None:
                check(record)
            row = self.find(action, record.status, self.roles(user, record))
            step = Step(record=record, at=at or timezone.now(), transition=row, note=note)
            yield step
            self._finish(record, row, user=user, note=step.note, at=step.at)
