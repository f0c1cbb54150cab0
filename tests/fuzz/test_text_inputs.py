"""Every text parameter of the OpenAPI spec, sent a NUL and an over-long string: never a 5xx.

Walks ``/api/v1/openapi.json``: for each operation it builds one plausible
request (known ids and slugs in the path, required body fields filled from
their schemas), then replaces one text parameter at a time — path, query,
header or a string field anywhere in the JSON body, array items included —
with ``"a\\x00b"`` and with a string longer than its ``maxLength`` (or 10,000
characters). The caller is a superuser with an API token, so requests get past
authorisation into the services. On PostgreSQL (the ``.ci/run`` PostgreSQL
step) this is the check that used to find 500s: PostgreSQL refuses NUL and
over-long ``varchar`` values where SQLite stores them.
"""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client

from marquee.accounts.models import User
from marquee.accounts.services import create_api_token
from marquee.api import api
from marquee.ticketing.services import holds, orders
from tests.ticketing.conftest import build_world, make_showtime

pytestmark = pytest.mark.django_db

NUL_TEXT = "a\x00b"
LONG_FALLBACK = 10_000
SKIP_BODY_TYPES = {"multipart/form-data"}  # file uploads: a NUL byte there is data


def _spec() -> dict[str, Any]:
    return api.get_openapi_schema()


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o.get("type") != "null"]
        merged = {k: v for k, v in schema.items() if k != "anyOf"}
        return {**_resolve(spec, options[0]), **merged} if options else merged
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return {
            **_resolve(spec, schema["allOf"][0]),
            **{k: v for k, v in schema.items() if k != "allOf"},
        }
    return schema


def _is_text(schema: dict[str, Any]) -> bool:
    return (
        schema.get("type") == "string"
        and "enum" not in schema
        and schema.get("format") not in {"date-time", "date", "time", "uuid", "binary"}
    )


def _sample(spec, schema: dict[str, Any], name: str, known: dict[str, Any]) -> Any:
    """A plausible value for ``schema`` (the field is called ``name``)."""
    schema = _resolve(spec, schema)
    if "default" in schema:
        return copy.deepcopy(schema["default"])
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if name in known:
        return known[name]
    if kind == "object":
        return {
            key: _sample(spec, sub, key, known)
            for key, sub in schema.get("properties", {}).items()
            if key in schema.get("required", [])
        }
    if kind == "array":
        return [_sample(spec, schema.get("items", {}), name, known)]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    if fmt == "date-time":
        return "2031-01-01T12:00:00Z"
    if fmt == "date":
        return "2031-01-01"
    if fmt == "uuid":
        return "00000000-0000-4000-8000-000000000000"
    return "x"


def _text_paths(spec, schema: dict[str, Any], path: tuple = ()) -> list[tuple[tuple, dict]]:
    """Where strings live in a body schema: (path of keys / 0 for an array item, the string schema)."""
    schema = _resolve(spec, schema)
    if _is_text(schema):
        return [(path, schema)]
    found = []
    if schema.get("type") == "object":
        for key, sub in schema.get("properties", {}).items():
            found += _text_paths(spec, sub, (*path, key))
    if schema.get("type") == "array":
        found += _text_paths(spec, schema.get("items", {}), (*path, 0))
    return found


def _put(body: Any, path: tuple, value: Any) -> Any:
    body = copy.deepcopy(body)
    if not path:
        return value
    node = body
    for i, key in enumerate(path[:-1]):
        following = path[i + 1]
        if isinstance(key, int):
            while len(node) <= key:
                node.append({} if not isinstance(following, int) else [])
        elif key not in node or not isinstance(node[key], dict | list):
            node[key] = [] if isinstance(following, int) else {}
        node = node[key]
    last = path[-1]
    if isinstance(last, int):
        if node:
            node[last] = value
        else:
            node.append(value)
    else:
        node[last] = value
    return body


def _bad_values(schema: dict[str, Any]) -> list[tuple[str, str]]:
    limit = schema.get("maxLength")
    return [("nul", NUL_TEXT), ("long", "y" * (limit + 1 if limit else LONG_FALLBACK))]


