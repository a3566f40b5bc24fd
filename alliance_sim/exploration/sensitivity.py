"""Global sensitivity indices with SALib: Morris μ*, σ and Sobol S1, ST, with bootstrap intervals.

A stage's sample (:mod:`.sampling`) is run by the runner (:mod:`.points`) and reduced to
outcomes per point (:mod:`.outcomes`); SALib's estimators then give μ*, σ (Morris) or S1, ST
(Sobol) for every outcome.

A Sobol index is a share of variance, so it lies in [0, 1] and S1 <= ST. An estimate outside that,
or with an interval too wide to rank by, says the sample is too small for that outcome: such a row
carries a ``flag`` in ``sensitivity.csv`` (:func:`flag_sobol`), and the summary and report count
them, so that no one reads an ST of 1.3 as a finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..batch.stages import SensitivityStage
from ..errors import InputError
from .outcomes import Outcomes
from .sampling import Factor, Sample, morris_delta


def _filled(y: np.ndarray) -> np.ndarray:
    """SALib needs finite outputs: a point where an outcome is undefined counts as its mean."""
    y = np.asarray(y, dtype=float)
    if np.isnan(y).all():
        return np.zeros_like(y)
    return np.where(np.isnan(y), np.nanmean(y), y)


def morris_indices(
    sample: Sample,
    outcomes: Outcomes,
    names: Sequence[str],
    resamples: int,
    confidence: float,
    seed: int,
) -> pd.DataFrame:
    """μ, μ*, σ per factor and outcome (SALib), with bootstrap intervals over trajectories.

    Effects are in unit-range steps: an effect is the change in the outcome per full plausible
    range of the assumption. In a grouped design every field of a family steps the same way by the
    same share of its range (:func:`.sampling.morris_trajectories`), so a family's effect is the
    change when *all* its fields move together across their whole ranges, and its sign (``mu``) is
    the family's. The family's first field alone then traces an ordinary one-factor-at-a-time
    trajectory over the families: SALib analyses that (μ, μ*, σ and μ*'s bootstrap interval, for
    families as for single fields), and σ's interval is a percentile bootstrap over the same
    trajectories.
    """
    from SALib.analyze import morris
    from SALib.analyze.morris import _compute_elementary_effects

    starts = np.cumsum([0] + [len(f.members) for f in sample.factors[:-1]])  # fields by factor
    x = sample.unit[:, starts]
    problem = {
        "num_vars": len(sample.factors),
        "names": [f.name for f in sample.factors],
        "bounds": [[0.0, 1.0]] * len(sample.factors),
    }
    delta = morris_delta(sample.levels)
    steps = len(sample.factors) + 1
    r = len(sample.unit) // steps
    draws = np.random.default_rng(seed).integers(0, r, size=(resamples, r))
    alpha = (1 - confidence) / 2
    rows = []
    for name in names:
        y = _filled(outcomes.values[name].to_numpy())
        si = morris.analyze(
            problem,
            x,
            y,
            num_resamples=resamples,
            conf_level=confidence,
            num_levels=sample.levels,
            seed=seed,
        )
        effects = _compute_elementary_effects(x, y, steps, delta)  # factors x trajectories
        sigma_boot = effects[:, draws].std(axis=2, ddof=1)  # factors x resamples
        lo = np.quantile(sigma_boot, alpha, axis=1)
        hi = np.quantile(sigma_boot, 1 - alpha, axis=1)
        columns = {k: si[k] for k in ("mu", "mu_star", "mu_star_conf", "sigma")}
        rows += _rows(name, sample.factors, {**columns, "sigma_lo": lo, "sigma_hi": hi})
    return _ranked(rows, "mu_star")


def _rows(name: str, factors: list[Factor], columns: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per factor: the outcome, the factor, its field count and each index column."""
    return [
        {
            "outcome": name,
            "factor": factor.name,
            "fields": len(factor.members),
            **{c: float(values[k]) for c, values in columns.items()},
        }
        for k, factor in enumerate(factors)
    ]


