"""The pages of a list, written in Python by `{% pagination %}`: the same links and words as the template
they replace drew, in both languages, for a single page, the first, a middle one and the last."""

import re

import pytest
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.utils import translation

from clusters.models import Region
from config.pagination import paginate

pytestmark = pytest.mark.django_db

# The template the tag replaces, as it was: the reference for what each page must show.
REFERENCE = """{% load i18n humanize %}
<div class="d-flex flex-wrap align-items-center gap-3 list-pages">
{% if page.paginator.num_pages > 1 %}
<nav aria-label="{% translate 'Pages' %}">
  <ul class="pagination flex-wrap mb-0">
    {% if page.has_previous %}
    <li class="page-item"><a class="page-link" href="{% querystring page=1 %}" aria-label="{% translate 'First page' %}">{% translate "First" %}</a></li>
    <li class="page-item"><a class="page-link" href="{% querystring page=page.previous_page_number %}" rel="prev">{% translate "Previous" %}</a></li>
    {% endif %}
    {% for number in page.elided_range %}
    {% if number == page.paginator.ELLIPSIS %}<li class="page-item disabled d-none d-sm-block"><span class="page-link">…</span></li>
    {% elif number == page.number %}<li class="page-item active" aria-current="page"><span class="page-link">{{ number }}</span></li>
    {% else %}<li class="page-item d-none d-sm-block"><a class="page-link" href="{% querystring page=number %}">{{ number }}</a></li>{% endif %}
    {% endfor %}
    {% if page.has_next %}
    <li class="page-item"><a class="page-link" href="{% querystring page=page.next_page_number %}" rel="next">{% translate "Next" %}</a></li>
    <li class="page-item"><a class="page-link" href="{% querystring page='last' %}" aria-label="{% translate 'Last page' %}">{% translate "Last" %}</a></li>
    {% endif %}
  </ul>
</nav>
{% endif %}
<p class="text-muted small mb-0">{% blocktranslate count counter=page.paginator.count trimmed with total=page.paginator.count|intcomma %}{{ total }} record in all{% plural %}{{ total }} records in all{% endblocktranslate %}{% if page.paginator.num_pages > 1 %} · {% blocktranslate with number=page.number|intcomma total=page.paginator.num_pages|intcomma %}Page {{ number }} of {{ total }}{% endblocktranslate %}{% endif %}</p>
{% if page.paginator.count > page.sizes.0 %}
<p class="small mb-0 page-sizes">{% translate "Per page:" %}
  {% for size in page.sizes %}{% if size == page.paginator.per_page %}<strong aria-current="true">{{ size }}</strong>{% else %}<a href="{% querystring per_page=size page=None %}">{{ size }}</a>{% endif %}{% if not forloop.last %} · {% endif %}{% endfor %}
</p>
{% endif %}
</div>"""


def _squeezed(html: str) -> str:
    """The markup without the whitespace between tags, which a browser does not show."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.fixture
def regions():
    Region.objects.bulk_create(Region(name=f"区{i:03d}", level=Region.Level.COUNTY) for i in range(260))
    return Region.objects.order_by("pk")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "query",
    ["", "page=2", "page=5&q=%E5%8C%BA&kind=county&kind=city", "page=last", "per_page=100&page=3", "per_page=50"],
)
def test_the_pages_read_as_the_template_drew_them(regions, language, query):
    request = RequestFactory().get(f"/somewhere/?{query}")
    page = paginate(request, regions)
    with translation.override(language):
        drawn = Template("{% load listing %}{% pagination page %}").render(RequestContext(request, {"page": page}))
        expected = Template(REFERENCE).render(RequestContext(request, {"page": page}))
    assert _squeezed(drawn) == _squeezed(expected)
    assert "&amp;" in drawn or "&" not in drawn


@pytest.mark.parametrize("rows", [0, 1, 25, 26])
def test_a_short_list_has_no_page_links_and_says_how_many(rows, language="zh-hans"):
    Region.objects.bulk_create(Region(name=f"区{i:03d}", level=Region.Level.COUNTY) for i in range(rows))
    request = RequestFactory().get("/somewhere/")
    page = paginate(request, Region.objects.order_by("pk"))
    with translation.override(language):
        drawn = Template("{% load listing %}{% pagination page %}").render(RequestContext(request, {"page": page}))
        expected = Template(REFERENCE).render(RequestContext(request, {"page": page}))
    assert _squeezed(drawn) == _squeezed(expected)
    assert ("pagination" in drawn) == (rows > 25)
