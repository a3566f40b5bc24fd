"""Scenario discovery: the regions of the assumption space where a finding fails, as PRIM boxes
and as the one-dimensional splits where the failures concentrate.

PRIM (Friedman and Fisher's patient rule induction, as EMA Workbench 2.5.3 implements it) peels
the sampled space, a few per cent at a time, towards the points where the finding fails. Each step
of the *peeling trajectory* trades coverage (the share of all failures that fall in the box) for
density (the share of points in the box that are failures). PRIM is run to the end of its peeling
whatever the density reached (EMA would otherwise hand back an unrestricted "dump" box), and the
trade-off is reported as it is: the box with the most coverage at the required ``density`` if one
reaches it, else "no box reaches density X", with the densest box found and the best box at each
lower density (:data:`DENSITIES`), each with its coverage and density, in words such as "fails
mainly when stream.economics.social_care_uplift < 0.12 and trust.initial > 0.7".

Failures can concentrate along one assumption without any box being dense: 11 failures, all in
the worlds with a low social-care uplift (6.5% of those) and none elsewhere, is a clear finding at
a density far below 80%. So each sampled field is also split in two at every candidate threshold
(between grid values, or at its 5%, 10%, ... 95% quantiles; each side at least ``mass_min`` of the
worlds), and the failure rates on the two sides compared. The worlds of one Morris trajectory or
Saltelli base row share most of their values, so they are not independent evidence: the test
permutes whole units (trajectories, base rows) between positions, and takes the largest
standardised difference over every split tried in each permutation (Westfall and Young's max-T),
which corrects for the number of splits too. The splits that stay significant are named, in the
form "<field> ≤ <value>: <rate> fail there (<k> of <n> worlds), <rate> elsewhere (<k> of <n>)".
PRIM itself treats the worlds as independent; the text says in how many units the failures lie.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..batch.stages import Discovery
from .outcomes import Outcomes
from .sampling import Sample

#: How a box that restricts nothing reads.
ANYWHERE = "anywhere (no restriction separates the failures)"
QUASI_P = 0.05
#: Densities below the required one at which the best box is also reported (those above the
#: overall failure rate only: a box no denser than the whole space says nothing).
DENSITIES = (0.5, 0.25, 0.1)
#: A split is named when its permutation p-value (max-T over every split tried) is below this.
SPLIT_P = 0.05
#: Permutations of the units for that test.
PERMUTATIONS = 999
#: At most this many splits are named, most significant first.
SPLITS_SHOWN = 5
QUANTILES = np.arange(0.05, 0.951, 0.05)


@dataclass
class Box:
    """A PRIM box: its limits on the restricted assumptions and its statistics."""

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

    def stats(self) -> str:
        return (
            f"{self.density:.0%} of its worlds fail; it holds {self.coverage:.0%} of the "
            f"failures and {self.mass:.0%} of the worlds"
        )


@dataclass(frozen=True)
class Split:
    """Failures concentrated on one side of a threshold of one sampled field."""

    field: str
    side: str  # "below" or "above": where the failures concentrate
    edge: float  # the last sampled value on that side (<= edge, or >= edge)
    failures_in: int
    points_in: int
    failures_out: int
    points_out: int
    p_value: float  # permutation of units, max-T over every split tried

    @property
    def rate_in(self) -> float:
        return self.failures_in / self.points_in

    @property
    def rate_out(self) -> float:
        return self.failures_out / self.points_out

    def where(self) -> str:
        return f"{self.field} {'≤' if self.side == 'below' else '≥'} {self.edge:.3g}"

    def words(self) -> str:
        return (
            f"{self.where()}: {self.rate_in:.1%} fail there ({self.failures_in:,} of "
            f"{self.points_in:,} worlds), {self.rate_out:.1%} elsewhere ({self.failures_out:,} of "
            f"{self.points_out:,})"
        )


@dataclass
class DiscoveryResult:
    spec: Discovery
    failures: int
    points: int
    trajectory: pd.DataFrame  # coverage, density, mass, res_dim per peeling step
    box: Box | None  # the box with the most coverage at the required density, if any reaches it
    densest: Box | None = None
    lower: list[tuple[float, Box]] = field(default_factory=list)  # best box at each lower density
    splits: list[Split] = field(default_factory=list)
    tried: int = 0  # splits tested
    units: int = 0  # independent units of the sample (trajectories, base rows or worlds)
    failing_units: int = 0  # units with at least one failure
    unit_name: str = "worlds"

    def holds_words(self) -> str:
        s = self.spec
        return f"{s.finding} {'>' if s.holds == 'above' else '<'} {s.threshold:g}"

    def short(self) -> str:
        """A clause for the robustness verdict: where the failures concentrate, if anywhere."""
        if self.box is not None and self.box.words() != ANYWHERE:
            return f"fails mainly when {self.box.words()}"
        if self.splits:
            return f"failures concentrate where {self.splits[0].where()}"
        return ""

    def text(self) -> str:
        holds = self.holds_words()
        if self.failures == 0:
            return f"'{holds}' holds at all {self.points:,} sampled worlds."
        if self.failures == self.points:
            return f"'{holds}' fails at all {self.points:,} sampled worlds."
        share = self.failures / self.points
        where = (
            f", in {self.failing_units} of the {self.units} {self.unit_name}"
            if self.unit_name != "worlds"
            else ""
        )
        parts = [
            f"'{holds}' fails at {self.failures:,} of {self.points:,} sampled worlds "
            f"({share:.1%}){where}."
        ]
        required = self.spec.density
        if self.box is not None and self.box.words() != ANYWHERE:
            parts.append(f"It fails mainly when {self.box.words()} ({self.box.stats()}).")
        else:
            densest = self.densest
            found = (
                f" (the densest box PRIM found: when {densest.words()}, {densest.stats()})"
                if densest is not None and densest.words() != ANYWHERE
                else ""
            )
            parts.append(f"No box reaches density {required:.0%}{found}.")
        for level, box in self.lower:
            parts.append(f"At density {level:.0%} or more: when {box.words()} ({box.stats()}).")
        if self.unit_name != "worlds" and (self.box is not None or self.lower):
            parts.append(
                f"PRIM counts each world as independent evidence; these lie on {self.units} "
                f"{self.unit_name}, whose worlds share most values, so read its boxes as where "
                "the failures lie, not as what causes them."
            )
        if self.splits:
            parts.append(
                "Failures concentrate where "
                + "; where ".join(s.words() for s in self.splits)
                + "."
            )
        else:
            parts.append(
                f"No single assumption's range separates them: none of the {self.tried:,} "
                "one-dimensional splits tried has a failure rate clearly different on its two "
                f"sides (a permutation test of whole {self.unit_name}, corrected for every split "
                f"tried, p < {SPLIT_P:g})."
            )
        return " ".join(parts)

    def boxes_table(self) -> pd.DataFrame:
        """The boxes reported, for ``discovery.csv``'s companion ``discovery-boxes.csv``."""
        rows = []
        chosen = [("required", self.spec.density, self.box), ("densest", None, self.densest)]
        chosen += [("lower", level, box) for level, box in self.lower]
        for role, level, box in chosen:
            if box is None:
                continue
            rows.append({"role": role, "least_density": level, "step": box.step,
                         "coverage": box.coverage, "density": box.density, "mass": box.mass,
                         "where": box.words()})  # fmt: skip
        return pd.DataFrame(rows)

    def splits_table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {"field": s.field, "side": s.side, "edge": s.edge, "failures_in": s.failures_in,
                 "points_in": s.points_in, "failures_out": s.failures_out,
                 "points_out": s.points_out, "p_adjusted": s.p_value, "words": s.words()}
                for s in self.splits
            ]
        )  # fmt: skip


