"""Panels: sections that other parts of the system add to an enterprise's or a cluster's page.

The registry imports neither the casework nor the reports (DESIGN.md, Architecture), yet an
enterprise's page is its whole file: its tickets, visits, trainings and award applications beside
what it holds. So the registry only defines where such sections go. A part that keeps casework
registers a panel here, from its AppConfig.ready(); the page asks for the panels of the request and
the object, in their order, and includes each one's template with the context its function returned.

A panel has a key (unique on its page; its anchor and page parameter come from it), a title (a lazy
translation; the page renders it as the section's heading, with the panel's `actions`, buttons the
context may list as {"label", "url"}), a template and an order. A panel function takes (request,
object, page_param) and returns the context of its template, or None to leave the panel out (the
viewer may not see what it lists). `page_param` is the query parameter that pages this panel alone
(`tickets_page`), so that each section pages on its own.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from config.pagination import ListPaginator, page_asked

PanelFunction = Callable[[HttpRequest, Model, str], dict | None]

# Rows a section of an enterprise's page shows at a time.
SECTION_SIZE = 10


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    function: PanelFunction
    order: int = 100

    @property
    def page_param(self) -> str:
        return f"{self.key}_page"


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    title: str
    template: str
    context: dict

    @property
    def anchor(self) -> str:
        return f"panel-{self.key}"


_ENTERPRISE_PANELS: dict[str, Panel] = {}
_CLUSTER_PANELS: dict[str, Panel] = {}


def _register(registry: dict[str, Panel], **fields) -> Panel:
    # Registering a key again replaces the panel (ready() may run more than once in tests); keys stay unique.
    panel = Panel(**fields)
    registry[panel.key] = panel
    return panel


def register_enterprise_panel(
    *, key: str, title: str, template: str, function: PanelFunction, order: int = 100
) -> Panel:
    """Add a section to every enterprise's page; lower `order` comes first, then the key."""
    return _register(_ENTERPRISE_PANELS, key=key, title=title, template=template, function=function, order=order)


def register_cluster_panel(*, key: str, title: str, template: str, function: PanelFunction, order: int = 100) -> Panel:
    """Add a section to every cluster's page; lower `order` comes first, then the key."""
    return _register(_CLUSTER_PANELS, key=key, title=title, template=template, function=function, order=order)


def enterprise_panels() -> list[Panel]:
    return sorted(_ENTERPRISE_PANELS.values(), key=lambda panel: (panel.order, panel.key))


def cluster_panels() -> list[Panel]:
    return sorted(_CLUSTER_PANELS.values(), key=lambda panel: (panel.order, panel.key))


def _render(panels: list[Panel], request: HttpRequest, obj: Model) -> list[RenderedPanel]:
    rendered = []
    for panel in panels:
        context = panel.function(request, obj, panel.page_param)
        if context is not None:
            rendered.append(RenderedPanel(key=panel.key, title=panel.title, template=panel.template, context=context))
    return rendered


def render_enterprise_panels(*, request: HttpRequest, enterprise: Model) -> list[RenderedPanel]:
    """The enterprise page's panels the viewer may see, in order, each with its template's context."""
    return _render(enterprise_panels(), request, enterprise)


def render_cluster_panels(*, request: HttpRequest, cluster: Model) -> list[RenderedPanel]:
    """The cluster page's panels the viewer may see, in order, each with its template's context."""
    return _render(cluster_panels(), request, cluster)


def _page_url(request: HttpRequest, param: str, number: int, anchor: str) -> str:
    query = request.GET.copy()
    query[param] = str(number)
    return f"?{query.urlencode()}#{anchor}"


def section_page(request: HttpRequest, rows: QuerySet, *, param: str, per_page: int = SECTION_SIZE) -> Page:
    """The page of one section that `?<param>=` asks for (a bad or past-the-end number: the first or last).

    `rows` must be in a total order. The page carries the links of its own pagination, which keep every
    other parameter of the request (the other sections' pages) as it is.
    """
    anchor = f"panel-{param.removesuffix('_page')}"
    paginator = ListPaginator(rows, per_page)
    page = page_asked(paginator, request.GET.get(param))
    page.links = [
        {"number": None}
        if n == paginator.ELLIPSIS
        else {"number": n, "url": _page_url(request, param, n, anchor), "current": n == page.number}
        for n in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]
    page.previous_url = _page_url(request, param, page.number - 1, anchor) if page.has_previous() else ""
    page.next_url = _page_url(request, param, page.number + 1, anchor) if page.has_next() else ""
    return page
