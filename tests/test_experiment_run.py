"""Running experiments: identical results whatever the executor, resume after a crash, refusal
of a changed experiment file, the report, and the Python API."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from alliance_sim import run_experiment
from alliance_sim.batch import replicate
from alliance_sim.cli import main
from alliance_sim.errors import RunFailed
from alliance_sim.experiment.runner import ExperimentResults

# Short terms keep the tests fast: 2 designs x 6 replications in chunks of 2 = 6 chunks.
TEXT = """\
[experiment]
name = "tiny"
scenario = "mid-notts"
replications = 6
seed = 5
chunk_size = 2
horizon_days = 540

[factors]
"parties.council.membership" = ["full", "associate"]
"""
TABLES = ("runs", "decisions", "ledger", "network")


@pytest.fixture
def experiment(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TEXT, encoding="utf-8")
    return path


def tables(directory: Path) -> dict[str, pd.DataFrame]:
    results = ExperimentResults(directory)
    return {name: results.table(name) for name in results.tables()}


def part_names(directory: Path) -> dict[str, list[str]]:
    return {
        t: sorted(p.name for p in (directory / t).glob("*"))
        for t in TABLES
        if (directory / t).is_dir()
    }


@pytest.fixture
def reference(experiment: Path, tmp_path: Path) -> Path:
    out = tmp_path / "reference"
    run_experiment(experiment, workers=1, out=out, report=False)
    return out


def assert_same_results(a: Path, b: Path) -> None:
    ta, tb = tables(a), tables(b)
    assert set(ta) == set(tb) >= {"runs", "decisions"}
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], check_exact=True)
    assert part_names(a) == part_names(b)


def test_results_have_identity_columns_and_common_seeds(reference):
    runs = tables(reference)["runs"]
    assert list(runs.columns[:6]) == [
        "cell",
        "design",
        "sample",
        "parties.council.membership",
        "replication",
        "seed",
    ]
    assert len(runs) == 12 and not runs.duplicated(["cell", "replication"]).any()
    # replication r of both designs ran on the same seed (common random numbers)
    seeds = runs.pivot(index="replication", columns="cell", values="seed")
    assert (seeds[0] == seeds[1]).all() and seeds[0].is_unique
    manifest = json.loads((reference / "manifest.json").read_text())
    assert manifest["replication_seeds"] == [int(s) for s in seeds[0]]
    # seeds are 63-bit: kept as text, a row read of mixed columns does not round them to floats
    for _, row in runs.iterrows():
        assert int(row["seed"]) == manifest["replication_seeds"][row["replication"]]
    assert manifest["finished"] and manifest["cells_done"] == [0, 1]
    assert manifest["runs_done"] == manifest["runs_total"] == 12
    assert manifest["master_seed"] == 5 and len(manifest["experiment"]["sha256"]) == 64
    decisions = tables(reference)["decisions"]
    assert set(decisions["parties.council.membership"]) == {"full", "associate"}


def test_same_results_with_two_worker_processes(experiment, reference, tmp_path):
    out = tmp_path / "two"
    run_experiment(experiment, workers=2, out=out, report=False)
    assert_same_results(reference, out)


def test_same_results_on_a_dask_cluster(experiment, reference, tmp_path):
    from distributed import LocalCluster

    out = tmp_path / "dask"
    with LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        run_experiment(experiment, scheduler=cluster.scheduler_address, out=out, report=False)
    assert_same_results(reference, out)
    assert json.loads((out / "manifest.json").read_text())["sessions"][0]["executor"] == "dask"


def _crash_on(key: str, how: str):
    real = replicate.run_chunk

    def run_chunk(work, chunk, *args):
        if chunk.key == key:
            if how == "kill":
                os._exit(1)  # the worker process dies without a word, every time
            raise RuntimeError("simulated crash")
        return real(work, chunk, *args)

    return run_chunk


@pytest.mark.parametrize(("how", "workers"), [("kill", 2), ("raise", 1)])
def test_interrupted_run_resumes_to_the_same_files(
    experiment, reference, tmp_path, monkeypatch, how, workers
):
    out = tmp_path / "crashed"
    last = "c00001-r0000004-0000005"  # the last chunk: earlier chunks finish first
    monkeypatch.setattr(replicate, "run_chunk", _crash_on(last, how))
    with pytest.raises(Exception) as caught:
        run_experiment(experiment, workers=workers, out=out, report=False)
    if how == "kill":  # retried alone, then reported with the chunk and the seed it was on
        assert isinstance(caught.value, RunFailed)
        assert last in str(caught.value) and "3 times" in str(caught.value)
        seed = json.loads((reference / "manifest.json").read_text())["replication_seeds"][4]
        assert f"seed {seed}" in str(caught.value)
    else:
        assert "simulated crash" in str(caught.value)
        assert last in str(caught.value.__notes__)
    monkeypatch.undo()
    manifest = json.loads((out / "manifest.json").read_text())
    written = len(list((out / "runs").glob("part-*.parquet")))
    assert 0 < written < 6 and manifest["finished"] is None
    assert "interrupted" in manifest["sessions"][0]

    results = run_experiment(experiment, workers=workers, out=out, report=False)
    assert_same_results(reference, out)
    runs = results.runs
    assert len(runs) == 12 and not runs.duplicated(["cell", "replication"]).any()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["finished"] and len(manifest["sessions"]) == 2
    assert manifest["sessions"][1]["runs_done_before"] == 2 * written
    assert not list(out.glob("**/.*.tmp-*"))


def test_partial_parts_of_an_unfinished_chunk_are_rewritten(experiment, reference, tmp_path):
    out = tmp_path / "partial"
    run_experiment(experiment, workers=1, out=out, report=False)
    # as if killed between writing a chunk's decisions part and its runs part (the commit)
    (out / "runs" / "part-c00000-r0000002-0000003.parquet").unlink()
    (out / "decisions" / "part-c00000-r0000002-0000003.parquet").write_bytes(b"garbage")
    run_experiment(experiment, workers=1, out=out, report=False)
    assert_same_results(reference, out)


def test_changed_experiment_file_is_refused_unless_fresh(experiment, tmp_path, capsys):
    out = tmp_path / "cli"
    args = ["run", str(experiment), "--workers", "1", "--out", str(out), "--no-progress"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "stalemate rate" in printed and str(out / "report.html") in printed
    # running the same file again resumes: nothing to do, same answer
    assert main(args) == 0
    capsys.readouterr()

    experiment.write_text(TEXT.replace("seed = 5", "seed = 6"), encoding="utf-8")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    assert str(experiment) in err and "has changed" in err and "--fresh" in err

    assert main([*args, "--fresh"]) == 0
    capsys.readouterr()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["master_seed"] == 6 and len(manifest["sessions"]) == 1
    assert (out / "experiment.toml").read_text() == experiment.read_text()


def test_report_is_self_contained(experiment, tmp_path, capsys):
    out = tmp_path / "rep"
    results = run_experiment(experiment, workers=1, out=out)
    html = results.report_path.read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') >= 4
    assert 'src="http' not in html and "<script" not in html
    assert "How to read it" in html and "parties.council.membership" in html
    assert "Experiment definition" in html and 'name = "tiny"' in html
    for name in ("stalemate", "time_to_decision", "differences", "network"):
        assert (out / "figures" / f"{name}.png").stat().st_size > 10_000
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["parties.council.membership"]) == ["full", "associate"]
    assert {"stalemate_rate", "stalemate_lo", "stalemate_hi", "median_days_lo"} <= set(summary)
    assert (summary["stalemate_lo"] <= summary["stalemate_rate"]).all()
    assert (summary["stalemate_rate"] <= summary["stalemate_hi"]).all()
    differences = pd.read_csv(out / "differences.csv")
    assert set(differences["metric"]) == {
        "stalemate_rate",
        "mean_days",
        "median_days",
        "p90_days",
        "km_median_days",
        "survived",
    }
    assert {"km_median_days", "km_median_days_lo", "km_median_days_hi"} <= set(summary)
    assert (summary["km_median_days_lo"] <= summary["km_median_days"]).all()
    assert (summary["km_median_days"] <= summary["km_median_days_hi"]).all()
    assert (out / "figures" / "survival.png").stat().st_size > 10_000

    (out / "report.html").unlink()
    assert main(["report", str(out)]) == 0
    assert str(out / "report.html") in capsys.readouterr().out
    assert (out / "report.html").is_file()


def test_report_of_a_folder_without_results_is_refused(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "manifest.json" in capsys.readouterr().err


def test_api_summary_and_lazy_tables(experiment, tmp_path):
    results = run_experiment(experiment, workers=1, out=tmp_path / "api", report=False)
    assert "runs" in results.tables() and "decisions" in results.tables()
    assert "decisions" not in results.__dict__  # loaded only when asked for
    frame = results.decisions
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    designs = results.summary.designs
    assert list(designs["runs"]) == [6, 6]
    assert "stalemate rate" in results.summary.text()


def test_a_chunk_leaves_no_model_behind(experiment):
    """Workers run thousands of chunks: every finished model must be freed (bounded memory)."""
    import gc

    from alliance_sim.batch.design import build_design
    from alliance_sim.batch.spec import load_experiment
    from alliance_sim.model import AllianceModel

    design = build_design(load_experiment(experiment))
    scenarios = design.scenarios()
    work = replicate.CellWork(design.cells[0], scenarios[0])
    gc.collect()
    before = sum(isinstance(o, AllianceModel) for o in gc.get_objects())
    parts = replicate.run_chunk(work, design.chunks()[0])
    gc.collect()
    after = sum(isinstance(o, AllianceModel) for o in gc.get_objects())
    assert after == before
    assert set(parts) >= {"runs", "decisions"}


def test_uncertain_parameters_are_sampled_and_pooled_per_design(tmp_path):
    path = tmp_path / "lhs.toml"
    path.write_text(
        TEXT.replace("replications = 6", "replications = 2")
        + '\n[uncertain]\nsamples = 3\nranges = { "stream.economics.social_care_uplift" = [0.1, 0.3] }\n',
        encoding="utf-8",
    )
    results = run_experiment(path, workers=1, out=tmp_path / "lhs", report=False)
    runs = results.runs
    assert len(runs) == 2 * 3 * 2
    column = "stream.economics.social_care_uplift"
    assert runs[column].between(0.1, 0.3).all() and runs[column].nunique() == 3
    # the same three sampled values in both designs, the same seeds at every sample
    by_design = runs.groupby("design")[column].apply(lambda s: sorted(set(s)))
    assert by_design[0] == by_design[1]
    assert runs.groupby(["sample", "replication"])["seed"].nunique().eq(1).all()
    designs = results.summary.designs
    assert list(designs["runs"]) == [6, 6]  # pooled over the sampled points
    assert set(results.summary.differences["pairs"]) == {6}