def _ranked(rows: list[dict[str, Any]], score: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["rank"] = frame.groupby("outcome")[score].rank(ascending=False, method="first")
    return frame


def sobol_indices(
    sample: Sample,
    outcomes: Outcomes,
    names: Sequence[str],
    resamples: int,
    confidence: float,
    seed: int,
) -> pd.DataFrame:
    """First-order and total Sobol indices per factor and outcome (SALib, Saltelli/Jansen)."""
    from SALib.analyze import sobol

    problem = sample.problem()
    rows = []
    for name in names:
        y = _filled(outcomes.values[name].to_numpy())
        if np.allclose(y, y[0]):
            si = {
                k: np.full(len(sample.factors), np.nan) for k in ("S1", "S1_conf", "ST", "ST_conf")
            }
        else:
            si = sobol.analyze(
                problem,
                y,
                calc_second_order=False,
                num_resamples=resamples,
                conf_level=confidence,
                seed=seed,
            )
        rows += _rows(name, sample.factors, {k: si[k] for k in ("S1", "S1_conf", "ST", "ST_conf")})
    frame = _ranked(rows, "ST")
    frame["flag"] = flag_sobol(frame)
    return frame


#: A Sobol index whose 95% interval is wider than this either side is too imprecise to rank by.
WIDE = 0.1


def flag_sobol(frame: pd.DataFrame) -> list[str]:
    """Why each row's estimates cannot be read as they stand ("" when they can)."""
    out = []
    for r in frame.itertuples():
        why = []
        if r.ST > 1 or r.S1 > 1:
            why.append("above 1, impossible for a share of variance")
        if r.S1 + r.S1_conf < 0 or r.ST + r.ST_conf < 0:
            why.append("below 0 beyond its interval")
        if r.S1 - r.S1_conf > r.ST + r.ST_conf:
            why.append("S1 above ST beyond their intervals")
        if r.S1_conf > WIDE or r.ST_conf > WIDE:
            why.append(f"interval wider than ±{WIDE:g}")
        out.append("; ".join(why) + ": too few samples" if why else "")
    return out


def flagged(indices: pd.DataFrame) -> pd.DataFrame:
    """The rows of a stage's indices whose estimates say the sample is too small."""
    if "flag" not in indices:
        return indices.iloc[0:0]
    return indices[indices["flag"].fillna("") != ""]


def top_factors(indices: pd.DataFrame, outcome: str, k: int, source: str) -> list[str]:
    """The ``k`` factors that matter most for ``outcome`` in a finished stage's indices."""
    rows = indices[indices["outcome"] == outcome]
    if rows.empty:
        known = ", ".join(sorted(indices["outcome"].unique())[:12])
        raise InputError(
            f"{source}: `rank_by` names the outcome `{outcome}`, which the previous stage did not "
            f"measure; its outcomes include: {known} ..."
        )
    score = "mu_star" if "mu_star" in rows else "ST"
    return rows.sort_values(score, ascending=False)["factor"].head(k).tolist()


@dataclass
class StageResult:
    """A finished stage: its sample, outcomes per point, indices, and where it is stored."""

    stage: SensitivityStage
    directory: Path
    sample: Sample
    outcomes: Outcomes
    indices: pd.DataFrame
    timings: dict[str, float] = field(default_factory=dict)

    def top(self, outcome: str, k: int = 5) -> pd.DataFrame:
        score = "mu_star" if self.stage.method == "morris" else "ST"
        rows = self.indices[self.indices["outcome"] == outcome]
        return rows.sort_values(score, ascending=False).head(k)


def analysed_outcomes(stage: SensitivityStage, out: Outcomes, source: str) -> list[str]:
    if stage.outcomes is None:
        return out.names
    unknown = [o for o in stage.outcomes if o not in out.names]
    if unknown:
        raise InputError(
            f"{source}: sensitivity stage `{stage.name}` lists outcomes {unknown}, which are not "
            f"measured; measured outcomes are: {', '.join(out.names[:20])} ..."
        )
    return list(stage.outcomes)
