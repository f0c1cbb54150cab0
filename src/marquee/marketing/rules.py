"""The segment rule language: parse a rule into a tree, check it, turn it into a query.

A rule combines conditions with ``and``, ``or``, ``not`` and parentheses; a
condition is a name and keyword arguments::

    bought(genre=action, city=shanghai, within=90d) and wants_to_see(title=the-last-frame)

Conditions (docs/marketing.md has the full table):

- ``bought(genre=…, city=…, title=…, cinema=…, within=Nd, at_least=N)``: at least
  N (default 1) paid orders, each matching every filter given.
- ``tickets(at_least=N, within=Nd)``: at least N admitting tickets.
- ``spent(at_least=N, currency=CNY, within=Nd)``: paid orders of that currency
  worth at least N whole units, net of refunds.
- ``wants_to_see(title=…)``: registered interest in a title.
- ``profile(age_band=25_34, gender=female)``: what the moviegoer told us.

The tree is plain JSON (stored on the segment): ``{"and": [...]}``,
``{"or": [...]}``, ``{"not": node}`` or ``{"pred": name, "args": {...}}``.
A rule that does not parse raises :class:`RuleError` ``rule_syntax`` with the
1-based character position and what was expected there; unknown names and
values raise ``rule_unknown_name`` / ``rule_invalid_value``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, Sum

from marquee.marketing.errors import MarketingErrorCode, RuleError

MAX_RULE_CHARS = 2000
MAX_CONDITIONS = 50
MAX_DEPTH = 20
MAX_WITHIN_DAYS = 3650

_TOKEN = re.compile(r"\s*(?:(?P<op>>=|<=|[(),=])|(?P<word>[A-Za-z0-9_.\-]+))")
_KEYWORDS = {"and", "or", "not"}

#: condition → {argument: kind}; kinds are checked by _value().
PREDICATES: dict[str, dict[str, str]] = {
    "bought": {
        "genre": "genre",
        "city": "city",
        "title": "title",
        "cinema": "cinema",
        "within": "days",
        "at_least": "count",
    },
    "tickets": {"at_least": "count", "within": "days"},
    "spent": {"at_least": "amount", "currency": "currency", "within": "days"},
    "wants_to_see": {"title": "title"},
    "profile": {"age_band": "age_band", "gender": "gender"},
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "spent": ("at_least", "currency"),
    "wants_to_see": ("title",),
    "tickets": ("at_least",),
}


@dataclass(frozen=True)
class Token:
    kind: str  # "op", "word" or "end"
    text: str
    position: int  # 1-based


def _syntax(position: int, expected: str) -> RuleError:
    return RuleError(
        MarketingErrorCode.RULE_SYNTAX,
        f"The rule does not parse at character {position}: {expected} expected.",
        position=position,
        expected=expected,
    )


def tokenize(text: str) -> list[Token]:
    """Words and operators with their positions; raises ``rule_syntax`` on any other character."""
    tokens: list[Token] = []
    at = 0
    while at < len(text):
        if text[at:].strip() == "":
            break
        match = _TOKEN.match(text, at)
        if match is None:
            stripped = len(text[at:]) - len(text[at:].lstrip())
            raise _syntax(at + stripped + 1, "a name, a value, “(”, “)”, “,” or “=”")
        kind = "op" if match.group("op") else "word"
        value = match.group(kind)
        tokens.append(Token(kind, value, match.start(kind) + 1))
        at = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.at = 0
        self.conditions = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def _keyword(self, word: str) -> bool:
        token = self.token
        if token.kind == "word" and token.text.lower() == word:
            self.at += 1
            return True
        return False

    def _expect(self, op: str) -> None:
        if self.token.kind != "op" or self.token.text != op:
            raise _syntax(self.token.position, f"“{op}”")
        self.at += 1

    def parse(self) -> dict[str, Any]:
        node = self._or(0)
        if self.token.kind != "end":
            raise _syntax(self.token.position, "“and”, “or” or the end of the rule")
        return node

    def _or(self, depth: int) -> dict[str, Any]:
        if depth > MAX_DEPTH:
            raise RuleError(MarketingErrorCode.RULE_TOO_LONG, "The rule nests too deeply.")
        parts = [self._and(depth)]
        while self._keyword("or"):
            parts.append(self._and(depth))
        return parts[0] if len(parts) == 1 else {"or": parts}

    def _and(self, depth: int) -> dict[str, Any]:
        parts = [self._not(depth)]
        while self._keyword("and"):
            parts.append(self._not(depth))
        return parts[0] if len(parts) == 1 else {"and": parts}

    def _not(self, depth: int) -> dict[str, Any]:
        if self._keyword("not"):
            return {"not": self._not(depth + 1)}
        token = self.token
        if token.kind == "op" and token.text == "(":
            self.at += 1
            node = self._or(depth + 1)
            self._expect(")")
            return node
        return self._condition()

    def _condition(self) -> dict[str, Any]:
        token = self.token
        if token.kind != "word" or token.text.lower() in _KEYWORDS:
            raise _syntax(token.position, "a condition such as bought(…) or “(”")
        name = token.text.lower()
        if name not in PREDICATES:
            raise RuleError(
                MarketingErrorCode.RULE_UNKNOWN_NAME,
                f"Unknown condition {name!r}.",
                name=name,
                position=token.position,
            )
        self.conditions += 1
        if self.conditions > MAX_CONDITIONS:
            raise RuleError(MarketingErrorCode.RULE_TOO_LONG, "Too many conditions.")
        self.at += 1
        self._expect("(")
        args: dict[str, str] = {}
        positions: dict[str, int] = {}
        if not (self.token.kind == "op" and self.token.text == ")"):
            while True:
                key = self.token
                if key.kind != "word":
                    raise _syntax(key.position, "an argument name")
                self.at += 1
                op = self.token
                if op.kind != "op" or op.text not in ("=", ">="):
                    raise _syntax(op.position, "“=”")
                self.at += 1
                value = self.token
                if value.kind != "word":
                    raise _syntax(value.position, "a value")
                self.at += 1
                arg = key.text.lower()
                if arg in args:
                    raise _syntax(key.position, "an argument not given twice")
                args[arg] = value.text
                positions[arg] = value.position
                if self.token.kind == "op" and self.token.text == ",":
                    self.at += 1
                    continue
                break
        self._expect(")")
        return {"pred": name, "args": _check_args(name, args, positions, token.position)}


def _check_args(
    name: str, args: dict[str, str], positions: dict[str, int], at: int
) -> dict[str, Any]:
    allowed = PREDICATES[name]
    out: dict[str, Any] = {}
    for arg, raw in args.items():
        if arg not in allowed:
            raise RuleError(
                MarketingErrorCode.RULE_UNKNOWN_NAME,
                f"{name}() has no argument {arg!r}.",
                name=f"{name}({arg})",
                position=positions[arg],
            )
        out[arg] = _value(allowed[arg], arg, raw, positions[arg])
    for arg in REQUIRED.get(name, ()):
        if arg not in out:
            raise _syntax(at, f"{name}({arg}=…)")
    if name == "profile" and not out:
        raise _syntax(at, "profile(age_band=…) or profile(gender=…)")
    return out


def _invalid(arg: str, raw: str, position: int) -> RuleError:
    return RuleError(
        MarketingErrorCode.RULE_INVALID_VALUE,
        f"{arg}={raw!r} is not allowed.",
        name=arg,
        value=raw,
        position=position,
    )


def _value(kind: str, arg: str, raw: str, position: int) -> Any:
    """The checked value of one argument (existence in the database checked later)."""
    from marquee.core.money import is_supported_currency
    from marquee.marketing.models import AgeBand, Gender

    if kind == "days":
        match = re.fullmatch(r"(\d{1,4})d", raw.lower())
        if match is None or not 1 <= int(match.group(1)) <= MAX_WITHIN_DAYS:
            raise _invalid(arg, raw, position)
        return int(match.group(1))
    if kind in ("count", "amount"):
        if not re.fullmatch(r"\d{1,9}", raw) or (kind == "count" and int(raw) < 1):
            raise _invalid(arg, raw, position)
        return int(raw)
    if kind == "currency":
        if not is_supported_currency(raw.upper()):
            raise _invalid(arg, raw, position)
        return raw.upper()
    if kind == "age_band":
        if raw not in AgeBand.values:
            raise _invalid(arg, raw, position)
        return raw
    if kind == "gender":
        if raw.lower() not in Gender.values:
            raise _invalid(arg, raw, position)
        return raw.lower()
    # genre, city, title, cinema: slugs, checked against the database by check_names()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,119}", raw.lower()):
        raise _invalid(arg, raw, position)
    return raw.lower()


def conditions(node: dict[str, Any]) -> list[dict[str, Any]]:
    """Every condition of a tree, left to right."""
    if "pred" in node:
        return [node]
    if "not" in node:
        return conditions(node["not"])
    return [c for part in node.get("and", node.get("or", [])) for c in conditions(part)]


def check_names(tree: dict[str, Any]) -> None:
    """Raise ``rule_invalid_value`` for a genre, city, title or cinema that does not exist."""
    from marquee.catalog.models import Genre, Title
    from marquee.places.models import City
    from marquee.venues.models import Venue

    models = {
        "genre": (Genre, "code"),
        "city": (City, "code"),
        "title": (Title, "slug"),
        "cinema": (Venue, "slug"),
    }
    wanted: dict[str, set[str]] = {k: set() for k in models}
    for cond in conditions(tree):
        for arg, value in cond["args"].items():
            if arg in wanted:
                wanted[arg].add(value)
    for arg, values in wanted.items():
        if not values:
            continue
        model, field = models[arg]
        found = set(model.objects.filter(**{f"{field}__in": values}).values_list(field, flat=True))
        for value in sorted(values - found):
            raise RuleError(
                MarketingErrorCode.RULE_INVALID_VALUE,
                f"No {arg} {value!r}.",
                name=arg,
                value=value,
            )


def parse_rule(text: str) -> dict[str, Any]:
    """The checked tree of ``text``; raises :class:`RuleError` (nothing is written)."""
    from marquee.core.text import contains_nul

    if not isinstance(text, str) or contains_nul(text) or len(text) > MAX_RULE_CHARS:
        raise RuleError(MarketingErrorCode.RULE_TOO_LONG, "The rule is too long.")
    if not text.strip():
        raise _syntax(1, "a condition such as bought(…)")
    tree = _Parser(text).parse()
    check_names(tree)
    return tree


# --- evaluation ---------------------------------------------------------------------

_BOUGHT_STATUSES = ("paid", "partially_refunded", "exchanged")


def _since(args: dict[str, Any], now: datetime) -> datetime | None:
    days = args.get("within")
    return now - timedelta(days=days) if days else None


def _condition_q(cond: dict[str, Any], now: datetime) -> Q:
    from marquee.core.money import get_currency
    from marquee.ticketing.models import Order, Ticket, WantToSee

    name, args = cond["pred"], cond["args"]
    since = _since(args, now)
    if name == "bought":
        orders = Order.objects.filter(status__in=_BOUGHT_STATUSES)
        filters = {
            "genre": "showtime__title__genres__code",
            "city": "showtime__venue__city__code",
            "title": "showtime__title__slug",
            "cinema": "showtime__venue__slug",
        }
        for arg, path in filters.items():
            if arg in args:
                orders = orders.filter(**{path: args[arg]})
        if since is not None:
            orders = orders.filter(paid_at__gte=since)
        buyers = (
            orders.order_by()
            .values("user_id")
            .annotate(n=Count("pk", distinct=True))
            .filter(n__gte=args.get("at_least", 1))
            .values("user_id")
        )
        return Q(pk__in=buyers)
    if name == "tickets":
        tickets = Ticket.objects.filter(status__in=Ticket.ACTIVE_STATUSES)
        if since is not None:
            tickets = tickets.filter(order__paid_at__gte=since)
        buyers = (
            tickets.order_by()
            .values("order__user_id")
            .annotate(n=Count("pk"))
            .filter(n__gte=args["at_least"])
            .values("order__user_id")
        )
        return Q(pk__in=buyers)
    if name == "spent":
        currency = args["currency"]
        least = args["at_least"] * get_currency(currency).minor_per_major
        orders = Order.objects.filter(status__in=_BOUGHT_STATUSES, currency=currency)
        if since is not None:
            orders = orders.filter(paid_at__gte=since)
        buyers = (
            orders.order_by()
            .values("user_id")
            .annotate(s=Sum(F("total_minor") - F("refunded_minor")))
            .filter(s__gte=least)
            .values("user_id")
        )
        return Q(pk__in=buyers)
    if name == "wants_to_see":
        return Q(pk__in=WantToSee.objects.filter(title__slug=args["title"]).values("user_id"))
    if name == "profile":
        q = Q()
        if "age_band" in args:
            q &= Q(audience_profile__age_band=args["age_band"])
        if "gender" in args:
            q &= Q(audience_profile__gender=args["gender"])
        return q
    raise RuntimeError(f"Unknown condition {name!r} in a stored rule.")


def rule_q(tree: dict[str, Any], now: datetime) -> Q:
    """A ``Q`` over users that holds for exactly the accounts the rule describes."""
    if "pred" in tree:
        return _condition_q(tree, now)
    if "not" in tree:
        return ~rule_q(tree["not"], now)
    if "and" in tree:
        q = Q()
        for part in tree["and"]:
            q &= rule_q(part, now)
        return q
    first, *rest = tree["or"]
    q = rule_q(first, now)
    for part in rest:
        q |= rule_q(part, now)
    return q


def render(tree: dict[str, Any]) -> str:
    """The rule text of a tree (canonical spelling; parse_rule(render(t)) == t)."""
    if "pred" in tree:
        parts = []
        for key, value in tree["args"].items():
            parts.append(f"{key}={value}d" if key == "within" else f"{key}={value}")
        return f"{tree['pred']}({', '.join(parts)})"
    if "not" in tree:
        return f"not {_wrap(tree['not'])}"
    joiner = " and " if "and" in tree else " or "
    return joiner.join(_wrap(part) for part in tree.get("and", tree.get("or", [])))


def _wrap(node: dict[str, Any]) -> str:
    return render(node) if "pred" in node or "not" in node else f"({render(node)})"
