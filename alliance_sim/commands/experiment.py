"""``alliance-sim run FILE`` and ``alliance-sim report RESULTS_DIR``: policy experiments."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..board.rules import rules_help


def add_run_options(p: argparse.ArgumentParser, fresh: str) -> None:
    """Where and how a long run goes: workers, Dask, a fresh start, the folder, the progress bar
    (shared by ``run`` and ``search``)."""
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes (default: all cores; 1 runs in this process)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask distributed cluster, e.g. tcp://10.0.0.5:8786",
    )
    p.add_argument("--fresh", action="store_true", help=fresh)
    p.add_argument(
        "--out", type=Path, metavar="DIR", help="output folder (default: results/<experiment name>)"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="run a policy experiment (designs x replications) and write results and a report",
        description="Run every design of an experiment file over its replications, in parallel, "
        "streaming results to results/<name>/; running it again resumes an interrupted run. "
        f"A factor may set the decision rule, {rules_help()}; the report labels the designs "
        "that use a counterfactual rule.",
    )
    p.add_argument(
        "file", type=Path, help="experiment file (TOML), e.g. experiments/full_vs_associate.toml"
    )
    add_run_options(p, fresh="discard earlier results in the output folder instead of resuming")
    p.set_defaults(func=run_command)

    p = sub.add_parser(
        "report",
        help="rebuild summary tables, figures and report.html from an experiment's results",
    )
    p.add_argument("results", type=Path, help="results folder, e.g. results/full_vs_associate")
    p.add_argument(
        "--xlsx",
        action="store_true",
        help="also write summary.xlsx: the answer and every summary table as one Excel workbook",
    )
    p.set_defaults(func=report_command)


def run_command(args: argparse.Namespace) -> int:
    import sys

    from ..batch.spec import load_experiment
    from ..errors import InputError
    from ..experiment.runner import run_experiment
    from .scenario import warn

    experiment = load_experiment(args.file)
    refs = experiment.spec.experiment.scenario
    for ref in [refs] if isinstance(refs, str) else refs:
        try:
            warn(experiment.scenario_ref(ref))
        except InputError:
            pass  # the run names the experiment file's field that cannot be loaded
    try:
        results = run_experiment(
            args.file,
            workers=args.workers,
            scheduler=args.scheduler,
            fresh=args.fresh,
            out=args.out,
            progress=not args.no_progress,
        )
    except KeyboardInterrupt:
        print(
            "alliance-sim: interrupted; the runs already written are kept. Run the same command "
            "again to resume where it stopped.",
            file=sys.stderr,
        )
        return 130
    print()
    if not hasattr(results, "stages"):
        from ..experiment.answer import answer_for, wrapped

        print(wrapped(answer_for(results.store, results.summary)))
        print()
    print(results.summary.text())
    print()
    outputs = (
        "per stage: sensitivity.csv, robustness.csv, outcomes.parquet, runs/; discovery.csv"
        if hasattr(results, "stages")
        else "summary.csv, differences.csv, Parquet tables"
    )
    print(f"Results: {results.directory}/ ({outputs})")
    print(f"Report:  {results.report_path}")
    return 0


def report_command(args: argparse.Namespace) -> int:
    from ..batch.files import writing_results
    from ..batch.lock import FolderLock
    from ..batch.store import ResultStore
    from ..errors import InputError
    from ..experiment.report import write_report
    from ..experiment.summary import summarize, write_tables

    stages = sorted(p.parent.name for p in Path(args.results).glob("*/manifest.json"))
    if stages and not (Path(args.results) / "manifest.json").is_file():
        raise InputError(
            f"{args.results}: these are the results of a sensitivity analysis (stages "
            f"{', '.join(stages)}); run its experiment file again with `alliance-sim run`: it "
            "resumes without running anything and rewrites the indices and report.html."
        )
    store = ResultStore.existing(args.results)
    with writing_results(store.root), FolderLock(store.root).acquire("report"):
        summary = summarize(store)
        write_tables(summary, store.root)
        path = write_report(store, summary)
    from ..experiment.answer import answer_for, wrapped

    print(wrapped(answer_for(store, summary)))
    print()
    print(summary.text())
    print()
    print(f"Report: {path}")
    if args.xlsx:
        from ..experiment.workbook import write_workbook

        print(f"Workbook: {write_workbook(store, summary)}")
    return 0