def failures(out: Outcomes, spec: Discovery) -> np.ndarray:
    """1 where the finding fails at a point (its mean is not beyond the threshold), else 0."""
    mean = out.values[spec.finding].to_numpy(dtype=float)
    holds = mean > spec.threshold if spec.holds == "above" else mean < spec.threshold
    return (~holds).astype(int)


UNIT_NAMES = {"morris": "trajectories", "sobol": "base rows"}


def discover(sample: Sample, out: Outcomes, spec: Discovery, seed: int = 0) -> DiscoveryResult:
    """Run PRIM on the stage's sampled values, and test each field's splits, to find where the
    finding fails (``seed`` seeds the permutation test)."""
    y = failures(out, spec)
    empty = pd.DataFrame(columns=["coverage", "density", "mass", "res_dim"])
    if y.sum() in (0, len(y)):
        return DiscoveryResult(spec, int(y.sum()), len(y), empty, None)
    x = sample.values()
    x = x.loc[:, x.nunique() > 1].astype(float)  # EMA's PRIM fails on int64 under pandas 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        # EMA's threshold both defines the class of interest (y >= threshold: the failures) and
        # is the least density of the box it returns (else a one-row dump box). Below one
        # failure in the whole sample, it keeps every peeled box: the trade-off is chosen below.
        finder = prim.Prim(
            x,
            y,
            threshold=0.5 / len(y),
            peel_alpha=spec.peel_alpha,
            mass_min=spec.mass_min,
        )
        found = finder.find_box()
    trajectory = found.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].copy()
    trajectory = trajectory.reset_index(drop=True)

    def box_at(step: int) -> Box:
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
        return Box(restricted, float(row["coverage"]), float(row["density"]), float(row["mass"]),
                   step)  # fmt: skip

    def best_at(level: float) -> Box | None:
        dense = trajectory[trajectory["density"] >= level]
        if dense.empty:
            return None
        return box_at(int(dense.sort_values(["coverage", "density"], ascending=False).index[0]))

    base = y.mean()
    box = best_at(spec.density)
    densest = box_at(int(trajectory.sort_values(["density", "coverage"], ascending=False).index[0]))
    lower = []
    for level in DENSITIES:
        if level < spec.density and level > base:
            at = best_at(level)
            shown = [b.step for _, b in lower] + [b.step for b in (box, densest) if b is not None]
            if at is not None and at.words() != ANYWHERE and at.step not in shown:
                lower.append((level, at))
    units = sample.units()
    splits, tried = one_dimensional_splits(x, y, units, spec.mass_min, np.random.default_rng(seed))
    named = UNIT_NAMES.get(sample.method, "worlds") if sample.unit_size > 1 else "worlds"
    return DiscoveryResult(spec, int(y.sum()), len(y), trajectory, box, densest, lower, splits,
                           tried, int(units.max()) + 1, len(np.unique(units[y > 0])),
                           named)  # fmt: skip


