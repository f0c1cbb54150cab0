"""The waterfall engine: pure functions over tiers (data) and integer minor units.

A waterfall is an ordered list of tiers. Revenue flows into the first tier;
each tier takes what it is owed (never more than what reached it) and passes
the rest down; the last tier, the **residual**, splits whatever is left pro
rata. So for any input the payouts of a receipt add up to the receipt
exactly, and no unit is created or lost (largest remainder,
``core.money.allocate``, wherever an amount is split).

Tier types (each a dict with a unique ``key``, a ``label`` and a ``type``):

``fee``           ``participant``, ``percent`` of the *gross* received to date, optional ``cap_minor``
                  (a distribution fee).
``expenses``      ``participant``, ``cap_minor``: expenses recouped up to the cap.
``negative_cost`` ``amount_minor``, optional ``premium_percent``: the cost plus the premium is
                  recouped, by ``participant`` or (without one) pro rata by stake.
``deferment``     ``participant``, ``amount_minor``: a fixed sum paid before the split.
``corridor``      ``participant``, ``percent`` of what *reaches this tier*, optional ``cap_minor``;
                  the rest continues down.
``residual``      optional ``shares`` ({participant id: weight}); by default the stakes.
                  Exactly one, and last: it is what makes the waterfall terminate.

The engine is cumulative: ``state`` carries, per tier key, what has flowed
into the tier and what it has paid, and the gross received, so percentages
are rounded once on running totals (a fee of 10 % on two receipts of 5 fen
pays 1 fen in all, not 0 + 0) and caps hold across receipts. A receipt's
shares are computed from the state before it and give the state after it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from marquee.core.money import Money, round_half_even
from marquee.investment.errors import InvestmentError, InvestmentErrorCode

TIER_TYPES = ("fee", "expenses", "negative_cost", "deferment", "corridor", "residual")
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")
_MAX_AMOUNT = 10**15
#: Tiers a waterfall may have: enough for any real deal, bounded for the engine's loop.
MAX_TIERS = 50


@dataclass(frozen=True, slots=True)
class Tier:
    """One validated tier. ``weights`` are (participant id, weight) for pro rata splits."""

    key: str
    label: str
    type: str
    participant: int | None = None
    percent: Fraction | None = None
    cap_minor: int | None = None
    amount_minor: int | None = None
    premium: Fraction = Fraction(0)
    weights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Share:
    """What one receipt pays one participant at one tier."""

    tier_key: str
    tier_label: str
    participant: int
    amount_minor: int


def invalid(reason: str, message: str, **detail: Any) -> InvestmentError:
    return InvestmentError(InvestmentErrorCode.INVALID_WATERFALL, message, reason=reason, **detail)


def _percent(raw: Mapping[str, Any], field: str, key: str, *, required: bool) -> Fraction | None:
    value = raw.get(field)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise invalid("invalid_percent", f"Tier {key}: {field} is a decimal string.", tier=key)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise invalid("invalid_percent", f"Tier {key}: {field} {value!r}.", tier=key) from None
    low_ok = number >= 0 if field == "premium_percent" else number > 0
    if not number.is_finite() or not low_ok or number > 100 or number.as_tuple().exponent < -6:
        raise invalid("invalid_percent", f"Tier {key}: {field} {value!r}.", tier=key)
    return Fraction(number) / 100


def _amount(raw: Mapping[str, Any], field: str, key: str, *, required: bool) -> int | None:
    value = raw.get(field)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < _MAX_AMOUNT:
        raise invalid("invalid_amount", f"Tier {key}: {field} {value!r}.", tier=key)
    return value


def _participant(
    raw: Mapping[str, Any], key: str, stakes: Mapping[int, int], *, required: bool
) -> int | None:
    value = raw.get("participant")
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in stakes:
        raise invalid("unknown_participant", f"Tier {key}: participant {value!r}.", tier=key)
    return value


def _stake_weights(key: str, stakes: Mapping[int, int]) -> tuple[tuple[int, int], ...]:
    weights = tuple((pid, bp) for pid, bp in sorted(stakes.items()) if bp > 0)
    if not weights:
        raise invalid("no_residual_shares", f"Tier {key}: nobody holds a stake.", tier=key)
    return weights


def _shares(raw: Mapping[str, Any], key: str, stakes: Mapping[int, int]) -> tuple:
    shares = raw.get("shares")
    if shares is None:
        return _stake_weights(key, stakes)
    if not isinstance(shares, Mapping) or not shares:
        raise invalid("no_residual_shares", f"Tier {key}: shares {shares!r}.", tier=key)
    weights = []
    for pid, weight in shares.items():
        try:
            participant = int(pid)
        except (TypeError, ValueError):
            participant = -1
        if participant not in stakes:
            raise invalid("unknown_participant", f"Tier {key}: participant {pid!r}.", tier=key)
        if isinstance(weight, bool) or not isinstance(weight, int) or weight < 0:
            raise invalid("invalid_amount", f"Tier {key}: weight {weight!r}.", tier=key)
        if weight:
            weights.append((participant, weight))
    if not weights:
        raise invalid("no_residual_shares", f"Tier {key}: every share is zero.", tier=key)
    return tuple(sorted(weights))


def parse_tier(raw: Any, stakes: Mapping[int, int]) -> Tier:
    """One tier from its data; refuses (``invalid_waterfall``) what the engine cannot run."""
    if not isinstance(raw, Mapping):
        raise invalid("invalid_tier", "A tier is an object.", tier="?")
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise invalid("invalid_tier", f"Tier key {key!r}.", tier=str(key)[:60])
    label = raw.get("label", key)
    if not isinstance(label, str) or not 0 < len(label) <= 200 or "\x00" in label:
        raise invalid("invalid_tier", f"Tier {key}: label.", tier=key)
    kind = raw.get("type")
    if kind not in TIER_TYPES:
        raise invalid("unknown_tier_type", f"Tier {key}: type {kind!r}.", tier=key)
    common = {"key": key, "label": label, "type": kind}
    if kind == "fee":
        return Tier(
            **common,
            participant=_participant(raw, key, stakes, required=True),
            percent=_percent(raw, "percent", key, required=True),
            cap_minor=_amount(raw, "cap_minor", key, required=False),
        )
    if kind == "corridor":
        return Tier(
            **common,
            participant=_participant(raw, key, stakes, required=True),
            percent=_percent(raw, "percent", key, required=True),
            cap_minor=_amount(raw, "cap_minor", key, required=False),
        )
    if kind == "expenses":
        return Tier(
            **common,
            participant=_participant(raw, key, stakes, required=True),
            cap_minor=_amount(raw, "cap_minor", key, required=True),
        )
    if kind == "deferment":
        return Tier(
            **common,
            participant=_participant(raw, key, stakes, required=True),
            amount_minor=_amount(raw, "amount_minor", key, required=True),
        )
    if kind == "negative_cost":
        participant = _participant(raw, key, stakes, required=False)
        return Tier(
            **common,
            participant=participant,
            amount_minor=_amount(raw, "amount_minor", key, required=True),
            premium=_percent(raw, "premium_percent", key, required=False) or Fraction(0),
            weights=() if participant is not None else _stake_weights(key, stakes),
        )
    return Tier(**common, weights=_shares(raw, key, stakes))


def parse_tiers(raw: Any, stakes: Mapping[int, int]) -> list[Tier]:
    """Validate a whole waterfall against the project's participants (id → stake in bp).

    Refuses (``invalid_waterfall`` with a ``reason``): no tiers, a last tier
    that is not the residual (the money would have nowhere to end: the
    waterfall does not terminate), a residual before the end (what follows
    could never be paid), a residual nobody shares, duplicate keys, unknown
    types or participants, percentages outside (0, 100], amounts that are not
    whole numbers above zero.
    """
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes) or not raw:
        raise invalid("no_tiers", "A waterfall needs at least one tier.")
    if len(raw) > MAX_TIERS:
        raise invalid("invalid_tier", f"At most {MAX_TIERS} tiers.", tier=str(MAX_TIERS + 1))
    tiers = [parse_tier(item, stakes) for item in raw]
    seen: set[str] = set()
    for tier in tiers:
        if tier.key in seen:
            raise invalid("duplicate_tier", f"Duplicate tier key {tier.key}.", tier=tier.key)
        seen.add(tier.key)
    residuals = [i for i, t in enumerate(tiers) if t.type == "residual"]
    if tiers[-1].type != "residual":
        raise invalid("no_residual", "The last tier must be the residual.")
    if residuals != [len(tiers) - 1]:
        key = tiers[residuals[0]].key
        raise invalid("residual_not_last", f"Residual {key} is not last.", tier=key)
    return tiers


def empty_state() -> dict[str, Any]:
    return {"gross": 0, "tiers": {}}


def _split(amount: int, weights: Sequence[tuple[int, int]], currency: str) -> list[tuple[int, int]]:
    parts = Money(amount, currency).allocate([w for _, w in weights])
    return [(pid, part.minor) for (pid, _), part in zip(weights, parts, strict=True)]


def _entitled(tier: Tier, *, gross: int, flowed: int) -> int | None:
    """The tier's cumulative entitlement so far (None: all that reaches it)."""
    if tier.type == "fee":
        owed = round_half_even(gross * tier.percent)
    elif tier.type == "corridor":
        owed = round_half_even(flowed * tier.percent)
    elif tier.type == "expenses":
        owed = tier.cap_minor
    elif tier.type in ("deferment",):
        owed = tier.amount_minor
    elif tier.type == "negative_cost":
        owed = tier.amount_minor + round_half_even(tier.amount_minor * tier.premium)
    else:
        return None
    if tier.cap_minor is not None:
        owed = min(owed, tier.cap_minor)
    return owed


