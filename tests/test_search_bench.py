"""Design search end to end: 200 candidate designs x 50 replications on 2 cores (``make bench``).

The shipped ``experiments/design_mid_notts.toml`` as a user runs it: the search (10,000 runs), the
front re-evaluated with the current design (7 x 300 runs), tables, figure and report. Goal: < 90 s.
"""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

import pytest

from alliance_sim.search.runner import run_search

FILE = Path(__file__).resolve().parents[1] / "experiments" / "design_mid_notts.toml"
GOAL_S = 90.0


@pytest.mark.benchmark(group="search")
def test_search_200_designs_x_50_replications_on_2_cores(benchmark, tmp_path):
    def run():
        return run_search(FILE, workers=2, out=tmp_path / "out", fresh=True, report=True)

    def cpu(who: int) -> float:
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime

    load = os.getloadavg()[0]
    start = time.perf_counter()
    main, workers = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
    results = benchmark.pedantic(run, rounds=1, iterations=1, warmup_rounds=0)
    elapsed = time.perf_counter() - start
    main, workers = cpu(resource.RUSAGE_SELF) - main, cpu(resource.RUSAGE_CHILDREN) - workers
    assert len(results.candidates) == 200
    assert results.runs >= 200 * 50 * 0.5  # duplicates are evaluated once, but most are new
    benchmark.extra_info.update(
        runs=results.runs, seconds=elapsed, load_before=load, main_cpu_s=main, worker_cpu_s=workers
    )
    print(f"\n{results.runs} runs in {elapsed:.1f} s; CPU {main:.1f} s main + {workers:.1f} s "
          f"workers; load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")  # fmt: skip
    assert elapsed < GOAL_S, f"{elapsed:.0f} s for {results.runs} runs (load {load:.1f} before)"
