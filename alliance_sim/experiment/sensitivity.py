"""Global sensitivity analysis on the experiment runner: Morris screening and Sobol indices.

A stage samples the scenario's assumption registry (:mod:`alliance_sim.assumptions`) in the unit
cube with SALib (Morris trajectories, or Saltelli's scheme for Sobol), maps each unit value onto its
plausible range, and runs every design of the experiment at every sample point with the same
replication seeds (common random numbers: design differences at a point are paired run by run).

Points are cut into *batches*; a batch of one design is one cell of the runner, so a stage of
thousands of points is a few hundred tasks and part files, run by the same executors (in-process,
worker processes, Dask) and written to the same resumable store as any experiment. Workers keep
only per-run metrics (one row per run), not the runs' decision or ledger tables.

Per point and design the outcomes are means over replications of per-run values: stalemate rate,
mean days to decision, survival (neither terminated nor reconfigured), and each party's net
position and share of the run's losses; each paired difference between designs is the mean of the
per-replication differences. SALib's estimators then give μ*, σ (Morris) or S1, ST (Sobol) for
every outcome, with bootstrap intervals.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..assumptions import Assumption, Registry
from ..errors import InputError
from .analysis_spec import SensitivityStage
from .design import Cell, Chunk, Design

POINT_COLUMNS = ("cell", "design", "sample", "point", "replication", "seed")
BASE_OUTCOMES = ("stalemate_rate", "mean_days", "survived")


# ---------------------------------------------------------------------------------- sampling


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


# ---------------------------------------------------------------------------------- work


@dataclass(frozen=True)
class AllianceWork:
    """A batch of sample points of one design; each replication is reduced to one row."""

    cell: Cell
    base: dict[str, Any]  # the design's scenario, as validated, dumped to plain data
    points: tuple[dict[str, Any], ...]
    first_point: int
    parties: tuple[str, ...]

    def run(self, chunk: Chunk) -> dict[str, bytes]:
        from ..config import Scenario
        from ..simulate import simulate
        from .replicate import table_bytes

        rows: dict[str, list] = {c: [] for c in POINT_COLUMNS}
        for c in BASE_OUTCOMES:
            rows[c] = []
        for p in self.parties:
            rows[f"net_m.{p}"] = []
            rows[f"loss_share.{p}"] = []
        for offset, overrides in enumerate(self.points):
            point = self.first_point + offset
            try:
                scenario = Scenario.model_validate(with_overrides(self.base, overrides))
            except Exception as exc:  # a pydantic error: say which point, not a traceback
                raise InputError(
                    f"sample point {point} is not a valid scenario ({exc}); narrow the range in "
                    "alliance_sim/assumptions.py RULES."
                ) from None
            for replication, seed in zip(range(chunk.start, chunk.stop), chunk.seeds, strict=True):
                records = simulate(scenario, seed=seed).records()
                _reduce_run(records, self.parties, rows)
                for key, value in (
                    ("cell", self.cell.index),
                    ("design", self.cell.design),
                    ("sample", self.cell.sample),
                    ("point", point),
                    ("replication", replication),
                    ("seed", seed),
                ):
                    rows[key].append(value)
        return {"runs": table_bytes(rows)}


def with_overrides(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """``base`` with dotted paths set, copying only the tables on those paths (a deep copy of a
    whole scenario per point costs more than validating it)."""
    out = dict(base)
    copied: set[int] = {id(out)}
    for dotted, value in overrides.items():
        node = out
        parts = dotted.split(".")
        for part in parts[:-1]:
            key = int(part) if isinstance(node, list) else part
            child = node[key]
            if id(child) not in copied:
                child = list(child) if isinstance(child, list) else dict(child)
                copied.add(id(child))
                node[key] = child
            node = child
        node[int(parts[-1]) if isinstance(node, list) else parts[-1]] = value
    return out


def _reduce_run(records: dict, parties: tuple[str, ...], rows: dict[str, list]) -> None:
    """One run's metrics, from the tables ``SimulationResult.records()`` gives."""
    from ..result import DECIDED

    run = records["runs"]
    rate = run["stalemate_rate"][0]
    rows["stalemate_rate"].append(float(rate) if run["matters"][0] else math.nan)
    days = (
        [
            d
            for d, o in zip(
                records["decisions"]["days_to_decision"],
                records["decisions"]["outcome"],
                strict=True,
            )
            if o in DECIDED
        ]
        if records.get("decisions")
        else []
    )
    rows["mean_days"].append(float(np.mean(days)) if days else math.nan)
    rows["survived"].append(float(not (run["terminated"][0] or run["reconfigured"][0])))
    net = dict.fromkeys(parties, 0.0)
    ledger = records.get("ledger") or {}
    for party, value in zip(ledger.get("party", ()), ledger.get("net_m", ()), strict=True):
        if party in net:
            net[party] += value
    losses = {p: max(0.0, -v) for p, v in net.items()}
    total = sum(losses.values())
    for p in parties:
        rows[f"net_m.{p}"].append(net[p])
        rows[f"loss_share.{p}"].append(losses[p] / total if total > 0 else 0.0)


