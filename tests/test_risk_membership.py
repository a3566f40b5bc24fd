"""Issue 3: who carries the risk, and how membership changes move it (000 §2.2d; 001 §33-35, 39, 42).

Small alliances are written out by hand with the generated stream off, no random policy shocks, no
change of representatives and no outcome noise, so every figure in the ledger can be worked out from
the rules:

- the board meets every 28 days from day 0 and tables business at the first meeting on or after it
  is proposed (notice 0); every representative has ample delegated authority (no referrals);
- a period is 91 days, so periods end on days 91, 182, 273, ... and the last one at the horizon;
- a single KPI level ``min_score = -inf`` pooling all of the realised net makes every period land
  on it, so once a scheme is agreed each full member pays its whole direct effect into the pool;
- the pool is split among full members only, by the agreed risk/reward scheme's shares; before a
  scheme is agreed nothing is pooled unless a test asks for the ``risk.default_split``
  counterfactual (budget or equal split from day 1); associates and non-members keep their direct
  effects and take no share; everyone's net is direct + shock + share - paid in - cost of taking
  part (``share_m`` is share - paid in).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_sim import AllianceModel, Scenario, SimulationResult, builtin_names, load_scenario
from alliance_sim.business.risk import split_pence
from alliance_sim.config import OBJECTIVES, Membership
from alliance_sim.records.events import Ev

START = dt.date(2020, 1, 1)
DAYS = 730
CADENCE = 28
PERIOD = 91
PENCE_PER_M = 100_000_000
#: A party that weighs nothing but its own money (and nothing of the system's).
SELFISH = {"best_for_service": 0.0, "weights": {"finance": 1.0, **dict.fromkeys(OBJECTIVES, 0.0)}}


# -- building and reading small alliances ------------------------------------------------------


def party(kind: str = "provider", **fields) -> dict:
    out = {"name": fields.pop("name", f"the {kind}"), "kind": kind}
    out["authority"] = {"threshold_m": 1000.0}  # never refers
    out.update(fields)
    return out


def matter(id: str, proposer: str, day: int = 0, **fields) -> dict:
    """A matter every party with default weights wants (a £1m-equivalent gain in outcomes)."""
    out = {"id": id, "kind": "service_change", "proposer": proposer, "day": day}
    out["effects"] = {"outcomes": 1.0}
    out.update(fields)
    return out


def scenario(
    parties: dict,
    matters=(),
    *,
    pooled_fraction: float = 1.0,
    days: int = DAYS,
    risk: dict | None = None,
    membership: dict | None = None,
) -> Scenario:
    return Scenario.model_validate(
        {
            "scenario": {"name": "t", "start": START, "end": START + dt.timedelta(days=days)},
            "board": {"cadence_days": CADENCE, "first_meeting_day": 0, "notice_days": 0},
            "parties": parties,
            "matters": list(matters),
            "stream": {"enabled": False},
            "risk": {
                "period_days": PERIOD,
                "funding_shocks_per_year": 0.0,
                "outcome_noise": 0.0,
                "levels": [
                    {"name": "only", "min_score": float("-inf"), "pooled_fraction": pooled_fraction}
                ],
                **(risk or {}),
            },
            "trust": {"rep_turnover_per_year": 0.0},
            "membership": {"council_response_to_refusal": "stay", **(membership or {})},
        }
    )


def simulate(s: Scenario, seed: int = 0) -> SimulationResult:
    return SimulationResult(AllianceModel(s, seed=seed).run())


def meeting_on_or_after(day: int) -> int:
    """The board meets on multiples of ``CADENCE`` from day 0."""
    return -(-day // CADENCE) * CADENCE


def period_ends(days: int = DAYS) -> list[int]:
    return [*range(PERIOD, days, PERIOD), days]


def expected_pool(net_m_a_year: float, start: int, end: int) -> float:
    """Pence in one period's pool: the full members' realised net, pro rata."""
    return net_m_a_year * (end - start) / 365 * PENCE_PER_M


def effects_matter(impacts: dict[str, float], id: str = "m", proposer: str = "a") -> dict:
    """A matter adopted on day 0 with these direct effects (£m a year), wanted for its outcomes."""
    return matter(id, proposer, 0, impacts={k: {"mean_m": v} for k, v in impacts.items()})


#: Realised net of the full members a, b, c: a gain or a loss of £0.4m a year.
IMPACTS = {"gain": {"a": 0.6, "b": -0.3, "c": 0.1}, "pain": {"a": -0.6, "b": 0.3, "c": -0.1}}


def rows_of(result: SimulationResult, key: str):
    ledger = result.ledger
    return ledger[ledger.party == key].set_index("period")


def events(result: SimulationResult, kind: Ev, party: str | None = None):
    model = result.model
    idx = None if party is None else model.index[party]
    return [e for e in model.log.events if e.kind is kind and (idx is None or e.party == idx)]


def vote_days(result: SimulationResult, key: str) -> list[int]:
    idx = result.model.index[key]
    return sorted({v.day for v in result.model.log.votes if v.party == idx})


def outcome(result: SimulationResult, matter_id: str):
    (m,) = [m for m in result.model.matters if m.id == matter_id]
    return m


THREE = {
    "a": party(budget_m=50.0),
    "b": party(budget_m=30.0),
    "c": party(budget_m=20.0),
}
BUDGET_SPLIT = {"a": 0.5, "b": 0.3, "c": 0.2}
EQUAL_SPLIT = {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}


def scheme(day: int, shares: dict[str, float], **fields) -> dict:
    """A risk/reward scheme everyone agrees to as proposed."""
    spec = matter("rr", "a", day, kind="risk_reward")
    spec["pool_shares"] = {k: {"base": v} for k, v in shares.items()}
    spec.update(fields)
    return spec


def assert_split(result: SimulationResult, periods: list[int], shares: dict[str, float]) -> None:
    """Each listed period's pool is split by ``shares``, within one penny each."""
    ledger = result.ledger
    for period in periods:
        rows = ledger[ledger.period == period].set_index("party")
        pool = int(rows.pool_pence.iloc[0])
        assert pool != 0
        for key, share in shares.items():
            assert abs(int(rows.share_pence[key]) - share * pool) <= 1, (period, key)


