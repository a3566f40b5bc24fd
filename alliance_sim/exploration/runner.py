"""Which assumptions drive the findings: run an experiment's sensitivity stages, then discovery.

Each ``[[sensitivity]]`` stage is an experiment of its own on the runner (same executors, same
resumable store) in ``<results>/<stage>/``: ``sample.parquet`` (the points, unit and real values),
``runs/`` (one row per run), ``outcomes.parquet`` (per point), ``sensitivity.csv`` (indices) and
``robustness.csv`` (verdicts). A stage with ``top = k`` takes the k factors the previous stage
ranks highest for ``rank_by``, read from that stage's ``sensitivity.csv``. ``[discovery]`` runs PRIM
on one stage's points (the last by default) and writes ``discovery.csv`` (the peeling trajectory),
``discovery-boxes.csv`` (the boxes reported) and ``discovery-splits.csv`` (the one-dimensional
splits where failures concentrate); ``report.html`` in the experiment's folder has every section.
"""

from __future__ import annotations

import io
import json
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..batch.design import build_design
from ..batch.executors import make_executor
from ..batch.files import writing_results
from ..batch.lock import FolderLock
from ..batch.progress import progress_bar
from ..batch.spec import Experiment
from ..batch.store import ResultStore, atomic_write
from ..errors import InputError
from .discovery import DiscoveryResult, discover
from .outcomes import outcome_names, outcomes
from .points import BASE_OUTCOMES, FunctionModel, alliance_metrics, build_stage
from .robustness import Verdict, Worlds, robustness
from .robustness import table as robustness_table
from .sampling import choose_factors, draw_sample
from .sensitivity import (
    StageResult,
    analysed_outcomes,
    flagged,
    morris_indices,
    sobol_indices,
    top_factors,
)

INDICES = "sensitivity.csv"
FACTORS = "factors.json"
ROBUSTNESS = "robustness.csv"


@dataclass
class AnalysisSummary:
    """What the CLI prints: the top drivers of the headline outcomes, and the verdicts."""

    stages: list[StageResult]
    verdicts: dict[str, list[Verdict]]
    discovery: DiscoveryResult | None
    headline: list[str]
    timings: dict[str, float] = field(default_factory=dict)
    worlds: dict[str, Worlds] = field(default_factory=dict)

    def text(self, top: int = 5) -> str:
        lines = []
        for stage in self.stages:
            method = stage.stage.method
            score = "mu_star" if method == "morris" else "ST"
            lines.append(
                f"Stage `{stage.stage.name}` ({method}, {len(stage.sample.unit)} points over "
                f"{len(stage.sample.factors)} factors):"
            )
            if stage.stage.name in self.worlds:
                lines.append(f"  worlds: {self.worlds[stage.stage.name].text()}")
            for outcome in self.headline:
                rows = stage.top(outcome, top)
                if rows.empty:
                    continue
                drivers = ", ".join(
                    f"{r.factor} ({getattr(r, score):.3g}{' !' if _flag(r) else ''})"
                    for r in rows.itertuples()
                )
                lines.append(f"  top drivers of {outcome} [{score}]: {drivers}")
            bad = flagged(stage.indices)
            if len(bad):
                lines.append(
                    f"  ! {len(bad)} of {len(stage.indices)} estimates are flagged in "
                    f"sensitivity.csv (`flag`): the sample is too small for them "
                    f"(e.g. {bad.iloc[0]['factor']} on {bad.iloc[0]['outcome']}: "
                    f"{bad.iloc[0]['flag']}); raise `samples` before reading them."
                )
            for v in self.verdicts.get(stage.stage.name, []):
                if v.finding in self.headline:
                    lines.append(f"  {v.finding}: {v.text}")
        if self.discovery is not None:
            lines.append("Discovery: " + self.discovery.text())
        return "\n".join(lines)


def _flag(row) -> bool:
    flag = getattr(row, "flag", "")
    return isinstance(flag, str) and flag != ""


class AnalysisResults:
    """A finished (or resumed) sensitivity analysis: its folder, summary and report."""

    def __init__(self, directory: Path, summary: AnalysisSummary) -> None:
        self.directory = directory
        self.summary = summary

    @property
    def report_path(self) -> Path:
        return self.directory / "report.html"

    @property
    def stages(self) -> dict[str, StageResult]:
        return {s.stage.name: s for s in self.summary.stages}


def _stage_seed(master: int, index: int) -> int:
    return int(np.random.SeedSequence([master, 13, index]).generate_state(1)[0])


def headline_outcomes(names: list[str], differences: list[str]) -> list[str]:
    """The paired differences of the headline measures and of the council's position."""
    base = differences or names
    wanted = [
        n
        for n in base
        if n.split(" | ")[0].split(" @ ")[0]
        in (*BASE_OUTCOMES, "loss_share.council", "net_m.council")
    ]
    return wanted or base[:6]


