"""Scenario discovery: the regions of the assumption space where a finding fails, as PRIM boxes.

PRIM (Friedman and Fisher's patient rule induction, as EMA Workbench 2.5.3 implements it) peels
the sampled space, a few per cent at a time, towards the points where the finding fails. Each step
of the *peeling trajectory* trades coverage (the share of all failures that fall in the box) for
density (the share of points in the box that are failures); the chosen box is the one with the
most coverage among those at least ``density`` dense. It is then said in words: "fails mainly when
stream.economics.social_care_uplift < 0.12 and trust.initial > 0.7".
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..batch.stages import Discovery
from .outcomes import Outcomes
from .sampling import Sample

#: How a box that restricts nothing reads.
ANYWHERE = "anywhere (no restriction separates the failures)"
QUASI_P = 0.05


@dataclass
class Box:
    """A chosen PRIM box: its limits on the restricted assumptions and its statistics."""

    #: (field, lower or None, upper or None, quasi-p): EMA's one-sided binomial test of whether
    #: the restriction adds density (Bryant and Lempert 2010); below 0.05 it is called clear.
    limits: list[tuple[str, float | None, float | None, float]]
    coverage: float
    density: float
    mass: float
    step: int

    def words(self) -> str:
        clear, weak = [], []
        for path, low, high, qp in self.limits:
            if low is not None and high is not None:
                text = f"{low:.3g} < {path} < {high:.3g}"
            elif low is not None:
                text = f"{path} > {low:.3g}"
            else:
                text = f"{path} < {high:.3g}"
            (clear if qp < QUASI_P else weak).append(text)
        words = " and ".join(clear or weak) or ANYWHERE
        if clear and weak:
            words += f" (less clearly also {' and '.join(weak)})"
        return words


@dataclass
class DiscoveryResult:
    spec: Discovery
    failures: int
    points: int
    trajectory: pd.DataFrame  # coverage, density, mass, res_dim per peeling step
    box: Box | None

    def text(self) -> str:
        s = self.spec
        holds = f"{s.finding} {'>' if s.holds == 'above' else '<'} {s.threshold:g}"
        if self.failures == 0:
            return f"'{holds}' holds at all {self.points} sampled points."
        if self.failures == self.points:
            return f"'{holds}' fails at all {self.points} sampled points."
        share = self.failures / self.points
        if self.box is None:
            return f"'{holds}' fails at {share:.0%} of points; PRIM found no box."
        b = self.box
        if b.words() == ANYWHERE:
            return (
                f"'{holds}' fails at {self.failures} of {self.points} points ({share:.1%}), "
                "scattered: no region of the assumptions separates them."
            )
        return (
            f"'{holds}' fails at {share:.0%} of points; it fails mainly when {b.words()} "
            f"(box holds {b.coverage:.0%} of the failures, {b.density:.0%} of its points fail)."
        )


def failures(out: Outcomes, spec: Discovery) -> np.ndarray:
    """1 where the finding fails at a point (its mean is not beyond the threshold), else 0."""
    mean = out.values[spec.finding].to_numpy(dtype=float)
    holds = mean > spec.threshold if spec.holds == "above" else mean < spec.threshold
    return (~holds).astype(int)


def discover(sample: Sample, out: Outcomes, spec: Discovery) -> DiscoveryResult:
    """Run PRIM on the stage's sampled values to find where the finding fails."""
    y = failures(out, spec)
    empty = pd.DataFrame(columns=["coverage", "density", "mass", "res_dim"])
    if y.sum() in (0, len(y)):
        return DiscoveryResult(spec, int(y.sum()), len(y), empty, None)
    x = sample.values()
    x = x.loc[:, x.nunique() > 1].astype(float)  # EMA's PRIM fails on int64 under pandas 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        finder = prim.Prim(
            x,
            y,
            threshold=min(spec.density, 0.999),
            peel_alpha=spec.peel_alpha,
            mass_min=spec.mass_min,
        )
        found = finder.find_box()
    trajectory = found.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].copy()
    dense = trajectory[trajectory["density"] >= spec.density]
    best = dense if len(dense) else trajectory[trajectory["density"] == trajectory["density"].max()]
    step = int(best.sort_values(["coverage", "density"], ascending=False).index[0])
    limits = found.box_lims[step]
    init = finder.box_init
    restricted = []
    for column in x.columns:
        low, high = float(limits.at[0, column]), float(limits.at[1, column])
        low0, high0 = float(init.at[0, column]), float(init.at[1, column])
        if low > low0 or high < high0:
            tests = [p for p in found.qp[step].get(column, []) if p >= 0]
            qp = max(tests) if tests else float("nan")
            restricted.append(
                (column, low if low > low0 else None, high if high < high0 else None, qp)
            )
    row = trajectory.loc[step]
    box = Box(restricted, float(row["coverage"]), float(row["density"]), float(row["mass"]), step)
    return DiscoveryResult(spec, int(y.sum()), len(y), trajectory.reset_index(drop=True), box)
