"""Figures for a committee paper, as PNG files, readable without the code.

Figures are drawn on :class:`matplotlib.figure.Figure` objects rendered by the Agg canvas, never
through ``pyplot``, so making them changes no global matplotlib state and needs no display.
Each function returns the path written, or None when the data for that figure are absent.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..batch.page import new_figure, save_png
from .summary import Summary

KIND_COLOURS = {
    "commissioner": "#1f77b4",
    "provider": "#ff7f0e",
    "council": "#2ca02c",
    "vcse": "#9467bd",
}


def short_label(summary: Summary, design: int, sep: str = "\n") -> str:
    """A design's levels, each factor named by the last part of its dotted path."""
    row = summary.designs.loc[summary.designs["design"] == design].iloc[0]
    parts = []
    for column in summary.label_columns:
        value = row[column]
        value = f"{value:.4g}" if isinstance(value, float) else str(value)
        name = column.split(".")[-1]
        parts.append(value if column == "scenario" else f"{name}: {value}")
    return sep.join(parts) or "baseline"


def _designs(summary: Summary) -> list[int]:
    frame = summary.designs
    return [int(d) for d in frame.loc[frame["runs"] > 0, "design"]]


def stalemate_plot(summary: Summary, path: Path) -> Path | None:
    """Stalemate rate per design with its interval, one row per design."""
    designs = _designs(summary)
    if not designs:
        return None
    frame = summary.designs.set_index("design").loc[designs]
    pct = int(round(summary.confidence * 100))
    fig = new_figure(8, 1.4 + 0.5 * len(designs))
    ax = fig.add_subplot()
    y = np.arange(len(designs))[::-1]
    rate = frame["stalemate_rate"].to_numpy() * 100
    lo = frame["stalemate_lo"].to_numpy() * 100
    hi = frame["stalemate_hi"].to_numpy() * 100
    colours = [f"C{i % 10}" for i in range(len(designs))]
    ax.hlines(y, lo, hi, colors=colours, linewidth=3, alpha=0.6)
    ax.scatter(rate, y, c=colours, s=60, zorder=3, edgecolors="black")
    for yi, r, h in zip(y, rate, hi, strict=True):
        ax.annotate(f"{r:.1f}%", (h, yi), xytext=(6, 0), textcoords="offset points", va="center")
    ax.set_yticks(y, [short_label(summary, d, ", ") for d in designs])
    ax.set_xlabel("Matters that ended in stalemate (% of those the board settled)")
    ax.set_xlim(0, max(hi.max() * 1.25, 1))
    ax.set_title(f"Stalemate rate by design (bars: {pct}% Wilson intervals)")
    ax.grid(axis="x", alpha=0.3)
    save_png(fig, path)
    return path


def decision_time_plot(summary: Summary, path: Path) -> Path | None:
    """Empirical CDF of days from first proposal to agreement, one line per design."""
    designs = _designs(summary)
    if summary.days_hist is None or not len(summary.days_values) or not designs:
        return None
    fig = new_figure(8, 4.8)
    ax = fig.add_subplot()
    values = summary.days_values
    for i, d in enumerate(designs):
        counts = summary.days_hist[d]
        if counts.sum() <= 0:
            continue
        share = np.cumsum(counts) / counts.sum()
        x = np.concatenate([[0], values])
        yv = np.concatenate([[0], share]) * 100
        ax.step(
            x,
            yv,
            where="post",
            color=f"C{i % 10}",
            linestyle=("-", "--", "-.", ":")[i % 4],
            linewidth=1.8,
            label=short_label(summary, d, ", "),
        )
    _time_axes(ax, values.max(), {50: "median", 90: "p90"},
               "Days from proposal to agreement (ordinary business agreed)",
               "Matters decided within that time (%)",
               "Time to decision by design (cumulative distribution)")  # fmt: skip
    save_png(fig, path)
    return path


def _time_axes(ax, days: float, marks: dict[int, str], xlabel: str, ylabel: str, title: str):
    """The axes the two time-to-decision figures share: percentages of matters against days,
    with grey guide lines at the ``marks``."""
    for share, word in marks.items():
        ax.axhline(share, color="grey", linestyle=":", linewidth=1)
        ax.text(days, share, f" {word}", va="bottom", ha="right", color="grey", fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 101)
    ax.set_xlim(0, days)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8, title="design")