def run_analysis(
    experiment: Experiment,
    workers: int | None = None,
    scheduler=None,
    *,
    fresh: bool = False,
    out: str | Path | None = None,
    progress: bool = False,
    report: bool = True,
    model: FunctionModel | None = None,
) -> AnalysisResults:
    """Run every sensitivity stage of ``experiment`` (resuming), then discovery and the report.

    Every input is checked before anything is written (the stages' outcomes and parameters
    too); the output folder is locked while the stages run.
    """
    from ..config.assumptions import build_registry

    spec = experiment.spec
    source = experiment.source
    if isinstance(spec.experiment.scenario, list):
        raise InputError(
            f"{source}: field `experiment.scenario` lists several scenarios; a sensitivity "
            "analysis samples one scenario's assumptions, so name one."
        )
    base = build_design(experiment)
    base_scenarios = base.scenarios()
    registry = model.registry if model else build_registry(base.cells[0].scenario)
    fixed = set(spec.fixed)
    for f in base.factors:
        for setting in f.settings:
            fixed |= set(setting)
    parties = None if model else tuple(base_scenarios[0].parties)
    _check_stages(experiment, base, registry, fixed, parties)
    root = Path(out) if out is not None else Path("results") / experiment.name
    executor = make_executor(workers, scheduler)
    with writing_results(root), FolderLock(root).acquire("run"):
        return _run_stages(experiment, base, base_scenarios, registry, fixed, root, executor,
                           fresh, progress, report, model)  # fmt: skip


def _check_stages(experiment: Experiment, base, registry, fixed: set[str], parties) -> None:
    """Refuse, before any stage runs, what would otherwise stop the analysis between stages: a
    `top` with no stage before it, unknown `parameters`, and (for an alliance, whose outcomes
    are known from its parties and designs) an unknown `rank_by`, `outcomes` or discovery
    finding."""
    spec = experiment.spec
    source = experiment.source
    measured = None
    if parties is not None:
        measured, _ = outcome_names(alliance_metrics(parties), base.design_labels())
    analysed: list[str] = []
    for index, stage in enumerate(spec.sensitivity):
        where = f"sensitivity[{index}]"
        if stage.top is not None and index == 0:
            raise InputError(
                f"{source}: sensitivity stage `{stage.name}` has `top`, but no stage before "
                "it to rank the assumptions; put a Morris stage first."
            )
        if stage.parameters != "all":
            try:
                choose_factors(registry, stage, list(stage.parameters), fixed)
            except InputError as exc:
                raise InputError(f"{source}: {exc}") from None
        if measured is None:
            continue  # a test model's outcomes are known once it has run
        if stage.top is not None and stage.rank_by not in analysed:
            raise InputError(
                f"{source}: field `{where}.rank_by` names the outcome `{stage.rank_by}`, which "
                f"the stage before, `{spec.sensitivity[index - 1].name}`, does not analyse; it "
                f"analyses: {', '.join(analysed[:12])}{' ...' if len(analysed) > 12 else ''}"
            )
        unknown = [o for o in stage.outcomes or () if o not in measured]
        if unknown:
            raise InputError(
                f"{source}: field `{where}.outcomes`: sensitivity stage `{stage.name}` lists "
                f"outcomes {unknown}, which are not measured; measured outcomes are: "
                f"{', '.join(measured[:20])} ..."
            )
        analysed = list(stage.outcomes) if stage.outcomes is not None else measured
    discovery = spec.discovery
    if discovery is None:
        return
    names = [s.name for s in spec.sensitivity]
    if discovery.stage is not None and discovery.stage not in names:
        raise InputError(
            f"{source}: field `discovery.stage` names `{discovery.stage}`, which is not a "
            f"sensitivity stage; stages are {names}."
        )
    if measured is not None and discovery.finding not in measured:
        differences = outcome_names(alliance_metrics(parties), base.design_labels())[1]
        raise InputError(
            f"{source}: field `discovery.finding` names `{discovery.finding}`, which is not "
            f"measured; measured differences are: {', '.join(differences[:12])} ..."
        )


