"""Keeping noise from picking the winners: the front, its re-evaluation, the recommendations.

The search's feasible Pareto front (:func:`pareto_mask`) is cut to at most ``confirm`` designs
spread over it (:func:`spread`), re-run with the scenario's current design on fresh seeds, each
objective with a bootstrap interval over runs (:func:`confirm`); the recommendations are the
re-evaluated feasible front designs nearest the ideal point, each with paired differences against
the current design on those fresh common random numbers (:func:`recommend`, with
``stats.paired_difference``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import objectives as obj
from .space import Candidate, Problem

if TYPE_CHECKING:  # pragma: no cover
    from .evaluations import Evaluations

CONFIRM = "confirm"


def pareto_mask(values: np.ndarray) -> np.ndarray:
    """Rows of ``values`` (to minimise) that no other row dominates."""
    n = len(values)
    keep = np.ones(n, dtype=bool)
    for i in range(n):
        others = np.delete(values, i, axis=0)
        dominated = np.all(others <= values[i], axis=1) & np.any(others < values[i], axis=1)
        keep[i] = not dominated.any()
    return keep


def _normalised(values: np.ndarray) -> np.ndarray:
    low, high = values.min(axis=0), values.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return (values - low) / span


def spread(values: np.ndarray, k: int) -> list[int]:
    """``k`` rows of a front: the best compromise, each objective's best, then the farthest."""
    if len(values) <= k:
        return list(range(len(values)))
    z = _normalised(values)
    chosen = [int(np.argmin(np.linalg.norm(z, axis=1)))]
    for j in range(values.shape[1]):
        best = int(np.argmin(values[:, j]))
        if best not in chosen and len(chosen) < k:
            chosen.append(best)
    while len(chosen) < k:
        gap = np.min(np.linalg.norm(z[:, None, :] - z[None, chosen, :], axis=2), axis=1)
        gap[chosen] = -1.0
        chosen.append(int(np.argmax(gap)))
    return chosen


@dataclass
class Confirmed:
    """A design re-evaluated on the fresh seeds."""

    role: str  # "current" or "candidate"
    candidate: Candidate
    measures: obj.RunMeasures
    estimates: dict[str, float]
    intervals: dict[str, tuple[float, float]]
    violations: dict[str, float]

    @property
    def feasible(self) -> bool:
        return all(v <= 0 for v in self.violations.values())


def _focus_parties(problem: Problem, current: Confirmed) -> list[str]:
    """Parties whose loss share the recommendations report: named ones, then the most exposed."""
    named = [o.party for o in problem.objectives if o.party]
    named += list(problem.settings.constraints.stay_full)
    down, _ = obj.shares(np.ones((1, len(current.measures))), current.measures)
    parties = current.measures.parties
    if parties:
        named.append(parties[int(np.nanargmax(np.nan_to_num(down[0])))])
    return list(dict.fromkeys(named))[:3]


def confirm(
    problem: Problem, front: pd.DataFrame, evaluations: Evaluations, bar
) -> list[Confirmed]:
    """Re-evaluate the chosen front designs and the current design on the fresh seeds."""
    from ..batch import stats

    signs = np.array([o.sign for o in problem.objectives])
    names = [o.name for o in problem.objectives]
    values = front[names].to_numpy(float) * signs if len(front) else np.zeros((0, len(names)))
    chosen = front.iloc[spread(values, problem.settings.confirm)] if len(front) else front
    current = problem.baseline()
    candidates = [current] + [
        problem.candidate({lv.name: row[lv.name] for lv in problem.levers})
        for _, row in chosen.iterrows()
    ]
    measured = evaluations.run(candidates, CONFIRM, bar.update)
    statistics = problem.spec.statistics
    extra = ["break_even"] if problem.settings.constraints.members_break_even else []
    out = []
    for n, c in enumerate(candidates):
        m = measured[c.key]
        keys = names + extra
        est = obj.point(keys, m, c.facts)
        rng = np.random.default_rng([problem.spec.experiment.seed, 5, n])
        bounds = stats.bootstrap(
            lambda w, m=m, c=c, keys=keys: obj.measures(keys, w, m, c.facts),
            len(m),
            statistics.bootstrap,
            rng,
            statistics.confidence,
        )
        broken = obj.static_violations(problem.settings.constraints, c.facts)
        if extra:
            broken["break_even"] = float(est[-1])
        out.append(
            Confirmed(
                role="current" if n == 0 else "candidate",
                candidate=c,
                measures=m,
                estimates=dict(zip(keys, map(float, est), strict=True)),
                intervals=dict(zip(keys, bounds, strict=True)),
                violations={k: broken[k] for k in problem.constraint_names()},
            )
        )
    return out


