"""Issue 11 §1-2: business the term cuts off is not a stalemate, and representatives seek their
home bodies' approval on notice, before the board meets (000 §3.2.1; 001 §46; 002 §5.4.1)."""

from __future__ import annotations

from alliance_sim import simulate
from alliance_sim.records.events import Ev
from tests.builders import (
    board_days,
    build,
    events_on,
    gains,
    get_matter,
    home_answer_day,
    matter,
    party,
    run,
    tabling_day,
)

HOME = {"name": "A's board", "cadence_days": 7, "first_meeting_day": 0, "notice_days": 3}
PARTIES = {
    "a": party(authority={"threshold_m": 0.0}, home_body=HOME),  # must refer anything sized
    "b": party(authority={"threshold_m": 5.0}),
}
BOARD = {"cadence_days": 28, "first_meeting_day": 0, "notice_days": 14}


def test_approval_sought_on_notice_arrives_before_the_board_meets():
    """Proposed on day 30 with 14 days' notice: tabled at the meeting of day 56. A's home body
    meets every 7 days and needs 3 days' papers: the referral made on notice (day 30) is answered
    at its meeting of day 35, so the board decides at its first sight of the matter, day 56."""
    s = build(PARTIES, [matter("m", "a", day=30, magnitude_m=1.0, impacts=gains(a=1, b=1))],
              days=365, **BOARD)  # fmt: skip
    assert board_days(s)[:4] == [0, 28, 56, 84]
    assert tabling_day(s, 30) == 56
    assert home_answer_day(s, "a", 30) == 35
    model = run(s)
    (referred,) = events_on(model, "m", Ev.REFERRED)
    assert (referred.day, referred.answer_day, referred.on_notice) == (30, 35, True)
    (answer,) = events_on(model, "m", Ev.HOME_DECISION)
    assert (answer.day, answer.approved) == (35, True)
    m = get_matter(model, "m")
    assert (m.outcome, m.tabled_day, m.decided_day, m.meetings) == ("agreed", 56, 56, 1)
    (vote,) = [v for v in model.log.votes if v.party == 0]
    assert vote.by == "home_body"


def test_a_home_body_that_cannot_answer_in_time_is_waited_for():
    """With 21 days' papers, A's home body first sees the matter on day 56 (>= 30 + 21), the day
    the board meets: the board waits, and decides at its next meeting (day 84)."""
    slow = dict(
        PARTIES, a=party(authority={"threshold_m": 0.0}, home_body={**HOME, "notice_days": 21})
    )
    s = build(slow, [matter("m", "a", day=30, magnitude_m=1.0, impacts=gains(a=1, b=1))],
              days=365, **BOARD)  # fmt: skip
    assert home_answer_day(s, "a", 30) == 56
    m = get_matter(run(s), "m")
    assert (m.outcome, m.tabled_day, m.decided_day) == ("agreed", 56, 84)


def test_with_notice_the_board_decides_at_first_sight():
    """Proposed on day 20: with no notice it is tabled on day 28, before A's home body (asked on
    day 20) can answer (its meeting of day 28 is the board's day), so the board decides on day 56,
    28 days after tabling; with 14 days' notice it is tabled on day 56 with the answer in."""

    def days_to_decision(notice: int) -> int:
        s = build(PARTIES, [matter("m", "a", day=20, magnitude_m=1.0, impacts=gains(a=1, b=1))],
                  days=365, **{**BOARD, "notice_days": notice})  # fmt: skip
        m = get_matter(run(s), "m")
        assert m.outcome == "agreed"
        return m.decided_day - m.tabled_day

    assert days_to_decision(0) == 28
    assert days_to_decision(14) == 0


def test_business_the_term_cuts_off_is_open_at_end_not_stalemate():
    """Blocked, with a deadline past the end of the term: still open when the term ends."""
    # tabled at the last meeting (day 364), blocked by b and amended: then the term ends
    compensated = matter("m", "a", day=340, deadline_days=180,
                         terms=[{"name": "t", "status_quo": 0.0, "proposed": 0.0}],
                         impacts={"a": {"mean_m": 1.0}, "b": {"mean_m": -1.0, "per_term": {"t": 2.0}}})  # fmt: skip
    s = build(PARTIES, [compensated], days=365, **BOARD)
    result = simulate(s, seed=0)
    m = get_matter(result.model, "m")
    assert m.outcome == "open_at_end"
    summary = result.summary()
    assert summary["open_at_end"] == 1 and summary["stalemate"] == 0
    assert summary["stalemate_rate"] != summary["stalemate_rate"]  # nan: nothing settled
    text = result.events.loc[result.events.event == "open_at_end", "text"].iloc[0]
    assert "still before the board when the term ended" in text and "blocked by" in text


def test_a_deadline_within_the_term_still_ends_in_stalemate():
    s = build(PARTIES, [matter("m", "a", day=0, deadline_days=60, impacts=gains(a=1, b=-1))],
              days=365, **BOARD)  # fmt: skip
    result = simulate(s, seed=0)
    assert get_matter(result.model, "m").outcome == "stalemate"
    assert result.summary()["stalemate_rate"] == 1.0


def test_vote_reasons_describe_the_terms_of_that_vote():
    """Each positional reason quotes the terms voted on, not the matter's final terms."""
    ideals = {"a": {"t": {"ideal": 0.2}}, "b": {"t": {"ideal": 0.5}}}
    spatial = matter("m", "a", deadline_days=3000, ideals=ideals,
                     terms=[{"name": "t", "status_quo": 0.0, "proposed": 0.9}])  # fmt: skip
    model = run(build(PARTIES, [spatial], days=3650, cadence_days=7, notice_days=0))
    assert len({tuple(v.x) for v in model.log.votes}) > 1  # amended between votes
    checked = 0
    for v in model.log.votes:
        if v.vote == "referred" or model.matters[v.matter].Om is None:
            continue
        from alliance_sim.reasons import terms_text, vote_reason

        text = vote_reason(model, v)
        if "the terms (" in text:
            assert terms_text(model.matters[v.matter], v.x) in text
            checked += 1
    assert checked
