"""Rule 11: every shipped scenario loads and runs, its tables have the issue's columns, and the CLI
writes them."""

from __future__ import annotations

import pandas as pd
import pytest

from alliance_sim import builtin_names, load_scenario, simulate
from alliance_sim.cli import main

BUILTINS = builtin_names()
DECISION_COLUMNS = [
    "matter_id", "kind", "title", "proposer", "tabled_day", "decided_day", "days_to_decision",
    "meetings", "referrals", "amendments", "outcome", "blockers",
]  # fmt: skip
OUTCOMES = {"agreed", "stalemate", "void", "reserved", "withdrawn", "open_at_end"}


def test_the_four_documented_scenarios_are_shipped():
    assert {"mid-notts", "walsall", "lambeth-ipsa", "nhse-template"} <= set(BUILTINS)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_scenario_runs(name, seed):
    s = load_scenario(name)
    assert s.scenario.sources, "each built-in scenario cites its sources"
    result = simulate(s, seed=seed)

    d = result.decisions
    assert len(d) > 0
    assert set(DECISION_COLUMNS) <= set(d.columns)
    assert set(d.outcome) <= OUTCOMES
    assert (d.days_to_decision == d.decided_day - d.proposed_day).all()
    assert (d.days_from_tabling == d.decided_day - d.tabled_day).all()
    assert (d.days_to_decision >= d.days_from_tabling).all()
    assert (d.days_from_tabling >= 0).all()
    assert d.matter_id.is_unique
    assert set(d.proposer) <= set(s.parties)
    horizon = (s.scenario.end - s.scenario.start).days
    assert d.decided_day.between(0, horizon).all()

    v = result.votes
    assert len(v) > 0
    assert set(v.vote) <= {"yes", "no", "referred"}
    assert v.reason.map(lambda r: isinstance(r, str) and r.strip() != "").all()
    assert set(v.party) <= set(s.parties)  # who is a full member when is rule 1's business

    e = result.events
    assert len(e) > 0
    assert e.text.map(lambda t: isinstance(t, str) and t.strip() != "").all()
    assert e.day.is_monotonic_increasing

    ts = result.timeseries
    held = result.model.steps  # every meeting, unless the alliance ended early
    assert len(ts) == held
    assert held == len(result.model.meeting_days) or result.model.terminated_day is not None

    summary = result.summary()
    assert summary["matters"] == len(d)
    assert sum(summary[o] for o in OUTCOMES) == len(d)
    assert result.narrative().strip()


def test_council_full_and_associate_both_run():
    full = simulate("mid-notts", seed=3)
    assoc = simulate("mid-notts", seed=3, overrides=["parties.council.membership=associate"])
    assert (assoc.votes.party != "council").all()
    assert (full.votes.party == "council").any()


def test_cli_scenarios_lists_all(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for name in BUILTINS:
        assert name in out


def test_cli_simulate_writes_four_csvs(tmp_path, capsys):
    out_dir = tmp_path / "out"
    assert main(["simulate", "mid-notts", "--seed", "1", "--out", str(out_dir)]) == 0
    stdout = capsys.readouterr().out
    assert "Summary" in stdout and "Board meeting" in stdout
    for name in ("decisions", "votes", "events", "timeseries"):
        path = out_dir / f"{name}.csv"
        assert path.is_file(), name
        assert len(pd.read_csv(path)) > 0, name
    decisions = pd.read_csv(out_dir / "decisions.csv")
    assert set(DECISION_COLUMNS) <= set(decisions.columns)
    assert set(decisions.outcome) <= OUTCOMES
    # the CSV is the same table the API gives
    api = simulate("mid-notts", seed=1).decisions
    assert list(decisions.matter_id) == list(api.matter_id)
    assert list(decisions.outcome) == list(api.outcome)


def test_cli_quiet_prints_only_the_summary(capsys):
    assert main(["simulate", "mid-notts", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Summary" in out and "Board meeting" not in out
