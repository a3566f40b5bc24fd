"""What a design search found: every candidate, the re-evaluated front and the
recommendations, as tables (``front.csv``, ``recommendations.csv``) and as the summary that
``alliance-sim search`` prints. Both tables carry a ``counterfactual`` column naming each
counterfactual lever value a design relies on (empty when none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..batch.columns import FRONT, RECOMMENDATION
from .confirm import Confirmed, Recommendation
from .space import Problem
from .words import counterfactuals, format_value


@dataclass
class SearchResults:
    """What a search found: every candidate, the re-evaluated front, the recommendations."""

    directory: Path
    problem: Problem
    candidates: pd.DataFrame
    confirmed: list[Confirmed]
    recommendations: list[Recommendation]
    runs: int
    notes: list[str] = field(default_factory=list)

    @property
    def report_path(self) -> Path:
        return self.directory / "report.html"

    def front_table(self) -> pd.DataFrame:
        """The re-evaluated designs (the current design first) with estimates and intervals."""
        problem = self.problem
        ranks = {r.confirmed.candidate.key: r.rank for r in self.recommendations}
        role, design, runs, feasible, recommended, counterfactual = FRONT
        rows = []
        for c in self.confirmed:
            row: dict[str, Any] = {role: c.role, design: c.candidate.key}
            for lever in problem.levers:
                row[lever.name] = (
                    problem.baseline_values.get(lever.name)
                    if c.role == "current"
                    else c.candidate.params.get(lever.name)
                )
            row[runs] = len(c.measures)
            for key, value in c.estimates.items():
                lo, hi = c.intervals[key]
                row.update({key: value, f"{key}_lo": lo, f"{key}_hi": hi})
            row.update({f"violation:{k}": v for k, v in c.violations.items()})
            row[feasible] = c.feasible
            row[recommended] = ranks.get(c.candidate.key, 0) if c.role != "current" else 0
            row[counterfactual] = "; ".join(counterfactuals(c.candidate.scenario))
            rows.append(row)
        return pd.DataFrame(rows)

    def recommendations_table(self) -> pd.DataFrame:
        frames = []
        for r in self.recommendations:
            frame = r.differences.copy()
            identity = (
                r.rank,
                r.confirmed.candidate.key,
                "; ".join(r.changes),
                "; ".join(r.counterfactuals),
                len(r.reported),
            )
            for i, (column, value) in enumerate(zip(RECOMMENDATION, identity, strict=True)):
                frame.insert(i, column, value)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def text(self) -> str:
        """The summary printed at the end of ``alliance-sim search``."""
        problem = self.problem
        table = self.candidates
        pct = int(round(problem.spec.statistics.confidence * 100))
        feasible = int(table["feasible"].sum()) if len(table) else 0
        lines = [
            f"Searched {len(table)} candidate designs ({problem.settings.sampler}, "
            f"{len(problem.seeds)} replications each on common random numbers): {feasible} met every "
            f"constraint, {int(table['pareto'].sum()) if len(table) else 0} on the Pareto front.",
            f"Re-evaluated {len(self.confirmed) - 1} front designs and the current design on "
            f"{len(problem.confirm_seeds)} fresh replications, which choose the recommendations "
            f"({pct}% intervals):",
            "",
        ]
        names = [o.name for o in problem.objectives]
        header = ["design", *(o.label for o in problem.objectives), "feasible"]
        rows = []
        for c in self.confirmed:
            rank = next((r.rank for r in self.recommendations if r.confirmed is c), None)
            label = (
                "current" if c.role == "current" else (f"#{rank}" if rank else c.candidate.key[:8])
            )
            rows.append(
                [label]
                + [_interval(n, c.estimates[n], *c.intervals[n]) for n in names]
                + ["yes" if c.feasible else "no"]
            )
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
        lines.append("  " + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        lines.append("  " + "  ".join("-" * w for w in widths))
        for r in rows:
            lines.append("  " + "  ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=True)))
        lines += [
            "",
            f"Recommended (chosen on those replications; every number below is from "
            f"{len(problem.report_seeds)} further replications never used to choose: paired "
            f"differences against the current design, {pct}% intervals):",
        ]
        if not self.recommendations:
            lines.append("  none: no re-evaluated design met every constraint.")
        for r in self.recommendations:
            lines.append(f"  {r.rank}. {r.sentence()}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def _interval(key: str, value: float, lo: float, hi: float) -> str:
    return f"{format_value(key, value)} [{format_value(key, lo)}, {format_value(key, hi)}]"
