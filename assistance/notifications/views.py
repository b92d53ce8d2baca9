"""The inbox pages: the list, opening and marking read, and the mail preferences. Only one's own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.pagination import paginate

from . import services
from .forms import PreferencesForm
from .selectors import get_notification_for_user, inbox, mail_kinds


@require_GET
@login_required
def inbox_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, inbox(user=request.user))
    return render(request, "assistance/inbox.html", {"page": page})


@require_POST
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to its record (the record's own page checks access again)."""
    notification = get_notification_for_user(user=request.user, pk=pk)
    services.notification_read(notification=notification)
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("assistance:inbox")


@require_POST
@login_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_notification_for_user(user=request.user, pk=pk)
    services.notification_read(notification=notification)
    return redirect(_back(request))


@require_POST
@login_required
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    count = services.inbox_read_all(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect(_back(request))


@require_http_methods(["GET", "POST"])
@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, mailed=mail_kinds(user=request.user))
    if request.method == "POST" and form.is_valid():
        services.preferences_save(user=request.user, mailed=form.mailed())
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("assistance:notification-preferences")
    return render(request, "assistance/notification_preferences.html", {"form": form})


def _back(request: HttpRequest) -> str:
    """Back to the inbox page the user was on (a relative address of this site only)."""
    page = request.POST.get("next", "")
    if page.startswith("/") and url_has_allowed_host_and_scheme(page, allowed_hosts=None):
        return page
    return reverse("assistance:inbox")
