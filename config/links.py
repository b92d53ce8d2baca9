"""The addresses of the site's pages, reversed once and then read back.

Every page draws the same two dozen links (the top bar, the sections it offers, the "?" of the page), and
`reverse` walks the URL configuration each time. An address depends only on the name, its arguments, the
URL configuration and the script prefix the site is served under, so it is kept under all four.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def url(name: str, *args) -> str:
    """`reverse(name, args=args)`, kept for the URL configuration and script prefix in use."""
    return _reversed(name, args, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=2048)
def _reversed(name: str, args: tuple, urlconf: str, prefix: str) -> str:
    return reverse(name, args=args or None, urlconf=urlconf)