def survival_plot(summary: Summary, path: Path) -> Path | None:
    """Kaplan–Meier share of matters decided within each number of days, one line per design,
    the matters left undecided censored (``survival.py``)."""
    from ..survival import from_counts

    designs = _designs(summary)
    if summary.days_hist is None or summary.censored_hist is None or not designs:
        return None
    values = summary.days_values
    if not len(values):
        return None
    fig = new_figure(8, 4.8)
    ax = fig.add_subplot()
    for i, d in enumerate(designs):
        events, censored = summary.days_hist[d], summary.censored_hist[d]
        if events.sum() + censored.sum() <= 0:
            continue
        km = from_counts(values, events, censored)
        x = np.concatenate([[0], values])
        yv = np.concatenate([[0], 1 - km.survival]) * 100
        median = km.median()
        label = short_label(summary, d, ", ")
        label += f" (median {median:.0f} d)" if np.isfinite(median) else " (median not reached)"
        ax.step(x, yv, where="post", color=f"C{i % 10}", linestyle=("-", "--", "-.", ":")[i % 4],
                linewidth=1.8, label=label)  # fmt: skip
    _time_axes(ax, values.max(), {50: "median"},
               "Days from proposal (open, stalemated and withdrawn business censored)",
               "Matters decided within that time (%, Kaplan-Meier)",
               "Time to decision by design, undecided business censored (Kaplan-Meier)")  # fmt: skip
    save_png(fig, path)
    return path


