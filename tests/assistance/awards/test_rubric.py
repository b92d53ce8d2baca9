"""The rubric is data: GB/T 19580-2012 by default, versioned per cycle, locked once a review against it is submitted."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assistance.awards.models import AwardProgramme, RubricCategory

from .factories import GB_T_19580, AwardApplicationFactory, AwardCycleFactory, RubricFactory, default_rubric, review

pytestmark = pytest.mark.django_db


def test_the_default_rubric_is_gb_t_19580s_seven_categories_of_1000_points():
    rubric = default_rubric()
    categories = list(rubric.categories.all())
    assert {c.code: c.max_points for c in categories} == GB_T_19580
    assert [c.name for c in categories] == [
        "领导",
        "战略",
        "顾客与市场",
        "资源",
        "过程管理",
        "测量、分析与改进",
        "结果",
    ]
    assert sum(c.max_points for c in categories) == 1000


def test_the_three_programmes_are_there_and_record_their_kind_of_honour():
    kinds = dict(AwardProgramme.objects.values_list("name", "honour_kind"))
    assert kinds == {
        "中国质量奖": "china_quality_award",
        "河北省政府质量奖": "provincial_quality_award",
        "唐山市政府质量奖": "municipal_quality_award",
    }


def test_a_cycle_scores_on_its_own_rubric(make_application, cycle, inspector, manager, reviewers, other_enterprise):
    small = RubricFactory(categories={"a": 10, "b": 20})
    other_cycle = AwardCycleFactory(rubric=small)
    application = AwardApplicationFactory(
        cycle=other_cycle,
        enterprise=other_enterprise,
        prepared_by=inspector,
        status="under_review",
        manager=manager,
        reviewers=reviewers,
    )
    saved = review(application.assignments.first(), {"a": 10, "b": 15})
    assert saved.total == 25
    with pytest.raises(ValidationError):
        review(application.assignments.last(), {"a": 11, "b": 0})


def test_a_rubric_locks_when_a_review_against_it_is_submitted(make_application):
    rubric = RubricFactory()
    application = make_application("under_review", cycle=AwardCycleFactory(rubric=rubric))
    first = application.assignments.first()
    review(first, {"a": 5, "b": 5}, submit=False)
    assert not rubric.is_locked
    review(first, {"a": 5, "b": 5})
    assert rubric.is_locked
    category = rubric.categories.first()
    category.max_points = 50
    with pytest.raises(ValidationError):
        category.full_clean()
    with pytest.raises(ValidationError):
        RubricCategory(rubric=rubric, code="c", name="新增", max_points=5).full_clean()


def test_a_cycles_rubric_cannot_be_swapped_after_reviews_were_submitted(make_application):
    rubric = RubricFactory()
    cycle = AwardCycleFactory(rubric=rubric)
    application = make_application("under_review", cycle=cycle)
    cycle.rubric = default_rubric()
    cycle.full_clean()  # nothing submitted yet: the cycle may still change rubric
    cycle.rubric = rubric
    review(application.assignments.first(), {"a": 5, "b": 5})
    cycle.rubric = default_rubric()
    with pytest.raises(ValidationError) as refused:
        cycle.full_clean()
    assert "rubric" in refused.value.message_dict


def test_the_admin_shows_a_locked_rubric_read_only(client_for, admin_user, make_application):
    rubric = RubricFactory()
    application = make_application("under_review", cycle=AwardCycleFactory(rubric=rubric))
    client = client_for(admin_user)
    url = reverse("admin:assistance_rubric_change", args=[rubric.pk])
    assert 'name="categories-0-max_points"' in client.get(url).content.decode()

    review(application.assignments.first(), {"a": 5, "b": 5})

    body = client.get(url).content.decode()
    assert 'name="categories-0-max_points"' not in body
    assert 'name="name"' not in body
    client.post(url, {"categories-TOTAL_FORMS": "1", "categories-INITIAL_FORMS": "0", "categories-0-code": "x"})
    assert list(rubric.categories.values_list("code", "max_points")) == [("a", 10), ("b", 20)]


def test_the_admin_edits_programmes_cycles_rubrics_and_applications_with_history(client_for, admin_user, application):
    client = client_for(admin_user)
    for name in ("awardprogramme", "awardcycle", "rubric", "awardapplication", "review", "decision"):
        assert client.get(reverse(f"admin:assistance_{name}_changelist")).status_code == 200, name
    page = client.get(reverse("admin:assistance_awardapplication_change", args=[application.pk]))
    assert page.status_code == 200
    history = client.get(reverse("admin:assistance_awardapplication_history", args=[application.pk]))
    assert history.status_code == 200
    assert application.history.count() >= 1
