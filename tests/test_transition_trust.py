"""Issue 3: the transition deadline and its escalation (001 §40-43), termination, the trust network
(004 p.15) and the alliance-level time series.

The alliances are written out by hand: three full members a, b, c; the board meets every 28 days
from day 0 with no notice, every representative has ample authority, and the transition deadline
is day 200. One hand-written matter ``T`` (proposed on day 0, no negotiable terms) is the
transition matter; c loses £1m a year by it and blocks it on day 0, so it ends in stalemate at once
(with no terms there is nothing to amend). The first meeting on or after the deadline is day 224:
the board then votes on allowing more time (an escalation matter valued by each member's net
position from the alliance so far plus ``escalation.continuation_value_m`` of value to service
users). If that is refused, a reconfiguration in which the blockers (c) step back is tabled at once
and voted at the next meeting, day 252, by every full member; if that is refused too, the alliance
ends.

Hand-written matters cannot be marked as transition matters in a scenario (``MatterSpec`` has no
such field; only the generated stream sets ``Matter.transition``), so the tests mark ``T`` in the
built model before running it.
"""

from __future__ import annotations

import datetime as dt

import networkx as nx
import numpy as np
import pytest

from agents.voting import concession
from alliance_sim import AllianceModel, Scenario, SimulationResult, builtin_names, load_scenario
from alliance_sim.config import OBJECTIVES, MatterKind, Membership
from alliance_sim.records.events import Ev

START = dt.date(2020, 1, 1)
DAYS = 730
CADENCE = 28
DEADLINE = 200
FIRST_AFTER_DEADLINE = 224  # the first multiple of 28 on or after day 200
NEXT_MEETING = FIRST_AFTER_DEADLINE + CADENCE  # 252
EXTENSION_DAYS = 182  # escalation.extension_days default
SELFISH = {"best_for_service": 0.0, "weights": {"finance": 1.0, **dict.fromkeys(OBJECTIVES, 0.0)}}


def party(kind: str = "provider", **fields) -> dict:
    out = {"name": fields.pop("name", f"the {kind}"), "kind": kind}
    out["authority"] = {"threshold_m": 1000.0}
    out.update(fields)
    return out


def matter(id: str, day: int, proposer: str = "a", **fields) -> dict:
    out = {"id": id, "kind": "service_change", "proposer": proposer, "day": day}
    out["effects"] = {"outcomes": 1.0}
    out.update(fields)
    return out


TRANSITION = {
    "id": "T",
    "kind": "payment_model",
    "proposer": "a",
    "day": 0,
    "deadline_days": 180,
    "impacts": {"a": {"mean_m": 1.0}, "b": {"mean_m": 1.0}, "c": {"mean_m": -1.0}},
}


def scenario_dict(
    parties: dict,
    matters=(),
    *,
    continuation: float = 7.0,
    transition_end: int | None = DEADLINE,
    pooled_fraction: float = 0.0,
    trust: dict | None = None,
) -> dict:
    meta = {"name": "t", "start": START, "end": START + dt.timedelta(days=DAYS)}
    if transition_end is not None:
        meta["transition_end"] = START + dt.timedelta(days=transition_end)
    return {
        "scenario": meta,
        "board": {"cadence_days": CADENCE, "first_meeting_day": 0, "notice_days": 0},
        "parties": parties,
        "matters": list(matters),
        "stream": {"enabled": False},
        "risk": {
            "funding_shocks_per_year": 0.0,
            "outcome_noise": 0.0,
            "levels": [
                {"name": "only", "min_score": float("-inf"), "pooled_fraction": pooled_fraction}
            ],
        },
        "trust": {"rep_turnover_per_year": 0.0, **(trust or {})},
        "membership": {"council_response_to_refusal": "stay"},
        "escalation": {"continuation_value_m": continuation},
    }


def run(data: dict, transition_ids=("T",), seed: int = 0) -> SimulationResult:
    model = AllianceModel(Scenario.model_validate(data), seed=seed)
    marked = [m for m in model.matters if m.id in transition_ids]
    assert len(marked) == len(transition_ids)
    for m in marked:
        m.transition = True
    return SimulationResult(model.run())


