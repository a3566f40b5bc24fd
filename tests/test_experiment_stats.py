"""Statistics checked against values worked out by hand, and risk measures on a synthetic ledger."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from alliance_sim.batch import stats
from alliance_sim.experiment.risk import net_positions, risk_measures


def hand_wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize(
    ("k", "n", "expected"),
    [
        (5, 20, (0.1119, 0.4687)),  # published textbook value for 5/20
        (0, 10, (0.0, 0.2775)),  # zero successes: the interval still has width
        (10, 10, (0.7225, 1.0)),
        (50, 100, (0.4038, 0.5962)),
    ],
)
def test_wilson_matches_hand_computed_values(k, n, expected):
    lo, hi = stats.wilson(k, n)
    assert lo == pytest.approx(expected[0], abs=5e-5)
    assert hi == pytest.approx(expected[1], abs=5e-5)
    assert (lo, hi) == pytest.approx(hand_wilson(k, n), abs=1e-12)


def test_wilson_at_other_confidence_uses_its_z():
    lo, hi = stats.wilson(5, 20, confidence=0.90)
    assert (lo, hi) == pytest.approx(hand_wilson(5, 20, z=1.6448536269514722), abs=1e-12)


def test_clustered_wilson_widens_only_for_clustered_data():
    # one matter per run: no clustering, design effect 1, plain Wilson
    rng = np.random.default_rng(1)
    s = (rng.random(400) < 0.2).astype(float)
    rate, lo, hi, deff = stats.clustered_wilson(s, np.ones(400))
    assert deff == pytest.approx(1.0, abs=0.02)
    assert (lo, hi) == pytest.approx(stats.wilson(s.sum(), 400), abs=1e-3)
    # runs that either stalemate everything or nothing: 20 matters per run act like one
    s = np.where(np.arange(100) < 20, 20.0, 0.0)
    rate, lo, hi, deff = stats.clustered_wilson(s, np.full(100, 20.0))
    assert rate == pytest.approx(0.2)
    assert deff == pytest.approx(20 * 100 / 99, rel=1e-9)  # Kish deff of perfectly clustered data
    assert (lo, hi) == pytest.approx(stats.wilson(0.2 * 2000 / deff, 2000 / deff), abs=1e-12)
    assert hi - lo > 3 * np.subtract(*reversed(stats.wilson(400, 2000)))


def test_hist_quantile_is_numpys_inverted_cdf():
    rng = np.random.default_rng(2)
    data = rng.integers(0, 12, size=97) * 28
    values = np.unique(data).astype(float)
    counts = np.array([(data == v).sum() for v in values])
    for q in (0.1, 0.5, 0.9, 1.0):
        assert stats.hist_quantile(values, counts, q)[0] == np.quantile(
            data, q, method="inverted_cdf"
        )
    assert stats.hist_mean(values, counts)[0] == pytest.approx(data.mean())


def test_bootstrap_resamples_units_with_the_exact_resampling_distribution():
    # Three runs with one decision each, taking 10, 20 and 30 days. A resample draws 3 runs with
    # replacement; the median is 10 when at least two draws are the first run:
    # P = 3 * (1/3)^2 * (2/3) + (1/3)^3 = 7/27; likewise 30; and 20 with 13/27.
    values = np.array([10.0, 20.0, 30.0])
    hist = np.eye(3, dtype=np.int64)
    draws = 40_000
    medians = np.concatenate(
        [
            stats.hist_quantile(values, w @ hist, 0.5)
            for w in stats.resample_weights(3, draws, np.random.default_rng(3))
        ]
    )
    se = math.sqrt((7 / 27) * (20 / 27) / draws)
    assert np.mean(medians == 10) == pytest.approx(7 / 27, abs=4 * se)
    assert np.mean(medians == 30) == pytest.approx(7 / 27, abs=4 * se)
    assert np.mean(medians == 20) == pytest.approx(13 / 27, abs=5 * se)
    # 2.5% and 97.5% points of that distribution are 10 and 30
    iv = stats.quantile_interval(values, hist, 0.5, 4000, np.random.default_rng(4))
    assert (iv.estimate, iv.lo, iv.hi) == (20.0, 10.0, 30.0)


def test_bootstrap_mean_interval_matches_the_normal_approximation():
    # For a mean of n iid values, the bootstrap sd is sd / sqrt(n) (with the 1/n variance).
    rng = np.random.default_rng(5)
    x = rng.normal(10, 2, size=400)
    [(lo, hi)] = stats.bootstrap(
        lambda w: (w @ x) / w.sum(axis=1), 400, 4000, np.random.default_rng(6)
    )
    half = 1.959964 * x.std() / math.sqrt(400)
    assert lo == pytest.approx(x.mean() - half, abs=0.15 * half)
    assert hi == pytest.approx(x.mean() + half, abs=0.15 * half)


def test_bootstrap_is_reproducible_with_its_seed():
    x = np.arange(50.0)

    def mean(w):
        return (w @ x) / w.sum(axis=1)

    a = stats.bootstrap(mean, 50, 500, np.random.default_rng(7))
    b = stats.bootstrap(mean, 50, 500, np.random.default_rng(7))
    assert a == b


def test_paired_difference_uses_the_pairs():
    # Each future (pair) has a large common effect; design B adds 0.5 to it with small noise.
    rng = np.random.default_rng(8)
    future = rng.normal(0, 5, size=300)
    a = future + rng.normal(0, 0.2, size=300)
    b = future + 0.5 + rng.normal(0, 0.2, size=300)
    x = np.vstack([a, b])
    [diff] = stats.paired_difference(stats.mean_statistic(x), 300, 2000, np.random.default_rng(9))
    assert diff.estimate == pytest.approx(b.mean() - a.mean())
    paired_width = diff.paired[1] - diff.paired[0]
    unpaired_width = diff.unpaired[1] - diff.unpaired[0]
    assert diff.paired[0] > 0.4 and diff.paired[1] < 0.6  # excludes zero, holds the truth
    assert diff.unpaired[0] < 0 < diff.unpaired[1]  # unpaired cannot tell
    assert unpaired_width > 10 * paired_width
    # the paired interval is the interval of the per-pair differences' mean
    d = b - a
    half = 1.959964 * d.std() / math.sqrt(300)
    assert diff.paired == pytest.approx((d.mean() - half, d.mean() + half), abs=0.2 * half)


def test_paired_ratio_difference_on_clustered_counts():
    rng = np.random.default_rng(10)
    matters = rng.integers(20, 40, size=200)
    base = rng.binomial(matters, rng.beta(2, 10, size=200))
    extra = rng.binomial(matters - base, 0.05)
    stale = np.vstack([base, base + extra])
    trials = np.vstack([matters, matters])
    [diff] = stats.paired_difference(
        stats.ratio_statistic(stale, trials), 200, 1000, np.random.default_rng(11)
    )
    assert diff.estimate == pytest.approx(extra.sum() / matters.sum())
    assert 0 < diff.paired[0] < diff.estimate < diff.paired[1]
    assert (diff.unpaired[1] - diff.unpaired[0]) > 3 * (diff.paired[1] - diff.paired[0])


def synthetic_ledger() -> pd.DataFrame:
    """Two designs x 20 runs x 3 parties x 4 periods, with nets worked out below by hand."""
    rows = []
    for design in (0, 1):
        for rep in range(20):
            for period in range(4):
                # party a always gains 1 per period; b loses 2 per period in runs 0-4, else gains
                # 0.25; c gains 0.5 in design 0 and loses 0.5 in design 1, in every period
                nets = {
                    "a": 1.0,
                    "b": -2.0 if rep < 5 else 0.25,
                    "c": 0.5 if design == 0 else -0.5,
                }
                for party, net in nets.items():
                    rows.append(
                        {
                            "cell": design,
                            "design": design,
                            "sample": 0,
                            "replication": rep,
                            "party": party,
                            "kind": "council" if party == "c" else "provider",
                            "membership": "associate" if party == "c" and design else "full",
                            "period": period,
                            "net_m": net,
                        }
                    )
    return pd.DataFrame(rows)


def test_risk_measures_from_a_synthetic_ledger():
    ledger = synthetic_ledger()
    parts = [ledger.iloc[:480], ledger.iloc[480:]]  # measures must not depend on the parts
    nets = net_positions(parts)
    assert len(nets) == 2 * 20  # one row per run, a column per party
    assert list(nets.wide.columns[-3:]) == ["a", "b", "c"]
    risk = risk_measures(nets, [{"m": "full"}, {"m": "associate"}], tail=0.05)
    party = risk[risk["level"] == "party"].set_index(["design", "name"])

    # a: +4 every run
    assert party.loc[(0, "a"), "expected_net_m"] == pytest.approx(4.0)
    assert party.loc[(0, "a"), "p_loss"] == 0.0
    # b: -8 in 5 runs, +1 in 15: mean (-40 + 15) / 20; worst 5% = 1 run = -8
    assert party.loc[(0, "b"), "expected_net_m"] == pytest.approx(-25 / 20)
    assert party.loc[(0, "b"), "p_loss"] == pytest.approx(0.25)
    assert (party.loc[(0, "b"), "p_loss_lo"], party.loc[(0, "b"), "p_loss_hi"]) == pytest.approx(
        stats.wilson(5, 20)
    )
    assert party.loc[(0, "b"), "tail_loss_m"] == pytest.approx(-8.0)
    # design 0: losses are all b's (40); gains a 80, b 15, c 40
    assert party.loc[(0, "b"), "downside_share"] == pytest.approx(1.0)
    assert party.loc[(0, "a"), "upside_share"] == pytest.approx(80 / 135)
    assert party.loc[(0, "c"), "upside_share"] == pytest.approx(40 / 135)
    # design 1: c loses 2 per run: losses b 40, c 40; gains a 80, b 15
    assert party.loc[(1, "c"), "downside_share"] == pytest.approx(0.5)
    assert party.loc[(1, "c"), "upside_share"] == 0.0
    assert party.loc[(1, "c"), "membership"] == "associate"
    assert party.loc[(1, "c"), "m"] == "associate"
    # per kind: providers a + b per run: +4 - 8 = -4 in 5 runs, +5 in 15
    kind = risk[risk["level"] == "kind"].set_index(["design", "name"])
    assert kind.loc[(0, "provider"), "expected_net_m"] == pytest.approx((5 * -4 + 15 * 5) / 20)
    assert kind.loc[(0, "provider"), "p_loss"] == pytest.approx(0.25)
    assert kind.loc[(1, "council"), "tail_loss_m"] == pytest.approx(-2.0)
