"""Issue 26: refusals that came late (after stage 1, after files were written) or never.

An unknown ``rank_by`` was refused only after stage 1 had run (17,200 runs at the shipped size),
an unreachable ``--scheduler`` left ``.lock``, ``experiment.toml`` and ``manifest.json`` behind,
``board.cadence_days = 1e17`` and ``[discovery] threshold = inf`` were accepted, a folder given
as a file was "no such file", and a one-replication analysis printed numpy's RuntimeWarning.
Each must now be refused before anything runs or is written: exit 2, one paragraph naming the
file and the field.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from alliance_sim.batch.spec import load_experiment
from alliance_sim.cli import main
from alliance_sim.config.loading import load_scenario
from alliance_sim.errors import InputError
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


@pytest.mark.parametrize(
    ("setting", "field"),
    [
        ("board.cadence_days=1e17", "board.cadence_days"),
        ("parties.council.home_body.cadence_days=1000", "home_body.cadence_days"),
        ("board.notice_days=100000", "board.notice_days"),
        ("board.amendment_step=nan", "board.amendment_step"),
        ("parties.council.authority.threshold_m=inf", "threshold_m"),
        ("stream.kinds.service_change.rate_per_year=1e6", "rate_per_year"),
        ("risk.funding_shocks_per_year=1e7", "funding_shocks_per_year"),
        ("trust.rep_turnover_per_year=1e7", "rep_turnover_per_year"),
        ("risk.period_days=1000000000", "risk.period_days"),
        ("risk.levels.4.min_score=nan", "min_score"),
        ("scenario.end=9999-12-31", "at most 50 years"),
    ],
)
def test_a_scenario_value_out_of_any_plausible_range_is_refused(setting, field):
    # validated only: before issue 26 some of these ran for ever, filling gigabytes
    with pytest.raises(InputError, match=re.escape(field)):
        load_scenario("mid-notts", [setting])


def test_a_board_that_never_meets_is_refused_at_the_command_line(capsys):
    err = refused(capsys, ["simulate", "mid-notts", "--quiet", "--set", "board.cadence_days=1e17"])
    assert "board.cadence_days" in err and "365" in err


def test_the_lowest_kpi_level_still_takes_any_score(capsys):
    assert main(["simulate", "walsall", "--quiet", "--set", "risk.levels.4.min_score=-inf"]) == 0


@pytest.mark.parametrize(
    ("tail", "field"),
    [
        (STAGE + '[discovery]\nfinding = "mean_days"\nthreshold = inf\n', "discovery.threshold"),
        (STAGE + '[discovery]\nfinding = "mean_days"\nthreshold = nan\n', "discovery.threshold"),
        ('[uncertain]\nsamples = 2\nranges = { "board.amendment_step" = [0.5, inf] }\n',
         "uncertain.ranges"),
        ('[factors]\n"board.amendment_step" = [0.5, nan]\n', "factors"),
    ],
)  # fmt: skip
def test_an_experiment_value_that_is_not_finite_is_refused(tmp_path, capsys, tail, field):
    path = write(tmp_path, "inf.toml", HEAD.format(reps=1) + tail)
    err = refused(capsys, ["run", str(path), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert field in err
    assert not (tmp_path / "out").exists()


def test_a_search_range_or_horizon_without_bound_is_refused(tmp_path, capsys):
    text = HEAD.format(reps=1) + SEARCH.replace("[14, 28]", "{ low = 14, high = inf }")
    err = refused(capsys, ["search", str(write(tmp_path, "s.toml", text)), "--workers", "1"])
    assert "search.levers" in err and "finite" in err
    text = HEAD.format(reps=1).replace("horizon_days = 240", "horizon_days = 10000000") + SEARCH
    args = ["search", str(write(tmp_path, "s.toml", text)), "--workers", "1"]
    assert "experiment.horizon_days" in refused(capsys, args)


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
