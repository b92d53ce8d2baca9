"""factory-boy factories for the award work, and a helper that walks an application to any status."""

import datetime

import factory
from django.utils import timezone

from assistance.awards import services
from assistance.awards.models import AwardApplication, AwardCycle, AwardProgramme, Rubric, RubricCategory
from tests.factories import EnterpriseFactory, UserFactory

S = AwardApplication.Status
# The default rubric and the programmes come from migration assistance/0004.
RUBRIC_NAME = "GB/T 19580-2012 卓越绩效评价准则"
GB_T_19580 = {
    "leadership": 110,
    "strategy": 90,
    "customers": 90,
    "resources": 130,
    "process": 100,
    "measurement": 80,
    "results": 400,
}


def default_rubric() -> Rubric:
    return Rubric.objects.get(name=RUBRIC_NAME, version=1)


def programme(code: str = "hebei-provincial") -> AwardProgramme:
    return AwardProgramme.objects.get(code=code)


def full_marks(rubric: Rubric | None = None, percent: int = 100) -> dict[str, int]:
    """A score for every category of the rubric: `percent` of its maximum, rounded down."""
    rubric = rubric or default_rubric()
    return {c.code: c.max_points * percent // 100 for c in rubric.categories.all()}


class RubricFactory(factory.django.DjangoModelFactory):
    """A small rubric of two categories (a 10 and a 20), for tests that want their own."""

    class Meta:
        model = Rubric
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试评分标准{n}")
    version = 1

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create:
            for position, (code, points) in enumerate((extracted or {"a": 10, "b": 20}).items()):
                RubricCategory.objects.create(
                    rubric=self, code=code, name=f"类目{code}", max_points=points, position=position
                )


class AwardCycleFactory(factory.django.DjangoModelFactory):
    """A cycle of the provincial award, open for submissions from a month ago to a month from now."""

    class Meta:
        model = AwardCycle

    programme = factory.LazyFunction(programme)
    year = factory.Sequence(lambda n: 2040 + n % 60)
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    quota = 3
    rubric = factory.LazyFunction(default_rubric)


def reviewer_user(**kwargs):
    return UserFactory(**{"groups": ["reviewer"], "organisation": "河北省质量奖评审专家库", **kwargs})


def walk(
    application: AwardApplication,
    status: str,
    *,
    preparer,
    manager,
    reviewers=(),
    scores: list[dict[str, int]] | None = None,
) -> AwardApplication:
    """Take an application from draft to `status` through the services, as the people would.

    Under review it has the given reviewers (at least two); pending decision and after, each has
    submitted the matching entry of `scores` (full marks when none are given).
    """
    pk = application.pk
    if status == S.DRAFT:
        return AwardApplication.objects.get(pk=pk)
    services.application_submit(application_id=pk, user=preparer)
    if status == S.WITHDRAWN:
        services.application_withdraw(application_id=pk, user=preparer, reason="企业决定明年再申报")
    elif status == S.RETURNED:
        services.application_return(application_id=pk, user=manager, reason="缺少财务报表")
    elif status != S.SUBMITTED:
        services.application_accept(application_id=pk, user=manager, reviewers=list(reviewers))
        if status != S.UNDER_REVIEW:
            for index, assignment in enumerate(AwardApplication.objects.get(pk=pk).assignments.all()):
                review(assignment, (scores or [])[index] if scores and index < len(scores) else None)
            if status in (S.APPROVED, S.REJECTED):
                services.application_decide(application_id=pk, user=manager, outcome=status, reason="评审意见一致")
    return AwardApplication.objects.get(pk=pk)


def review(assignment, scores: dict[str, int] | None = None, *, submit: bool = True, recommendation="approve"):
    """The assigned reviewer declares no conflict (if not yet) and saves or submits their scores."""
    assignment.refresh_from_db()
    if not assignment.no_conflict_declared_at:
        services.assignment_declare(assignment_id=assignment.pk, user=assignment.reviewer, conflict=False)
    return services.review_save(
        assignment_id=assignment.pk,
        user=assignment.reviewer,
        scores=scores if scores is not None else full_marks(),
        comments={},
        comment="总体良好",
        recommendation=recommendation,
        submit=submit,
    )


class AwardApplicationFactory(factory.django.DjangoModelFactory):
    """A draft made through `application_create`; give `status=` (with preparer, manager and
    reviewers) to walk it on through the services."""

    class Meta:
        model = AwardApplication

    enterprise = factory.SubFactory(EnterpriseFactory)
    cycle = factory.SubFactory(AwardCycleFactory)
    prepared_by = factory.SubFactory(UserFactory, groups=["inspector"])
    self_assessment = "企业导入卓越绩效管理模式，质量管理体系运行有效。"
    self_score = 720

    @classmethod
    def _create(cls, model_class, *args, status=S.DRAFT, manager=None, reviewers=(), scores=None, **kwargs):
        cycle = kwargs["cycle"]
        application = services.application_create(
            # A cycle that is not open now (one that closed, one still to come): the draft dates from its opening.
            at=None if cycle.is_open() else cycle.opens_at,
            user=kwargs["prepared_by"],
            enterprise=kwargs["enterprise"],
            cycle=kwargs["cycle"],
            self_assessment=kwargs["self_assessment"],
            self_score=kwargs["self_score"],
        )
        return walk(
            application, status, preparer=kwargs["prepared_by"], manager=manager, reviewers=reviewers, scores=scores
        )