def get(result: SimulationResult, matter_id: str):
    (m,) = [m for m in result.model.matters if m.id == matter_id]
    return m


def of_kind(result: SimulationResult, kind: MatterKind):
    return [m for m in result.model.matters if m.kind is kind]


def events(result: SimulationResult, kind: Ev):
    return [e for e in result.model.log.events if e.kind is kind]


def vote_days(result: SimulationResult, key: str) -> list[int]:
    idx = result.model.index[key]
    return sorted({v.day for v in result.model.log.votes if v.party == idx})


THREE = {"a": party(budget_m=50.0), "b": party(budget_m=30.0), "c": party(budget_m=20.0)}


# -- 6. the three outcomes of the escalation ---------------------------------------------------


class TestTransitionEscalation:
    def test_transition_matter_fails_first(self):
        result = run(scenario_dict(THREE, [TRANSITION]))
        t = get(result, "T")
        assert (t.outcome, t.decided_day) == ("stalemate", 0)
        assert [result.model.parties[i].key for i in t.blockers] == ["c"]

    def test_extended_when_members_value_continuing(self):
        result = run(scenario_dict(THREE, [TRANSITION], continuation=7.0))
        assert result.transition_outcomes[0] == (FIRST_AFTER_DEADLINE, "extended")
        assert {how for _, how in result.transition_outcomes} == {"extended"}
        (first, *_) = of_kind(result, MatterKind.TRANSITION_EXTENSION)
        assert (first.outcome, first.tabled_day, first.decided_day) == (
            "agreed",
            FIRST_AFTER_DEADLINE,
            FIRST_AFTER_DEADLINE,
        )
        assert not of_kind(result, MatterKind.RECONFIGURATION)
        extended = [e for e in events(result, Ev.TRANSITION) if e.outcome == "extended"]
        assert extended[0].day == FIRST_AFTER_DEADLINE
        assert extended[0].deadline == FIRST_AFTER_DEADLINE + EXTENSION_DAYS
        # the unagreed transition matter is tabled again, due by the new deadline
        again = get(result, "T/2")
        assert again.transition and again.generation == 1
        assert again.tabled_day == FIRST_AFTER_DEADLINE
        assert again.deadline_day <= FIRST_AFTER_DEADLINE + EXTENSION_DAYS
        summary = result.summary()
        assert summary["extended"] == len(result.transition_outcomes) >= 1
        assert summary["terminated"] == 0 and result.model.terminated_day is None
        assert all(p.membership is Membership.FULL for p in result.model.parties)

    def test_a_blocker_that_will_not_step_back_is_not_compelled(self):
        """c values only its own money: it refuses more time. Asked to step back so that a and b
        can go on, it would lose the associate's cost of taking part and gain nothing, so it
        refuses too; it is not outvoted (001 §41) and the alliance ends. The cases where a member
        steps back are in ``test_reconfiguration.py``."""
        parties = {**THREE, "c": party(budget_m=20.0, **SELFISH)}
        result = run(scenario_dict(parties, [TRANSITION], continuation=7.0))
        assert result.transition_outcomes == [(NEXT_MEETING, "terminated")]
        (ext,) = of_kind(result, MatterKind.TRANSITION_EXTENSION)
        assert (ext.outcome, ext.decided_day) == ("stalemate", FIRST_AFTER_DEADLINE)
        assert [result.model.parties[i].key for i in ext.blockers] == ["c"]
        (rec,) = of_kind(result, MatterKind.RECONFIGURATION)
        assert (rec.outcome, rec.tabled_day, rec.decided_day) == (
            "stalemate",
            FIRST_AFTER_DEADLINE,
            NEXT_MEETING,
        )
        c = result.model.index["c"]
        assert rec.reconfigure == (c,)
        # c votes on its own reconfiguration, and its no is the block
        assert [v.vote for v in result.model.log.votes if v.matter == rec.idx and v.party == c] == [
            "no"
        ]
        assert rec.blockers == (c,)
        assert not events(result, Ev.MEMBERSHIP)
        summary = result.summary()
        assert (summary["reconfigured"], summary["extended"], summary["terminated"]) == (0, 0, 1)

    def test_terminated_when_neither_is_agreed(self):
        """Continuing is worth nothing to anyone: no extension, no reconfiguration."""
        result = run(scenario_dict(THREE, [TRANSITION], continuation=0.0))
        assert result.transition_outcomes == [(NEXT_MEETING, "terminated")]
        (ext,) = of_kind(result, MatterKind.TRANSITION_EXTENSION)
        assert (ext.outcome, ext.decided_day) == ("stalemate", FIRST_AFTER_DEADLINE)
        (rec,) = of_kind(result, MatterKind.RECONFIGURATION)
        assert (rec.outcome, rec.decided_day) == ("stalemate", NEXT_MEETING)
        assert result.model.terminated_day == NEXT_MEETING
        (ended,) = events(result, Ev.TERMINATED)
        assert ended.day == NEXT_MEETING
        assert result.summary()["terminated"] == 1
        assert all(p.membership is Membership.FULL for p in result.model.parties)

    def test_terminated_at_once_when_every_member_blocked(self):
        """If every full member blocked the transition matter, there is nobody to reconfigure
        around: a refused extension ends the alliance at the same meeting."""
        everyone_loses = {**TRANSITION, "impacts": {k: {"mean_m": -1.0} for k in "abc"}}
        result = run(scenario_dict(THREE, [everyone_loses], continuation=0.0))
        assert not of_kind(result, MatterKind.RECONFIGURATION)
        assert result.transition_outcomes == [(FIRST_AFTER_DEADLINE, "terminated")]

    def test_complete_when_transition_agreed(self):
        agreed = {**TRANSITION, "impacts": {k: {"mean_m": 1.0} for k in "abc"}}
        result = run(scenario_dict(THREE, [agreed], continuation=0.0))
        assert get(result, "T").outcome == "agreed"
        assert result.transition_outcomes == []
        (done,) = events(result, Ev.TRANSITION)
        assert (done.day, done.outcome) == (FIRST_AFTER_DEADLINE, "complete")
        assert not of_kind(result, MatterKind.TRANSITION_EXTENSION)
        assert result.summary()["terminated"] == 0


