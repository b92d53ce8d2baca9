"""Pages of the quality-award work: cycles, applications, reviews and decisions."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Concat
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from clusters.wording import listing
from config.autocomplete import autocomplete_response
from config.exports import Column, export_requested, export_response
from config.pagination import paginate

from ..attachments import download_response
from ..forms import AttachmentForm
from ..views import labelled_events, step_response
from . import services
from .filters import ApplicationFilter, ReviewerApplicationFilter
from .forms import (
    STEP_FORMS,
    AddReviewerForm,
    ApplicationForm,
    DeclarationForm,
    ExceptionForm,
    ReviewForm,
    reviewer_label,
    reviewers_queryset,
)
from .models import AwardApplication, Review
from .selectors import (
    APPLICATION_ORDER,
    cycle_ranking,
    cycle_status_counts,
    get_application_for_user,
    get_assignment_for_user,
    get_cycle_for_user,
    get_document_for_user,
    get_rw_application_for_user,
    is_reviewer_only,
    my_assignments,
    reviews_due,
    reviews_side_by_side,
)
from .selectors import (
    application_list as select_application_list,
)
from .selectors import (
    cycle_list as select_cycle_list,
)

APPLICATION_COLUMNS = [
    Column(gettext_lazy("ID"), "pk"),
    Column(gettext_lazy("Enterprise"), "enterprise.name"),
    Column(gettext_lazy("Credit code"), "enterprise.credit_code"),
    Column(gettext_lazy("Cycle"), lambda a: str(a.cycle)),
    Column(gettext_lazy("Cluster"), "enterprise.cluster.name"),
    Column(gettext_lazy("County"), "enterprise.county.name"),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("Submitted"), "submitted_at"),
    Column(gettext_lazy("Reviews"), "review_count"),
    Column(gettext_lazy("Mean"), lambda a: round(a.mean_score, 1) if a.mean_score is not None else None),
    Column(gettext_lazy("Lowest"), "min_score"),
    Column(gettext_lazy("Highest"), "max_score"),
    Column(gettext_lazy("Reviewers disagree"), "disagreement"),
]
# A reviewer's download holds their own reviews and nothing of anyone else's.
OWN_REVIEW_COLUMNS = [
    Column(gettext_lazy("ID"), "application.pk"),
    Column(gettext_lazy("Enterprise"), "application.enterprise.name"),
    Column(gettext_lazy("Cycle"), lambda a: str(a.application.cycle)),
    Column(gettext_lazy("My total"), lambda a: a.review.total if hasattr(a, "review") else None),
    Column(
        gettext_lazy("My recommendation"),
        lambda a: a.review.get_recommendation_display() if hasattr(a, "review") else "",
    ),
    Column(gettext_lazy("Submitted"), lambda a: a.review.submitted_at if hasattr(a, "review") else None),
]


def _can_see_awards(user) -> bool:
    return user.has_perm("assistance.view_awardapplication") or user.has_perm("assistance.review_application")


@login_required
def award_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _can_see_awards(user):
        raise PermissionDenied
    context = {"reviewer_only": is_reviewer_only(user=user)}
    if user.has_perm("assistance.review_application"):
        context["assignments"] = list(reviews_due(user=user))
    if user.has_perm("assistance.manage_application"):
        applications = select_application_list(user=user)
        S = AwardApplication.Status
        context["waiting_eligibility"] = applications.filter(status=S.SUBMITTED).order_by("submitted_at")[:20]
        context["waiting_reviews"] = applications.filter(status=S.UNDER_REVIEW).order_by("submitted_at")[:20]
        context["waiting_decision"] = applications.filter(status=S.PENDING_DECISION).order_by("submitted_at")[:20]
    if user.has_perm("assistance.add_awardapplication"):
        context["my_applications"] = (
            select_application_list(user=user).filter(prepared_by=user).exclude(status__in=AwardApplication.FINAL)[:20]
        )
    if not context["reviewer_only"]:
        context["open_cycles"] = [c for c in select_cycle_list(user=user) if c.is_open()]
    return render(request, "assistance/award_home.html", context)


@permission_required("assistance.view_awardapplication", raise_exception=True)
def cycle_list(request: HttpRequest) -> HttpResponse:
    cycles = select_cycle_list(user=request.user).order_by("-year", "programme__name", "pk")
    return render(request, "assistance/cycle_list.html", {"page": paginate(request, cycles), "now": timezone.now()})


@permission_required("assistance.view_awardapplication", raise_exception=True)
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_cycle_for_user(user=request.user, pk=pk)
    context = {
        "cycle": cycle,
        "ranking": cycle_ranking(user=request.user, cycle=cycle),
        "categories": cycle.rubric.categories.all(),
        "status_counts": cycle_status_counts(user=request.user, cycle=cycle),
    }
    return render(request, "assistance/cycle_detail.html", context)


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    if not _can_see_awards(request.user):
        raise PermissionDenied
    reviewer_only = is_reviewer_only(user=request.user)
    queryset = select_application_list(user=request.user).order_by(*APPLICATION_ORDER)
    filter_class = ReviewerApplicationFilter if reviewer_only else ApplicationFilter
    application_filter = filter_class(request.GET or None, queryset=queryset, request=request)
    if fmt := export_requested(request):
        if reviewer_only:
            # Their own reviews, of the applications their filtered list shows, in the list's order.
            rows = my_assignments(user=request.user).filter(application__in=application_filter.qs.values("pk"))
            rows = rows.order_by("-application__cycle__year", "-application__submitted_at", "-application__pk")
            return export_response(fmt, rows, OWN_REVIEW_COLUMNS, stem="my-reviews", title=_("My reviews"))
        return export_response(
            fmt, application_filter.qs, APPLICATION_COLUMNS, stem="applications", title=_("Award applications")
        )
    context = {
        "filter": application_filter,
        "page": paginate(request, application_filter.qs),
        "reviewer_only": reviewer_only,
    }
    return render(request, "assistance/application_list.html", context)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if is_reviewer_only(user=user):
        # Reviewers reach the application only through their review page, after declaring no conflict.
        assignment = my_assignments(user=user).filter(application_id=pk).first()
        if assignment is None:
            raise Http404
        return redirect("assistance:review", pk=assignment.pk)
    if not user.has_perm("assistance.view_awardapplication"):
        raise PermissionDenied
    application = get_application_for_user(user=user, pk=pk)
    is_manager = user.has_perm("assistance.manage_application")
    steps = [
        {"name": step, "label": services.STEP_LABELS[step], "form": STEP_FORMS[step](prefix=step)}
        for step in services.allowed_steps(user, application)
    ]
    add_reviewer_form = (
        AddReviewerForm() if is_manager and application.status == AwardApplication.Status.UNDER_REVIEW else None
    )
    context = {
        "application": application,
        "events": labelled_events(application.events.select_related("actor"), services.STEP_LABELS),
        "revisions": application.revisions.select_related("created_by"),
        "documents": application.attachments.select_related("uploaded_by"),
        "assignments": application.assignments.select_related("reviewer") if is_manager else None,
        "side_by_side": reviews_side_by_side(application=application) if is_manager else None,
        "exceptions": application.deadline_exceptions.select_related("granted_by"),
        "decision": getattr(application, "decision", None) if hasattr(application, "decision") else None,
        "steps": steps,
        "can_edit": services.can_edit_application(user, application),
        "can_grant_exception": is_manager and application.status not in AwardApplication.FINAL,
        "add_reviewer_form": add_reviewer_form,
        # The assets of the reviewer pickers, once for the page.
        "media": sum((f.media for f in [*(step["form"] for step in steps), add_reviewer_form] if f), forms.Media()),
        "attachment_form": AttachmentForm(),
        "disagreement_points": settings.REVIEW_DISAGREEMENT_POINTS,
    }
    return render(request, "assistance/application_detail.html", context)


@permission_required("assistance.add_awardapplication", raise_exception=True)
def application_create(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(
        request.POST or None, user=request.user, initial={"enterprise": request.GET.get("enterprise")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft application was saved."))
            return redirect(application)
    return render(request, "assistance/application_form.html", {"form": form})


@permission_required("assistance.change_awardapplication", raise_exception=True)
def application_update(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_rw_application_for_user(user=request.user, pk=pk)
    try:
        services.application_edit_check(user=request.user, application=application)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(application)
    form = ApplicationForm(request.POST or None, instance=application, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                application_id=application.pk,
                user=request.user,
                version=form.opened_version,
                self_assessment=form.cleaned_data["self_assessment"],
                self_score=form.cleaned_data["self_score"],
            )
        except services.StaleEdit as error:
            messages.error(request, " ".join(error.messages))
            context = {"form": form, "application": application}
            return render(request, "assistance/application_form.html", context, status=409)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(application)
        messages.success(request, _("The application was saved."))
        return redirect(application)
    return render(request, "assistance/application_form.html", {"form": form, "application": application})


STEP_SERVICES = {
    "submit": lambda app, user, data: services.application_submit(application_id=app.pk, user=user),
    "return": lambda app, user, data: services.application_return(
        application_id=app.pk, user=user, reason=data["reason"]
    ),
    "accept": lambda app, user, data: services.application_accept(
        application_id=app.pk, user=user, reviewers=list(data["reviewers"]), lead=data.get("lead")
    ),
    "approve": lambda app, user, data: services.application_decide(
        application_id=app.pk, user=user, outcome="approved", reason=data["reason"]
    ),
    "reject": lambda app, user, data: services.application_decide(
        application_id=app.pk, user=user, outcome="rejected", reason=data["reason"]
    ),
    "withdraw": lambda app, user, data: services.application_withdraw(
        application_id=app.pk, user=user, reason=data.get("reason", "")
    ),
}


@require_POST
@login_required
def application_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in STEP_SERVICES:
        raise Http404
    if not request.user.has_perm("assistance.view_awardapplication"):
        raise PermissionDenied
    application = get_application_for_user(user=request.user, pk=pk)
    return step_response(
        request,
        record=application,
        form=STEP_FORMS[action](request.POST, prefix=action),
        take=lambda data: STEP_SERVICES[action](application, request.user, data),
        done=lambda result, data: application_step_message(action, application, data),
    )


APPLICATION_STEP_MESSAGES = {
    "submit": gettext_lazy("The application of %(enterprise)s for %(cycle)s was submitted."),
    "return": gettext_lazy("The application of %(enterprise)s for %(cycle)s was returned to its preparer."),
    "accept": gettext_lazy(
        "The application of %(enterprise)s for %(cycle)s was accepted; its reviewers are %(reviewers)s."
    ),
    "approve": gettext_lazy("The application of %(enterprise)s for %(cycle)s was approved; the award is recorded."),
    "reject": gettext_lazy("The application of %(enterprise)s for %(cycle)s was rejected."),
    "withdraw": gettext_lazy("The application of %(enterprise)s for %(cycle)s was withdrawn."),
}


def application_step_message(action: str, application: AwardApplication, data: dict) -> str:
    """What a step did to which application, naming its enterprise and cycle (and the reviewers it was given)."""
    values = {"enterprise": application.enterprise.name, "cycle": application.cycle}
    if action == "accept":
        values["reviewers"] = listing(reviewer.display_name for reviewer in data["reviewers"])
    return APPLICATION_STEP_MESSAGES[action] % values


@require_POST
@permission_required("assistance.manage_application", raise_exception=True)
def application_add_reviewer(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_rw_application_for_user(user=request.user, pk=pk)
    form = AddReviewerForm(request.POST)
    if form.is_valid():
        try:
            services.application_assign_reviewer(
                application_id=application.pk, user=request.user, reviewer=form.cleaned_data["reviewer"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The reviewer was assigned."))
    else:
        messages.error(request, _("Choose a reviewer."))
    return redirect(application)


@permission_required("assistance.manage_application", raise_exception=True)
def application_exception(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_rw_application_for_user(user=request.user, pk=pk)
    form = ExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_exception_grant(
                application_id=application.pk,
                user=request.user,
                reason=form.cleaned_data["reason"],
                until=form.cleaned_data["until"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The deadline exception was recorded."))
            return redirect(application)
    return render(request, "assistance/exception_form.html", {"form": form, "application": application})


@require_POST
@permission_required("assistance.change_awardapplication", raise_exception=True)
def application_attach(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_rw_application_for_user(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect(application)
    try:
        attachment = services.application_attach(
            application_id=application.pk, user=request.user, upload=form.cleaned_data["file"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(application)
    messages.success(request, _("%(name)s was attached.") % {"name": attachment.original_name})
    return redirect(application)


def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An application's document, for whoever may see the application."""
    return download_response(get_document_for_user(user=request.user, pk=pk))