@dataclass(frozen=True)
class FunctionWork:
    """A batch of points of a plain function instead of an alliance (estimator checks, teaching).

    ``function(values, rng)`` takes ``{field: value}`` and a generator seeded by the replication's
    seed and returns ``{outcome: number}``; it must be importable by name (workers pickle it).
    """

    cell: Cell
    function: Callable[[dict[str, float], np.random.Generator], dict[str, float]]
    points: tuple[dict[str, Any], ...]
    first_point: int

    def run(self, chunk: Chunk) -> dict[str, bytes]:
        from .replicate import table_bytes

        rows: dict[str, list] = {c: [] for c in POINT_COLUMNS}
        for offset, values in enumerate(self.points):
            for replication, seed in zip(range(chunk.start, chunk.stop), chunk.seeds, strict=True):
                out = self.function(values, np.random.default_rng(seed))
                for key, value in out.items():
                    rows.setdefault(key, []).append(float(value))
                for key, value in (
                    ("cell", self.cell.index),
                    ("design", self.cell.design),
                    ("sample", self.cell.sample),
                    ("point", self.first_point + offset),
                    ("replication", replication),
                    ("seed", seed),
                ):
                    rows[key].append(value)
        return {"runs": table_bytes(rows)}


@dataclass(frozen=True)
class FunctionModel:
    """A test model: a registry of inputs and a function of them (see :class:`FunctionWork`)."""

    registry: Registry
    function: Callable[[dict[str, float], np.random.Generator], dict[str, float]]


# ---------------------------------------------------------------------------------- design


@dataclass
class StageDesign:
    """A stage's cells (design x batch of points), their work, and the runner's Design."""

    design: Design
    works: list
    sample: Sample
    designs: list[dict[str, Any]]
    parties: tuple[str, ...]
    batch: int

    def runs_in(self, chunk: Chunk) -> int:
        return len(self.works[chunk.cell].points) * chunk.size


def build_stage(
    base: Design,
    stage: SensitivityStage,
    sample: Sample,
    model: FunctionModel | None = None,
) -> StageDesign:
    """Cells of a stage: every design of ``base`` at every batch of sample points."""
    from ..scenario import load_scenario

    points = [sample.overrides(i) for i in range(len(sample.unit))]
    batches = [
        (start, tuple(points[start : start + stage.batch]))
        for start in range(0, len(points), stage.batch)
    ]
    designs = base.design_labels()
    cells: list[Cell] = []
    works: list = []
    parties: tuple[str, ...] = ()
    by_design = [c for c in base.cells if c.sample == 0]
    for template in by_design:
        scenario = None
        if model is None:
            scenario = load_scenario(template.scenario, template.overrides)
            parties = tuple(scenario.parties)
            dump = scenario.model_dump(mode="json")
        for b, (start, batch) in enumerate(batches):
            cell = Cell(
                len(cells),
                template.design,
                b,
                template.scenario,
                template.labels,
                template.overrides,
            )
            cells.append(cell)
            if model is None:
                works.append(AllianceWork(cell, dump, batch, start, parties))
            else:
                works.append(FunctionWork(cell, model.function, batch, start))
    design = Design(
        experiment=base.experiment,
        factors=base.factors,
        uncertain=[],
        points=np.zeros((len(batches), 0)),
        cells=cells,
        seeds=base.seeds,
        bootstrap_seed=base.bootstrap_seed,
        chunk_size=base.replications,
    )
    return StageDesign(design, works, sample, designs, parties, stage.batch)


