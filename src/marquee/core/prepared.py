"""SELECTs compiled once: the ORM's own SQL for a queryset, run again with fresh values.

Compiling a queryset costs Django more CPU than the database spends answering a
primary-key lookup (the bearer-token lookup: 0.72 ms to compile, 0.25 ms to run;
docs/performance.md). The hot reads of a sale are the same few lookups with
different values, so :class:`Prepared` builds each queryset once per database
vendor with stand-in values, keeps the SQL and maps the stand-ins back to
parameter slots; later calls only execute. Rows go through the same field
converters the ORM applies (SQLite's text datetimes and JSON become Python
values), and a plain model queryset comes back as model instances.

Use it for fixed-shape lookups on hot paths only; anything with a variable
number of parameters (``__in`` lists) or built from user input stays an
ordinary queryset.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable


class Prepared:
    """A fixed-shape SELECT, compiled from ``build(**examples)`` once per vendor.

    ``examples`` are stand-in values, one per parameter of ``build``; each must
    reach the SQL as a parameter of its own and be unlike any constant the
    query holds (use odd values such as ``-7_340_033`` or ``"\\x01digest"``).
    A values/values_list queryset returns tuples; a plain model queryset
    returns instances of its model with every concrete field loaded and its
    annotations set as attributes, as the ORM would.
    """

    def __init__(self, build: Callable[..., QuerySet], /, **examples: Any) -> None:
        self._build = build
        self._examples = examples
        self._plans: dict[tuple[str, str], tuple] = {}
        self._lock = threading.Lock()

    def _plan(self, using: str) -> tuple:
        connection = connections[using]
        key = (using, connection.vendor)
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        with self._lock:
            queryset = self._build(**self._examples)
            model: type[Model] | None = None
            attnames: list[str] = []
            annotations: list[str] = []
            if queryset._iterable_class is ModelIterable:
                model = queryset.model
                attnames = [f.attname for f in model._meta.concrete_fields]
                annotations = list(queryset.query.annotation_select)
                queryset = queryset.values_list(*attnames, *annotations)
            compiler = queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
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
            columns = [col for col, _, _ in compiler.select[: compiler.col_count]]
            converters = [
                (pos, convs, expression)
                for pos, (convs, expression) in compiler.get_converters(columns).items()
            ]
            plan = (sql, tuple(slots), converters, model, attnames, annotations)
            self._plans[key] = plan
        return plan

    def rows(self, using: str = "default", **values: Any) -> list[Any]:
        """Every row for ``values`` (tuples, or model instances for a model queryset)."""
        sql, slots, converters, model, attnames, annotations = self._plan(using)
        params = [values[name] if is_arg else name for is_arg, name in slots]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            raw = cursor.fetchall()
        if converters:
            converted = []
            for row in raw:
                row = list(row)
                for pos, convs, expression in converters:
                    value = row[pos]
                    for convert in convs:
                        value = convert(value, expression, connection)
                    row[pos] = value
                converted.append(tuple(row))
            raw = converted
        if model is None:
            return [tuple(row) for row in raw]
        width = len(attnames)
        found = []
        for row in raw:
            instance = model.from_db(using, attnames, row[:width])
            for name, value in zip(annotations, row[width:], strict=True):
                setattr(instance, name, value)  # as the ORM sets annotations
            found.append(instance)
        return found

    def first(self, using: str = "default", **values: Any) -> Any:
        """The first row for ``values``, or ``None`` (add ``[:1]`` to the queryset to limit it)."""
        found = self.rows(using, **values)
        return found[0] if found else None
