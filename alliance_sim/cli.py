"""The ``alliance-sim`` command: list scenarios, simulate one alliance, run experiments.

Each subcommand lives in its own module exposing ``register(subparsers)``; bad input is reported as
one paragraph on stderr with exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .errors import InputError

#: Modules that add a subcommand. Each has ``register(subparsers)`` and sets ``func`` on its parser.
COMMAND_MODULES = (
    "alliance_sim.commands.simulate",
    "alliance_sim.commands.experiment",
    "alliance_sim.commands.search",
    "alliance_sim.commands.workshop",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alliance-sim",
        description="Simulate health and social care alliance boards and compare their designs.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"alliance-sim: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("alliance-sim: interrupted; whatever was already written is kept.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
