"""The headline measures count what their names say (issue 21; ``alliance_sim/measures.py``).

1. Days to decision run from the day business is first proposed, not from its tabling.
2. The stalemate rate is over the ordinary business put to the board's vote; void, reserved and
   withdrawn business and governance resolutions are counted apart; a transition matter tabled
   again is one matter with its attempts counted.
3. Money is conserved: only realised effects of business, shocks, costs and the pool move money.
4. "No terms exist" only when none exist.
5. A vote cast on a home body's answer says truly what that answer was.
"""

from __future__ import annotations

import numpy as np
import pytest

from alliance_sim import measures, simulate
from alliance_sim.board.acceptable import best_terms
from alliance_sim.model import AllianceModel
from alliance_sim.records.events import Ev, StaleWhy
from alliance_sim.result import SimulationResult

from .builders import build, events_on, get_matter, matter, party, run, tabling_day
from .test_risk_membership import THREE, scenario, scheme

# -- 1. the clock starts at the proposal --------------------------------------------------------


@pytest.mark.parametrize("arrival", [3, 20])
def test_a_longer_notice_never_shortens_the_time_from_proposal(arrival):
    """A matter every member wants, within every member's authority, is agreed at the meeting
    that tables it: its days to decision are the days from its proposal to that meeting, which a
    longer notice can only lengthen; its days from tabling are 0 whatever the notice."""
    parties = {"a": party(), "b": party()}
    spec = matter("m", "a", day=arrival, effects={"outcomes": 1.0}, impacts={"a": {"mean_m": 0.1}})
    seen = []
    for notice in (0, 14, 42):
        s = build(parties, [spec], cadence_days=28, notice_days=notice)
        model = run(s)
        row = SimulationResult(model).decisions.set_index("matter_id").loc["m"]
        meeting = tabling_day(s, arrival)
        assert row.outcome == "agreed"
        assert row.days_from_tabling == 0
        assert row.days_to_decision == meeting - arrival  # by hand: the meeting that tabled it
        seen.append(row.days_to_decision)
    assert seen == sorted(seen)
    assert seen[-1] > seen[0]


def test_experiment_and_search_measures_use_the_clock_from_proposal():
    """The sensitivity outcomes and the design search's objectives read the same days as a
    run's own summary: from first proposal to agreement of ordinary business."""
    from alliance_sim.exploration.points import _reduce_run

    result = simulate("mid-notts", seed=4, collect=False)
    records = result.records()
    rows = {"stalemate_rate": [], "mean_days": [], "survived": []}
    _reduce_run(records, (), rows)
    d = result.decisions
    agreed = d[(d.business == "ordinary") & (d.outcome == "agreed")]
    assert rows["mean_days"][0] == pytest.approx(agreed.days_to_decision.mean())
    assert rows["mean_days"][0] == pytest.approx(result.summary()["mean_days"])
    assert agreed.days_to_decision.mean() > agreed.days_from_tabling.mean()


# -- 2. what the stalemate rate counts ----------------------------------------------------------


def _counting_case():
    parties = {
        "ccg": party("commissioner"),
        "p": party("provider", best_for_service=0.0, weights={"finance": 1.0}),
        "out": party("provider", membership="none"),
    }
    wanted = {"effects": {"outcomes": 1.0}}
    matters = [
        matter("agreed", "ccg", day=0, **wanted),
        # the provider loses £1m a year and no term can make it up: no terms exist (stalemate)
        matter(
            "stuck", "ccg", day=0, deadline_days=60, impacts={"p": {"mean_m": -1.0}}
        ),  # fmt: skip
        matter("void", "ccg", day=0, prohibited="breach", **wanted),
        matter("reserved", "ccg", day=0, kind="mandatory_change", **wanted),
        matter("outsider", "out", day=0, **wanted),  # its proposer is no member: withdrawn
    ]
    return build(parties, matters, cadence_days=28, notice_days=0)


