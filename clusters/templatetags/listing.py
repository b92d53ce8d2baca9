"""A list page's filter form, rendered once per user, language, page and filters while no record changes.

Its dropdowns hold the user's teams, clusters, counties and people, and a dozen widgets cost a list page
more than its rows; between two changes of the records the same filters render the same form.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

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
