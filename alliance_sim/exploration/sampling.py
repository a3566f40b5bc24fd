"""Sampling the assumption registry for a sensitivity stage: SALib's designs in the unit cube.

A stage varies *factors*: assumption families (every party's loss aversion moving as one group,
Campolongo et al. 2007) or single fields. Saltelli's sample comes from SALib; Morris trajectories
are drawn here (:func:`morris_trajectories`) so that a family's fields move *together*: at each
step of a trajectory every field of the moving family steps the same way (all up or all down) by
the same share of its range. SALib's grouped sampler draws each field's direction on its own, so a
family's fields can step in opposite directions and cancel, which understates a family's effect.
Each unit value maps onto its assumption's plausible range
(:meth:`alliance_sim.config.assumptions.Assumption.value`), so an index is "per whole plausible range".

The worlds a Morris stage visits: each field takes one of ``levels`` evenly spaced values across its
plausible range, uniformly; families are independent of each other; the fields of one family sit in
the same half of their ranges (all in the lower half, or all in the upper half), which is what
lets the family step as one across its whole range. Saltelli's worlds are a quasi-random sample,
independent and uniform over each varied field's range. Either way the factors a stage does not
vary stay at the scenario's values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..batch.stages import SensitivityStage
from ..config.assumptions import Assumption, Registry
from ..errors import InputError


@dataclass(frozen=True)
class Factor:
    """What SALib varies: one assumption family (a Morris/Sobol group) or one field."""

    name: str
    members: tuple[Assumption, ...]


@dataclass
class Sample:
    """A stage's sample: unit-cube points (rows) over ``fields``, grouped into ``factors``."""

    method: str
    fields: list[Assumption]
    factors: list[Factor]
    unit: np.ndarray  # points x fields, in [0, 1]
    levels: int = 4
    #: consecutive points that share values, the design's independent units: a Morris trajectory
    #: (factors + 1 points) or a Saltelli base row (factors + 2); 1 for independent points
    unit_size: int = 1

    def units(self) -> np.ndarray:
        """Each point's unit (trajectory or base row): what an interval or a test resamples."""
        return np.arange(len(self.unit)) // self.unit_size

    def problem(self) -> dict[str, Any]:
        group = {a.path: f.name for f in self.factors for a in f.members}
        problem = {
            "num_vars": len(self.fields),
            "names": [a.path for a in self.fields],
            "bounds": [[0.0, 1.0]] * len(self.fields),
        }
        if any(len(f.members) > 1 for f in self.factors):
            problem["groups"] = [group[a.path] for a in self.fields]
        return problem

    def values(self) -> pd.DataFrame:
        """The sampled values themselves (integers rounded, booleans as 0/1), points x fields."""
        columns = {}
        for j, a in enumerate(self.fields):
            column = [a.value(u) for u in self.unit[:, j]]
            columns[a.path] = np.asarray(column, dtype=float)
        return pd.DataFrame(columns)

    def overrides(self, i: int) -> dict[str, Any]:
        return {a.path: a.value(u) for a, u in zip(self.fields, self.unit[i], strict=True)}


def choose_factors(
    registry: Registry, stage: SensitivityStage, chosen: Sequence[str] | None, fixed: set[str]
) -> list[Factor]:
    """The families (or fields) a stage varies; paths the experiment sets itself stay out."""
    families = {
        name: tuple(a for a in members if a.path not in fixed)
        for name, members in registry.families().items()
    }
    families = {k: v for k, v in families.items() if v}
    if stage.groups == "field":
        factors = [Factor(a.path, (a,)) for members in families.values() for a in members]
    else:
        factors = [Factor(name, members) for name, members in families.items()]
    if chosen is None:
        return factors
    by_name = {f.name: f for f in factors}
    by_field = {a.path: a for f in factors for a in f.members}
    out = []
    for name in chosen:
        if name in by_name:
            out.append(by_name[name])
        elif name in by_field:
            out.append(Factor(name, (by_field[name],)))
        else:
            known = ", ".join(sorted(by_name))
            raise InputError(
                f"sensitivity stage `{stage.name}`: `parameters` names `{name}`, which is not an "
                f"assumption of scenario {registry.scenario}; families are: {known} (or give a "
                "field's dotted path, see `alliance-sim assumptions`)."
            )
    return out


def draw_sample(stage: SensitivityStage, factors: list[Factor], seed: int) -> Sample:
    """Morris trajectories (each factor's fields stepping as one) or SALib's Saltelli sample over
    the factors, in the unit cube."""
    fields = [a for f in factors for a in f.members]
    sample = Sample(stage.method, fields, factors, np.zeros((0, len(fields))), stage.levels)
    if stage.method == "morris":
        unit = morris_trajectories(
            [len(f.members) for f in factors], stage.trajectories, stage.levels, seed
        )
    else:
        from SALib.sample import sobol

        unit = sobol.sample(sample.problem(), stage.samples, calc_second_order=False, seed=seed)
    sample.unit = np.asarray(unit, dtype=float)
    sample.unit_size = len(factors) + (1 if stage.method == "morris" else 2)
    return sample


def morris_delta(levels: int) -> float:
    """The Morris step on a grid of ``levels`` values in [0, 1]: ``levels / (2 (levels - 1))``."""
    return levels / (2 * (levels - 1))


def morris_trajectories(
    sizes: Sequence[int], trajectories: int, levels: int, seed: int
) -> np.ndarray:
    """One-at-a-time trajectories over factors of ``sizes`` fields (contiguous columns), in [0, 1].

    Each trajectory (Morris 1991, as grouped by Campolongo et al. 2007) starts at a random point of
    the grid and moves one factor at a time, in random order, by ``morris_delta(levels)``. The
    direction is drawn once per factor and trajectory, so every field of a family steps the same
    way: each field's base value is drawn from the lower half of the grid, a factor moving up starts
    there and ends ``delta`` higher, one moving down starts ``delta`` higher and ends there. Every
    point is uniform on the grid for each field; ``trajectories * (factors + 1)`` rows.
    """
    rng = np.random.default_rng(seed)
    sizes = np.asarray(sizes, dtype=int)
    factors, fields = len(sizes), int(sizes.sum())
    owner = np.repeat(np.arange(factors), sizes)  # each field's factor
    delta = morris_delta(levels)
    lower = np.arange(levels // 2) / (levels - 1)  # grid values from which a step up stays <= 1
    out = np.empty((trajectories, factors + 1, fields))
    for t in range(trajectories):
        base = rng.choice(lower, size=fields)
        up = rng.integers(0, 2, size=factors).astype(bool)[owner]
        top = np.minimum(base + delta, 1.0)
        x = np.where(up, base, top)
        out[t, 0] = x
        for step, factor in enumerate(rng.permutation(factors), start=1):
            moving = owner == factor
            x = x.copy()
            x[moving] = np.where(up[moving], top[moving], base[moving])
            out[t, step] = x
    return out.reshape(trajectories * (factors + 1), fields)
