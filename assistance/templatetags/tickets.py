"""The rows of a ticket table, written in Python: every list of tickets shows them, twenty-five at a time.

The same markup as a template loop would give, at a fraction of its cost: a template resolves each
of a row's dozen values through its lookup rules and escapes them one by one, and the ticket list's
rows were most of its rendering time. The rows are plain values (`selectors.ticket_table_rows`), not
model instances, and every value a record holds is escaped here.
"""

import html
from collections.abc import Iterable, Mapping

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from assistance.models import Ticket
from assistance.selectors import ticket_row_names
from clusters.models import User
from config.links import url

register = template.Library()


def escape(value) -> str:
    """What Django's `escape` writes, without its check for lazy text on each of a page's hundreds of calls."""
    return html.escape(str(value))


_ROW = (
    '<tr{overdue_row}><td class="text-nowrap card-head ticket-number"><a href="{url}">{number}</a></td>'
    '<td class="card-title ticket-title">{title}</td>'
    '<td class="ticket-enterprise" data-label="{enterprise_label}">{enterprise}</td>'
    '<td data-label="{cluster_label}">{cluster}</td>'
    '<td data-label="{category_label}">{category}</td>'
    '<td class="card-aside ticket-status"><span class="badge {badge}">{status}</span></td>'
    '<td data-label="{assignee_label}">{assignee}</td>'
    '<td class="text-nowrap ticket-due" data-label="{due_label}">{due}{overdue_badge}</td></tr>\n'
)
_OVERDUE_ROW = ' class="table-danger"'
# Any number stands for the ticket's id in its address; reversing once serves every row.
_ID = 999999937
_NONE = "—"


def _detail_url():
    address = url("assistance:ticket-detail", _ID)
    head, tail = address.split(str(_ID))
    return lambda pk: f"{head}{pk}{tail}"


@register.simple_tag
def ticket_rows(tickets: Iterable[Mapping]) -> SafeString:
    """The `<tr>` of each ticket: number (a link), title, enterprise, cluster, category, status, assignee, due."""
    tickets = list(tickets)
    if not tickets:
        return mark_safe("")
    names = ticket_row_names()
    clusters, categories = names["clusters"], names["categories"]
    url = _detail_url()
    labels = {
        "enterprise_label": escape(_("Enterprise")),
        "cluster_label": escape(_("Cluster")),
        "category_label": escape(_("Category")),
        "assignee_label": escape(_("Assignee")),
        "due_label": escape(_("Due")),
    }
    statuses = {value: escape(label) for value, label in Ticket.Status.choices}
    overdue_badge = f' <span class="badge text-bg-danger">{escape(_("Overdue"))}</span>'
    now = timezone.now()

    def row(ticket: Mapping) -> str:
        overdue = ticket.get("overdue")
        if overdue is None:
            overdue = Ticket.overdue_of(ticket["status"], ticket["due_at"], ticket["waiting_since"], now)
        cluster = clusters.get(ticket["enterprise__cluster"])
        assignee = ticket["assignee__username"]
        due = ticket["due_at"]
        return _ROW.format(
            overdue_row=_OVERDUE_ROW if overdue else "",
            url=url(ticket["pk"]),
            number=escape(ticket["number"]),
            title=escape(ticket["title"]),
            enterprise=escape(ticket["enterprise__name"]),
            cluster=escape(cluster) if cluster is not None else _NONE,
            category=escape(categories.get(ticket["category"], "")),
            badge=Ticket.badge_for(ticket["status"]),
            status=statuses.get(ticket["status"], escape(ticket["status"])),
            assignee=(
                escape(User.name_of(ticket["assignee__last_name"], ticket["assignee__first_name"], assignee))
                if assignee is not None
                else _NONE
            ),
            # Called here, not in a template, no filter gives the local time: the due day is Beijing's.
            due=timezone.localtime(due).date().isoformat() if due else "",
            overdue_badge=overdue_badge if overdue else "",
            **labels,
        )

    return mark_safe("".join(row(ticket) for ticket in tickets))
