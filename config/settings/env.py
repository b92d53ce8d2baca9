"""Helpers that read the environment and fail loudly on a bad value."""

import datetime
import os
import re

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false).")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None


def env_list(name: str, default: list[str] | None = None, *, required: bool = False) -> list[str]:
    value = env_str(name, required=required)
    if value is None:
        return list(default or [])
    items = [item.strip() for item in value.split(",") if item.strip()]
    if required and not items:
        raise ImproperlyConfigured(f"The environment variable {name} must list at least one value.")
    return items


def env_choice(name: str, default: str, choices: list[str], *, upper: bool = False) -> str:
    value = env_str(name, default)
    if upper:
        value = value.strip().upper()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")
    return value


_ADMIN = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]+)>$")


def env_admins(name: str) -> list[tuple[str, str]]:
    """People who get the error mails, from `Name <address>, Other <address>` (a bare address will do)."""
    admins = []
    for entry in env_list(name):
        match = _ADMIN.match(entry)
        person, email = (match["name"], match["email"]) if match else ("", entry)
        try:
            validate_email(email)
        except ValidationError:
            raise ImproperlyConfigured(
                f"{name}: {entry!r} is not an email address (write `Name <address>`, separated by commas)."
            ) from None
        admins.append((person or email, email))
    return admins


def env_date(name: str, default: str) -> datetime.date:
    value = env_str(name, default)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a date (use YYYY-MM-DD).") from None


_RATE = re.compile(r"^[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)$")


def env_rate(name: str, default: str) -> str:
    """A rate such as `600/m`: so many calls a second (s), minute (m), hour (h) or day (d)."""
    value = env_str(name, default).strip()
    if not _RATE.match(value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a rate such as 600/m (per s, m, h or d).")
    return value
