"""Figures that show the answer (issue 24 §10): no label on top of another, none cut off, no
legend over the data, party names, and many designs drawn as one comparison."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance_sim.experiment import plots
from alliance_sim.experiment.runner import run_experiment

HEADLINE = """\
[experiment]
name = "headline"
question = "Full or associate?"
scenario = "mid-notts"
replications = 6
seed = 5
[factors]
"parties.council.membership" = ["full", "associate"]
"board.rule" = ["unanimity", "best_for_service"]
[statistics]
bootstrap = 200
"""

MANY = """\
[experiment]
name = "many"
question = "Wider delegation, or a committee meeting more often?"
scenario = "mid-notts"
replications = 4
seed = 46
[factors.delegation]
levels = ["as agreed", "financial only, £1m", "full, £3m"]
[factors.delegation.set]
"parties.council.authority.excluded_categories" = [["strategic", "policy", "resource", "financial"], ["financial"], []]
"parties.council.authority.threshold_m" = [0.25, 1.0, 3.0]
[factors]
"parties.council.home_body.cadence_days" = [42, 28, 14]
[statistics]
bootstrap = 200
"""


def _figures(tmp_path: Path, text: str, monkeypatch) -> dict:
    path = tmp_path / "exp.toml"
    path.write_text(text, encoding="utf-8")
    results = run_experiment(path, workers=1, out=tmp_path / "out", report=False)
    drawn = {}
    monkeypatch.setattr(
        plots, "save_png", lambda fig, where: drawn.setdefault(Path(where).stem, fig)
    )
    for name, draw in plots.FIGURES.items():
        draw(results.summary, tmp_path / f"{name}.png")
    return drawn


@pytest.fixture(scope="module")
def headline(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    try:
        yield _figures(tmp_path_factory.mktemp("headline"), HEADLINE, mp)
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    try:
        yield _figures(tmp_path_factory.mktemp("many"), MANY, mp)
    finally:
        mp.undo()


def _check(figures: dict) -> None:
    assert figures
    for name, fig in figures.items():
        assert plots.overlapping_labels(fig) == [], name
        assert plots.clipped_labels(fig) == [], name
        assert plots.legends_inside_axes(fig) == [], name


def test_headline_figures_have_no_overlapping_labels(headline):
    assert {"risk", "network", "time_to_decision", "survival", "stalemate"} <= set(headline)
    _check(headline)


def test_many_designs_are_drawn_as_one_comparison(many):
    _check(many)
    # nine designs: time to decision as differences from the first, not nine curves
    assert "time_differences" in many and "time_to_decision" not in many
    assert "survival" not in many
    # the risk figure is one dot plot (two panels), not nine scatter panels
    risk = many["risk"]
    assert len([ax for ax in risk.axes if ax.get_visible()]) == 2
    # the network draws one ring for the nine designs: their members are the same
    network = many["network"]
    rings = [ax for ax in network.axes if ax.get_visible() and ax.get_title()]
    assert len(rings) == 1 and "all 9 designs" in rings[0].get_title()


def test_parties_are_named_not_coded(headline):
    labels = [t.get_text() for t in headline["risk"].axes[0].get_yticklabels()]
    text = " ".join(labels)
    assert "Nottinghamshire County Council" in text and "Sherwood Forest" in text
    assert "sfh" not in labels and "council" not in labels


def test_the_detector_finds_labels_on_top_of_each_other():
    from alliance_sim.batch.page import new_figure

    fig = new_figure(4, 3)
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, "council")
    ax.text(0.5, 0.5, "sfh")
    ax.plot([0, 1], [0, 1], label="a line")
    ax.legend()
    assert plots.overlapping_labels(fig) == [("council", "sfh")]
    assert plots.legends_inside_axes(fig)
    ax.text(2.5, 0.5, "far outside").set_in_layout(False)  # beyond the figure's edge
    ax.set_xlim(0, 1)
    assert "far outside" in plots.clipped_labels(fig)


def test_designs_are_labelled_with_the_party_they_concern(headline):
    """The walk-through found designs labelled "membership: full": whose membership?"""
    legend = headline["risk"].legends[0]
    texts = " ".join(t.get_text() for t in legend.get_texts())
    assert "Nottinghamshire County Council's membership: full" in texts
