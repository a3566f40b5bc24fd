"""The design search's figure (the Pareto front) and its self-contained ``report.html``.

The page has the question, the recommendations in words with their paired intervals (measured on
seeds never used to choose them, each counterfactual lever value flagged), the front table, the
figure with how to read it, and how the numbers were made (sampler, seeds, common random numbers,
the selection and reporting seeds), like an experiment's report.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..batch.files import atomic_write_text
from ..batch.page import CSS, embed_png, html_table, new_figure, save_png
from .words import format_value, measure_label

if TYPE_CHECKING:  # pragma: no cover
    from .results import SearchResults

HOW_TO_READ = (
    "Each panel puts the first objective across and another one up, each oriented so that better "
    "is towards the lower left. Grey dots are the candidate designs the search evaluated "
    "({reps} replications each); blue dots met every constraint; orange ones are the search's "
    "Pareto front (no other feasible design is at least as good on every objective and better on "
    "one). Black bars are the front designs re-evaluated on {confirm} fresh replications (the "
    "selection seeds, which chose the recommendations), with "
    "their {pct}% intervals; numbers mark the recommendations; the red star is the current "
    "design on the same fresh replications."
)


def _axis(o) -> str:
    label = f"{o.party}'s expected net (£m)" if o.party else o.label
    return label if o.sign > 0 else f"minus {label}"


def pareto_plot(results: SearchResults, path: Path) -> Path | None:
    problem = results.problem
    objectives = problem.objectives
    table = results.candidates
    if not len(table):
        return None
    first = objectives[0]
    others = objectives[1:] or objectives[:1]
    others = others[:3]
    fig = new_figure(4.2 * len(others), 3.8)
    axes = fig.subplots(1, len(others), squeeze=False)[0]
    ranks = {id(r.confirmed): r.rank for r in results.recommendations}
    for ax, o in zip(axes, others, strict=True):
        x = table[first.name].to_numpy(float) * first.sign
        y = table[o.name].to_numpy(float) * o.sign
        ok = np.isfinite(x) & np.isfinite(y)
        feas = table["feasible"].to_numpy(bool)
        front = table["pareto"].to_numpy(bool)
        ax.scatter(x[ok & ~feas], y[ok & ~feas], s=10, color="#bbb", label="infeasible")
        ax.scatter(x[ok & feas], y[ok & feas], s=12, color="#1f77b4", label="feasible")
        ax.scatter(x[ok & front], y[ok & front], s=22, color="#ff7f0e", label="search front")
        for c in results.confirmed:
            cx, cy = c.estimates[first.name] * first.sign, c.estimates[o.name] * o.sign
            lx = sorted(v * first.sign for v in c.intervals[first.name])
            ly = sorted(v * o.sign for v in c.intervals[o.name])
            if c.role == "current":
                ax.scatter([cx], [cy], marker="*", s=160, color="#d62728", zorder=5,
                           label="current design")  # fmt: skip
                continue
            ax.errorbar([cx], [cy], xerr=[[cx - lx[0]], [lx[1] - cx]],
                        yerr=[[cy - ly[0]], [ly[1] - cy]], fmt="o", color="black", ms=4,
                        capsize=2, zorder=4)  # fmt: skip
            if id(c) in ranks:
                ax.annotate(str(ranks[id(c)]), (cx, cy), xytext=(4, 4),
                            textcoords="offset points", fontsize=9, weight="bold")  # fmt: skip
        ax.set_xlabel(_axis(first), fontsize=8)
        ax.set_ylabel(_axis(o), fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7, loc="best")
    path.parent.mkdir(parents=True, exist_ok=True)
    save_png(fig, path)
    return path


def _recommendation_html(results: SearchResults) -> str:
    parties = results.problem.parties
    if not results.recommendations:
        return "<p class='note'>No re-evaluated design met every constraint.</p>"
    items = []
    for r in results.recommendations:
        rows = [
            [
                measure_label(d["measure"], parties),
                format_value(d["measure"], d["current"]),
                format_value(d["measure"], d["proposed"]),
                format_value(d["measure"], d["difference"], True),
                f"[{format_value(d['measure'], d['paired_lo'], True)}, "
                f"{format_value(d['measure'], d['paired_hi'], True)}]",
                f"[{format_value(d['measure'], d['unpaired_lo'], True)}, "
                f"{format_value(d['measure'], d['unpaired_hi'], True)}]",
                d["verdict"],
            ]
            for d in r.differences.to_dict("records")
        ]
        frame = pd.DataFrame(
            rows,
            columns=["measure", "current", "this design", "difference", "paired", "unpaired",
                     "reads"],
        )  # fmt: skip
        flags = "".join(
            f"<p class='note'><b>Counterfactual.</b> {html.escape(note[0].upper() + note[1:])}; "
            "read this design as what that choice would buy, not as an option the agreements "
            "offer.</p>"
            for note in r.counterfactuals
        )
        items.append(
            f"<h3>{r.rank}. {html.escape(r.sentence())}</h3>{flags}{html_table(frame)}"
            + ("" if r.on_front else "<p class='note'>Not on the re-evaluated front.</p>")
        )
    return "".join(items)


def write_search_report(results: SearchResults) -> Path:
    root = results.directory
    problem = results.problem
    meta = problem.spec.experiment
    settings = problem.settings
    pct = int(round(problem.spec.statistics.confidence * 100))
    figure = pareto_plot(results, root / "figures" / "pareto.png")
    front = results.front_table()
    shown = front.copy()
    for o in problem.objectives:
        shown[o.label] = [
            f"{format_value(o.name, v)} [{format_value(o.name, lo)}, {format_value(o.name, hi)}]"
            for v, lo, hi in zip(
                shown[o.name], shown[f"{o.name}_lo"], shown[f"{o.name}_hi"], strict=True
            )  # fmt: skip
        ]
    keep = ["role", "recommended", *[lv.name for lv in problem.levers], "runs",
            *[o.label for o in problem.objectives], "feasible", "counterfactual"]  # fmt: skip
    how = HOW_TO_READ.format(reps=len(problem.seeds), confirm=len(problem.confirm_seeds), pct=pct)
    method = (
        f"The search ({settings.sampler.upper()} in optuna, {settings.candidates} candidates in "
        f"generations of {settings.population}) evaluated every candidate on the same "
        f"{len(problem.seeds)} replication seeds drawn from master seed {meta.seed} (common "
        f"random numbers). At most {settings.confirm} designs of its feasible Pareto front were "
        f"then re-run with the current design on {len(problem.confirm_seeds)} fresh seeds the "
        "search never saw (the selection seeds), and the recommendations chosen there: the "
        "re-evaluated front designs nearest the ideal point (each objective scaled to the range "
        "the re-evaluated designs span) that meet every constraint. The chosen designs and the "
        f"current design were then run on {len(problem.report_seeds)} more seeds of a third "
        "stream (the reporting seeds), never used to choose anything, and every number a "
        "recommendation reports comes from those runs, so that designs picked for lucky draws "
        "are reported at their true values (the winner's curse). Each recommendation reports "
        "its change on every headline measure, objective or not, sorted into better, worse "
        "(the trade-offs) and no clear change (the paired interval covers zero); intervals are "
        f"{pct}% percentile bootstraps over runs, and differences against the current design are "
        "paired on the reporting seeds' common random numbers (the unpaired interval shows what "
        "independent seeds would give). The front table above shows the selection seeds' "
        "estimates. A counterfactual lever value (a decision rule or a pooling rule no "
        "alliance document has) is flagged wherever a design that uses it is worded."
    )
    constraints = problem.constraint_names() or ["none"]
    body = [
        f"<h1>Design search: {html.escape(meta.title or meta.name)}</h1>",
        f"<p class='meta'>{html.escape(str(results.problem.experiment.path))} · generated "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {results.runs} runs simulated in this "
        "session</p>",
        f"<p>{html.escape(meta.question)}</p>" if meta.question else "",
        "<h2>Recommendations</h2>",
        _recommendation_html(results),
        "<h2>The re-evaluated front (selection seeds)</h2>",
        html_table(shown[keep]),
        f"<p class='meta'>Objectives: {', '.join(o.label for o in problem.objectives)}. "
        f"Constraints: {', '.join(constraints)}.</p>",
    ]
    if figure is not None:
        body += [
            "<h2>Pareto front</h2>",
            embed_png(figure),
            f"<p class='how'>{html.escape(how)}</p>",
        ]
    body += ["<h2>How the numbers were made</h2>", f"<p>{html.escape(method)}</p>"]
    body += [f"<p class='note'>{html.escape(n)}</p>" for n in results.notes]
    body += ["<details><summary>The search file</summary><pre>",
             html.escape(problem.experiment.text), "</pre></details>"]  # fmt: skip
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(meta.name)} design search</title><style>{CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>"
    )
    return atomic_write_text(root / "report.html", page)
