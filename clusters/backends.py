"""Signing in and permissions: Django's model backend, with fewer round trips on every page."""

from dataclasses import dataclass
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections, router


@cache
def _permissions_sql(alias: str) -> str:
    """The app label and codename of each permission a user holds, their own or through a group.

    Written once from the models' tables, as one statement with the user's id twice. Django's own query
    joins all five tables under an OR, which PostgreSQL takes longer to plan than to run (about 3 ms
    against 1 ms for this one on every page); here the permission ids come from two indexed subqueries.
    """
    quote = connections[alias].ops.quote_name
    user = get_user_model()
    user_permissions = user.user_permissions.through._meta
    user_groups = user.groups.through._meta
    group_permissions = Group.permissions.through._meta

    def column(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    return (
        f"SELECT ct.{quote('app_label')}, p.{quote('codename')} "
        f"FROM {quote(Permission._meta.db_table)} p "
        f"INNER JOIN {quote(ContentType._meta.db_table)} ct ON ct.{quote('id')} = p.{column(Permission._meta, 'content_type')} "
        f"WHERE p.{quote('id')} IN ("
        f"SELECT {column(user_permissions, 'permission')} FROM {quote(user_permissions.db_table)} "
        f"WHERE {column(user_permissions, user._meta.model_name)} = %s "
        f"UNION ALL SELECT gp.{column(group_permissions, 'permission')} FROM {quote(group_permissions.db_table)} gp "
        f"INNER JOIN {quote(user_groups.db_table)} ug ON ug.{column(user_groups, 'group')} = gp.{column(group_permissions, 'group')} "
        f"WHERE ug.{column(user_groups, user._meta.model_name)} = %s)"
    )


def permission_names(user) -> set[str]:
    """Every "app_label.codename" the user holds, their own or their groups', in one statement."""
    alias = router.db_for_read(Permission)
    with connections[alias].cursor() as cursor:
        cursor.execute(_permissions_sql(alias), [user.pk, user.pk])
        return {f"{app_label}.{codename}" for app_label, codename in cursor.fetchall()}


@dataclass(frozen=True)
class _UserRead:
    """How the signed-in user and their jurisdiction are read: one statement and what converts its row."""

    sql: str
    user_fields: tuple[str, ...]
    region_fields: tuple[str, ...]
    converters: tuple[tuple[int, tuple], ...]


@cache
def _user_read(alias: str) -> _UserRead:
    """The statement Django writes for `User.objects.select_related("jurisdiction").get(pk=...)`, once.

    Built from the models: every concrete column of the user and of their region, and the converters the
    database backend and each field apply to a value read (SQLite's dates and booleans, for instance).
    """
    connection = connections[alias]
    quote = connection.ops.quote_name
    user = get_user_model()._meta
    jurisdiction = user.get_field("jurisdiction")
    region = jurisdiction.related_model._meta
    region_table = "jurisdiction"
    columns, converters = [], []
    for table, meta in ((user.db_table, user), (region_table, region)):
        for field in meta.concrete_fields:
            column = field.get_col(table)
            found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if found:
                converters.append((len(columns), tuple((convert, column) for convert in found)))
            columns.append(f"{quote(table)}.{quote(field.column)}")
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(user.db_table)} "
        f"LEFT OUTER JOIN {quote(region.db_table)} {quote(region_table)} "
        f"ON {quote(region_table)}.{quote(region.pk.column)} = {quote(user.db_table)}.{quote(jurisdiction.column)} "
        f"WHERE {quote(user.db_table)}.{quote(user.pk.column)} = %s"
    )
    return _UserRead(
        sql=sql,
        user_fields=tuple(field.attname for field in user.concrete_fields),
        region_fields=tuple(field.attname for field in region.concrete_fields),
        converters=tuple(converters),
    )


def signed_in_user(user_id):
    """The user with this id and their jurisdiction, as `select_related("jurisdiction").get()` gives them,
    or None. Read by one statement written once (`_user_read`): Django's queryset spends longer building
    and compiling that query on every page than the database spends answering it."""
    model = get_user_model()
    alias = router.db_for_read(model)
    read = _user_read(alias)
    try:
        user_id = model._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(read.sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    for position, chain in read.converters:
        for convert, column in chain:
            row[position] = convert(row[position], column, connection)
    width = len(read.user_fields)
    user = model.from_db(alias, read.user_fields, row[:width])
    region = None
    if row[width] is not None:
        region = model._meta.get_field("jurisdiction").related_model.from_db(alias, read.region_fields, row[width:])
    model._meta.get_field("jurisdiction").set_cached_value(user, region)
    return user


class ModelBackendWithScope(ModelBackend):
    """Django's ModelBackend, reading what every page needs of the signed-in user in two queries, not four.

    - The user comes with their jurisdiction, which nearly every page reads for its scope and top bar.
    - Their own and their groups' permissions come in one query (Django reads them in two), written to
      be quick to plan (`permission_names`).
    """

    def get_user(self, user_id):
        user = signed_in_user(user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename").order_by()
                user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
            else:
                user_obj._perm_cache = permission_names(user_obj)
        return user_obj._perm_cache
