"""Rule 5: under unanimity no matter is agreed over a full member's no (001 §41, 47)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_sim import Scenario
from alliance_sim.records.events import Ev
from tests.builders import (
    build,
    events_on,
    full_member_keys,
    gains,
    get_matter,
    key,
    matter,
    party,
    run,
    votes_on,
)
from tests.strategies import WELCOME, scenarios

PARTIES = {"ccg": party("commissioner"), "trust": party("provider"), "council": party("council")}


def test_one_no_blocks_a_matter_without_terms():
    # The council loses £2m beyond its £0.5m tolerance: it votes no, and with nothing negotiable
    # the matter cannot be agreed however much the others gain.
    spec = matter("m", "ccg", impacts=gains(ccg=5.0, trust=5.0, council=-2.0))
    model = run(build({**PARTIES, "council": party("council", best_for_service=0.0)}, [spec]))
    m = get_matter(model, "m")
    assert m.outcome == "stalemate"
    assert [key(model, i) for i in m.blockers] == ["council"]
    (blocked,) = events_on(model, "m", Ev.BLOCKED)
    assert [key(model, i) for i in blocked.blockers] == ["council"]


def test_room_no_always_blocks():
    # The agents would all vote yes, but the room votes the trust no every time it is asked.
    spec = matter(
        "m",
        "ccg",
        impacts=gains(ccg=1.0, trust=1.0, council=1.0),
        terms=[{"name": "t", "status_quo": 0.0, "proposed": 1.0}],
    )
    s = build(PARTIES, [spec], rule="unanimity")

    def room(matter, party, agent_yes):
        return "no" if party == 1 else None

    model = run(s, room_vote=room)
    m = get_matter(model, "m")
    assert m.outcome == "stalemate"
    trust_votes = [v for v in model.log.votes if v.party == 1]
    assert trust_votes and all((v.vote, v.by) == ("no", "room") for v in trust_votes)


def final_votes(model, m):
    return [v for v in model.log.votes if v.matter == m.idx and v.day == m.decided_day]


def check_agreed_matters_unanimous(s: Scenario, model) -> None:
    full = full_member_keys(s)
    welcome = get_matter(model, WELCOME)
    if welcome.outcome != "agreed":  # only the room can have stopped it
        said = [v.vote for v in votes_on(model, WELCOME) if v.by == "room"]
        assert "no" in said or "referred" in said, welcome.outcome
    for m in model.matters:
        if m.outcome != "agreed":
            continue
        votes = final_votes(model, m)
        assert sorted(key(model, v.party) for v in votes) == sorted(full), m.id
        assert all(v.vote == "yes" for v in votes), m.id
        (agreed,) = events_on(model, m.id, Ev.AGREED)
        assert agreed.dissent == ()  # no dissent under unanimity
        for v in votes:
            np.testing.assert_array_equal(v.x, agreed.x)
            if v.by != "room":  # the room may vote yes where the agent would not
                assert v.s > 0


@settings(max_examples=60, deadline=None)
@given(scenarios(rule="unanimity", agreeable=True))
def test_property_agreed_only_with_every_full_member_voting_yes(data):
    s = Scenario.model_validate(data)
    model = run(s)
    assert get_matter(model, WELCOME).outcome == "agreed"
    check_agreed_matters_unanimous(s, model)


@settings(max_examples=40, deadline=None)
@given(scenarios(rule="unanimity", agreeable=True), st.data())
def test_property_room_votes_never_override_a_no(data, draws):
    """With the room casting random votes, an agreed matter still had only yes votes."""
    s = Scenario.model_validate(data)
    answers = draws.draw(st.lists(st.sampled_from(("yes", "no", "refer", None)), min_size=1))
    calls = iter(range(10**9))

    def room(matter, party, agent_yes):
        return answers[next(calls) % len(answers)]

    check_agreed_matters_unanimous(s, run(s, room_vote=room))