# -- 4. a terminated alliance decides nothing more ---------------------------------------------


HOME_FAR_AWAY = {"cadence_days": 365, "first_meeting_day": 600, "notice_days": 0}


class TestTerminatedAllianceDecidesNothing:
    """As ``test_terminated_when_neither_is_agreed``, with business around the end:

    - ``ref`` (day 100, tabled 112) exceeds a's authority and waits for a's home body, which first
      meets on day 600: it is still open when the alliance ends on day 252;
    - ``before`` (day 140) is agreed on day 140, before the end;
    - ``after`` (day 400) would come to the board long after the end.
    """

    def run(self, extra=()) -> SimulationResult:
        parties = {**THREE, "a": party(budget_m=50.0, home_body=HOME_FAR_AWAY)}
        parties["a"]["authority"] = {"threshold_m": 1.0}
        matters = [
            TRANSITION,
            matter("ref", 100, magnitude_m=5.0, deadline_days=600),
            matter("before", 140),
            matter("after", 400),
            *extra,
        ]
        result = run(scenario_dict(parties, matters, continuation=0.0))
        assert result.model.terminated_day == NEXT_MEETING
        return result

    def test_summary_and_outcomes(self):
        result = self.run()
        assert result.summary()["terminated"] == 1
        assert result.transition_outcomes == [(NEXT_MEETING, "terminated")]
        assert (get(result, "before").outcome, get(result, "before").decided_day) == ("agreed", 140)
        ref = get(result, "ref")
        assert (ref.outcome, ref.decided_day) == ("withdrawn", NEXT_MEETING)
        assert not ref.pending
        assert get(result, "after").tabled_day == -1
        assert result.model.board.open == []

    def test_no_decisions_meetings_or_votes_after_the_end(self):
        result = self.run()
        end = result.model.terminated_day
        decided = result.decisions
        late = decided[(decided.decided_day > end) & (decided.outcome != "withdrawn")]
        assert late.empty
        assert max(e.day for e in events(result, Ev.MEETING)) == end
        assert max(v.day for v in result.model.log.votes) <= end
        assert result.timeseries.day.max() == end
        assert result.ledger.end_day.max() == end
        assert not result.model.running

    def test_nothing_decided_after_the_termination_event(self):
        """In the order things happened: after the alliance ends, business is only withdrawn."""
        result = self.run()
        log = result.model.log
        cut = next(i for i, e in enumerate(log.events) if e.kind is Ev.TERMINATED)
        after = {e.kind for e in log.events[cut + 1 :]}
        assert after <= {Ev.WITHDRAWN, Ev.SETTLED}
        assert not [v for v in log.votes if v.seq > cut]

    def test_business_tabled_at_the_final_meeting_is_withdrawn_not_decided(self):
        """A matter tabled at the meeting that ends the alliance (after the reconfiguration on the
        agenda) must stay withdrawn: it may not be voted on and agreed once the alliance is over."""
        result = self.run(extra=[matter("late", 240)])
        late = get(result, "late")
        assert late.tabled_day == NEXT_MEETING
        assert late.outcome == "withdrawn"
        log = result.model.log
        cut = next(i for i, e in enumerate(log.events) if e.kind is Ev.TERMINATED)
        assert {e.kind for e in log.events[cut + 1 :]} <= {Ev.WITHDRAWN, Ev.SETTLED}
        assert not [v for v in log.votes if v.seq > cut]
        # each matter is counted once, under its final outcome
        summary = result.summary()
        assert result.model.board.outcomes == {k: summary[k] for k in result.model.board.outcomes}


