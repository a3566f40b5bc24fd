"""Rule 12: speed (issue #2 "Speed"): one 3-year mid-notts run in at most 5 ms, linear growth.

Run with ``make bench`` (or ``pytest -m benchmark --benchmark-enable tests/test_benchmark_core.py``);
the default test run deselects these. Each round runs the next seed of a fixed cycle, so every
variant is timed over the same business draws (common random numbers); the scenario is loaded and
validated once, outside the timed function. Runs are timed as the experiment workers run them:
no time series collected (``collect=False``), garbage collection on, with the heap the process
started with (modules, scenarios) frozen out of the collector's scans (``gc.freeze``, as
``batch/executors.py`` does), so that a full scan of pytest's own heap, tens of milliseconds
once every few hundred runs, is not billed to one run. A single run with its time series (what
``simulate`` and the workshop do) is timed too, against a looser goal.
"""

from __future__ import annotations

import gc
import itertools
import statistics
import time

import pytest

from alliance_sim import AllianceModel, Scenario, load_scenario

pytestmark = pytest.mark.benchmark

GOAL_S = 5e-3  # issue #2: at most 5 ms per 3-year mid-notts run
GOAL_COLLECTED_S = 8e-3  # with the DataCollector's time series (model and agent reporters)
ROUNDS = 100
SEEDS = 50
#: Doubling parties or business may cost at most twice as much, plus this share for overhead.
OVERHEAD = 0.25


def doubled_parties(s: Scenario) -> Scenario:
    """Every party twice over (a copy of each with its own key): 2x parties, same kinds of party."""
    data = s.model_dump(mode="json")
    data["parties"] = {
        **data["parties"],
        **{f"{k}_2": {**p, "name": p["name"] + " (2)"} for k, p in data["parties"].items()},
    }
    return Scenario.model_validate(data)


def doubled_business(s: Scenario) -> Scenario:
    """Every kind of generated matter arriving twice as often."""
    data = s.model_dump(mode="json")
    for kind in data["stream"]["kinds"].values():
        kind["rate_per_year"] *= 2
    return Scenario.model_validate(data)


BASE = load_scenario("mid-notts")
VARIANTS = {
    "base": BASE,
    "parties_x2": doubled_parties(BASE),
    "matters_x2": doubled_business(BASE),
}


@pytest.fixture(autouse=True)
def frozen_heap():
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


def time_runs(benchmark, scenario: Scenario, collect: bool = False):
    seeds = itertools.cycle(range(SEEDS))

    def setup():
        return (next(seeds),), {}

    def one_run(seed):
        return AllianceModel(scenario, seed=seed, collect=collect).run()

    benchmark.pedantic(one_run, setup=setup, rounds=ROUNDS, iterations=1, warmup_rounds=5)
    return benchmark.stats.stats


def median_run_s(scenario: Scenario, seeds: range) -> float:
    """Median seconds per run over ``seeds`` (each once), timed here without pytest-benchmark."""
    times = []
    for seed in seeds:
        t = time.perf_counter()
        AllianceModel(scenario, seed=seed, collect=False).run()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def test_mid_notts_three_year_run(benchmark):
    stats = time_runs(benchmark, BASE)
    benchmark.extra_info["goal_ms"] = GOAL_S * 1e3
    assert stats.mean < GOAL_S, f"mean {stats.mean * 1e3:.2f} ms per run; goal {GOAL_S * 1e3} ms"


def test_mid_notts_run_with_time_series(benchmark):
    stats = time_runs(benchmark, BASE, collect=True)
    benchmark.extra_info["goal_ms"] = GOAL_COLLECTED_S * 1e3
    assert stats.mean < GOAL_COLLECTED_S, (
        f"mean {stats.mean * 1e3:.2f} ms per run with its time series; "
        f"goal {GOAL_COLLECTED_S * 1e3} ms"
    )


@pytest.mark.parametrize("variant", ["parties_x2", "matters_x2"])
def test_cost_grows_linearly(benchmark, variant):
    """Doubling parties (or the rate of business) at most doubles the cost, plus overhead: the
    variant is timed by the benchmark, the base run over the same seeds just before it."""
    base = median_run_s(BASE, range(SEEDS))
    stats = time_runs(benchmark, VARIANTS[variant])
    model = AllianceModel(VARIANTS[variant], seed=0)
    benchmark.extra_info["parties"] = len(model.parties)
    benchmark.extra_info["matters"] = len(model.matters)
    ratio = stats.median / base
    benchmark.extra_info["ratio_to_base"] = round(ratio, 2)
    assert ratio <= 2 * (1 + OVERHEAD), f"{variant}: {ratio:.2f}x the base run's median"


def test_variants_really_double():
    """The scaled variants are what they say (so the ratio above means something)."""
    base = AllianceModel(BASE, seed=0)
    assert len(AllianceModel(VARIANTS["parties_x2"], seed=0).parties) == 2 * len(base.parties)
    n = sum(len(AllianceModel(BASE, seed=s).matters) for s in range(SEEDS))
    n2 = sum(len(AllianceModel(VARIANTS["matters_x2"], seed=s).matters) for s in range(SEEDS))
    assert 1.7 < n2 / n < 2.1