# -- 1. a full member's share follows its agreed share -----------------------------------------


class TestAgreedSharesOfThePool:
    @pytest.mark.parametrize("sign", ["pain", "gain"])
    @pytest.mark.parametrize(
        ("default_split", "before"),
        [("none", None), ("budget", BUDGET_SPLIT), ("equal", EQUAL_SPLIT)],
    )
    def test_no_pool_before_the_scheme_then_agreed_shares(self, sign, default_split, before):
        agreed = {"a": 0.2, "b": 0.3, "c": 0.5}  # unlike either counterfactual
        s = scenario(
            THREE,
            [effects_matter(IMPACTS[sign]), scheme(100, agreed)],
            risk={"default_split": default_split},
        )
        result = simulate(s)
        rr = outcome(result, "rr")
        agreed_day = meeting_on_or_after(100)  # day 112
        assert (rr.outcome, rr.decided_day) == ("agreed", agreed_day)
        assert outcome(result, "m").outcome == "agreed"

        ledger = result.ledger
        ends = period_ends()
        assert sorted(ledger.end_day.unique()) == ends
        net_a_year = sum(IMPACTS[sign].values())
        before_agreement = [p for p, end in enumerate(ends) if end <= agreed_day]
        after_agreement = [p for p, end in enumerate(ends) if end > agreed_day]
        assert before_agreement == [0]
        for period, end in enumerate(ends):
            rows = ledger[ledger.period == period]
            start = 0 if period == 0 else ends[period - 1]
            pool = int(rows.pool_pence.iloc[0])
            if period in before_agreement and before is None:
                # 001 §33: no scheme yet, so each keeps its own direct effects
                assert pool == 0 and (rows.share_pence == 0).all()
                assert (rows.paid_in_pence == 0).all()
                np.testing.assert_allclose(
                    rows.net_m, rows.direct_m - rows.participation_cost_m, atol=1e-12
                )
            else:
                # the pool is what the full members actually realised, to the penny each
                assert abs(pool - expected_pool(net_a_year, start, end)) <= 3
                assert np.sign(pool) == (1 if sign == "gain" else -1)
        if before is not None:
            assert_split(result, before_agreement, before)
        assert_split(result, after_agreement, agreed)

    def test_shares_set_by_a_negotiated_term(self):
        """Shares = base + per_term . terms, at the terms agreed (here as proposed, x = 0.4)."""
        spec = scheme(0, {"a": 0.6, "b": 0.0, "c": 0.4})
        spec["terms"] = [{"name": "x", "low": 0.0, "high": 1.0, "status_quo": 0.0, "proposed": 0.4}]
        spec["pool_shares"]["a"]["per_term"] = {"x": -1.0}
        spec["pool_shares"]["b"]["per_term"] = {"x": 1.0}
        result = simulate(scenario(THREE, [effects_matter(IMPACTS["gain"]), spec]))
        rr = outcome(result, "rr")
        assert rr.outcome == "agreed" and rr.decided_day == 0
        np.testing.assert_allclose(rr.x, [0.4])
        periods = sorted(result.ledger.period.unique())
        assert_split(result, periods, {"a": 0.2, "b": 0.4, "c": 0.4})

    def test_pain_pool_is_borne_and_gain_pool_received(self):
        """Every full member's share has the pool's sign (nobody profits from a pain pool)."""
        for sign, expected in (("pain", -1), ("gain", 1)):
            matters = [effects_matter(IMPACTS[sign]), scheme(0, {"a": 1.0, "b": 1.0, "c": 2.0})]
            ledger = simulate(scenario(THREE, matters)).ledger
            assert (np.sign(ledger.share_pence) == expected).all()


