"""Experiment files: validation with clear errors, the design they expand to, shipped files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from alliance_sim.batch.design import build_design
from alliance_sim.batch.spec import load_experiment
from alliance_sim.cli import main
from alliance_sim.errors import InputError
from alliance_sim.search.spec import is_search_file

EXPERIMENTS = Path(__file__).resolve().parent.parent / "experiments"

GOOD = """\
[experiment]
name = "tiny"
scenario = "mid-notts"
replications = 6
seed = 11
chunk_size = 4

[factors]
"parties.council.membership" = ["full", "associate"]
"board.rule" = ["unanimity", "best_for_service", "qualified_majority"]
"""


def write(tmp_path: Path, text: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_full_factorial_with_common_seeds_and_fixed_chunks(tmp_path):
    design = build_design(load_experiment(write(tmp_path, GOOD)))
    assert design.n_designs == 6 and len(design.cells) == 6
    assert design.total_runs == 36
    labels = [dict(c.labels) for c in design.cells]
    assert labels[0] == {"parties.council.membership": "full", "board.rule": "unanimity"}
    assert labels[5] == {
        "parties.council.membership": "associate",
        "board.rule": "qualified_majority",
    }
    assert design.cells[4].overrides == {
        "parties.council.membership": "associate",
        "board.rule": "best_for_service",
    }
    # replication r of every cell has the same seed: chunks [0, 4) and [4, 6) of each cell
    chunks = design.chunks()
    assert [(c.cell, c.start, c.stop) for c in chunks[:3]] == [(0, 0, 4), (0, 4, 6), (1, 0, 4)]
    assert chunks[0].seeds == chunks[2].seeds
    assert len(set(design.seeds)) == 6
    # seeds come from the master seed alone
    again = build_design(load_experiment(write(tmp_path, GOOD, "again.toml")))
    assert again.seeds == design.seeds
    other = build_design(load_experiment(write(tmp_path, GOOD.replace("11", "12"), "o.toml")))
    assert not set(other.seeds) & set(design.seeds)


def test_latin_hypercube_covers_each_stratum_once(tmp_path):
    text = GOOD + (
        '\n[uncertain]\nsamples = 10\ninteger = ["board.cadence_days"]\n'
        "[uncertain.ranges]\n"
        '"stream.economics.social_care_uplift" = [0.1, 0.3]\n'
        '"board.cadence_days" = [14, 42]\n'
    )
    design = build_design(load_experiment(write(tmp_path, text)))
    assert len(design.cells) == 6 * 10
    uplift = design.points[:, 0]
    strata = np.floor((uplift - 0.1) / 0.2 * 10).astype(int)
    assert sorted(strata) == list(range(10))  # one sample in each tenth of the range
    assert set(design.points[:, 1]) <= set(range(14, 43))
    # every design sees the same sampled points
    first = [dict(c.labels)["stream.economics.social_care_uplift"] for c in design.cells[:10]]
    last = [dict(c.labels)["stream.economics.social_care_uplift"] for c in design.cells[-10:]]
    assert first == last
    assert isinstance(dict(design.cells[0].labels)["board.cadence_days"], int)


def test_bundled_factor_sets_several_fields(tmp_path):
    text = """\
[experiment]
name = "veto"
scenario = "nhse-template"
replications = 2
seed = 1
[factors."full members"]
levels = [7, 6]
[factors."full members".set]
"parties.vcse.membership" = ["full", "associate"]
"""
    design = build_design(load_experiment(write(tmp_path, text)))
    scenarios = design.scenarios()
    assert [dict(c.labels)["full members"] for c in design.cells] == [7, 6]
    assert str(scenarios[1].parties["vcse"].membership) == "associate"


@pytest.mark.parametrize(
    "path",
    sorted(p for p in EXPERIMENTS.glob("*.toml") if not is_search_file(p)),  # see test_search.py
    ids=lambda p: p.stem,
)
def test_shipped_experiments_load_and_expand(path):
    experiment = load_experiment(path)
    design = build_design(experiment)
    scenarios = design.scenarios()
    assert len(scenarios) == len(design.cells) >= 2
    if not experiment.spec.sensitivity:  # sensitivity stages run each cell at every sample point
        assert design.total_runs >= 1000


def test_headline_experiment_is_the_council_question():
    design = build_design(load_experiment(EXPERIMENTS / "full_vs_associate.toml"))
    assert design.n_designs == 4 and design.replications == 500 and design.total_runs == 2000
    assert design.factor_names == ["parties.council.membership", "board.rule"]


BAD = {
    "unknown field": (
        GOOD.replace("replications = 6", "replication = 6"),
        ["experiment.replication", "not a known field"],
    ),
    "wrong type": (
        GOOD.replace("replications = 6", 'replications = "many"'),
        ["experiment.replications", "'many'"],
    ),
    "unknown factor path": (
        GOOD.replace('"parties.council.membership"', '"parties.counsil.membership"'),
        ["factors.parties.counsil.membership", "counsil", "council"],
    ),
    "unknown nested field": (
        GOOD.replace('"board.rule"', '"board.rules"'),
        ["factors.board.rules", "`board` has no field `rules`", "rule"],
    ),
    "bad level": (
        GOOD.replace('"unanimity",', '"consensus",'),
        ["board.rule", "consensus", "unanimity"],
    ),
    "malformed TOML": (GOOD.replace("seed = 11", "seed = = 11"), ["not valid TOML", "line"]),
    "empty levels": (
        GOOD.replace('["full", "associate"]', "[]"),
        ["factors", "no levels"],
    ),
    "unknown scenario": (
        GOOD.replace('"mid-notts"', '"mid-nots"'),
        ["experiment.scenario", "mid-nots", "built-in scenarios"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_experiment_file_gets_one_clear_paragraph(case, tmp_path, capsys):
    text, needles = BAD[case]
    path = write(tmp_path, text)
    code = main(["run", str(path), "--workers", "1", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert err.startswith("alliance-sim: ") and err.count("\n") == 1  # one paragraph
    assert str(path) in err
    for needle in needles:
        assert needle in err
    assert not (tmp_path / "out").exists()  # nothing was run or written


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such experiment file"):
        load_experiment(tmp_path / "nope.toml")
