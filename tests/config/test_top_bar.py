"""The top bar of every page, written in Python by `{% top_bar %}`: the same markup as the templates it
replaces drew, signed in or out, in both languages, with an unread count and a search word."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

from assistance.notifications.models import Notification

pytestmark = pytest.mark.django_db

# The templates the tag replaces (the bar of base.html and its three includes), as they were: the
# reference for what the bar must show.
REFERENCE = """{% load i18n %}<nav class="navbar navbar-expand-lg navbar-dark bg-primary mb-3" aria-label="{% translate 'Main navigation' %}">
  <div class="container-fluid">
    <a class="navbar-brand" href="{% url 'home' %}">{% translate "Key-region quality improvement" %}</a>
    {% if user.is_authenticated %}
    <a class="btn btn-sm btn-outline-light help-link ms-auto me-2 order-lg-last ms-lg-2 me-lg-0" id="help-link" href="{{ help_url }}" title="{% translate 'Help on this page' %}" aria-label="{% translate 'Help on this page' %}">?</a>
    <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#main-nav"
            aria-controls="main-nav" aria-expanded="false" aria-label="{% translate 'Toggle navigation' context 'site menu' %}">
      <span class="navbar-toggler-icon"></span>
    </button>
    <div class="collapse navbar-collapse" id="main-nav">
      <ul class="navbar-nav me-auto">
        {% for item in nav_items %}
        <li class="nav-item"><a class="nav-link{% if item.active %} active{% endif %}" {% if item.active %}aria-current="page"{% endif %} href="{{ item.url }}">{{ item.label }}</a></li>
        {% endfor %}
      </ul>
      {% if search_box %}
<form class="d-flex me-lg-2 my-2 my-lg-0" role="search" method="get" action="{% url 'search' %}">
  <input class="form-control form-control-sm" type="search" name="q" maxlength="100" value="{{ search_query|default:'' }}"
         placeholder="{% translate 'Name, number or credit code' %}" aria-label="{% translate 'Search records' %}">
</form>
{% endif %}
      <ul class="navbar-nav">
        <li class="nav-item"><span class="navbar-text me-2">{{ user.display_name }}{% if user.jurisdiction %} · {{ user.jurisdiction }}{% endif %}</span></li>
        <li class="nav-item"><a class="nav-link" href="{% url 'assistance:inbox' %}" id="inbox-link">{% translate "Inbox" %}{% if inbox_unread %} <span class="badge rounded-pill text-bg-warning" id="inbox-unread">{{ inbox_unread }}<span class="visually-hidden"> {% translate "unread" %}</span></span>{% endif %}</a></li>
        <li class="nav-item"><a class="nav-link" href="{% url 'reports:export-list' %}">{% translate "My downloads" %}</a></li>
        <li class="nav-item"><a class="nav-link" href="{% url 'password_change' %}">{% translate "Change password" %}</a></li>
        <li class="nav-item">
          <form method="post" action="{% url 'logout' %}" class="d-inline">{% csrf_token %}
            <button type="submit" class="btn btn-link nav-link">{% translate "Sign out" %}</button>
          </form>
        </li>
        <li class="nav-item">{% get_current_language as LANGUAGE_CODE %}{% get_available_languages as LANGUAGES %}
<form action="{% url 'set_language' %}" method="post" class="d-flex align-items-center ms-lg-2 my-1 language-switch">{% csrf_token %}
  <input name="next" type="hidden" value="{{ request.get_full_path }}">
  <label for="language-select" class="visually-hidden">{% translate "Language" %}</label>
  <select id="language-select" name="language" class="form-select form-select-sm" data-autosubmit>
    {% for code, name in LANGUAGES %}
    <option value="{{ code }}"{% if code == LANGUAGE_CODE %} selected{% endif %}>{{ code|language_name_local }}</option>
    {% endfor %}
  </select>
  <noscript><button type="submit" class="btn btn-sm btn-light ms-1">{% translate "Switch" %}</button></noscript>
</form></li>
      </ul>
    </div>
    {% else %}
    {% get_current_language as LANGUAGE_CODE %}{% get_available_languages as LANGUAGES %}
<form action="{% url 'set_language' %}" method="post" class="d-flex align-items-center ms-lg-2 my-1 language-switch">{% csrf_token %}
  <input name="next" type="hidden" value="{{ request.get_full_path }}">
  <label for="language-select" class="visually-hidden">{% translate "Language" %}</label>
  <select id="language-select" name="language" class="form-select form-select-sm" data-autosubmit>
    {% for code, name in LANGUAGES %}
    <option value="{{ code }}"{% if code == LANGUAGE_CODE %} selected{% endif %}>{{ code|language_name_local }}</option>
    {% endfor %}
  </select>
  <noscript><button type="submit" class="btn btn-sm btn-light ms-1">{% translate "Switch" %}</button></noscript>
</form>
    {% endif %}
  </div>
</nav>"""


def _squeezed(html: str) -> str:
    """The markup without the whitespace a browser does not show, and without the CSRF tokens, which are
    masked afresh each time one is written."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def _both(path: str, user, **extra) -> tuple[str, str]:
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(request.path)
    context = RequestContext(request, extra)
    drawn = Template("{% load layout %}{% top_bar %}").render(context)
    expected = Template(REFERENCE).render(RequestContext(request, extra))
    return drawn, expected


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("path", ["/assistance/tickets/?status=new&q=%3Cb%3E", "/clusters/", "/"])
def test_the_bar_reads_as_the_templates_drew_it(manager, language, path):
    Notification.objects.create(recipient=manager, kind=Notification.Kind.values[0], body="x", link="")
    with translation.override(language):
        drawn, expected = _both(path, manager, search_query='<i>"钢铁"</i>')
    assert _squeezed(drawn) == _squeezed(expected)
    assert 'id="inbox-unread">1<' in drawn
    assert "&lt;i&gt;&quot;钢铁&quot;&lt;/i&gt;" in drawn
    assert 'aria-current="page"' in drawn


def test_an_inspector_sees_the_sections_of_their_role(inspector):
    with translation.override("zh-hans"):
        drawn, expected = _both("/assistance/visits/", inspector)
    assert _squeezed(drawn) == _squeezed(expected)
    assert "inbox-unread" not in drawn


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_signed_out_the_bar_offers_the_language_only(language):
    with translation.override(language):
        drawn, expected = _both("/accounts/login/?next=/x/%22", AnonymousUser())
    assert _squeezed(drawn) == _squeezed(expected)
    assert "main-nav" not in drawn
    assert 'value="/accounts/login/?next=/x/%22"' in drawn


def test_a_page_drawn_without_the_request_gets_the_signed_out_bar_without_a_token():
    """The 503 and 500 pages are rendered with a plain context: no request, no user, no CSRF token."""
    drawn = Template("{% load layout %}{% top_bar %}").render(Context({}))
    assert _squeezed(drawn) == _squeezed(Template(REFERENCE).render(Context({})))
    assert "csrfmiddlewaretoken" not in drawn
    assert 'name="next" type="hidden" value=""' in drawn