# -- 2. associates and non-members take no share but keep their direct effects ----------------


class TestAssociatesTakeNoShare:
    PARTIES = {
        "a": party(budget_m=50.0),
        "b": party(budget_m=50.0),
        "c": party(membership="associate", budget_m=500.0),
        "d": party(membership="none", budget_m=500.0),
    }
    IMPACTS = {"a": 0.2, "b": 0.2, "c": 1.0, "d": -0.5}  # £m a year once adopted

    @pytest.mark.parametrize("sign", [-1.0, 1.0], ids=["pain", "gain"])
    def test_zero_share_direct_effects_kept(self, sign):
        impacts = {k: v * (sign if k in "ab" else 1.0) for k, v in self.IMPACTS.items()}
        # wanted for its £1m of outcomes, so a and b agree to it even at a loss
        shift = matter("m", "a", 0, impacts={k: {"mean_m": v} for k, v in impacts.items()})
        # the scheme even names the associate; it still takes nothing (001 §35)
        rr = scheme(0, {"a": 0.25, "b": 0.25, "c": 0.5})
        result = simulate(scenario(self.PARTIES, [shift, rr]))
        assert outcome(result, "m").outcome == "agreed" and outcome(result, "m").decided_day == 0
        assert outcome(result, "rr").outcome == "agreed"

        ledger = result.ledger
        assert len(ledger) == len(period_ends()) * 4
        for row in ledger.itertuples():
            years = (row.end_day - row.start_day) / 365
            # adopted on day 0, no noise: the full expected effect, pro rata
            assert row.direct_m == pytest.approx(impacts[row.party] * years, abs=1e-12)
            full_cost = 0.05 * years  # risk.participation_cost_m default
            if row.party in ("c", "d"):
                assert row.share_pence == 0
                assert row.share_m == 0.0
                assert row.membership == {"c": "associate", "d": "none"}[row.party]
                cost = 0.4 * full_cost if row.party == "c" else 0.0
                assert row.participation_cost_m == pytest.approx(cost)
                assert row.net_m == pytest.approx(row.direct_m - cost)
            else:
                # only the full members' realised net is pooled; a and b split it equally
                pool = expected_pool(0.4 * sign, row.start_day, row.end_day)
                assert abs(row.pool_pence - pool) <= 2
                assert abs(row.share_pence - pool / 2) <= 2
                assert abs(row.paid_in_pence - pool / 2) <= 1
                assert row.participation_cost_m == pytest.approx(full_cost)
        for _, rows in ledger.groupby("period"):
            assert int(rows.share_pence.sum()) == int(rows.pool_pence.iloc[0])


