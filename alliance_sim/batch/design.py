"""The experimental design: full factorial over the factors, Latin hypercube over the uncertainty.

A *design* is one combination of factor levels (what a policy team could choose); a *cell* is one
design at one sampled point of the uncertain parameters (one point when there are none). Every
cell runs the same replications, and replication *r* of every cell uses the same seed, drawn up
front from the master seed with :class:`numpy.random.SeedSequence`: designs are compared on the
same futures (common random numbers), and the seeds are recorded in the manifest.

Work is cut into *chunks* of consecutive replications of one cell; chunk size depends only on the
experiment file, never on the number of workers, so the result files are the same however run.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..config.loading import load_scenario, read_scenario_file
from ..errors import InputError, echo, shorten
from ..inputfile import InputFile
from .columns import check_names
from .spec import Bundle, Experiment


@dataclass(frozen=True)
class Factor:
    """One design choice: its column name, level labels and what each level writes."""

    name: str
    levels: tuple[Any, ...]
    settings: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Cell:
    """One design at one sampled point: the scenario and overrides that all its replications use."""

    index: int
    design: int
    sample: int
    scenario: str
    labels: tuple[tuple[str, Any], ...]
    overrides: dict[str, Any] = field(hash=False, compare=False)


@dataclass(frozen=True)
class Chunk:
    """Replications ``start <= r < stop`` of one cell: one task, one part file per table."""

    cell: int
    start: int
    stop: int
    seeds: tuple[int, ...]

    @property
    def key(self) -> str:
        return f"c{self.cell:05d}-r{self.start:07d}-{self.stop - 1:07d}"

    @property
    def size(self) -> int:
        return self.stop - self.start


@dataclass
class Design:
    """Every cell of an experiment, the replication seeds and the chunks of work."""

    experiment: Experiment
    factors: list[Factor]
    uncertain: list[str]
    points: np.ndarray  # samples x uncertain parameters
    cells: list[Cell]
    seeds: list[int]
    bootstrap_seed: int
    chunk_size: int
    #: Every scenario file the cells use, read once, by reference: the manifest records their hashes.
    inputs: dict[str, InputFile] = field(default_factory=dict)

    @property
    def factor_names(self) -> list[str]:
        return [f.name for f in self.factors]

    @property
    def label_columns(self) -> list[str]:
        return self.factor_names + self.uncertain

    @property
    def n_designs(self) -> int:
        return int(np.prod([len(f.levels) for f in self.factors])) if self.factors else 1

    @property
    def n_samples(self) -> int:
        return len(self.points)

    @property
    def replications(self) -> int:
        return len(self.seeds)

    @property
    def total_runs(self) -> int:
        return len(self.cells) * self.replications

    def chunks(self) -> list[Chunk]:
        out = []
        for cell in self.cells:
            for start in range(0, self.replications, self.chunk_size):
                stop = min(start + self.chunk_size, self.replications)
                out.append(Chunk(cell.index, start, stop, tuple(self.seeds[start:stop])))
        return out

    def design_labels(self) -> list[dict[str, Any]]:
        """Factor levels of each design, in design order."""
        return [
            dict(zip(self.factor_names, combo, strict=True))
            for combo in itertools.product(*(f.levels for f in self.factors))
        ] or [{}]

    def scenarios(self) -> list:
        """The validated scenario of every cell, loaded once and reused by all its replications."""
        out = []
        for cell in self.cells:
            try:
                source = self.inputs.get(cell.scenario, cell.scenario)
                out.append(load_scenario(source, cell.overrides))
            except InputError as exc:
                where = ", ".join(f"{k} = {echo(v)}" for k, v in cell.labels) or "the base design"
                raise InputError(
                    f"{self.experiment.source}: the design with {where} is not a valid scenario: "
                    f"{exc}"
                ) from None
        return out


def replication_seeds(
    master: int, replications: int
) -> tuple[list[int], int, np.random.SeedSequence]:
    """Replication seeds, the bootstrap seed and the sampling stream, all from the master seed."""
    sampling, statistics, reps = np.random.SeedSequence(master).spawn(3)
    seeds = [int(s.generate_state(1, np.uint64)[0] >> 1) for s in reps.spawn(replications)]
    return seeds, int(statistics.generate_state(1, np.uint64)[0] >> 1), sampling


def latin_hypercube(
    ranges: dict[str, tuple[float, float]],
    integer: tuple[str, ...],
    samples: int,
    seed: np.random.SeedSequence,
) -> np.ndarray:
    """``samples`` points over the ranges, one stratum per sample in every dimension."""
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(ranges), rng=np.random.default_rng(seed)).random(samples)
    low = np.array([r[0] for r in ranges.values()])
    high = np.array([r[1] for r in ranges.values()])
    points = qmc.scale(unit, low, high)
    for j, path in enumerate(ranges):
        if path in integer:
            points[:, j] = np.round(points[:, j])
    return points


def _column_values(levels: list[Any]) -> tuple[Any, ...]:
    """Level labels with one type per column: bool, int, float or text."""
    if all(isinstance(v, bool) for v in levels):
        return tuple(levels)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in levels):
        return tuple(levels)
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in levels):
        return tuple(float(v) for v in levels)
    return tuple(str(v) for v in levels)


def _check_path(data: Any, path: str, source: str, where: str) -> None:
    """Refuse a dotted path that does not name a field of the scenario."""
    node = data
    parts = path.split(".")
    path = shorten(path)
    for i, part in enumerate(parts):
        here = shorten(".".join(parts[:i])) or "the scenario"
        if isinstance(node, dict):
            if part not in node:
                known = ", ".join(sorted(map(str, node))) or "none"
                raise InputError(
                    f"{source}: field `{where}` names `{path}`, but `{here}` has no field "
                    f"`{shorten(part)}`; its fields are: {known}."
                )
            node = node[part]
        elif isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise InputError(
                    f"{source}: field `{where}` names `{path}`, but `{here}` is a list of "
                    f"{len(node)} item(s); address an item by its index 0-{len(node) - 1}."
                )
            node = node[int(part)]
        else:
            raise InputError(
                f"{source}: field `{where}` names `{path}`, but `{here}` is a value, not a table."
            )


def build_design(experiment: Experiment) -> Design:
    """Expand an experiment into cells, seeds and chunks; checks every path against the scenario."""
    spec = experiment.spec
    meta = spec.experiment
    source = experiment.source
    names = meta.scenario if isinstance(meta.scenario, list) else [meta.scenario]
    refs = [experiment.scenario_ref(n) for n in names]
    bases = {}
    inputs: dict[str, InputFile] = {}
    for name, ref in zip(names, refs, strict=True):
        try:
            inputs[ref] = read_scenario_file(ref)
            bases[ref] = load_scenario(inputs[ref])
        except InputError as exc:
            raise InputError(
                f"{source}: field `experiment.scenario` ({echo(name)}) cannot be loaded: {exc}"
            ) from None

    check_names(((f"factors.{n}", n) for n in spec.factors), source, bases.values())
    factors: list[Factor] = []
    if isinstance(meta.scenario, list):
        factors.append(Factor("scenario", tuple(names), tuple({} for _ in names)))
    for name, levels in spec.factors.items():
        if isinstance(levels, Bundle):
            settings = tuple(
                {path: values[i] for path, values in levels.set.items()}
                for i in range(len(levels.levels))
            )
            factors.append(Factor(name, _column_values(levels.levels), settings))
        else:
            factors.append(Factor(name, _column_values(levels), tuple({name: v} for v in levels)))

    uncertain = list(spec.uncertain.ranges) if spec.uncertain else []
    seeds, bootstrap_seed, sampling = replication_seeds(meta.seed, meta.replications)
    if spec.uncertain:
        points = latin_hypercube(
            spec.uncertain.ranges, spec.uncertain.integer, spec.uncertain.samples, sampling
        )
    else:
        points = np.zeros((1, 0))

    dumps = {ref: base.model_dump(mode="json") for ref, base in bases.items()}
    for dump in dumps.values():
        for path in spec.fixed:
            _check_path(dump, path, source, f"set.{path}")
        for f in factors:
            if f.name == "scenario":
                continue
            for path in f.settings[0]:
                where = f"factors.{f.name}" + (f".set.{path}" if path != f.name else "")
                _check_path(dump, path, source, where)
        for path in uncertain:
            _check_path(dump, path, source, f"uncertain.ranges.{path}")

    cells: list[Cell] = []
    combos = list(itertools.product(*(range(len(f.levels)) for f in factors)))
    for design, combo in enumerate(combos):
        ref = refs[combo[0]] if isinstance(meta.scenario, list) else refs[0]
        base_overrides: dict[str, Any] = dict(spec.fixed)
        if meta.horizon_days is not None:
            start = bases[ref].scenario.start
            base_overrides["scenario.end"] = (
                start + dt.timedelta(days=meta.horizon_days)
            ).isoformat()
        labels = []
        for f, level in zip(factors, combo, strict=True):
            base_overrides.update(f.settings[level])
            labels.append((f.name, f.levels[level]))
        for sample, point in enumerate(points):
            overrides = dict(base_overrides)
            sample_labels = list(labels)
            for path, value in zip(uncertain, point.tolist(), strict=True):
                integral = spec.uncertain is not None and path in spec.uncertain.integer
                overrides[path] = int(value) if integral else float(value)
                sample_labels.append((path, overrides[path]))
            cells.append(Cell(len(cells), design, sample, ref, tuple(sample_labels), overrides))

    chunk = meta.chunk_size or int(np.clip(-(-meta.replications // 10), 10, 100))
    return Design(
        experiment=experiment,
        factors=factors,
        uncertain=uncertain,
        points=points,
        cells=cells,
        seeds=seeds,
        bootstrap_seed=bootstrap_seed,
        chunk_size=min(chunk, meta.replications),
        inputs=inputs,
    )
