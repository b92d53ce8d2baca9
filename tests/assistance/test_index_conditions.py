"""The partial indexes of tickets name the statuses the model's own lists of statuses hold."""

from assistance.models import Ticket


def _condition(name: str) -> set[str]:
    index = next(index for index in Ticket._meta.indexes if index.name == name)
    ((lookup, values),) = index.condition.children
    assert lookup == "status__in"
    return set(values)


def test_the_open_and_done_indexes_hold_exactly_the_open_and_done_statuses():
    assert _condition("ticket_team_open_due") == set(Ticket.OPEN_STATUSES)
    assert _condition("ticket_team_resolved") == set(Ticket.DONE_STATUSES)
