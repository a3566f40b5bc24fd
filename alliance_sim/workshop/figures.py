"""The workshop's pictures, as matplotlib figures (Altair's front end does not load offline).

Figures are built with ``matplotlib.figure.Figure`` directly, never pyplot, so that concurrent
sessions of the app share no global state, and sized for a 1280x800 projector.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import textwrap

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ..config import Membership
from ..model import AllianceModel
from . import records
from .views import KIND_LABELS, KIND_ORDER, short_name

#: Colour-blind-safe colours (Okabe and Ito) for the kinds of party.
KIND_COLOURS = {
    "commissioner": "#0072B2",
    "council": "#CC79A7",
    "provider": "#009E73",
    "vcse": "#E69F00",
}
BLOCK_COLOUR = "#D55E00"
#: Six colours that stay apart for colour-blind readers and on a projector (Okabe and Ito), and
#: a marker for each round of them: twelve parties' lines never share colour and marker.
PARTY_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#000000")
PARTY_MARKERS = ("o", "s", "^", "D")


def party_style(index: int) -> tuple[str, str]:
    """(colour, marker) of a party's line."""
    n = len(PARTY_COLOURS)
    return PARTY_COLOURS[index % n], PARTY_MARKERS[(index // n) % len(PARTY_MARKERS)]


DEFAULT_TRUST = 0.5


def to_png(fig: Figure, dpi: int = 100) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def trust_graph(model: AllianceModel) -> tuple[nx.Graph, bool]:
    """The parties' relationships as a graph on party indices with edge attribute ``trust``.

    Uses ``model.network`` when the engine provides one (nodes may be party indices or keys);
    otherwise every pair of parties is linked with trust 0.5. The flag says which.
    """
    given = records.network(model)
    n = len(model.parties)
    if isinstance(given, nx.Graph):
        graph = nx.Graph()
        graph.add_nodes_from(range(n))
        for u, v, data in given.edges(data=True):
            iu, iv = model.index.get(u, u), model.index.get(v, v)
            if isinstance(iu, int) and isinstance(iv, int) and 0 <= iu < n and 0 <= iv < n:
                graph.add_edge(iu, iv, trust=float(data.get("trust", DEFAULT_TRUST)))
        return graph, True
    graph = nx.complete_graph(n)
    nx.set_edge_attributes(graph, DEFAULT_TRUST, "trust")
    return graph, False


def _kind_order(model: AllianceModel) -> list[int]:
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    return sorted(range(len(model.parties)), key=lambda i: (rank.get(model.parties[i].kind, 9), i))


def _circle(model: AllianceModel) -> dict[int, tuple[float, float]]:
    """Parties on a circle, grouped by kind, the first at the top."""
    order = _kind_order(model)
    n = len(order)
    angles = {i: math.pi / 2 - 2 * math.pi * k / n for k, i in enumerate(order)}
    return {i: (math.cos(a), math.sin(a)) for i, a in angles.items()}


def trust_range(graph: nx.Graph) -> tuple[float, float]:
    values = [float(d.get("trust", DEFAULT_TRUST)) for _, _, d in graph.edges(data=True)]
    return (min(values), max(values)) if values else (DEFAULT_TRUST, DEFAULT_TRUST)


def edge_width(trust: float, low: float, high: float) -> float:
    """Line width for a trust value, spread over the range actually present: trust levels that
    differ by a few hundredths must still look different (finding 10)."""
    share = 0.5 if high - low < 1e-9 else (trust - low) / (high - low)
    return 0.6 + 5.4 * float(np.clip(share, 0.0, 1.0))


def _draw_edges(ax, graph: nx.Graph, pos) -> tuple[float, float]:
    low, high = trust_range(graph)
    for u, v, data in graph.edges(data=True):
        trust = float(data.get("trust", DEFAULT_TRUST))
        width = edge_width(trust, low, high)
        (x0, y0), (x1, y1) = pos[u], pos[v]
        ax.plot(
            [x0, x1], [y0, y1], color="#555555", alpha=0.2 + 0.1 * width, linewidth=width,
            zorder=1, solid_capstyle="round",
        )  # fmt: skip
    return low, high


def node_size(model: AllianceModel, party: int) -> float:
    budgets = [max(p.budget_m, 0.0) for p in model.parties]
    top = max(budgets) if max(budgets) > 0 else 1.0
    return 180 + 2400 * math.sqrt(budgets[party] / top)


def label_offset(x: float, y: float, gap: float) -> tuple[tuple[float, float], str, str]:
    """Where a node's label goes (points from its centre) and how it is aligned: a full ``gap``
    out along each axis the label is aligned on, so that it never overlaps its node."""
    ha = "center" if abs(x) < 0.2 else ("left" if x > 0 else "right")
    va = "center" if abs(y) < 0.9 else ("bottom" if y > 0 else "top")
    dx = 0.0 if ha == "center" else math.copysign(gap, x)
    dy = 0.0 if va == "center" else math.copysign(gap, y)
    return (dx, dy), ha, va


def _draw_party(ax, model: AllianceModel, p, xy, blocked: bool, in_room: bool) -> None:
    x, y = xy
    size = node_size(model, p.index)
    colour = KIND_COLOURS.get(p.kind, "#999999")
    membership = p.membership
    ax.scatter(
        [x], [y], s=size, c=[colour if membership is Membership.FULL else "white"],
        edgecolors=[colour if membership is not Membership.NONE else "#999999"], linewidths=2.0,
        hatch="////" if membership is Membership.ASSOCIATE else None, zorder=3,
        linestyles="--" if membership is Membership.NONE else "-",
    )  # fmt: skip
    if blocked:
        ax.scatter([x], [y], s=size + 900, facecolors="none", edgecolors=BLOCK_COLOUR,
                   linewidths=3.5, zorder=2)  # fmt: skip
    label = short_name(p.name) + (" (room)" if in_room else "")
    gap = math.sqrt(size + (900 if blocked else 0)) / 2 + 6
    offset, ha, va = label_offset(x, y, gap)
    ax.annotate(
        "\n".join(textwrap.wrap(label, 16)), (x, y), xytext=offset, textcoords="offset points",
        ha=ha, va=va, fontsize=10.5, weight="bold" if blocked or in_room else "normal", zorder=4,
        color=BLOCK_COLOUR if blocked else "#222222",
    )  # fmt: skip


def _network_legend(key, model: AllianceModel, given: bool, low: float, high: float) -> None:
    kinds = [k for k in KIND_ORDER if any(p.kind == k for p in model.parties)]
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=11, color=KIND_COLOURS[k],
               label=KIND_LABELS[k])
        for k in kinds
    ]  # fmt: skip
    if given and high - low > 1e-9:
        trust = [
            Line2D([], [], color="#555555", linewidth=edge_width(t, low, high), alpha=0.6,
                   label=f"trust {t:.2f}")
            for t in (low, high)
        ]  # fmt: skip
    else:
        trust = [Line2D([], [], color="#555555", linewidth=3, alpha=0.6,
                        label=f"trust {low:.2f} for every pair")]  # fmt: skip
    handles += [
        Patch(facecolor="white", edgecolor="#444444", hatch="////", label="associate member"),
        Line2D([], [], marker="o", linestyle="", markersize=11, markerfacecolor="white",
               markeredgecolor="#999999", label="not a member"),
        Line2D([], [], marker="o", linestyle="", markersize=15, markerfacecolor="none",
               markeredgecolor=BLOCK_COLOUR, markeredgewidth=2.5, label="blocked at this meeting"),
        *trust,
    ]  # fmt: skip
    key.legend(
        handles=handles, loc="center left", fontsize=10, frameon=False,
        title="Node size = budget", title_fontsize=10, alignment="left", labelspacing=0.9,
    )  # fmt: skip


