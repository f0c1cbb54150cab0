"""core.prepared: a queryset compiled once answers like the ORM, with fresh values each call."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from marquee.accounts.models import ApiToken, User
from marquee.core.prepared import Prepared

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def django_assert_no_queries():
    with CaptureQueriesContext(connection) as ctx:
        yield
    assert ctx.captured_queries == []


def _by_digest(digest: str):
    return ApiToken.objects.filter(digest=digest, revoked_at__isnull=True).order_by()[:1]


def test_a_model_queryset_returns_instances_like_the_orm(make_user):
    first, second = make_user(), make_user()
    a = ApiToken.objects.create(user=first, name="a", prefix="p1", digest="d" * 64)
    b = ApiToken.objects.create(user=second, name="b", prefix="p2", digest="e" * 64)
    lookup = Prepared(_by_digest, digest=str)
    found = lookup.first(digest="d" * 64)
    assert isinstance(found, ApiToken)
    assert (found.pk, found.user_id, found.name) == (a.pk, first.pk, "a")
    # Same SQL, other values: no stale answer.
    assert lookup.first(digest="e" * 64).pk == b.pk
    assert lookup.first(digest="f" * 64) is None
    # Datetimes come back as the ORM gives them (aware, also on SQLite).
    assert found.created_at == ApiToken.objects.get(pk=a.pk).created_at
    assert found.created_at.tzinfo is not None
    # The constant part of the filter still applies.
    ApiToken.objects.filter(pk=a.pk).update(revoked_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert lookup.first(digest="d" * 64) is None


def test_annotations_become_attributes_and_values_lists_stay_tuples(make_user):
    user = make_user()
    token = ApiToken.objects.create(user=user, name="a", prefix="p1", digest="d" * 64)
    annotated = Prepared(
        lambda pk: ApiToken.objects.filter(pk=pk).annotate(owner_email=F("user__email")),
        pk=int,
    )
    found = annotated.first(pk=token.pk)
    assert found.owner_email == user.email
    values = Prepared(
        lambda pk: ApiToken.objects.filter(pk=pk).values_list("name", "user__email"),
        pk=int,
    )
    assert values.rows(pk=token.pk) == [("a", user.email)]
    assert values.rows(pk=token.pk + 1000) == []


def test_a_stand_in_that_never_reaches_the_sql_is_refused():
    unused = Prepared(lambda pk, name: ApiToken.objects.filter(pk=pk), pk=int, name=str)
    with pytest.raises(RuntimeError, match="name"):
        unused.first(pk=1, name="y")


def test_select_related_objects_are_attached_as_the_orm_attaches_them(make_user):
    user = make_user()
    token = ApiToken.objects.create(user=user, name="a", prefix="p1", digest="d" * 64)
    lookup = Prepared(
        lambda pk: ApiToken.objects.select_related("user").filter(pk=pk).order_by()[:1],
        pk=int,
    )
    found = lookup.first(pk=token.pk)
    with django_assert_no_queries():
        assert found.user.pk == user.pk
        assert found.user.email == user.email
        assert found.user.date_joined == user.date_joined


def test_a_locking_lookup_runs_in_the_callers_transaction(make_user):
    user = make_user()
    token = ApiToken.objects.create(user=user, name="a", prefix="p1", digest="d" * 64)
    locking = Prepared(
        lambda pk: ApiToken.objects.select_for_update().filter(pk=pk).order_by()[:1],
        pk=int,
    )
    with transaction.atomic():
        assert locking.first(pk=token.pk).pk == token.pk


def test_parameters_other_than_ints_and_strings_are_refused():
    with pytest.raises(RuntimeError, match="must be int or str"):
        Prepared(lambda when: ApiToken.objects.filter(created_at=when), when=dt.datetime)


# --- the Django internals Prepared relies on ---------------------------------------------

#: The Django release whose internals Prepared was checked against. On an upgrade
#: this test fails first: re-read django/db/models/query.py (ModelIterable.__iter__)
#: and sql/compiler.py (as_sql, get_converters, klass_info, annotation_col_map),
#: run the tests below, then move the pin.
CHECKED_DJANGO = (5, 2)


def test_the_django_version_is_the_one_prepared_was_checked_against():
    import django

    assert django.VERSION[:2] == CHECKED_DJANGO, (
        f"Django {django.get_version()}: core.prepared uses Django internals checked on "
        f"{CHECKED_DJANGO}; re-check them (see this file) and update CHECKED_DJANGO."
    )


def test_the_compiler_internals_it_reads_are_still_there():
    from django.db.models.query import ModelIterable, get_related_populators
    from django.db.models.sql.compiler import SQLCompiler

    queryset = ApiToken.objects.select_related("user").filter(pk=1).annotate(n=F("pk"))
    compiler = queryset.query.get_compiler(using="default")
    sql, params = compiler.as_sql()
    assert isinstance(compiler, SQLCompiler) and isinstance(sql, str) and list(params) == [1]
    assert queryset._iterable_class is ModelIterable
    info = compiler.klass_info
    assert info["model"] is ApiToken and info["select_fields"]
    assert [related["model"] for related in info["related_klass_infos"]] == [User]
    assert set(compiler.annotation_col_map) == {"n"}
    assert compiler.col_count == len(compiler.select) >= len(info["select_fields"])
    assert isinstance(compiler.get_converters([c for c, _, _ in compiler.select]), dict)
    populators = get_related_populators(info, compiler.select, "default")
    assert len(populators) == 1 and hasattr(populators[0], "populate")


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_instances_match_the_orms_field_for_field_with_state_and_relations(make_user):
    user = make_user()
    ApiToken.objects.create(user=user, name="a", prefix="p1", digest="d" * 64)
    ApiToken.objects.create(user=make_user(), name="b", prefix="p2", digest="e" * 64)
    ApiToken.objects.filter(name="b").update(
        revoked_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), last_used_at=None
    )
    build = lambda first_user: (  # noqa: E731
        ApiToken.objects.select_related("user")
        .filter(user_id__gte=first_user)
        .annotate(owner=F("user__username"))
        .order_by("pk")
    )
    prepared = Prepared(build, first_user=int)
    ours, orms = prepared.rows(first_user=user.pk), list(build(user.pk))
    assert len(ours) == len(orms) == 2
    for mine, theirs in zip(ours, orms, strict=True):
        assert _fields(mine) == _fields(theirs)
        assert _fields(mine.user) == _fields(theirs.user)
        assert mine.owner == theirs.owner
        assert (mine._state.adding, mine._state.db) == (False, "default")
        assert (mine.user._state.adding, mine.user._state.db) == (False, "default")


def test_values_lists_convert_like_the_orm_and_raw_rows_like_the_driver(make_user):
    user = make_user()
    token = ApiToken.objects.create(user=user, name="a", prefix="p1", digest="d" * 64)
    build = lambda pk: ApiToken.objects.filter(pk=pk).values_list("pk", "created_at")  # noqa: E731
    converted = Prepared(build, pk=int).rows(pk=token.pk)
    assert converted == list(build(token.pk))
    raw = Prepared(build, pk=int, raw=True).rows(pk=token.pk)
    sql, params = build(token.pk).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert raw == [tuple(row) for row in cursor.fetchall()]


def test_generated_stand_ins_are_distinct_and_out_of_any_real_ids_way():
    from marquee.core.prepared import stand_in

    ints = [stand_in(int, i, f"p{i}") for i in range(50)]
    assert len(set(ints)) == 50 and all(-(2**31) <= v < 0 for v in ints)
    assert stand_in(str, 0, "digest") != stand_in(str, 1, "key")
    lookup = Prepared(
        lambda pk, user_id: ApiToken.objects.filter(pk=pk, user_id=user_id)[:1], pk=int, user_id=int
    )
    assert lookup.first(pk=1, user_id=2) is None  # two int parameters, two slots


def test_an_id_no_bigint_holds_matches_nothing_without_a_query(make_user):
    lookup = Prepared(lambda pk: ApiToken.objects.filter(pk=pk)[:1], pk=int)
    with django_assert_no_queries():
        assert lookup.first(pk=2**63) is None
        assert lookup.rows(pk=-(2**63) - 1) == []


def test_no_module_compiles_and_keeps_sql_by_hand():
    """core.prepared is the one compile-once mechanism: no hand caches of compiled SQL."""
    from pathlib import Path

    import marquee

    root = Path(marquee.__file__).parent
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.parts and path != root / "core" / "prepared.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "sql_with_params(" in line or ".get_compiler(" in line
    ]
    assert found == [], f"compile once with core.prepared.Prepared instead: {found}"
