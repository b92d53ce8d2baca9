"""Pages of the 专利伯乐 selection: selections, nominations, reviews, decisions and published results."""

from contextlib import suppress

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.exports import Column, export_requested, export_response
from config.pagination import paginate

from ..views import labelled_events, step_response
from . import services
from .evidence import live_evidence
from .filters import NominationFilter
from .forms import STEP_FORMS, AddReviewerForm, DeclarationForm, NominationForm, NominationReviewForm, StatementForm
from .models import MAX_TOTAL, RUBRIC, Nomination
from .selectors import (
    NOMINATION_ORDER,
    can_see_selection,
    get_nomination_for_user,
    get_review_for_user,
    get_rw_nomination_for_user,
    get_selection_for_user,
    is_reviewer_only,
    my_reviews,
    published_results,
    reviews_side_by_side,
    selection_status_counts,
)
from .selectors import nomination_list as select_nominations
from .selectors import selection_list as select_selections

NOMINATION_COLUMNS = [
    Column(gettext_lazy("ID"), "pk"),
    Column(gettext_lazy("Selection"), "selection.title"),
    Column(gettext_lazy("Nominee"), "nominee_name"),
    Column(gettext_lazy("Organisation"), "nominee_organisation"),
    Column(gettext_lazy("Region"), "region.name"),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("Submitted"), "submitted_at"),
    Column(gettext_lazy("Patent tickets resolved"), lambda n: n.evidence.get("tickets")),
    Column(gettext_lazy("Enterprises helped"), lambda n: n.evidence.get("enterprises")),
    Column(gettext_lazy("Trainings given"), lambda n: n.evidence.get("trainings")),
    Column(gettext_lazy("Reviews"), "review_count"),
    Column(gettext_lazy("Mean"), lambda n: round(n.mean_score, 1) if n.mean_score is not None else None),
    Column(gettext_lazy("Sample"), "synthetic"),
]


def _require_view(user) -> None:
    if not can_see_selection(user=user):
        raise PermissionDenied


@login_required
def selection_list(request: HttpRequest) -> HttpResponse:
    _require_view(request.user)
    selections = select_selections(user=request.user).order_by("-year", "pk")
    context = {
        "page": paginate(request, selections),
        "now": timezone.now(),
        "reviews": list(my_reviews(user=request.user)[:50])
        if request.user.has_perm("assistance.review_nomination")
        else [],
        "reviewer_only": is_reviewer_only(user=request.user),
    }
    return render(request, "assistance/patents/selection_list.html", context)


@login_required
def selection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("assistance.view_nomination"):
        raise PermissionDenied
    selection = get_selection_for_user(user=request.user, pk=pk)
    nominations = select_nominations(user=request.user).filter(selection=selection).order_by(*NOMINATION_ORDER)
    context = {
        "selection": selection,
        "page": paginate(request, nominations),
        "status_counts": selection_status_counts(user=request.user, selection=selection),
        "can_publish": request.user.has_perm("assistance.manage_nomination") and not selection.is_published,
        "can_nominate": request.user.has_perm("assistance.add_nomination") and selection.is_open(),
    }
    return render(request, "assistance/patents/selection_detail.html", context)


