"""FIDELITY row 5 (issue 11 §1): the Kaplan–Meier view of days to decision, censoring the matters
the board left undecided (``alliance_sim/survival.py``), against a hand computation and against
the empirical distribution when nothing is censored."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_sim import measures, simulate
from alliance_sim.measures import CENSORED, EVENTS
from alliance_sim.result import OUTCOMES
from alliance_sim.survival import (
    censored_onto,
    from_counts,
    hist_median,
    kaplan_meier,
)

# (days, decided): ties at day 2 (two decisions, one censoring), censorings at 3 and 6, and the
# last observation an event, so the curve reaches 0.
DAYS = [1, 2, 2, 2, 3, 5, 6, 8]
DECIDED_FLAGS = [True, True, True, False, False, True, False, True]


def test_hand_computed_product_limit_with_ties_and_censoring():
    km = kaplan_meier(DAYS, DECIDED_FLAGS)
    assert list(km.times) == [1, 2, 3, 5, 6, 8]
    assert list(km.at_risk) == [8, 7, 4, 3, 2, 1]
    assert list(km.events) == [1, 2, 0, 1, 0, 1]
    assert list(km.censored) == [0, 1, 1, 0, 1, 0]
    # S(1) = 7/8; S(2) = 7/8 * (1 - 2/7) = 5/8 (the censoring at 2 is at risk at 2); S(5) = 5/8 *
    # 2/3 = 5/12; S(8) = 0.
    assert km.survival == pytest.approx([7 / 8, 5 / 8, 5 / 8, 5 / 12, 5 / 12, 0.0])
    # Greenwood: S(2)^2 (1/(8*7) + 2/(7*5)) = 25/64 * 3/40; S(5)^2 (3/40 + 1/(3*2)) = 25/144 * 29/120
    assert km.variance[1] == pytest.approx(25 / 64 * 3 / 40)
    assert km.variance[3] == pytest.approx(25 / 144 * 29 / 120)
    assert km.variance[-1] == 0.0
    assert km.median() == 5.0  # the first day S <= 1/2
    # the log(-log) band holds the estimate, stays in [0, 1], and the median's interval holds it
    lower, upper = km.bands(0.95)
    assert np.all(lower <= km.survival + 1e-12) and np.all(km.survival <= upper + 1e-12)
    assert np.all((lower >= 0) & (upper <= 1))
    lo, hi = km.median_interval(0.95)
    assert lo <= 5.0 and (np.isnan(hi) or hi >= 5.0)
    assert hist_median(km.times, km.events, km.censored)[0] == 5.0


def test_median_not_reached_is_nan():
    km = kaplan_meier([1, 2, 3, 4], [True, False, False, False])  # S stays at 3/4
    assert np.isnan(km.median())
    assert np.isnan(hist_median(km.times, km.events, km.censored)[0])


def test_every_outcome_of_board_business_is_an_event_or_censored():
    # void and reserved business is never the board's to decide by vote (measures.business)
    assert set(EVENTS) | set(CENSORED) == set(OUTCOMES) - {"void", "reserved"}
    assert not set(EVENTS) & set(CENSORED)


samples = st.lists(st.integers(0, 60), min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(samples)
def test_property_without_censoring_it_is_the_empirical_survival_function(days):
    km = kaplan_meier(days, [True] * len(days))
    data = np.array(days)
    empirical = [(data > t).mean() for t in km.times]
    assert km.survival == pytest.approx(empirical, abs=1e-12)
    assert km.median() == np.quantile(data, 0.5, method="inverted_cdf")


@settings(max_examples=200, deadline=None)
@given(samples, st.lists(st.booleans(), min_size=40, max_size=40))
def test_property_censorings_moved_onto_the_event_grid_change_nothing(days, flags):
    flags = flags[: len(days)]
    km = kaplan_meier(days, flags)
    data, decided = np.array(days, dtype=float), np.array(flags)
    values = np.unique(data[decided])
    events = np.array([(data[decided] == v).sum() for v in values], dtype=float)
    censored = np.zeros(len(values))
    where = censored_onto(values, data[~decided])
    np.add.at(censored, where[where >= 0], 1.0)
    on_grid = from_counts(values, events, censored)
    expected = km.median()
    got = hist_median(values, events, censored)[0] if len(values) else np.nan
    assert got == expected or (np.isnan(got) and np.isnan(expected))
    if len(values):
        at = np.searchsorted(km.times, values)
        assert on_grid.survival == pytest.approx(km.survival[at], abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(samples, st.lists(st.booleans(), min_size=40, max_size=40))
def test_property_censoring_never_shortens_the_median(days, flags):
    # At each event time the censored matters still at risk only lower the hazard, so the KM
    # curve lies on or above the decided matters' own survival function.
    flags = flags[: len(days)]
    data, decided = np.array(days, dtype=float), np.array(flags)
    if not decided.any():
        return
    km = kaplan_meier(data, decided).median()
    alone = np.quantile(data[decided], 0.5, method="inverted_cdf")
    assert np.isnan(km) or km >= alone


def test_single_run_summary_has_the_km_median_beside_decided_days():
    result = simulate("mid-notts", seed=1, collect=False)
    s = result.summary()
    matters = [m for m in measures.final(result.model.matters)
               if measures.business(m) == measures.ORDINARY]  # fmt: skip
    days = [m.decided_day - m.proposed_day for m in matters]
    km = kaplan_meier(days, [m.outcome in EVENTS for m in matters])
    assert s["km_median_days"] == km.median()
    assert s["business"] - s["business_agreed"] == km.censored.sum()


def test_experiment_km_median_is_the_pooled_estimate_of_its_runs(tmp_path):
    from alliance_sim import run_experiment

    path = tmp_path / "km.toml"
    path.write_text(
        '[experiment]\nname = "km"\nscenario = "mid-notts"\nreplications = 4\nseed = 2\n'
        'horizon_days = 540\n\n[factors]\n"board.rule" = ["unanimity", "best_for_service"]\n',
        encoding="utf-8",
    )
    results = run_experiment(path, workers=1, out=tmp_path / "out", report=False)
    decisions, runs = results.decisions, results.runs
    designs = results.summary.designs.set_index("design")
    assert designs["open_at_end_per_run"].sum() > 0  # a short term leaves business open
    for design, rows in decisions.merge(runs[["cell", "replication", "design"]]).groupby("design"):
        rows = rows[rows["business"] == measures.ORDINARY]
        km = kaplan_meier(rows["days_to_decision"], rows["outcome"].isin(EVENTS))
        got = designs.loc[design, "km_median_days"]
        assert got == km.median() or (np.isnan(got) and np.isnan(km.median()))
        lo, hi = designs.loc[design, ["km_median_days_lo", "km_median_days_hi"]]
        assert lo <= got <= hi
