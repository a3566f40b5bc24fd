"""Throughput of experiments, in runs per second, writing included (``make bench``)."""

from __future__ import annotations

import pytest

from alliance_sim import run_experiment

TEXT = """\
[experiment]
name = "bench"
scenario = "mid-notts"
replications = 50
seed = 1
chunk_size = 25

[factors]
"parties.council.membership" = ["full", "associate"]
"""
RUNS = 100


@pytest.mark.benchmark(group="experiment")
@pytest.mark.parametrize("workers", [1, 2])
def test_experiment_runs_per_second(benchmark, tmp_path, workers):
    path = tmp_path / "bench.toml"
    path.write_text(TEXT, encoding="utf-8")

    def run():
        return run_experiment(path, workers=workers, out=tmp_path / "out", fresh=True, report=False)

    results = benchmark.pedantic(run, rounds=3, iterations=1, warmup_rounds=0)
    assert len(results.runs) == RUNS
    benchmark.extra_info["runs"] = RUNS
    if benchmark.stats is not None:  # None when benchmarks are disabled
        benchmark.extra_info["runs_per_second"] = RUNS / benchmark.stats.stats.mean
