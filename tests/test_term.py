"""The agreement's term: extension (001 §40; 002 §2.2) and termination by the board for an
unresolved dispute or force majeure (002 §6.2-6.3), on small alliances worked out by hand.

Board: meets every 28 days from day 0, notice 7 days, so business proposed on day d is tabled at
the first meeting on or after d + 7; every representative's authority covers the resolutions (no
referrals). A term of 730 days; periods of 91 days, settled on days 91, 182, ...
"""

from __future__ import annotations

import math

import numpy as np

from alliance_sim import AllianceModel, Scenario, SimulationResult, load_scenario
from alliance_sim.config import MatterKind
from alliance_sim.records.events import Ev
from tests.builders import gains, get_matter, matter, party, scenario_dict

CADENCE = 28


def alliance(matters=(), *, term=None, escalation=None, rule="unanimity", **parties) -> Scenario:
    # £1m budgets: each pays the full £0.05m a year of taking part (capped at a tenth of budget)
    ps = parties or {k: party(budget_m=1.0) for k in "abc"}
    data = scenario_dict(ps, matters, days=730, rule=rule)
    data["term"] = term or {}
    data["escalation"] = escalation or {}
    # the clauses its reasons cite, its own table's (Walsall's here)
    data["clauses"] = {"dispute": "002 §6.3", "force_majeure": "002 §6.2"}
    return Scenario.model_validate(data)


def of_kind(model: AllianceModel, kind: MatterKind):
    return [m for m in model.matters if m.kind is kind]


def first_meeting_on_or_after(day: int) -> int:
    return math.ceil(day / CADENCE) * CADENCE


def last_meeting_on_or_before(day: int) -> int:
    return math.floor(day / CADENCE) * CADENCE


# -- extension of the term (001 §40; 002 §2.2) ----------------------------------------------------


def test_extension_considered_at_the_documented_time_and_agreed():
    s = alliance(term={"extension_years": 7.0, "extension_considered_days": 182})
    model = AllianceModel(s, seed=0).run()
    (ext,) = of_kind(model, MatterKind.TERM_EXTENSION)
    due = last_meeting_on_or_before(730 - 182)  # 532
    # tabled at the last meeting not less than six months before the end (002 §2.2), decided
    # there (no referral); everyone values continuing (its service value outweighs the cost of
    # taking part)
    assert (ext.tabled_day, ext.outcome, ext.decided_day) == (due, "agreed", due)
    (decided,) = model.log.of_kind(Ev.TERM)
    assert (decided.outcome, decided.years, decided.end_day) == ("extended", 7.0, 730)
    summary = SimulationResult(model).summary()
    assert summary["term_extended"] == 1.0
    # the horizon stays the scenario's term
    assert model.meeting_days[-1] <= 730 and model.horizon == 730


def test_extension_needs_every_full_member_even_under_best_for_service():
    """b loses £5m a year on the business agreed under best for service, so it votes against
    continuing; the extension, unanimous under every rule, is not agreed."""
    loss = matter("loss", "a", impacts=gains(a=10.0, b=-5.0))
    ps = {"a": party(), "b": party(best_for_service=0.0), "c": party()}
    s = alliance([loss], term={"extension_years": 7.0}, rule="best_for_service", **ps)
    model = AllianceModel(s, seed=0).run()
    assert get_matter(model, "loss").outcome == "agreed"
    (ext,) = of_kind(model, MatterKind.TERM_EXTENSION)
    assert ext.outcome == "stalemate" and ext.blockers == (1,)
    (decided,) = model.log.of_kind(Ev.TERM)
    assert decided.outcome == "not extended"
    assert SimulationResult(model).summary()["term_extended"] == 0.0
    assert model.terminated_day is None  # not extending is not terminating


def test_no_extension_without_the_option():
    model = AllianceModel(alliance(), seed=0).run()
    assert not of_kind(model, MatterKind.TERM_EXTENSION)
    assert math.isnan(SimulationResult(model).summary()["term_extended"])


# -- termination for an unresolved dispute (002 §6.3) -----------------------------------------


