"""Figures for a committee paper, as PNG files, readable without the code.

Figures are drawn on :class:`matplotlib.figure.Figure` objects rendered by the Agg canvas, never
through ``pyplot``, so making them changes no global matplotlib state and needs no display.
Each function returns the path written, or None when the data for that figure are absent.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..batch.page import new_figure, save_png
from .summary import MANY_DESIGNS, Summary
from .words import PARTY_PATH, short_name

KIND_COLOURS = {
    "commissioner": "#1f77b4",
    "provider": "#ff7f0e",
    "council": "#2ca02c",
    "vcse": "#9467bd",
}


def factor_label(summary: Summary, path: str) -> str:
    """A factor as a figure names it: its dotted path in words, after the party's name where it
    is a party's (``parties.council.membership`` reads "Nottinghamshire County Council's
    membership")."""
    match = PARTY_PATH.match(path)
    if match is None:
        return short_name(path)
    rest = path[match.end() :].split(".")  # home_body.cadence_days: "home body cadence (days)"
    return f"{summary.party_name(match.group(1))}'s " + " ".join(short_name(p) for p in rest)


def short_label(summary: Summary, design: int, sep: str = "\n") -> str:
    """A design's levels, each factor named in words (``cadence_days`` reads "cadence (days)")
    after its party's name."""
    row = summary.designs.loc[summary.designs["design"] == design].iloc[0]
    parts = []
    for column in summary.label_columns:
        value = row[column]
        value = f"{value:.4g}" if isinstance(value, float) else str(value)
        parts.append(value if column == "scenario" else f"{factor_label(summary, column)}: {value}")
    return sep.join(parts) or "baseline"


