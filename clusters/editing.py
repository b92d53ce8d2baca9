"""Optimistic locking of edited records: the one stale-edit check every editable case record uses.

A record that people edit from a form carries a `version` that every saved change bumps, and
`updated_by`. The edit form sends back the version it was opened at; the service locks the row and
refuses the edit when the version moved meanwhile, naming who changed the record and when, so that
nobody silently overwrites a colleague's change. The registry and the casework (which may import the
registry, never the reverse) both use this module.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class StaleEdit(ValidationError):
    """Someone else changed the record after the editor opened it."""


def lock_for_edit(model: type[models.Model], pk: int, *related: str):
    """The record with its own row locked until the transaction ends (joined rows stay unlocked).

    PostgreSQL cannot lock the nullable side of an outer join (to `updated_by`), hence `of=("self",)`.
    """
    return model.objects.select_for_update(of=("self",)).select_related("updated_by", *related).get(pk=pk)


def check_version(record, version: int | None, message: str | Promise) -> None:
    """Refuse the edit when the record's version is not the one the editor opened.

    `message` names the record and takes `%(who)s` and `%(when)s`: who changed it last, and when.
    """
    if record.version == version:
        return
    who = record.updated_by.display_name if record.updated_by else _("someone")
    when = timezone.localtime(record.updated_at).strftime("%Y-%m-%d %H:%M")
    raise StaleEdit(message, code="stale", params={"who": who, "when": when})


def touch(record, user) -> None:
    """Every saved change bumps the record's version, so that an edit opened before it is refused.

    A change the system makes (no user, such as an application's "all reviews in") keeps the last editor.
    """
    record.version += 1
    if user is not None:
        record.updated_by = user


class VersionedForm(forms.ModelForm):
    """An edit form that carries the record's version in a hidden field, for the service to check."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version_field = "version"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault(self.version_field, self.instance.version)
        elif self.version_field == "version":
            del self.fields["version"]  # a new record has no version to check

    @property
    def opened_version(self) -> int:
        """The version the editor opened (0 when the form sent none: never a current version)."""
        return self.cleaned_data.get(self.version_field) or 0


class VersionedAdminForm(VersionedForm):
    """The same for admin, which shows the model's own `version` read-only: the hidden field is `edit_version`.

    Admin lays its page out from the form's declared fields, so the field stays on the add page too.
    """

    version = None
    edit_version = forms.IntegerField(label=gettext_lazy("Version opened"), widget=forms.HiddenInput, required=False)
    version_field = "edit_version"
