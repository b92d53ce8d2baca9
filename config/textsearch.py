"""Finding rows by a few characters of their text, served by trigram indexes on PostgreSQL.

On PostgreSQL (with the pg_trgm extension, see clusters' migrations) a searched column has a GIN trigram
index (`TrigramIndex` in the model's Meta.indexes). `ILIKE '%...%'` on the bare column is what that
index serves; Django's `icontains` writes `UPPER(col::text) LIKE UPPER(...)`, which no index on the
column serves, hence the `ilike` lookup here. A word of one or two characters (钢铁, 计量: the usual
length of a Chinese word) holds no trigram, so no trigram index can serve it; such a column also has a
GIN index of its one- and two-character pieces (`ShortGramIndex`, the SQL function `qi_short_grams`),
and a short word is looked up there as one of the pieces (`has_gram`), which finds exactly the rows
that hold it. Small typos are found by trigram word similarity (`%>`, served by the trigram index) and
ranked by it.

On SQLite the same calls are `icontains` and no similarity: a correct, slower fallback.

Chinese characters count as letters for pg_trgm only when the database's LC_CTYPE says so (C.UTF-8,
zh_CN.UTF-8...); under the plain C locale they form no trigrams (see docs/operations.md).
"""

import json
from collections.abc import Sequence

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.backends.ddl_references import Statement
from django.db.models import (
    Case,
    CharField,
    F,
    FloatField,
    ForeignKey,
    Func,
    Lookup,
    Model,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.db.models.lookups import IContains

# What a search box accepts: longer input only costs the database more work, so the rest is dropped.
MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 5


class ILike(IContains):
    """`field__ilike=value`: the value anywhere in the column, ignoring case; ILIKE on PostgreSQL."""

    lookup_name = "ilike"

    def as_sql(self, compiler, connection):
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        # The bare column (no ::text cast, no UPPER) is what the trigram index holds.
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


CharField.register_lookup(ILike)
TextField.register_lookup(ILike)

# The longest word looked up by its pieces rather than by trigrams.
SHORT_WORD = 2
SHORT_GRAMS_FUNCTION = "qi_short_grams"
# Every piece of one and of two characters of a text, lower-cased: a word of at most two characters
# occurs in the text exactly when it is one of them. Created by a migration of clusters.
SHORT_GRAMS_SQL = f"""
CREATE OR REPLACE FUNCTION {SHORT_GRAMS_FUNCTION}(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(lower(value), i, n)), '{{}}'::text[])
  FROM generate_series(1, char_length(value)) AS i, (VALUES (1), (2)) AS sizes(n)
  WHERE i + n - 1 <= char_length(value)
$$
"""


class ShortGrams(Func):
    function = SHORT_GRAMS_FUNCTION
    output_field = ArrayField(TextField())


class HasGram(Lookup):
    """`field__has_gram=word` (one or two characters): on PostgreSQL `qi_short_grams(col) @> ARRAY[lower(word)]`,
    which the column's ShortGramIndex serves; elsewhere the same as `icontains`."""

    lookup_name = "has_gram"

    def as_sql(self, compiler, connection):
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        # Where the rows are read in another index's order, the condition is a filter on each row read;
        # computing a row's pieces costs far more than finding the word in it, so `strpos` tries first
        # (written `NOT (... = 0)`, which the planner counts as matching nearly every row, so the
        # estimate stays that of the pieces).
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        params = (*lhs_params, *rhs_params)
        return (
            f"(NOT (strpos(lower({lhs}), lower({rhs})) = 0) AND {SHORT_GRAMS_FUNCTION}({lhs}) @> ARRAY[lower({rhs})]::text[])",
            (*params, *params),
        )


CharField.register_lookup(HasGram)
TextField.register_lookup(HasGram)


class AnyOf(Lookup):
    """`fk__any_of=<queryset of ids>`: on PostgreSQL `fk = ANY(ARRAY(SELECT ...))`, `IN (SELECT ...)` elsewhere.

    The array is computed once, before the rows are read, so the foreign key's index serves the
    condition, also within an OR beside the table's own trigram indexes (a BitmapOr); `IN (SELECT ...)`
    inside an OR is a filter on every row.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


ForeignKey.register_lookup(AnyOf)


class _NoStatement(Statement):
    """An index statement that does nothing, for the databases that have no trigram index."""

    def __init__(self):
        super().__init__("SELECT 1")

    def references_table(self, table):
        return False

    def references_column(self, table, column):
        return False

    def rename_table_references(self, old_table, new_table):
        pass

    def rename_column_references(self, table, old_column, new_column):
        pass


class PostgresOnlyIndex:
    """Mixed into an index class: the index exists on PostgreSQL and is nothing on other databases.

    Django would create it on SQLite too, also whenever it rebuilds a table there, and fail.
    """

    def create_sql(self, model, schema_editor, *args, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return _NoStatement()
        return super().create_sql(model, schema_editor, *args, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return _NoStatement()
        return super().remove_sql(model, schema_editor, **kwargs)


class TrigramIndex(PostgresOnlyIndex, GinIndex):
    """A GIN trigram index (`gin_trgm_ops`) of each column, which serves ILIKE and similarity."""

    def __init__(self, *, fields: Sequence[str], name: str, **kwargs):
        kwargs.setdefault("opclasses", ["gin_trgm_ops"] * len(fields))
        super().__init__(fields=fields, name=name, **kwargs)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs.pop("opclasses", None)
        return path, args, kwargs


class ShortGramIndex(PostgresOnlyIndex, GinIndex):
    """A GIN index of a column's pieces of one and two characters, which serves `has_gram` (short words)."""

    def __init__(self, *, field: str, name: str, **kwargs):
        super().__init__(ShortGrams(F(field)), name=name, **kwargs)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        (expression,) = args
        return path, (), {**kwargs, "field": expression.source_expressions[0].name}


def query_words(text: str) -> list[str]:
    """The words of a search, NUL bytes dropped (PostgreSQL refuses them), cut to a sensible length."""
    return text.replace("\x00", "")[:MAX_QUERY_LENGTH].split()[:MAX_QUERY_WORDS]


def typo_tolerant() -> bool:
    return connection.vendor == "postgresql"


def _contains(model: type[Model], field: str, word: str) -> Q:
    """`field` holds `word`; a column of a related row (`enterprise__name`) through the ids of the rows
    that hold it, so that each column's own index serves its part of an OR."""
    lookup = "has_gram" if len(word) <= SHORT_WORD else "ilike"
    if "__" not in field:
        return Q(**{f"{field}__{lookup}": word})
    relation, column = field.split("__", 1)
    related = model._meta.get_field(relation).related_model
    return Q(
        **{f"{relation}__any_of": related._base_manager.filter(**{f"{column}__{lookup}": word}).order_by().values("pk")}
    )


def contains_q(model: type[Model], words: Sequence[str], fields: Sequence[str]) -> Q:
    """Every word occurs in at least one of `fields` (our column names, never input)."""
    condition = Q()
    for word in words:
        any_field = Q()
        for field in fields:
            any_field |= _contains(model, field, word)
        condition &= any_field
    return condition


def matching(queryset: QuerySet, words: Sequence[str], fields: Sequence[str]) -> QuerySet:
    """The rows in which every word occurs in at least one of `fields`."""
    return queryset.filter(contains_q(queryset.model, words, fields)) if words else queryset


def _similar_q(words: Sequence[str], fields: Sequence[str]) -> tuple[Q, object]:
    """Rows close to the query (trigram word similarity, served by the trigram indexes) and how close."""
    phrase = " ".join(words)
    similar = Q()
    for field in fields:
        similar |= Q(**{f"{field}__trigram_word_similar": phrase})
    similarities = [TrigramWordSimilarity(phrase, field) for field in fields]
    closest = similarities[0] if len(similarities) == 1 else Greatest(*similarities)
    return similar, closest


def close_to(queryset: QuerySet, words: Sequence[str], fields: Sequence[str]) -> QuerySet:
    """The rows close to the query that do not hold every word (a small typo), annotated with `rank`, their
    similarity; none where similarity is not available (SQLite). Order by `-rank` and a total order."""
    if not words or not typo_tolerant():
        return queryset.none().annotate(rank=Value(0.0, output_field=FloatField()))
    similar, closest = _similar_q(words, fields)
    return queryset.filter(similar & ~contains_q(queryset.model, words, fields)).annotate(rank=closest)


# How a word's rows are read in a list's order. A word that PostgreSQL estimates in more than COMMON_ROWS rows
# of the whole table is read in that order, and its first rows come soon. Any other (the statistics do not
# know a rare word) has up to FEW_ROWS of its rows' ids fetched from its index first: fewer, and only those
# rows are sorted.
COMMON_ROWS = 5_000
FEW_ROWS = 200


def in_order(queryset: QuerySet, words: Sequence[str], fields: Sequence[str], order: Sequence) -> QuerySet:
    """`matching(...)` in `order`, planned so that a slice of it costs little however rare or common the words.

    Read in `order`, the rows holding a common word come at once; the rows holding a rare one (a name with no
    ticket) are only found at the end of the table, after every row was read, as PostgreSQL does when it
    misjudges the word as common. On PostgreSQL a rare word's rows are therefore taken from the word's
    index first, by their ids, and only those sorted. It costs the estimate, and for a word not known to be
    common its ids: one or two queries before the slice. Slice the result; on SQLite it is `matching(...)`.
    """
    rows = matching(queryset, words, fields).order_by(*order)
    if not words or not typo_tolerant():
        return rows
    # How common the words are in the whole table (the scope's share of it is not the words' business),
    # unless a searched field is an annotation of this queryset.
    annotated = any(field.split("__")[0] in queryset.query.annotations for field in fields)
    table = queryset if annotated else queryset.model._base_manager.all()
    holding = matching(table, words, fields).order_by().values_list("pk", flat=True)
    if json.loads(holding.explain(format="json"))[0]["Plan"]["Plan Rows"] > COMMON_ROWS:
        return rows
    few = list(holding[:FEW_ROWS])
    if len(few) == FEW_ROWS:
        return rows  # commoner than the statistics knew: read in order after all
    return queryset.filter(pk__in=few).order_by(*order)


def best_first(queryset: QuerySet, words: Sequence[str], fields: Sequence[str], order: Sequence, limit: int) -> list:
    """The first `limit` rows of `search(...).order_by("-rank", *order)`, in at most two short queries
    (on PostgreSQL two more, to plan a word's rows as `in_order` does).

    The rows that hold every word all rank 1, so they come first in `order`: read in that order they
    stop at `limit`, served by the index of `order` (however many rows match, the first ones are found
    among the newest few). Only when fewer hold every word are the close ones (a small typo) looked up.
    Sorting every match by its rank instead grows with the matches.
    """
    if not words:
        return []
    found = list(in_order(queryset, words, fields, order)[:limit])
    if len(found) < limit and typo_tolerant():
        found += close_to(queryset, words, fields).order_by("-rank", *order)[: limit - len(found)]
    return found


def search(queryset: QuerySet, words: Sequence[str], fields: Sequence[str]) -> QuerySet:
    """The rows holding every word, and on PostgreSQL also those close to the query (a small typo),
    best first: annotated with `rank`, 1 when every word is found, else the query's best word
    similarity to any of the fields (on SQLite every row found ranks 1).

    Order by `-rank` and then a total order of the caller's.
    """
    if not words:
        return queryset.none().annotate(rank=Value(1.0, output_field=FloatField()))
    contains = contains_q(queryset.model, words, fields)
    if not typo_tolerant():
        return queryset.filter(contains).annotate(rank=Value(1.0, output_field=FloatField()))
    similar, closest = _similar_q(words, fields)
    rank = Case(When(contains, then=Value(1.0)), default=closest, output_field=FloatField())
    return queryset.filter(contains | similar).annotate(rank=rank)