@permission_required("assistance.review_application", raise_exception=True)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer's page: first the declaration, then the application and their own scores only."""
    assignment = get_assignment_for_user(user=request.user, pk=pk)
    application = assignment.application
    if not assignment.no_conflict_declared_at:
        form = DeclarationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.assignment_declare(
                    assignment_id=assignment.pk,
                    user=request.user,
                    conflict=form.cleaned_data["conflict"],
                    note=form.cleaned_data.get("note", ""),
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("assistance:review", pk=assignment.pk)
            if form.cleaned_data["conflict"]:
                messages.info(
                    request, _("Your conflict was recorded and the manager was told. The assignment is withdrawn.")
                )
                return redirect("assistance:award-home")
            messages.success(
                request, _("You declared no conflict of interest. The application is open to you to score.")
            )
            return redirect("assistance:review", pk=assignment.pk)
        return render(request, "assistance/review_declare.html", {"assignment": assignment, "form": form})

    own_review = Review.objects.filter(assignment=assignment).prefetch_related("scores").first()
    categories = application.cycle.rubric.categories.all()
    locked = bool(own_review and own_review.submitted_at) or application.status != AwardApplication.Status.UNDER_REVIEW
    form = ReviewForm(None if locked else (request.POST or None), categories=categories, review=own_review)
    if request.method == "POST" and not locked and form.is_valid():
        submit = "submit" in request.POST
        try:
            services.review_save(
                assignment_id=assignment.pk,
                user=request.user,
                scores=form.scores(),
                comments=form.comments(),
                comment=form.cleaned_data["comment"],
                recommendation=form.cleaned_data["recommendation"],
                submit=submit,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your review was submitted.") if submit else _("Your review was saved."))
            return redirect("assistance:review", pk=assignment.pk)
    revision = application.revisions.order_by("-number").first()
    context = {
        "assignment": assignment,
        "application": application,
        "revision": revision,
        "documents": application.attachments.all(),
        "form": form,
        "locked": locked,
        "review": own_review,
        "max_total": sum(c.max_points for c in categories),
    }
    return render(request, "assistance/review_form.html", context)


@require_GET
@permission_required("assistance.manage_application", raise_exception=True)
def reviewer_autocomplete(request: HttpRequest) -> JsonResponse:
    """The reviewer pool (as the accept and add-reviewer forms define it) by user name, name or organisation."""
    return autocomplete_response(
        request,
        reviewers_queryset().annotate(full_name=Concat("last_name", "first_name")),
        search=("username", "full_name", "organisation"),
        order=("username", "pk"),
        label=reviewer_label,
    )
