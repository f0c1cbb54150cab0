"""The demo accounts' shared password and how an account is listed for people."""

from __future__ import annotations

from dataclasses import dataclass

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
