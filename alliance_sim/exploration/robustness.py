"""Robustness of findings: in what share of the sampled worlds does each paired difference hold?

A *finding* is the direction of a paired difference between designs (e.g. "associate membership
raises the council's share of losses", ``loss_share.council | associate - full`` > 0), taken as
the sign of its mean over all sampled worlds. At each sample point (a *world*: one value of every
varied assumption) the difference has a mean over the replications (paired on common random
numbers) and a 95% interval; the finding

- *holds* at a point when the point's mean has the finding's sign,
- *holds clearly* when the whole interval is on that side of zero,
- is *reversed* when the whole interval is on the other side,
- makes *no difference* when the two designs give the same result in every replication (e.g.
  survival when no alliance ends in either design).

What a share of worlds means depends on which worlds were sampled (:class:`Worlds`): a Morris
stage visits a grid along one-at-a-time trajectories, a Sobol stage a quasi-random sample of the
few families it varies with the rest fixed at the scenario's values. Each share is therefore said
with the worlds it is of, and with an interval: a percentile bootstrap over the design's
independent units (Morris trajectories, Saltelli base rows), since the points of one unit share
values; when the finding holds (or fails) at every point there is nothing to resample, and the
interval is Wilson's with one world per unit, which is conservative. The verdict is "robust in
these worlds" only when that interval is above 95% and the finding is reversed clearly nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..batch.stats import wilson
from .outcomes import Outcomes

#: A finding whose share of worlds has its interval above this, reversed at none, is called robust.
ROBUST = 0.95
#: Resamples of the design's units for each interval.
DRAWS = 1000


@dataclass(frozen=True)
class Worlds:
    """Which worlds a stage sampled: the distribution a share of them estimates."""

    stage: str
    method: str  # "morris" or "sobol"
    points: int
    units: int  # independent units: Morris trajectories or Saltelli base rows
    varied: int  # factors (families or fields) the stage varies
    of: int  # factors the stage could have varied (the rest stay at the scenario's values)
    kind: str  # "families" or "fields"
    levels: int = 4

    @property
    def unit_size(self) -> int:
        return self.points // max(self.units, 1)

    def narrower(self) -> bool:
        return self.varied < self.of

    def brief(self) -> str:
        """The worlds in a clause: "a Morris grid of all 42 families on 20 trajectories"."""
        if self.method == "morris":
            what = f"a Morris grid of {'all ' if not self.narrower() else ''}{self.varied} "
            what += f"{self.kind} on {self.units} trajectories (a screening design)"
        else:
            what = f"a Saltelli sample of {self.varied} {self.kind} ({self.units} base rows)"
        if self.narrower():
            what += (
                f", the other {self.of - self.varied} of {self.of} fixed at the scenario's "
                "values: a narrower test"
            )
        return f"{self.points:,} worlds: {what}"

    def text(self) -> str:
        """The worlds in words, for the report and the summary."""
        if self.method == "morris":
            how = (
                f"{self.points:,} worlds on {self.units} Morris trajectories (one-at-a-time paths "
                f"over {self.varied} {self.kind}): each field on a {self.levels}-level grid "
                f"across its plausible range, uniformly, the {self.kind} independent"
                + (
                    " (a family's fields in the same half of their ranges, so that it moves as one)"
                    if self.kind == "families"
                    else ""
                )
                + "; a screening design, not a random sample"
            )
            unit = "trajectories"
        else:
            how = (
                f"{self.points:,} worlds of a Saltelli sample ({self.units} quasi-random base "
                f"rows): each varied field independent and uniform over its plausible range"
            )
            unit = "base rows"
        if self.narrower():
            how += (
                f"; {self.varied} of {self.of} {self.kind} varied, the other "
                f"{self.of - self.varied} fixed at the scenario's values: a narrower test than "
                f"varying all {self.of}, not a stronger one"
            )
        return f"{how}. Intervals resample the {self.units} {unit}."


@dataclass(frozen=True)
class Verdict:
    finding: str
    sign: int
    mean: float
    holds: float
    holds_lo: float
    holds_hi: float
    holds_clearly: float
    reversed: float
    no_difference: float
    points: int
    text: str


WORDS = {
    "stalemate_rate": "the stalemate rate",
    "mean_days": "the mean days to decision",
    "survived": "the chance the alliance survives the term",
    "net_m": "{party}'s expected net position",
    "loss_share": "{party}'s share of losses borne",
}


def metric_words(metric: str) -> str:
    """``loss_share.council`` -> "council's share of losses borne"."""
    kind, _, party = metric.partition(".")
    return WORDS.get(kind, metric).format(party=party)


def describe(name: str, sign: int) -> str:
    """A finding in words: "associate (vs full) raises council's share of losses borne"."""
    metric, _, pair = name.partition(" | ")
    verb = "raises" if sign > 0 else "lowers" if sign < 0 else "does not change"
    level, _, reference = pair.partition(" - ")
    return f"{level} (vs {reference}) {verb} {metric_words(metric)}"


def share_interval(
    hit: np.ndarray, ok: np.ndarray, unit: np.ndarray, confidence: float, rng: np.random.Generator
) -> tuple[float, float]:
    """Interval of ``hit[ok].mean()``: a percentile bootstrap over the units (``unit``: each
    point's unit), or Wilson's with one world per unit when every point or none is a hit."""
    units = int(unit.max()) + 1 if len(unit) else 0
    hits = np.bincount(unit[ok], weights=hit[ok].astype(float), minlength=units)
    valid = np.bincount(unit[ok], minlength=units).astype(float)
    share = hits.sum() / valid.sum() if valid.sum() else float("nan")
    used = int((valid > 0).sum())
    if not used:
        return float("nan"), float("nan")
    if share in (0.0, 1.0):
        return wilson(share * used, used, confidence)
    weights = rng.multinomial(units, np.full(units, 1.0 / units), size=DRAWS)
    with np.errstate(invalid="ignore", divide="ignore"):
        draws = (weights @ hits) / (weights @ valid)
    alpha = (1 - confidence) / 2
    low, high = np.nanquantile(draws, [alpha, 1 - alpha])
    return float(low), float(high)


def robustness(
    out: Outcomes,
    worlds: Worlds,
    seed: int,
    confidence: float = 0.95,
    findings: list[str] | None = None,
) -> list[Verdict]:
    """One verdict per paired difference (or per named finding), over ``worlds``."""
    verdicts = []
    unit = np.arange(len(out.values)) // max(worlds.unit_size, 1)
    for k, name in enumerate(findings or out.differences):
        mean = out.values[name].to_numpy(dtype=float)
        low = out.low[name].to_numpy(dtype=float)
        high = out.high[name].to_numpy(dtype=float)
        ok = ~np.isnan(mean)
        if not ok.any():
            continue
        overall = float(np.nanmean(mean))
        sign = int(np.sign(overall))
        n = int(ok.sum())
        same = float(np.sum((mean[ok] == 0) & (low[ok] == high[ok])) / n)
        if sign == 0:
            holds = clearly = rev = 0.0
            lo = hi = float("nan")
        else:
            hit = np.sign(mean) == sign
            holds = float(np.sum(hit[ok]) / n)
            clearly = float(np.sum((low[ok] > 0) if sign > 0 else (high[ok] < 0)) / n)
            rev = float(np.sum((high[ok] < 0) if sign > 0 else (low[ok] > 0)) / n)
            rng = np.random.default_rng([seed, 23, k])
            lo, hi = share_interval(hit, ok, unit, confidence, rng)
        text = _verdict_text(n, same, sign, holds, lo, hi, clearly, rev)
        verdicts.append(Verdict(name, sign, overall, holds, lo, hi, clearly, rev, same, n, text))
    return verdicts


def _verdict_text(n, same, sign, holds, lo, hi, clearly, rev) -> str:
    worlds = f"{n:,} sampled worlds"
    if sign == 0 or same >= ROBUST:
        return f"no difference in {same:.0%} of the {worlds}"
    share = f"{holds:.0%} [{lo:.0%}, {hi:.0%}]"
    if lo >= ROBUST and rev == 0:
        return (
            f"robust in these worlds: holds in {share} of the {worlds} (clearly in "
            f"{clearly:.0%}); never clearly reversed"
        )
    text = (
        f"holds in {share} of the {worlds} (clearly in {clearly:.0%}); "
        f"reversed clearly in {rev:.0%}"
    )
    if same > 0:
        text += f"; no difference in {same:.0%}"
    return text


def table(verdicts: list[Verdict], worlds: Worlds | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "finding": v.finding,
                "direction": describe(v.finding, v.sign),
                "mean_difference": v.mean,
                "holds": v.holds,
                "holds_lo": v.holds_lo,
                "holds_hi": v.holds_hi,
                "holds_clearly": v.holds_clearly,
                "reversed_clearly": v.reversed,
                "no_difference": v.no_difference,
                "points": v.points,
                "verdict": v.text,
                "worlds": worlds.text() if worlds is not None else "",
            }
            for v in verdicts
        ]
    )
