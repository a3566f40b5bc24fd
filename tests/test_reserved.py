"""Rule 4: Reserved Matters are decided by the commissioners alone, with no vote (000 §3.4-3.5).

After consulting the board at one meeting, or at once (on the day they arise) if urgent.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from alliance_sim import Scenario
from alliance_sim.records.events import Ev
from tests.builders import (
    board_days,
    build,
    events_on,
    gains,
    get_matter,
    matter,
    party,
    run,
    votes_on,
)
from tests.strategies import RESERVED, scenarios

PARTIES = {
    "ccg": party("commissioner"),
    "trust": party("provider"),
    "council": party("council", "associate"),
}
BOARD = {"cadence_days": 28, "first_meeting_day": 0, "notice_days": 14}
EVERYONE_LOSES = gains(ccg=-1.0, trust=-3.0, council=-3.0)


@pytest.mark.parametrize("kind", RESERVED)
def test_reserved_needs_no_vote_and_is_decided_at_one_meeting(kind):
    # Everyone loses, so any vote would be no; the commissioners decide alone anyway.
    s = build(PARTIES, [matter("r", "ccg", kind=kind, day=10, impacts=EVERYONE_LOSES)], **BOARD)
    model = run(s)
    m = get_matter(model, "r")
    assert votes_on(model, "r") == []
    assert m.outcome == "reserved"
    assert m.tabled_day == 28  # day 10 + 14 days' notice -> first meeting on or after day 24
    assert m.decided_day == m.tabled_day
    assert m.meetings == 1
    assert len(events_on(model, "r", Ev.CONSULTED)) == 1
    (decided,) = events_on(model, "r", Ev.RESERVED)
    assert decided.urgent is False  # not urgent


@pytest.mark.parametrize("rule", ["unanimity", "best_for_service", "qualified_majority"])
def test_urgent_reserved_decided_on_arrival_day_without_a_meeting(rule):
    # Day 37 is not a board meeting day (0, 28, 56, ...); no notice is needed either.
    s = build(PARTIES, [matter("r", "ccg", kind="mandatory_change", day=37, urgent=True,
                               impacts=EVERYONE_LOSES)], rule=rule, **BOARD)  # fmt: skip
    model = run(s)
    m = get_matter(model, "r")
    assert 37 not in board_days(s)
    assert m.outcome == "reserved"
    assert m.decided_day == 37
    assert m.meetings == 0
    assert votes_on(model, "r") == []
    assert events_on(model, "r", Ev.CONSULTED) == []
    (decided,) = events_on(model, "r", Ev.RESERVED)
    assert decided.day == 37 and decided.urgent is True


def test_urgent_reserved_not_held_back_by_earlier_business():
    # An ordinary matter proposed on day 30 waits for notice until day 56; an urgent Reserved
    # Matter arising on day 31 is still decided on day 31.
    s = build(
        PARTIES,
        [
            matter("ordinary", "trust", day=30, impacts=gains(ccg=1.0, trust=1.0)),
            matter("r", "ccg", kind="third_party_transfer", day=31, urgent=True),
        ],
        **BOARD,
    )
    model = run(s)
    assert get_matter(model, "r").decided_day == 31
    assert get_matter(model, "r").outcome == "reserved"
    assert get_matter(model, "ordinary").tabled_day == 56


def test_urgent_reserved_after_the_last_board_meeting_is_still_decided():
    # The term is 730 days; the board's last meeting is day 728. An urgent Reserved Matter arising
    # on day 729 needs no meeting, so the commissioners still decide it that day.
    s = build(PARTIES, [matter("r", "ccg", kind="mandatory_change", day=729, urgent=True)],
              days=730, **BOARD)  # fmt: skip
    assert max(board_days(s)) == 728
    model = run(s)
    m = get_matter(model, "r")
    assert (m.outcome, m.decided_day) == ("reserved", 729)


@settings(max_examples=50, deadline=None)
@given(scenarios(kinds=RESERVED))
def test_property_reserved_matters_never_voted_on(data):
    s = Scenario.model_validate(data)
    model = run(s)
    days = set(board_days(s))
    assert model.log.votes == []
    for m in model.matters:
        if m.tabled_day < 0:
            continue  # proposed too late to reach the board
        assert m.outcome in ("reserved", "stalemate")
        if m.urgent:
            assert (m.outcome, m.decided_day, m.meetings) == ("reserved", m.arrival_day, 0)
        elif m.outcome == "reserved":
            assert m.decided_day in days and m.meetings == 1
