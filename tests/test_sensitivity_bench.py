"""Speed of sensitivity stages on mid-notts, end to end through the runner (``make bench``).

Goals (2 cores): Morris over every assumption family (r = 20, 10 replications a point) in under
60 s; Sobol over six families (N = 256, 10 replications a point) in under 4 minutes, with the
estimators under 2% of the wall time. One design (the scenario as written), so the counts are
r (families + 1) and N (6 + 2) points of 10 runs.
"""

from __future__ import annotations

import pytest

from alliance_sim.batch.spec import load_experiment
from alliance_sim.exploration.runner import run_analysis

HEAD = """\
[experiment]
name = "bench"
scenario = "mid-notts"
replications = 10
seed = 1
"""
MORRIS = '[[sensitivity]]\nname = "m"\nmethod = "morris"\ntrajectories = 20\n'
SOBOL = (
    '[[sensitivity]]\nname = "s"\nmethod = "sobol"\nsamples = 256\nparameters = '
    '["stream.economics.social_care_uplift", "trust.initial", "parties.*.risk_tolerance_m", '
    '"risk.demand_growth", "parties.*.loss_aversion", "stream.kinds.*.rate_per_year"]\n'
)


def _bench(benchmark, tmp_path, body: str, stage: str):
    path = tmp_path / "bench.toml"
    path.write_text(HEAD + body, encoding="utf-8")

    def run():
        return run_analysis(
            load_experiment(path), workers=2, out=tmp_path / "out", fresh=True, report=False
        )

    results = benchmark.pedantic(run, rounds=1, iterations=1, warmup_rounds=0)
    timings = results.summary.timings
    benchmark.extra_info.update(
        points=len(results.stages[stage].sample.unit),
        runs_seconds=timings["runs"],
        reduce_seconds=timings["reduce"],
        estimator_seconds=timings["estimators"],
        estimator_share=timings["estimators"] / sum(timings.values()),
    )
    return results, timings


@pytest.mark.benchmark(group="sensitivity")
def test_morris_over_all_assumptions(benchmark, tmp_path):
    results, timings = _bench(benchmark, tmp_path, MORRIS, "m")
    assert len(results.stages["m"].sample.factors) > 30


@pytest.mark.benchmark(group="sensitivity")
def test_sobol_over_six_families(benchmark, tmp_path):
    results, timings = _bench(benchmark, tmp_path, SOBOL, "s")
    assert len(results.stages["s"].sample.unit) == 256 * 8
    assert timings["estimators"] < 0.02 * sum(timings.values())
