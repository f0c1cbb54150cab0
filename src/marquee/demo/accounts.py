"""The demo accounts' shared password and how an account is listed for people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marquee.accounts.models import User

DEMO_PASSWORD = "marquee-demo"  # noqa: S105 - documented, printed, demo only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    organisation: str
    display_name: str

    def as_dict(self) -> dict[str, str]:
        return {
            "username": self.username,
            "password": DEMO_PASSWORD,
            "role": self.role,
            "organisation": self.organisation,
            "display_name": self.display_name,
        }


def demo_user(username: str, *, display_name: str, superuser: bool = False, **profile: str) -> User:
    """The demo account ``username``, created or brought up to date (idempotent)."""
    user = User.objects.filter(username=username).first()
    email = f"{username}@demo.marquee.example"
    if user is None:
        maker = User.objects.create_superuser if superuser else User.objects.create_user
        user = maker(username=username, email=email, password=DEMO_PASSWORD)
    wanted: dict[str, Any] = {"display_name": display_name, "email": email, **profile}
    if superuser:
        wanted.update(is_superuser=True, is_staff=True)
    changed = []
    for attr, value in wanted.items():
        if getattr(user, attr) != value:
            setattr(user, attr, value)
            changed.append(attr)
    if not user.has_usable_password():
        # Hashing is slow on purpose; only (re)set a password that is missing.
        user.set_password(DEMO_PASSWORD)
        changed.append("password")
    if changed:
        user.save(update_fields=changed)
    return user
