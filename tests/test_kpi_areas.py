"""Issue 11 §3: KPI levels for each key result area (004 p.7), combined into the share pooled.

A small alliance written out by hand (three full members with budgets £50m, £30m and £20m, no
noise, no shocks, no demand growth; see ``test_risk_membership``) adopts on day 0 a matter with
direct effects a +0.6, b -0.3, c +0.1 (£m a year; the pain case the opposite signs) and a scheme;
each is worth £1m a year in the "outcomes" objective. So every period, per year and as a share of
the £100m in scope, the money area scores ±0.4/100 = ±0.004, the outcomes area 2/100 = 0.02, and
an area of an objective nothing touches (prevention) 0.

Three levels: ``good`` pools gains, ``ok`` pools nothing, ``bad`` pools losses. With the thresholds
below the money area is ``bad`` (0.004 < 0.005), outcomes ``good`` (0.02 >= 0.01), and prevention
``ok``: its ``good`` threshold is below zero, but a gain level needs a score above zero (004 p.8).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_sim import load_scenario
from alliance_sim.calibration import quantile_thresholds
from alliance_sim.config import Risk
from alliance_sim.errors import InputError

from .test_risk_membership import (
    IMPACTS,
    PENCE_PER_M,
    THREE,
    effects_matter,
    scenario,
    scheme,
    simulate,
)

INF = float("-inf")
LEVELS = [
    {"name": "good", "pooled_fraction": 1.0, "pools": "gains"},
    {"name": "ok", "pooled_fraction": 0.0, "pools": "both"},
    {"name": "bad", "pooled_fraction": 1.0, "pools": "losses"},
]


def areas(weights=(1.0, 1.0, 1.0)) -> list[dict]:
    money, outcomes, prevention = weights
    return [
        {"name": "money", "finance": True, "min_scores": [0.01, 0.005, INF], "weight": money},
        {
            "name": "outcomes",
            "objectives": ["outcomes"],
            "min_scores": [0.005, -0.01, INF],
            "weight": outcomes,
        },
        {
            "name": "prevention",
            "objectives": ["prevention"],
            "min_scores": [-1.0, -2.0, INF],
            "weight": prevention,
        },
    ]


def run(case: str = "gain", combine: str = "average", weights=(1.0, 1.0, 1.0)):
    matters = [effects_matter(IMPACTS[case]), scheme(0, {"a": 1.0, "b": 1.0, "c": 1.0})]
    risk = {"levels": LEVELS, "result_areas": areas(weights), "combine": combine,
            "demand_growth": 0.0}  # fmt: skip
    return simulate(scenario(THREE, matters, risk=risk))


def expected_pool(case: str, fraction: float, start: int, end: int) -> int:
    """Pence paid in: each member pays the fraction of its realised effect, in whole pence."""
    years = (end - start) / 365
    return sum(int(np.rint(fraction * v * years * PENCE_PER_M)) for v in IMPACTS[case].values())


@pytest.mark.parametrize("case", ["gain", "pain"])
def test_each_area_has_its_own_score_and_level(case):
    result = run(case)
    sign = 1.0 if case == "gain" else -1.0
    periods = result.model.risk.ledger.periods
    assert result.model.risk.ledger.areas == ("money", "outcomes", "prevention")
    assert len(periods) >= 8
    for p in periods:
        # outcomes: the service change's £1m a year over £100m in scope; the scheme agreed beside
        # it is a decision about the alliance, whose own effects are never realised (risk.py)
        np.testing.assert_allclose(p.scores, [sign * 0.004, 0.01, 0.0], atol=1e-12)
        assert p.levels == ("bad", "good", "ok")


@pytest.mark.parametrize(
    ("case", "weights", "fraction"),
    [
        # gain: only outcomes ("good") counts; pain: only money ("bad") counts
        ("gain", (1.0, 1.0, 1.0), 1 / 3),
        ("pain", (1.0, 1.0, 1.0), 1 / 3),
        ("gain", (1.0, 2.0, 1.0), 2 / 4),
        ("pain", (3.0, 1.0, 0.5), 3 / 4.5),
    ],
)
def test_average_pools_the_weighted_share_of_areas_at_a_level_for_that_sign(
    case, weights, fraction
):
    result = run(case, "average", weights)
    for p in result.model.risk.ledger.periods:
        assert p.pooled_fraction == pytest.approx(fraction)
        assert p.pool_pence == expected_pool(case, fraction, p.start, p.end)
        # balanced to the penny, and it is the realised net that is pooled
        assert int(p.paid_in_pence.sum()) == p.pool_pence == int(p.share_pence.sum())
        assert np.sign(p.pool_pence) == (1 if case == "gain" else -1)


@pytest.mark.parametrize("case", ["gain", "pain"])
def test_weakest_area_decides(case):
    """The money area is ``bad``, the weakest: a loss is pooled whole, a gain not at all."""
    result = run(case, "weakest")
    for p in result.model.risk.ledger.periods:
        if case == "pain":
            assert p.pooled_fraction == 1.0
            assert p.pool_pence == expected_pool(case, 1.0, p.start, p.end)
        else:
            assert p.pooled_fraction == 0.0 and p.pool_pence == 0
            assert not p.paid_in_pence.any() and not p.share_pence.any()


def test_kpi_table_one_row_per_area_per_period_and_reasons_name_each_area():
    result = run("gain")
    kpi = result.kpi
    periods = result.model.risk.ledger.periods
    assert len(kpi) == 3 * len(periods)
    first = kpi[kpi.period == 0].set_index("area")
    assert list(first.level) == ["bad", "good", "ok"]
    assert first.score["outcomes"] == pytest.approx(0.01)
    assert "kpi" in result.records()
    assert "pooled_fraction" in result.ledger.columns
    settled = [line for line in result.narrative().splitlines() if "settled" in line]
    assert settled and "money bad, outcomes good, prevention ok" in settled[0]


def test_quantile_thresholds_by_hand():
    # zeros (nothing realised yet) are left out; of 1..100 the q-quantile is 1 + 99 q (linear):
    # 98.02, 85.15, 30.7, 10.9, rounded to two figures
    scores = np.concatenate([np.zeros(50), np.arange(1.0, 101.0)])
    assert quantile_thresholds(scores, (0.98, 0.85, 0.30, 0.10)) == [98.0, 85.0, 31.0, 11.0, INF]
    # rounding to two figures never puts a lower level above a higher one
    assert quantile_thresholds(np.array([1.004, 1.006]), (0.9, 0.1)) == [1.0, 1.0, INF]


def test_bad_result_areas_are_input_errors():
    with pytest.raises(ValueError, match="unknown objective"):
        Risk(result_areas=[{"name": "x", "objectives": ["happiness"]}])
    with pytest.raises(ValueError, match="one min_score per KPI level"):
        Risk(result_areas=[{"name": "x", "finance": True, "min_scores": [0.0, INF]}])
    with pytest.raises(ValueError, match="scores nothing"):
        Risk(result_areas=[{"name": "x"}])
    with pytest.raises(ValueError, match="combine"):
        Risk(combine="best")
    with pytest.raises(InputError):
        load_scenario("mid-notts", overrides={"risk.combine": "median"})


def test_builtin_scenarios_name_their_areas_and_sources():
    for name in ("mid-notts", "walsall", "lambeth-ipsa", "nhse-template"):
        risk = load_scenario(name).risk
        assert len(risk.result_areas) >= 4
        assert sum(a.finance for a in risk.result_areas) == 1  # money counts in one area
        for area in risk.result_areas:
            assert area.source and area.min_scores is not None


@settings(max_examples=30, deadline=None)
@given(
    impacts=st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=3, max_size=3),
    weights=st.lists(st.floats(0.1, 5.0), min_size=3, max_size=3),
    combine=st.sampled_from(["average", "weakest"]),
)
def test_property_any_combination_balances_and_pools_what_was_realised(impacts, weights, combine):
    matters = [effects_matter(dict(zip("abc", impacts, strict=True))),
               scheme(0, {"a": 1.0, "b": 2.0, "c": 3.0})]  # fmt: skip
    risk = {"levels": LEVELS, "result_areas": areas(tuple(weights)), "combine": combine,
            "demand_growth": 0.0}  # fmt: skip
    result = simulate(scenario(THREE, matters, risk=risk))
    for p in result.model.risk.ledger.periods:
        assert 0.0 <= p.pooled_fraction <= 1.0
        assert int(p.paid_in_pence.sum()) == p.pool_pence == int(p.share_pence.sum())
        realised = p.pooled_fraction * p.direct.sum() * PENCE_PER_M
        assert abs(p.pool_pence - realised) <= 1.5  # half a penny per member
