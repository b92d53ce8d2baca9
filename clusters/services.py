"""Writes of the registry that take more than a form's save: edits under the stale-edit check; API tokens."""

import datetime
import hashlib
import hmac
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .editing import check_version, lock_for_edit, touch
from .models import ApiToken, Enterprise, User

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


# API tokens (config/api.py reads the API with them)

API_TOKEN_PREFIX_BYTES = 6
API_TOKEN_SECRET_BYTES = 32
# A token's last use is written at most this often, so that reading the API does not write on every call.
API_TOKEN_TOUCH_SECONDS = 60


def _token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, created_by: User | None = None) -> tuple[ApiToken, str]:
    """Make a token for `user`; the token itself is returned here and never again (only its digest is kept)."""
    prefix = secrets.token_hex(API_TOKEN_PREFIX_BYTES)
    secret = secrets.token_urlsafe(API_TOKEN_SECRET_BYTES)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, digest=_token_digest(secret), created_by=created_by
    )
    return token, f"{prefix}.{secret}"


@transaction.atomic
def api_token_revoke(*, token_id: int) -> ApiToken:
    """Revoke a token from now on; revoking it again keeps the first moment."""
    token = ApiToken.objects.select_for_update().get(pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(presented: str) -> ApiToken | None:
    """The live token that `presented` is, with its user, or None (unknown, wrong secret, revoked, inactive user).

    The row is found by the token's public prefix and the secret's digest compared in constant time. The last
    use is recorded at most once a minute, by an update that does nothing when another request just did it.
    """
    prefix, dot, secret = presented.strip().partition(".")
    if not dot or not prefix or not secret or len(prefix) > ApiToken._meta.get_field("prefix").max_length:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None or not hmac.compare_digest(token.digest, _token_digest(secret)) or not token.user.is_active:
        return None
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=API_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is None or token.last_used_at < stale:
        ApiToken.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=token.pk).update(
            last_used_at=now
        )
        token.last_used_at = now
    return token
