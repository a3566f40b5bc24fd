"""``report.html``: one self-contained page (figures embedded) that opens with no server.

It holds the experiment definition, the findings in words with their intervals, the tables, each
figure with a note on how to read it, and how the numbers were made (seeds, common random numbers,
intervals), so a committee reader can check the claims without the code.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import numpy as np
import pandas as pd

from ..batch.files import atomic_write_text
from ..batch.page import CSS, embed_png, html_table
from ..batch.store import COPY, ResultStore
from ..measures import DEFINITIONS
from .plots import short_label, write_figures
from .summary import HEADLINE_METRICS, METRICS, Summary

HOW_TO_READ = {
    "stalemate": (
        "Stalemate rate by design",
        "Each dot is the share of the ordinary business the board put to its vote and settled "
        "(agreed or stalemated), over every run of that design, that ended in stalemate (the "
        "board could not agree before the deadline); business still before the board when the "
        "term ended is left out, as the term, not the board, cut it off, and void, reserved and "
        "withdrawn business and governance resolutions are counted apart. The bar is the {pct}% "
        "Wilson "
        "interval, widened for the fact that matters in the same run are not independent. Designs "
        "whose bars do not overlap clearly differ; designs whose bars overlap may still differ - "
        "the paired differences below are the sharper test.",
    ),
    "time_to_decision": (
        "Time to decision",
        "For each design, the line shows what share of the ordinary business the board agreed was "
        "agreed within the number of days on the horizontal axis, counted from the day it was "
        "first proposed (notice given). A line further left and "
        "higher means faster decisions. Where a line crosses the dotted 50% line is the median; "
        "the 90% line gives the p90, the time within which nine decisions in ten are made. Steps "
        "fall on board meeting dates.",
    ),
    "survival": (
        "Time to decision, undecided business censored (Kaplan-Meier)",
        "For each design, the line is the Kaplan-Meier estimate of the share of matters decided "
        "within the days on the horizontal axis from first proposal, counting all the ordinary "
        "business put to the board's vote: what was still open at the end of the term, "
        "stalemated or withdrawn is censored (it leaves the count of "
        "matters still waiting on the day they left the board, without counting as decided). "
        "Unlike the cumulative distribution above, which looks at agreed business only, a design "
        "cannot look faster here by leaving its slow business undecided. Where a line crosses the "
        "dotted 50% line is the Kaplan-Meier median in the design table; a line that stays below "
        "it never decided half its matters. The estimate assumes matters censored on a day would "
        "have gone on like those still waiting then; stalemated matters are the hard ones, so it "
        "is, if anything, optimistic - read it beside the stalemate rate.",
    ),
    "differences": (
        "Paired differences between designs",
        "Each row compares one design with its reference (the first level of that factor), "
        "holding the other factors fixed; the left panel is the change in the stalemate rate, the "
        "right the change in the share of runs in which the alliance survived its term (was "
        "neither terminated nor reconfigured). The red bar is the {pct}% interval computed on the "
        "pairs of runs that faced the same future (common random numbers); the grey bar is what the "
        "interval would be had the designs been run on independent seeds. A red bar that does "
        "not cross zero is a difference the experiment can defend.",
    ),
    "risk": (
        "Who carries the risk",
        "One panel per design; one dot per party. Across all runs, the horizontal axis is the "
        "party's share of all the losses the parties suffered, the vertical axis its share of all "
        "the gains. On the dotted diagonal a party takes as much of the upside as of the "
        "downside; below it, a party carries risk it is not rewarded for. Hollow dots are "
        "associate members.",
    ),
    "network": (
        "Relationship network",
        "One panel per design. Each circle is a party (colour: kind; hollow: associate member "
        "without a vote); its size and the number under its name are how often it blocked a "
        "matter, per run. Lines join every pair of parties; their colour and width show the mean "
        "trust between the two at the end of the term (green: high, red: low). With more than "
        "six designs, the first six are drawn.",
    ),
}


def _pct(x: float) -> str:
    return f"{x:.1%}" if np.isfinite(x) else "n/a"


def _num(x: float, digits: int = 0) -> str:
    return f"{x:,.{digits}f}" if np.isfinite(x) else "n/a"


def _day(x: float) -> str:
    """Days, or "not reached" where a Kaplan–Meier curve never falls to one half."""
    return _num(x) if np.isfinite(x) else "not reached"


def _rule_label(summary: Summary, design: int) -> str:
    """A design's decision rule, marked when it is a counterfactual (no document has it)."""
    from ..board.rules import counterfactual_note

    rule = summary.rules.get(design, "")
    return f"{rule} (counterfactual)" if rule and counterfactual_note(rule) else rule