# ---------------------------------------------------------------------------------- outcomes


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


def outcomes(runs: pd.DataFrame, designs: list[dict[str, Any]], confidence: float) -> Outcomes:
    """Means over replications per point, and paired differences between designs."""
    from scipy import stats

    metrics = [c for c in runs.columns if c not in POINT_COLUMNS]
    runs = runs.sort_values(["design", "point", "replication"])
    n_points = int(runs["point"].max()) + 1
    n_reps = int(runs["replication"].max()) + 1
    cube = {}
    for metric in metrics:
        arr = np.full((len(designs), n_points, n_reps), np.nan)
        arr[runs["design"].to_numpy(), runs["point"].to_numpy(), runs["replication"].to_numpy()] = (
            runs[metric].to_numpy(dtype=float)
        )
        cube[metric] = arr
    values, low, high = {}, {}, {}
    single = len(designs) == 1
    for metric, arr in cube.items():
        with np.errstate(all="ignore"):
            for d, labels in enumerate(designs):
                name = metric if single else f"{metric} @ {design_label(labels)}"
                values[name] = _nanmean(arr[d])
    differences = []
    for label, a, b in pairs(designs):
        for metric, arr in cube.items():
            name = f"{metric} | {label}"
            diff = arr[a] - arr[b]
            n = np.sum(~np.isnan(diff), axis=1)
            with np.errstate(all="ignore"):
                mean = _nanmean(diff)
                sd = np.nanstd(diff, axis=1, ddof=1)
                t = stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1))
                half = np.where(n > 1, t * sd / np.sqrt(n), np.nan)
            values[name], low[name], high[name] = mean, mean - half, mean + half
            differences.append(name)
    frame = pd.DataFrame(values)
    return Outcomes(
        list(frame.columns),
        frame,
        pd.DataFrame(low, index=frame.index),
        pd.DataFrame(high, index=frame.index),
        differences,
    )


def _nanmean(arr: np.ndarray) -> np.ndarray:
    n = np.sum(~np.isnan(arr), axis=1)
    total = np.nansum(arr, axis=1)
    return np.where(n > 0, total / np.maximum(n, 1), np.nan)


# ---------------------------------------------------------------------------------- estimators


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
    range of the assumption. In a grouped design every field of a family moves at the family's
    step, so the family's first field alone traces an ordinary one-factor-at-a-time trajectory
    over the families: SALib analyses that (μ, μ*, σ and μ*'s bootstrap interval, for families as
    for single fields), and σ's interval is a percentile bootstrap over the same trajectories.
    """
    from SALib.analyze import morris
    from SALib.analyze.morris import _compute_elementary_effects
    from SALib.sample.morris import _compute_delta

    first = {}
    for j, a in enumerate(sample.fields):
        first.setdefault(_factor_of(sample, a.path), j)
    x = sample.unit[:, [first[f.name] for f in sample.factors]]
    problem = {
        "num_vars": len(sample.factors),
        "names": [f.name for f in sample.factors],
        "bounds": [[0.0, 1.0]] * len(sample.factors),
    }
    delta = _compute_delta(sample.levels)
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


def _factor_of(sample: Sample, path: str) -> str:
    for f in sample.factors:
        if any(a.path == path for a in f.members):
            return f.name
    raise KeyError(path)


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
    return _ranked(rows, "ST")


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


def product_count(factors: list[Factor], stage: SensitivityStage) -> int:
    """Points a stage will run (before designs and replications)."""
    if stage.method == "morris":
        return stage.trajectories * (len(factors) + 1)
    return stage.samples * (len(factors) + 2)


__all__ = [
    "AllianceWork",
    "FunctionModel",
    "FunctionWork",
    "Outcomes",
    "StageResult",
    "build_stage",
    "draw_sample",
    "morris_indices",
    "outcomes",
    "sobol_indices",
    "top_factors",
]
