"""Joining and leaving under each alliance's own clauses: admission (001 §39; 002 §6.5),
withdrawal after a policy change (001 §42), resignation and removal (002 §6.6-6.7).

Small alliances are worked out by hand: the board meets every 28 days from day 0 with 7 days'
notice (business proposed on day d is tabled at the first meeting on or after d + 7), every
representative's authority covers the business, periods of 91 days, no outcome noise.
"""

from __future__ import annotations

import numpy as np
import pytest

from alliance_sim import AllianceModel, Scenario, builtin_names, load_scenario
from alliance_sim.business.risk import YEAR
from alliance_sim.config import MatterKind, Membership
from alliance_sim.records.events import Ev
from tests.builders import gains, get_matter, matter, party, scenario_dict, votes_on

#: The clauses a hand-built alliance cites: each reason names the one its own table gives.
CLAUSES = {"withdrawal": "001 §42", "resignation": "002 §6.6", "removal": "002 §6.7",
           "admission": "002 §6.5"}  # fmt: skip


def alliance(parties, matters=(), *, rule="unanimity", membership=None, risk=None) -> Scenario:
    data = scenario_dict(parties, matters, days=730, rule=rule)
    data["membership"].update(membership or {})
    data["risk"].update({"outcome_noise": 0.0, **(risk or {})})
    data["clauses"] = CLAUSES
    return Scenario.model_validate(data)


def voters_of(model, matter_id: str) -> set[str]:
    return {model.parties[v.party].key for v in votes_on(model, matter_id)}


# -- admission (001 §39; 002 §6.5) ------------------------------------------------------------


@pytest.mark.parametrize("rule", ["unanimity", "best_for_service"])
def test_agreed_admission_makes_the_subject_a_full_member_from_that_day(rule):
    ps = {"a": party(), "b": party(), "c": party(membership="associate")}
    admit = matter("adm", "a", kind="admission", subject="c", impacts=gains(a=0.5, b=0.5))
    later = matter("later", "a", day=50, impacts=gains(a=2.0, c=-1.0))
    model = AllianceModel(alliance(ps, [admit, later], rule=rule), seed=0).run()
    adm = get_matter(model, "adm")
    assert (adm.outcome, adm.decided_day) == ("agreed", 28)
    (change,) = model.log.of_kind(Ev.MEMBERSHIP)
    assert (change.day, change.party, change.old, change.new) == (28, 2, "associate", "full")
    assert change.reason == "admitted by adm, 002 §6.5"
    assert voters_of(model, "adm") == {"a", "b"}  # c, not yet a member, had no vote on it
    # from then on c votes, and under unanimity its no blocks (tabled on day 84)
    assert "c" in voters_of(model, "later")
    if rule == "unanimity":
        assert get_matter(model, "later").blockers == (2,)


@pytest.mark.parametrize("name", builtin_names())
def test_generated_admissions_name_only_listed_organisations_not_full_members(name):
    s = load_scenario(name)
    listed = set(s.stream.admission_subjects)
    full = {k for k, p in s.parties.items() if p.membership is Membership.FULL}
    count = 0
    for seed in range(8):
        model = AllianceModel(s, seed=seed)
        for m in model.matters:
            if m.kind is MatterKind.ADMISSION:
                key = model.parties[m.subject].key
                assert key in listed and key not in full, (seed, m.id)
                count += 1
    # documents with an admission clause generate admissions; 003 and 004 have none
    assert (count > 0) == (name in ("mid-notts", "walsall")), count


def test_a_design_that_makes_the_subject_full_has_no_admission_and_the_same_other_business():
    base = AllianceModel(load_scenario("mid-notts"), seed=2)
    full = AllianceModel(
        load_scenario("mid-notts", {"parties.social_care_provider.membership": "full"}), seed=2
    )
    assert any(m.kind is MatterKind.ADMISSION for m in base.matters)
    assert not any(m.kind is MatterKind.ADMISSION for m in full.matters)

    def facts(model):
        return [(m.kind, m.arrival_day, m.title, m.magnitude) for m in model.matters
                if m.kind is not MatterKind.ADMISSION]  # fmt: skip

    assert facts(base) == facts(full)


# -- withdrawal after a policy change (001 §42) -----------------------------------------------

TEAM_LIKE = {
    "a": party(budget_m=50.0),
    "t": party(kind="vcse", budget_m=0.1, risk_tolerance_m=0.01),
}


def shocked(leaving: str, cost_m: float) -> AllianceModel:
    """A policy shock hits t on day 300, when its cost of taking part alone (£0.05m a year,
    £0.037m by day 273) is far below twice its £0.01m tolerance."""
    s = alliance(TEAM_LIKE, membership={"leaving": leaving})
    model = AllianceModel(s, seed=0)
    model.risk.shocks = [(300, model.index["t"], cost_m)]
    return model.run()


def test_cost_of_taking_part_alone_never_makes_a_member_withdraw():
    model = shocked("policy_change", cost_m=0.001)
    ledger = model.risk.ledger
    t = model.index["t"]
    assert [e.day for e in model.log.of_kind(Ev.SHOCK)] == [300]
    assert ledger.cumulative[t] < -2 * 0.01  # what the old rule weighed would have made it go
    yearly = model.scenario.risk.participation_cost(model.parties[t].budget_m)  # capped by size
    assert ledger.costs[t] == pytest.approx(yearly * 730 / YEAR)
    # its position from the business: the shock's £0.001m a year from day 300 only
    assert ledger.business_position(t) == pytest.approx(-0.001 * 430 / YEAR)
    assert not model.log.of_kind(Ev.NOTICE)


