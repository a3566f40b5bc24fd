"""Issue 26: a factor, bundle or lever may not take the name of a column the results keep.

A factor named ``seed`` or ``replication`` crashed the workers, a bundle ``membership`` doubled
the ledger's column, one named ``design`` ran everything and then crashed, and a search lever
named ``design`` was accepted and broke the join of ``candidates.csv`` with
``recommendations.csv``. Each must be refused before anything runs: exit 2, one paragraph naming
the file and the field, nothing written. The clashing names are read from real result tables (an
experiment's, a sensitivity stage's and a search's), not from the list the check keeps, so that
a column added to a table without being reserved is caught here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from alliance_sim import run_experiment
from alliance_sim.batch.spec import load_experiment
from alliance_sim.cli import main
from alliance_sim.config.loading import load_scenario
from alliance_sim.exploration.points import alliance_metrics
from alliance_sim.exploration.runner import run_analysis
from alliance_sim.search.runner import run_search
from tests.test_input_limits import refused

HEAD = """\
[experiment]
name = "names"
scenario = "mid-notts"
replications = {reps}
seed = 2
horizon_days = 240

[set]
"scenario.transition_end" = "2016-10-31"
"""
FACTOR = '[factors]\n"parties.council.membership" = ["full", "associate"]\n'
STAGE = '[[sensitivity]]\nname = "screening"\nmethod = "morris"\ntrajectories = 2\nbatch = 50\n'
SEARCH = """
[search]
candidates = 4
population = 2
objectives = ["stalemate_rate", "mean_days"]
confirm = 1
confirm_replications = 2
recommend = 1

[search.levers]
"board.cadence_days" = [14, 28]
"""
BUNDLE = '[{table}."{name}"]\nlevels = ["a", "b"]\nset = {{ "board.notice_days" = [7, 14] }}\n'
IDENTITY = ("cell", "design", "sample", "point", "replication", "seed")
PARTIES = tuple(load_scenario("mid-notts").parties)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def columns(tmp_path_factory) -> dict[str, set[str]]:
    """The columns each kind of result table gives itself (not a factor's, lever's or measure's)."""
    folder = tmp_path_factory.mktemp("columns")
    experiment = write(folder, "run.toml", HEAD.format(reps=2) + FACTOR)
    results = run_experiment(experiment, workers=1, out=folder / "run", report=False)
    run_tables = set().union(*(results.table(t).columns for t in results.tables()))
    run_tables -= {"parties.council.membership"}

    analysis = write(folder, "analysis.toml", HEAD.format(reps=1) + STAGE)
    stage = run_analysis(load_experiment(analysis), workers=1, out=folder / "analysis",
                         report=False).stages["screening"]  # fmt: skip
    points = set(pd.read_parquet(stage.directory / "runs").columns)
    points -= set(alliance_metrics(PARTIES))

    search = write(folder, "search.toml", HEAD.format(reps=1) + SEARCH)
    found = run_search(search, workers=1, out=folder / "search", report=False)
    own = {"board.cadence_days", "stalemate_rate", "mean_days"}
    candidates = {c for c in found.candidates.columns if c not in own}
    front = set(found.front_table().columns) - own
    front = {c for c in front if c.removesuffix("_lo").removesuffix("_hi") not in own}
    clashing = {"run": run_tables, "point": points, "search": candidates | front}
    return {k: {c for c in v if not c.startswith("violation:")} for k, v in clashing.items()}


def test_the_tables_identity_columns_are_found(columns):
    assert set(IDENTITY) - {"point"} <= columns["run"]
    assert set(IDENTITY) <= columns["point"]
    assert {"trial", "generation", "design", "feasible", "role"} <= columns["search"]
    assert {"membership", "party", "kind", "stalemate_rate"} <= columns["run"]  # records'


@pytest.mark.parametrize("name", IDENTITY)
def test_each_identity_name_is_refused_as_a_factor_bundle_and_lever(tmp_path, capsys, name):
    cases = {
        f"factors.{name}": HEAD.format(reps=2) + f'[factors]\n"{name}" = [1, 2]\n',
        f"factors.{name} ": HEAD.format(reps=2) + BUNDLE.format(table="factors", name=name),
        f"search.levers.{name}": HEAD.format(reps=1) + SEARCH + f'"{name}" = [1, 2]\n',
        f"search.levers.{name} ": HEAD.format(reps=1) + SEARCH
        + BUNDLE.format(table="search.levers", name=name),
    }  # fmt: skip
    for field, text in cases.items():
        path = write(tmp_path, "clash.toml", text)
        command = "search" if field.startswith("search") else "run"
        out = tmp_path / "out"
        err = refused(capsys, [command, str(path), "--out", str(out), "--workers", "1"])
        assert f"{path}: field `{field.strip()}`" in err and f"`{name}` is the name of" in err
        assert not out.exists()  # refused before anything ran or was written


def test_every_column_a_result_table_gives_itself_is_refused(tmp_path, capsys, columns):
    """As a bundle factor (run tables, stage runs) and as a bundle lever (the search's tables)."""
    for kind, names in columns.items():
        for name in sorted(names):
            if kind == "search":
                text = HEAD.format(reps=1) + SEARCH + BUNDLE.format(table="search.levers",
                                                                    name=name)  # fmt: skip
                command, field = "search", f"search.levers.{name}"
            else:
                tail = STAGE if kind == "point" else ""
                text = HEAD.format(reps=1) + BUNDLE.format(table="factors", name=name) + tail
                command, field = "run", f"factors.{name}"
            path = write(tmp_path, "clash.toml", text)
            args = [command, str(path), "--out", str(tmp_path / "out"), "--workers", "1"]
            assert main(args) == 2, name
            err = capsys.readouterr().err
            assert f"field `{field}`" in err, err
    assert not (tmp_path / "out").exists()


def test_a_lever_named_like_an_objective_is_refused(tmp_path, capsys):
    text = HEAD.format(reps=1) + SEARCH + BUNDLE.format(table="search.levers", name="mean_days")
    err = refused(capsys, ["search", str(write(tmp_path, "s.toml", text)), "--workers", "1"])
    assert "`mean_days` is the name of a column candidates.csv already has" in err
