"""Once-only submission: a form page carries a one-time token, and a page sent again makes nothing twice.

Pressing back on a filled form and sending it again, or a retry after a timeout, would otherwise make a
second visit, ticket or step. Each form that saves something derives from `SubmitOnceForm`, so its page
carries a fresh `submission_token`. `SubmitOnceMiddleware` runs every signed-in POST that carries one
inside a transaction; when the view answers with a redirect and no error message (its way of saying
"saved"), the token is recorded with the address it led to, in the same transaction. A later POST with a
used token is not run again: it is sent to that address with "saved, not submitted twice". Two copies
sent at the same moment meet at the token's unique index, and the second is rolled back whole.
"""

import uuid

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters.models import FormSubmission

FIELD = "submission_token"
DASHES = "---------"
CHOOSE = gettext_lazy("Please choose")


class SubmitOnceForm(forms.Form):
    """A form whose page carries a one-time submission token (a hidden field, new on every page)."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A select's blank choice asks for a choice in words, not Django's row of dashes.
        for field in self.fields.values():
            if getattr(field, "empty_label", None) == DASHES:
                field.empty_label = CHOOSE
            elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                choices = list(field.choices)
                if choices and choices[0] == ("", DASHES):
                    field.choices = [("", CHOOSE), *choices[1:]]

    def _post_clean(self):
        # The token is the middleware's business; what the view hands to a service never holds it.
        self.cleaned_data.pop(FIELD, None)
        super()._post_clean()


def submitted_token(request: HttpRequest) -> str | None:
    """The token a POST carries, under any form prefix (`assign-submission_token`), or None."""
    for key, value in request.POST.items():
        if key == FIELD or key.endswith("-" + FIELD):
            return value
    return None


def _saved(request: HttpRequest, response: HttpResponse) -> bool:
    """A redirect with no error message queued: the view saved what was sent."""
    if not 300 <= response.status_code < 400 or not response.has_header("Location"):
        return False
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return not any(message.level >= messages.ERROR for message in queued)


def _again(request: HttpRequest, submission: FormSubmission) -> HttpResponse:
    messages.info(request, _("Already saved; this form was not submitted twice."))
    return redirect(submission.url)


class SubmitOnceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or not request.user.is_authenticated:
            return self.get_response(request)
        raw = submitted_token(request)
        if not raw:
            return self.get_response(request)
        try:
            token = uuid.UUID(raw)
        except ValueError:
            return HttpResponseBadRequest(_("The form's submission token is not valid; reload the page."))
        used = FormSubmission.objects.filter(token=token).first()
        if used is not None:
            return self._answer_again(request, used)
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if _saved(request, response):
                    FormSubmission.objects.create(token=token, user=request.user, url=response["Location"][:500])
        except IntegrityError:
            # The same page sent twice at once: the first copy's record stands, this copy's writes are undone,
            # and so are the messages it queued about them.
            used = FormSubmission.objects.filter(token=token).first()
            if used is None:
                raise
            getattr(getattr(request, "_messages", None), "_queued_messages", []).clear()
            return self._answer_again(request, used)
        return response

    def _answer_again(self, request: HttpRequest, used: FormSubmission) -> HttpResponse:
        if used.user_id != request.user.pk:
            return HttpResponseBadRequest(_("The form's submission token is not valid; reload the page."))
        return _again(request, used)