# -- 3. after a member becomes associate it neither votes nor shares ---------------------------


MONTHLY = [
    matter(f"s{day}", "ccg", day, impacts={"acute": {"mean_m": 0.1}}) for day in range(0, 400, 28)
]


class TestCouncilBecomesAssociateAfterRefusal:
    """The council's social-care provider is refused full membership: the council becomes an
    associate on one month's notice (001 §39), and from then on neither votes nor shares."""

    PARTIES = {
        "ccg": party("commissioner", budget_m=100.0),
        "acute": party(sector="acute", budget_m=60.0, **SELFISH),
        "council": party("council", budget_m=40.0),
        "scp": party(sector="social_care", membership="none", budget_m=10.0),
    }

    def run(self) -> SimulationResult:
        admission = {
            "id": "adm",
            "kind": "admission",
            "proposer": "council",
            "subject": "scp",
            "day": 200,
            # the acute trust loses £1m a year; everyone else sees £2m of outcomes
            "impacts": {"acute": {"mean_m": -1.0}},
            "effects": {"outcomes": 2.0},
        }
        s = scenario(
            self.PARTIES,
            [admission, *MONTHLY],
            membership={"council_response_to_refusal": "associate", "council_notice_days": 30},
            risk={"default_split": "budget"},  # counterfactual: pooled from day 1, no scheme
        )
        return simulate(s)

    def test_refusal_notice_and_change(self):
        result = self.run()
        refused = meeting_on_or_after(200)  # 224
        adm = outcome(result, "adm")
        assert (adm.outcome, adm.decided_day) == ("stalemate", refused)
        assert [result.model.parties[i].key for i in adm.blockers] == ["acute"]
        (notice,) = events(result, Ev.NOTICE, "council")
        assert notice.day == refused
        assert (notice.new, notice.effective_day) == ("associate", refused + 30)
        (change,) = events(result, Ev.MEMBERSHIP, "council")
        assert change.day == refused + 30
        assert (change.old, change.new) == ("full", "associate")
        assert (
            result.model.parties[result.model.index["council"]].membership is Membership.ASSOCIATE
        )
        assert result.model.parties[result.model.index["scp"]].membership is Membership.NONE

    def test_no_votes_and_no_share_after_the_change(self):
        result = self.run()
        effective = meeting_on_or_after(200) + 30  # 254
        days = vote_days(result, "council")
        # it still votes at every meeting with business before the change (incl. day 252) ...
        assert days == [d for d in range(0, 400, 28) if d < effective]
        # ... and the others go on voting after it
        assert max(vote_days(result, "ccg")) > effective
        rows = rows_of(result, "council")
        for period, row in rows.iterrows():
            if row.end_day <= effective:
                assert row.membership == "full" and row.share_pence != 0, period
            else:
                assert row.membership == "associate" and row.share_pence == 0, period
        assert (rows.end_day > effective).any() and (rows.end_day <= effective).any()


