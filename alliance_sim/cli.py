"""The ``alliance-sim`` command: list scenarios, simulate one alliance, run experiments.

Each subcommand lives in its own module exposing ``register(subparsers)``. Exit codes: 0 done;
2 bad input (a scenario, experiment file, option, or a results folder in use or made from other
inputs); 3 a run that could not finish (a worker that keeps crashing on one chunk, or a results
folder that will not take a file: a full disk, a file-size limit; what was written is kept); 130
interrupted; 141 the reader of the output went away (``| head``: what was asked for is done, the
rest of the text is dropped quietly). Errors are one paragraph on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .errors import InputError, RunFailed

#: Modules that add a subcommand. Each has ``register(subparsers)`` and sets ``func`` on its parser.
COMMAND_MODULES = (
    "alliance_sim.commands.scenario",
    "alliance_sim.commands.simulate",
    "alliance_sim.commands.experiment",
    "alliance_sim.commands.search",
    "alliance_sim.commands.workshop",
    "alliance_sim.commands.assumptions",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alliance-sim",
        description="Simulate health and social care alliance boards and compare their designs.",
        epilog="Exit codes: 0 done, 2 bad input or results folder in use, 3 run could not finish "
        "(a worker kept crashing, or a full disk or file-size limit; results so far kept), "
        "130 interrupted, 141 output pipe closed (e.g. `| head`).",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"alliance-sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def paragraph(exc: BaseException) -> str:
    """The message on one line: a message quoting a user's text must not break the paragraph."""
    return " ".join(str(exc).split())


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # inside the try: a reader that went away is noticed here, not at exit
        return code
    except InputError as exc:
        print(f"alliance-sim: {paragraph(exc)}", file=sys.stderr)
        return 2
    except RunFailed as exc:
        print(f"alliance-sim: {paragraph(exc)}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("alliance-sim: interrupted; whatever was already written is kept.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _reader_gone()


#: Exit status of a command whose output pipe closed (128 + SIGPIPE), as other command-line tools.
PIPE_CLOSED = 141


def _reader_gone() -> int:
    """The reader (``| head``) stopped reading: drop the rest of the output without a traceback.
    Python would otherwise complain again when it flushes stdout at exit, so stdout is pointed at
    the null device first."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return PIPE_CLOSED


if __name__ == "__main__":
    sys.exit(main())
