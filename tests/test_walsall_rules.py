"""Walsall under its own rules (issue 11 §4; FIDELITY rows 15, 23, 38, 39).

- 002 §3.5: commissioning arrangements remain unchanged, so there are no Reserved Matters for the
  CCG to decide alone (``stream.reserved_matters = false``).
- 002 §6.8: any partner may give notice of a variation of the agreement; all partners must agree,
  under every decision rule (``rules.UNANIMOUS_KINDS``).
- 002 §5.1, 6.4, 7.1.1: the host partner runs the board and is reimbursed by the partners for its
  agreed costs of hosting, settled to the penny in the ledger (``config.Host``).
- 002 §6.1: a partner with a conflict of interest notifies the board, which manages it by
  recusal: the partner does not vote on the matter and holds no veto on it.

Small cases are written out by hand (``tests/builders.py``: stream off, no shocks or turnover) so
that each outcome and each penny can be worked out from the rules.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_sim import AllianceModel, Scenario, SimulationResult, load_scenario, simulate
from alliance_sim.board.rules import rule_for
from alliance_sim.business.risk import RiskBook
from alliance_sim.business.stream import generate
from alliance_sim.config import RESERVED_KINDS, Host, MatterKind, Risk
from alliance_sim.config.loading import load_scenario as load
from alliance_sim.errors import InputError
from alliance_sim.records.events import Ev
from alliance_sim.registry import DECISION_RULES
from tests.builders import (
    build,
    events_on,
    gains,
    get_matter,
    key,
    matter,
    party,
    run,
    scenario_dict,
    votes_on,
)

SELFISH = {"best_for_service": 0.0}
PENCE_PER_M = 100_000_000


@pytest.fixture(scope="module")
def walsall_runs() -> list[SimulationResult]:
    s = load_scenario("walsall")
    return [
        SimulationResult(AllianceModel(s, seed=seed, collect=False).run()) for seed in range(10)
    ]


# -- 002 §3.5: no Reserved Matters -------------------------------------------------------------


def test_walsall_has_no_reserved_matters(walsall_runs):
    s = load_scenario("walsall")
    assert s.stream.reserved_matters is False
    assert all(s.stream.kinds[k].rate_per_year == 0 for k in RESERVED_KINDS)
    for result in walsall_runs:
        assert not [m for m in result.model.matters if m.reserved]
        assert not result.model.log.of_kind(Ev.RESERVED, Ev.CONSULTED)
        assert result.summary()["reserved"] == 0


def test_mid_notts_commissioners_keep_their_reserved_matters():
    # 000 §3.4 gives them: the default scenario still draws them.
    s = load_scenario("mid-notts")
    assert s.stream.reserved_matters is True
    reserved = [m for seed in range(5) for m in AllianceModel(s, seed=seed).run().matters
                if m.reserved]  # fmt: skip
    assert reserved


def test_a_reserved_rate_in_walsall_is_an_input_error_citing_the_clause():
    with pytest.raises(InputError, match="002 §3.5"):
        load("walsall", {"stream.kinds.mandatory_change.rate_per_year": 0.5})


def test_switching_reserved_matters_off_zeroes_the_default_rates():
    s = load("mid-notts", {"stream.reserved_matters": False})
    assert all(s.stream.kinds[k].rate_per_year == 0 for k in RESERVED_KINDS)
    assert s.stream.kinds[MatterKind.SERVICE_CHANGE].rate_per_year == 5.0


def test_a_hand_written_reserved_matter_is_an_error_without_reserved_matters():
    spec = matter("m", "a", kind="mandatory_change")
    data = scenario_dict({"a": party("commissioner"), "b": party()}, [spec])
    data["stream"] = {"enabled": False, "reserved_matters": False}
    with pytest.raises(ValueError, match="002 §3.5"):
        Scenario.model_validate(data)


# -- 002 §6.8: variation of the agreement, unanimous under every rule ---------------------------


def three() -> dict:
    return {"a": party("commissioner", **SELFISH), "b": party("provider", **SELFISH),
            "c": party("council", **SELFISH)}  # fmt: skip


@pytest.mark.parametrize("rule", ["best_for_service", "qualified_majority"])
def test_an_agreement_variation_needs_every_partner(rule):
    # a +£3m, b +£1m, c -£1m (beyond c's £0.5m tolerance): c votes no; the system gains £3m.
    # As a service change it passes under the counterfactual rule (2 of 3 is the 0.6 majority,
    # and the system gains); as a variation of the agreement c's no blocks it (002 §6.8).
    impacts = gains(a=3.0, b=1.0, c=-1.0)
    for kind, expected in (("service_change", "agreed"), ("agreement_variation", "stalemate")):
        spec = matter("m", "a", kind=kind, impacts=impacts)
        model = run(build(three(), [spec], rule=rule, qualified_majority=0.6))
        m = get_matter(model, "m")
        assert m.outcome == expected, kind
        if expected == "stalemate":
            assert [key(model, i) for i in m.blockers] == ["c"]


def test_agreement_variation_is_decided_by_unanimity_whatever_the_rule():
    board = load_scenario("walsall").board
    for name in ("best_for_service", "qualified_majority"):
        chosen = rule_for(MatterKind.AGREEMENT_VARIATION, DECISION_RULES[name].of(board), board)
        assert chosen.name == "unanimity"


def test_only_walsall_draws_agreement_variations(walsall_runs):
    drawn = [m for r in walsall_runs for m in r.model.matters
             if m.kind is MatterKind.AGREEMENT_VARIATION]  # fmt: skip
    assert drawn
    assert all(m.categories[0] == "strategic" for m in drawn)
    for name in ("mid-notts", "nhse-template", "lambeth-ipsa"):
        s = load_scenario(name)
        assert s.stream.kinds[MatterKind.AGREEMENT_VARIATION].rate_per_year == 0
        for seed in range(3):
            model = AllianceModel(s, seed=seed)
            assert not [m for m in model.matters if m.kind is MatterKind.AGREEMENT_VARIATION]


def test_any_partner_may_give_notice_of_a_variation():
    # 002 §6.8: "a partner", not only providers and commissioners (the council proposes too).
    s = load("walsall", {"stream.kinds.agreement_variation.rate_per_year": 20.0})
    proposers = {
        m.proposer
        for seed in range(3)
        for m in generate(s, {k: i for i, k in enumerate(s.parties)}, np.random.default_rng(seed))
        if m.kind is MatterKind.AGREEMENT_VARIATION
    }
    assert proposers == set(range(len(s.parties)))


# -- 002 §5.1, 6.4: the host partner recovers its costs -----------------------------------------


def hosted(recovery: str = "budget", host: str = "a", host_membership: str = "full") -> dict:
    """Three partners with budgets 60/30/10, five periods of 73 days (a fifth of a year each) and
    a host whose agreed costs are £1m a year: £0.2m = 20,000,000p a period."""
    parties = {
        "a": party("provider", budget_m=60.0, membership=host_membership),
        "b": party("commissioner", budget_m=30.0),
        "c": party("council", budget_m=10.0),
    }
    data = scenario_dict(parties, [], days=365)
    data["risk"] = {**data["risk"], "period_days": 73, "participation_cost_m": 0.0}
    data["host"] = {"party": host, "admin_cost_m": 1.0, "recovery": recovery}
    return data


def ledger_of(data: dict):
    return simulate(Scenario.model_validate(data), seed=0).ledger


def test_host_recovers_its_costs_by_budget_to_the_penny():
    ledger = ledger_of(hosted("budget"))
    assert ledger.period.nunique() == 5
    for _, rows in ledger.groupby("period"):
        rows = rows.set_index("party")
        # the host incurs the whole cost; b and c reimburse their budget parts (30% and 10%)
        assert rows.host_cost_pence.to_dict() == {"a": -20_000_000, "b": 0, "c": 0}
        assert rows.host_recovery_pence.to_dict() == {"a": 8_000_000, "b": -6_000_000,
                                                      "c": -2_000_000}  # fmt: skip
        assert int(rows.host_recovery_pence.sum()) == 0
        assert rows.hosting_m.to_dict() == pytest.approx({"a": -0.12, "b": -0.06, "c": -0.02})
        assert rows.net_m.to_dict() == pytest.approx({"a": -0.12, "b": -0.06, "c": -0.02})


def test_equal_recovery_splits_the_odd_penny_to_the_lowest_index():
    ledger = ledger_of(hosted("equal"))
    rows = ledger[ledger.period == 0].set_index("party")
    # 20,000,000p / 3: 6,666,667p for a and b, 6,666,666p for c
    assert rows.host_recovery_pence.to_dict() == {"a": 13_333_333, "b": -6_666_667,
                                                  "c": -6_666_666}  # fmt: skip
    assert int((rows.host_cost_pence + rows.host_recovery_pence).sum()) == -20_000_000


def test_no_host_or_a_host_that_is_not_a_full_member_recovers_nothing():
    data = hosted()
    del data["host"]
    ledger = ledger_of(data)
    assert (ledger.host_cost_pence == 0).all() and (ledger.host_recovery_pence == 0).all()
    ledger = ledger_of(hosted(host_membership="associate"))
    assert (ledger.hosting_m == 0).all()


def test_host_must_be_a_known_party_and_a_cost_needs_a_host():
    data = hosted(host="nobody")
    with pytest.raises(ValueError, match="nobody"):
        Scenario.model_validate(data)
    data = hosted()
    data["host"] = {"admin_cost_m": 1.0}
    with pytest.raises(ValueError, match="names no host"):
        Scenario.model_validate(data)


@settings(max_examples=60, deadline=None)
@given(
    budgets=st.lists(st.floats(0.0, 500.0), min_size=2, max_size=6),
    cost=st.floats(0.0, 3.0),
    host=st.integers(0, 5),
    equal=st.booleans(),
)
def test_property_recovery_balances_to_the_penny(budgets, cost, host, equal):
    n = len(budgets)
    host %= n
    book = RiskBook(Risk(participation_cost_m=0.0), np.array(budgets), np.zeros((0, 2)), [],
                    Host(party="h", admin_cost_m=cost, recovery="equal" if equal else "budget"),
                    host)  # fmt: skip
    full = np.ones(n, dtype=bool)
    hosted_p, recovered_p = book._hosting(full, 0.25)
    total = round(cost * 0.25 * PENCE_PER_M)
    assert int(recovered_p.sum()) == 0
    assert int((hosted_p + recovered_p).sum()) == -total
    assert int(hosted_p[host]) == -total and (np.delete(hosted_p, host) == 0).all()
    assert ((hosted_p + recovered_p) <= 0).all()  # everyone is down its own part, none gains


def test_walsall_host_recovers_and_the_narrative_says_so(walsall_runs):
    result = walsall_runs[0]
    s = result.scenario
    assert s.host.party == "whc"
    ledger = result.ledger
    host_rows = ledger[ledger.party == "whc"]
    assert (host_rows.host_cost_pence < 0).all() and (host_rows.host_recovery_pence > 0).all()
    assert (ledger.groupby("period").host_recovery_pence.sum() == 0).all()
    total = -ledger.host_cost_pence.sum() / PENCE_PER_M
    assert total == pytest.approx(s.host.admin_cost_m * s.horizon_days / 365.0, abs=1e-6)
    texts = result.events.loc[result.events.event == "settled", "text"]
    assert texts.str.contains("the host partner, recovers").all()
    assert texts.str.contains("002 §6.4").all()


# -- 002 §6.1: conflicts of interest, managed by recusal -----------------------------------------


def conflicted(*conflicts: str, **board) -> dict:
    # a +£1m, b +£1m, c -£1m (beyond c's £0.5m tolerance): c would vote no and block.
    spec = matter("m", "a", impacts=gains(a=1.0, b=1.0, c=-1.0), conflicts=list(conflicts))
    parties = {"a": party("commissioner", **SELFISH), "b": party("provider", **SELFISH),
               "c": party("provider", **SELFISH)}  # fmt: skip
    data = scenario_dict(parties, [spec], **board)
    data["clauses"] = {"recusal": "002 §6.1"}  # the clause its reasons cite, Walsall's
    return data


def test_a_conflicted_partner_neither_votes_nor_blocks():
    model = run(conflicted())
    assert get_matter(model, "m").outcome == "stalemate"  # c blocks when it may vote
    model = run(conflicted("c"))
    m = get_matter(model, "m")
    assert m.outcome == "agreed"
    assert m.decided_day == m.tabled_day  # agreed at its first meeting, without c
    assert sorted(key(model, v.party) for v in votes_on(model, "m")) == ["a", "b"]
    (recused,) = events_on(model, "m", Ev.RECUSED)
    assert key(model, recused.party) == "c"


def test_the_narrative_says_why_the_partner_did_not_vote():
    result = simulate(Scenario.model_validate(conflicted("c")), seed=0)
    (text,) = result.events.loc[result.events.event == "recused", "text"]
    name = result.scenario.parties["c"].name
    assert text.startswith("Conflict of interest:")
    assert f"{name} does not vote on m and cannot block it (002 §6.1)" in text


def test_the_recused_are_not_counted_in_a_majority():
    # Four partners, d conflicted; a and b yes, c no. Of those who vote, 2 of 3 < 0.75: not
    # agreed. Counting d as content (3 of 4 = 0.75) would pass it.
    data = conflicted("d", rule="qualified_majority", qualified_majority=0.75)
    data["parties"]["d"] = party("provider", **SELFISH)
    data["matters"][0]["impacts"]["d"] = {"mean_m": 1.0}
    model = run(data)
    assert get_matter(model, "m").outcome != "agreed"
    assert "d" not in {key(model, v.party) for v in votes_on(model, "m")}


def test_a_recused_representative_does_not_refer_on_notice():
    # c's authority does not cover the matter (limit £0): without the conflict it refers.
    data = conflicted(notice_days=7)
    data["parties"]["c"]["authority"] = {"threshold_m": 0.0}
    data["matters"][0]["magnitude_m"] = 1.0
    data["matters"][0]["day"] = 10
    model = run(data)
    assert [key(model, e.party) for e in events_on(model, "m", Ev.REFERRED)] == ["c"]
    data["matters"][0]["conflicts"] = ["c"]
    model = run(data)
    assert not events_on(model, "m", Ev.REFERRED)
    assert get_matter(model, "m").outcome == "agreed"


def test_stream_conflicts_fall_on_a_provider_other_than_the_proposer_and_move_no_draws():
    base = load_scenario("walsall")
    index = {k: i for i, k in enumerate(base.parties)}
    every = load("walsall", {"stream.conflict_share": 1.0})
    never = load("walsall", {"stream.conflict_share": 0.0})
    providers = {index["whc"], index["dwmh"]}
    for seed in range(3):
        a = generate(every, index, np.random.default_rng(seed))
        b = generate(never, index, np.random.default_rng(seed))
        # common random numbers: the same business, only the conflicts differ
        assert [(m.kind, m.arrival_day, m.magnitude, m.proposer) for m in a] == [
            (m.kind, m.arrival_day, m.magnitude, m.proposer) for m in b
        ]
        assert all(m.conflicted == 0 for m in b)
        for m in a:
            if m.kind in (MatterKind.SERVICE_CHANGE, MatterKind.VARIATION):
                (who,) = [i for i in range(len(index)) if m.conflicted >> i & 1]
                assert who in providers and who != m.proposer
            else:
                assert m.conflicted == 0


def test_only_walsall_has_a_conflicts_clause(walsall_runs):
    for name in ("mid-notts", "nhse-template", "lambeth-ipsa"):
        assert load_scenario(name).stream.conflict_share == 0
    recused = [e for r in walsall_runs for e in r.model.log.of_kind(Ev.RECUSED)]
    assert recused
    for r in walsall_runs:
        for e in r.model.log.of_kind(Ev.RECUSED):
            assert e.party not in {v.party for v in r.model.log.votes if v.matter == e.matter}


def test_break_even_allowance_includes_each_members_part_of_the_hosting(walsall_runs):
    # The design search's "members break even" allows each full member its costs of taking part:
    # in Walsall that includes its part of the host's recovered costs, as the ledger charges it.
    from alliance_sim.search.objectives import design_facts

    s = load_scenario("walsall")
    facts = design_facts(s)
    # a run whose membership never changed (an admission or resignation re-splits the costs)
    steady = [r for r in walsall_runs if not r.model.log.of_kind(Ev.MEMBERSHIP)]
    assert steady
    ledger = steady[0].ledger
    charged = -ledger.groupby("party").hosting_m.sum()
    participation = s.risk.participation_cost_m * s.horizon_days / 365.25
    for k in facts.full:
        assert facts.cost_m[k] - participation == pytest.approx(charged[k], abs=1e-6)


def test_a_non_member_brings_no_business_to_the_board(walsall_runs):
    # 002 §6.8: "a partner" gives notice of a variation; the prospective partner is not one until
    # admitted, so what it proposes is withdrawn when tabled, and never referred or voted on.
    outsider = [
        (r, m)
        for r in walsall_runs
        for m in r.model.matters
        if m.outcome == "withdrawn" and "is not a member" in _withdrawn_reason(r.model, m)
    ]
    assert outsider
    for r, m in outsider:
        assert m.decided_day == m.tabled_day and m.referrals == 0
        assert not [v for v in r.model.log.votes if v.matter == m.idx]


def _withdrawn_reason(model, m) -> str:
    (w,) = [e for e in model.log.of_kind(Ev.WITHDRAWN) if e.matter == m.idx]
    return w.reason


# -- 002 §6.5: a new partner, proposed by any partner, on fair terms ---------------------------


def _admissions(models: list[AllianceModel]):
    return [(model, m) for model in models for m in model.matters
            if m.kind is MatterKind.ADMISSION]  # fmt: skip


def test_walsall_admits_on_its_own_clause_not_mid_notts():
    """Any partner may propose the newcomer (not only the council, as 001 §39 has it), and the
    newcomer's fair terms are its part of the host's costs (002 §6.4-6.5): the others' parts fall
    by as much. Walsall has no pool (002 §7.4), so no one expects a smaller share of one."""
    models = [AllianceModel("walsall", seed=s, collect=False) for s in range(30)]
    admissions = _admissions(models)
    assert len(admissions) >= 10
    proposers = {model.parties[m.proposer].key for model, m in admissions}
    assert len(proposers) >= 3 and proposers != {"council"}
    for model, m in admissions:
        assert "risk and reward" not in " ".join(m.labels)
        assert m.labels[m.subject] == "its part of the host's costs"
        assert m.F0[m.subject] < 0 and m.F0.sum() == pytest.approx(0.0)
        for i, p in enumerate(model.parties):
            if p.membership.value == "full":
                assert m.F0[i] > 0 and m.labels[i] == "a smaller part of the host's costs"


def test_mid_notts_council_still_brings_its_own_provider_into_its_pool():
    models = [AllianceModel("mid-notts", seed=s, collect=False) for s in range(6)]
    admissions = _admissions(models)
    assert admissions
    for model, m in admissions:
        assert model.parties[m.proposer].key == "council"  # 001 §39
        assert m.labels[model.index["council"]] == "social care joined up"
        assert m.labels[model.index["sfh"]] == "a smaller share of risk and reward"


# -- 002 §3.5, the second reading: commissioning decisions taken outside the alliance ----------


def test_the_second_reading_of_002_3_5_keeps_commissioning_outside_the_board():
    """'Commissioning arrangements remain unchanged' read as: the CCG still takes its own
    commissioning decisions alone, as before the agreement. They arise at their rates, are
    decided the day they arise with no vote and no consultation of the board (000 §3.5 d is
    Mid-Notts'), move money, and are counted apart from the board's measures."""
    outside = {"stream.commissioning_outside_board": True}
    results = [simulate("walsall", seed=s, overrides=outside) for s in range(6)]
    reserved = [(r, m) for r in results for m in r.model.matters if m.kind in RESERVED_KINDS]
    assert reserved
    for r, m in reserved:
        assert m.outcome == "reserved" and m.outside and m.decided_day == m.arrival_day
        assert not events_on(r.model, m.id, Ev.CONSULTED) and not votes_on(r.model, m.id)
        assert r.decisions.set_index("matter_id").loc[m.id, "business"] == "apart"
    text = "\n".join(r.narrative() for r in results)
    assert "Commissioning outside the alliance" in text and "(002 §3.5)" in text
    # the first reading, the file's: none arise
    assert not [m for m in simulate("walsall", seed=0).model.matters if m.kind in RESERVED_KINDS]


def test_the_second_reading_needs_an_agreement_without_reserved_matters():
    with pytest.raises(InputError, match="reserved_matters to false"):
        load("mid-notts", ["stream.commissioning_outside_board=true"])