@pytest.mark.parametrize("new", [Membership.ASSOCIATE, Membership.NONE])
def test_membership_change_in_a_stepped_model(new):
    """Changing membership between meetings: no votes at later meetings, no share of later pools."""
    s = scenario(
        {"ccg": party("commissioner", budget_m=50.0), **THREE},
        [
            matter(f"s{day}", "ccg", day, impacts={"a": {"mean_m": 0.1}})
            for day in range(0, 400, 28)
        ],
        risk={"default_split": "budget"},  # counterfactual: pooled from day 1, no scheme
    )
    model = AllianceModel(s, seed=3)
    c = model.index["c"]
    while model.running and model.day < 112:
        model.step()
    assert model.day == 112
    model.membership.change(112, c, new, "test")
    assert c not in model.voter_list
    assert (c in model.attendees.tolist()) is (new is Membership.ASSOCIATE)
    result = SimulationResult(model.run())
    days = vote_days(result, "c")
    assert days == [0, 28, 56, 84, 112]
    rows = rows_of(result, "c")
    assert rows.loc[0, "share_pence"] != 0  # settled on day 91, a full member then
    later = rows[rows.end_day > 112]
    assert len(later) == len(period_ends()) - 1
    assert (later.share_pence == 0).all()
    assert (later.membership == str(new)).all()


# -- 5. withdrawal after a policy shock takes effect after its notice --------------------------


class TestWithdrawalOnNotice:
    """A member hit by a policy shock whose net position is already below
    ``-withdraw_below_tolerances x risk_tolerance`` gives notice and leaves ``withdrawal_notice_days``
    later (001 §42); until then it is a full member and votes."""

    PARTIES = {
        "a": party(budget_m=50.0, risk_tolerance_m=1.0),
        "b": party(budget_m=30.0, risk_tolerance_m=1.0),
        "c": party(budget_m=20.0, risk_tolerance_m=0.02),
    }

    def run(self, notice_days: int) -> SimulationResult:
        matters = [matter(f"s{day}", "a", day) for day in range(0, 400, 28)]
        matters[0]["impacts"] = {"c": {"mean_m": -0.3}}  # c's own loss: no scheme, no pooling
        s = scenario(
            self.PARTIES,
            matters,
            membership={"withdrawal_notice_days": notice_days, "withdraw_below_tolerances": 2.0},
        )
        model = AllianceModel(s, seed=0)
        model.risk.shocks = [(100, model.index["c"], 0.5), (120, model.index["b"], 0.5)]
        return SimulationResult(model.run())

    @pytest.mark.parametrize("notice_days", [91, 30])
    def test_notice_then_change_exactly_notice_days_later(self, notice_days):
        result = self.run(notice_days)
        first = rows_of(result, "c").loc[0]
        # After period 0 (settled on day 91) c has borne its own £0.3m a year x 91/365 loss plus
        # its cost of taking part: about -£0.087m, below its limit of 2 x £0.02m.
        assert first.net_m < -2 * 0.02
        assert rows_of(result, "b").loc[0].net_m > -2 * 1.0
        assert [e.day for e in events(result, Ev.SHOCK)] == [100, 120]
        (notice,) = events(result, Ev.NOTICE)  # b's position is far above its limit: no notice
        assert notice.party == result.model.index["c"]
        assert notice.day == 100
        assert (notice.new, notice.effective_day) == ("none", 100 + notice_days)
        (change,) = events(result, Ev.MEMBERSHIP)
        assert change.party == result.model.index["c"]
        assert change.day == 100 + notice_days
        assert (change.old, change.new) == ("full", "none")

    @pytest.mark.parametrize("notice_days", [91, 30])
    def test_votes_until_it_takes_effect_and_not_after(self, notice_days):
        result = self.run(notice_days)
        effective = 100 + notice_days
        days = vote_days(result, "c")
        assert days == [d for d in range(0, 400, 28) if d < effective]
        assert any(100 < d < effective for d in days)  # still votes while under notice
        assert vote_days(result, "b") == list(range(0, 400, 28))
        ts = result.timeseries
        assert (ts.loc[ts.day < effective, "membership:c"] == "full").all()
        assert (ts.loc[ts.day >= effective, "membership:c"] == "none").all()

    def test_shock_in_the_ledger_and_no_share_after_leaving(self):
        result = self.run(91)
        rows = rows_of(result, "c")
        # period 1 runs from day 91 to 182; the £0.5m-a-year shock lands on day 100
        assert rows.loc[0, "shock_m"] == 0.0
        assert rows.loc[1, "shock_m"] == pytest.approx(-0.5 * (182 - 100) / 365)
        assert rows.loc[2, "shock_m"] == pytest.approx(-0.5 * (273 - 182) / 365)
        for _, row in rows.iterrows():
            assert row.share_pence == 0  # no scheme is agreed: nothing is pooled
            if row.end_day <= 191:
                assert row.membership == "full" and row.participation_cost_m > 0
            else:
                assert row.membership == "none" and row.share_pence == 0
                assert row.participation_cost_m == 0.0