def dispute(continuation_value_m: float) -> AllianceModel:
    """b blocks two matters a proposes (proposed on days 100 and 130, tabled on 112 and 140):
    nothing to amend, so each is a stalemate at once; the second makes it a dispute."""
    blocked = [matter(f"m{d}", "a", day=d, impacts=gains(a=1.0, b=-1.0, c=0.5)) for d in (100, 130)]
    s = alliance(
        blocked,
        term={"dispute_after_stalemates": 2},
        escalation={"continuation_value_m": continuation_value_m},
    )
    return AllianceModel(s, seed=0).run()


def test_repeated_stalemates_between_the_same_members_become_a_dispute():
    model = dispute(2.0)
    assert [get_matter(model, f"m{d}").decided_day for d in (100, 130)] == [112, 140]
    (d,) = model.log.of_kind(Ev.DISPUTE)
    assert (d.day, d.party, d.other, d.stalemates) == (140, 1, 0, 2)
    (end,) = of_kind(model, MatterKind.TERMINATION)
    assert end.tabled_day == 140 and "002 §6.3" in end.title
    # every member values continuing at £2m a year to service users: the board does not end it
    assert end.outcome == "stalemate" and end.decided_day == 168
    assert model.terminated_day is None


def test_unresolved_dispute_ends_the_alliance_when_the_board_so_resolves():
    """With no value in continuing, each member weighs only its record: the cost of taking part
    (£0.05m a year, settled on day 91) makes ending worth +£0.05m a year to each, so all agree."""
    model = dispute(0.0)
    (end,) = of_kind(model, MatterKind.TERMINATION)
    assert (end.outcome, end.decided_day) == ("agreed", 168)
    assert model.terminated_day == 168
    (t,) = model.log.of_kind(Ev.TERMINATED)
    assert "002 §6.3" in t.reason
    assert not [e for e in model.log.of_kind(Ev.MEETING) if e.day > 168]


def test_no_dispute_without_the_clause():
    blocked = [matter(f"m{d}", "a", day=d, impacts=gains(a=1.0, b=-1.0)) for d in (100, 130, 160)]
    model = AllianceModel(alliance(blocked), seed=0).run()
    assert not model.log.of_kind(Ev.DISPUTE)
    assert not of_kind(model, MatterKind.TERMINATION)


# -- force majeure (002 §6.2) -----------------------------------------------------------------


def force_majeure_day_by_hand(seed: int, per_year: float) -> float:
    third = np.random.SeedSequence(seed).spawn(3)[2]
    return np.random.default_rng(third).exponential(365.25 / per_year)


def test_force_majeure_leads_the_board_to_terminate():
    seed = next(s for s in range(50) if 10 < force_majeure_day_by_hand(s, 1.0) < 600)
    day = int(force_majeure_day_by_hand(seed, 1.0))
    model = AllianceModel(alliance(term={"force_majeure_per_year": 1.0}), seed=seed).run()
    (fm,) = model.log.of_kind(Ev.FORCE_MAJEURE)
    assert fm.day == day
    (end,) = of_kind(model, MatterKind.TERMINATION)
    meeting = first_meeting_on_or_after(day)
    # continuing is impossible: ending in order is worth what continuing was; agreed at once
    assert (end.tabled_day, end.outcome, end.decided_day) == (meeting, "agreed", meeting)
    assert model.terminated_day == meeting


def test_force_majeure_draws_move_no_other_stream():
    """Term events have their own generator: turning force majeure on changes no business,
    shock or turnover of a built-in scenario."""
    base = AllianceModel(load_scenario("walsall"), seed=4)
    fm = AllianceModel(load_scenario("walsall", {"term.force_majeure_per_year": 0.5}), seed=4)
    facts = [(m.kind, m.arrival_day, m.title, m.magnitude) for m in base.matters]
    assert facts == [(m.kind, m.arrival_day, m.title, m.magnitude) for m in fm.matters]
    assert base.risk.shocks == fm.risk.shocks
    assert (base.turnover == fm.turnover).all()
