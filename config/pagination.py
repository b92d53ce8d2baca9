"""Every list page's pages: numbered, first and last, a choice of size, and the last as cheap as the first.

A list is paginated by OFFSET, which the database pays for row by row up to the page. A page in the
back half of the list is read from the other end instead: the same ordering reversed, offset from the
end, and turned round in Python. So the last page costs what the first does, and no page costs more
than the middle one. This needs a total order (every list ends its ordering in a unique column).
"""

from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

from config.freshness import is_tracked, kept, query_key

PAGE_SIZES = (25, 50, 100)


class ListPaginator(Paginator):
    def __init__(self, object_list, per_page, *, keep: str | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.keep = keep

    @cached_property
    def count(self) -> int:
        """The rows of the list; of the registry's and the bureau's records, kept until one of them changes."""
        rows = self.object_list
        if not isinstance(rows, QuerySet) or not is_tracked(rows.model):
            return super().count
        return kept("list-count", query_key(rows.order_by().values("pk")), rows.count)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.rows(bottom, bottom + self.per_page), number, self)

    def rows(self, bottom: int, top: int):
        """The rows from `bottom` up to `top`; in the back half of the list, read from its end."""
        top = min(top, self.count)
        if bottom >= top:
            return self.object_list[:0]
        ordered = getattr(self.object_list, "ordered", False) and hasattr(self.object_list, "reverse")
        if not ordered or bottom <= self.count // 2:
            return self._read(self.object_list[bottom:top])
        return self._read(self.object_list.reverse()[self.count - top : self.count - bottom], reverse=True)

    def _read(self, rows, *, reverse: bool = False):
        """The page's rows: the query itself, or, for a list that keeps its rows, the rows as last read while
        no record changed (keyed by the page's own SQL, which holds the viewer's scope and filters)."""
        if self.keep and isinstance(rows, QuerySet) and is_tracked(rows.model):
            return kept(self.keep, (query_key(rows), reverse), lambda: _listed(rows, reverse=reverse))
        return _listed(rows, reverse=True) if reverse else rows


def _listed(rows, *, reverse: bool) -> list:
    rows = list(rows)
    if reverse:
        rows.reverse()
    return rows


def page_size(request: HttpRequest) -> int:
    """The page size the request asks for, if it is one of those offered, else the default."""
    try:
        size = int(request.GET.get("per_page", ""))
    except ValueError:
        return settings.PAGINATE_BY
    return size if size in PAGE_SIZES else settings.PAGINATE_BY


def page_asked(paginator: ListPaginator, number) -> Page:
    """The page a request's parameter names ("last" is the last); not a number, or past the end: the first
    or the last page, as Paginator.get_page does."""
    number = number or 1
    if number == "last":
        number = paginator.num_pages
    try:
        return paginator.page(number)
    except InvalidPage:
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        return paginator.page(paginator.num_pages if number > 1 else 1)


def paginate(request: HttpRequest, queryset, *, keep: str | None = None) -> Page:
    """The page of the list the request asks for ("last" is the last); every list page uses this.

    With `keep`, a list whose rows each count many records keeps its pages' rows until a record changes.
    """
    paginator = ListPaginator(queryset, page_size(request), keep=keep)
    page = page_asked(paginator, request.GET.get("page"))
    page.sizes = PAGE_SIZES
    page.elided_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page