# -- 7. ledgers add up -------------------------------------------------------------------------


BUILTINS = builtin_names()


@pytest.fixture(scope="module")
def builtin_runs() -> dict[tuple[str, int], SimulationResult]:
    return {
        (name, seed): simulate(load_scenario(name), seed) for name in BUILTINS for seed in (0, 1, 2)
    }


@pytest.mark.parametrize("name", BUILTINS)
class TestBuiltinLedgers:
    def test_pool_paid_out_equals_pool_raised(self, builtin_runs, name):
        for seed in (0, 1, 2):
            result = builtin_runs[name, seed]
            ledger = result.ledger
            n = len(result.model.parties)
            assert len(ledger) == n * ledger.period.nunique()
            for period, rows in ledger.groupby("period"):
                assert len(rows) == n
                assert rows.pool_pence.nunique() == 1
                pool = int(rows.pool_pence.iloc[0])
                assert int(rows.share_pence.sum()) == pool == int(rows.paid_in_pence.sum()), (
                    seed,
                    period,
                )
                assert (rows.share_pence[rows.membership != "full"] == 0).all()
                assert (rows.paid_in_pence[rows.membership != "full"] == 0).all()
                if rows.pool_pence.iloc[0] != 0:
                    signs = np.sign(rows.share_pence[rows.share_pence != 0])
                    assert (signs == np.sign(rows.pool_pence.iloc[0])).all()

    def test_net_is_the_sum_of_its_parts(self, builtin_runs, name):
        for seed in (0, 1, 2):
            ledger = builtin_runs[name, seed].ledger
            parts = (ledger.direct_m + ledger.shock_m + ledger.share_m
                     - ledger.participation_cost_m + ledger.hosting_m)  # fmt: skip
            np.testing.assert_allclose(ledger.net_m, parts, rtol=0, atol=1e-9)
            transfer = (ledger.share_pence - ledger.paid_in_pence) / PENCE_PER_M
            np.testing.assert_allclose(ledger.share_m, transfer, atol=1e-12)
            hosting = (ledger.host_cost_pence + ledger.host_recovery_pence) / PENCE_PER_M
            np.testing.assert_allclose(ledger.hosting_m, hosting, atol=1e-12)
            assert (ledger.shock_m <= 0).all()
            assert (ledger.participation_cost_m >= 0).all()

    def test_cumulative_positions_match_the_ledger(self, builtin_runs, name):
        for seed in (0, 1, 2):
            result = builtin_runs[name, seed]
            totals = result.ledger.groupby("party").net_m.sum()
            cumulative = result.model.risk.ledger.cumulative
            for p in result.model.parties:
                assert totals[p.key] == pytest.approx(cumulative[p.index], abs=1e-9)

    def test_downside_and_upside_shares_sum_to_one(self, builtin_runs, name):
        for seed in (0, 1, 2):
            result = builtin_runs[name, seed]
            risk, ledger = result.risk, result.ledger
            assert list(risk.party) == [p.key for p in result.model.parties]
            if (ledger.net_m < 0).any():
                assert risk.downside_share.sum() == pytest.approx(1.0)
                assert (risk.downside_share >= 0).all()
            if (ledger.net_m > 0).any():
                assert risk.upside_share.sum() == pytest.approx(1.0)
                assert (risk.upside_share >= 0).all()
            for key, rows in ledger.groupby("party"):
                row = risk.set_index("party").loc[key]
                assert row.expected_net_m == pytest.approx(rows.net_m.sum(), abs=1e-9)
                assert row.prob_loss == pytest.approx((rows.net_m < 0).mean())
                assert row.tail_loss_m <= rows.net_m.mean() + 1e-12


