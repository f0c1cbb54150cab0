"""Permission matrix rows of the analytics API (read by tests/test_permission_matrix.py).

Box office: distribution staff and admins read everything, cinema operators
their own venues (both chain A's and chain B's operator are ``ok``: each gets
its own scope). Forecasts and national totals: distribution and admins.
"also bought" is public; recommendations are any signed-in account's own.
"""

from __future__ import annotations

from tests.permission_world import Call, PermWorld

PREFIX = "/analytics/"

# fmt: off
ROWS: dict[tuple[str, str], str] = {
    ("GET", "/analytics/board"):                       "no   no no ok ok ok no no no no no ok",
    ("GET", "/analytics/breakdown"):                   "no   no no ok ok ok no no no no no ok",
    ("GET", "/analytics/titles/{slug}/days"):          "no   no no ok ok ok no no no no no ok",
    ("GET", "/analytics/titles/{slug}/cities"):        "no   no no ok ok ok no no no no no ok",
    ("GET", "/analytics/titles/{slug}/presale"):       "no   no no ok ok ok no no no no no ok",
    ("GET", "/analytics/titles/{slug}/forecast"):      "no   no no no no ok no no no no no ok",
    ("GET", "/analytics/titles/{slug}/also-bought"):   "pub  pub pub pub pub pub pub pub pub pub pub pub",
    ("GET", "/analytics/recommendations/me"):          "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("GET", "/analytics/national"):                    "no   no no no no ok no no no no no ok",
    ("POST", "/analytics/national"):                   "no   no no no no ok no no no no no ok",
}
# fmt: on


def call(w: PermWorld, role: str, method: str, template: str) -> Call:
    """A valid request of the row: the world's film, a small CSV for the upload."""
    path = "/api/v1" + template.replace("{slug}", w.title_slug)
    if method == "POST":
        return Call(path, json={"csv": "day,gross_cny\n2026-05-01,123456.70\n", "source": role})
    return Call(path)