def network_figure(
    model: AllianceModel,
    blockers: set[int] | None = None,
    room: set[int] | None = None,
    width: float = 9.2,
    height: float = 5.4,
) -> Figure:
    """Parties as nodes coloured by kind and sized by budget; edges by trust; blockers ringed."""
    blockers, room = blockers or set(), room or set()
    graph, given = trust_graph(model)
    pos = _circle(model)
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0.0, 0.0, 0.75, 1.0))
    key = fig.add_axes((0.75, 0.0, 0.25, 1.0))
    key.set_axis_off()
    ax.set_axis_off()
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlim(-2.1, 2.1)
    ax.set_ylim(-1.52, 1.52)
    low, high = _draw_edges(ax, graph, pos)
    for p in model.parties:
        _draw_party(ax, model, p, pos[p.index], p.index in blockers, p.index in room)
    _network_legend(key, model, given, low, high)
    return fig


def mark_dissolution(ax, model: AllianceModel) -> None:
    """A line and a word where the alliance was dissolved (finding 10), if it was."""
    meeting = records.dissolved_at(model)
    if meeting is None or not 1 <= meeting <= len(model.meeting_days):
        return
    when = _dates(model, [model.meeting_days[meeting - 1]])[0]
    ax.axvline(when, color=BLOCK_COLOUR, linestyle="-", linewidth=2.0)
    ax.annotate(
        f"dissolved (meeting {meeting})", (when, 1.0), xycoords=("data", "axes fraction"),
        xytext=(4, -14), textcoords="offset points", fontsize=10, color=BLOCK_COLOUR,
    )  # fmt: skip


def _dates(model: AllianceModel, days) -> list[dt.date]:
    return [model.start + dt.timedelta(days=int(d)) for d in days]


