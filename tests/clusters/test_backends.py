"""The sign-in backend: the same user and permissions as Django's ModelBackend, in fewer queries."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from clusters.backends import ModelBackendWithScope, signed_in_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_signed_in_user_comes_with_their_jurisdiction_in_one_query(manager, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = ModelBackendWithScope().get_user(manager.pk)
        assert user.jurisdiction == manager.jurisdiction


def _values(record) -> dict:
    return {field.attname: getattr(record, field.attname) for field in type(record)._meta.concrete_fields}


@pytest.mark.parametrize("role", ["inspector", "manager", "admin_user"])
def test_the_signed_in_user_is_what_the_orm_reads_with_the_same_types(role, request, django_assert_num_queries):
    user = request.getfixturevalue(role)
    type(user).objects.filter(pk=user.pk).update(last_login="2026-03-01T08:30:00+08:00")
    expected = type(user).objects.select_related("jurisdiction").get(pk=user.pk)
    with django_assert_num_queries(1):
        signed_in = signed_in_user(str(user.pk))
        jurisdiction = signed_in.jurisdiction
    assert _values(signed_in) == _values(expected)
    assert {k: type(v) for k, v in _values(signed_in).items()} == {k: type(v) for k, v in _values(expected).items()}
    assert signed_in.last_login.utcoffset() is not None
    assert signed_in._state.adding is False and signed_in._state.db == expected._state.db
    if expected.jurisdiction is None:
        assert jurisdiction is None
    else:
        assert _values(jurisdiction) == _values(expected.jurisdiction)


def test_a_user_without_a_jurisdiction_has_none_without_another_query(county, django_assert_num_queries):
    user = UserFactory(jurisdiction=None)
    with django_assert_num_queries(1):
        assert signed_in_user(user.pk).jurisdiction is None


def test_an_id_that_is_no_number_signs_no_one_in(manager, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert signed_in_user("not-a-number") is None
    assert ModelBackendWithScope().get_user("1; DROP TABLE clusters_user") is None


def test_an_inactive_or_missing_user_is_not_signed_in(manager):
    manager.is_active = False
    manager.save()
    assert ModelBackendWithScope().get_user(manager.pk) is None
    assert ModelBackendWithScope().get_user(10**9) is None


@pytest.mark.parametrize("role", ["inspector", "manager", "reviewer", "admin_user", "read_only"])
def test_permissions_are_djangos_own_in_one_query(role, request, django_assert_num_queries):
    user = request.getfixturevalue(role)
    expected = ModelBackend().get_all_permissions(type(user).objects.get(pk=user.pk))
    fresh = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        assert ModelBackendWithScope().get_all_permissions(fresh) == expected
        assert ModelBackendWithScope().get_all_permissions(fresh) == expected  # kept on the user


def test_a_users_own_permission_counts_beside_their_groups(county):
    user = UserFactory(groups=["inspector"], jurisdiction=county)
    extra = Permission.objects.get(codename="delete_ticket")
    user.user_permissions.add(extra)
    assert "assistance.delete_ticket" in ModelBackendWithScope().get_all_permissions(type(user).objects.get(pk=user.pk))
    assert "assistance.view_ticket" in ModelBackendWithScope().get_all_permissions(type(user).objects.get(pk=user.pk))


def test_an_inactive_user_has_no_permissions(county):
    user = UserFactory(groups=["manager"], jurisdiction=county, is_active=False)
    assert ModelBackendWithScope().get_all_permissions(user) == set()
    assert Group.objects.get(name="manager").permissions.exists()


def test_a_permission_held_both_directly_and_through_groups_counts_once(county):
    user = UserFactory(groups=["inspector", "manager"], jurisdiction=county)
    user.user_permissions.add(Permission.objects.get(codename="view_ticket", content_type__app_label="assistance"))
    fresh = type(user).objects.get(pk=user.pk)
    assert ModelBackendWithScope().get_all_permissions(fresh) == ModelBackend().get_all_permissions(fresh)
    assert "assistance.view_ticket" in ModelBackendWithScope().get_all_permissions(fresh)


def test_a_user_of_no_group_holds_only_their_own_permissions(county):
    user = UserFactory(jurisdiction=county)
    assert ModelBackendWithScope().get_all_permissions(type(user).objects.get(pk=user.pk)) == set()
    user.user_permissions.add(Permission.objects.get(codename="view_cluster"))
    assert ModelBackendWithScope().get_all_permissions(type(user).objects.get(pk=user.pk)) == {"clusters.view_cluster"}


def test_a_superuser_holds_every_permission(county):
    user = UserFactory(jurisdiction=county, is_superuser=True)
    assert len(ModelBackendWithScope().get_all_permissions(user)) == Permission.objects.count()
