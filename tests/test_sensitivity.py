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
        assert row["flag"] == ""  # so nothing is flagged


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


def test_a_family_moves_as_one_so_its_mu_star_is_its_whole_range_effect(tmp_path):
    body = '[[sensitivity]]\nname = "m"\nmethod = "morris"\ntrajectories = 12\n'
    stage = _run(_file(tmp_path, "family", body), tmp_path, gsa.FAMILY).stages["m"]
    assert [f.name for f in stage.sample.factors] == ["family", "other"]
    got = stage.indices.set_index(["outcome", "factor"])
    # both fields across their whole ranges together change y by 4: every step, not on average
    assert got.at[("y", "family"), "mu_star"] == pytest.approx(4.0)
    assert got.at[("y", "family"), "mu"] == pytest.approx(4.0)
    assert got.at[("down", "family"), "mu"] == pytest.approx(-4.0)  # the family's sign
    assert got.at[("y", "family"), "sigma"] == pytest.approx(0.0, abs=1e-9)
    assert got.at[("y", "other"), "mu_star"] == 0.0
    # at every step a family's fields step the same way by the same share of their ranges
    unit = stage.sample.unit.reshape(12, 3, 3)
    steps = np.diff(unit, axis=1)[..., :2]  # the family's two fields
    moved = np.abs(steps).sum(axis=2) > 0
    assert np.allclose(steps[moved][:, 0], steps[moved][:, 1])
    assert np.allclose(np.abs(steps[moved][:, 0]), 2 / 3)  # 4 levels: a step of 2/3
    # each point is still uniform on the grid for each field
    levels, counts = np.unique(np.round(stage.sample.unit * 3), return_counts=True)
    assert levels.tolist() == [0, 1, 2, 3] and counts.min() > 0.15 * counts.sum()


def test_failures_in_a_one_dimensional_region_too_sparse_for_a_dense_box_are_named():
    """Failures only where x1 is at its lowest grid value, and there only 30% of the time: no box
    reaches density 80%, so the report says so, gives the boxes at lower densities with their
    coverage and density, and names the split where the failures concentrate."""
    from alliance_sim.batch.stages import Discovery
    from alliance_sim.config.assumptions import REAL, Assumption
    from alliance_sim.exploration.discovery import discover
    from alliance_sim.exploration.outcomes import Outcomes
    from alliance_sim.exploration.sampling import Factor, Sample

    fields = [Assumption(f"x{i}", f"x{i}", REAL, 0.5, 0.0, 1.0, "", "") for i in range(4)]
    rng = np.random.default_rng(3)
    unit = rng.integers(0, 4, size=(2000, 4)) / 3  # a 4-level grid, as Morris samples it
    fails = (unit[:, 1] == 0) & (rng.random(2000) < 0.3)
    diff = pd.DataFrame({"d": np.where(fails, -1.0, 1.0)})
    sample = Sample("morris", fields, [Factor(a.path, (a,)) for a in fields], unit)
    found = discover(sample, Outcomes(["d"], diff, diff, diff, ["d"]), Discovery(finding="d"))
    text = found.text()
    assert "No box reaches density 80%" in text and "scattered" not in text
    # the one-dimensional split is found and named, with its rates on both sides
    first = found.splits[0]
    assert (first.field, first.side, first.edge) == ("x1", "below", 0.0)
    assert first.failures_out == 0 and first.failures_in == int(fails.sum())
    assert abs(first.rate_in - 0.3) < 0.05 and first.p_value < 0.01
    assert "x1 ≤ 0: " in text and "fail there" in text and "0.0% elsewhere" in text
    assert {s.field for s in found.splits} == {"x1"}  # no other field is blamed
    # the trade-off at lower densities: the best box at 25% restricts x1 alone
    lower = dict(found.lower)
    assert 0.25 in lower and [lim[0] for lim in lower[0.25].limits] == ["x1"]
    assert lower[0.25].coverage > 0.9 and 0.25 <= lower[0.25].density < 0.8
    assert f"{lower[0.25].coverage:.0%} of the failures" in text
    assert found.box is None and found.short() == "failures concentrate where x1 ≤ 0"
    assert len(found.trajectory) > 1  # the whole peeling trajectory, not a one-row dump box


def test_a_share_of_worlds_says_which_worlds_and_has_an_interval(alliance):
    from alliance_sim.exploration.outcomes import Outcomes
    from alliance_sim.exploration.robustness import Worlds, robustness

    # 20 trajectories of 5 points; the finding fails at the last 2 points of 5 trajectories
    worlds = Worlds("screening", "morris", 100, 20, 4, 4, "families")
    mean = np.ones(100)
    mean[[t * 5 + k for t in range(5) for k in (3, 4)]] = -0.5
    frame = pd.DataFrame({"d | b - a": mean})
    out = Outcomes(["d | b - a"], frame, frame - 0.1, frame + 0.1, ["d | b - a"])
    [v] = robustness(out, worlds, seed=1)
    assert v.holds == 0.9 and v.holds_lo < 0.85 and 0.95 <= v.holds_hi <= 1.0
    assert v.text.startswith(
        f"holds in 90% [{v.holds_lo:.0%}, {v.holds_hi:.0%}] of the 100 sampled"
    )
    # holding everywhere on 20 trajectories is not "robust": 20 units cannot show 95%
    out = Outcomes(["d | b - a"], frame.abs(), frame.abs() - 0.1, frame.abs() + 0.1, ["d | b - a"])
    [v] = robustness(out, worlds, seed=1)
    assert v.holds == 1.0 and 0.8 < v.holds_lo < 0.9 and "robust" not in v.text
    assert "plausible" not in v.text
    text = worlds.text()
    assert "4-level grid" in text and "not a random sample" in text and "20 trajectories" in text
    # a stage that varies few families says it is the narrower test
    narrow = Worlds("sobol", "sobol", 2048, 256, 6, 42, "families").text()
    assert "6 of 42 families varied, the other 36 fixed at the scenario's values" in narrow
    assert "a narrower test than varying all 42, not a stronger one" in narrow
    # and the alliance analysis says it for each stage, in its summary, report and tables
    _, results = alliance
    said = results.summary.text()
    assert "worlds: " in said and "not a random sample" in said and "a narrower test" in said
    page = results.report_path.read_text(encoding="utf-8")
    assert "The worlds." in page and "plausible worlds" not in page
    table = pd.read_csv(results.directory / "sobol" / "robustness.csv")
    assert {"holds_lo", "holds_hi", "worlds"} <= set(table.columns)
    said = table.dropna(subset=["holds_lo"])  # a difference that is zero on average has no share
    assert len(said) and (said["holds_lo"] <= said["holds"]).all()
    assert (said["holds"] <= said["holds_hi"]).all()


