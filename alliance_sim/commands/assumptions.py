"""``alliance-sim assumptions SCENARIO``: every assumed number of a scenario and its range."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "assumptions",
        help="list a scenario's assumptions: default, plausible range, and why",
        description="Every field the scenario file marks `assumption:` (and the config defaults "
        "that are assumed), with the range sensitivity analysis samples it over.",
    )
    p.add_argument("scenario", help="built-in scenario name or TOML file")
    p.add_argument(
        "--families", action="store_true", help="one line per family (Morris group) instead"
    )
    p.set_defaults(func=assumptions_command)


def assumptions_command(args: argparse.Namespace) -> int:
    from ..config.assumptions import build_registry, format_table

    registry = build_registry(args.scenario)
    if not args.families:
        print(format_table(registry))
        return 0
    for family, members in registry.families().items():
        print(f"{family:45s} {len(members):3d} field(s)  {members[0].why_range}")
    return 0
