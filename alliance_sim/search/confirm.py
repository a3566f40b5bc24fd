"""Keeping noise from picking the winners: the front, its re-evaluation, the recommendations.

Three disjoint sets of seeds, so that no number a recommendation reports was used to choose it:

1. the search's own seeds pick the feasible Pareto front (:func:`pareto_mask`), cut to at most
   ``confirm`` designs spread over it (:func:`spread`);
2. those designs and the scenario's current design are re-run on the *selection* seeds
   (``confirm_replications``), each objective with a bootstrap interval over runs
   (:func:`confirm`); the recommendations are chosen there: the re-evaluated feasible front
   designs nearest the ideal point (:func:`choose`);
3. the chosen designs and the current design are run once more on the *reporting* seeds
   (``report_replications``), never used to choose anything, and every number a recommendation
   reports comes from those runs: its change against the current design on each headline measure
   (``objectives.HEADLINE``, each named party's net and share of losses), with paired intervals on
   those common random numbers (:func:`recommend`, ``stats.paired_difference``). A design chosen
   for lucky draws on the selection seeds regresses to its true value there (the winner's curse).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import objectives as obj
from .evaluations import CONFIRM, REPORT
from .space import Candidate, Problem

if TYPE_CHECKING:  # pragma: no cover
    from .evaluations import Evaluations


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


@dataclass(frozen=True)
class Choice:
    """A design chosen on the selection seeds: its rank and whether it is on their front."""

    rank: int
    confirmed: Confirmed
    on_front: bool


def choose(problem: Problem, confirmed: list[Confirmed]) -> list[Choice]:
    """The best compromises among the re-evaluated designs, on the selection seeds alone."""
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
    return [
        Choice(rank, feasible[int(i)], bool(front[int(i)])) for rank, i in enumerate(order, start=1)
    ]


#: Which way is better for each reported measure (None: a share of losses, better for one party
#: only at another's cost, is reported but not called better or worse).
BETTER = {"stalemate_rate": -1, "mean_days": -1, "km_median_days": -1, "survival": 1,
          "loss_gain_gap": -1}  # fmt: skip


def better_sign(key: str) -> int | None:
    if key in BETTER:
        return BETTER[key]
    if key.startswith(obj.NET_PREFIX):
        return 1
    return None


def verdict(key: str, low: float, high: float) -> str:
    """ "better", "worse" or "no clear change" (the paired interval covers 0); "" if neither way
    is better."""
    sign = better_sign(key)
    if sign is None:
        return ""
    if not (np.isfinite(low) and np.isfinite(high)) or low <= 0 <= high:
        return "no clear change"
    return "better" if (low > 0) == (sign > 0) else "worse"


@dataclass
class Recommendation:
    """A design chosen on the selection seeds, reported on the reporting seeds."""

    rank: int
    confirmed: Confirmed  # its re-evaluation on the selection seeds, which chose it
    reported: obj.RunMeasures  # its runs on the reporting seeds, which every number below is of
    changes: list[str]
    counterfactuals: list[str]  # each counterfactual lever value it relies on, with its source
    differences: pd.DataFrame  # one row per measure: current, design, difference, CI, verdict
    on_front: bool
    violations: dict[str, float]  # the constraints on the reporting seeds (> 0 broken)

    def sentence(self) -> str:
        return recommendation_sentence(self)


def reported_measures(problem: Problem, current: Confirmed) -> list[str]:
    """What every recommendation reports: the headline measures, the objectives, each named party's
    net and share of losses (named ones, then the most exposed)."""
    keys = list(obj.HEADLINE) + [o.name for o in problem.objectives]
    focus = _focus_parties(problem, current)
    keys += [f"{obj.NET_PREFIX}{p}" for p in focus]
    keys += [f"loss_share:{p}" for p in focus]
    return list(dict.fromkeys(keys))


def recommend(
    problem: Problem, confirmed: list[Confirmed], evaluations: Evaluations, bar
) -> list[Recommendation]:
    """Choose on the selection seeds, then run the chosen and the current design on the reporting
    seeds and report every headline measure's paired difference from those runs alone."""
    from ..batch import stats
    from .words import counterfactuals, describe_changes

    chosen = choose(problem, confirmed)
    if not chosen:
        return []
    current = confirmed[0]
    measured = evaluations.run(
        [current.candidate] + [c.confirmed.candidate for c in chosen], REPORT, bar.update
    )
    base = measured[current.candidate.key]
    keys = reported_measures(problem, current)
    statistics = problem.spec.statistics
    out = []
    for choice in chosen:
        d = choice.confirmed
        sides = ((base, current.candidate.facts), (measured[d.candidate.key], d.candidate.facts))

        def statistic(w, side, sides=sides):
            return obj.measures(keys, w, *sides[side])

        rng = np.random.default_rng([problem.spec.experiment.seed, 6, choice.rank])
        diffs = stats.paired_difference(
            statistic, len(base), statistics.bootstrap, rng, statistics.confidence
        )
        ones = np.ones((1, len(base)))
        at_a, at_b = statistic(ones, 0)[0], statistic(ones, 1)[0]
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
                "verdict": verdict(key, *diff.paired),
            }
            for key, a, b, diff in zip(keys, at_a, at_b, diffs, strict=True)
        ]
        broken = obj.static_violations(problem.settings.constraints, d.candidate.facts)
        if problem.settings.constraints.members_break_even:
            broken["break_even"] = float(obj.point(["break_even"], *sides[1])[0])
        out.append(
            Recommendation(
                rank=choice.rank,
                confirmed=d,
                reported=sides[1][0],
                changes=describe_changes(problem, d.candidate.params),
                counterfactuals=counterfactuals(d.candidate.scenario),
                differences=pd.DataFrame(rows),
                on_front=choice.on_front,
                violations={k: broken[k] for k in problem.constraint_names()},
            )
        )
    return out


def recommendation_sentence(rec: Recommendation) -> str:
    from .words import recommendation_words

    parties = {k: p.name for k, p in rec.confirmed.candidate.scenario.parties.items()}
    rows = rec.differences.to_dict("records")
    return recommendation_words(rec.changes, rows, rec.counterfactuals, parties)
