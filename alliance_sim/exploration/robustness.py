"""Robustness of findings: in what share of plausible worlds does each paired difference hold?

A *finding* is the direction of a paired difference between designs (e.g. "associate membership
raises the council's share of losses", ``loss_share.council | associate - full`` > 0), taken as
the sign of its mean over all sampled worlds. At each sample point the difference has a mean over
the replications (paired on common random numbers) and a 95% interval; the finding

- *holds* at a point when the point's mean has the finding's sign,
- *holds clearly* when the whole interval is on that side of zero,
- is *reversed* when the whole interval is on the other side,
- makes *no difference* when the two designs give the same result in every replication (e.g.
  survival when no alliance ends in either design).

The verdict is "robust" when it holds at (almost) every point and is reversed clearly at none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .outcomes import Outcomes

#: A finding holding at this share of worlds or more, and reversed at none, is called robust.
ROBUST = 0.95


@dataclass(frozen=True)
class Verdict:
    finding: str
    sign: int
    mean: float
    holds: float
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


def robustness(out: Outcomes, findings: list[str] | None = None) -> list[Verdict]:
    """One verdict per paired difference (or per named finding)."""
    verdicts = []
    for name in findings or out.differences:
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
        else:
            holds = float(np.sum(np.sign(mean[ok]) == sign) / n)
            clearly = float(np.sum((low[ok] > 0) if sign > 0 else (high[ok] < 0)) / n)
            rev = float(np.sum((high[ok] < 0) if sign > 0 else (low[ok] > 0)) / n)
        if sign == 0 or same >= ROBUST:
            text = f"no difference in {same:.0%} of plausible worlds"
        elif holds >= ROBUST and rev == 0:
            text = f"robust: holds in {holds:.0%} of plausible worlds (clearly in {clearly:.0%})"
        else:
            text = (
                f"holds in {holds:.0%} of plausible worlds (clearly in {clearly:.0%}); "
                f"reversed clearly in {rev:.0%}"
            )
            if same > 0:
                text += f"; no difference in {same:.0%}"
        verdicts.append(Verdict(name, sign, overall, holds, clearly, rev, same, n, text))
    return verdicts


def table(verdicts: list[Verdict]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "finding": v.finding,
                "direction": describe(v.finding, v.sign),
                "mean_difference": v.mean,
                "holds": v.holds,
                "holds_clearly": v.holds_clearly,
                "reversed_clearly": v.reversed,
                "no_difference": v.no_difference,
                "points": v.points,
                "verdict": v.text,
            }
            for v in verdicts
        ]
    )
