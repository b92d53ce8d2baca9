"""Writes of the registry that take more than a form's save: edits under the stale-edit check."""

from django.db import transaction
from django.utils.translation import gettext_lazy

from .editing import check_version, lock_for_edit, touch
from .models import Enterprise, User

ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "county",
    "cluster",
    "size",
    "is_leading",
    "address",
    "contact_person",
    "contact_phone",
    "source",
    "synthetic",
)


@transaction.atomic
def enterprise_update(*, enterprise_id: int, user: User, version: int, data: dict) -> Enterprise:
    """Save an edit of an enterprise unless it changed since the editor loaded `version`; nothing is overwritten.

    `data` is what the edit form cleaned (the form has checked the credit code and that the cluster lies in
    the county); fields it does not hold stay as they are.
    """
    enterprise = lock_for_edit(Enterprise, enterprise_id)
    check_version(
        enterprise,
        version,
        gettext_lazy(
            "%(who)s changed this enterprise at %(when)s, after you opened it. Your changes were not saved; "
            "reload the enterprise and make them again."
        ),
    )
    for field in ENTERPRISE_FIELDS:
        if field in data:
            setattr(enterprise, field, data[field])
    touch(enterprise, user)
    enterprise.save()
    return enterprise
