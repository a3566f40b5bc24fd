"""FIDELITY row 3: a design that decides by a counterfactual rule (``best_for_service``,
``qualified_majority``: no alliance document has either) is labelled so in the experiment's
summary and report, with the rule's own source text, however the rule was chosen."""

from __future__ import annotations

from pathlib import Path

from alliance_sim import run_experiment
from alliance_sim.board.rules import BestForService

# The rule comes from a bundle, so it is not a label column: only the recorded rules can tell.
TEXT = """\
[experiment]
name = "cf"
scenario = "walsall"
replications = 2
seed = 1
horizon_days = 200

[factors.setup]
levels = ["as agreed", "other"]
[factors.setup.set]
"board.rule" = ["unanimity", "best_for_service"]
"""


def test_a_counterfactual_design_is_labelled_with_its_rule_source(tmp_path: Path):
    path = tmp_path / "cf.toml"
    path.write_text(TEXT, encoding="utf-8")
    results = run_experiment(path, workers=1, out=tmp_path / "out")
    summary = results.summary
    assert summary.rules == {0: "unanimity", 1: "best_for_service"}
    (note,) = summary.counterfactual_notes()
    assert "setup=other" in note and "setup=as agreed" not in note
    assert BestForService.source in note
    assert "Counterfactual: " in summary.text()
    html = results.report_path.read_text(encoding="utf-8")
    assert "Counterfactual." in html and "best_for_service (counterfactual)" in html
    assert "[counterfactual decision rule: best_for_service]" in html  # the finding
    assert "unanimity (counterfactual)" not in html


def test_the_design_search_words_a_counterfactual_rule_as_such():
    from alliance_sim.search.words import change_phrase

    said = change_phrase("board.rule", "best_for_service", "unanimity", {}, {})
    assert "counterfactual" in said and "Best for Service" in said
    assert "counterfactual" not in change_phrase("board.rule", "unanimity", "x", {}, {})
