"""The demo sign-ins of ``seeds/demo_users.toml``, loaded only by ``load_seeds --demo-users``."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group

from ..models import Region, User
from .common import SeedError, SeedReport, find, same

DEMO_USERS_FILE = "demo_users"


class DemoUsersNotAllowed(SeedError):
    """Demo users were asked for where settings.DEMO_USERS_ALLOWED is false."""


@dataclass(frozen=True)
class DemoSignIn:
    """One demo account, as the command prints it."""

    username: str
    password: str
    role: str
    jurisdiction: str
    created: bool


def check_demo_users_allowed() -> None:
    """Refuse demo users, before the database is touched, where settings do not allow them."""
    if not getattr(settings, "DEMO_USERS_ALLOWED", False):
        raise DemoUsersNotAllowed(
            "Demo users are not allowed with these settings (DEMO_USERS_ALLOWED is false); run without --demo-users."
        )


def load_demo_users(data: Mapping[str, Any], regions: Mapping[str, Region], report: SeedReport) -> list[DemoSignIn]:
    """The demo accounts of demo_users.toml.

    The password is set only when an account is created; the role groups come from migration
    clusters/0002 and are never created here.
    """
    password = settings.DEMO_PASSWORD
    sign_ins = []
    for spec in data["users"]:
        jurisdiction = find(regions, spec["jurisdiction"], "region") if "jurisdiction" in spec else None
        group = None
        if "group" in spec:
            group = Group.objects.filter(name=spec["group"]).first()
            if group is None:
                raise SeedError(f"Group {spec['group']!r} is missing; run `manage.py migrate` first.")
        values = {
            "last_name": spec.get("last_name", ""),
            "first_name": spec.get("first_name", ""),
            "organisation": spec.get("organisation", ""),
            "jurisdiction": jurisdiction,
            "is_staff": spec.get("is_staff", False),
            "is_superuser": spec.get("is_superuser", False),
        }
        user = User.objects.filter(username=spec["username"]).first()
        created = user is None
        if created:
            user = User(username=spec["username"], **values)
            user.set_password(password)
            user.save()
            report.record(User, "created")
        else:
            changed = [name for name, value in values.items() if not same(user, name, value)]
            for name in changed:
                setattr(user, name, values[name])
            if changed:
                user.save(update_fields=changed)
            report.record(User, "updated" if changed else "unchanged")
        if group is not None and not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
        role = group.name if group else ("admin" if user.is_superuser else "")
        sign_ins.append(
            DemoSignIn(
                username=user.username,
                password=password,
                role=role,
                jurisdiction=jurisdiction.name if jurisdiction else "",
                created=created,
            )
        )
    return sign_ins
