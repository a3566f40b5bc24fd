"""A sensitivity analysis interrupted in the middle of a stage resumes to the same files.

The run is stopped by a Ctrl-C (KeyboardInterrupt) as its fourth chunk starts, with some of the
stage's parts written and others not; run again, every file of the analysis (each part of the
stage's runs, the sample, the outcomes per point, the indices, the robustness verdicts and PRIM's
trajectory) equals, byte for byte, that of an analysis never stopped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance_sim import run_experiment
from alliance_sim.batch import replicate
from tests.test_reserved_names import FACTOR, HEAD, STAGE, write

# four families, four trajectories: 20 points a design, in chunks of four points
ANALYSIS = (
    HEAD.format(reps=2)
    + FACTOR
    + STAGE.replace("trajectories = 2\nbatch = 50", "trajectories = 4\nbatch = 4")
    + 'parameters = ["trust.initial", "board.cadence_days", "board.notice_days", '
    + '"risk.funding_shocks_per_year"]\n'
    + '[discovery]\nfinding = "loss_share.council | associate - full"\n'
)
FILES = ("screening/runs/part-*", "screening/*.parquet", "screening/*.csv", "*.csv")


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for pattern in FILES
        for p in sorted(folder.glob(pattern))
    }


def test_an_analysis_interrupted_mid_stage_resumes_to_the_same_files(tmp_path, monkeypatch):
    path = write(tmp_path, "analysis.toml", ANALYSIS)
    run_experiment(path, workers=1, out=tmp_path / "uninterrupted", report=False)
    uninterrupted = files(tmp_path / "uninterrupted")
    parts = [k for k in uninterrupted if k.startswith("screening/runs/")]
    assert len(parts) > 4 and "discovery.csv" in uninterrupted

    real, started = replicate.run_chunk, []

    def interrupted(work, chunk, on_replication=None):
        started.append(chunk.key)
        if len(started) == 4:
            raise KeyboardInterrupt
        return real(work, chunk, on_replication)

    monkeypatch.setattr(replicate, "run_chunk", interrupted)
    out = tmp_path / "resumed"
    with pytest.raises(KeyboardInterrupt):
        run_experiment(path, workers=1, out=out, report=False)
    monkeypatch.undo()
    assert len(list((out / "screening" / "runs").glob("part-*"))) == 3
    assert not (out / "screening" / "sensitivity.csv").exists()

    run_experiment(path, workers=1, out=out, report=False)
    assert files(out) == uninterrupted
