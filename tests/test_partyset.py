"""Sets of parties as bitmasks (partyset.py), and the records the board keeps with them.

The board's hot path works on masks; these tests pin the masks to the plain sets they stand for,
and the event log's compact records to the per-party events and votes they are read as.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance_sim import load_scenario, simulate
from alliance_sim.partyset import mask_of, members, positive, row_masks
from alliance_sim.records.events import Ev

parties = st.lists(st.integers(0, 80), max_size=30)


@given(parties)
def test_members_of_a_mask_are_the_set_in_order(ps):
    assert members(mask_of(ps)) == sorted(set(ps))


@given(st.lists(st.floats(-5, 5, allow_nan=False), max_size=70))
def test_positive_marks_exactly_the_values_above_zero(values):
    assert members(positive(np.array(values, dtype=float))) == [
        i for i, v in enumerate(values) if v > 0
    ]


@given(st.integers(1, 70).flatmap(lambda n: st.lists(st.lists(st.booleans(), min_size=n,
                                                             max_size=n), max_size=8)))  # fmt: skip
def test_row_masks_match_each_row(rows):
    table = np.array(rows, dtype=bool)
    assert row_masks(table) == [mask_of(np.flatnonzero(r).tolist()) for r in table]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_referral_is_logged_just_before_the_vote_that_made_it(seed):
    """A referred vote's place in the events (``seq``) follows its REFERRED event at that meeting."""
    result = simulate(load_scenario("mid-notts"), seed=seed)
    events = result.model.log.events
    referred = [v for v in result.model.log.votes if v.vote == "referred"]
    assert referred
    for v in referred:
        before = events[: v.seq]
        assert any(
            e.kind is Ev.REFERRED
            and (e.matter, e.party, e.meeting) == (v.matter, v.party, v.meeting)
            for e in before
        )
        assert all(e.meeting <= v.meeting for e in before)


@pytest.mark.parametrize("seed", [0, 3])
def test_home_body_answers_are_one_event_per_party_with_its_own_day(seed):
    model = simulate(load_scenario("mid-notts"), seed=seed).model
    answers = [e for e in model.log.events if e.kind is Ev.HOME_DECISION]
    referrals = {
        (e.matter, e.party, e.answer_day) for e in model.log.events if e.kind is Ev.REFERRED
    }
    assert answers
    for e in answers:
        approved, ev = e.approved, e.ev
        assert (e.matter, e.party, e.day) in referrals  # answered on the day it was due
        assert approved == bool(ev.s[e.party] > 0)
        assert e.day < model.meeting_days[e.meeting - 1]  # before the meeting that hears it
