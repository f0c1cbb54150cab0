"""SELECTs compiled once: the ORM's own SQL for a queryset, run again with fresh values.

Compiling a queryset costs Django more CPU than the database spends answering a
primary-key lookup (the bearer-token lookup: 0.72 ms to compile, 0.25 ms to run;
docs/performance.md), and a ``select_related`` lookup costs more still. The hot
reads of a sale are the same few lookups with different values, so
:class:`Prepared` builds each queryset once per database with stand-in values,
keeps the SQL and maps the stand-ins back to parameter slots; later calls only
execute. Rows go through the same field converters the ORM applies (SQLite's
text datetimes and JSON become Python values), and a model queryset comes back
as model instances built the way Django's ``ModelIterable`` builds them —
related objects of ``select_related`` and annotations included.

Use it for fixed-shape lookups on hot paths only; anything with a variable
number of parameters (``__in`` lists) or built from user input stays an
ordinary queryset. A ``select_for_update`` lookup must run inside a
transaction, as the ORM would insist. This is the one place that keeps
compiled SQL: no module caches ``sql_with_params()`` by hand.

It leans on Django internals (``SQLCompiler.as_sql``/``select``/``col_count``/
``get_converters``/``klass_info``/``annotation_col_map``, ``ModelIterable``,
``get_related_populators``, ``Model.from_db``). ``tests/core/test_prepared.py``
pins the Django version and checks each of them against the ORM's own answers:
on a Django upgrade, that test fails first; re-read ``ModelIterable.__iter__``
and move the pin.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1

# Stand-ins are odd values no real query holds as a constant: negative ids
# (spaced by a prime, and within 32 bits, where the ORM compiles every integer
# lookup) and strings starting with a control character.
_INT_STAND_IN, _INT_STEP = -7_340_033, 1_000_003


def stand_in(kind: type, index: int, name: str) -> int | str:
    """The generated stand-in for parameter ``name``, the ``index``-th of a lookup."""
    if kind is int:
        return _INT_STAND_IN - _INT_STEP * index
    if kind is str:
        return f"\x01{name}\x02"
    raise RuntimeError(f"Parameter {name!r} must be int or str, not {kind!r}.")


@dataclass(frozen=True)
class _Plan:
    sql: str
    slots: tuple[tuple[bool, Any], ...]  # (True, stand-in name) or (False, constant)
    converters: list[tuple[int, list, Any]]
    model: type[Model] | None  # None: rows stay tuples
    start: int = 0  # the model's columns: row[start:end]
    end: int = 0
    init_list: tuple[str, ...] = ()
    populators: tuple = ()
    annotations: tuple[tuple[str, int], ...] = ()


class Prepared:
    """A fixed-shape SELECT, compiled from ``build(**params)`` once per database.

    ``params`` name each parameter of ``build`` and its type, ``int`` or
    ``str``: ``Prepared(lambda pk: Order.objects.filter(pk=pk)[:1], pk=int)``.
    ``build`` is called once with generated stand-in values (:func:`stand_in`),
    each of which must reach the SQL as a parameter of its own. Other types
    are refused with :class:`RuntimeError`: the ORM adapts them (UUIDs,
    datetimes) per database, so their stand-in would not be found again.
    A values/values_list queryset returns tuples; a model queryset returns
    instances of its model as the ORM would (``select_related`` objects
    attached, annotations set as attributes). With ``raw=True`` rows are
    tuples exactly as the driver returns them (no field converters: SQLite's
    JSON stays text, its datetimes naive), for the few reads that decode
    values themselves.
    """

    def __init__(
        self, build: Callable[..., QuerySet], /, *, raw: bool = False, **params: type
    ) -> None:
        self._build = build
        self._raw = raw
        self._examples = {
            name: stand_in(kind, index, name) for index, (name, kind) in enumerate(params.items())
        }
        self._plans: dict[tuple[str, str], _Plan] = {}
        self._lock = threading.Lock()

    def _plan(self, using: str) -> _Plan:
        connection = connections[using]
        key = (using, connection.vendor)
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        with self._lock:
            queryset = self._build(**self._examples)
            compiler = queryset.query.get_compiler(using=using)
            # Compiles without executing and fills select, klass_info and
            # annotation_col_map (a FOR UPDATE query only inside a transaction).
            sql, params = compiler.as_sql()
            plan = _Plan(
                sql=sql,
                slots=self._slots(params),
                converters=[]
                if self._raw
                else [
                    (pos, convs, expression)
                    for pos, (convs, expression) in compiler.get_converters(
                        [col for col, _, _ in compiler.select[: compiler.col_count]]
                    ).items()
                ],
                model=None,
            )
            if queryset._iterable_class is ModelIterable and not self._raw:
                info = compiler.klass_info
                fields = info["select_fields"]
                start, end = fields[0], fields[-1] + 1
                plan = dataclasses.replace(
                    plan,
                    model=info["model"],
                    start=start,
                    end=end,
                    init_list=tuple(col[0].target.attname for col in compiler.select[start:end]),
                    populators=tuple(get_related_populators(info, compiler.select, using)),
                    annotations=tuple(compiler.annotation_col_map.items()),
                )
            self._plans[key] = plan
        return plan

    def _slots(self, params: tuple | list) -> tuple[tuple[bool, Any], ...]:
        slots = []
        for value in params:
            names = [
                name
                for name, example in self._examples.items()
                if type(example) is type(value) and example == value
            ]
            slots.append((True, names[0]) if len(names) == 1 else (False, value))
        missing = set(self._examples) - {name for is_arg, name in slots if is_arg}
        if missing:
            raise RuntimeError(f"Stand-ins not found among the SQL parameters: {missing}")
        return tuple(slots)

    def rows(self, using: str = "default", **values: Any) -> list[Any]:
        """Every row for ``values`` (tuples, or model instances for a model queryset).

        An int no 64-bit column can hold matches nothing: ``[]`` without a query.
        """
        if any(type(v) is int and not _BIGINT_MIN <= v <= _BIGINT_MAX for v in values.values()):
            return []  # no integer column holds it (and the driver would refuse it)
        plan = self._plan(using)
        params = [values[name] if is_arg else name for is_arg, name in plan.slots]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            raw = cursor.fetchall()
        if plan.converters:
            converted = []
            for row in raw:
                row = list(row)
                for pos, convs, expression in plan.converters:
                    value = row[pos]
                    for convert in convs:
                        value = convert(value, expression, connection)
                    row[pos] = value
                converted.append(row)
            raw = converted
        if plan.model is None:
            return [tuple(row) for row in raw]
        found = []
        for row in raw:
            instance = plan.model.from_db(using, plan.init_list, row[plan.start : plan.end])
            for populator in plan.populators:
                populator.populate(row, instance)
            for name, pos in plan.annotations:
                setattr(instance, name, row[pos])  # as the ORM sets annotations
            found.append(instance)
        return found

    def first(self, using: str = "default", **values: Any) -> Any:
        """The first row for ``values``, or ``None`` (add ``[:1]`` to the queryset to limit it)."""
        found = self.rows(using, **values)
        return found[0] if found else None
