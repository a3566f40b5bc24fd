"""Issue 26: refusals that came late (after stage 1, after files were written) or never.

An unknown ``rank_by`` was refused only after stage 1 had run (17,200 runs at the shipped size),
an unreachable ``--scheduler`` left ``.lock``, ``experiment.toml`` and ``manifest.json`` behind,
``board.cadence_days = 1e17`` and ``[discovery] threshold = inf`` were accepted, a folder given
as a file was "no such file", and a one-replication analysis printed numpy's RuntimeWarning.
Each must now be refused before anything runs or is written: exit 2, one paragraph naming the
file and the field.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from alliance_sim.batch.spec import load_experiment
from alliance_sim.cli import main
from alliance_sim.exploration.outcomes import outcome_names
from alliance_sim.exploration.points import alliance_metrics
from alliance_sim.exploration.runner import run_analysis
from tests.test_input_limits import refused
from tests.test_reserved_names import FACTOR, HEAD, PARTIES, SEARCH, STAGE, write

ROOT = Path(__file__).resolve().parents[1]

DIFFERENCE = "{} | associate - full"
STAGES = (
    STAGE.replace("batch = 50", f"batch = 50\noutcomes = ['{DIFFERENCE.format('stalemate_rate')}']")
    + '[[sensitivity]]\nname = "sobol"\nmethod = "sobol"\nsamples = 8\ntop = 2\n'
)


@pytest.mark.parametrize(
    ("tail", "field"),
    [
        (STAGES.replace("top = 2", 'top = 2\nrank_by = "speed"'), "sensitivity[1].rank_by"),
        # measured, but not by the stage before (it analyses only the stalemate rate)
        (
            STAGES.replace("top = 2", f'top = 2\nrank_by = "{DIFFERENCE.format("mean_days")}"'),
            "sensitivity[1].rank_by",
        ),
        (STAGE + "outcomes = ['speed']\n", "sensitivity[0].outcomes"),
        (STAGE + '[discovery]\nfinding = "speed"\n', "discovery.finding"),
        (STAGE + '[discovery]\nfinding = "mean_days"\nstage = "other"\n', "discovery.stage"),
        (STAGE + "parameters = ['trust.nope']\n", "not an assumption"),
    ],
)
def test_a_sensitivity_analysis_refuses_what_a_later_stage_needs_before_stage_1(
    tmp_path, capsys, tail, field
):
    path = write(tmp_path, "stages.toml", HEAD.format(reps=1) + FACTOR + tail)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err  # one paragraph (which may list every assumption family)
    assert "Traceback" not in err and err.count("\n") == 1
    assert str(path) in err and field in err
    assert not out.exists()  # stage 1 did not run, and no lock or manifest was left


def test_the_names_checked_up_front_are_those_the_stage_measures(tmp_path):
    path = write(tmp_path, "a.toml", HEAD.format(reps=2) + FACTOR + STAGE)
    stage = run_analysis(load_experiment(path), workers=1, out=tmp_path / "o", report=False)
    measured = stage.stages["screening"].outcomes
    designs = [{"parties.council.membership": v} for v in ("full", "associate")]
    assert outcome_names(alliance_metrics(PARTIES), designs) == (
        measured.names,
        measured.differences,
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again on leaving: nothing answers there


def test_an_unreachable_scheduler_leaves_nothing_behind(tmp_path):
    files = {
        "run": write(tmp_path, "run.toml", HEAD.format(reps=2) + FACTOR),
        "analysis": write(tmp_path, "analysis.toml", HEAD.format(reps=1) + FACTOR + STAGE),
        "search": write(tmp_path, "search.toml", HEAD.format(reps=1) + SEARCH),
    }
    address = f"tcp://127.0.0.1:{_closed_port()}"
    running = {}
    for job, path in files.items():  # side by side: each waits out the 10 s connection timeout
        command = "search" if job == "search" else "run"
        args = [command, str(path), "--scheduler", address, "--out", str(tmp_path / job)]
        running[job] = subprocess.Popen(
            [sys.executable, "-m", "alliance_sim.cli", *args, "--no-progress"],
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
    for job, process in running.items():
        err = process.communicate(timeout=300)[1]
        assert process.returncode == 2, err
        assert "cannot reach a Dask scheduler" in err and "Traceback" not in err
        assert not (tmp_path / job).exists(), f"{job} left {list((tmp_path / job).iterdir())}"


# ---------------------------------------------------------------- silent acceptances, now refused


def test_a_folder_given_as_a_file_is_called_a_folder(tmp_path, capsys):
    folder = tmp_path / "alliance.toml"
    folder.mkdir()
    write(folder, "inside.toml", "")
    for args in (["simulate", str(folder)], ["run", str(folder)], ["search", str(folder)]):
        err = refused(capsys, args)
        assert f"{folder}: is a folder, not a" in err and "inside.toml" in err
    path = write(tmp_path, "uses.toml", HEAD.format(reps=1).replace("mid-notts", folder.name))
    err = refused(capsys, ["run", str(path), "--out", str(tmp_path / "out")])
    assert "is a folder, not a scenario file" in err


def test_a_one_replication_analysis_warns_of_nothing(tmp_path):
    path = write(tmp_path, "one.toml", HEAD.format(reps=1) + FACTOR + STAGE)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_analysis(load_experiment(path), workers=1, out=tmp_path / "o", report=False)
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], [
        str(w.message) for w in caught
    ]