# -- 8. trust ----------------------------------------------------------------------------------


TRUST_PARTIES = {
    "a": party(budget_m=50.0),
    "b": party(budget_m=30.0),
    "c": party(budget_m=20.0),
    "d": party(membership="associate", budget_m=10.0),
}


class TestTrust:
    """Nothing pooled and no direct effects on anyone: every member's period net is just
    its own cost of taking part, so nobody gains while another loses and only votes move trust."""

    def test_agreement_raises_trust_among_voters(self):
        data = scenario_dict(
            TRUST_PARTIES,
            [matter("m", 0)],
            transition_end=None,
            trust={"initial": 0.5, "agree_gain": 0.02},
        )
        result = run(data, transition_ids=())
        assert get(result, "m").outcome == "agreed"
        T = result.model.trust.T
        full = [0, 1, 2]
        for i in full:
            for j in full:
                if i != j:
                    assert T[i, j] == pytest.approx(0.5 + 0.02 * (1 - 0.5))
            assert T[i, 3] == pytest.approx(0.5)  # the associate did not vote
        ts = result.timeseries
        assert ts.mean_trust.iloc[-1] > 0.5
        assert result.model.trust.mean(np.array(full)) == pytest.approx(0.51)

    def test_each_agreement_raises_trust_further(self):
        data = scenario_dict(
            TRUST_PARTIES,
            [matter(f"m{d}", d) for d in (0, 28, 56)],
            transition_end=None,
        )
        result = run(data, transition_ids=())
        trust = result.timeseries.mean_trust.tolist()
        assert trust[0] < trust[1] < trust[2]
        assert trust[3:] == [trust[2]] * len(trust[3:])

    def test_block_lowers_trust_between_blockers_and_supporters(self):
        blocked = matter("m", 0, effects={}, impacts={"a": {"mean_m": 1.0}, "b": {"mean_m": 1.0}})
        parties = {**TRUST_PARTIES, "c": party(budget_m=20.0, **SELFISH)}
        blocked["impacts"]["c"] = {"mean_m": -0.5}
        data = scenario_dict(
            parties, [blocked], transition_end=None, trust={"initial": 0.5, "block_loss": 0.03}
        )
        result = run(data, transition_ids=())
        m = get(result, "m")
        assert m.outcome == "stalemate"
        assert [result.model.parties[i].key for i in m.blockers] == ["c"]
        T = result.model.trust.T
        a, b, c, d = 0, 1, 2, 3
        assert T[a, c] == T[c, a] == pytest.approx(0.5 * (1 - 0.03))
        assert T[b, c] == T[c, b] == pytest.approx(0.5 * (1 - 0.03))
        assert T[a, b] == pytest.approx(0.5)  # supporters among themselves: unchanged
        assert T[c, d] == pytest.approx(0.5)  # the associate neither blocked nor supported
        assert result.timeseries.mean_trust.iloc[0] < 0.5

    def test_relationships_seed_the_network(self):
        data = scenario_dict(
            TRUST_PARTIES,
            transition_end=None,
            trust={"initial": 0.4, "relationships": [{"a": "a", "b": "c", "trust": 0.9}]},
        )
        result = run(data, transition_ids=())
        g = result.network
        assert g["a"]["c"]["trust"] == pytest.approx(0.9)
        assert g["a"]["b"]["trust"] == pytest.approx(0.4)

    def test_trust_sets_how_far_the_board_concedes(self):
        model = AllianceModel(
            Scenario.model_validate(
                scenario_dict(
                    TRUST_PARTIES,
                    transition_end=None,
                    trust={
                        "initial": 0.2,
                        "min_concession": 0.5,
                        "relationships": [{"a": "a", "b": "c", "trust": 0.8}],
                    },
                )
            ),
            seed=0,
        )
        T = model.trust.T
        assert concession(T, [2], [1], 0.5) == pytest.approx(0.5 + 0.5 * 0.2)
        assert concession(T, [2], [0], 0.5) == pytest.approx(0.5 + 0.5 * 0.8)
        assert concession(T, [2], [0, 1], 0.5) == pytest.approx(0.5 + 0.5 * 0.5)

    def test_new_representative_resets_part_of_the_trust(self):
        model = AllianceModel(
            Scenario.model_validate(
                scenario_dict(
                    TRUST_PARTIES, transition_end=None, trust={"initial": 0.5, "reset_share": 0.5}
                )
            ),
            seed=0,
        )
        trust = model.trust
        trust.agreed(np.array([0, 1, 2, 3]))  # everyone: 0.5 -> 0.51
        trust.new_representative(2)
        assert trust.T[2, 0] == trust.T[0, 2] == pytest.approx(0.51 - 0.5 * (0.51 - 0.5))
        assert trust.T[0, 1] == pytest.approx(0.51)
        assert trust.T[2, 2] == 1.0