def one_dimensional_splits(
    x: pd.DataFrame, y: np.ndarray, units: np.ndarray, least: float, rng: np.random.Generator
) -> tuple[list[Split], int]:
    """For each field, the threshold whose sides differ most in failure rate; those significant in
    a permutation test of whole ``units`` (max-T over every split tried), most significant first."""
    y = np.asarray(y, dtype=float)
    total, failed = len(y), float(y.sum())
    smallest = max(1, int(np.ceil(least * total)))
    fields, sides, edges, masks = [], [], [], []
    for column in x.columns:
        values = x[column].to_numpy(dtype=float)
        distinct = np.unique(values)
        if len(distinct) <= len(QUANTILES) + 1:
            cuts = (distinct[:-1] + distinct[1:]) / 2
        else:
            cuts = np.unique(np.quantile(values, QUANTILES))
        for cut in cuts:
            below = values < cut
            for side, inside in (("below", below), ("above", ~below)):
                n_in = int(inside.sum())
                if n_in < smallest or total - n_in < smallest:
                    continue
                edge = values[inside].max() if side == "below" else values[inside].min()
                fields.append(column)
                sides.append(side)
                edges.append(float(edge))
                masks.append(inside)
    if not masks:
        return [], 0
    inside = np.array(masks, dtype=float)  # splits x points
    n_in = inside.sum(axis=1)
    rate = failed / total
    scale = np.sqrt(rate * (1 - rate) * (1 / n_in + 1 / (total - n_in)))

    def z(k_in: np.ndarray) -> np.ndarray:
        """Standardised difference in failure rate, inside less outside (splits x columns)."""
        k_in = np.atleast_2d(k_in.T).T
        gap = k_in / n_in[:, None] - (failed - k_in) / (total - n_in)[:, None]
        return gap / scale[:, None]

    observed = z(inside @ y)[:, 0]
    order = np.argsort(units, kind="stable")
    size = np.bincount(units)
    if len(np.unique(size)) == 1:  # equal units: permute them whole
        blocks = y[order].reshape(len(size), size[0])
        shuffled = np.stack([blocks[rng.permutation(len(size))].ravel() for _ in range(PERMUTATIONS)],
                            axis=1)  # fmt: skip
        permuted = np.empty_like(shuffled)
        permuted[order] = shuffled
    else:  # uneven units (not a design this package draws): permute the points
        permuted = np.stack([rng.permutation(y) for _ in range(PERMUTATIONS)], axis=1)
    largest = z(inside @ permuted).max(axis=0)  # each permutation's largest split
    p = (1 + (largest[None, :] >= observed[:, None] - 1e-12).sum(axis=1)) / (PERMUTATIONS + 1)
    best: dict[str, int] = {}
    for i, column in enumerate(fields):
        if observed[i] > 0 and (column not in best or observed[i] > observed[best[column]]):
            best[column] = i
    named = []
    for column, i in best.items():
        if p[i] < SPLIT_P:
            k_in = int(round(float(inside[i] @ y)))
            named.append(Split(column, sides[i], edges[i], k_in, int(n_in[i]),
                               int(failed) - k_in, total - int(n_in[i]), float(p[i])))  # fmt: skip
    named.sort(key=lambda s: (s.p_value, -(s.rate_in - s.rate_out)))
    return named[:SPLITS_SHOWN], len(masks)