@pytest.mark.parametrize(
    "parties",
    [
        {"a": party(), "b": party()},  # full members with no budget given
        {"a": party(membership="associate", budget_m=10.0), "b": party(membership="none")},
    ],
    ids=["full-members-without-budgets", "no-full-members"],
)
def test_pool_adds_up_when_nobody_can_share_it(parties):
    """With no budget in scope (or nobody in scope) the pool paid out must still equal the pool
    raised: either no pool, or one split among the full members."""
    ledger = simulate(scenario(parties, days=200)).ledger
    for _, rows in ledger.groupby("period"):
        assert int(rows.share_pence.sum()) == int(rows.pool_pence.iloc[0])


@settings(max_examples=40, deadline=None)
@given(
    budgets=st.lists(st.integers(0, 300), min_size=2, max_size=6),
    memberships=st.lists(st.sampled_from(["full", "associate", "none"]), min_size=6, max_size=6),
    impacts=st.lists(st.sampled_from([-0.4, -0.1, 0.0, 0.05, 0.3]), min_size=6, max_size=6),
    fraction=st.sampled_from([0.0, 0.5, 1.0]),
    split=st.sampled_from(["none", "budget", "equal"]),
    shares=st.lists(st.integers(0, 10), min_size=6, max_size=6),
)
def test_ledger_adds_up_for_any_alliance(
    budgets, memberships, impacts, fraction, split, shares
):  # fmt: skip
    keys = [f"p{i}" for i in range(len(budgets))]
    memberships = memberships[: len(keys)]
    memberships[0] = "full"
    parties = {
        k: party(budget_m=float(b), membership=m)
        for k, b, m in zip(keys, budgets, memberships, strict=True)
    }
    shift = matter(
        "m", "p0", 0, impacts={k: {"mean_m": v} for k, v in zip(keys, impacts, strict=False)}
    )
    rr = scheme(150, {k: float(v) for k, v in zip(keys, shares, strict=False)}, proposer="p0")
    s = scenario(
        parties, [shift, rr], pooled_fraction=fraction, days=400, risk={"default_split": split}
    )
    ledger = simulate(s).ledger
    for _, rows in ledger.groupby("period"):
        pool = int(rows.pool_pence.iloc[0])
        assert int(rows.share_pence.sum()) == pool == int(rows.paid_in_pence.sum())
        assert (rows.share_pence[rows.membership != "full"] == 0).all()
        assert (rows.paid_in_pence[rows.membership != "full"] == 0).all()
        full = rows[rows.membership == "full"]
        # pooling only moves money among full members
        np.testing.assert_allclose(
            full.net_m.sum(), (full.direct_m - full.participation_cost_m).sum(), atol=1e-9
        )
        if pool:
            assert abs(pool - fraction * full.direct_m.sum() * PENCE_PER_M) <= len(full)


# -- split_pence -------------------------------------------------------------------------------