class TestNetwork:
    def result(self) -> SimulationResult:
        data = scenario_dict(
            {**TRUST_PARTIES, "e": party("council", membership="none", budget_m=5.0)},
            [matter("m", 0)],
            transition_end=None,
        )
        return run(data, transition_ids=())

    def test_graph_with_trust_on_every_pair(self):
        result = self.result()
        g = result.network
        assert isinstance(g, nx.Graph) and not g.is_directed()
        keys = [p.key for p in result.model.parties]
        assert sorted(g.nodes) == sorted(keys)
        n = len(keys)
        assert g.number_of_edges() == n * (n - 1) // 2
        T = result.model.trust.T
        for i, a in enumerate(keys):
            for j, b in enumerate(keys):
                if i < j:
                    trust = g.edges[a, b]["trust"]
                    assert 0.0 <= trust <= 1.0
                    assert trust == pytest.approx((T[i, j] + T[j, i]) / 2, abs=1e-4)
        for p in result.model.parties:
            node = g.nodes[p.key]
            assert node["kind"] == p.kind
            assert node["budget_m"] == p.budget_m
            assert node["membership"] == p.membership.value
        assert g.nodes["d"]["membership"] == "associate"
        assert g.nodes["e"]["membership"] == "none"
        assert g.nodes["e"]["kind"] == "council"

    def test_graphml_round_trip(self, tmp_path):
        g = self.result().network
        path = tmp_path / "network.graphml"
        nx.write_graphml(g, path)
        back = nx.read_graphml(path)
        assert sorted(back.nodes) == sorted(g.nodes)
        assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in g.edges}
        for a, b, data in g.edges(data=True):
            assert back.edges[a, b]["trust"] == pytest.approx(data["trust"])
        for node, data in g.nodes(data=True):
            for attr in ("kind", "membership"):
                assert back.nodes[node][attr] == str(data[attr])
            assert back.nodes[node]["budget_m"] == pytest.approx(data["budget_m"])

    def test_builtin_network_exports(self, tmp_path):
        g = SimulationResult(AllianceModel(load_scenario("mid-notts"), seed=1).run()).network
        nx.write_graphml(g, tmp_path / "mid-notts.graphml")
        back = nx.read_graphml(tmp_path / "mid-notts.graphml")
        assert back.number_of_edges() == g.number_of_edges()