def apply_receipt(
    tiers: Sequence[Tier], state: Mapping[str, Any], amount: int, currency: str
) -> tuple[list[Share], dict[str, Any]]:
    """Run one receipt of ``amount`` minor units through the tiers.

    Returns the shares (zero shares left out) and the new state; the input
    state is not changed. Σ shares == amount, always.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise InvestmentError(InvestmentErrorCode.INVALID_RECEIPT, f"Amount {amount!r}.")
    gross = int(state.get("gross", 0)) + amount
    before = state.get("tiers", {})
    after: dict[str, dict[str, int]] = {k: dict(v) for k, v in before.items()}
    shares: list[Share] = []
    available = amount
    for tier in tiers:
        filled = after.setdefault(tier.key, {"in": 0, "paid": 0})
        filled["in"] += available
        owed = _entitled(tier, gross=gross, flowed=filled["in"])
        pay = available if owed is None else max(0, min(owed - filled["paid"], available))
        if pay:
            filled["paid"] += pay
            available -= pay
            if tier.participant is not None:
                parts = [(tier.participant, pay)]
            else:
                parts = _split(pay, tier.weights, currency)
            shares.extend(Share(tier.key, tier.label, pid, part) for pid, part in parts if part)
    if available:
        raise RuntimeError("A validated waterfall always ends with the residual.")
    return shares, {"gross": gross, "tiers": after}


def run(
    tiers: Sequence[Tier], amounts: Sequence[int], currency: str, state: Mapping | None = None
) -> tuple[list[list[Share]], dict[str, Any]]:
    """Several receipts in order (one per period): the shares of each, and the final state."""
    current: Mapping[str, Any] = state if state is not None else empty_state()
    out = []
    for amount in amounts:
        shares, current = apply_receipt(tiers, current, amount, currency)
        out.append(shares)
    return out, dict(current)


def totals(shares: Sequence[Share]) -> dict[int, int]:
    """Σ per participant."""
    out: dict[int, int] = {}
    for share in shares:
        out[share.participant] = out.get(share.participant, 0) + share.amount_minor
    return out
