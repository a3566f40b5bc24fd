"""Run an experiment end to end: design, execute, store, summarise, plot and report.

``run_experiment`` is the one entry point for the CLI and for notebooks; ``ExperimentResults``
holds the summary and loads the Parquet tables as pandas DataFrames only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from ..batch.design import Chunk, build_design
from ..batch.executors import make_executor
from ..batch.files import writing_results
from ..batch.lock import FolderLock
from ..batch.progress import progress_bar
from ..batch.replicate import CellWork
from ..batch.spec import load_experiment
from ..batch.store import ResultStore
from .summary import Summary, summarize, write_tables


class ExperimentResults:
    """An experiment's result folder: summary tables, report, and lazily loaded run tables."""

    def __init__(self, directory: str | Path, summary: Summary | None = None) -> None:
        self.store = ResultStore.existing(directory)
        self.directory = self.store.root
        self._summary = summary

    @property
    def summary(self) -> Summary:
        """Per-design statistics (``.designs``), paired differences and risk measures."""
        if self._summary is None:
            self._summary = summarize(self.store)
        return self._summary

    @property
    def manifest(self) -> dict:
        return self.store.manifest

    @property
    def report_path(self) -> Path:
        return self.directory / "report.html"

    def tables(self) -> list[str]:
        """Names of the stored tables (``runs``, ``decisions`` and any others the runs record)."""
        return self.store.tables()

    def table(self, name: str, columns: list[str] | None = None):
        """One stored table as a pandas DataFrame, rows in (cell, replication) order."""
        return self.store.read_table(name, columns)

    @cached_property
    def runs(self):
        return self.table("runs")

    @cached_property
    def decisions(self):
        return self.table("decisions")

    @cached_property
    def ledger(self):
        return self.table("ledger")

    def __repr__(self) -> str:
        m = self.manifest
        return (
            f"ExperimentResults({str(self.directory)!r}, {m.get('runs_done', 0)} of "
            f"{m.get('runs_total', 0)} runs, tables {self.tables()})"
        )


def default_directory(name: str) -> Path:
    return Path("results") / name


def run_experiment(
    path: str | Path,
    workers: int | None = None,
    scheduler=None,
    *,
    fresh: bool = False,
    out: str | Path | None = None,
    progress: bool = False,
    report: bool = True,
    on_chunk: Callable[[Chunk], None] | None = None,
) -> ExperimentResults:
    """Run (or resume) the experiment in ``path`` and return its results.

    Args:
        path: the experiment file (TOML).
        workers: worker processes; default all cores, 1 runs in this process.
        scheduler: a Dask scheduler address (or a ``distributed.Client``); overrides ``workers``.
        fresh: discard earlier results in the output folder instead of resuming.
        out: the output folder; default ``results/<experiment name>``.
        progress: show a progress bar (done/total, rate, ETA) on stderr.
        report: write figures and ``report.html`` as well as the CSV tables.
        on_chunk: called with each chunk once its parts are on disk (progress displays, tests).

    The output folder is locked for the whole run: a second run on it is refused
    (:class:`InputError`) while this one lives. A folder that will not take a file (a full
    disk, a file-size limit) raises :class:`WriteFailed` naming it; what was written is kept.
    """
    experiment = load_experiment(path)
    if experiment.spec.sensitivity:
        from ..exploration.runner import run_analysis

        out = out if out is not None else default_directory(experiment.name)
        return run_analysis(experiment, workers, scheduler, fresh=fresh, out=out,
                            progress=progress, report=report)  # fmt: skip
    # every input is validated before anything is written (the scenarios are parsed from the very
    # bytes whose hashes the manifest records, so what is hashed is what is run)
    design = build_design(experiment)
    scenarios = design.scenarios()
    works = [CellWork(cell, s) for cell, s in zip(design.cells, scenarios, strict=True)]
    executor = make_executor(workers, scheduler)
    store = ResultStore(out if out is not None else default_directory(experiment.name))
    with writing_results(store.root), FolderLock(store.root).acquire("run"):
        store.prepare(design, fresh=fresh, executor=executor.name, scenarios=scenarios)
        done = store.done_chunks()
        todo = [c for c in design.chunks() if c.key not in done]
        already = design.total_runs - sum(c.size for c in todo)
        try:
            with progress_bar(progress, design.total_runs, already, experiment.name) as bar:
                for chunk, parts in executor.run_cells(works, todo):
                    store.write_chunk(chunk, parts)
                    bar.update(chunk.size)
                    if on_chunk is not None:
                        on_chunk(chunk)
        except BaseException:
            store.interrupted()
            raise
        store.finish()
        summary = summarize(store)
        write_tables(summary, store.root)
        if report:
            from .report import write_report

            write_report(store, summary)
    return ExperimentResults(store.root, summary)