def _drawn(fig):
    """The figure laid out as its PNG is (drawn on an Agg canvas), and the renderer it used."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _labels(fig) -> list:
    """Every text the figure shows: titles, axis labels, the tick labels inside each axis's view
    (matplotlib keeps labels of ticks beyond it, undrawn), annotations, legend entries."""
    texts = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            slack = 1e-9 * max(hi - lo, 1e-12)
            for tick, loc in zip(axis.get_major_ticks(), axis.get_majorticklocs(), strict=False):
                if lo - slack <= loc <= hi + slack:
                    texts += [tick.label1, tick.label2]
            texts.append(axis.label)
        texts += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        if ax.get_legend() is not None:
            texts += [*ax.get_legend().get_texts(), ax.get_legend().get_title()]
    texts += list(fig.texts)  # the suptitle among them
    for legend in fig.legends:
        texts += [*legend.get_texts(), legend.get_title()]
    unique = {id(t): t for t in texts}
    return [t for t in unique.values() if t.get_visible() and t.get_text().strip()]


def overlapping_labels(fig) -> list[tuple[str, str]]:
    """Pairs of texts of a drawn figure (titles, tick labels, annotations, legend entries) whose
    boxes overlap: a label on top of another cannot be read. A test holds every figure to none."""

    renderer = _drawn(fig)
    boxes = []
    for text in _labels(fig):
        box = text.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            boxes.append((text.get_text(), box.expanded(0.98, 0.9)))
    found = []
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            if box_a.overlaps(box_b):
                found.append((a, b))
    return found


def clipped_labels(fig) -> list[str]:
    """Texts of a drawn figure that run over its edge (cut off in the PNG)."""
    renderer = _drawn(fig)
    frame = fig.bbox
    out = []
    for text in _labels(fig):
        box = text.get_window_extent(renderer)
        inside = (box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1
                  and box.y0 >= frame.y0 - 1 and box.y1 <= frame.y1 + 1)  # fmt: skip
        if not inside:
            out.append(text.get_text())
    return out


def legends_inside_axes(fig) -> list[str]:
    """The axes of a figure that hold a legend over their data (a figure's legends belong outside
    its axes, where they hide nothing)."""
    return [ax.get_title() or "axes" for ax in fig.axes if ax.get_legend() is not None]


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
    lines = len(summary.label_columns) or 1
    fig = new_figure(9, 1.6 + max(0.5, 0.28 * lines) * len(designs))
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
    ax.set_yticks(y, [short_label(summary, d, "\n") for d in designs], fontsize=8)
    ax.set_xlabel("Ordinary business that ended in stalemate (% of what the board settled)")
    ax.set_xlim(0, max(hi.max() * 1.25, 1))
    fig.suptitle(f"Stalemate rate by design (bars: {pct}% Wilson intervals)")
    ax.grid(axis="x", alpha=0.3)
    save_png(fig, path)
    return path


def decision_time_plot(summary: Summary, path: Path) -> Path | None:
    """Empirical CDF of days from first proposal to agreement, one line per design (a few
    designs; more are drawn as differences from the first, ``time_differences_plot``)."""
    designs = _designs(summary)
    if summary.days_hist is None or not len(summary.days_values) or not designs:
        return None
    if len(summary.designs) > MANY_DESIGNS:
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
    handles, labels = ax.get_legend_handles_labels()
    # two columns only where two labels fit side by side in the figure's width
    ncols = 2 if max((len(x) for x in labels), default=0) <= 50 else 1
    ax.figure.legend(handles, labels, loc="outside lower center", fontsize=8, ncols=ncols,
                     title="design")  # fmt: skip


def survival_plot(summary: Summary, path: Path) -> Path | None:
    """Kaplan–Meier share of matters decided within each number of days, one line per design,
    the matters left undecided censored (``survival.py``)."""
    from ..survival import from_counts

    designs = _designs(summary)
    if summary.days_hist is None or summary.censored_hist is None or not designs:
        return None
    if len(summary.designs) > MANY_DESIGNS:
        return None  # the differences from the first design show the Kaplan-Meier medians
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
        text = f"{factor_label(summary, r['factor'])}: {r['level']} − {r['reference']}"
        if r.get("where"):
            where = ", ".join(
                f"{factor_label(summary, k)}={v}" if sep else k
                for k, sep, v in (item.partition("=") for item in str(r["where"]).split(", "))
            )
            text += f"\n(at {where})"
        labels.append(text)
    axes[0].set_yticks(y, labels, fontsize=8)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", fontsize=8, ncols=2)
    fig.suptitle(f"Differences between designs ({pct}% bootstrap intervals)")
    save_png(fig, path)
    return path


def time_differences_plot(summary: Summary, path: Path) -> Path | None:
    """With many designs: each design's time to decision against the first design's, the mean
    and the Kaplan-Meier median, as paired differences with intervals."""
    frame = summary.versus_baseline
    if frame is None or frame.empty:
        return None
    panels = [("mean_days", "Mean days to decision"),
              ("km_median_days", "Kaplan-Meier median days\n(undecided censored)")]  # fmt: skip
    designs = sorted(set(frame["design_b"]))
    pct = int(round(summary.confidence * 100))
    lines = len(summary.label_columns) or 1
    labels = [short_label(summary, d, "\n") for d in designs]
    longest = max((len(line) for label in labels for line in label.splitlines()), default=0)
    # the tick labels take their width from the panels: a wider figure for longer labels
    fig = new_figure(10 + 0.07 * max(0, longest - 40), 2.1 + max(0.42, 0.26 * lines) * len(designs))
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    y = np.arange(len(designs))[::-1]
    for ax, (metric, title) in zip(axes, panels, strict=True):
        rows = frame[frame["metric"] == metric].set_index("design_b").loc[designs]
        diff = rows["difference"].to_numpy(float)
        lo, hi = rows["paired_lo"].to_numpy(float), rows["paired_hi"].to_numpy(float)
        ok = np.isfinite(diff)
        ax.hlines(y[ok], lo[ok], hi[ok], colors="#d62728", linewidth=3)
        ax.scatter(diff[ok], y[ok], color="black", zorder=3, s=25)
        for yi in y[~ok]:
            ax.text(0, yi, "not reached", va="center", ha="center", fontsize=7, color="grey")
        ax.axvline(0, color="black", linewidth=1)
        ax.set_xlabel("days, against the first design")
        ax.set_title(title, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, labels, fontsize=8)
    fig.suptitle(
        "Time to decision: each design against the first\n"
        f"({_wrap(short_label(summary, 0, ', '), 90)}); left of zero is faster; bars: paired "
        f"{pct}% bootstrap intervals",
        fontsize=10,
    )
    save_png(fig, path)
    return path


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


DESIGN_MARKERS = ("o", "s", "D", "^", "v", "P", "X", "<", ">", "h")


def risk_plot(summary: Summary, path: Path) -> Path | None:
    """Who carries the risk: each party's share of all losses borne and its expected net position,
    one dot per design with its interval, parties named, designs told apart by colour and mark."""
    risk = summary.risk
    if risk is None or risk.empty:
        return None
    parties = risk[risk["level"] == "party"]
    designs = [d for d in _designs(summary) if d in set(parties["design"])]
    if not designs:
        return None
    keys = list(dict.fromkeys(parties["name"]))
    pct = int(round(summary.confidence * 100))
    band = 0.8
    per_party = max(0.42, 0.11 * len(designs))
    legend_rows = -(-len(designs) // 2)
    fig = new_figure(11, 1.5 + per_party * len(keys) + 0.28 * legend_rows)
    axes = fig.subplots(1, 2, sharey=True, squeeze=False)[0]
    base = np.arange(len(keys))[::-1].astype(float)
    offsets = (np.linspace(band / 2, -band / 2, len(designs)) if len(designs) > 1
               else np.zeros(1))  # fmt: skip
    panels = [
        ("downside_share", "downside_share_lo", "downside_share_hi", 100.0,
         "Share of all the parties' losses it bears (%)"),
        ("expected_net_m", "expected_net_lo", "expected_net_hi", 1.0,
         "Expected net position over the term (£m)"),
    ]  # fmt: skip
    for ax, (col, lo_col, hi_col, scale, label) in zip(axes, panels, strict=True):
        for k, d in enumerate(designs):
            frame = parties[parties["design"] == d].set_index("name")
            colour, marker = f"C{k % 10}", DESIGN_MARKERS[(k // 10) % len(DESIGN_MARKERS)]
            if len(designs) > 10:
                marker = DESIGN_MARKERS[k % len(DESIGN_MARKERS)]
            for i, key in enumerate(keys):
                if key not in frame.index:
                    continue
                r = frame.loc[key]
                y = base[i] + offsets[k]
                lo, hi = r.get(lo_col, np.nan), r.get(hi_col, np.nan)
                if np.isfinite(lo) and np.isfinite(hi):
                    ax.hlines(y, lo * scale, hi * scale, colors=colour, linewidth=1.5)
                associate = r["membership"] != "full"
                ax.scatter(r[col] * scale, y, s=22, marker=marker, zorder=3,
                           facecolors="white" if associate else colour, edgecolors=colour,
                           label=short_label(summary, d, ", ") if i == 0 else None)  # fmt: skip
        if col == "expected_net_m":
            ax.axvline(0, color="black", linewidth=1)
        for edge in base[:-1] - 0.5:
            ax.axhline(edge, color="#dddddd", linewidth=0.6)
        ax.set_xlabel(label)
        ax.grid(axis="x", alpha=0.3)
    names = [_wrap(summary.party_name(k), 30) for k in keys]
    axes[0].set_yticks(base, names, fontsize=8)
    axes[0].set_ylim(-0.6, len(keys) - 0.4)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, [_wrap(x, 60) for x in labels], loc="outside lower center", fontsize=7,
               ncols=2, title="design (hollow: the party is an associate there)",
               title_fontsize=8)  # fmt: skip
    fig.suptitle(f"Who carries the risk, by design (bars: {pct}% intervals over runs)")
    save_png(fig, path)
    return path


MEMBERSHIP_WORDS = {"full": "a full member", "associate": "an associate", "none": "not a member"}


def _network_groups(summary: Summary, designs: list[int]) -> list[tuple[str, list[int]]]:
    """Designs grouped by who is a member of what (the same ring), each group titled by the
    memberships that set it apart; at most four groups are drawn."""
    groups: dict[tuple, list[int]] = {}
    for d in designs:
        config = tuple(sorted((p["key"], p["membership"]) for p in summary.parties[str(d)]))
        groups.setdefault(config, []).append(d)
    configs = list(groups)
    varying = {key for config in configs for key, m in config
               if any(dict(other).get(key) != m for other in configs)}  # fmt: skip
    out = []
    for config in configs[:4]:
        ds = groups[config]
        count = f"{len(ds)} design{'s' if len(ds) > 1 else ''}"
        if not varying:
            title = f"all {count}" if len(ds) > 1 else short_label(summary, ds[0], ", ")
        else:
            what = "; ".join(
                f"{summary.party_name(k)} {MEMBERSHIP_WORDS.get(m, m)}"
                for k, m in config
                if k in varying
            )
            title = f"{what} ({count})"
        out.append((title, ds))
    return out


def _label_place(x: float, y: float) -> dict:
    """Alignment of a node's label outside the ring, so that it grows away from the ring."""
    ha = "left" if x > 0.3 else "right" if x < -0.3 else "center"
    va = "bottom" if y > 0.3 else "top" if y < -0.3 else "center"
    return {"ha": ha, "va": va}