def design_table(summary: Summary) -> pd.DataFrame:
    rows = []
    for _, r in summary.designs.iterrows():
        row = {c: r[c] for c in summary.label_columns}
        if summary.rules:
            # the rule, marked when counterfactual, in the factor's own column if it is one
            row["board.rule" if "board.rule" in row else "decision rule"] = _rule_label(
                summary, int(r["design"])
            )
        row["runs"] = int(r["runs"])
        if r["runs"] > 0:
            row.update(
                {
                    "matters per run": _num(r["matters_per_run"], 1),
                    "stalemate rate": f"{_pct(r['stalemate_rate'])} "
                    f"[{_pct(r['stalemate_lo'])}, {_pct(r['stalemate_hi'])}]",
                    "runs with a stalemate": f"{_pct(r['any_stalemate'])} "
                    f"[{_pct(r['any_stalemate_lo'])}, {_pct(r['any_stalemate_hi'])}]",
                    "mean days": f"{_num(r['mean_days'], 1)} "
                    f"[{_num(r['mean_days_lo'], 1)}, {_num(r['mean_days_hi'], 1)}]",
                    "median days": f"{_num(r['median_days'])} "
                    f"[{_num(r['median_days_lo'])}, {_num(r['median_days_hi'])}]",
                    "p90 days": f"{_num(r['p90_days'])} "
                    f"[{_num(r['p90_days_lo'])}, {_num(r['p90_days_hi'])}]",
                    "Kaplan-Meier median days": f"{_day(r['km_median_days'])} "
                    f"[{_day(r['km_median_days_lo'])}, {_day(r['km_median_days_hi'])}]",
                    "open at end per run": _num(r.get("open_at_end_per_run", 0.0), 1),
                    "survived the term": f"{_pct(r['survived'])} "
                    f"[{_pct(r['survived_lo'])}, {_pct(r['survived_hi'])}]",
                    "terminated": _pct(r["terminated"]),
                    "reconfigured": _pct(r["reconfigured"]),
                }
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _fmt_diff(metric: str, x: float) -> str:
    if not np.isfinite(x):
        return "n/a"
    return f"{x:+.1f} days" if metric.endswith("_days") else f"{x * 100:+.1f} pp"


def difference_table(summary: Summary) -> pd.DataFrame:
    rows = []
    shown = summary.differences[summary.differences["metric"].isin(HEADLINE_METRICS)]
    for _, d in shown.iterrows():
        metric = d["metric"]
        paired = d["paired_hi"] - d["paired_lo"]
        unpaired = d["unpaired_hi"] - d["unpaired_lo"]
        rows.append(
            {
                "comparison": f"{d['factor']}: {d['level']} − {d['reference']}",
                "where": d["context"] or "-",
                "measure": METRICS[metric],
                "difference": _fmt_diff(metric, d["difference"]),
                "paired interval": f"[{_fmt_diff(metric, d['paired_lo'])}, "
                f"{_fmt_diff(metric, d['paired_hi'])}]",
                "unpaired interval": f"[{_fmt_diff(metric, d['unpaired_lo'])}, "
                f"{_fmt_diff(metric, d['unpaired_hi'])}]",
                "width ratio": f"{unpaired / paired:.1f}×" if paired > 0 else "-",
            }
        )
    return pd.DataFrame(rows)


def risk_table(summary: Summary) -> pd.DataFrame | None:
    if summary.risk is None or summary.risk.empty:
        return None
    frame = summary.risk
    rows = []
    for _, r in frame.iterrows():
        rows.append(
            {
                "design": short_label(summary, int(r["design"]), ", "),
                "level": r["level"],
                "who": r["name"],
                "membership": r["membership"],
                "expected net £m": _num(r["expected_net_m"], 2),
                "P(loss)": f"{_pct(r['p_loss'])} [{_pct(r['p_loss_lo'])}, {_pct(r['p_loss_hi'])}]",
                "tail loss £m": _num(r["tail_loss_m"], 2),
                "downside share": _pct(r["downside_share"]),
                "upside share": _pct(r["upside_share"]),
            }
        )
    return pd.DataFrame(rows)


def findings(summary: Summary) -> list[str]:
    """The headline results in words, each with its interval."""
    out = []
    pct = int(round(summary.confidence * 100))
    for _, r in summary.designs.iterrows():
        if r["runs"] <= 0:
            continue
        rule = _rule_label(summary, int(r["design"]))
        name = summary.rules.get(int(r["design"]), "")
        marked = (
            f" [counterfactual decision rule: {name}]" if rule.endswith("(counterfactual)") else ""
        )
        out.append(
            f"<b>{html.escape(short_label(summary, int(r['design']), ', '))}</b>"
            f"{html.escape(marked)}: "
            f"{_pct(r['stalemate_rate'])} of the ordinary business settled ended in stalemate "
            f"({pct}% interval {_pct(r['stalemate_lo'])} to {_pct(r['stalemate_hi'])}); median "
            f"time from proposal to agreement {_num(r['median_days'])} days, p90 "
            f"{_num(r['p90_days'])} days, and {_day(r['km_median_days'])} days "
            f"({_day(r['km_median_days_lo'])} to {_day(r['km_median_days_hi'])}) counting the "
            f"business still open at the end of the term "
            f"({_num(r.get('open_at_end_per_run', 0.0), 1)} a run), stalemated or withdrawn as "
            "undecided (Kaplan-Meier); the alliance "
            f"survived the term in {_pct(r['survived'])} of runs ({_pct(r['survived_lo'])} to "
            f"{_pct(r['survived_hi'])}; {int(r['runs'])} runs)."
        )
    diffs = summary.differences
    if not diffs.empty:
        for _, d in diffs[diffs["metric"].isin(("stalemate_rate", "survived"))].iterrows():
            measure = (
                "the stalemate rate"
                if d["metric"] == "stalemate_rate"
                else ("the share of runs in which the alliance survived the term")
            )
            lo, hi = d["paired_lo"], d["paired_hi"]
            verdict = (
                "a real difference: the interval excludes zero"
                if lo > 0 or hi < 0
                else "not distinguishable from no difference"
            )
            where = f" (with {html.escape(d['context'])})" if d["context"] else ""
            out.append(
                f"{html.escape(str(d['level']))} rather than {html.escape(str(d['reference']))} "
                f"for <code>{html.escape(d['factor'])}</code>{where} changes {measure} "
                f"by {_fmt_diff(d['metric'], d['difference'])} (paired {pct}% interval "
                f"{_fmt_diff(d['metric'], lo)} to {_fmt_diff(d['metric'], hi)}): "
                f"{verdict}."
            )
    return out


def write_report(store: ResultStore, summary: Summary) -> Path:
    """Write figures, then ``report.html``, into the result folder; returns the report's path."""
    root = store.root
    manifest = store.manifest
    figures = write_figures(summary, root / "figures")
    pct = int(round(summary.confidence * 100))
    exp = manifest["experiment"]
    title = exp.get("title") or exp["name"]
    copy = root / COPY
    definition = copy.read_text(encoding="utf-8") if copy.is_file() else "(not kept)"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if exp.get("question"):
        parts.append(f"<p><b>Question.</b> {html.escape(exp['question'])}</p>")
    parts.append(
        "<p class='meta'>"
        f"Experiment <code>{html.escape(exp['name'])}</code> from <code>{html.escape(exp['file'])}"
        f"</code> (sha256 {exp['sha256'][:12]}); alliance-sim {manifest['package_version']}; "
        f"master seed {manifest['master_seed']}; {manifest.get('runs_done', 0):,} of "
        f"{manifest.get('runs_total', 0):,} runs ({manifest['replications']:,} replications per "
        f"cell); started {manifest.get('started')}, finished {manifest.get('finished') or 'not yet'}"
        f"; report written {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}.</p>"
    )
    for note in summary.notes:
        parts.append(f"<p class='note'>{html.escape(note)}</p>")
    parts.append("<h2>Findings</h2><ul>")
    parts += [f"<li>{line}</li>" for line in findings(summary)]
    parts.append("</ul>")
    parts.append(f"<h2>Designs</h2><p>Brackets hold {pct}% intervals. {_DESIGN_NOTE}</p>")
    for note in summary.counterfactual_notes():
        parts.append(f"<p class='note'><b>Counterfactual.</b> {html.escape(note)} Admission, "
                     "the transition extension and the risk/reward scheme stay unanimous under it "
                     "(001 §33, 39, 40a).</p>")  # fmt: skip
    parts.append(html_table(design_table(summary)))
    for name, path in figures.items():
        heading, how = HOW_TO_READ[name]
        parts.append(f"<h2>{html.escape(heading)}</h2>{embed_png(path)}")
        parts.append(
            f"<p class='how'><b>How to read it.</b> {html.escape(how.format(pct=pct))}</p>"
        )
        if name == "differences" and not summary.differences.empty:
            parts.append(html_table(difference_table(summary)))
        if name == "risk":
            table = risk_table(summary)
            if table is not None:
                parts.append(f"<p>{_RISK_NOTE}</p>")
                parts.append(
                    f"<details><summary>Risk measures by design, party and kind ({len(table)} "
                    f"rows; also in risk.csv)</summary>{html_table(table)}</details>"
                )
    parts.append("<h2>How the numbers were made</h2>")
    parts.append(f"<p>{_METHOD_NOTE.format(pct=pct)}</p>")
    parts.append("<h2>Experiment definition</h2>")
    parts.append(f"<pre>{html.escape(definition, quote=False)}</pre>")
    files = ", ".join(f"<code>{html.escape(t)}/</code>" for t in store.tables())
    parts.append(
        f"<h2>Files</h2><p>Parquet tables (one part per chunk of runs): {files}. Summary tables: "
        "<code>summary.csv</code>, <code>differences.csv</code>"
        + (", <code>risk.csv</code>" if summary.risk is not None else "")
        + ". <code>manifest.json</code> records the seeds and progress; "
        "<code>experiment.toml</code> is the file that made these results.</p>"
    )
    parts.append("</body></html>")
    path = root / "report.html"
    return atomic_write_text(path, "\n".join(parts))


_DESIGN_NOTE = " ".join(
    [
        DEFINITIONS["stalemate_rate"],
        "Runs with a stalemate: share of runs (terms) in which at least one piece of ordinary "
        "business did.",
        DEFINITIONS["days_to_decision"],
        "Mean, median and p90 days are taken over that business.",
        DEFINITIONS["km_median_days"],
        "A design that leaves slow business undecided does not look faster for it; 'not reached' "
        "means less than half of it was ever agreed.",
        "Open at end: business a run still had before the board when its term ended.",
        DEFINITIONS["resolutions_refused"],
        DEFINITIONS["survived"],
    ]
)
_RISK_NOTE = (
    "Net position: each party's money over the whole term in one run (direct effects, its share of "
    "gains and losses, and the cost of taking part), £m. Expected net: its mean over runs. "
    "P(loss): share of runs with a net loss. Tail loss: mean of the worst 5% of runs. Downside "
    "(upside) share: the party's part of all parties' losses (gains), summed over runs."
)
_METHOD_NOTE = (
    "Every design was run with the same replication seeds, drawn up front from the master seed "
    "with numpy's SeedSequence: replication r of every design faces the same business arriving "
    "before the board (common random numbers), so differences between designs come from the "
    "designs, not from luck. The unit of replication is one run (one simulated term). The "
    "stalemate rate's interval is a {pct}% Wilson score interval on the effective number of "
    "matters (the number of matters divided by the design effect measured from the between-run "
    "variation, never less than 1); shares of runs (survival, runs with a stalemate, P(loss)) use "
    "plain Wilson intervals, runs being independent. Mean, median and p90 days have percentile "
    "bootstrap intervals "
    "resampling whole runs, as has the Kaplan-Meier median (product-limit estimator over the "
    "pooled business of the resampled runs; agreements are events, the rest censored on the day "
    "it left the board; Greenwood's interval would treat "
    "matters of one run as independent, so it is not used here). Paired differences resample the pairs of runs that shared a seed; "
    "the unpaired interval beside it resamples each design on its own, to show what the common "
    "random numbers buy. Bootstrap draws are seeded from the master seed, so the report is "
    "reproducible."
)


def report(directory: str | Path) -> Path:
    """Rebuild summary tables, figures and ``report.html`` from a result folder."""
    from ..batch.lock import FolderLock
    from .summary import summarize, write_tables

    store = ResultStore.existing(directory)
    with FolderLock(store.root).acquire("report"):
        summary = summarize(store)
        write_tables(summary, store.root)
        return write_report(store, summary)
