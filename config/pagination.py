from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset) -> Page:
    """The page of the list the request asks for; every list page uses this."""
    return Paginator(queryset, settings.PAGINATE_BY).get_page(request.GET.get("page"))
