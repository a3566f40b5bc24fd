"""The search's study on disk (``study.db``): made whole, continued only from whole generations.

The search asks, evaluates and tells a generation at a time, and generation *g*'s sampler is
seeded from (master seed, *g*) and reads the trials before it; so a study continues as an
uninterrupted one would exactly when it stops at a generation's boundary. Optuna writes a trial per
transaction, so an interruption (Ctrl-C, a killed process, a full disk) while a generation is
written can leave part of it. On resuming, such a part is dropped: the study is rewritten with
its whole generations only, to a temporary file renamed over ``study.db``, and the dropped
designs are asked again (their simulations are read back from ``evaluations/``, not rerun).

A new study is made the same way, its inputs' fingerprint with it, so ``study.db`` never exists
without the sha256 of the file that made it, however early the first run was stopped.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..batch.files import TEMP_GLOB, temporary_path
from ..batch.store import package_version
from ..errors import InputError
from .space import Problem

STUDY_DB = "study.db"
STUDY_NAME = "search"


def whole_generations(trials: int, population: int, candidates: int) -> int:
    """How many of ``trials`` (recorded in order) make whole generations; the last generation of
    a search is whole at ``candidates`` even if shorter than the population."""
    return trials if trials >= candidates else trials - trials % population


def _storage(db: Path):
    import optuna

    return optuna.storages.RDBStorage(f"sqlite:///{db}")


def _close(storage) -> None:
    """Let go of the database file (before it is replaced)."""
    storage.remove_session()
    storage.engine.dispose()


def _write_study(db: Path, directions: list[str], attrs: dict[str, Any], trials: list) -> None:
    """``study.db`` made whole: written to a temporary file, then renamed into place."""
    import optuna

    tmp = temporary_path(db)
    tmp.unlink(missing_ok=True)
    storage = None
    try:
        storage = _storage(tmp)  # makes the tables
        study = optuna.create_study(storage=storage, study_name=STUDY_NAME, directions=directions)
        for key, value in attrs.items():
            study.set_user_attr(key, value)
        study.add_trials(trials)
        _close(storage)
        os.replace(tmp, db)
    except BaseException:
        if storage is not None:
            _close(storage)
        tmp.unlink(missing_ok=True)
        raise


def _check_inputs(root: Path, attrs: dict[str, Any], problem: Problem) -> None:
    """Refuse to continue a study made from another file or by another version.

    Both the search file and its scenario are compared: a design's simulations are cached in
    ``evaluations/`` by what its levers change, so runs of an edited scenario would otherwise be
    mixed with the old one's.
    """
    again = "run again with --fresh to discard it and start over, or with --out to keep both"
    scenario = problem.scenario_file
    for key, file, source in (
        ("sha256", problem.experiment, problem.experiment.source),
        ("scenario_sha256", scenario, f"the scenario {scenario.source}"),
    ):
        was = str(attrs.get(key) or "not recorded")
        if was != file.sha256:
            raise InputError(
                f"{root}: this study was made from a different version of {source} "
                f"(sha256 {was[:12]}, now {file.sha256[:12]}), so it cannot be continued; "
                f"{again}."
            )
    if attrs.get("package_version") != package_version():
        raise InputError(
            f"{root}: this study was made by alliance-sim {attrs.get('package_version')}, this "
            f"is {package_version()}; results of two versions must not be mixed; run again with "
            "--fresh, or use --out."
        )


def open_study(root: Path, problem: Problem):
    """The study on disk (made, or continued from its whole generations) and its trials.

    Returns ``(durable, trials)``: the optuna study in ``study.db`` and its completed trials in
    order, every one of them in a whole generation. The caller holds the folder's lock.
    """
    import optuna
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    for stale in root.glob(TEMP_GLOB):  # what a killed run was writing; no one else writes here
        stale.unlink(missing_ok=True)
    db = root / STUDY_DB
    directions = [o.direction for o in problem.objectives]
    settings = problem.settings
    if db.is_file():
        storage = _storage(db)
        durable = optuna.load_study(storage=storage, study_name=STUDY_NAME)
        attrs = dict(durable.user_attrs)
        trials = sorted(
            durable.get_trials(deepcopy=False, states=[TrialState.COMPLETE]),
            key=lambda t: t.number,
        )
        if "sha256" not in attrs and not trials:
            # made by a run stopped before it wrote the study's fingerprint (earlier versions
            # wrote it after making the file): nothing was recorded, so start it again
            _close(storage)
            db.unlink()
        else:
            _check_inputs(root, attrs, problem)
            whole = whole_generations(len(trials), settings.population, settings.candidates)
            if whole == len(trials):
                return durable, trials
            _close(storage)
            trials = trials[:whole]
            _write_study(db, directions, attrs, trials)
            return optuna.load_study(storage=_storage(db), study_name=STUDY_NAME), trials
    attrs = {
        "sha256": problem.experiment.sha256,
        "scenario_sha256": problem.scenario_file.sha256,
        "package_version": package_version(),
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    _write_study(db, directions, attrs, [])
    return optuna.load_study(storage=_storage(db), study_name=STUDY_NAME), []
