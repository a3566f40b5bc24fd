"""Sensitivity stages through the runner: known indices recovered, common random numbers, workers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from alliance_sim.batch.spec import load_experiment
from alliance_sim.cli import main
from alliance_sim.errors import InputError
from alliance_sim.exploration.runner import run_analysis

from . import gsa_functions as gsa

HEAD = """\
[experiment]
name = "{name}"
scenario = "mid-notts"
replications = {reps}
seed = 11
horizon_days = 240             # a short term keeps the alliance tests quick

[set]
"scenario.transition_end" = "2016-10-31"
"""


def _file(tmp_path, name, body, reps=1):
    path = tmp_path / f"{name}.toml"
    path.write_text(HEAD.format(name=name, reps=reps) + body, encoding="utf-8")
    return path


def _run(path, tmp_path, model, workers=1, **kw):
    return run_analysis(
        load_experiment(path),
        workers=workers,
        out=tmp_path / "out",
        report=False,
        model=model,
        **kw,
    )


def test_ishigami_sobol_indices_are_recovered_within_their_intervals(tmp_path):
    path = _file(
        tmp_path,
        "ishigami",
        '[[sensitivity]]\nname = "sobol"\nmethod = "sobol"\nsamples = 2048\nbatch = 512\n',
    )
    stage = _run(path, tmp_path, gsa.ISHIGAMI).stages["sobol"]
    got = stage.indices.set_index("factor")
    assert len(stage.sample.unit) == 2048 * 5  # Saltelli without second order: N (k + 2)
    for i, (s1, st) in enumerate(zip(gsa.ISHIGAMI_S1, gsa.ISHIGAMI_ST, strict=True), start=1):
        row = got.loc[f"x{i}"]
        assert abs(row["S1"] - s1) <= row["S1_conf"], (i, row["S1"], s1, row["S1_conf"])
        assert abs(row["ST"] - st) <= row["ST_conf"], (i, row["ST"], st, row["ST_conf"])
        assert row["S1_conf"] < 0.1 and row["ST_conf"] < 0.1  # intervals narrow enough to mean it


def test_morris_ranks_the_sobol_g_inputs_in_their_known_order(tmp_path):
    from SALib.analyze import morris

    path = _file(
        tmp_path,
        "g",
        '[[sensitivity]]\nname = "m"\nmethod = "morris"\ntrajectories = 40\ngroups = "field"\n',
    )
    stage = _run(path, tmp_path, gsa.SOBOL_G).stages["m"]
    got = stage.indices.set_index("factor")
    order = got.sort_values("mu_star", ascending=False).index.tolist()
    assert order[:4] == ["x1", "x2", "x3", "x4"]
    # the important ones are told apart by their intervals, and x5, x6 are below x4's interval
    for a, b in (("x1", "x2"), ("x2", "x3"), ("x3", "x4")):
        assert got.at[a, "mu_star"] - got.at[a, "mu_star_conf"] > got.at[b, "mu_star"]
    for dummy in ("x5", "x6"):
        assert got.at[dummy, "mu_star"] < got.at["x4", "mu_star"] - got.at["x4", "mu_star_conf"]
    # μ* is SALib's own estimate from the same sample and outputs
    y = stage.outcomes.values["y"].to_numpy()
    direct = morris.analyze(stage.sample.problem(), stage.sample.unit, y, num_levels=4)
    assert np.allclose(got.loc[[f"x{i}" for i in range(1, 7)], "mu_star"], direct["mu_star"])
    assert (got["sigma_lo"] <= got["sigma"]).all() and (got["sigma"] <= got["sigma_hi"]).all()


def test_common_random_numbers_make_a_dummy_input_exactly_inert(tmp_path):
    path = _file(
        tmp_path,
        "crn",
        '[[sensitivity]]\nname = "m"\nmethod = "morris"\ntrajectories = 10\ngroups = "field"\n',
        reps=5,
    )
    stage = _run(path, tmp_path, gsa.NOISY).stages["m"]
    got = stage.indices.set_index("factor")
    # every point runs the same replication seeds, so the noise cancels in each elementary effect
    assert got.at["x2", "mu_star"] == 0.0
    assert got.at["x1", "mu_star"] == pytest.approx(2.0)
    runs = pd.read_parquet(tmp_path / "out" / "m" / "runs")
    assert runs.groupby("replication")["seed"].nunique().eq(1).all()
    assert runs.groupby("point")["seed"].apply(lambda s: tuple(sorted(s))).nunique() == 1


ALLIANCE = """
[factors]
"parties.council.membership" = ["full", "associate"]