def timeseries(model: AllianceModel) -> pd.DataFrame:
    """The model's collected figures, one row per meeting held, with the meeting's date."""
    frame = records.collected(model)
    if frame.empty:
        return frame
    frame = frame.reset_index(drop=True)
    days = frame["day"] if "day" in frame else model.meeting_days[: len(frame)]
    frame["date"] = _dates(model, days)
    return frame


def outcomes_figure(model: AllianceModel, width: float = 9.2, height: float = 3.4) -> Figure:
    """Matters agreed, stalemated and open after each meeting."""
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    frame = timeseries(model)
    series = (
        ("agreed", "agreed (so far)", "#009E73"),
        ("stalemated", "stalemated (so far)", BLOCK_COLOUR),
        ("open_matters", "open after the meeting", "#0072B2"),
    )
    if frame.empty:
        ax.text(0.5, 0.5, "No meetings held yet", ha="center", va="center", fontsize=12)
        ax.set_axis_off()
        return fig
    for column, label, colour in series:
        if column in frame:
            ax.plot(frame["date"], frame[column], label=label, color=colour, linewidth=2.2)
    _style_time_axes(ax, model)
    mark_dissolution(ax, model)
    ax.set_ylabel("matters")
    ax.set_title("Business before the board", loc="left", fontsize=12)
    ax.legend(loc="upper left", fontsize=10, frameon=False)
    return fig


def net_positions(model: AllianceModel) -> pd.DataFrame | None:
    """Each party's cumulative net position (£m) per meeting, one column per party key, indexed
    by the meetings' dates (the DataCollector's ``net_m`` agent reporter); None before any."""
    collected = records.collected(model)
    if not len(collected):
        return None
    keys = [p.key for p in model.parties]
    frame = collected[[f"net_m:{k}" for k in keys]].set_axis(keys, axis=1)
    frame.index = _dates(model, collected["day"])
    return frame


def net_position_figure(model: AllianceModel, width: float = 9.2, height: float = 3.8):
    """Each party's cumulative net position over time, or None if the engine keeps no ledger."""
    frame = net_positions(model)
    if frame is None:
        return None
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    names = {p.key: p for p in model.parties}
    # Legend in the order the lines end, top to bottom, so each label sits beside its line.
    order = frame.iloc[-1].sort_values(ascending=False).index
    for key in order:
        p = names[key]
        colour, marker = party_style(p.index)
        ax.plot(
            frame.index, frame[key], label=short_name(p.name), linewidth=2.0, color=colour,
            marker=marker, markevery=max(1, len(frame) // 6), markersize=6,
            linestyle="-" if p.membership is Membership.FULL else "--",
        )  # fmt: skip
    ax.axhline(0, color="#999999", linewidth=0.8)
    _style_time_axes(ax, model)
    mark_dissolution(ax, model)
    ax.set_ylabel("£m, cumulative")
    ax.set_title(
        "Each party's cumulative net position (dashed: not a full member at the end)",
        loc="left",
        fontsize=12,
    )
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=9.5, frameon=False)
    return fig


def compare_figure(
    a: AllianceModel, b: AllianceModel, label_a: str, label_b: str, divergence: int | None = None,
    width: float = 9.2, height: float = 3.4,
) -> Figure:  # fmt: skip
    """Agreed and stalemated matters over time under two designs (A solid, B dashed)."""
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    for model, label, style in ((a, label_a, "-"), (b, label_b, "--")):
        frame = timeseries(model)
        if frame.empty:
            continue
        ax.plot(frame["date"], frame["agreed"], style, color="#009E73", linewidth=2.2,
                label=f"agreed, {label}")  # fmt: skip
        ax.plot(frame["date"], frame["stalemated"], style, color=BLOCK_COLOUR, linewidth=2.2,
                label=f"stalemated, {label}")  # fmt: skip
    if divergence is not None and 1 <= divergence <= len(a.meeting_days):
        when = _dates(a, [a.meeting_days[divergence - 1]])[0]
        ax.axvline(when, color="#444444", linestyle=":", linewidth=1.5)
        ax.annotate(
            "histories part", (when, 1.0), xycoords=("data", "axes fraction"),
            xytext=(4, -14), textcoords="offset points", fontsize=10, color="#444444",
        )  # fmt: skip
    _style_time_axes(ax, a)
    ax.set_ylabel("matters")
    ax.set_title("The agents alone under each design (no room)", loc="left", fontsize=12)
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9, frameon=False)
    for text in legend.get_texts():
        text.set_text("\n".join(textwrap.wrap(text.get_text(), 34)))
    return fig


def _style_time_axes(ax, model: AllianceModel) -> None:
    locator = mdates.AutoDateLocator(maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(model.start, model.start + dt.timedelta(days=model.horizon))
    ax.grid(True, alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=10)