def test_stalemate_rate_is_over_business_put_to_the_vote_and_the_rest_is_counted_apart():
    result = SimulationResult(run(_counting_case()))
    d = result.decisions.set_index("matter_id")
    assert d.outcome.to_dict() == {"agreed": "agreed", "stuck": "stalemate", "void": "void",
                                   "reserved": "reserved", "outsider": "withdrawn"}  # fmt: skip
    assert d.business.to_dict() == {"agreed": "ordinary", "stuck": "ordinary", "void": "apart",
                                    "reserved": "apart", "outsider": "apart"}  # fmt: skip
    s = result.summary()
    assert s["stalemate_rate"] == 0.5  # one of the two matters the board voted on
    assert (s["void"], s["reserved"], s["withdrawn"]) == (1, 1, 1)
    # void and reserved business is not "decided in 0 days": the days are the agreed matter's
    assert s["mean_days"] == d.loc["agreed", "days_to_decision"]
    assert s["median_days"] == d.loc["agreed", "days_to_decision"]


def _mid_notts_with_refused_resolutions():
    for seed in range(40):
        result = simulate("mid-notts", seed=seed, collect=False)
        if result.summary()["resolutions_refused"]:
            return result
    raise AssertionError("no mid-notts run in 40 refused a governance resolution")


def test_governance_resolutions_are_a_measure_of_their_own():
    result = _mid_notts_with_refused_resolutions()
    s = result.summary()
    d = result.decisions
    resolutions = d[d.business == "resolution"]
    assert set(resolutions.kind) <= {"transition_extension", "reconfiguration", "term_extension",
                                     "termination", "removal"}  # fmt: skip
    assert s["resolutions_refused"] == (resolutions.outcome == "stalemate").sum() > 0
    ordinary = d[d.business == "ordinary"]
    assert not set(ordinary.kind) & set(resolutions.kind)
    settled = ordinary.outcome.isin(["agreed", "stalemate"]).sum()
    assert s["stalemate_rate"] == (ordinary.outcome == "stalemate").sum() / settled


def test_a_transition_matter_tabled_again_is_one_matter_with_its_attempts():
    for seed in range(40):
        model = AllianceModel("mid-notts", seed=seed, collect=False).run()
        if any(how == "extended" for _, how in model.transition.outcomes):
            break
    else:
        raise AssertionError("no mid-notts run in 40 extended its transition")
    again = [m for m in model.matters if m.previous >= 0]
    assert again
    d = SimulationResult(model).decisions.set_index("matter_id")
    for m in again:
        first = model.matters[m.previous]
        while first.previous >= 0:
            first = model.matters[first.previous]
        assert first.id not in d.index  # the first attempt is not a matter of its own
        if not any(later.previous == m.idx for later in model.matters):
            row = d.loc[m.id]
            assert row.attempts == m.generation + 1 >= 2
            assert row.proposed_day == first.arrival_day
            assert row.days_to_decision == m.decided_day - first.arrival_day


# -- 3. money is conserved ------------------------------------------------------------------------

#: The business whose effects are realised as money (the issue's list): everything else the board
#: decides (a risk/reward scheme, an admission, governance resolutions) is what members expect.
REALISED = {"service_change", "variation", "payment_model", "agreement_variation",
            "mandatory_change", "third_party_transfer", "public_consultation"}  # fmt: skip


def test_agreeing_a_scheme_moves_no_money_by_itself():
    """A scheme members value at £0.2m a year each (their expected pool shares) and agree: with
    no other business there is nothing realised to pool, so no party's money moves but by its
    cost of taking part."""
    expected = {k: {"mean_m": 0.2} for k in THREE}
    s = scenario(THREE, [scheme(0, {"a": 0.5, "b": 0.3, "c": 0.2}, impacts=expected)])
    result = SimulationResult(AllianceModel(s, seed=0).run())
    assert result.model.risk.shares is not None  # the scheme was agreed
    ledger = result.ledger
    assert (ledger.direct_m == 0).all()
    assert (ledger.share_pence == 0).all()
    assert np.allclose(ledger.net_m, -ledger.participation_cost_m)


