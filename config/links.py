"""The addresses of the site's pages, reversed once and then read back.

Every page draws the same two dozen links (the top bar, the sections it offers, the "?" of the page, the
breadcrumbs), and `reverse` walks the URL configuration each time. An address depends only on the name,
its arguments, the current application, the URL configuration and the script prefix the site is served
under, so it is kept under all of them.

This module is also a template library, built into every template (TEMPLATES' "builtins"): its `{% url %}`
is Django's, reading addresses whose arguments are plain numbers and text back from here.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


def url(name: str, *args) -> str:
    """`reverse(name, args=args)`, kept for the URL configuration and script prefix in use."""
    return _reversed_for_app(name, args, (), None, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=4096)
def _reversed_for_app(name: str, args: tuple, kwargs: tuple, current_app, urlconf: str, prefix: str) -> str:
    return reverse(name, args=args, kwargs=dict(kwargs), current_app=current_app, urlconf=urlconf)


def _plain(value) -> bool:
    # Only values whose address cannot change while they stay equal: a record's pk, not the record.
    return isinstance(value, (int, str))


class KeptURLNode(URLNode):
    """Django's `{% url %}` node, its address kept (`_reversed_for_app`) when every argument is plain."""

    def render(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((key, value.resolve(context)) for key, value in self.kwargs.items()))
        name = self.view_name.resolve(context)
        if not (isinstance(name, str) and all(map(_plain, args)) and all(_plain(value) for _, value in kwargs)):
            return super().render(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        address = ""
        try:
            address = _reversed_for_app(
                name, args, kwargs, current_app, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
            )
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = address
            return ""
        return conditional_escape(address) if context.autoescape else address


@register.tag("url")
def url_tag(parser, token):
    """`{% url %}` as Django documents it (the same arguments, `as` and errors), kept (`KeptURLNode`)."""
    node = django_url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