@require_POST
@login_required
def selection_publish(request: HttpRequest, pk: int) -> HttpResponse:
    selection = get_selection_for_user(user=request.user, pk=pk)
    if not request.user.has_perm("assistance.manage_nomination"):
        raise PermissionDenied
    try:
        services.selection_publish(selection_id=selection.pk, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The results of %(selection)s were published.") % {"selection": selection})
    return redirect(selection)


@login_required
def nomination_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("assistance.view_nomination"):
        raise PermissionDenied
    queryset = select_nominations(user=request.user).order_by(*NOMINATION_ORDER)
    nomination_filter = NominationFilter(request.GET or None, queryset=queryset, request=request)
    if fmt := export_requested(request):
        return export_response(
            fmt, nomination_filter.qs, NOMINATION_COLUMNS, stem="patent-nominations", title=_("Patent nominations")
        )
    context = {"filter": nomination_filter, "page": paginate(request, nomination_filter.qs)}
    return render(request, "assistance/patents/nomination_list.html", context)


@permission_required("assistance.add_nomination", raise_exception=True)
def nomination_create(request: HttpRequest, pk: int) -> HttpResponse:
    selection = get_selection_for_user(user=request.user, pk=pk)
    form = NominationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nomination_create(user=request.user, selection=selection, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft nomination was saved."))
            return redirect(nomination)
    return render(request, "assistance/patents/nomination_form.html", {"form": form, "selection": selection})


@permission_required("assistance.change_nomination", raise_exception=True)
def nomination_update(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_rw_nomination_for_user(user=request.user, pk=pk)
    if not nomination.is_editable:
        messages.error(request, _("Only a draft or a returned nomination can be edited."))
        return redirect(nomination)
    form = StatementForm(request.POST or None, initial={"statement": nomination.statement})
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_update(
                nomination_id=nomination.pk, user=request.user, statement=form.cleaned_data["statement"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The nomination was saved."))
            return redirect(nomination)
    context = {"form": form, "selection": nomination.selection, "nomination": nomination}
    return render(request, "assistance/patents/nomination_form.html", context)


@login_required
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if is_reviewer_only(user=user):
        # Reviewers reach the nomination only through their review page, after declaring no conflict.
        review = my_reviews(user=user).filter(nomination_id=pk).first()
        if review is None:
            raise Http404
        return redirect("assistance:nomination-review", pk=review.pk)
    if not user.has_perm("assistance.view_nomination"):
        raise PermissionDenied
    nomination = get_nomination_for_user(user=user, pk=pk)
    is_manager = user.has_perm("assistance.manage_nomination")
    steps = [
        {"name": step, "label": services.STEP_LABELS[step], "form": STEP_FORMS[step](prefix=step)}
        for step in services.allowed_steps(user, nomination)
    ]
    under_review = nomination.status == Nomination.Status.UNDER_REVIEW
    context = {
        "nomination": nomination,
        "evidence": live_evidence(nomination),
        "events": labelled_events(nomination.events.select_related("actor"), services.STEP_LABELS),
        "reviews": nomination.reviews.select_related("reviewer") if is_manager else None,
        "side_by_side": reviews_side_by_side(nomination=nomination) if is_manager else None,
        "rubric": RUBRIC,
        "decision": getattr(nomination, "decision", None) if hasattr(nomination, "decision") else None,
        "steps": steps,
        "can_edit": nomination.is_editable and services.INSPECTOR in services.nomination_roles(user, nomination),
        "add_reviewer_form": AddReviewerForm() if is_manager and under_review else None,
    }
    return render(request, "assistance/patents/nomination_detail.html", context)


STEP_SERVICES = {
    "submit": lambda n, user, data: services.nomination_submit(nomination_id=n.pk, user=user),
    "return": lambda n, user, data: services.nomination_return(nomination_id=n.pk, user=user, reason=data["reason"]),
    "accept": lambda n, user, data: services.nomination_accept(
        nomination_id=n.pk, user=user, reviewers=list(data["reviewers"])
    ),
    "select": lambda n, user, data: services.nomination_decide(
        nomination_id=n.pk, user=user, outcome="selected", reason=data["reason"]
    ),
    "decline": lambda n, user, data: services.nomination_decide(
        nomination_id=n.pk, user=user, outcome="not_selected", reason=data["reason"]
    ),
    "withdraw": lambda n, user, data: services.nomination_withdraw(
        nomination_id=n.pk, user=user, reason=data.get("reason", "")
    ),
}
STEP_MESSAGES = {
    "submit": gettext_lazy("The nomination of %(nominee)s was submitted with its evidence."),
    "return": gettext_lazy("The nomination of %(nominee)s was returned to its nominator."),
    "accept": gettext_lazy("The nomination of %(nominee)s was accepted for review."),
    "select": gettext_lazy("%(nominee)s was selected."),
    "decline": gettext_lazy("%(nominee)s was not selected."),
    "withdraw": gettext_lazy("The nomination of %(nominee)s was withdrawn."),
}


@require_POST
@login_required
def nomination_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in STEP_SERVICES:
        raise Http404
    if not request.user.has_perm("assistance.view_nomination"):
        raise PermissionDenied
    nomination = get_rw_nomination_for_user(user=request.user, pk=pk)
    # A role that may not take the step is refused before its form is read (403, not a form message); a
    # status that does not allow it now is left for the service to say on the nomination's page.
    with suppress(ValidationError):
        services.NOMINATIONS.check(user=request.user, record=nomination, action=action)
    return step_response(
        request,
        record=nomination,
        form=STEP_FORMS[action](request.POST, prefix=action),
        take=lambda data: STEP_SERVICES[action](nomination, request.user, data),
        done=lambda result, data: STEP_MESSAGES[action] % {"nominee": nomination.nominee_name},
    )


@require_POST
@login_required
def nomination_add_reviewer(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("assistance.view_nomination"):
        raise PermissionDenied
    nomination = get_nomination_for_user(user=request.user, pk=pk)
    if not request.user.has_perm("assistance.manage_nomination"):
        raise PermissionDenied
    form = AddReviewerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reviewer."))
        return redirect(nomination)
    try:
        services.nomination_assign_reviewer(
            nomination_id=nomination.pk, user=request.user, reviewer=form.cleaned_data["reviewer"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The reviewer was assigned."))
    return redirect(nomination)


@permission_required("assistance.review_nomination", raise_exception=True)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer's page: the declaration first; then the nomination and their own scores, never others'."""
    review = get_review_for_user(user=request.user, pk=pk)
    nomination = review.nomination
    if not review.no_conflict_declared_at:
        form = DeclarationForm(prefix="declare")
        context = {"review": review, "form": form}
        return render(request, "assistance/patents/review_declare.html", context)
    locked = bool(review.submitted_at) or nomination.status != Nomination.Status.UNDER_REVIEW
    context = {
        "review": review,
        "nomination": nomination,
        "evidence": nomination.evidence,
        "form": None if locked else NominationReviewForm(review=review),
        "locked": locked,
        "rubric_scores": [(c, getattr(review, f"score_{c.code}")) for c in RUBRIC],
        "max_total": MAX_TOTAL,
    }
    return render(request, "assistance/patents/review_form.html", context)


@require_POST
@permission_required("assistance.review_nomination", raise_exception=True)
def review_declare(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for_user(user=request.user, pk=pk)
    form = DeclarationForm(request.POST, prefix="declare")
    if not form.is_valid():
        return render(request, "assistance/patents/review_declare.html", {"review": review, "form": form}, status=400)
    conflict = form.cleaned_data["conflict"]
    try:
        services.review_declare(
            review_id=review.pk, user=request.user, conflict=conflict, note=form.cleaned_data.get("note", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assistance:nomination-review", pk=review.pk)
    if conflict:
        messages.info(request, _("Your conflict was recorded. The assignment is withdrawn."))
        return redirect("assistance:patent-selection-list")
    messages.success(request, _("You declared no conflict of interest. The nomination is open to you to score."))
    return redirect("assistance:nomination-review", pk=review.pk)


@require_POST
@permission_required("assistance.review_nomination", raise_exception=True)
def review_score(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for_user(user=request.user, pk=pk)
    form = NominationReviewForm(request.POST, review=review)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("assistance:nomination-review", pk=review.pk)
    submit = "submit" in request.POST
    try:
        services.review_save(
            review_id=review.pk,
            user=request.user,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
            recommendation=form.cleaned_data["recommendation"],
            submit=submit,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your review was submitted.") if submit else _("Your review was saved."))
    return redirect("assistance:nomination-review", pk=review.pk)


@login_required
def results(request: HttpRequest) -> HttpResponse:
    """The published results, for every signed-in user."""
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() and len(year) == 4 else None
    rows = published_results(user=request.user, year=year)
    return render(request, "assistance/patents/results.html", {"page": paginate(request, rows), "year": year})