def differences_plot(summary: Summary, path: Path) -> Path | None:
    """Paired and unpaired intervals of each design difference: stalemate rate and survival."""
    frame = summary.differences
    if frame is None or frame.empty:
        return None
    panels = [
        ("stalemate_rate", "Difference in stalemate rate"),
        ("survived", "Difference in runs where the alliance survived"),
    ]
    panels = [(m, t) for m, t in panels if (frame["metric"] == m).any()]
    if not panels:
        return None
    pct = int(round(summary.confidence * 100))
    first = frame[frame["metric"] == panels[0][0]].reset_index(drop=True)
    fig = new_figure(6 + 3.5 * len(panels), 1.6 + 0.7 * len(first))
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    y = np.arange(len(first))[::-1]
    for ax, (metric, title) in zip(axes, panels, strict=True):
        rows = frame[frame["metric"] == metric].reset_index(drop=True)
        ax.hlines(
            y - 0.15,
            rows["unpaired_lo"] * 100,
            rows["unpaired_hi"] * 100,
            colors="#bbbbbb",
            linewidth=5,
            label="unpaired (as if run on independent seeds)",
        )
        ax.hlines(
            y + 0.15,
            rows["paired_lo"] * 100,
            rows["paired_hi"] * 100,
            colors="#d62728",
            linewidth=3,
            label="paired on common random numbers",
        )
        ax.scatter(rows["difference"] * 100, y + 0.15, color="black", zorder=3, s=25)
        ax.axvline(0, color="black", linewidth=1)
        ax.set_xlabel("percentage points")
        ax.set_title(title, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    labels = []
    for _, r in first.iterrows():
        name = r["factor"].split(".")[-1]
        text = f"{name}: {r['level']} − {r['reference']}"
        if r.get("where"):
            text += f"\n(at {r['where']})"
        labels.append(text)
    axes[0].set_yticks(y, labels, fontsize=8)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", fontsize=8, ncols=2)
    fig.suptitle(f"Differences between designs ({pct}% bootstrap intervals)")
    save_png(fig, path)
    return path


def risk_plot(summary: Summary, path: Path) -> Path | None:
    """Each party's share of the downside against its share of the upside, one panel per design."""
    risk = summary.risk
    if risk is None or risk.empty:
        return None
    parties = risk[risk["level"] == "party"]
    designs = [d for d in _designs(summary) if d in set(parties["design"])]
    if not designs:
        return None
    cols = min(2, len(designs))
    rows = -(-len(designs) // cols)
    fig = new_figure(5.2 * cols, 4.6 * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    top = max(parties["downside_share"].max(), parties["upside_share"].max()) * 100 * 1.1 + 2
    for ax, d in zip(axes, designs, strict=False):
        frame = parties[parties["design"] == d]
        ax.plot([0, top], [0, top], color="grey", linestyle=":", linewidth=1)
        for kind, group in frame.groupby("kind"):
            full = group["membership"] != "associate"
            colour = KIND_COLOURS.get(str(kind), "grey")
            if full.any():
                ax.scatter(
                    group.loc[full, "downside_share"] * 100,
                    group.loc[full, "upside_share"] * 100,
                    s=50,
                    color=colour,
                    edgecolors="black",
                    label=str(kind),
                )
            if (~full).any():
                ax.scatter(
                    group.loc[~full, "downside_share"] * 100,
                    group.loc[~full, "upside_share"] * 100,
                    s=50,
                    facecolors="white",
                    edgecolors=colour,
                    linewidths=2,
                    label=f"{kind} (associate)",
                )
        for _, r in frame.iterrows():
            if r["downside_share"] > 0.04 or r["upside_share"] > 0.04:
                ax.annotate(
                    r["name"],
                    (r["downside_share"] * 100, r["upside_share"] * 100),
                    xytext=(4, 3),
                    textcoords="offset points",
                    fontsize=7,
                )
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_title(short_label(summary, d, ", "), fontsize=9)
        ax.set_xlabel("Share of all losses borne (%)")
        ax.set_ylabel("Share of all gains received (%)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    for ax in axes[len(designs) :]:
        ax.set_visible(False)
    fig.suptitle("Who carries the risk: downside share against upside share, by party")
    save_png(fig, path)
    return path


def network_plot(summary: Summary, path: Path) -> Path | None:
    """The alliance's relationship network per design: trust between parties and who blocks."""
    designs = [d for d in _designs(summary) if summary.parties.get(str(d))]
    if not designs:
        return None
    import networkx as nx
    from matplotlib.lines import Line2D

    designs = designs[:6]
    cols = min(2, len(designs))
    rows = -(-len(designs) // cols)
    fig = new_figure(5.4 * cols, 5.0 * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    top_blocks = max([max(summary.blocks.get(d, {}).values(), default=0) for d in designs] + [1e-9])
    for ax, d in zip(axes, designs, strict=False):
        parties = sorted(summary.parties[str(d)], key=lambda p: (p["kind"], p["key"]))
        g = nx.Graph()
        for p in parties:
            g.add_node(p["key"], **p)
        trust = summary.trust.get(d, {})
        for (a, b), t in trust.items():
            if a in g and b in g:
                g.add_edge(a, b, trust=t)
        pos = nx.circular_layout([p["key"] for p in parties])
        weights = np.array([g.edges[e]["trust"] for e in g.edges]) if g.edges else np.zeros(0)
        if len(weights):
            nx.draw_networkx_edges(
                g,
                pos,
                ax=ax,
                width=0.5 + 4 * np.clip(weights, 0, 1) ** 2,
                edge_color=weights,
                edge_cmap=_cmap(),
                edge_vmin=0,
                edge_vmax=1,
                alpha=0.8,
            )
        blocks = summary.blocks.get(d, {})
        for p in parties:
            colour = KIND_COLOURS.get(p["kind"], "grey")
            size = 120 + 900 * blocks.get(p["key"], 0) / top_blocks
            associate = p["membership"] != "full"
            nx.draw_networkx_nodes(
                g,
                pos,
                nodelist=[p["key"]],
                ax=ax,
                node_size=size,
                node_color="white" if associate else colour,
                edgecolors=colour if associate else "black",
                linewidths=2.5 if associate else 1,
            )
        labels = {p["key"]: f"{p['key']}\n{blocks.get(p['key'], 0):.1f}" for p in parties}
        label_pos = {k: v * 1.25 for k, v in pos.items()}
        nx.draw_networkx_labels(g, label_pos, labels=labels, ax=ax, font_size=7, clip_on=False)
        ax.set_xlim(-1.5, 1.5)
        ax.set_ylim(-1.45, 1.45)
        ax.set_title(short_label(summary, d, ", "), fontsize=9)
        ax.set_axis_off()
    for ax in axes[len(designs) :]:
        ax.set_visible(False)
    handles = [
        Line2D([], [], marker="o", linestyle="", color=c, markeredgecolor="black", label=k)
        for k, c in KIND_COLOURS.items()
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor="white",
            color="grey",
            markeredgewidth=2,
            label="associate (no vote)",
        )  # fmt: skip
    )
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8)
    if summary.trust:
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize

        mappable = ScalarMappable(norm=Normalize(0, 1), cmap=_cmap())
        fig.colorbar(mappable, ax=axes[: len(designs)].tolist(), shrink=0.5,
                     label="mean trust at end of term (edge)")  # fmt: skip
    fig.suptitle(
        "Relationship network: trust between parties (edges) and blocks per run (node size, label)"
    )
    save_png(fig, path)
    return path


def _cmap():
    from matplotlib import colormaps

    return colormaps["RdYlGn"]


FIGURES = {
    "stalemate": stalemate_plot,
    "time_to_decision": decision_time_plot,
    "survival": survival_plot,
    "differences": differences_plot,
    "risk": risk_plot,
    "network": network_plot,
}


_SUMMARY: Summary | None = None


def _draw(name: str, folder: Path) -> Path | None:
    return FIGURES[name](_SUMMARY, folder / f"{name}.png")


def write_figures(summary: Summary, folder: Path, processes: int = 2) -> dict[str, Path]:
    """Every figure the data allow, as ``folder/<name>.png``.

    Figures are independent, so with ``processes > 1`` (and where processes can be forked) they
    are drawn in parallel; the files are the same either way.
    """
    import concurrent.futures as cf
    import multiprocessing as mp
    import os

    from ..batch.lifeline import die_with_parent

    global _SUMMARY
    folder.mkdir(parents=True, exist_ok=True)
    _SUMMARY = summary
    try:
        if processes > 1 and "fork" in mp.get_all_start_methods():
            context = mp.get_context("fork")
            with cf.ProcessPoolExecutor(
                processes,
                mp_context=context,
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            ) as pool:
                # the slowest figures first, so that the two processes finish together
                names = sorted(FIGURES, key=lambda n: n not in ("risk", "network"))
                futures = {name: pool.submit(_draw, name, folder) for name in names}
                drawn = {name: future.result() for name, future in futures.items()}
        else:
            drawn = {name: _draw(name, folder) for name in FIGURES}
    finally:
        _SUMMARY = None
    return {name: drawn[name] for name in FIGURES if drawn[name] is not None}