class TestSplitPence:
    def test_exact_even_split(self):
        assert split_pence(300, np.array([1.0, 1.0, 1.0])).tolist() == [100, 100, 100]

    def test_remainders_go_to_the_largest_fractions(self):
        # exact parts 50.5, 30.3, 19.2: floors 50, 30, 19 leave 1 penny for the largest fraction
        assert split_pence(100, np.array([0.505, 0.303, 0.192])).tolist() == [51, 30, 19]

    def test_ties_go_to_the_lower_index(self):
        assert split_pence(1, np.array([1.0, 1.0, 1.0])).tolist() == [1, 0, 0]
        assert split_pence(10, np.array([1.0, 1.0, 1.0])).tolist() == [4, 3, 3]
        assert split_pence(2, np.array([1.0, 1.0, 1.0])).tolist() == [1, 1, 0]

    def test_negative_total_mirrors_the_positive_one(self):
        assert split_pence(-10, np.array([1.0, 1.0, 1.0])).tolist() == [-4, -3, -3]
        assert split_pence(-7, np.array([3.0, 1.0])).tolist() == [-5, -2]

    def test_zero_weights_take_nothing(self):
        out = split_pence(1001, np.array([0.0, 2.0, 0.0, 1.0]))
        assert out.tolist() == [0, 667, 0, 334]

    def test_negative_weights_count_as_zero(self):
        assert split_pence(10, np.array([-1.0, 1.0])).tolist() == [0, 10]

    def test_nothing_to_split(self):
        assert split_pence(0, np.array([1.0, 2.0])).tolist() == [0, 0]
        assert split_pence(500, np.array([0.0, 0.0])).tolist() == [0, 0]
        assert split_pence(500, np.array([])).tolist() == []

    def test_whole_pence(self):
        out = split_pence(12345, np.array([0.1, 0.2, 0.7]))
        assert out.dtype.kind == "i"

    @settings(max_examples=300, deadline=None)
    @given(
        total=st.integers(-(10**12), 10**12),
        weights=st.lists(
            st.one_of(st.just(0.0), st.floats(1e-6, 1e6, allow_nan=False)), min_size=1, max_size=12
        ),
    )
    def test_exact_sum_and_proportional_within_a_penny(self, total, weights):
        w = np.array(weights)
        out = split_pence(total, w)
        assert out.dtype.kind == "i" and len(out) == len(w)
        if not (w > 0).any():
            assert (out == 0).all()
            return
        assert int(out.sum()) == total
        exact = total * w / w.sum()
        assert np.all(np.abs(out - exact) <= 1 + 1e-9 * abs(total))
        assert (out[w == 0] == 0).all()
        assert (np.sign(out[out != 0]) == np.sign(total)).all()
        assert np.array_equal(split_pence(-total, w), -out)


# -- 10. common random numbers -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["mid-notts", "walsall"])
@pytest.mark.parametrize(
    "overrides",
    [
        {"parties.council.membership": "associate"},
        {"parties.council.membership": "none"},
        {"board.rule": "best_for_service"},
        {"board.rule": "qualified_majority"},
    ],
    ids=["council-associate", "council-none", "best-for-service", "qualified-majority"],
)
def test_common_random_numbers_across_designs(name, overrides):
    """Changing only the council's membership or the decision rule leaves the luck unchanged."""
    base_scenario = load_scenario(name)
    for seed in (0, 7):
        base = AllianceModel(base_scenario, seed=seed)
        other = AllianceModel(load_scenario(name, overrides), seed=seed)
        assert base.risk.shocks == other.risk.shocks
        assert np.array_equal(base.risk.noise, other.risk.noise)
        assert np.array_equal(base.turnover, other.turnover)
        assert [m.arrival_day for m in base.matters] == [m.arrival_day for m in other.matters]
        shocks = list(base.risk.shocks)
        base.run(), other.run()
        assert base.risk.shocks == other.risk.shocks == shocks


def test_a_small_members_cost_of_taking_part_is_capped_by_its_size():
    # Row 37 (003: each party bears its own costs): £0.05m a year each, but no more than a tenth
    # of the party's budget in scope, so TEAM (budget £0.1m) pays £0.01m a year, the council
    # the full £0.05m. Checked on the ledger of a whole term, by hand from the period lengths.
    config = load_scenario("mid-notts")
    model = AllianceModel(config, seed=0, collect=False).run()
    team, council = model.index["team"], model.index["council"]
    for period in model.risk.ledger.periods:
        years = (period.end - period.start) / 365.0
        for party, rate in ((team, 0.1 * config.parties["team"].budget_m), (council, 0.05)):
            if period.membership[party] == "full":
                assert period.cost[party] == pytest.approx(rate * years), (period.number, party)
    assert config.parties["team"].budget_m * 0.1 < config.risk.participation_cost_m
