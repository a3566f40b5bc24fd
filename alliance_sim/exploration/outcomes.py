"""Outcomes per sample point: means over replications, and paired differences between designs.

Per point and design the outcomes are means over replications of per-run values: stalemate rate,
mean days to decision, survival (neither terminated nor reconfigured), and each party's net
position and share of the run's losses. Each paired difference between designs (for every
two-level factor, level 2 − level 1, the other factors equal) is the mean of the
per-replication differences on common random numbers, with a t interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .points import POINT_COLUMNS


@dataclass
class Outcomes:
    """Per point: each outcome of each design, and each paired difference with its interval."""

    names: list[str]  # outcome columns, design outcomes then differences
    values: pd.DataFrame  # points x names
    low: pd.DataFrame  # 95% interval of each difference (NaN for design outcomes)
    high: pd.DataFrame
    differences: list[str]


def design_label(labels: dict[str, Any]) -> str:
    return ", ".join(str(v) for v in labels.values()) or "base"


def pairs(designs: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    """Paired differences: for each two-level factor, level 2 − level 1 with the rest equal."""
    out = []
    if not designs or not designs[0]:
        return out
    names = list(designs[0])
    for name in names:
        levels = list(dict.fromkeys(d[name] for d in designs))
        if len(levels) != 2:
            continue
        for i, d in enumerate(designs):
            if d[name] != levels[0]:
                continue
            for j, e in enumerate(designs):
                if e[name] == levels[1] and all(e[k] == d[k] for k in names if k != name):
                    rest = [str(d[k]) for k in names if k != name]
                    where = f" [{', '.join(rest)}]" if rest else ""
                    out.append((f"{levels[1]} - {levels[0]}{where}", j, i))
    return out


def outcome_names(metrics: list[str], designs: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """What a stage measures, before it runs: each metric of each design (``metric @ design``
    when there are several), then each paired difference (``metric | level 2 - level 1``)."""
    single = len(designs) <= 1
    names = [
        metric if single else f"{metric} @ {design_label(labels)}"
        for metric in metrics
        for labels in designs
    ]
    differences = [f"{metric} | {label}" for label, _, _ in pairs(designs) for metric in metrics]
    return names + differences, differences


def outcomes(runs: pd.DataFrame, designs: list[dict[str, Any]], confidence: float) -> Outcomes:
    """Means over replications per point, and paired differences between designs."""
    from scipy import stats

    metrics = [c for c in runs.columns if c not in POINT_COLUMNS]
    runs = runs.sort_values(["design", "point", "replication"])
    n_points = int(runs["point"].max()) + 1
    n_reps = int(runs["replication"].max()) + 1
    cube = {}
    for metric in metrics:
        arr = np.full((len(designs), n_points, n_reps), np.nan)
        arr[runs["design"].to_numpy(), runs["point"].to_numpy(), runs["replication"].to_numpy()] = (
            runs[metric].to_numpy(dtype=float)
        )
        cube[metric] = arr
    names, differences = outcome_names(metrics, designs)
    values, low, high = {}, {}, {}
    per_design = iter(names)
    for arr in cube.values():
        for d in range(len(designs)):
            values[next(per_design)] = _nanmean(arr[d])
    per_pair = iter(differences)
    for _, a, b in pairs(designs):
        for arr in cube.values():
            name = next(per_pair)
            diff = arr[a] - arr[b]
            n = np.sum(~np.isnan(diff), axis=1)
            mean = _nanmean(diff)
            with np.errstate(all="ignore"):
                t = stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1))
                half = np.where(n > 1, t * _sd(diff, mean, n) / np.sqrt(n), np.nan)
            values[name], low[name], high[name] = mean, mean - half, mean + half
    frame = pd.DataFrame(values)
    return Outcomes(
        list(frame.columns),
        frame,
        pd.DataFrame(low, index=frame.index),
        pd.DataFrame(high, index=frame.index),
        differences,
    )


def _nanmean(arr: np.ndarray) -> np.ndarray:
    n = np.sum(~np.isnan(arr), axis=1)
    total = np.nansum(arr, axis=1)
    return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def _sd(arr: np.ndarray, mean: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Sample standard deviation of each row (NaN where fewer than two values; numpy's
    ``nanstd`` would warn about those rows, e.g. a stage of one replication)."""
    squares = np.nansum((arr - mean[:, None]) ** 2, axis=1)
    return np.where(n > 1, np.sqrt(squares / np.maximum(n - 1, 1)), np.nan)
