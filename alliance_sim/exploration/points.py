"""What a worker runs for a sensitivity stage: a batch of sample points of one design.

Points are cut into *batches*; a batch of one design is one cell of the runner, so a stage of
thousands of points is a few hundred tasks and part files, run by the same executors (in-process,
worker processes, Dask) and written to the same resumable store as any experiment. Every point
runs the same replication seeds (common random numbers). Workers keep only per-run metrics (one row
per run, read from ``SimulationResult.records()``), not the runs' decision or ledger tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..batch.columns import POINT as POINT_COLUMNS
from ..batch.design import Cell, Chunk, Design
from ..batch.stages import SensitivityStage
from ..config.assumptions import Registry
from ..errors import InputError
from .sampling import Sample

BASE_OUTCOMES = ("stalemate_rate", "mean_days", "survived")
#: Each run's loss per party (£m): pooled over a point's replications into ``loss_share.<party>``
#: (``measures.DEFINITIONS["loss_share"]``, :mod:`.outcomes`), never averaged as shares.
LOSS_PREFIX = "loss_m."


def alliance_metrics(parties: tuple[str, ...]) -> list[str]:
    """The per-run metrics an alliance's point records: the headline ones, then each party's."""
    return [*BASE_OUTCOMES, *(f"{kind}{p}" for p in parties for kind in ("net_m.", LOSS_PREFIX))]


@dataclass(frozen=True)
class AllianceWork:
    """A batch of sample points of one design; each replication is reduced to one row."""

    cell: Cell
    base: dict[str, Any]  # the design's scenario, as validated, dumped to plain data
    points: tuple[dict[str, Any], ...]
    first_point: int
    parties: tuple[str, ...]

    def run(self, chunk: Chunk, on_replication=None) -> dict[str, bytes]:
        from ..batch.replicate import table_bytes
        from ..config import Scenario
        from ..simulation import simulate

        rows: dict[str, list] = {c: [] for c in (*POINT_COLUMNS, *alliance_metrics(self.parties))}
        for offset, overrides in enumerate(self.points):
            point = self.first_point + offset
            try:
                scenario = Scenario.model_validate(with_overrides(self.base, overrides))
            except Exception as exc:  # a pydantic error: say which point, not a traceback
                raise InputError(
                    f"sample point {point} is not a valid scenario ({exc}); narrow the range in "
                    "alliance_sim/config/assumptions.py RULES."
                ) from None
            for replication, seed in zip(range(chunk.start, chunk.stop), chunk.seeds, strict=True):
                if on_replication is not None:
                    on_replication(replication)
                records = simulate(scenario, seed=seed, collect=False).records()
                _reduce_run(records, self.parties, rows)
                _identify(rows, self.cell, point, replication, seed)
        return {"runs": table_bytes(rows)}


def _identify(rows: dict[str, list], cell: Cell, point: int, replication: int, seed: int) -> None:
    """A run's identity columns (``POINT_COLUMNS``): its cell, design, sample, point and seed
    (as text, as in every runs table: a float row read would round a 63-bit seed)."""
    values = (cell.index, cell.design, cell.sample, point, replication, str(seed))
    for key, value in zip(POINT_COLUMNS, values, strict=True):
        rows[key].append(value)


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
    from .. import measures

    run = records["runs"]
    rows["stalemate_rate"].append(float(run["stalemate_rate"][0]))
    decisions = records.get("decisions") or {}
    days = [
        d
        for d, o, b in zip(
            decisions.get("days_to_decision", ()),
            decisions.get("outcome", ()),
            decisions.get("business", ()),
            strict=True,
        )
        if o in measures.EVENTS and b == measures.ORDINARY
    ]
    rows["mean_days"].append(float(np.mean(days)) if days else math.nan)
    rows["survived"].append(float(not (run["terminated"][0] or run["reconfigured"][0])))
    net = dict.fromkeys(parties, 0.0)
    ledger = records.get("ledger") or {}
    for party, value in zip(ledger.get("party", ()), ledger.get("net_m", ()), strict=True):
        if party in net:
            net[party] += value
    lost = measures.losses([net[p] for p in parties])
    for p, loss in zip(parties, lost.tolist(), strict=True):
        rows[f"net_m.{p}"].append(net[p])
        rows[f"{LOSS_PREFIX}{p}"].append(loss)


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

    def run(self, chunk: Chunk, on_replication=None) -> dict[str, bytes]:
        from ..batch.replicate import table_bytes

        rows: dict[str, list] = {c: [] for c in POINT_COLUMNS}
        for offset, values in enumerate(self.points):
            for replication, seed in zip(range(chunk.start, chunk.stop), chunk.seeds, strict=True):
                out = self.function(values, np.random.default_rng(seed))
                for key, value in out.items():
                    rows.setdefault(key, []).append(float(value))
                _identify(rows, self.cell, self.first_point + offset, replication, seed)
        return {"runs": table_bytes(rows)}


@dataclass(frozen=True)
class FunctionModel:
    """A test model: a registry of inputs and a function of them (see :class:`FunctionWork`)."""

    registry: Registry
    function: Callable[[dict[str, float], np.random.Generator], dict[str, float]]


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
    from ..config.loading import load_scenario

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
