"""core.prepared: a queryset compiled once answers like the ORM, with fresh values each call."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from marquee.accounts.models import ApiToken
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
    lookup = Prepared(_by_digest, digest="\x01digest")
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
        pk=-7_340_033,
    )
    found = annotated.first(pk=token.pk)
    assert found.owner_email == user.email
    values = Prepared(
        lambda pk: ApiToken.objects.filter(pk=pk).values_list("name", "user__email"),
        pk=-7_340_033,
    )
    assert values.rows(pk=token.pk) == [("a", user.email)]
    assert values.rows(pk=token.pk + 1000) == []


def test_a_stand_in_that_never_reaches_the_sql_is_refused():
    unused = Prepared(lambda pk, name: ApiToken.objects.filter(pk=pk), pk=-7_340_033, name="x")
    with pytest.raises(RuntimeError, match="name"):
        unused.first(pk=1, name="y")


def test_select_related_objects_are_attached_as_the_orm_attaches_them(make_user):
    user = make_user()
    token = ApiToken.objects.create(user=user, name="a", prefix="p1", digest="d" * 64)
    lookup = Prepared(
        lambda pk: ApiToken.objects.select_related("user").filter(pk=pk).order_by()[:1],
        pk=-7_340_033,
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
        pk=-7_340_033,
    )
    with transaction.atomic():
        assert locking.first(pk=token.pk).pk == token.pk


def test_stand_ins_other_than_ints_and_strings_are_refused():
    with pytest.raises(RuntimeError, match="int or a str"):
        Prepared(lambda when: ApiToken.objects.filter(created_at=when), when=1.5)
