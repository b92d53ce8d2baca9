"""Helpers that read the environment and fail loudly on a bad value."""

import datetime
import os

from django.core.exceptions import ImproperlyConfigured

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


def env_date(name: str, default: str) -> datetime.date:
    value = env_str(name, default)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a date (use YYYY-MM-DD).") from None