# -- 9. the alliance-level time series ---------------------------------------------------------


COLUMNS = (
    "open_matters",
    "agreed",
    "stalemated",
    "mean_trust",
    "alliance_surplus_m",
    "full_members",
)


@pytest.fixture(scope="module")
def builtin_results() -> dict[str, SimulationResult]:
    return {
        name: SimulationResult(AllianceModel(load_scenario(name), seed=2).run())
        for name in builtin_names()
    }


@pytest.mark.parametrize("name", builtin_names())
def test_timeseries_columns(builtin_results, name):
    result = builtin_results[name]
    ts = result.timeseries
    keys = [p.key for p in result.model.parties]
    for column in (*COLUMNS, *(f"net_m:{k}" for k in keys), *(f"membership:{k}" for k in keys)):
        assert column in ts.columns, column
    assert len(ts) == result.model.steps
    assert ts.agreed.is_monotonic_increasing and ts.stalemated.is_monotonic_increasing
    nets = ts[[f"net_m:{k}" for k in keys]]
    np.testing.assert_allclose(ts.alliance_surplus_m, nets.sum(axis=1), atol=1e-9)
    members = (ts[[f"membership:{k}" for k in keys]] == "full").sum(axis=1)
    assert (ts.full_members == members).all()


@pytest.mark.parametrize("name", builtin_names())
def test_timeseries_net_positions_follow_the_ledger(builtin_results, name):
    """Each row holds the net positions of the periods settled by that meeting; the last row is
    the end of the run, so it holds each party's whole net position in the ledger."""
    result = builtin_results[name]
    ts = result.timeseries
    ledger = result.ledger
    keys = [p.key for p in result.model.parties]
    for _, row in ts.iloc[:-1].iterrows():
        settled = ledger[ledger.end_day <= row.day].groupby("party").net_m.sum()
        for k in keys:
            assert row[f"net_m:{k}"] == pytest.approx(settled.get(k, 0.0), abs=1e-9)
    totals = ledger.groupby("party").net_m.sum()
    last = ts.iloc[-1]
    for k in keys:
        assert last[f"net_m:{k}"] == pytest.approx(totals[k], abs=1e-9), k


def test_timeseries_counts_by_hand():
    """Three matters agreed at the first three meetings; one blocked at the fourth."""
    parties = {**THREE, "c": party(budget_m=20.0, **SELFISH)}
    matters = [matter(f"m{d}", d, impacts={"c": {"mean_m": 0.1}}) for d in (0, 28, 56)] + [
        matter("no", 84, impacts={"c": {"mean_m": -0.1}})
    ]
    result = run(scenario_dict(parties, matters, transition_end=None), transition_ids=())
    ts = result.timeseries
    assert ts.agreed.tolist()[:5] == [1, 2, 3, 3, 3]
    assert ts.stalemated.tolist()[:5] == [0, 0, 0, 1, 1]
    assert (ts.open_matters == 0).all()
    assert (ts.full_members == 3).all()
