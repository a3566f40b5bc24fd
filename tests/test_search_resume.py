"""A design search stopped at any moment resumes to exactly the files of an uninterrupted one.

Each moment is found deterministically: the search runs in its own process group with a hook
that counts what it writes to ``study.db`` and sends SIGINT (Ctrl-C) to the group, or SIGKILL,
at the k-th write; then the same command, run again, must give byte-identical ``candidates.csv``,
``front.csv`` and ``recommendations.csv``. Until issue 26 a Ctrl-C while a generation was being
written left part of it in the study, and the resumed search started its generations at another
boundary (other designs, and once another recommendation); a kill before the study's input hash
was written left a study that could never be resumed ("made from a different version ... sha256
?").
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from alliance_sim.search.runner import run_search

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = ("candidates.csv", "front.csv", "recommendations.csv")
POPULATION, CANDIDATES = 3, 6  # two generations

SEARCH = f"""
[experiment]
name = "resume"
scenario = "mid-notts"
replications = 2
seed = 3
horizon_days = 540

[statistics]
bootstrap = 100

[search]
candidates = {CANDIDATES}
population = {POPULATION}
objectives = ["stalemate_rate", "mean_days"]
confirm = 1
confirm_replications = 2
recommend = 1

[search.levers]
"parties.council.authority.threshold_m" = [0.25, 1.0, 3.0]
"board.cadence_days" = {{ low = 14, high = 56, step = 14 }}
"""

# Run `alliance-sim search` with a hook on the study's writes, once per moment (one process, so
# that the imports are paid once): `after_trial k`: Ctrl-C once the k-th trial is committed;
# `in_trial k`: Ctrl-C in the middle of the k-th trial's transaction (as its objective values are
# written); `before_hash`: SIGKILL as the study's first attribute (the input hash) is about to be
# written. Ctrl-C goes to the whole process group, as a terminal's does. Prints each run's exit
# code and what it said on stderr, as JSON.
HOOK = """
import contextlib, io, json, os, signal, sys
import optuna.storages
from sqlalchemy import event
from sqlalchemy.engine import Engine
from alliance_sim.cli import main

path, moments = sys.argv[1], json.loads(sys.argv[2])
# a shell started in the background (a CI job) ignores SIGINT, and Python then leaves it ignored
signal.signal(signal.SIGINT, signal.default_int_handler)
now = {"moment": "", "k": 0, "trials": 0}
RDB = optuna.storages.RDBStorage
# optuna's study object writes a trial through this (one transaction per trial)
create_new_trial, set_study_user_attr = RDB._create_new_trial, RDB.set_study_user_attr

def interrupt(sig=signal.SIGINT):
    os.killpg(os.getpgrp(), sig)

def counted_trial(self, study_id, template_trial=None):
    trial = create_new_trial(self, study_id, template_trial)
    now["trials"] += 1
    if now["moment"] == "after_trial" and now["trials"] == now["k"]:
        interrupt()
    return trial

@event.listens_for(Engine, "before_cursor_execute")
def in_a_trial(conn, cursor, statement, parameters, context, executemany):
    # the k-th trial's values are written after its row and before its commit
    if now["moment"] == "in_trial" and now["trials"] == now["k"] - 1:
        if "INTO trial_values" in statement:
            interrupt()

def first_attribute(self, study_id, key, value):
    if now["moment"] == "before_hash":
        interrupt(signal.SIGKILL)
    return set_study_user_attr(self, study_id, key, value)

RDB._create_new_trial, RDB.set_study_user_attr = counted_trial, first_attribute
said = {}
for moment, k, out in moments:
    now.update(moment=moment, k=k, trials=0)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["search", path, "--out", out, "--workers", "1", "--no-progress"])
    said[out] = (code, err.getvalue())
