"""Issue #12: results never mixed, lost workers survived, no orphans, every file written whole.

Each test causes the fault for real: a scenario file edited between a stopped run and its rerun,
two processes on one results folder, a worker process killed with SIGKILL (process pool and a
local Dask cluster of processes), the main process killed with SIGKILL, and a write that fails
halfway. After each fault the result files are byte-identical to those of an undisturbed run.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import psutil
import pytest

from alliance_sim import run_experiment
from alliance_sim.batch import files, replicate
from alliance_sim.batch.lock import FolderLock
from alliance_sim.batch.store import ResultStore
from alliance_sim.cli import main
from alliance_sim.errors import InputError, WriteFailed
from alliance_sim.experiment import report as report_module
from alliance_sim.experiment.plots import stalemate_plot
from alliance_sim.experiment.summary import summarize, write_tables
from tests.test_experiment_run import TEXT

ROOT = Path(__file__).resolve().parents[1]
WAIT = 60.0  # seconds: the bound on waiting for something the test is sure will happen


def part_bytes(directory: Path) -> dict[str, bytes]:
    """Every Parquet part by its path in the folder."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.glob("*/part-*.parquet"))
    }


def wait_for(condition, what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("experiment") / "tiny.toml"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def undisturbed(tiny, tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("undisturbed") / "results"
    run_experiment(tiny, workers=1, out=out, report=False)
    return part_bytes(out)


# ---------------------------------------------------------------- 1. inputs are fingerprinted


def test_manifest_hashes_the_builtin_scenario_text(tiny, tmp_path):
    out = tmp_path / "r"
    run_experiment(tiny, workers=1, out=out, report=False)
    inputs = {i["role"]: i for i in json.loads((out / "manifest.json").read_text())["inputs"]}
    text = resources.files("alliance_sim").joinpath("scenarios", "mid-notts.toml").read_bytes()
    assert inputs["scenario:mid-notts"]["sha256"] == hashlib.sha256(text).hexdigest()
    assert inputs["experiment"]["sha256"] == hashlib.sha256(tiny.read_bytes()).hexdigest()


def test_edited_scenario_file_is_refused_on_resume_unless_fresh(tmp_path, capsys):
    scenario = tmp_path / "alliance.toml"
    scenario.write_bytes(
        resources.files("alliance_sim").joinpath("scenarios", "mid-notts.toml").read_bytes()
    )
    experiment = tmp_path / "own.toml"
    experiment.write_text(TEXT.replace('"mid-notts"', '"alliance.toml"'), encoding="utf-8")
    out = tmp_path / "r"

    def stop(chunk):
        raise KeyboardInterrupt  # a stopped run: one chunk on disk

    with pytest.raises(KeyboardInterrupt):
        run_experiment(experiment, workers=1, out=out, report=False, on_chunk=stop)
    assert len(list((out / "runs").glob("part-*"))) == 1

    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(text.replace("membership = ", "membership =  ", 1), encoding="utf-8")
    args = ["run", str(experiment), "--workers", "1", "--out", str(out), "--no-progress"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"scenario {scenario} has changed" in err and "--fresh" in err
    assert len(list((out / "runs").glob("part-*"))) == 1  # nothing added to the old results

    run_experiment(experiment, workers=1, out=out, fresh=True, report=False)
    manifest = json.loads((out / "manifest.json").read_text())
    recorded = {i["role"]: i["sha256"] for i in manifest["inputs"]}
    assert recorded[f"scenario:{scenario}"] == hashlib.sha256(scenario.read_bytes()).hexdigest()
    assert manifest["runs_done"] == 12 and len(manifest["sessions"]) == 1


# ---------------------------------------------------- 2 and 4. one run per folder, no orphans

HOLDER = """
import sys
from pathlib import Path
from alliance_sim import run_experiment

ready = Path(sys.argv[3])

def hold(chunk):
    if not ready.exists():
        ready.write_text("one chunk written")
        sys.stdin.read()  # until the test kills this process

run_experiment(sys.argv[1], workers=2, out=sys.argv[2], report=False, on_chunk=hold)
"""


def test_a_second_run_is_refused_and_a_killed_run_leaves_no_lock_and_no_workers(tiny, tmp_path):
    out, ready = tmp_path / "shared", tmp_path / "ready"
    first = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tiny), str(out), str(ready)],
        stdin=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        wait_for(lambda: ready.exists() or first.poll() is not None, "the first run's chunk")
        assert first.poll() is None
        workers = psutil.Process(first.pid).children(recursive=True)
        assert len(workers) >= 2

        command = [sys.executable, "-m", "alliance_sim.cli", "run", str(tiny), "--out", str(out)]
        second = subprocess.run(
            [*command, "--no-progress"], capture_output=True, text=True, cwd=ROOT, timeout=WAIT
        )
        assert second.returncode == 2, second.stderr
        assert f"process {first.pid}" in second.stderr and str(out) in second.stderr
        assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
        fresh = subprocess.run(
            [*command, "--fresh", "--no-progress"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=WAIT,
        )
        assert fresh.returncode == 2 and f"process {first.pid}" in fresh.stderr
        assert (out / "runs").is_dir()  # --fresh discarded nothing of the running one's

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=WAIT)
        gone, alive = psutil.wait_procs(workers, timeout=10)
        assert not alive, f"orphaned workers: {alive}"
    finally:
        if first.poll() is None:
            first.kill()
    again = subprocess.run(
        [*command, "--no-progress"], capture_output=True, text=True, cwd=ROOT, timeout=WAIT
    )
    assert again.returncode == 0, again.stderr
    assert json.loads((out / "manifest.json").read_text())["runs_done"] == 12


def test_a_second_run_from_the_same_process_is_refused_too(tiny, tmp_path, capsys):
    # POSIX locks belong to the process, so the lock also remembers the folders it holds
    out = tmp_path / "r"
    with FolderLock(out):
        with pytest.raises(InputError, match=f"this process \\({os.getpid()}\\)"):
            run_experiment(tiny, workers=1, out=out, report=False)
    run_experiment(tiny, workers=1, out=out, report=False)  # released on leaving the block
    assert json.loads((out / "manifest.json").read_text())["runs_done"] == 12
    with FolderLock(out):  # rebuilding the report would rewrite files a run is writing
        assert main(["report", str(out)]) == 2
    assert "this process" in capsys.readouterr().err


# ---------------------------------------------------------------- 3. lost workers are survived


def test_a_pool_worker_killed_mid_chunk_is_replaced_and_its_chunk_rerun(
    tiny, undisturbed, tmp_path, monkeypatch
):
    killed = tmp_path / "killed"
    real = replicate.run_chunk

    def run_chunk(work, chunk, *args):
        if chunk.key == "c00000-r0000002-0000003" and not killed.exists():
            killed.write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        return real(work, chunk, *args)

    monkeypatch.setattr(replicate, "run_chunk", run_chunk)  # the forked workers inherit it
    out = tmp_path / "r"
    run_experiment(tiny, workers=2, out=out, report=False)
    assert int(killed.read_text()) != os.getpid()  # a worker process, not this one, died
    assert part_bytes(out) == undisturbed
    assert json.loads((out / "manifest.json").read_text())["finished"]


def test_a_chunk_that_keeps_killing_its_worker_is_named_with_its_seed(
    tiny, tmp_path, monkeypatch, capsys
):
    real = replicate.run_chunk
    bad = "c00001-r0000002-0000003"

    def run_chunk(work, chunk, *args):
        if chunk.key == bad:
            os.kill(os.getpid(), signal.SIGKILL)  # every time
        return real(work, chunk, *args)

    monkeypatch.setattr(replicate, "run_chunk", run_chunk)
    out = tmp_path / "r"
    assert main(["run", str(tiny), "--workers", "2", "--out", str(out), "--no-progress"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "BrokenProcessPool" not in err
    seed = json.loads((out / "manifest.json").read_text())["replication_seeds"][2]
    assert f"chunk {bad}" in err and f"seed {seed}" in err and "3 times" in err
    assert len(list((out / "runs").glob("part-*"))) == 5  # every other chunk finished and kept


def test_a_dask_worker_killed_mid_run_loses_nothing(tiny, undisturbed, tmp_path):
    from distributed import Client, LocalCluster

    killed: list[int] = []
    out = tmp_path / "r"
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):

        def kill_a_busy_worker(chunk):
            if killed:
                return
            busy = [w for w, keys in client.processing().items() if keys]
            (pid,) = (
                client.run(os.getpid, workers=busy[:1] or None).values()
                if busy
                else [next(iter(client.run(os.getpid).values()))]
            )
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

        run_experiment(
            tiny,
            scheduler=cluster.scheduler_address,
            out=out,
            report=False,
            on_chunk=kill_a_busy_worker,
        )
    assert killed
    assert part_bytes(out) == undisturbed


# ------------------------------------------------------------- 6. every file is written whole


def test_a_write_that_fails_halfway_leaves_every_old_file_intact(
    tiny, tmp_path, monkeypatch, capsys
):
    out = tmp_path / "r"
    run_experiment(tiny, workers=1, out=out)
    written = [p for p in out.rglob("*") if p.is_file() and p.name != ".lock"]
    names = {p.name for p in written}
    assert {"summary.csv", "differences.csv", "report.html", "manifest.json"} <= names
    assert {"stalemate.png", "network.png"} <= names
    before = {p: p.read_bytes() for p in written}

    real = files._fill

    def fail_for(target: str):
        def disk_full_halfway(fh, data):
            if f".{target}.tmp-" not in fh.name:
                return real(fh, data)
            fh.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

        return disk_full_halfway

    store = ResultStore.existing(out)
    summary = summarize(store)
    drawn = {p.stem: p for p in (out / "figures").glob("*.png")}
    monkeypatch.setattr(report_module, "write_figures", lambda summary, folder: drawn)
    writers = {
        "summary.csv": lambda: write_tables(summary, out),
        "stalemate.png": lambda: stalemate_plot(summary, out / "figures" / "stalemate.png"),
        "report.html": lambda: report_module.write_report(store, summary),
        "manifest.json": lambda: run_experiment(tiny, workers=1, out=out),  # a resume
    }
    for target, write in writers.items():
        monkeypatch.setattr(files, "_fill", fail_for(target))
        # the writers raise the disk's error; a run reports it naming the folder (WriteFailed)
        with pytest.raises((OSError, WriteFailed), match="No space"):
            write()
        (path,) = [p for p in before if p.name == target]
        assert path.read_bytes() == before[path], f"{target} was damaged"
    monkeypatch.setattr(files, "_fill", fail_for("manifest.json"))
    capsys.readouterr()
    assert main(["run", str(tiny), "--workers", "1", "--out", str(out), "--no-progress"]) == 3
    err = capsys.readouterr().err
    assert "No space left on device" in err and err.count("\n") == 1 and "Traceback" not in err
    monkeypatch.undo()
    assert not list(out.glob(files.TEMP_GLOB))