def network_plot(summary: Summary, path: Path) -> Path | None:
    """The alliance's relationship network: trust between parties and who blocks, one ring per
    distinct membership (designs with the same members share one, trust and blocks averaged)."""
    designs = [d for d in _designs(summary) if summary.parties.get(str(d))]
    if not designs:
        return None
    import networkx as nx
    from matplotlib.lines import Line2D

    groups = _network_groups(summary, designs)
    cols = min(2, len(groups))
    rows = -(-len(groups) // cols)
    fig = new_figure(6.2 * cols, 5.6 * rows + 0.6)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    top_blocks = max([max(summary.blocks.get(d, {}).values(), default=0) for d in designs] + [1e-9])
    for ax, (title, ds) in zip(axes, groups, strict=False):
        parties = sorted(summary.parties[str(ds[0])], key=lambda p: (p["kind"], p["key"]))
        keys = [p["key"] for p in parties]
        blocks = {k: float(np.mean([summary.blocks.get(d, {}).get(k, 0.0) for d in ds]))
                  for k in keys}  # fmt: skip
        trust: dict[tuple[str, str], list[float]] = {}
        for d in ds:
            for pair, t in summary.trust.get(d, {}).items():
                trust.setdefault(pair, []).append(t)
        g = nx.Graph()
        g.add_nodes_from(keys)
        for (a, b), ts in trust.items():
            if a in g and b in g:
                g.add_edge(a, b, trust=float(np.mean(ts)))
        pos = nx.circular_layout(keys)
        weights = np.array([g.edges[e]["trust"] for e in g.edges]) if g.edges else np.zeros(0)
        if len(weights):
            nx.draw_networkx_edges(g, pos, ax=ax, width=0.5 + 4 * np.clip(weights, 0, 1) ** 2,
                                   edge_color=weights, edge_cmap=_cmap(), edge_vmin=0,
                                   edge_vmax=1, alpha=0.8)  # fmt: skip
        for p in parties:
            colour = KIND_COLOURS.get(p["kind"], "grey")
            associate = p["membership"] != "full"
            nx.draw_networkx_nodes(
                g, pos, nodelist=[p["key"]], ax=ax,
                node_size=120 + 900 * blocks[p["key"]] / top_blocks,
                node_color="white" if associate else colour,
                edgecolors=colour if associate else "black",
                linewidths=2.5 if associate else 1,
            )  # fmt: skip
            x, y = pos[p["key"]]
            ax.text(1.16 * x, 1.16 * y,
                    f"{_wrap(summary.party_name(p['key']), 22)}\n{blocks[p['key']]:.1f} blocks a run",
                    fontsize=6.5, **_label_place(x, y))  # fmt: skip
        ax.set_xlim(-2.3, 2.3)
        ax.set_ylim(-1.75, 1.75)
        ax.set_aspect("equal")
        ax.set_title(_wrap(title, 60), fontsize=9)
        ax.set_axis_off()
    for ax in axes[len(groups) :]:
        ax.set_visible(False)
    handles = [
        Line2D([], [], marker="o", linestyle="", color=c, markeredgecolor="black", label=k)
        for k, c in KIND_COLOURS.items()
    ]
    handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                          color="grey", markeredgewidth=2, label="associate (no vote)"))  # fmt: skip
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8)
    if summary.trust:
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize

        mappable = ScalarMappable(norm=Normalize(0, 1), cmap=_cmap())
        fig.colorbar(mappable, ax=axes[: len(groups)].tolist(), shrink=0.5,
                     label="mean trust at end of term (edge)")  # fmt: skip
    fig.suptitle("Relationship network: trust between parties (edges)\nand blocks per run "
                 "(node size)")  # fmt: skip
    save_png(fig, path)
    return path


def _cmap():
    from matplotlib import colormaps

    return colormaps["RdYlGn"]


FIGURES = {
    "stalemate": stalemate_plot,
    "time_to_decision": decision_time_plot,
    "time_differences": time_differences_plot,
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