print(json.dumps(said))
"""
MOMENTS = [
    ("after_trial", 1, 1),  # one trial of the first generation written
    ("in_trial", 2, 1),  # the second trial's transaction cut short
    ("after_trial", 3, 3),  # the first generation whole, the second not yet asked
    ("after_trial", 4, 4),  # one trial of the second generation
    ("in_trial", 6, 5),  # the last trial of the search cut short
]


@pytest.fixture(scope="module")
def search(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    folder = tmp_path_factory.mktemp("resume")
    path = folder / "search.toml"
    path.write_text(textwrap.dedent(SEARCH), encoding="utf-8")
    run_search(path, workers=1, out=folder / "uninterrupted", report=False)
    return path, outputs(folder / "uninterrupted")


def outputs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUTS}


def stopped(path: Path, moments: list[tuple[str, int, Path]]) -> subprocess.CompletedProcess:
    """The search run with the hook at each moment, in a process group of its own."""
    runs = json.dumps([(moment, k, str(out)) for moment, k, out in moments])
    return subprocess.run(
        [sys.executable, "-c", HOOK, str(path), runs],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        start_new_session=True,
    )


@pytest.fixture(scope="module")
def interrupted(search, tmp_path_factory) -> dict[tuple[str, int], tuple[Path, int, str]]:
    """Each moment's folder, exit code and message, from one process interrupted at each."""
    path, _ = search
    folder = tmp_path_factory.mktemp("interrupted")
    moments = [(m, k, folder / f"{m}-{k}") for m, k, _ in MOMENTS]
    result = stopped(path, moments)
    assert result.returncode == 0, result.stderr
    said = json.loads(result.stdout.splitlines()[-1])
    return {(m, k): (out, *said[str(out)]) for m, k, out in moments}


def trials_on_disk(out: Path) -> int:
    import optuna

    storage = optuna.storages.RDBStorage(f"sqlite:///{out / 'study.db'}")
    try:
        return len(optuna.load_study(storage=storage, study_name="search").trials)
    finally:
        storage.engine.dispose()


@pytest.mark.parametrize(("moment", "k", "left"), MOMENTS)
def test_a_search_interrupted_while_writing_a_generation_resumes_to_the_same_files(
    search, interrupted, moment, k, left
):
    path, uninterrupted = search
    out, code, said = interrupted[moment, k]
    assert code == 130, said
    assert "interrupted" in said and "Traceback" not in said
    assert trials_on_disk(out) == left  # the moment the hook meant was the one reached
    assert not (out / "candidates.csv").exists()

    run_search(path, workers=1, out=out, report=False)
    assert outputs(out) == uninterrupted
    assert trials_on_disk(out) == CANDIDATES


def test_a_search_killed_before_its_input_hash_was_written_resumes(search, tmp_path):
    path, uninterrupted = search
    out = tmp_path / "out"
    result = stopped(path, [("before_hash", 0, out)])
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert not (out / "study.db").exists()  # the study appears whole, hash and all, or not at all

    run_search(path, workers=1, out=out, report=False)
    assert outputs(out) == uninterrupted
    assert not list(out.glob(".*.tmp-*"))  # the killed run's half-made study was cleared away


def test_a_study_left_without_its_hash_by_an_earlier_version_is_started_again(search, tmp_path):
    import optuna

    path, uninterrupted = search
    out = tmp_path / "out"
    out.mkdir()
    storage = optuna.storages.RDBStorage(f"sqlite:///{out / 'study.db'}")
    optuna.create_study(storage=storage, study_name="search", directions=["minimize"] * 2)
    storage.engine.dispose()

    run_search(path, workers=1, out=out, report=False)  # not "made from a different version"
    assert outputs(out) == uninterrupted


def test_an_edited_scenario_file_is_not_mixed_into_a_study(tmp_path, capsys):
    from importlib import resources

    from alliance_sim.cli import main

    # a design's simulations are cached by what its levers change: an edited scenario would
    # have reused the old scenario's runs beside the new one's (before issue 26 it was not checked)
    scenario = tmp_path / "alliance.toml"
    builtin = resources.files("alliance_sim").joinpath("scenarios", "mid-notts.toml")
    scenario.write_bytes(builtin.read_bytes())
    path = tmp_path / "search.toml"
    text = textwrap.dedent(SEARCH).replace('"mid-notts"', f'"{scenario}"')
    path.write_text(text.replace("candidates = 6", "candidates = 3"), encoding="utf-8")
    out = tmp_path / "out"
    args = ["search", str(path), "--out", str(out), "--workers", "1", "--no-progress"]
    assert main(args) == 0
    capsys.readouterr()

    scenario.write_text(scenario.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"different version of the scenario {scenario}" in err and "--fresh" in err
    assert main([*args, "--fresh"]) == 0
