"""The segment rule language: parsing, clear errors with positions, evaluation against purchases."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marquee.marketing.errors import MarketingErrorCode, RuleError
from marquee.marketing.queries import audience
from marquee.marketing.rules import parse_rule, render
from marquee.marketing.services.profiles import set_profile
from marquee.ticketing.services.rounds import register_want_to_see
from tests.marketing.helpers import buy


def test_a_rule_with_and_or_not_and_parentheses(db):
    tree = parse_rule(
        "tickets(at_least=2) and (profile(gender=female) or not spent(at_least=300, currency=cny))"
    )
    assert tree == {
        "and": [
            {"pred": "tickets", "args": {"at_least": 2}},
            {
                "or": [
                    {"pred": "profile", "args": {"gender": "female"}},
                    {"not": {"pred": "spent", "args": {"at_least": 300, "currency": "CNY"}}},
                ]
            },
        ]
    }
    assert parse_rule(render(tree)) == tree


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [
        ("bought(", MarketingErrorCode.RULE_SYNTAX, 8),
        ("tickets(at_least=1) and", MarketingErrorCode.RULE_SYNTAX, 24),
        ("tickets(at_least=1) tickets(at_least=2)", MarketingErrorCode.RULE_SYNTAX, 21),
        ("tickets(at_least=1) & x", MarketingErrorCode.RULE_SYNTAX, 21),
        ("(tickets(at_least=1)", MarketingErrorCode.RULE_SYNTAX, 21),
        ("bougth(genre=action)", MarketingErrorCode.RULE_UNKNOWN_NAME, 1),
        ("bought(colour=red)", MarketingErrorCode.RULE_UNKNOWN_NAME, 15),
        ("bought(within=90)", MarketingErrorCode.RULE_INVALID_VALUE, 15),
        ("spent(at_least=3)", MarketingErrorCode.RULE_SYNTAX, 1),
        ("profile(age_band=old)", MarketingErrorCode.RULE_INVALID_VALUE, 18),
        ("", MarketingErrorCode.RULE_SYNTAX, 1),
    ],
)
def test_rules_that_do_not_parse_say_where(db, text, code, position):
    with pytest.raises(RuleError) as exc:
        parse_rule(text)
    assert exc.value.code == code
    assert exc.value.detail.get("position") == position


def test_unknown_genre_city_or_title_is_refused(db):
    with pytest.raises(RuleError) as exc:
        parse_rule("bought(genre=no-such-genre)")
    assert exc.value.code == MarketingErrorCode.RULE_INVALID_VALUE
    assert exc.value.detail["value"] == "no-such-genre"


def test_too_long_and_too_deep_rules_are_refused(db):
    with pytest.raises(RuleError):
        parse_rule("tickets(at_least=1) or " * 100 + "tickets(at_least=1)")
    with pytest.raises(RuleError):
        parse_rule("(" * 30 + "tickets(at_least=1)" + ")" * 30)


def test_the_example_rule_finds_exactly_the_right_buyers(
    world, showtime, make_user, staff, campaign
):
    from marquee.catalog.models import Genre

    action, _ = Genre.objects.get_or_create(code="action", defaults={"name_en": "Action"})
    showtime.title.genres.add(action)
    fan, watcher, other = make_user(), make_user(), make_user()
    for user in (fan, watcher):
        buy(showtime, user, ["2-3"] if user is fan else ["2-4"], None)
    register_want_to_see(user=fan, title=showtime.title)
    set_profile(user=other, age_band="25_34")
    text = (
        f"bought(genre=action, city={world.city.code}, within=90d) "
        f"and wants_to_see(title={showtime.title.slug})"
    )
    assert set(audience(parse_rule(text))) == {fan}
    assert set(audience(parse_rule(f"bought(title={showtime.title.slug})"))) == {fan, watcher}
    assert set(audience(parse_rule("profile(age_band=25_34)"))) == {other}
    assert fan not in set(audience(parse_rule(f"not bought(cinema={world.venue.slug})")))
    assert set(audience(parse_rule("spent(at_least=45, currency=CNY)"))) == {fan, watcher}
    assert set(audience(parse_rule("spent(at_least=49, currency=CNY)"))) == set()


_atoms = st.sampled_from(
    [
        {"pred": "tickets", "args": {"at_least": 1}},
        {"pred": "tickets", "args": {"at_least": 3, "within": 30}},
        {"pred": "profile", "args": {"gender": "male"}},
        {"pred": "spent", "args": {"at_least": 10, "currency": "HKD"}},
        {"pred": "bought", "args": {"within": 7, "at_least": 2}},
    ]
)
_trees = st.recursive(
    _atoms,
    lambda inner: st.one_of(
        st.builds(lambda x: {"not": x}, inner),
        st.builds(lambda xs: {"and": xs}, st.lists(inner, min_size=2, max_size=3)),
        st.builds(lambda xs: {"or": xs}, st.lists(inner, min_size=2, max_size=3)),
    ),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(tree=_trees)
def test_render_then_parse_gives_the_same_tree(tree):
    assert parse_rule(render(tree)) == tree
