"""Outcomes per sample point: means over replications, and paired differences between designs.

Per point and design the outcomes are means over replications of per-run values: stalemate rate,
mean days to decision, survival (neither terminated nor reconfigured) and each party's net
position; and each party's share of losses, its losses pooled over the point's replications as a
share of everyone's (``measures.DEFINITIONS["loss_share"]``, the definition the design search
uses too). Each paired difference between designs (for every two-level factor, level 2 − level 1,
the other factors equal) is the mean of the per-replication differences on common random numbers,
with a t interval; for a share, the difference of the two pooled shares, with a t interval from
its linearisation over the paired replications (the ratio estimator's usual variance).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import measures
from .points import LOSS_PREFIX, POINT_COLUMNS

SHARE_PREFIX = "loss_share."


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


def _split(metrics: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Per-run metrics averaged as they are, each party's losses, and the shares pooled from
    those losses (``loss_share.<party>``)."""
    losses = [m for m in metrics if m.startswith(LOSS_PREFIX)]
    plain = [m for m in metrics if m not in losses]
    return plain, losses, [SHARE_PREFIX + m.removeprefix(LOSS_PREFIX) for m in losses]


def outcome_names(metrics: list[str], designs: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """What a stage measures, before it runs, from the metrics each run records: each outcome of
    each design (``outcome @ design`` when there are several), then each paired difference
    (``outcome | level 2 - level 1``); :func:`outcomes` names its columns from here."""
    plain, _, shares = _split(metrics)
    single = len(designs) <= 1
    measured = [*plain, *shares]
    names = [
        metric if single else f"{metric} @ {design_label(labels)}"
        for metric in measured
        for labels in designs
    ]
    differences = [f"{metric} | {label}" for label, _, _ in pairs(designs) for metric in measured]
    return names + differences, differences


def outcomes(runs: pd.DataFrame, designs: list[dict[str, Any]], confidence: float) -> Outcomes:
    """Means over replications per point, and paired differences between designs."""
    metrics, losses, shares = _split([c for c in runs.columns if c not in POINT_COLUMNS])
    runs = runs.sort_values(["design", "point", "replication"])
    n_points = int(runs["point"].max()) + 1
    n_reps = int(runs["replication"].max()) + 1
    where = (runs["design"].to_numpy(), runs["point"].to_numpy(), runs["replication"].to_numpy())

    def cube(column: str) -> np.ndarray:
        arr = np.full((len(designs), n_points, n_reps), np.nan)
        arr[where] = runs[column].to_numpy(dtype=float)
        return arr

    cubes = {metric: cube(metric) for metric in metrics}
    # designs x points x replications x parties: each run's loss per party
    lost = np.stack([cube(c) for c in losses], axis=-1) if losses else None
    names, differences = outcome_names([*metrics, *losses], designs)
    per_design, per_pair = iter(names), iter(differences)
    values, low, high = {}, {}, {}
    with np.errstate(all="ignore"):
        for arr in cubes.values():
            for d in range(len(designs)):
                values[next(per_design)] = _nanmean(arr[d])
        if lost is not None:
            pooled = measures.pooled_shares(np.nansum(lost, axis=2))  # designs x points x parties
            for j in range(len(shares)):
                for d in range(len(designs)):
                    values[next(per_design)] = pooled[d, :, j]
    for _, a, b in pairs(designs):
        for arr in cubes.values():
            diff = arr[a] - arr[b]
            n = np.sum(~np.isnan(diff), axis=1)
            with np.errstate(all="ignore"):
                mean = _nanmean(diff)
            _difference(next(per_pair), mean, _sd(diff), n, confidence, values, low, high)
        if lost is None:
            continue
        za, zb = _linearised(lost[a]), _linearised(lost[b])
        n = np.sum(~np.isnan(lost[a][..., 0] - lost[b][..., 0]), axis=1)
        for j in range(len(shares)):
            mean = pooled[a, :, j] - pooled[b, :, j]
            sd = _sd(za[..., j] - zb[..., j])
            _difference(next(per_pair), mean, sd, n, confidence, values, low, high)
    frame = pd.DataFrame(values)
    return Outcomes(
        list(frame.columns),
        frame,
        pd.DataFrame(low, index=frame.index),
        pd.DataFrame(high, index=frame.index),
        differences,
    )


def _difference(name, mean, sd, n, confidence, values, low, high) -> None:
    """Record a paired difference per point, with its t interval."""
    from scipy import stats

    with np.errstate(all="ignore"):
        t = stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1))
        half = np.where(n > 1, t * sd / np.sqrt(n), np.nan)
    values[name], low[name], high[name] = mean, mean - half, mean + half


def _linearised(lost: np.ndarray) -> np.ndarray:
    """Each replication's part in each party's pooled share of losses (points x reps x parties):
    ``(l_r - R t_r) / mean(t)`` for the share ``R = sum l / sum t`` (Taylor linearisation), so
    that the spread of its paired differences gives the difference's standard error."""
    total = lost.sum(axis=-1, keepdims=True)  # each run's losses of all parties
    pooled = measures.pooled_shares(np.nansum(lost, axis=1))[:, None, :]
    scale = np.nanmean(total, axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        return np.where(scale > 0, (lost - pooled * total) / scale, 0.0)


def _nanmean(arr: np.ndarray) -> np.ndarray:
    n = np.sum(~np.isnan(arr), axis=1)
    total = np.nansum(arr, axis=1)
    return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def _sd(arr: np.ndarray) -> np.ndarray:
    """Sample standard deviation of each row (NaN where fewer than two values; numpy's
    ``nanstd`` would warn about those rows, e.g. a stage of one replication)."""
    n = np.sum(~np.isnan(arr), axis=1)
    mean = _nanmean(arr)
    with np.errstate(all="ignore"):
        squares = np.nansum((arr - mean[:, None]) ** 2, axis=1)
        return np.where(n > 1, np.sqrt(squares / np.maximum(n - 1, 1)), np.nan)