@pytest.mark.parametrize("name", ["mid-notts", "walsall", "lambeth-ipsa", "nhse-template"])
@pytest.mark.parametrize("seed", range(6))
def test_money_is_conserved(name, seed):
    """Per period, the parties' net positions add up to the realised effects of the business
    adopted, plus shocks, less the costs of taking part and of hosting, to the penny; and the
    realised effects are those of the business agreed or reserved, at the terms decided (outcome
    noise off, so the test can work them out from the record)."""
    model = AllianceModel(name, seed=seed, collect=False,
                          overrides={"risk.outcome_noise": 0.0}).run()  # fmt: skip
    periods = model.risk.ledger.periods
    decided = {}
    for e in model.log.events:
        if e.kind in (Ev.AGREED, Ev.RESERVED):
            m = model.matters[e.matter]
            if str(m.kind) in REALISED:
                x = e.x if e.kind is Ev.AGREED else m.x
                decided[m.idx] = (e.day, m.F0 + (m.A @ x if m.k else 0.0))
    assert decided
    for p in periods:
        expected = np.zeros(len(model.parties))
        for day, F in decided.values():
            expected += F * max(p.end - max(p.start, day), 0) / 365.0
        np.testing.assert_allclose(p.direct, expected, atol=1e-9)
        pence = 100_000_000
        assert int(p.share_pence.sum()) == int(p.paid_in_pence.sum())
        assert int(p.host_recovery_pence.sum()) == 0
        total = p.direct.sum() + p.shock.sum() - p.cost.sum() + p.host_cost_pence.sum() / pence
        assert p.net.sum() == pytest.approx(total, abs=len(model.parties) / pence)
        for i, membership in enumerate(p.membership):
            if membership != "full":  # no associate or non-member ever holds a pool share
                assert p.share_pence[i] == 0 and p.paid_in_pence[i] == 0


# -- 4. "no terms exist" only when none exist ---------------------------------------------------


def test_terms_every_member_prefers_by_a_hair_are_found_and_agreed():
    """1-D, three full members with ideal terms 0.702, 0.425 and 0.700 and the status quo 0.4248:
    terms near 0.425 suit all three (by less than the chair's usual margin), so the matter is
    agreed there and never reported as having no acceptable terms."""
    keys = ("a", "b", "c")
    weights = {"finance": 0.0, "outcomes": 0.0, "seamless": 0.0, "accessible": 0.0, "local": 0.0,
               "prevention": 0.0, "sustainability": 0.0, "choice": 0.0}  # fmt: skip
    parties = {k: party(best_for_service=0.0, weights=weights) for k in keys}
    ideals = dict(zip(keys, (0.702, 0.425, 0.700), strict=True))
    spec = matter(
        "m", "a", day=0, deadline_days=700,
        terms=[{"name": "t", "low": 0.0, "high": 1.0, "status_quo": 0.4248, "proposed": 0.701}],
        ideals={k: {"t": {"ideal": v, "weight": 1.0}} for k, v in ideals.items()},
    )  # fmt: skip
    model = run(build(parties, [spec], cadence_days=14, notice_days=0))
    m = get_matter(model, "m")
    assert m.outcome == "agreed"
    assert 0.4248 < m.x[0] < 0.4252
    assert not events_on(model, "m", Ev.STALEMATE)


def test_every_no_terms_stalemate_has_no_terms_at_all():
    """Whenever a stalemate says that no terms exist that every full member prefers, the exact
    search without any margin agrees."""
    checked = 0
    for seed in range(12):
        model = AllianceModel("mid-notts", seed=seed, collect=False).run()
        for e in model.log.of_kind(Ev.STALEMATE):
            if e.why is not StaleWhy.NO_TERMS:
                continue
            m = model.matters[e.matter]
            best = best_terms(m, list(e.voters), model.arrays, e.bfs, 0.0, limit=m.limit)
            assert not best.exists, (seed, m.id)
            checked += 1
    assert checked