def test_sobol_estimates_the_sample_is_too_small_for_are_flagged(tmp_path):
    body = '[[sensitivity]]\nname = "s"\nmethod = "sobol"\nsamples = 16\n'
    results = _run(_file(tmp_path, "small", body), tmp_path, gsa.ISHIGAMI)
    got = results.stages["s"].indices
    assert (got["flag"] != "").all()  # 16 base rows: no index is known to within ±0.1
    assert got.loc[got["ST"] > 1, "flag"].str.contains("above 1").all()
    said = results.summary.text()
    assert f"{len(got)} of {len(got)} estimates are flagged" in said and "raise `samples`" in said
    saved = pd.read_csv(tmp_path / "out" / "s" / "sensitivity.csv")
    assert saved["flag"].notna().all()
    from alliance_sim.exploration.sensitivity import flag_sobol

    crafted = pd.DataFrame(
        {"S1": [0.3, 0.5, -0.2], "S1_conf": [0.02, 0.03, 0.05], "ST": [0.4, 1.3, 0.1],
         "ST_conf": [0.03, 0.05, 0.02]}
    )  # fmt: skip
    flags = flag_sobol(crafted)
    assert flags[0] == ""
    assert "above 1, impossible for a share of variance" in flags[1]
    assert "below 0 beyond its interval" in flags[2] and "S1 above ST" not in flags[2]


def test_a_sampled_world_is_rerun_exactly_from_its_seed_and_settings(alliance, tmp_path):
    """A seed above 2^53 survives a pandas row read, and `alliance-sim simulate --seed ... --set
    ...` with the point's values repeats that run to the penny."""
    path, results = alliance
    runs = pd.read_parquet(results.directory / "screening" / "runs")
    manifest = json.loads((results.directory / "screening" / "manifest.json").read_text())
    seeds = manifest["replication_seeds"]
    assert min(seeds) > 2**53  # 63-bit seeds: a float would round them
    i = int(np.flatnonzero((runs["design"] == 1).to_numpy())[3])
    row = runs.iloc[i]  # a row of mixed columns: pandas would make an integer column float
    assert int(row["seed"]) == seeds[int(row["replication"])]
    for _, r in runs.head(4).iterrows():
        assert int(r["seed"]) == seeds[int(r["replication"])]
    from alliance_sim.exploration.rerun import world

    found = world(path, int(row["replication"]), design=int(row["design"]), stage="screening",
                  point=int(row["point"]), results=results.directory)  # fmt: skip
    assert found.seed == int(row["seed"])
    assert found.overrides["parties.council.membership"] == "associate"
    assert found.command().startswith(f"alliance-sim simulate mid-notts --seed {found.seed} --set")
    assert main([*found.arguments(), "--quiet", "--out", str(tmp_path / "again")]) == 0
    risk = pd.read_csv(tmp_path / "again" / "risk.csv").set_index("party")
    for party in risk.index:
        assert risk.at[party, "expected_net_m"] == pytest.approx(row[f"net_m.{party}"], abs=1e-9)


def test_failures_that_share_a_trajectory_are_not_read_as_a_region():
    """All five worlds of 2 of 40 trajectories fail, whatever their values: the worlds of one
    trajectory share their values, so no split is named and the text says how many units fail."""
    from alliance_sim.batch.stages import Discovery
    from alliance_sim.config.assumptions import REAL, Assumption
    from alliance_sim.exploration.discovery import discover
    from alliance_sim.exploration.outcomes import Outcomes
    from alliance_sim.exploration.sampling import Factor, Sample

    fields = [Assumption(f"x{i}", f"x{i}", REAL, 0.5, 0.0, 1.0, "", "") for i in range(4)]
    rng = np.random.default_rng(5)
    unit = np.repeat(rng.integers(0, 4, size=(40, 4)) / 3, 5, axis=0)  # 40 units of 5 worlds
    fails = np.isin(np.arange(200) // 5, [3, 17])
    diff = pd.DataFrame({"d": np.where(fails, -1.0, 1.0)})
    factors = [Factor(a.path, (a,)) for a in fields]
    sample = Sample("morris", fields, factors, unit, unit_size=5)
    found = discover(sample, Outcomes(["d"], diff, diff, diff, ["d"]), Discovery(finding="d"))
    assert found.splits == []
    assert "fails at 10 of 200 sampled worlds (5.0%), in 2 of the 40 trajectories" in found.text()
    assert "No single assumption's range separates them" in found.text()
