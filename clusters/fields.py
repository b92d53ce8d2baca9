"""Fields that take a record's id from input: an id too wide for any database is an invalid choice.

SQLite raises OverflowError on an integer beyond 64 bits (a 500 instead of a form error), so
every form and filter that chooses records by id uses these fields, not Django's plain ones.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_filters import fields as filter_fields

# The widest primary key any supported database holds (BigAutoField).
PK_RANGE = range(-(2**63), 2**63)


def _too_wide(value) -> bool:
    try:
        return int(str(value).strip()) not in PK_RANGE
    except (TypeError, ValueError):
        return False  # not a number: the parent class says so


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """The options read with one plain query.

    Django's iterator reads them with `.iterator()`, which on PostgreSQL opens a server-side cursor: a
    transaction and three more round trips for a list of a few dozen rows, on every form drawn.
    """

    def __iter__(self):
        kept = getattr(self.field, "kept_choices", None)
        if kept is not None:  # read earlier and kept (a filter form's dropdowns: clusters/filters.py)
            yield from kept
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class _IdRangeMixin:
    """Refuse, as an invalid choice, any submitted id outside PK_RANGE, before the database sees it."""

    iterator = ListedChoiceIterator

    def _refuse_too_wide(self, values) -> None:
        if self.to_field_name and self.to_field_name != self.queryset.model._meta.pk.name:
            return  # chosen by another column (a region code, say): not an id
        for value in values:
            if value not in self.empty_values and _too_wide(value):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
                )


class IdChoiceField(_IdRangeMixin, forms.ModelChoiceField):
    def to_python(self, value):
        self._refuse_too_wide([value])
        return super().to_python(value)


class IdMultipleChoiceField(_IdRangeMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        self._refuse_too_wide(value if isinstance(value, list | tuple) else [value])
        return super()._check_values(value)


class _FilterIdChoiceField(_IdRangeMixin, filter_fields.ModelChoiceField):
    def to_python(self, value):
        self._refuse_too_wide([value])
        return super().to_python(value)


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _FilterIdChoiceField
