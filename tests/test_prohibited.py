"""Rule 3: a Prohibited Matter is void whatever the vote (000 §3.3), under every decision rule."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from alliance_sim import Scenario
from alliance_sim.events import Ev
from tests.builders import build, events_on, gains, get_matter, key, matter, party, run, votes_on
from tests.strategies import ORDINARY, scenarios

PARTIES = {
    "ccg": party("commissioner"),
    "trust": party("provider"),
    "council": party("council"),
    "observer": party("vcse", "associate"),
}
GROUND = "it would require the commissioners to invest further monies (000 §3.3)"


@pytest.mark.parametrize("rule", ["unanimity", "best_for_service", "qualified_majority"])
def test_void_even_when_every_member_votes_yes(rule):
    everyone_gains = gains(ccg=1.0, trust=1.0, council=1.0, observer=1.0)
    s = build(
        PARTIES, [matter("bad", "trust", prohibited=GROUND, impacts=everyone_gains)], rule=rule
    )
    model = run(s)
    m = get_matter(model, "bad")
    assert m.outcome == "void"
    assert m.decided_day == m.tabled_day
    votes = votes_on(model, "bad")
    assert {key(model, v.party) for v in votes} == {"ccg", "trust", "council"}
    assert all(v.vote == "yes" for v in votes)
    (void,) = events_on(model, "bad", Ev.VOID)
    assert void.ground == GROUND
    assert not events_on(model, "bad", Ev.AGREED)


def test_void_with_negotiable_terms_everyone_likes():
    # Positional: all three prefer the proposed 0.5 to the status quo 0 (ideals 0.4-0.6).
    ideals = {p: {"t": {"ideal": v}} for p, v in (("ccg", 0.4), ("trust", 0.5), ("council", 0.6))}
    spec = matter(
        "bad",
        "ccg",
        prohibited=GROUND,
        terms=[{"name": "t", "status_quo": 0.0, "proposed": 0.5}],
        ideals=ideals,
    )
    model = run(build(PARTIES, [spec]))
    m = get_matter(model, "bad")
    assert m.outcome == "void"
    assert m.amendments == 0
    assert all(v.vote == "yes" for v in votes_on(model, "bad"))


def test_the_same_matter_not_prohibited_is_agreed():
    # Control for the tests above: only the prohibition makes the difference.
    spec = matter("ok", "trust", impacts=gains(ccg=1.0, trust=1.0, council=1.0))
    assert run(build(PARTIES, [spec])).matters[0].outcome == "agreed"


@settings(max_examples=50, deadline=None)
@given(scenarios(kinds=ORDINARY))
def test_property_prohibited_never_agreed(data):
    model = run(Scenario.model_validate(data))
    for m, spec in zip(model.matters, sorted(data["matters"], key=lambda d: d["day"]), strict=True):
        assert m.id == spec["id"]
        if spec["prohibited"]:
            assert m.outcome in ("void", "stalemate", "")
            assert not events_on(model, m.id, Ev.AGREED)
        else:
            assert m.outcome != "void"