[[sensitivity]]
name = "screening"
method = "morris"
trajectories = 2
batch = 10

[[sensitivity]]
name = "sobol"
method = "sobol"
samples = 8
top = 2
rank_by = "loss_share.council | associate - full"
batch = 10

[discovery]
finding = "loss_share.council | associate - full"
"""


@pytest.fixture(scope="module")
def alliance(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("alliance")
    path = _file(tmp, "alliance", ALLIANCE, reps=2)
    return path, run_analysis(load_experiment(path), workers=1, out=tmp / "one", report=True)


def test_alliance_stages_chain_and_report(alliance):
    path, results = alliance
    screening, sobol = results.stages["screening"], results.stages["sobol"]
    n_families = len(screening.sample.factors)
    assert n_families > 30 and len(screening.sample.unit) == 2 * (n_families + 1)
    ranked = screening.top("loss_share.council | associate - full", 2)["factor"].tolist()
    assert [f.name for f in sobol.sample.factors] == ranked  # stage 2 took stage 1's top two
    runs = pd.read_parquet(results.directory / "screening" / "runs")
    assert len(runs) == 2 * len(screening.sample.unit) * 2  # designs x points x replications
    assert "parties.council.membership" not in {a.path for a in screening.sample.fields}
    text = results.summary.text()
    assert "top drivers of loss_share.council | associate - full" in text
    assert "Discovery:" in text
    html = results.report_path.read_text(encoding="utf-8")
    assert "How to read this" in html and "Robustness of findings" in html
    assert main(["report", str(results.directory)]) == 2  # `run` again rebuilds it, says why
    robust = pd.read_csv(results.directory / "screening" / "robustness.csv")
    assert set(robust["holds"].between(0, 1)) == {True}


def test_same_results_with_two_workers_and_on_resume(tmp_path):
    body = '[[sensitivity]]\nname = "m"\nmethod = "morris"\ntrajectories = 2\nbatch = 20\n'
    path = _file(tmp_path, "workers", '[factors]\n"board.rule" = ["unanimity"]\n' + body)
    one = run_analysis(load_experiment(path), workers=1, out=tmp_path / "one", report=False)
    two = run_analysis(load_experiment(path), workers=2, out=tmp_path / "two", report=False)
    a = pd.read_parquet(tmp_path / "one" / "m" / "runs")
    pd.testing.assert_frame_equal(a, pd.read_parquet(tmp_path / "two" / "m" / "runs"))
    pd.testing.assert_frame_equal(one.stages["m"].indices, two.stages["m"].indices)
    # resuming a finished analysis runs nothing and gives the same indices
    again = run_analysis(load_experiment(path), workers=1, out=tmp_path / "two", report=False)
    pd.testing.assert_frame_equal(again.stages["m"].indices, two.stages["m"].indices)
    assert len(a) == len(one.stages["m"].sample.unit)  # one design, one replication a point
    manifest = json.loads((tmp_path / "two" / "m" / "manifest.json").read_text())
    assert manifest["sessions"][-1]["runs_done_before"] == manifest["runs_total"]


def test_same_results_on_a_dask_cluster(tmp_path):
    from distributed import LocalCluster

    body = '[[sensitivity]]\nname = "m"\nmethod = "morris"\ntrajectories = 6\ngroups = "field"\nbatch = 4\n'
    path = _file(tmp_path, "dask", body, reps=3)
    one = _run(path, tmp_path, gsa.NOISY).stages["m"].indices
    with LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        dask = (
            run_analysis(
                load_experiment(path),
                scheduler=cluster.scheduler_address,
                out=tmp_path / "dask",
                report=False,
                model=gsa.NOISY,
            )
            .stages["m"]
            .indices
        )
    pd.testing.assert_frame_equal(one, dask)


@pytest.mark.parametrize(
    "body, words",
    [
        ('[[sensitivity]]\nname = "s"\nmethod = "sobol"\nsamples = 100\n', "power of two"),
        (
            '[[sensitivity]]\nname = "s"\nmethod = "sobol"\nparameters = ["trust.nope"]\n',
            "not an assumption",
        ),
        (
            '[[sensitivity]]\nname = "s"\nmethod = "sobol"\ntop = 3\nrank_by = "survived"\n',
            "no stage before",
        ),
        ('[discovery]\nfinding = "survived"\n', "needs at least one"),
    ],
)
def test_bad_sensitivity_input_is_one_paragraph_and_exit_2(tmp_path, capsys, body, words):
    path = _file(tmp_path, "bad", body)
    assert main(["run", str(path), "--out", str(tmp_path / "o"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_a_discovery_finding_that_is_not_measured_is_an_input_error(tmp_path):
    body = '[[sensitivity]]\nname = "s"\nmethod = "morris"\ntrajectories = 2\n'
    path = _file(tmp_path, "bad", body + '[discovery]\nfinding = "nope"\n')
    with pytest.raises(InputError, match="`discovery.finding` names `nope`, which is not measured"):
        _run(path, tmp_path, gsa.NOISY)


def test_shipped_robustness_experiment_screens_every_family_then_sobol_over_six():
    from pathlib import Path

    from alliance_sim.config.assumptions import build_registry
    from alliance_sim.exploration.sampling import choose_factors, draw_sample

    path = Path(__file__).parent.parent / "experiments" / "robustness_full_vs_associate.toml"
    experiment = load_experiment(path)
    screening, sobol = experiment.spec.sensitivity
    registry = build_registry("mid-notts")
    factors = choose_factors(registry, screening, None, {"parties.council.membership"})
    assert len(factors) == len(registry.families())  # membership is a design factor, not assumed
    sample = draw_sample(screening, factors, 1)
    assert len(sample.unit) == 20 * (len(factors) + 1)
    assert (sobol.top, sobol.samples, sobol.rank_by) == (6, 256, experiment.spec.discovery.finding)


def test_a_stage_sampled_over_other_factors_is_not_resumed(tmp_path):
    body = '[[sensitivity]]\nname = "m"\nmethod = "morris"\ntrajectories = 2\ngroups = "field"\n'
    path = _file(tmp_path, "resume", body)
    _run(path, tmp_path, gsa.NOISY)
    (tmp_path / "out" / "m" / "factors.json").write_text('["x2"]', encoding="utf-8")
    with pytest.raises(InputError, match="was sampled over"):
        _run(path, tmp_path, gsa.NOISY)
    _run(path, tmp_path, gsa.NOISY, fresh=True)  # --fresh starts the stage over


def test_prim_finds_a_planted_region_of_failure_and_says_it_in_words():
    from alliance_sim.batch.stages import Discovery
    from alliance_sim.config.assumptions import REAL, Assumption
    from alliance_sim.exploration.discovery import discover
    from alliance_sim.exploration.outcomes import Outcomes
    from alliance_sim.exploration.sampling import Factor, Sample

    fields = [Assumption(f"x{i}", f"x{i}", REAL, 0.5, 0.0, 1.0, "", "") for i in range(4)]
    unit = np.random.default_rng(1).random((1000, 4))
    fails = (unit[:, 0] < 0.3) & (unit[:, 2] > 0.6)
    diff = pd.DataFrame({"d": np.where(fails, -1.0, 1.0)})
    sample = Sample("sobol", fields, [Factor(a.path, (a,)) for a in fields], unit)
    found = discover(sample, Outcomes(["d"], diff, diff, diff, ["d"]), Discovery(finding="d"))
    limits = {path: (low, high) for path, low, high, _ in found.box.limits}
    assert set(limits) == {"x0", "x2"}  # only the two planted dimensions are restricted
    assert limits["x0"][0] is None and abs(limits["x0"][1] - 0.3) < 0.03
    assert limits["x2"][1] is None and abs(limits["x2"][0] - 0.6) < 0.03
    assert found.box.coverage >= 0.9 and found.box.density >= 0.9
    assert "x0 < 0.3" in found.text() and "x2 > 0." in found.text()