# -- 5. votes cast on a home body's answer say what that answer was -----------------------------


def test_a_rejection_is_never_reported_as_a_yes_as_mandated():
    seen = {"decided": 0, "mandate": 0}
    for seed in range(4):
        result = simulate("mid-notts", seed=seed, collect=False)
        model = result.model
        reasons = result.votes.reason.tolist()
        for v, reason in zip(model.log.votes, reasons, strict=True):
            if v.by != "home_body":
                continue
            answer = model.log.answer_before(v.matter, v.party, v.seq)
            assert answer is not None
            body = model.parties[v.party].home_body.name
            same = np.array_equal(answer.x, v.x) and answer.approved == (v.vote == "yes")
            if same:
                said = "approved" if answer.approved else "rejected"
                assert f"as {body} decided on" in reason and f"it {said} these terms" in reason
                seen["decided"] += 1
            else:
                said = "approved" if answer.approved else "rejected"
                assert f"within the mandate {body} gave on" in reason
                assert f"when it {said} the terms then before it" in reason
                seen["mandate"] += 1
            assert "as mandated" not in reason
    assert seen["decided"] and seen["mandate"]


def test_the_glossary_and_the_fidelity_table_define_each_measure_as_the_code_does():
    from pathlib import Path

    docs = Path(__file__).resolve().parents[1] / "docs"
    glossary = (docs / "GLOSSARY.md").read_text(encoding="utf-8")
    fidelity = (docs / "FIDELITY.md").read_text(encoding="utf-8")
    for name, sentence in measures.DEFINITIONS.items():
        assert f"- {sentence}" in glossary, name
        assert f"- {sentence}" in fidelity, name


# -- 6. one share of losses (issue 23) ----------------------------------------------------------


def test_sensitivity_and_search_pool_the_share_of_losses_the_same_way():
    """Two runs: in the first the council loses £3m and TEAM £1m, in the second nobody loses.
    The council bore 3/4 of the losses; a mean of per-run shares would say 3/8."""
    from collections import defaultdict

    import pandas as pd

    from alliance_sim.exploration.outcomes import outcomes
    from alliance_sim.exploration.points import POINT_COLUMNS, _reduce_run
    from alliance_sim.search import objectives as obj

    parties = ("council", "team", "ccg")
    nets = [{"council": -3.0, "team": -1.0, "ccg": 2.0}, {"council": 0.5, "team": 0.0, "ccg": 1.0}]
    rows: dict[str, list] = defaultdict(list)
    for replication, net in enumerate(nets):
        records = {
            "runs": {"stalemate_rate": [0.1], "terminated": [False], "reconfigured": [False]},
            "ledger": {"party": list(net), "net_m": list(net.values())},
        }
        _reduce_run(records, parties, rows)
        for key, value in zip(POINT_COLUMNS, (0, 0, 0, 0, replication, replication), strict=True):
            rows[key].append(value)
    sensitivity = outcomes(pd.DataFrame(rows), [{}], 0.95).values
    m = obj.RunMeasures(
        replication=np.arange(2), settled=np.ones(2), stalemate=np.zeros(2), decided=np.ones(2),
        days_sum=np.ones(2), alive=np.ones(2), parties=list(parties),
        net=np.array([[n[p] for p in parties] for n in nets]),
    )  # fmt: skip
    facts = obj.DesignFacts(members=parties, full=parties, cost_m={})
    for p, share in (("council", 0.75), ("team", 0.25), ("ccg", 0.0)):
        assert sensitivity[f"loss_share.{p}"].iloc[0] == pytest.approx(share)
        assert obj.point([f"loss_share:{p}"], m, facts)[0] == pytest.approx(share)
    assert "loss_share" in measures.DEFINITIONS
