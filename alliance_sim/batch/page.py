"""The page every job's ``report.html`` is: one style sheet, tables, and figures drawn off-screen
and embedded, so that the page opens with no server and no other file.

Figures are drawn on :class:`matplotlib.figure.Figure` objects rendered by the Agg canvas, never
through ``pyplot``, so making them changes no global matplotlib state and needs no display.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from .files import atomic_write

DPI = 130

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1100px;
       margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.8em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } tr:nth-child(even) td { background: #fafafa; }
img { max-width: 100%; border: 1px solid #eee; } .how { background: #f6f8fa; padding: 0.6em 1em;
border-left: 4px solid #4a7; } pre { background: #f6f8fa; padding: 1em; overflow-x: auto; font-size: 0.85em; }
.meta { color: #555; font-size: 0.9em; } .note { color: #a40; } .scroll { overflow-x: auto; }
summary { cursor: pointer; color: #246; margin: 0.5em 0; }
"""


def new_figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    return fig


def save_png(fig, path: Path) -> None:
    """PNG drawn in memory, then written whole (a report rebuilt later never reads half a figure)."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    atomic_write(path, buffer.getvalue())


def embed_png(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return (
        f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        "</div>"
    )
