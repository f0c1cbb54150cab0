"""Registries: payment purposes (what a payment buys) and payment providers.

A *purpose* is registered once by the domain that sells something, usually in
its ``AppConfig.ready()``::

    register_purpose("ticket_order", on_succeeded=fulfil_paid_order)

``on_succeeded(payment)`` runs inside the transaction that marks the payment
succeeded, with the payment row locked, exactly once per payment. It returns
``True`` when the goods were delivered and ``False`` when they could not be;
payments then refunds the whole amount (reason ``fulfilment_failed``).
``on_failed(payment)`` runs once when the provider declines.

Providers are looked up by name; ``settings.MARQUEE_PAYMENT_PROVIDER`` is
the one new payments use. ``PaymentsConfig.ready()`` registers them at start-up
(:mod:`marquee.payments.providers.setup`): the real providers that are
configured and, outside production only, the simulator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from marquee.core.errors import NotFound
from marquee.payments.errors import PaymentsErrorCode

if TYPE_CHECKING:
    from marquee.payments.models import Payment
    from marquee.payments.providers.base import PaymentProvider


@dataclass(frozen=True)
class Purpose:
    name: str
    on_succeeded: Callable[[Payment], bool]
    on_failed: Callable[[Payment], None] | None = None


_PURPOSES: dict[str, Purpose] = {}
_PROVIDERS: dict[str, PaymentProvider] = {}


def register_purpose(
    purpose: str,
    *,
    on_succeeded: Callable[[Payment], bool],
    on_failed: Callable[[Payment], None] | None = None,
) -> None:
    """Register (or replace) the handlers of ``purpose``."""
    if not purpose or len(purpose) > 50:
        raise ValueError("a purpose name is 1–50 characters")
    _PURPOSES[purpose] = Purpose(name=purpose, on_succeeded=on_succeeded, on_failed=on_failed)


def unregister_purpose(purpose: str) -> None:
    """Forget ``purpose`` (tests use it to clean up their test-only purposes)."""
    _PURPOSES.pop(purpose, None)


def get_purpose(purpose: str) -> Purpose | None:
    return _PURPOSES.get(purpose)


def register_provider(provider: PaymentProvider) -> None:
    """Register (or replace) a provider under ``provider.name``."""
    _PROVIDERS[provider.name] = provider


def unregister_provider(name: str) -> None:
    """Forget the provider called ``name`` (tests use it to clean up)."""
    _PROVIDERS.pop(name, None)


def provider_names() -> list[str]:
    """The names of the registered providers, sorted."""
    return sorted(_PROVIDERS)


def get_provider(name: str) -> PaymentProvider:
    """The provider called ``name``; :class:`NotFound` (``unknown_provider``) otherwise."""
    provider = _PROVIDERS.get(name)
    if provider is None:
        raise NotFound(PaymentsErrorCode.UNKNOWN_PROVIDER, f"No payment provider {name!r}.")
    return provider


def default_provider_name() -> str:
    """``settings.MARQUEE_PAYMENT_PROVIDER``: the provider new payments use."""
    return getattr(settings, "MARQUEE_PAYMENT_PROVIDER", "") or "sim"


def simulator_allowed() -> bool:
    """Whether the simulated gateway may exist: never in production."""
    return not getattr(settings, "PRODUCTION", False)
