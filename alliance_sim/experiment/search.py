"""Design search: which alliance rules decide fastest with a fair share of risk.

A policy team's question is often not "A or B?" but "what should the agreement say?": who is a
full member, how much delegated authority each representative holds (000 §3.2.3; 001 §46), how
often the board and the home bodies meet and with what notice, unanimity or a qualified majority
(001 §47). ``alliance-sim search FILE`` explores those levers (``[search]``, see ``search_spec``)
for the designs that are best on several objectives at once (``objectives``) and respect the
file's constraints, then checks the best ones again before recommending any.

Why optuna (5) and not pymoo (0.6.2): optuna's ask-and-tell interface lets a whole generation of
candidate designs be evaluated together by the experiment runner's executors (this process, a
process pool or a Dask cluster, exactly as for ``alliance-sim run``); its categorical, integer and
stepped float distributions are the levers' natural types (pymoo needs its separate mixed-variable
machinery for those); its RDB storage (SQLite, ``study.db``) records every trial as it is told, so
re-running the same command continues an interrupted study, where pymoo offers only pickled
checkpoints of the algorithm object; and its NSGA-II and TPE samplers take constraints directly.

How noise is kept from picking the winners:

1. Every candidate runs the same ``experiment.replications`` seeds (common random numbers), so
   designs are compared on the same futures.
2. The feasible Pareto set of the search is re-evaluated, with the scenario's current design,
   on ``confirm_replications`` *fresh* seeds (a stream the search never saw, so the winners'
   lucky draws do not carry over), with bootstrap intervals.
3. Recommendations come from the re-evaluated set, each with paired differences against the
   current design on those fresh common random numbers (``stats.paired_difference``).

Determinism: the sampler of generation *g* is seeded from (master seed, *g*) and proposes from the
completed trials in the study alone, and each candidate's results depend only on its design and
the seeds; so the same file gives the same front whatever the number of workers, and a resumed
study continues as an uninterrupted one would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sys
import warnings
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..scenario import load_scenario
from . import objectives as obj
from .design import Cell, Chunk, _check_path
from .executors import Executor, make_executor
from .replicate import CellWork
from .search_spec import Range, SearchFile, load_search
from .spec import Bundle, Experiment
from .store import COPY, atomic_write, package_version

STUDY_DB = "study.db"
EVALUATIONS = "evaluations"
OUTPUTS = ("candidates.csv", "front.csv", "recommendations.csv", "report.html")
SEARCH, CONFIRM = "search", "confirm"


# ---------------------------------------------------------------- levers and candidates


@dataclass(frozen=True)
class LeverSpace:
    """One lever: its name (a dotted path, or a bundle's name), its optuna distribution and what
    each of its values writes into the scenario."""

    name: str
    spec: Any  # list of values, Range or Bundle

    def distribution(self):
        import optuna.distributions as od

        if isinstance(self.spec, Bundle):
            return od.CategoricalDistribution(tuple(self.spec.levels))
        if isinstance(self.spec, Range):
            if self.spec.is_integer:
                return od.IntDistribution(
                    int(self.spec.low), int(self.spec.high), step=int(self.spec.step or 1)
                )
            return od.FloatDistribution(self.spec.low, self.spec.high, step=self.spec.step)
        return od.CategoricalDistribution(tuple(self.spec))

    def settings(self, value: Any) -> dict[str, Any]:
        if isinstance(self.spec, Bundle):
            i = list(self.spec.levels).index(value)
            return {path: values[i] for path, values in self.spec.set.items()}
        return {self.name: value}

    def paths(self) -> list[str]:
        return list(self.spec.set) if isinstance(self.spec, Bundle) else [self.name]

    def extremes(self) -> list[Any]:
        """Values whose scenarios are checked before the search starts."""
        if isinstance(self.spec, Range):
            dist = self.distribution()
            return [dist.low, dist.high]
        return list(self.spec.levels) if isinstance(self.spec, Bundle) else list(self.spec)


@dataclass
class Candidate:
    """One design: the levers' values, what they write, and its validated scenario."""

    params: dict[str, Any]
    overrides: dict[str, Any]
    scenario: Any
    key: str
    facts: obj.DesignFacts


@dataclass
class Problem:
    """Everything the search needs from the file, checked against the scenario."""

    experiment: Experiment
    spec: SearchFile
    scenario_ref: str
    base_overrides: dict[str, Any]
    levers: list[LeverSpace]
    objectives: list[obj.Objective]
    parties: dict[str, str]
    baseline_values: dict[str, Any]  # lever name -> its value in the current design (or None)
    seeds: list[int]
    confirm_seeds: list[int]
    chunk_size: int

    @property
    def settings(self):
        return self.spec.search

    def candidate(self, params: dict[str, Any]) -> Candidate:
        overrides = dict(self.base_overrides)
        for lever in self.levers:
            if lever.name in params:
                overrides.update(lever.settings(params[lever.name]))
        key = design_key({k: v for k, v in overrides.items() if k not in self.base_overrides})
        try:
            scenario = load_scenario(self.scenario_ref, overrides)
        except InputError as exc:
            where = ", ".join(f"{k} = {v!r}" for k, v in params.items()) or "the current design"
            raise InputError(
                f"{self.experiment.source}: the design with {where} is not a valid scenario: {exc}"
            ) from None
        return Candidate(params, overrides, scenario, key, obj.design_facts(scenario))

    def baseline(self) -> Candidate:
        return self.candidate({})

    def constraint_names(self) -> list[str]:
        c = self.settings.constraints
        names = [f"stay_full:{p}" for p in c.stay_full]
        if c.max_full_members is not None:
            names.append("max_full_members")
        if c.members_break_even:
            names.append("break_even")
        return names


def design_key(overrides: dict[str, Any]) -> str:
    """A short fingerprint of what a design changes: the same design is never run twice."""
    text = json.dumps(overrides, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _seeds(master: int, stream: int, n: int) -> list[int]:
    """``n`` replication seeds from child ``stream`` of the master seed (as ``design.py`` does)."""
    children = np.random.SeedSequence(master, spawn_key=(stream,)).spawn(n)
    return [int(s.generate_state(1, np.uint64)[0] >> 1) for s in children]


def _lookup(dump: Any, path: str) -> Any:
    node = dump
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def build_problem(experiment: Experiment) -> Problem:
    """Check the file's levers, objectives and constraints against its scenario."""
    from .design import replication_seeds

    spec: SearchFile = experiment.spec  # type: ignore[assignment]
    meta = spec.experiment
    source = experiment.source
    ref = experiment.scenario_ref(str(meta.scenario))
    try:
        base = load_scenario(ref)
    except InputError as exc:
        raise InputError(
            f"{source}: field `experiment.scenario` ({meta.scenario!r}) cannot be loaded: {exc}"
        ) from None
    dump = base.model_dump(mode="json")
    for path in spec.fixed:
        _check_path(dump, path, source, f"set.{path}")
    if spec.uncertain is not None:
        raise InputError(
            f"{source}: field `uncertain` is not supported in a search file yet: fix the "
            "uncertain parameters with [set], or run them as an experiment with `alliance-sim run`."
        )
    levers = [LeverSpace(name, lever) for name, lever in spec.search.levers.items()]
    for lever in levers:
        for path in lever.paths():
            where = f"search.levers.{lever.name}" + (f".set.{path}" if path != lever.name else "")
            _check_path(dump, path, source, where)
    overrides: dict[str, Any] = dict(spec.fixed)
    if meta.horizon_days is not None:
        end = base.scenario.start + dt.timedelta(days=meta.horizon_days)
        overrides["scenario.end"] = end.isoformat()
    try:
        current = load_scenario(ref, overrides)
    except InputError as exc:
        raise InputError(f"{source}: field `set` does not give a valid scenario: {exc}") from None
    parties = {k: p.name for k, p in current.parties.items()}
    for party in spec.search.constraints.stay_full:
        if party not in parties:
            raise InputError(
                f"{source}: field `search.constraints.stay_full` names {party!r}, but the "
                f"scenario has no such party; its parties are: {', '.join(parties)}."
            )
    objectives = [obj.objective(n, parties, source) for n in spec.search.objectives]
    current_dump = current.model_dump(mode="json")
    baseline_values: dict[str, Any] = {}
    for lever in levers:
        if isinstance(lever.spec, Bundle):
            match = [
                level
                for i, level in enumerate(lever.spec.levels)
                if all(
                    json.dumps(_lookup(current_dump, p)) == json.dumps(values[i])
                    for p, values in lever.spec.set.items()
                )
            ]
            baseline_values[lever.name] = match[0] if match else None
        else:
            baseline_values[lever.name] = _lookup(current_dump, lever.name)
    seeds, _, _ = replication_seeds(meta.seed, meta.replications)
    confirm_seeds = _seeds(meta.seed, 3, spec.search.confirm_replications)
    chunk = meta.chunk_size or int(np.clip(-(-meta.replications // 2), 5, 100))
    problem = Problem(
        experiment=experiment,
        spec=spec,
        scenario_ref=ref,
        base_overrides=overrides,
        levers=levers,
        objectives=objectives,
        parties=parties,
        baseline_values=baseline_values,
        seeds=seeds,
        confirm_seeds=confirm_seeds,
        chunk_size=chunk,
    )
    for lever in levers:  # every allowed value (a range's ends) must make a valid scenario
        for value in lever.extremes():
            problem.candidate({lever.name: value})
    return problem


# ---------------------------------------------------------------- evaluation


class Evaluations:
    """Per-run measures of each design, cached on disk by design and phase (never run twice)."""

    def __init__(self, root: Path, problem: Problem, executor: Executor) -> None:
        self.root = root / EVALUATIONS
        self.problem = problem
        self.executor = executor
        self.runs_done = 0

    def _path(self, phase: str, key: str) -> Path:
        return self.root / phase / f"{key}.parquet"

    def cached(self, phase: str, key: str) -> bool:
        return self._path(phase, key).is_file()

    def _read(self, phase: str, key: str) -> obj.RunMeasures:
        import pyarrow.parquet as pq

        table = pq.read_table(self._path(phase, key), use_threads=False)
        return obj.RunMeasures.from_columns({c: table[c].to_numpy() for c in table.column_names})

    def _write(self, phase: str, key: str, measures: obj.RunMeasures) -> None:
        import io

        import pyarrow as pa
        import pyarrow.parquet as pq

        folder = self.root / phase
        folder.mkdir(parents=True, exist_ok=True)
        sink = io.BytesIO()
        pq.write_table(pa.table(measures.columns()), sink, compression="zstd")
        atomic_write(self._path(phase, key), sink.getvalue())

    def run(
        self, candidates: list[Candidate], phase: str, on_runs: Callable[[int], None]
    ) -> dict[str, obj.RunMeasures]:
        """Measures of every candidate on the phase's seeds: from disk, or simulated now."""
        seeds = self.problem.seeds if phase == SEARCH else self.problem.confirm_seeds
        out: dict[str, obj.RunMeasures] = {}
        todo: list[Candidate] = []
        for c in candidates:
            if c.key in out or any(t.key == c.key for t in todo):
                continue
            if self.cached(phase, c.key):
                out[c.key] = self._read(phase, c.key)
            else:
                todo.append(c)
        works = [
            CellWork(
                Cell(i, i, 0, self.problem.scenario_ref, (), c.overrides),
                c.scenario,
                tables=obj.TABLES,
            )
            for i, c in enumerate(todo)
        ]
        size = min(self.problem.chunk_size, len(seeds))
        chunks = [
            Chunk(i, start, min(start + size, len(seeds)), tuple(seeds[start : start + size]))
            for i in range(len(todo))
            for start in range(0, len(seeds), size)
        ]
        per_cell = -(-len(seeds) // size)
        parts: dict[int, list[obj.RunMeasures]] = {}
        for chunk, tables in self.executor.run_cells(works, chunks):
            got = parts.setdefault(chunk.cell, [])
            got.append(obj.measure_chunk(tables))
            self.runs_done += chunk.size
            on_runs(chunk.size)
            if len(got) == per_cell:
                measures = obj.RunMeasures.concat(parts.pop(chunk.cell))
                key = todo[chunk.cell].key
                self._write(phase, key, measures)
                out[key] = measures
        return out


def objective_values(problem: Problem, c: Candidate, m: obj.RunMeasures) -> list[float]:
    values = obj.point([o.name for o in problem.objectives], m, c.facts)
    worst = [np.inf if o.direction == "minimize" else -np.inf for o in problem.objectives]
    return [float(v) if np.isfinite(v) else w for v, w in zip(values, worst, strict=True)]


def violations(problem: Problem, c: Candidate, m: obj.RunMeasures) -> dict[str, float]:
    out = obj.static_violations(problem.settings.constraints, c.facts)
    if problem.settings.constraints.members_break_even:
        out["break_even"] = float(obj.point(["break_even"], m, c.facts)[0])
    return {k: out[k] for k in problem.constraint_names()}


# ---------------------------------------------------------------- the study


def _sampler(problem: Problem, generation: int):
    import optuna

    seed = int(
        np.random.SeedSequence(
            problem.spec.experiment.seed, spawn_key=(4, generation)
        ).generate_state(1)[0]
    )
    # Constraints reach both samplers through each trial's ``set_constraint`` (optuna 5).
    if problem.settings.sampler == "tpe":
        return optuna.samplers.TPESampler(seed=seed, n_startup_trials=problem.settings.population)
    return optuna.samplers.NSGAIISampler(population_size=problem.settings.population, seed=seed)


def _open_study(root: Path, problem: Problem, fresh: bool):
    import optuna
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    experiment = problem.experiment
    db = root / STUDY_DB
    if fresh:
        db.unlink(missing_ok=True)
        shutil.rmtree(root / EVALUATIONS, ignore_errors=True)
        shutil.rmtree(root / "figures", ignore_errors=True)
        for name in (COPY, *OUTPUTS):
            (root / name).unlink(missing_ok=True)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{root}: cannot create the results folder ({exc}).") from None
    existed = db.is_file()
    directions = [o.direction for o in problem.objectives]
    durable = optuna.create_study(
        storage=optuna.storages.RDBStorage(f"sqlite:///{db}"),
        study_name="search",
        directions=directions,
        load_if_exists=True,
    )
    if existed:
        was = durable.user_attrs.get("sha256", "?")
        if was != experiment.sha256:
            raise InputError(
                f"{root}: this study was made from a different version of {experiment.source} "
                f"(sha256 {was[:12]}, now {experiment.sha256[:12]}), so it cannot be continued; "
                "run again with --fresh to discard it and start over, or with --out to keep both."
            )
        if durable.user_attrs.get("package_version") != package_version():
            raise InputError(
                f"{root}: this study was made by alliance-sim "
                f"{durable.user_attrs.get('package_version')}, this is {package_version()}; "
                "results of two versions must not be mixed; run again with --fresh, or use --out."
            )
    else:
        durable.set_user_attr("sha256", experiment.sha256)
        durable.set_user_attr("package_version", package_version())
        durable.set_user_attr("started", dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        atomic_write(root / COPY, experiment.text.encode("utf-8"))
    # The samplers read every trial at every suggestion: from SQLite that costs ~10 ms a time, so
    # they work on a copy in memory and each finished generation is written to the database.
    study = optuna.create_study(directions=directions, sampler=_sampler(problem, 0))
    study.add_trials(durable.get_trials(deepcopy=False, states=[TrialState.COMPLETE]))
    return durable, study


def _ruled_out(problem: Problem, c: Candidate) -> bool:
    return any(v > 0 for v in obj.static_violations(problem.settings.constraints, c.facts).values())


def _search(durable, study, problem: Problem, evaluations: Evaluations, bar) -> None:
    """Ask a generation, evaluate it in one batch, tell it, record it; until all are done.

    A generation interrupted before it was recorded is asked again on resuming: its sampler's
    seed and the completed trials are the same, so it proposes the same designs, and those
    already simulated are read back from ``evaluations/``.
    """
    settings = problem.settings
    distributions = {lever.name: lever.distribution() for lever in problem.levers}
    while (done := len(study.trials)) < settings.candidates:
        study.sampler = _sampler(problem, done // settings.population)
        n = min(settings.population, settings.candidates - done)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            batch = [study.ask(distributions) for _ in range(n)]
        candidates = [problem.candidate(dict(t.params)) for t in batch]
        # A design the constraints rule out by itself (who is full) is not simulated: NSGA-II and
        # TPE rank infeasible trials by their violations alone, never by their objectives.
        ruled_out = {c.key for c in candidates if _ruled_out(problem, c)}
        runnable = [c for c in candidates if c.key not in ruled_out]
        measured = evaluations.run(runnable, SEARCH, bar.update)
        bar.update(len({c.key for c in candidates if c.key in ruled_out}) * len(problem.seeds))
        for trial, c in zip(batch, candidates, strict=True):
            m = measured.get(c.key)
            if m is None:
                broken = obj.static_violations(settings.constraints, c.facts)
                broken = {k: broken.get(k, 0.0) for k in problem.constraint_names()}
                values = [np.inf * o.sign for o in problem.objectives]
            else:
                broken = violations(problem, c, m)
                values = objective_values(problem, c, m)
                shortfall = float(obj.point(["break_even"], m, c.facts)[0])
                trial.set_user_attr("shortfall_m", shortfall)
            trial.set_user_attr("design", c.key)
            trial.set_user_attr("simulated", m is not None)
            trial.set_user_attr("violations", broken)
            for name, value in broken.items():
                trial.set_constraint(name, value)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                study.tell(trial, values)
        durable.add_trials(study.get_trials(deepcopy=True)[done:])


# ---------------------------------------------------------------- the front


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


def candidates_table(study, problem: Problem) -> pd.DataFrame:
    """Every completed trial: levers, objectives, violations, feasible, on the search's front."""
    from optuna.trial import TrialState

    rows = []
    for t in study.get_trials(deepcopy=False, states=[TrialState.COMPLETE]):
        row: dict[str, Any] = {
            "trial": t.number,
            "generation": t.number // problem.settings.population,
        }
        row["design"] = t.user_attrs.get("design", "")
        row.update({lever.name: t.params.get(lever.name) for lever in problem.levers})
        simulated = t.user_attrs.get("simulated", True)
        row.update(
            {
                o.name: v if simulated else np.nan
                for o, v in zip(problem.objectives, t.values, strict=True)
            }
        )
        row["simulated"] = simulated
        broken = t.user_attrs.get("violations", {})
        row.update({f"violation:{k}": v for k, v in broken.items()})
        row["worst_member_shortfall_m"] = t.user_attrs.get("shortfall_m")
        row["feasible"] = all(v <= 0 for v in broken.values())
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["duplicate"] = frame["design"].duplicated()
    frame["pareto"] = False
    pool = frame[frame["feasible"] & ~frame["duplicate"]]
    if len(pool):
        signs = np.array([o.sign for o in problem.objectives])
        values = pool[[o.name for o in problem.objectives]].to_numpy(float) * signs
        frame.loc[pool.index[pareto_mask(values)], "pareto"] = True
    return frame


# ---------------------------------------------------------------- confirmation


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
    from . import stats

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
    from . import stats
    from .search_words import describe_changes

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
    from .search_words import effect_phrase, join_changes

    problem_parties = rec.confirmed.candidate.scenario.parties
    effects = [
        effect_phrase(row, {k: p.name for k, p in problem_parties.items()})
        for row in rec.differences.to_dict("records")
    ]
    return f"{join_changes(rec.changes)}: " + ", ".join(effects)


# ---------------------------------------------------------------- results


@dataclass
class SearchResults:
    """What a search found: every candidate, the re-evaluated front, the recommendations."""

    directory: Path
    problem: Problem
    candidates: pd.DataFrame
    confirmed: list[Confirmed]
    recommendations: list[Recommendation]
    runs: int
    notes: list[str] = field(default_factory=list)

    @property
    def report_path(self) -> Path:
        return self.directory / "report.html"

    def front_table(self) -> pd.DataFrame:
        from .search_words import front_frame

        return front_frame(self)

    def recommendations_table(self) -> pd.DataFrame:
        frames = []
        for r in self.recommendations:
            frame = r.differences.copy()
            frame.insert(0, "rank", r.rank)
            frame.insert(1, "design", r.confirmed.candidate.key)
            frame.insert(2, "changes", "; ".join(r.changes))
            frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def text(self) -> str:
        from .search_words import results_text

        return results_text(self)


def run_search(
    path: str | Path,
    workers: int | None = None,
    scheduler=None,
    *,
    fresh: bool = False,
    out: str | Path | None = None,
    progress: bool = False,
    report: bool = True,
) -> SearchResults:
    """Run (or continue) the design search in ``path`` and return what it found.

    Arguments as for :func:`run_experiment`; results go to ``results/<name>/`` by default:
    ``study.db`` (the optuna study), ``evaluations/`` (per-run measures of every design),
    ``candidates.csv``, ``front.csv``, ``recommendations.csv``, ``figures/pareto.png`` and
    ``report.html``.
    """
    experiment = load_search(path)
    problem = build_problem(experiment)
    root = Path(out) if out is not None else Path("results") / experiment.name
    executor = make_executor(workers, scheduler)
    durable, study = _open_study(root, problem, fresh)
    evaluations = Evaluations(root, problem, executor)
    settings = problem.settings
    from optuna.trial import TrialState

    done = len(study.get_trials(deepcopy=False, states=[TrialState.COMPLETE]))
    search_bar = _bar(progress, settings.candidates * len(problem.seeds), done * len(problem.seeds),
                      f"{experiment.name}: search")  # fmt: skip
    with search_bar as bar:
        _search(durable, study, problem, evaluations, bar)
    table = candidates_table(study, problem)
    front = table[table["pareto"]] if len(table) else table
    notes = []
    if not len(front):
        notes.append("No candidate design met every constraint, so there is no front to confirm.")
    total = (min(len(front), settings.confirm) + 1) * len(problem.confirm_seeds)
    with _bar(progress, total, 0, f"{experiment.name}: confirm") as bar:
        confirmed = confirm(problem, front, evaluations, bar)
    confirmed_keys = {c.candidate.key for c in confirmed[1:]}
    table["confirmed"] = table["design"].isin(confirmed_keys) & ~table["duplicate"]
    recommendations = recommend(problem, confirmed)
    if len(front) and not recommendations:
        notes.append(
            "None of the re-evaluated designs met every constraint on the fresh replications."
        )
    results = SearchResults(
        root, problem, table, confirmed, recommendations, evaluations.runs_done, notes
    )
    table.to_csv(root / "candidates.csv", index=False)
    results.front_table().to_csv(root / "front.csv", index=False)
    results.recommendations_table().to_csv(root / "recommendations.csv", index=False)
    if report:
        from .search_report import write_search_report

        write_search_report(results)
    return results


def _bar(progress: bool, total: int, initial: int, desc: str):
    if not progress:
        return nullcontext(_NoBar())
    from tqdm import tqdm

    return tqdm(
        total=total,
        initial=initial,
        unit="run",
        desc=desc,
        file=sys.stderr,
        dynamic_ncols=True,
        smoothing=0.1,
    )


class _NoBar:
    def update(self, n: int) -> None:
        pass
