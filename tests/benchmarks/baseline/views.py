"""The bare page: 25 tickets from one indexed query, in a template with no layout.

What a page costs at the least in this process (middleware, session, one query, a template); the
benchmark divides every real page's time by it.
"""

from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.views.decorators.http import require_GET

from assistance.models import Ticket

# Compiled once, as the cached template loader of production would.
TEMPLATE = engines["django"].from_string((Path(__file__).parent / "bare.html").read_text(encoding="utf-8"))


@login_not_required
@require_GET
def bare(request: HttpRequest) -> HttpResponse:
    tickets = Ticket.objects.order_by("-opened_at", "-id").values("number", "title", "status", "opened_at")[:25]
    return HttpResponse(TEMPLATE.render({"tickets": tickets}))
