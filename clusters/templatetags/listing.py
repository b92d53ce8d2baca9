"""A list page's filter form, rendered once per user, language, page and filters while no record changes.

Its dropdowns hold the user's teams, clusters, counties and people, and a dozen widgets cost a list page
more than its rows; between two changes of the records the same filters render the same form.
"""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Page
from django.template.defaulttags import querystring
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from config.freshness import kept

register = template.Library()


@register.simple_tag(takes_context=True)
def filter_form(context, filterset) -> str:
    request = context["request"]
    data = sorted(filterset.data.lists()) if filterset.data else None
    key = (
        type(filterset).__module__,
        type(filterset).__qualname__,
        request.user.pk,
        get_language(),
        request.path,
        data,
    )
    return kept(
        "filter-form", key, lambda: render_to_string("_filter_form.html", {"filter": filterset, "request": request})
    )


@register.simple_tag(takes_context=True)
def pagination(context, page: Page) -> SafeString:
    """A list's pages: first, previous, the numbers around this one, next and last; the number of records;
    the page sizes. Written in Python, as `ticket_rows` is: every list page draws it, a dozen links each."""

    def link(**changes) -> str:
        return escape(querystring(context, **changes))

    paginator = page.paginator
    parts = ['<div class="d-flex flex-wrap align-items-center gap-3 list-pages">\n']
    if paginator.num_pages > 1:
        parts.append(f'<nav aria-label="{escape(gettext("Pages"))}">\n  <ul class="pagination flex-wrap mb-0">\n')
        if page.has_previous():
            parts.append(
                f'    <li class="page-item"><a class="page-link" href="{link(page=1)}" '
                f'aria-label="{escape(gettext("First page"))}">{escape(gettext("First"))}</a></li>\n'
                f'    <li class="page-item"><a class="page-link" href="{link(page=page.previous_page_number())}" '
                f'rel="prev">{escape(gettext("Previous"))}</a></li>\n'
            )
        for number in page.elided_range:
            if number == paginator.ELLIPSIS:
                parts.append(
                    '    <li class="page-item disabled d-none d-sm-block"><span class="page-link">…</span></li>\n'
                )
            elif number == page.number:
                parts.append(
                    f'    <li class="page-item active" aria-current="page"><span class="page-link">{number}</span></li>\n'
                )
            else:
                parts.append(
                    f'    <li class="page-item d-none d-sm-block"><a class="page-link" href="{link(page=number)}">'
                    f"{number}</a></li>\n"
                )
        if page.has_next():
            parts.append(
                f'    <li class="page-item"><a class="page-link" href="{link(page=page.next_page_number())}" '
                f'rel="next">{escape(gettext("Next"))}</a></li>\n'
                f'    <li class="page-item"><a class="page-link" href="{link(page="last")}" '
                f'aria-label="{escape(gettext("Last page"))}">{escape(gettext("Last"))}</a></li>\n'
            )
        parts.append("  </ul>\n</nav>\n")
    count = paginator.count
    total = ngettext("%(total)s record in all", "%(total)s records in all", count) % {"total": intcomma(count)}
    parts.append(f'<p class="text-muted small mb-0">{escape(total)}')
    if paginator.num_pages > 1:
        numbered = gettext("Page %(number)s of %(total)s") % {
            "number": intcomma(page.number),
            "total": intcomma(paginator.num_pages),
        }
        parts.append(f" · {escape(numbered)}")
    parts.append("</p>\n")
    if count > page.sizes[0]:
        sizes = [
            f'<strong aria-current="true">{size}</strong>'
            if size == paginator.per_page
            else f'<a href="{link(per_page=size, page=None)}">{size}</a>'
            for size in page.sizes
        ]
        parts.append(f'<p class="small mb-0 page-sizes">{escape(gettext("Per page:"))}\n  {" · ".join(sizes)}\n</p>\n')
    parts.append("</div>\n")
    return mark_safe("".join(parts))
