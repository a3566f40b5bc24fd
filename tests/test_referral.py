"""Rule 2: a referral delays the decision by the home body's calendar (000 §3.2; 002 §5.4).

A representative whose delegated authority does not cover a matter refers it to its home body as
soon as the matter is proposed (notice is given so that it can, 000 §3.2.1; 002 §5.4.1); the board
can resolve the matter at its tabling meeting if every answer came before it, else only at a
meeting strictly after the last answer. Expected days are worked out by enumerating the board's
and the home bodies' meeting days.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_sim import Scenario
from tests.builders import (
    build,
    first_board_meeting_after,
    gains,
    get_matter,
    home_answer_day,
    home_answers,
    key,
    matter,
    party,
    referrals,
    refers,
    run,
    scenario_dict,
    tabling_day,
    votes_on,
)
from tests.strategies import CATEGORIES, alliances, grid

BOARD = {"cadence_days": 28, "first_meeting_day": 0, "notice_days": 14}
COUNCIL = party(
    "council",
    authority={
        "threshold_m": 0.25,
        "excluded_categories": ["strategic", "policy", "resource", "financial"],
    },
    home_body={"name": "Committee", "cadence_days": 42, "first_meeting_day": 17, "notice_days": 7},
)
TRUST = party(
    "provider",
    authority={"threshold_m": 1.0, "excluded_categories": ["strategic"]},
    home_body={"name": "Trust board", "cadence_days": 28, "first_meeting_day": 3, "notice_days": 7},
)
CCG = party("commissioner", authority={"threshold_m": 3.0})
PARTIES = {"ccg": CCG, "council": COUNCIL, "trust": TRUST}
EVERYONE_GAINS = gains(ccg=1.0, council=1.0, trust=1.0)


def test_within_authority_no_referral_decided_when_tabled():
    # £0.2m service matter: under every threshold, no excluded category.
    s = build(PARTIES, [matter("m", "ccg", magnitude_m=0.2, categories=["service"],
                               impacts=EVERYONE_GAINS)], **BOARD)  # fmt: skip
    model = run(s)
    m = get_matter(model, "m")
    assert m.referrals == 0
    assert referrals(model, "m") == {}
    assert m.tabled_day == 28  # proposed day 0 with 14 days' notice: not day 0, so day 28
    assert m.outcome == "agreed" and m.decided_day == m.tabled_day
    assert {v.by for v in votes_on(model, "m")} == {"representative"}
    assert "referred" not in {v.vote for v in votes_on(model, "m")}


def test_council_referral_by_hand():
    # Proposed day 0, tabled day 28 (14 days' notice). The council lacks authority (financial is
    # excluded) and refers on notice, day 0. Its committee meets days 17, 59, 101, ... and needs 7
    # days' papers, so it answers on day 17 (>= 0 + 7): before the board meets on day 28, which
    # decides the matter at first sight, the council voting as its committee mandated.
    s = build(PARTIES, [matter("m", "ccg", magnitude_m=0.2, categories=["financial"],
                               impacts=EVERYONE_GAINS)], **BOARD)  # fmt: skip
    model = run(s)
    m = get_matter(model, "m")
    assert m.tabled_day == 28
    assert m.referrals == 1
    assert referrals(model, "m") == {"council": 17}
    assert home_answers(model, "m") == {"council": (17, True)}
    assert m.outcome == "agreed"
    assert m.decided_day == 28
    council = [v for v in votes_on(model, "m") if key(model, v.party) == "council"]
    assert [(v.day, v.vote, v.by) for v in council] == [(28, "yes", "home_body")]


def test_referral_at_tabling_when_notice_came_too_late():
    # Proposed day 10: tabled day 28 (>= 10 + 14); the committee needs papers by day 17 - 7 = 10,
    # which the council has (referred day 10): it answers day 17, in time. Proposed day 11: the
    # papers miss the day-17 meeting; the next is day 59, so the board decides on day 84.
    early = matter("early", "ccg", day=10, magnitude_m=0.2, categories=["financial"],
                   impacts=EVERYONE_GAINS)  # fmt: skip
    late = matter("late", "ccg", day=11, magnitude_m=0.2, categories=["financial"],
                  impacts=EVERYONE_GAINS)  # fmt: skip
    model = run(build(PARTIES, [early, late], **BOARD))
    assert referrals(model, "early") == {"council": 17}
    assert get_matter(model, "early").decided_day == 28
    assert referrals(model, "late") == {"council": 59}
    assert get_matter(model, "late").decided_day == 84


def test_later_of_two_referrals_sets_the_day():
    # £1.5m strategic matter: both the council (threshold £0.25m, strategic excluded) and the trust
    # (threshold £1m, strategic excluded) refer on notice, day 0. The council's committee answers
    # day 17; the trust board, meeting every 60 days from day 3 with 7 days' papers, first sees it
    # on day 63. The board meets 28, 56, 84: the first meeting after day 63 is day 84.
    parties = dict(PARTIES)
    parties["trust"] = party(
        "provider",
        authority={"threshold_m": 1.0, "excluded_categories": ["strategic"]},
        home_body={"cadence_days": 60, "first_meeting_day": 3, "notice_days": 7},
    )
    s = build(parties, [matter("m", "ccg", magnitude_m=1.5, categories=["strategic"],
                               impacts=EVERYONE_GAINS)], **BOARD)  # fmt: skip
    model = run(s)
    m = get_matter(model, "m")
    assert referrals(model, "m") == {"council": 17, "trust": 63}
    assert m.referrals == 2
    assert m.decided_day == 84  # board meets 28, 56, 84: first after max(59, 63)
    assert m.outcome == "agreed"


def test_answer_on_a_board_day_is_heard_at_the_next_meeting():
    # The home body meets on the board's own days (every 28 from day 0) with no notice. Proposed
    # on day 14 and tabled on day 28, the matter is referred on day 14 and answered on day 28, the
    # board's day: the board can act only strictly after, at day 56.
    parties = dict(PARTIES)
    parties["council"] = party(
        "council",
        authority={"threshold_m": 0.0},
        home_body={"cadence_days": 28, "first_meeting_day": 0, "notice_days": 0},
    )
    s = build(parties, [matter("m", "ccg", day=14, magnitude_m=0.1, impacts=EVERYONE_GAINS)],
              **BOARD)  # fmt: skip
    model = run(s)
    m = get_matter(model, "m")
    assert m.tabled_day == 28
    assert referrals(model, "m") == {"council": 28}
    assert m.decided_day == 56


def test_authority_threshold_is_inclusive():
    # A matter exactly at the £0.25m limit is within authority; a penny more is not.
    at = matter("at", "ccg", magnitude_m=0.25, impacts=EVERYONE_GAINS)
    above = matter("above", "ccg", magnitude_m=0.26, impacts=EVERYONE_GAINS)
    model = run(build(PARTIES, [at, above], **BOARD))
    assert get_matter(model, "at").referrals == 0
    assert get_matter(model, "above").referrals == 1


def test_home_body_decides_with_its_own_weighting():
    # The council's representative weighs the system heavily (0.9) and would vote yes: it loses
    # £0.2m but the system gains £3.8m. Its committee weighs only the council's own interest
    # (bias 1 -> best-for-service 0) and rejects it, so the matter is never agreed.
    parties = dict(PARTIES)
    parties["council"] = party(
        "council",
        best_for_service=0.9,
        risk_tolerance_m=1.0,
        authority={"threshold_m": 0.0},
        home_body={"cadence_days": 42, "first_meeting_day": 17, "own_interest_bias": 1.0},
    )
    s = build(parties, [matter("m", "ccg", magnitude_m=0.1, deadline_days=120,
                               impacts=gains(ccg=2.0, council=-0.2, trust=2.0))], **BOARD)  # fmt: skip
    model = run(s)
    assert home_answers(model, "m") == {"council": (17, False)}
    council = [v for v in votes_on(model, "m") if key(model, v.party) == "council"]
    assert [(v.vote, v.by) for v in council if v.vote != "referred"] == [("no", "home_body")]
    assert get_matter(model, "m").outcome == "stalemate"


@st.composite
def referral_cases(draw):
    """Full members who all gain (so every representative and home body says yes) and one matter
    of random size and categories, proposed on a random day."""
    parties = draw(alliances(2, 6, all_full=True, min_finance=0.1))
    magnitude = draw(grid(0.0, 3.0, 0.1))
    categories = draw(st.lists(st.sampled_from(CATEGORIES), unique=True, max_size=2))
    spec = matter(
        "m",
        "p0",
        day=draw(st.integers(0, 60)),
        deadline_days=700,
        magnitude_m=magnitude,
        categories=categories,
        impacts={k: {"mean_m": draw(grid(0.1, 2.0))} for k in parties},
    )
    board = {
        "rule": draw(st.sampled_from(("unanimity", "best_for_service", "qualified_majority"))),
        "cadence_days": draw(st.integers(7, 42)),
        "first_meeting_day": draw(st.integers(0, 20)),
        "notice_days": draw(st.integers(0, 14)),
    }
    return Scenario.model_validate(scenario_dict(parties, [spec], days=1095, **board))


@settings(max_examples=60, deadline=None)
@given(referral_cases())
def test_property_decided_at_first_meeting_after_last_answer(s):
    spec = s.matters[0]
    tabled = tabling_day(s, spec.day)
    referrers = [k for k in s.parties if refers(s, k, spec.magnitude_m, spec.categories)]
    answers = {k: home_answer_day(s, k, spec.day) for k in referrers}  # referred on notice
    last = max(answers.values(), default=-1)
    expected = tabled if last < tabled else first_board_meeting_after(s, last)

    model = run(s)
    m = get_matter(model, "m")
    assert m.tabled_day == tabled
    assert m.referrals == len(referrers)
    assert referrals(model, "m") == answers
    assert m.outcome == "agreed"
    assert m.decided_day == expected
    # Every referring member's decisive vote was cast as its home body mandated.
    final = [v for v in votes_on(model, "m") if v.day == m.decided_day]
    assert {key(model, v.party): v.by for v in final} == {
        k: "home_body" if k in referrers else "representative" for k in s.parties
    }
