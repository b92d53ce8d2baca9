"""Chinese names in pinyin order (安 an, 北 bei, 丰 feng, 迁 qian, 唐 tang), not in code-point order.

On PostgreSQL the ordering reads the name through the ICU collation `zh_pinyin`, created by a
migration of the clusters app (provider icu, locale zh-u-co-pinyin). SQLite has no such collation and
orders by code point: still a total, stable order.
"""

from django.db import models
from django.db.models import F
from django.db.models.functions import Collate

from config.textsearch import PostgresOnlyIndex

COLLATION = "zh_pinyin"
LOCALE = "zh-u-co-pinyin"


class Pinyin(Collate):
    """`Pinyin("name")`: the column in pinyin order on PostgreSQL, as it is elsewhere."""

    def __init__(self, expression, collation=COLLATION):
        if isinstance(expression, str):
            expression = F(expression)
        super().__init__(expression, collation)

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor != "postgresql":
            return compiler.compile(self.source_expressions[0])
        return super().as_sql(compiler, connection, **extra_context)


class PinyinIndex(PostgresOnlyIndex, models.Index):
    """`PinyinIndex("name", "id", name=...)`: an index in the order `Pinyin("name"), "id"` sorts by, on
    PostgreSQL (SQLite has no such collation)."""

    def __init__(self, field: str, *then: str, name: str):
        super().__init__(Collate(F(field), COLLATION), *(F(column) for column in then), name=name)
        self.pinyin_fields = (field, *then)

    def deconstruct(self):
        path, _, kwargs = super().deconstruct()
        return path, self.pinyin_fields, {"name": kwargs["name"]}
