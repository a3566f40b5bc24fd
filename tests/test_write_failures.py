"""A results folder that will not take a file is one paragraph, exit 3, and loses nothing.

Each job (an experiment, a sensitivity analysis, a design search) runs in a subprocess under a
limit on file size (``ulimit -f``, ``RLIMIT_FSIZE``), set so that a file written partway through
the job is refused: the job must stop with exit code 3 (not 1), no traceback, one paragraph naming
the folder and the limit; then the same job, run again without the limit, must give exactly the
files of a job never stopped. Until issue 26 these were tracebacks ending in ``OSError: [Errno
27] File too large`` (run, analysis) or optuna's ``StorageInternalError`` over SQLite's ``disk
I/O error`` (search), exit code 1. A full disk, a quota or a read-only folder (in a file of ours
or in the search's SQLite study, however wrapped) is reported the same way, saying what to free.
"""

from __future__ import annotations

import errno
import resource
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from alliance_sim import run_experiment
from alliance_sim.batch.files import writing_results
from alliance_sim.errors import WriteFailed
from alliance_sim.search.runner import run_search
from tests.test_experiment_run import TEXT as EXPERIMENT
from tests.test_search_resume import SEARCH

ROOT = Path(__file__).resolve().parents[1]

ANALYSIS = """\
[experiment]
name = "limited"
scenario = "mid-notts"
replications = 2
seed = 11
horizon_days = 240

[set]
"scenario.transition_end" = "2016-10-31"

[factors]
"parties.council.membership" = ["full", "associate"]

[[sensitivity]]
name = "screening"
method = "morris"
trajectories = 2
batch = 10
"""


def limited(limit: int, *args: str) -> subprocess.CompletedProcess:
    """``alliance-sim ARGS`` in a process that may write no file larger than ``limit`` bytes."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "alliance_sim.cli", *args, "--workers", "1", "--no-progress"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        preexec_fn=cap,
    )


def files(folder: Path, pattern: str) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.glob(pattern))}


def assert_reported(result: subprocess.CompletedProcess, out: Path) -> None:
    err = result.stderr
    assert result.returncode == 3, err
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert err.startswith(f"alliance-sim: {out}: ") and "ulimit -f" in err
    assert "run the same command again" in err
    assert not list(out.glob("**/.*.tmp-*"))  # no half-written file left behind


def test_an_experiment_stopped_by_a_file_size_limit_is_reported_and_resumes(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(EXPERIMENT, encoding="utf-8")
    run_experiment(path, workers=1, out=tmp_path / "reference")
    reference = tmp_path / "reference"
    # every file of the first chunk fits; a later file (a larger part, or the report) does not
    first = max(p.stat().st_size for p in reference.glob("*/part-c00000-r0000000-*"))
    assert max(p.stat().st_size for p in reference.rglob("*")) > first + 1
    out = tmp_path / "limited"

    result = limited(first + 1, "run", str(path), "--out", str(out))
    assert_reported(result, out)
    kept = files(out, "*/part-*.parquet")
    assert kept and set(kept.items()) <= set(files(reference, "*/part-*.parquet").items())

    run_experiment(path, workers=1, out=out)
    for pattern in ("*/part-*.parquet", "*.csv"):
        assert files(out, pattern) == files(reference, pattern)


def test_a_sensitivity_analysis_stopped_by_a_file_size_limit_is_reported_and_resumes(tmp_path):
    path = tmp_path / "limited.toml"
    path.write_text(ANALYSIS, encoding="utf-8")
    run_experiment(path, workers=1, out=tmp_path / "reference", report=False)
    reference = tmp_path / "reference"
    parts = sorted((reference / "screening" / "runs").glob("part-*"))
    assert len(parts) > 1
    out = tmp_path / "limited"

    # the report is far larger than any file the stage writes before it
    result = limited(max(p.stat().st_size for p in parts) + 1, "run", str(path), "--out", str(out))
    assert_reported(result, out)

    run_experiment(path, workers=1, out=out, report=False)
    for pattern in ("screening/runs/part-*", "screening/*.csv", "screening/*.parquet"):
        assert files(out, pattern) == files(reference, pattern)


def test_a_search_stopped_by_a_file_size_limit_is_reported_and_resumes(tmp_path):
    import optuna

    path = tmp_path / "search.toml"
    path.write_text(textwrap.dedent(SEARCH).replace("candidates = 6", "candidates = 24"))
    run_search(path, workers=1, out=tmp_path / "reference", report=False)
    reference = tmp_path / "reference"
    # the study grows a page (4 KiB) at a time as trials are written: one page short of its
    # final size stops it while the search writes its trials (here, with optuna 5.1 and the
    # SQLite of Python 3.11, in the middle of the sixth generation: 16 trials of 24, population 3)
    limit = (reference / "study.db").stat().st_size - 4096 + 1
    out = tmp_path / "limited"

    result = limited(limit, "search", str(path), "--out", str(out))
    assert_reported(result, out)
    stopped = optuna.load_study(storage=f"sqlite:///{out / 'study.db'}", study_name="search")
    assert 0 < len(stopped.trials) < 24

    run_search(path, workers=1, out=out, report=False)
    outputs = ("candidates.csv", "front.csv", "recommendations.csv")
    assert {n: (out / n).read_bytes() for n in outputs} == {
        n: (reference / n).read_bytes() for n in outputs
    }


def test_each_way_a_folder_refuses_a_file_says_what_to_do(tmp_path):
    db = tmp_path / "study.db"
    with sqlite3.connect(db) as made:
        made.execute("create table t (x)")
    read_only = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        read_only.execute("insert into t values (1)")
    except sqlite3.OperationalError as exc:
        refused_by_sqlite = exc  # a real SQLITE_READONLY, as a read-only folder gives
    finally:
        read_only.close()

    def wrapped(exc: BaseException) -> BaseException:
        try:
            try:
                raise exc
            except BaseException as inner:
                raise RuntimeError("storage error") from inner  # as optuna wraps SQLAlchemy's
        except RuntimeError as outer:
            return outer

    cases = {
        "is on a full disk": OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "a")),
        "is on a full disk ": OSError(errno.EDQUOT, "Disk quota exceeded", str(tmp_path / "a")),
        "cannot be written": OSError(errno.EROFS, "Read-only file system", str(tmp_path / "a")),
        "cannot be written ": wrapped(refused_by_sqlite),
    }
    fixes = {"is on a full disk": "free space on the disk", "cannot be written": "writable"}
    for what, exc in cases.items():
        with pytest.raises(WriteFailed) as caught:
            with writing_results(tmp_path):
                raise exc
        said = str(caught.value)
        assert said.startswith(f"{tmp_path}: the results folder {what.strip()}"), said
        assert fixes[what.strip()] in said and "run the same command again" in said
        assert "\n" not in said

    with pytest.raises(ValueError):  # not a write failure: not disguised as one
        with writing_results(tmp_path):
            raise ValueError("a bug")
