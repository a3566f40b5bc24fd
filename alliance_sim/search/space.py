"""The design search's space: its levers, the candidate designs they make, the checked problem.

A lever is a dotted path into the scenario (or a bundle of paths) with allowed values or a range,
as written in ``[search.levers]``; a candidate is one value per lever, written into the scenario
and validated like any scenario. :func:`build_problem` checks every lever, objective and
constraint against the scenario before anything runs, and fixes the seeds: the search's
(``experiment.replications``, as ``alliance-sim run`` draws them), the re-evaluation's that choose
the recommendations (a separate stream of the master seed the search never sees) and the
reporting seeds the recommendations' numbers come from (a third stream, never used to choose).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..batch.columns import check_names
from ..batch.design import _check_path
from ..batch.spec import Bundle, Experiment
from ..config.loading import load_scenario, read_scenario_file
from ..errors import InputError
from ..inputfile import InputFile
from . import objectives as obj
from .spec import Range, SearchFile


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
    scenario_file: InputFile  # read once: its sha256 is kept with the study
    base_overrides: dict[str, Any]
    levers: list[LeverSpace]
    objectives: list[obj.Objective]
    parties: dict[str, str]
    baseline_values: dict[str, Any]  # lever name -> its value in the current design (or None)
    seeds: list[int]
    confirm_seeds: list[int]
    report_seeds: list[int]
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
    from ..batch.design import replication_seeds

    spec: SearchFile = experiment.spec  # type: ignore[assignment]
    meta = spec.experiment
    source = experiment.source
    ref = experiment.scenario_ref(str(meta.scenario))
    try:
        scenario_file = read_scenario_file(ref)
        base = load_scenario(scenario_file)
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
    objective_columns = {n: "candidates.csv" for n in spec.search.objectives}
    names = ((f"search.levers.{n}", n) for n in spec.search.levers)
    check_names(names, source, [base], also=objective_columns)
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
    report_seeds = _seeds(meta.seed, 6, spec.search.reporting_replications)
    chunk = meta.chunk_size or int(np.clip(-(-meta.replications // 2), 5, 100))
    problem = Problem(
        experiment=experiment,
        spec=spec,
        scenario_ref=ref,
        scenario_file=scenario_file,
        base_overrides=overrides,
        levers=levers,
        objectives=objectives,
        parties=parties,
        baseline_values=baseline_values,
        seeds=seeds,
        confirm_seeds=confirm_seeds,
        report_seeds=report_seeds,
        chunk_size=chunk,
    )
    for lever in levers:  # every allowed value (a range's ends) must make a valid scenario
        for value in lever.extremes():
            problem.candidate({lever.name: value})
    return problem