def _cases(spec, known_path: dict[str, Any], known_body: dict[str, Any]):
    """Yield (label, method, url, headers, body or None)."""
    for route, operations in spec["paths"].items():
        for method, op in operations.items():
            params = op.get("parameters", [])
            path_values = {
                p["name"]: known_path.get(p["name"], "x") for p in params if p["in"] == "path"
            }
            if "/cinemas/" in route and "slug" in path_values:
                path_values["slug"] = known_path["venue_slug"]
            query = {
                p["name"]: _sample(spec, p.get("schema", {}), p["name"], known_body)
                for p in params
                if p["in"] == "query" and p.get("required")
            }
            headers = {}
            body_schema = None
            content = (op.get("requestBody") or {}).get("content", {})
            if "application/json" in content:
                body_schema = content["application/json"]["schema"]
            elif set(content) - SKIP_BODY_TYPES:
                continue
            body = _sample(spec, body_schema, "", known_body) if body_schema else None

            def url(values, query=query, route=route):
                text = route
                for key, value in values.items():
                    text = text.replace("{" + key + "}", quote(str(value), safe=""))
                return text + ("?" + urlencode(query) if query else "")

            for p in params:
                schema = _resolve(spec, p.get("schema", {}))
                if not _is_text(schema):
                    continue
                for what, bad in _bad_values(schema):
                    label = f"{method.upper()} {route} {p['in']}:{p['name']}={what}"
                    if p["in"] == "path":
                        yield label, method, url({**path_values, p["name"]: bad}), headers, body
                    elif p["in"] == "query":
                        yield (
                            label,
                            method,
                            url(path_values, {**query, p["name"]: bad}),
                            headers,
                            body,
                        )
                    elif p["in"] == "header":
                        meta = "HTTP_" + p["name"].upper().replace("-", "_")
                        yield label, method, url(path_values), {meta: bad}, body
            if body_schema is not None:
                for where, schema in _text_paths(spec, body_schema):
                    for what, bad in _bad_values(schema):
                        label = f"{method.upper()} {route} body:{'.'.join(map(str, where))}={what}"
                        yield label, method, url(path_values), headers, _put(body, where, bad)


@pytest.fixture
def world(make_user):
    world = build_world(make_user)
    showtime = make_showtime(world)
    admin = User.objects.create_superuser(
        username="root", email="root@example.com", password="x" * 20
    )
    fan = make_user()
    hold = holds.hold_seats(showtime=showtime, seat_codes=["2-4"], user=fan)
    order = orders.create_order_from_hold(hold=hold, user=fan)
    _, raw = create_api_token(user=admin, name="fuzz")
    known_path = {
        "slug": world.title.slug,
        "venue_slug": world.venue.slug,
        "showtime_id": showtime.pk,
        "order_id": order.pk,
        "hall_id": world.hall.pk,
        "hold_id": hold.pk,
        "territory": "HK",
        "provider": "sim",
        "payment_id": "00000000-0000-4000-8000-000000000000",
        "token_id": 1,
        "round_id": 1,
        "ticket_id": 1,
    }
    known_body = {
        "showtime_id": showtime.pk,
        "hall_id": world.hall.pk,
        "hold_id": hold.pk,
        "venue_id": world.venue.pk,
        "title": world.title.slug,
        "seats": "2-5",
    }
    return raw, known_path, known_body


def test_no_text_parameter_of_the_spec_can_cause_a_5xx(world):
    raw, known_path, known_body = world
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    spec = _spec()
    failures, sent = [], 0
    for label, method, url, headers, body in _cases(spec, known_path, known_body):
        kwargs: dict[str, Any] = dict(headers)
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        response = getattr(client, method)("/api/v1" + url.removeprefix("/api/v1"), **kwargs)
        sent += 1
        if response.status_code >= 500:
            failures.append(f"{label} → {response.status_code} {response.content[:200]!r}")
        elif response.status_code >= 400:
            assert response["Content-Type"] == "application/problem+json", label
    assert sent > 100  # the walk found the spec's text parameters
    assert not failures, "\n".join(failures)


def test_the_walk_reaches_every_kind_of_text_parameter():
    spec = _spec()
    labels = [c[0] for c in _cases(spec, {"venue_slug": "v"}, {})]
    kinds = {label.split()[2].split(":")[0] for label in labels}
    assert {"path", "query", "header", "body"} <= kinds
    for expected in (
        "GET /api/v1/ticketing/showtimes query:city=nul",
        "GET /api/v1/venues/cinemas/{slug} path:slug=nul",
        "GET /api/v1/ticketing/titles/{slug}/want-to-see path:slug=long",
        "POST /api/v1/accounts/signup body:username=long",
        "POST /api/v1/accounts/tokens body:name=nul",
    ):
        assert expected in labels, expected
