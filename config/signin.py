"""Signing in: the form, the client address the lockout counts by, and the lockout page."""

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone

from assistance.tasks import enqueue_email


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing an over-long user name before anything authenticates it.

    A user name longer than the model allows can belong to no account; stopping it here keeps
    it out of the lockout records too (their column is shorter than what a browser may send).
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    """The admin's sign-in form, with the same check on the user name."""


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from, as the outermost of our own proxies saw it.

    With no trusted proxy (TRUSTED_PROXY_COUNT = 0) it is REMOTE_ADDR and X-Forwarded-For is
    ignored, since anyone can send that header. Behind N proxies each one appends the address
    it received from, so the N-th entry from the right is the one the outermost proxy saw;
    entries further left came from the client and are not believed.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page a locked-out sign-in gets: when to try again and whom to call, status 429."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "cool_off_minutes": int(cool_off.total_seconds() // 60),
        "retry_at": timezone.localtime() + cool_off,
        "helpdesk_contact": settings.HELPDESK_CONTACT,
    }
    return render(request, "registration/locked_out.html", context, status=429)


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, with its mail sent by the worker like every other mail, never in the request."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        enqueue_email(subject, body, [to_email])
