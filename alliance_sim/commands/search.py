"""``alliance-sim search FILE``: search alliance designs for the best trade-offs (issue 14)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..board.rules import rules_help
from .experiment import add_run_options


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "search",
        help="search alliance designs (levers in [search]) for the best trade-offs; "
        "recommend designs with paired intervals",
        description="Explore the design levers of an experiment file's [search] table with a "
        "multi-objective search (optuna), re-evaluate the Pareto front on fresh replications and "
        "recommend designs against the current one; running it again continues the study. A lever "
        f"may be the decision rule, {rules_help()}.",
    )
    p.add_argument(
        "file", type=Path, help="search file (TOML), e.g. experiments/design_mid_notts.toml"
    )
    add_run_options(p, fresh="discard an earlier study in the output folder")
    p.set_defaults(func=search_command)


def search_command(args: argparse.Namespace) -> int:
    import sys

    from ..search.runner import run_search

    try:
        results = run_search(
            args.file,
            workers=args.workers,
            scheduler=args.scheduler,
            fresh=args.fresh,
            out=args.out,
            progress=not args.no_progress,
        )
    except KeyboardInterrupt:
        print(
            "alliance-sim: interrupted; every design already evaluated is kept. Run the same "
            "command again to continue the search.",
            file=sys.stderr,
        )
        return 130
    print()
    print(results.text())
    print()
    print(f"Results: {results.directory}/ (candidates.csv, front.csv, recommendations.csv)")
    print(f"Report:  {results.report_path}")
    return 0
