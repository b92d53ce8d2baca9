"""The top bar of every page, written in Python: the same markup as a template would give, at a fraction
of its cost (a template resolves each of its forty values through its lookup rules, on every page).

What it shows comes from the context processors (config/navigation.py, config/search.py, config/guide.py):
the sections this user may use, the search box, the inbox's unread count and the "?" of the page. Every
value from a record or a request is escaped here.
"""

from django import template
from django.conf import settings
from django.templatetags.i18n import language_name_local
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from config.links import url

register = template.Library()

_ACTIVE = ' active" aria-current="page" '
_LINK = '" '


def _language_switch(context) -> str:
    request = context.get("request")
    current = get_language()
    options = "".join(
        f'\n    <option value="{escape(code)}"{" selected" if code == current else ""}>'
        f"{escape(language_name_local(code))}</option>"
        for code, _name in settings.LANGUAGES
    )
    return (
        f'<form action="{url("set_language")}" method="post" '
        f'class="d-flex align-items-center ms-lg-2 my-1 language-switch">{_csrf_input(context)}\n'
        f'  <input name="next" type="hidden" value="{escape(request.get_full_path() if request else "")}">\n'
        f'  <label for="language-select" class="visually-hidden">{escape(gettext("Language"))}</label>\n'
        f'  <select id="language-select" name="language" class="form-select form-select-sm" data-autosubmit>'
        f"{options}\n  </select>\n"
        f'  <noscript><button type="submit" class="btn btn-sm btn-light ms-1">{escape(gettext("Switch"))}'
        f"</button></noscript>\n</form>"
    )


def _csrf_input(context) -> str:
    """What `{% csrf_token %}` gives: the hidden input, or nothing on a page rendered without the token (the
    503 and 500 pages are drawn without context processors)."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'


@register.simple_tag(takes_context=True)
def top_bar(context) -> SafeString:
    """The blue bar: the site's name; signed in, the sections, search, who is signed in, inbox, downloads,
    password, sign-out and language; signed out, the language only."""
    user = context.get("user")
    head = (
        f'<nav class="navbar navbar-expand-lg navbar-dark bg-primary mb-3" aria-label="{escape(gettext("Main navigation"))}">\n'
        f'  <div class="container-fluid">\n'
        f'    <a class="navbar-brand" href="{url("home")}">{escape(gettext("Key-region quality improvement"))}</a>\n'
    )
    if user is None or not user.is_authenticated:
        return mark_safe(f"{head}    {_language_switch(context)}\n  </div>\n</nav>")
    help_label = escape(gettext("Help on this page"))
    items = "".join(
        f'\n        <li class="nav-item"><a class="nav-link{_ACTIVE if item["active"] else _LINK}'
        f'href="{escape(item["url"])}">{escape(item["label"])}</a></li>'
        for item in context.get("nav_items", ())
    )
    search = ""
    if context.get("search_box"):
        search = (
            f'\n<form class="d-flex me-lg-2 my-2 my-lg-0" role="search" method="get" action="{url("search")}">\n'
            f'  <input class="form-control form-control-sm" type="search" name="q" maxlength="100" '
            f'value="{escape(context.get("search_query") or "")}"\n'
            f'         placeholder="{escape(gettext("Name, number or credit code"))}" '
            f'aria-label="{escape(gettext("Search records"))}">\n</form>\n'
        )
    who = escape(user.display_name)
    if user.jurisdiction:
        who += f" · {escape(str(user.jurisdiction))}"
    unread = context.get("inbox_unread")
    badge = (
        f' <span class="badge rounded-pill text-bg-warning" id="inbox-unread">{escape(str(unread))}'
        f'<span class="visually-hidden"> {escape(gettext("unread"))}</span></span>'
        if unread
        else ""
    )
    body = (
        f'    <a class="btn btn-sm btn-outline-light help-link ms-auto me-2 order-lg-last ms-lg-2 me-lg-0" id="help-link" '
        f'href="{escape(str(context.get("help_url", "")))}" title="{help_label}" aria-label="{help_label}">?</a>\n'
        f'    <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#main-nav"\n'
        f'            aria-controls="main-nav" aria-expanded="false" '
        f'aria-label="{escape(pgettext("site menu", "Toggle navigation"))}">\n'
        f'      <span class="navbar-toggler-icon"></span>\n    </button>\n'
        f'    <div class="collapse navbar-collapse" id="main-nav">\n'
        f'      <ul class="navbar-nav me-auto">{items}\n      </ul>\n'
        f"      {search}\n"
        f'      <ul class="navbar-nav">\n'
        f'        <li class="nav-item"><span class="navbar-text me-2">{who}</span></li>\n'
        f'        <li class="nav-item"><a class="nav-link" href="{url("assistance:inbox")}" id="inbox-link">'
        f"{escape(gettext('Inbox'))}{badge}</a></li>\n"
        f'        <li class="nav-item"><a class="nav-link" href="{url("reports:export-list")}">'
        f"{escape(gettext('My downloads'))}</a></li>\n"
        f'        <li class="nav-item"><a class="nav-link" href="{url("password_change")}">'
        f"{escape(gettext('Change password'))}</a></li>\n"
        f'        <li class="nav-item">\n'
        f'          <form method="post" action="{url("logout")}" class="d-inline">{_csrf_input(context)}\n'
        f'            <button type="submit" class="btn btn-link nav-link">{escape(gettext("Sign out"))}</button>\n'
        f"          </form>\n        </li>\n"
        f'        <li class="nav-item">{_language_switch(context)}</li>\n'
        f"      </ul>\n    </div>\n"
    )
    return mark_safe(f"{head}{body}  </div>\n</nav>")
