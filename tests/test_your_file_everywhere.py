"""Your file everywhere (issue 24 §8): the workshop takes a scenario file as every other command."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alliance_sim.authoring.template import write
from alliance_sim.cli import main


def test_workshop_takes_a_scenario_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "riverside.toml").write_text(write("riverside"), encoding="utf-8")
    started = {}

    def execve(path, argv, env):  # the command becomes the server: catch it instead
        started.update(argv=argv, env=env)
        raise SystemExit(0)

    monkeypatch.setattr(os, "execve", execve)
    pytest.importorskip("solara")
    with pytest.raises(SystemExit):
        main(["workshop", "riverside.toml", "--seed", "4"])
    scenario = started["env"]["ALLIANCE_SIM_WORKSHOP_SCENARIO"]
    assert scenario == str(tmp_path / "riverside.toml")  # absolute: the server may run elsewhere
    assert "riverside.toml" in capsys.readouterr().out

    from alliance_sim.workshop.design import Design
    from alliance_sim.workshop.pages import app

    monkeypatch.chdir("/")
    monkeypatch.setenv(app.SCENARIO_ENV, scenario)
    monkeypatch.setenv(app.SEED_ENV, "4")
    design = app.initial_design()
    assert design == Design.of(scenario, 4)
    assert design.load().scenario.name == "riverside"


def test_workshop_refuses_a_bad_file_with_one_paragraph(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(write("bad").replace('kind = "council"', 'kind = "parish"'), encoding="utf-8")
    assert main(["workshop", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "parish" in err and "Traceback" not in err and err.count("\n") == 1


def test_an_experiment_reads_its_scenario_relative_to_its_own_folder(tmp_path, monkeypatch):
    from alliance_sim.batch.spec import load_experiment

    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "riverside.toml").write_text(write("riverside"), encoding="utf-8")
    (folder / "exp.toml").write_text(
        '[experiment]\nname = "x"\nscenario = "riverside.toml"\nreplications = 1\nseed = 1\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    experiment = load_experiment("study/exp.toml")
    ref = experiment.scenario_ref("riverside.toml")
    assert Path(ref).resolve() == (folder / "riverside.toml").resolve()
