"""Sampling the assumption registry for a sensitivity stage: SALib's designs in the unit cube.

A stage varies *factors*: assumption families (every party's loss aversion moving as one group,
Campolongo et al. 2007) or single fields. SALib draws Morris trajectories or Saltelli's sample over
the unit cube; each unit value maps onto its assumption's plausible range
(:meth:`alliance_sim.config.assumptions.Assumption.value`), so an index is "per whole plausible range".
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
    """SALib's Morris trajectories or Saltelli sample over the factors, in the unit cube."""
    fields = [a for f in factors for a in f.members]
    sample = Sample(stage.method, fields, factors, np.zeros((0, len(fields))), stage.levels)
    problem = sample.problem()
    if stage.method == "morris":
        from SALib.sample import morris

        unit = morris.sample(problem, stage.trajectories, num_levels=stage.levels, seed=seed)
    else:
        from SALib.sample import sobol

        unit = sobol.sample(problem, stage.samples, calc_second_order=False, seed=seed)
    sample.unit = np.asarray(unit, dtype=float)
    return sample
