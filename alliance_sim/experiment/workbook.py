"""``summary.xlsx``: the answer and the summary tables as one Excel workbook, for analysts who
work in spreadsheets (``alliance-sim report --xlsx``).

One sheet each: the question and its answer, the designs, the paired differences, who carries
the risk and each party's paired differences, and the definitions of the measures. Parties are
named, intervals have their own columns (numbers, not text, so that a spreadsheet can sort and
chart them), and each sheet's first row says what its unit is. Written by XlsxWriter (a
maintained, dependency-free writer) through pandas, to a temporary file renamed into place.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..batch.store import ResultStore
from ..measures import DEFINITIONS
from .answer import answer_for
from .summary import METRICS, Summary
from .words import factor_words

NAME = "summary.xlsx"


def _designs(summary: Summary) -> pd.DataFrame:
    frame = summary.designs.copy()
    frame = frame.rename(columns={c: factor_words(c, summary) for c in summary.label_columns})
    return frame


def _differences(summary: Summary) -> pd.DataFrame:
    frame = summary.differences.copy()
    if frame.empty:
        return frame
    frame["factor"] = [factor_words(f, summary) for f in frame["factor"]]
    frame["measure"] = [METRICS.get(m, m) for m in frame["metric"]]
    return frame


def _risk(summary: Summary) -> pd.DataFrame:
    frame = summary.risk.copy()
    named = frame["level"] == "party"
    frame.loc[named, "name"] = [summary.party_name(k) for k in frame.loc[named, "name"]]
    return frame.rename(columns={"name": "party or kind"})


def _party_differences(summary: Summary) -> pd.DataFrame:
    frame = summary.party_differences.copy()
    frame["factor"] = [factor_words(f, summary) for f in frame["factor"]]
    frame["party"] = [summary.party_name(k) for k in frame["party"]]
    return frame


def write_workbook(store: ResultStore, summary: Summary) -> Path:
    """Write ``summary.xlsx`` into the result folder; returns its path."""
    answer = answer_for(store, summary)
    sheets: list[tuple[str, str, pd.DataFrame]] = [
        ("Answer", "The experiment's question and its answer.",
         pd.DataFrame({"": ["Question", "Answer", *["Caveat"] * len(answer.caveats)],
                       "text": [answer.question, " ".join(answer.sentences), *answer.caveats]})),
        ("Designs", "One row per design. Shares 0-1; days; *_lo and *_hi: the interval's ends.",
         _designs(summary)),
        ("Differences", "Each level against its factor's first, paired on the same futures. "
         "Rates and survival as shares (0.01 = 1 pp); days in days.", _differences(summary)),
    ]  # fmt: skip
    if summary.risk is not None:
        sheets.append(("Risk", "Per design and party: money in £m over the term; shares 0-1.",
                       _risk(summary)))  # fmt: skip
    if summary.party_differences is not None and not summary.party_differences.empty:
        sheets.append(("Party differences", "net_m: £m over the term; loss_share: 0-1.",
                       _party_differences(summary)))  # fmt: skip
    sheets.append(("Definitions", "How each headline measure is counted (docs/GLOSSARY.md).",
                   pd.DataFrame({"measure": list(DEFINITIONS),
                                 "definition": list(DEFINITIONS.values())})))  # fmt: skip
    path = store.root / NAME
    part = path.with_name(f".{NAME}.{os.getpid()}.part")
    with pd.ExcelWriter(part, engine="xlsxwriter") as writer:
        for title, note, frame in sheets:
            frame.to_excel(writer, sheet_name=title, index=False, startrow=1)
            sheet = writer.sheets[title]
            sheet.write(0, 0, note)
            sheet.freeze_panes(2, 0)
            for j, column in enumerate(frame.columns):
                width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(50)])
                sheet.set_column(j, j, min(max(width, 8), 60))
    os.replace(part, path)
    return path