def test_a_material_shock_makes_it_withdraw_on_three_months_notice():
    # £0.2m a year from day 300: by the settlement on day 364 its position is -£0.035m, but the
    # decision is taken on the shock's day, from the position settled so far (day 273: £0)...
    model = shocked("policy_change", cost_m=0.2)
    assert not model.log.of_kind(Ev.NOTICE)
    # ... so a second shock, once the first has been settled, is what makes it go; a third while
    # it is under notice gives no second notice
    s = alliance(TEAM_LIKE)
    model = AllianceModel(s, seed=0)
    t = model.index["t"]
    model.risk.shocks = [(300, t, 0.2), (400, t, 0.2), (450, t, 0.2)]
    model.run()
    (notice,) = model.log.of_kind(Ev.NOTICE)
    assert (notice.day, notice.party, notice.effective_day) == (400, t, 400 + 91)
    assert "001 §42" in notice.reason


def test_no_withdrawal_where_the_document_has_no_such_clause():
    s = alliance(TEAM_LIKE, membership={"leaving": "none"})
    model = AllianceModel(s, seed=0)
    t = model.index["t"]
    model.risk.shocks = [(300, t, 0.2), (400, t, 0.2)]
    model.run()
    assert not model.log.of_kind(Ev.NOTICE)
    assert model.parties[t].membership is Membership.FULL


# -- resignation (002 §6.6) -------------------------------------------------------------------


def test_a_partner_resigns_at_the_settlement_that_puts_it_beyond_its_limit():
    """Under best for service b's no cannot stop business that costs it £1m a year (agreed on
    day 28). Its limit is 4 x £0.05m = -£0.2m: at the day-91 settlement it is at -£1m x 63/365
    = -£0.173m, at day 182 at -£1m x 154/365 = -£0.422m: it resigns then, on 91 days' notice."""
    ps = {"a": party(), "b": party(best_for_service=0.0, risk_tolerance_m=0.05)}
    loss = matter("loss", "a", impacts=gains(a=3.0, b=-1.0))
    rules = {"leaving": "resignation", "resign_below_tolerances": 4.0,
             "resignation_notice_days": 91}  # fmt: skip
    model = AllianceModel(alliance(ps, [loss], rule="best_for_service", membership=rules), seed=0)
    model.run()
    assert get_matter(model, "loss").decided_day == 28
    (notice,) = model.log.of_kind(Ev.NOTICE)
    assert (notice.day, notice.party, notice.new, notice.effective_day) == (182, 1, "none", 273)
    assert "002 §6.6" in notice.reason
    (change,) = model.log.of_kind(Ev.MEMBERSHIP)
    assert (change.day, change.new) == (273, "none")


# -- removal proposed by a partner (002 §6.7) -------------------------------------------------


def removal_case(c_gain: float) -> AllianceModel:
    """b blocks a's two matters (tabled on days 112 and 140): nothing to amend, each is a
    stalemate at once; after the second a proposes b's removal, tabled on day 140 and voted on
    day 168 without b. A third matter that b would block is proposed on day 170."""
    ps = {"a": party(), "b": party(), "c": party(best_for_service=0.0)}
    blocked = [
        matter(f"m{d}", "a", day=d, impacts=gains(a=1.0, b=-1.0, c=c_gain)) for d in (100, 130)
    ]
    third = matter("m170", "a", day=170, impacts=gains(a=1.0, b=-1.0, c=0.5))
    s = alliance(ps, [*blocked, third], membership={"removal_after_stalemates": 2})
    return AllianceModel(s, seed=0).run()


def test_removal_proposed_with_reasons_and_agreed_without_the_subjects_vote():
    model = removal_case(c_gain=0.5)
    (removal,) = [m for m in model.matters if m.kind is MatterKind.REMOVAL]
    assert model.parties[removal.proposer].key == "a"
    assert "m100" in removal.title and "m130" in removal.title  # its reasons
    assert removal.tabled_day == 140
    assert voters_of(model, removal.id) == {"a", "c"}  # b is recused
    assert (removal.outcome, removal.decided_day) == ("agreed", 168)
    (change,) = model.log.of_kind(Ev.MEMBERSHIP)
    assert (change.day, change.party, change.new) == (168, 1, "none")
    assert "002 §6.7" in change.reason
    third = get_matter(model, "m170")
    assert third.outcome == "agreed" and "b" not in voters_of(model, "m170")


def test_removal_refused_when_the_others_also_blocked_the_business():
    """c, weighing only itself, loses on a's matters too and blocks them with b: a proposes the
    removal of each; each removal is blocked by the other blocker (what removal would unlock
    is a loss to it) and, under unanimity, both stay."""
    model = removal_case(c_gain=-0.5)
    removals = [m for m in model.matters if m.kind is MatterKind.REMOVAL]
    assert sorted(m.reconfigure for m in removals) == [(1,), (2,)]
    for m in removals:
        (subject,) = m.reconfigure
        assert model.parties[subject].key not in voters_of(model, m.id)
        assert m.outcome == "stalemate" and m.blockers == (3 - subject,)
    assert all(p.membership is Membership.FULL for p in model.parties)


def test_no_removal_without_the_clause():
    ps = {"a": party(), "b": party()}
    blocked = [matter(f"m{d}", "a", day=d, impacts=gains(a=1.0, b=-1.0)) for d in (100, 130, 160)]
    model = AllianceModel(alliance(ps, blocked), seed=0).run()
    assert not [m for m in model.matters if m.kind is MatterKind.REMOVAL]
    assert np.all([p.membership is Membership.FULL for p in model.parties])
