"""The report of a sensitivity analysis: drivers with intervals, PRIM trade-off, robustness table.

Figures are PNG files drawn on plain matplotlib Figures (no pyplot state), embedded in
``report.html`` next to a short "how to read this" for each section.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import numpy as np

from ..batch.page import CSS, embed_png, html_table, new_figure
from .robustness import ROBUST, describe
from .sensitivity import flagged

TOP = 12


def drivers_plot(stage, outcome: str, path: Path) -> Path | None:
    rows = stage.top(outcome, TOP)
    if rows.empty:
        return None
    rows = rows.iloc[::-1]
    fig = new_figure(8, 0.35 * len(rows) + 1.2)
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    if stage.stage.method == "morris":
        ax.barh(y, rows["mu_star"], xerr=rows["mu_star_conf"], color="#4a7", capsize=3)
        ax.set_xlabel("μ*: mean absolute effect of moving over the whole plausible range")
    else:
        ax.barh(y - 0.2, rows["ST"], 0.4, xerr=rows["ST_conf"], label="ST (total)", capsize=3)
        ax.barh(y + 0.2, rows["S1"], 0.4, xerr=rows["S1_conf"], label="S1 (alone)", capsize=3)
        ax.set_xlabel("share of the outcome's variance")
        ax.legend(loc="lower right")
    ax.set_yticks(y, rows["factor"], fontsize=8)
    ax.set_title(outcome, fontsize=10)
    fig.savefig(path)
    return path


def tradeoff_plot(found, path: Path) -> Path | None:
    t = found.trajectory
    if t.empty:
        return None
    fig = new_figure(6, 4.5)
    ax = fig.add_subplot()
    points = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=18)
    fig.colorbar(points, ax=ax, label="assumptions restricted")
    marked = [("chosen box", found.box, "red")] if found.box is not None else []
    if found.box is None and found.densest is not None:
        marked.append(("densest box", found.densest, "black"))
    marked += [(f"best at density ≥ {level:.0%}", box, "#d62728") for level, box in found.lower]
    for label, box, colour in marked:
        ax.scatter([box.coverage], [box.density], s=120, facecolors="none", edgecolors=colour,
                   label=label)  # fmt: skip
    if marked:
        ax.legend(loc="lower left", fontsize=8)
    ax.axhline(found.spec.density, color="#999", lw=0.8, ls="--")
    ax.set_xlabel("coverage: share of all failures inside the box")
    ax.set_ylabel("density: share of the box's points that fail")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    fig.savefig(path)
    return path


HOW_MORRIS = (
    "Each bar is one assumption or one family of them (e.g. every party's loss aversion). Its "
    "length μ* is how much the outcome changes, on average over the sampled worlds, when that "
    "assumption moves across its whole plausible range; for a family, when all its fields move "
    "together, the same way, each across its whole range (so a family's μ* is the effect of the "
    "family as a whole, not of any one field in it, and μ in sensitivity.csv carries the "
    "family's sign). The whisker is a 95% bootstrap interval over the trajectories. Long bars "
    "are the assumptions the finding depends on; σ (in sensitivity.csv) large next to μ* means "
    "the effect depends on other assumptions too."
)
HOW_SOBOL = (
    "For the assumptions kept from screening: ST is the share of the outcome's variance that "
    "involves the assumption at all, S1 the share it explains alone (95% intervals). ST well above "
    "S1 means it acts through interactions. Shares are of what these assumptions vary; the others "
    "stay at their defaults. A share cannot exceed 1: an estimate above 1, below 0 beyond its "
    "interval, or with an interval wider than ±0.1 is flagged in sensitivity.csv (`flag`) as "
    "needing more samples."
)
HOW_PRIM = (
    "PRIM shrinks a box around the sampled worlds where the finding fails. Each dot is one step: "
    "further right, the box holds more of the failures (coverage); higher, more of the worlds in "
    "it are failures (density). The dashed line is the density required of the chosen box; when "
    "no step reaches it the densest box is ringed instead, and the best box at each lower "
    "density is ringed too (the table lists them). Failures can also concentrate along one "
    "assumption without any box being dense: the splits table gives, for each assumption where "
    "they do, the failure rate on each side of the threshold (a permutation test that moves "
    "whole trajectories or base rows, whose worlds share values, corrected for every split "
    "tried)."
)
HOW_ROBUST = (
    "For each paired difference between designs (same futures in both, so the difference is the "
    "design's alone): the direction on average over all sampled worlds, the share of worlds where "
    "it points that way (with a 95% interval over the design's independent units), where its 95% "
    "interval is wholly on that side (clearly), and where it is clearly reversed. A share is of "
    "the worlds this stage sampled, described above: not of every plausible world. 'Robust in "
    f"these worlds' means the share's interval is above {ROBUST:.0%} and it is reversed in none."
)


def write_analysis_report(root: Path, experiment, summary) -> Path:
    figures = root / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    spec = experiment.spec
    title = spec.experiment.title or spec.experiment.name
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if spec.experiment.question:
        parts.append(f"<p><b>Question.</b> {html.escape(spec.experiment.question)}</p>")
    parts.append(
        f"<p class='meta'>Experiment <code>{html.escape(experiment.name)}</code> from "
        f"<code>{html.escape(str(experiment.path))}</code> (sha256 {experiment.sha256[:12]}); "
        f"{spec.experiment.replications} replications per point, master seed "
        f"{spec.experiment.seed}; report written "
        f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}.</p>"
    )
    parts.append("<h2>Findings</h2><ul>")
    for stage in summary.stages:
        worlds = summary.worlds.get(stage.stage.name)
        if worlds is not None:
            parts.append(
                f"<li><b>[{html.escape(stage.stage.name)}]</b> {html.escape(worlds.brief())}.</li>"
            )
        for v in summary.verdicts.get(stage.stage.name, []):
            if v.finding in summary.headline:
                parts.append(
                    f"<li>[{html.escape(stage.stage.name)}] {html.escape(describe(v.finding, v.sign))}"
                    f": {html.escape(v.text)}.</li>"
                )
    if summary.discovery is not None:
        parts.append(f"<li>{html.escape(summary.discovery.text())}</li>")
    parts.append("</ul>")
    for stage in summary.stages:
        method = stage.stage.method
        parts.append(
            f"<h2>Sensitivity: stage <code>{html.escape(stage.stage.name)}</code> ({method}, "
            f"{len(stage.sample.unit):,} points over {len(stage.sample.factors)} factors)</h2>"
        )
        parts.append(
            f"<p class='how'><b>How to read this.</b> "
            f"{HOW_MORRIS if method == 'morris' else HOW_SOBOL}</p>"
        )
        for i, outcome in enumerate(summary.headline):
            path = drivers_plot(stage, outcome, figures / f"{stage.stage.name}-{i}.png")
            if path is not None:
                parts.append(embed_png(path))
        bad = flagged(stage.indices)
        if len(bad):
            parts.append(
                f"<p class='note'><b>Sample too small.</b> {len(bad)} of {len(stage.indices)} "
                "estimates are flagged in sensitivity.csv (`flag`), e.g. "
                f"{html.escape(str(bad.iloc[0]['factor']))} on "
                f"{html.escape(str(bad.iloc[0]['outcome']))}: "
                f"{html.escape(str(bad.iloc[0]['flag']))}. Raise `samples` before reading "
                "them.</p>"
            )
        parts.append(f"<h3>Robustness of findings ({html.escape(stage.stage.name)})</h3>")
        worlds = summary.worlds.get(stage.stage.name)
        if worlds is not None:
            parts.append(f"<p><b>The worlds.</b> {html.escape(worlds.text())}</p>")
        parts.append(f"<p class='how'><b>How to read this.</b> {HOW_ROBUST}</p>")
        parts.append(
            "<div class='scroll'><table><tr><th>finding</th><th>mean difference</th><th>holds "
            "[95%]</th><th>clearly</th><th>reversed</th><th>verdict</th></tr>"
        )
        for v in summary.verdicts.get(stage.stage.name, []):
            parts.append(
                f"<tr><td>{html.escape(describe(v.finding, v.sign))}<br><code>"
                f"{html.escape(v.finding)}</code></td><td>{v.mean:.4g}</td><td>{v.holds:.0%} "
                f"[{v.holds_lo:.0%}, {v.holds_hi:.0%}]</td>"
                f"<td>{v.holds_clearly:.0%}</td><td>{v.reversed:.0%}</td>"
                f"<td>{html.escape(v.text)}</td></tr>"
            )
        parts.append("</table></div>")
    if summary.discovery is not None:
        parts.append("<h2>Scenario discovery (PRIM)</h2>")
        parts.append(f"<p><b>{html.escape(summary.discovery.text())}</b></p>")
        parts.append(f"<p class='how'><b>How to read this.</b> {HOW_PRIM}</p>")
        path = tradeoff_plot(summary.discovery, figures / "prim-tradeoff.png")
        if path is not None:
            parts.append(embed_png(path))
        boxes = summary.discovery.boxes_table()
        if len(boxes):
            parts.append("<h3>The boxes</h3>" + html_table(boxes))
        splits = summary.discovery.splits_table()
        if len(splits):
            parts.append("<h3>Where failures concentrate, one assumption at a time</h3>")
            parts.append(html_table(splits[["words", "p_adjusted"]]))
    parts.append(
        "<h2>Experiment file</h2><pre>" + html.escape(experiment.text) + "</pre></body></html>"
    )
    out = root / "report.html"
    out.write_text("\n".join(parts), encoding="utf-8")
    return out
