"""Design search: which alliance rules decide fastest with a fair share of risk.

A policy team's question is often not "A or B?" but "what should the agreement say?": who is a
full member, how much delegated authority each representative holds (000 §3.2.3; 001 §46), how
often the board and the home bodies meet and with what notice, unanimity or a qualified majority
(001 §47). ``alliance-sim search FILE`` explores those levers (``[search]``, see ``spec.py``)
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
   lucky draws do not carry over), with bootstrap intervals; the recommendations are chosen
   there.
3. The chosen designs and the current design are run again on ``report_replications`` seeds of a
   third stream, never used to choose, and every number a recommendation reports comes from
   those runs: its paired difference against the current design on each headline measure
   (``stats.paired_difference``), sorted into what is better, what is worse and what shows no
   clear change (``confirm.py``).

Determinism: the sampler of generation *g* is seeded from (master seed, *g*) and proposes from the
completed trials in the study alone, and each candidate's results depend only on its design and
the seeds; so the same file gives the same front whatever the number of workers, and a resumed
study, which keeps only whole generations (``study.py``), continues as an uninterrupted one would.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..batch.columns import CANDIDATE, CANDIDATE_FLAGS
from ..batch.executors import make_executor
from ..batch.files import atomic_write_text, writing_results
from ..batch.lock import FolderLock
from ..batch.progress import progress_bar
from ..batch.store import COPY, atomic_write
from ..errors import InputError
from . import objectives as obj
from .confirm import confirm, pareto_mask, recommend
from .evaluations import EVALUATIONS, SEARCH, Evaluations
from .results import SearchResults
from .space import Candidate, Problem, build_problem
from .spec import load_search
from .study import STUDY_DB, open_study

SIMULATED, SHORTFALL, FEASIBLE, DUPLICATE, PARETO, CONFIRMED = CANDIDATE_FLAGS
OUTPUTS = ("candidates.csv", "front.csv", "recommendations.csv", "report.html")


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
    """The study on disk and, for the samplers, a copy of its trials in memory."""
    import optuna

    if fresh:
        (root / STUDY_DB).unlink(missing_ok=True)
        shutil.rmtree(root / EVALUATIONS, ignore_errors=True)
        shutil.rmtree(root / "figures", ignore_errors=True)
        for name in (COPY, *OUTPUTS):
            (root / name).unlink(missing_ok=True)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{root}: cannot create the results folder ({exc}).") from None
    durable, trials = open_study(root, problem)
    atomic_write(root / COPY, problem.experiment.text.encode("utf-8"))
    # The samplers read every trial at every suggestion: from SQLite that costs ~10 ms a time, so
    # they work on a copy in memory and each finished generation is written to the database.
    directions = [o.direction for o in problem.objectives]
    study = optuna.create_study(directions=directions, sampler=_sampler(problem, 0))
    study.add_trials(trials)
    return durable, study


def _ruled_out(problem: Problem, c: Candidate) -> bool:
    return any(v > 0 for v in obj.static_violations(problem.settings.constraints, c.facts).values())


def _search(durable, study, problem: Problem, evaluations: Evaluations, bar) -> None:
    """Ask a generation, evaluate it in one batch, tell it, record it; until all are done.

    A generation interrupted before it was wholly recorded is asked again on resuming (any part
    of it on disk is dropped, ``study.py``): its sampler's seed and the completed trials are the
    same, so it proposes the same designs, and those already simulated are read back from
    ``evaluations/``.
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


def candidates_table(study, problem: Problem) -> pd.DataFrame:
    """Every completed trial: levers, objectives, violations, feasible, on the search's front."""
    from optuna.trial import TrialState

    rows = []
    for t in study.get_trials(deepcopy=False, states=[TrialState.COMPLETE]):
        generation = t.number // problem.settings.population
        identity = (t.number, generation, t.user_attrs.get("design", ""))
        row: dict[str, Any] = dict(zip(CANDIDATE, identity, strict=True))
        row.update({lever.name: t.params.get(lever.name) for lever in problem.levers})
        simulated = t.user_attrs.get("simulated", True)
        row.update(
            {
                o.name: v if simulated else np.nan
                for o, v in zip(problem.objectives, t.values, strict=True)
            }
        )
        broken = t.user_attrs.get("violations", {})
        row[SIMULATED] = simulated
        row.update({f"violation:{k}": v for k, v in broken.items()})
        row[SHORTFALL] = t.user_attrs.get("shortfall_m")
        row[FEASIBLE] = all(v <= 0 for v in broken.values())
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame[DUPLICATE] = frame["design"].duplicated()
    frame[PARETO] = False
    pool = frame[frame["feasible"] & ~frame["duplicate"]]
    if len(pool):
        signs = np.array([o.sign for o in problem.objectives])
        values = pool[[o.name for o in problem.objectives]].to_numpy(float) * signs
        frame.loc[pool.index[pareto_mask(values)], "pareto"] = True
    return frame


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
    # one search at a time in a folder, as for any experiment (issue 12)
    with writing_results(root), FolderLock(root).acquire("search"):
        return _run_search(experiment, problem, root, executor, fresh, progress, report)


def _run_search(experiment, problem, root: Path, executor, fresh: bool, progress: bool,
                report: bool) -> SearchResults:  # fmt: skip
    durable, study = _open_study(root, problem, fresh)
    evaluations = Evaluations(root, problem, executor)
    settings = problem.settings
    from optuna.trial import TrialState

    done = len(study.get_trials(deepcopy=False, states=[TrialState.COMPLETE]))
    runs = len(problem.seeds)
    with progress_bar(progress, settings.candidates * runs, done * runs,
                      f"{experiment.name}: search") as bar:  # fmt: skip
        _search(durable, study, problem, evaluations, bar)
    table = candidates_table(study, problem)
    front = table[table["pareto"]] if len(table) else table
    notes = []
    if not len(front):
        notes.append("No candidate design met every constraint, so there is no front to confirm.")
    total = (min(len(front), settings.confirm) + 1) * len(problem.confirm_seeds)
    with progress_bar(progress, total, 0, f"{experiment.name}: confirm") as bar:
        confirmed = confirm(problem, front, evaluations, bar)
    confirmed_keys = {c.candidate.key for c in confirmed[1:]}
    table[CONFIRMED] = table["design"].isin(confirmed_keys) & ~table["duplicate"]
    total = (settings.recommend + 1) * len(problem.report_seeds)
    with progress_bar(progress, total, 0, f"{experiment.name}: report") as bar:
        recommendations = recommend(problem, confirmed, evaluations, bar)
    if len(front) and not recommendations:
        notes.append(
            "None of the re-evaluated designs met every constraint on the selection replications."
        )
    for r in recommendations:
        broken = [k for k, v in r.violations.items() if v > 0]
        if broken:
            notes.append(
                f"Design {r.rank} met every constraint on the selection replications but not "
                f"{', '.join(broken)} on the reporting replications."
            )
    results = SearchResults(
        root, problem, table, confirmed, recommendations, evaluations.runs_done, notes
    )
    atomic_write_text(root / "candidates.csv", table.to_csv(index=False))
    atomic_write_text(root / "front.csv", results.front_table().to_csv(index=False))
    atomic_write_text(root / "recommendations.csv",
                      results.recommendations_table().to_csv(index=False))  # fmt: skip
    if report:
        from .report import write_search_report

        write_search_report(results)
    return results