@dataclass
class Recommendation:
    rank: int
    confirmed: Confirmed
    changes: list[str]
    differences: pd.DataFrame  # one row per measure: current, design, difference, paired CI
    on_front: bool

    def sentence(self) -> str:
        return recommendation_sentence(self)


def recommend(problem: Problem, confirmed: list[Confirmed]) -> list[Recommendation]:
    """The best compromises among the re-evaluated designs, with paired differences."""
    from ..batch import stats
    from .words import describe_changes

    current, designs = confirmed[0], confirmed[1:]
    feasible = [d for d in designs if d.feasible]
    if not feasible:
        return []
    names = [o.name for o in problem.objectives]
    signs = np.array([o.sign for o in problem.objectives])
    values = np.array([[d.estimates[n] for n in names] for d in feasible]) * signs
    values = np.where(np.isfinite(values), values, np.nanmax(np.abs(values)) * 10 + 1)
    front = pareto_mask(values)
    everyone = np.vstack(
        [values, [current.estimates[n] * s for n, s in zip(names, signs, strict=True)]]
    )
    z = _normalised(np.where(np.isfinite(everyone), everyone, 0.0))[:-1]
    distance = np.linalg.norm(z, axis=1) + np.where(front, 0.0, 10.0)  # the front first
    order = np.argsort(distance, kind="stable")[: problem.settings.recommend]
    focus = _focus_parties(problem, current)
    keys = names + [f"loss_share:{p}" for p in focus if f"loss_share:{p}" not in names]
    statistics = problem.spec.statistics
    out = []
    for rank, i in enumerate(order, start=1):
        d = feasible[int(i)]
        sides = (current, d)

        def statistic(w, side, sides=sides):
            return obj.measures(keys, w, sides[side].measures, sides[side].candidate.facts)

        rng = np.random.default_rng([problem.spec.experiment.seed, 6, rank])
        diffs = stats.paired_difference(
            statistic, len(d.measures), statistics.bootstrap, rng, statistics.confidence
        )
        at_a = statistic(np.ones((1, len(d.measures))), 0)[0]
        at_b = statistic(np.ones((1, len(d.measures))), 1)[0]
        rows = [
            {
                "measure": key,
                "current": float(a),
                "proposed": float(b),
                "difference": diff.estimate,
                "paired_lo": diff.paired[0],
                "paired_hi": diff.paired[1],
                "unpaired_lo": diff.unpaired[0],
                "unpaired_hi": diff.unpaired[1],
            }
            for key, a, b, diff in zip(keys, at_a, at_b, diffs, strict=True)
        ]
        changes = describe_changes(problem, d.candidate.params)
        out.append(Recommendation(rank, d, changes, pd.DataFrame(rows), bool(front[int(i)])))
    return out


def recommendation_sentence(rec: Recommendation) -> str:
    from .words import effect_phrase, join_changes

    problem_parties = rec.confirmed.candidate.scenario.parties
    effects = [
        effect_phrase(row, {k: p.name for k, p in problem_parties.items()})
        for row in rec.differences.to_dict("records")
    ]
    return f"{join_changes(rec.changes)}: " + ", ".join(effects)
