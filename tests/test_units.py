"""Units you cannot misread (issue 24 §5): one unit per table, and every unit and term explained."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from alliance_sim import simulate
from alliance_sim.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_ledger_csv_has_one_unit_for_its_money(tmp_path, capsys):
    assert main(["simulate", "mid-notts", "--seed", "1", "--quiet", "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    ledger = pd.read_csv(tmp_path / "ledger.csv")
    assert not [c for c in ledger.columns if c.endswith("_pence")]
    exact = simulate("mid-notts", seed=1).ledger
    for pence, pounds in [("pool_pence", "pool_m"), ("paid_in_pence", "paid_in_m"),
                          ("share_pence", "share_received_m")]:  # fmt: skip
        assert ledger[pounds].to_numpy() == pytest.approx(exact[pence].to_numpy() / 1e8, abs=1e-12)
    assert ledger["pool_m"].abs().max() > 0  # a scheme was agreed on this seed: not vacuous
    # the transfer (share received less paid in) is the same amount in either unit
    transfer = (exact["share_pence"] - exact["paid_in_pence"]).to_numpy() / 1e8
    assert ledger["share_m"].to_numpy() == pytest.approx(transfer, abs=1e-9)


def test_single_run_summary_explains_its_risk_columns(capsys):
    assert main(["simulate", "mid-notts", "--seed", "1", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "net £m" in out and "tail £m" in out
    assert "P(loss): the share of the 13 settlement periods (quarters)" in out
    assert "worst 5% of them" in out
    # party names, not codes
    assert "Nottinghamshire County Council" in out and " sfh " not in out


def test_glossary_explains_every_unit_and_term():
    text = (ROOT / "docs" / "GLOSSARY.md").read_text(encoding="utf-8")
    for term in ("**pp**", "**£m a year**", "**P(loss)**", "**Tail loss**", "**μ\\* of a family**",
                 "Kaplan–Meier median", "Holds in X%", "sampled worlds", "uniformly"):  # fmt: skip
        assert term in text, term


def test_a_difference_that_rounds_to_nothing_is_never_negative_zero():
    from alliance_sim.experiment.summary import _days, _pp

    assert _pp(-0.0001) == "0.0 pp" and _days(-0.04) == "0.0 d"
    assert _pp(-0.002) == "-0.2 pp" and _days(1.25) == "+1.2 d"
