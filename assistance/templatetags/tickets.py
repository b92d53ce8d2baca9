"""The rows of a ticket table, written in Python: every list of tickets shows them, twenty-five at a time.

The same markup as a template loop would give, at a fraction of its cost: a template resolves each
of a row's dozen values through its lookup rules and escapes them one by one, and the ticket list's
rows were most of its rendering time. Values are escaped here by `format_html`.
"""

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

_ROW = (
    '<tr{}><td class="text-nowrap card-head ticket-number"><a href="{}">{}</a></td>'
    '<td class="card-title ticket-title">{}</td>'
    '<td class="ticket-enterprise" data-label="{}">{}</td>'
    '<td data-label="{}">{}</td>'
    '<td data-label="{}">{}</td>'
    '<td class="card-aside ticket-status"><span class="badge {}">{}</span></td>'
    '<td data-label="{}">{}</td>'
    '<td class="text-nowrap ticket-due" data-label="{}">{}{}</td></tr>\n'
)
_OVERDUE_ROW = mark_safe(' class="table-danger"')
# Any number stands for the ticket's id in its address; reversing once serves every row.
_ID = 999999937


def _detail_url():
    address = reverse("assistance:ticket-detail", args=[_ID])
    head, tail = address.split(str(_ID))
    return lambda pk: f"{head}{pk}{tail}"


@register.simple_tag
def ticket_rows(tickets) -> SafeString:
    """The `<tr>` of each ticket: number (a link), title, enterprise, cluster, category, status, assignee, due."""
    url = _detail_url()
    labels = {
        "enterprise": _("Enterprise"),
        "cluster": _("Cluster"),
        "category": _("Category"),
        "assignee": _("Assignee"),
        "due": _("Due"),
    }
    overdue_badge = format_html(' <span class="badge text-bg-danger">{}</span>', _("Overdue"))

    def row(ticket):
        overdue = getattr(ticket, "overdue", False)
        cluster = ticket.enterprise.cluster
        assignee = ticket.assignee
        return (
            _OVERDUE_ROW if overdue else "",
            url(ticket.pk),
            ticket.number,
            ticket.title,
            labels["enterprise"],
            ticket.enterprise.name,
            labels["cluster"],
            cluster.name if cluster else "—",
            labels["category"],
            ticket.category.name,
            ticket.status_badge,
            ticket.get_status_display(),
            labels["assignee"],
            assignee.display_name if assignee else "—",
            labels["due"],
            # Called here, not in a template, the filter gets no local time of its own: the due day is Beijing's.
            date_filter(timezone.localtime(ticket.due_at) if ticket.due_at else None, "Y-m-d"),
            overdue_badge if overdue else "",
        )

    return format_html_join("", _ROW, (row(ticket) for ticket in tickets))