def _run_stages(experiment: Experiment, base, base_scenarios, registry, fixed: set[str],
                root: Path, executor, fresh: bool, progress: bool, report: bool,
                model: FunctionModel | None) -> AnalysisResults:  # fmt: skip
    spec = experiment.spec
    source = experiment.source
    confidence = spec.statistics.confidence
    results: list[StageResult] = []
    verdicts: dict[str, list[Verdict]] = {}
    worlds: dict[str, Worlds] = {}
    timings = {"runs": 0.0, "reduce": 0.0, "estimators": 0.0}
    for index, stage in enumerate(spec.sensitivity):
        chosen = None if stage.parameters == "all" else list(stage.parameters)
        if stage.top is not None:
            previous = root / spec.sensitivity[index - 1].name / INDICES
            chosen = top_factors(pd.read_csv(previous), stage.rank_by, stage.top, source)
        factors = choose_factors(registry, stage, chosen, fixed)
        sample = draw_sample(stage, factors, _stage_seed(spec.experiment.seed, index))
        plan = build_stage(base, stage, sample, model)
        store = ResultStore(root / stage.name)
        scenarios = [base_scenarios[c.design] for c in plan.design.cells]
        _same_factors(store.root, factors, fresh)
        store.prepare(plan.design, fresh=fresh, executor=executor.name, scenarios=scenarios)
        atomic_write(
            store.root / FACTORS, json.dumps([f.name for f in factors], indent=1).encode("utf-8")
        )
        _write_sample(store.root, sample)
        done = store.done_chunks()
        chunks = plan.design.chunks()
        todo = [c for c in chunks if c.key not in done]
        total = sum(plan.runs_in(c) for c in chunks)
        initial = total - sum(plan.runs_in(c) for c in todo)
        started = time.perf_counter()
        try:
            with progress_bar(progress, total, initial, f"{experiment.name}/{stage.name}") as bar:
                for chunk, parts in executor.run_cells(plan.works, todo):
                    store.write_chunk(chunk, parts)
                    bar.update(plan.runs_in(chunk))
        except BaseException:
            store.interrupted()
            raise
        store.finish()
        timings["runs"] += time.perf_counter() - started
        started = time.perf_counter()
        runs = store.read_table("runs")
        per_point = outcomes(runs, plan.designs, confidence)
        del runs
        names = analysed_outcomes(stage, per_point, source)
        timings["reduce"] += time.perf_counter() - started
        started = time.perf_counter()
        estimate = morris_indices if stage.method == "morris" else sobol_indices
        indices = estimate(
            sample, per_point, names, stage.bootstrap, confidence, spec.experiment.seed
        )
        timings["estimators"] += time.perf_counter() - started
        stage_worlds = Worlds(
            stage=stage.name,
            method=stage.method,
            points=len(sample.unit),
            units=stage.trajectories if stage.method == "morris" else stage.samples,
            varied=len(factors),
            of=len(choose_factors(registry, stage, None, fixed)),
            kind="families" if stage.groups == "family" else "fields",
            levels=stage.levels,
        )
        worlds[stage.name] = stage_worlds
        stage_verdicts = robustness(
            per_point, stage_worlds, _stage_seed(spec.experiment.seed, index), confidence
        )
        verdicts[stage.name] = stage_verdicts
        atomic_write(store.root / INDICES, indices.to_csv(index=False).encode("utf-8"))
        atomic_write(
            store.root / ROBUSTNESS,
            robustness_table(stage_verdicts, stage_worlds).to_csv(index=False).encode("utf-8"),
        )
        sink = io.BytesIO()
        per_point.values.to_parquet(sink)
        atomic_write(store.root / "outcomes.parquet", sink.getvalue())
        results.append(StageResult(stage, store.root, sample, per_point, indices))
    found = None
    if spec.discovery is not None:
        target = spec.discovery.stage or results[-1].stage.name
        chosen_stage = {r.stage.name: r for r in results}[target]  # a stage: checked up front
        if spec.discovery.finding not in chosen_stage.outcomes.names:  # a test model's outcome
            raise InputError(
                f"{source}: field `discovery.finding` names `{spec.discovery.finding}`, which is "
                f"not measured; measured differences are: "
                f"{', '.join(chosen_stage.outcomes.differences[:12])} ..."
            )
        found = discover(
            chosen_stage.sample,
            chosen_stage.outcomes,
            spec.discovery,
            seed=_stage_seed(spec.experiment.seed, len(spec.sensitivity)),
        )
        if found.short():
            verdicts[target] = [
                replace(v, text=f"{v.text}; {found.short()}")
                if v.finding == spec.discovery.finding
                else v
                for v in verdicts[target]
            ]
        atomic_write(root / "discovery.csv", found.trajectory.to_csv().encode("utf-8"))
        atomic_write(
            root / "discovery-boxes.csv", found.boxes_table().to_csv(index=False).encode("utf-8")
        )
        atomic_write(
            root / "discovery-splits.csv",
            found.splits_table().to_csv(index=False).encode("utf-8"),
        )
    first = results[0].outcomes
    headline = headline_outcomes(first.names, first.differences)
    if spec.discovery is not None and spec.discovery.finding not in headline:
        headline.append(spec.discovery.finding)
    summary = AnalysisSummary(results, verdicts, found, headline, timings, worlds)
    if report:
        from .report import write_analysis_report

        write_analysis_report(root, experiment, summary)
    return AnalysisResults(root, summary)


def _same_factors(folder: Path, factors, fresh: bool) -> None:
    """Refuse to resume a stage whose factors changed (e.g. a previous stage ranked anew)."""
    path = folder / FACTORS
    if fresh or not path.is_file():
        return
    before = json.loads(path.read_text(encoding="utf-8"))
    now = [f.name for f in factors]
    if before != now:
        raise InputError(
            f"{folder}: this stage was sampled over {before}, but would now sample {now} (the "
            "previous stage's ranking changed); run again with --fresh, or use --out."
        )


def _write_sample(folder: Path, sample) -> None:
    """The points as run: unit values (``u:`` columns) and real values, for notebooks and PRIM."""
    import io

    values = sample.values()
    unit = pd.DataFrame(sample.unit, columns=[f"u:{a.path}" for a in sample.fields])
    sink = io.BytesIO()
    pd.concat([values, unit], axis=1).to_parquet(sink)
    atomic_write(folder / "sample.parquet", sink.getvalue())
