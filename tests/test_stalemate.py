"""Rule 6: a matter nobody can agree on ends in stalemate by its deadline, and says why (001 §47)."""

from __future__ import annotations

from hypothesis import given, settings

from alliance_sim import Scenario, simulate
from alliance_sim.records.events import Ev
from tests.builders import board_days, build, events_on, gains, get_matter, matter, party, run
from tests.strategies import scenarios

NO_TERMS_FOUND = "no terms exist that every full member prefers to the status quo"
BOARD = {"cadence_days": 28, "first_meeting_day": 0, "notice_days": 0}


def opposed_ideals(deadline_days: int) -> Scenario:
    # One term, status quo 0.5; the ccg wants 0.2, the trust 0.8. The ccg prefers x < 0.5 and the
    # trust x > 0.5: no terms satisfy both, whatever the amendments.
    spec = matter(
        "m",
        "ccg",
        deadline_days=deadline_days,
        terms=[{"name": "t", "status_quo": 0.5, "proposed": 0.8}],
        ideals={"ccg": {"t": {"ideal": 0.2}}, "trust": {"t": {"ideal": 0.8}}},
    )
    return build({"ccg": party("commissioner"), "trust": party("provider")}, [spec], **BOARD)


def test_empty_win_set_ends_in_stalemate_by_the_deadline():
    s = opposed_ideals(deadline_days=100)
    model = run(s)
    m = get_matter(model, "m")
    assert m.tabled_day == 0
    deadline = m.tabled_day + 100
    assert m.outcome == "stalemate"
    assert m.tabled_day <= m.decided_day <= deadline
    assert m.decided_day in board_days(s)
    assert not events_on(model, "m", Ev.AGREED)


def test_stalemate_reason_says_no_acceptable_terms_were_found():
    s = opposed_ideals(deadline_days=100)
    result = simulate(s, seed=0)
    events = result.events
    (text,) = events.loc[(events.event == "stalemate") & (events.matter_id == "m"), "text"]
    assert NO_TERMS_FOUND in text


def test_no_terms_to_negotiate_ends_in_stalemate_with_reason():
    # The trust loses £3m for sure, well beyond its £0.5m tolerance; the ccg gains £1m. Both care
    # only for themselves (best-for-service 0), so the ccg votes yes and the trust no.
    spec = matter("m", "ccg", deadline_days=90, impacts=gains(ccg=1.0, trust=-3.0))
    selfish = {"best_for_service": 0.0}
    s = build({"ccg": party("commissioner", **selfish), "trust": party("provider", **selfish)},
              [spec], **BOARD)  # fmt: skip
    result = simulate(s, seed=0)
    m = get_matter(result.model, "m")
    assert m.outcome == "stalemate"
    assert m.tabled_day <= m.decided_day <= m.tabled_day + 90
    (row,) = result.decisions.loc[result.decisions.matter_id == "m"].to_dict("records")
    assert row["outcome"] == "stalemate" and row["blockers"] == "trust"
    events = result.events
    (text,) = events.loc[(events.event == "stalemate") & (events.matter_id == "m"), "text"]
    assert NO_TERMS_FOUND in text


def test_deadline_past_the_term_is_cut_to_the_term():
    # Tabled day 0, deadline 10 years away, but the term is 365 days: the matter cannot outlive
    # the alliance. The board meets 0, 28, ..., 364.
    s = build(
        {"ccg": party("commissioner"), "trust": party("provider")},
        [matter("m", "ccg", deadline_days=3650,
                terms=[{"name": "t", "status_quo": 0.5, "proposed": 0.8}],
                ideals={"ccg": {"t": {"ideal": 0.2}}, "trust": {"t": {"ideal": 0.8}}})],
        days=365,
        **BOARD,
    )  # fmt: skip
    m = get_matter(run(s), "m")
    assert m.outcome == "stalemate"
    assert m.decided_day <= 365


@settings(max_examples=50, deadline=None)
@given(scenarios())
def test_property_every_tabled_matter_is_decided_by_its_deadline(data):
    s = Scenario.model_validate(data)
    model = run(s)
    horizon = (s.scenario.end - s.scenario.start).days
    for m in model.matters:
        if m.tabled_day < 0:
            continue
        assert m.outcome in ("agreed", "stalemate", "void", "reserved", "withdrawn"), m.id
        assert m.tabled_day <= m.decided_day <= horizon
        if m.urgent and m.outcome == "reserved":
            continue
        assert m.decided_day <= m.tabled_day + m.deadline_days, m.id
