"""``alliance-sim workshop [SCENARIO]``: start the workshop app in the browser, locally.

Checks the scenario, prints the address to open, then becomes ``solara run
alliance_sim.workshop.app`` (the scenario and seed passed in the environment) and serves until
interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

from ..errors import InputError
from ..scenario import builtin_names

APP_MODULE = "alliance_sim.workshop.app"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "workshop",
        help="start the workshop app (set up, step and role-play an alliance in the browser)",
    )
    p.add_argument(
        "scenario",
        nargs="?",
        default="mid-notts",
        help="built-in scenario to open with (default mid-notts; see `alliance-sim scenarios`)",
    )
    p.add_argument("--port", type=int, default=8765, help="port to serve on (default 8765)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for a room)",
    )
    p.add_argument("--seed", type=int, default=1, help="seed the app starts with (default 1)")
    p.set_defaults(func=run_workshop)


def workshop_command(port: int, host: str) -> list[str]:
    """The server command line (``solara run`` in this interpreter)."""
    return [
        sys.executable,
        # Solara warns that plain-http localhost cookies fall back to samesite=lax: expected here.
        "-W",
        "ignore:Cookies with samesite",
        "-m",
        "solara",
        "run",
        APP_MODULE,
        "--port",
        str(port),
        "--host",
        host,
        "--no-open",
        "--no-check-version",
        "--log-level",
        "warning",
    ]


def workshop_env(scenario: str, seed: int) -> dict[str, str]:
    env = dict(os.environ)
    env["ALLIANCE_SIM_WORKSHOP_SCENARIO"] = scenario
    env["ALLIANCE_SIM_WORKSHOP_SEED"] = str(seed)
    # Keep the front end served from the installed assets (offline machines), and stay quiet.
    env.setdefault("SOLARA_ASSETS_PROXY", "True")
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    return env


def run_workshop(args: argparse.Namespace) -> int:
    if args.scenario not in builtin_names():
        raise InputError(
            f"workshop: '{args.scenario}' is not a built-in scenario; the workshop opens one of "
            f"{builtin_names()} (its set-up panel then changes the design)."
        )
    if not 0 < args.port < 65536:
        raise InputError(f"--port {args.port}: give a port between 1 and 65535.")
    if importlib.util.find_spec("solara") is None:
        raise InputError(
            "workshop: the app needs the optional workshop dependencies; install them with "
            "`pip install -e '.[workshop]'` (or `make test`, which installs everything)."
        )
    shown = "localhost" if args.host in ("127.0.0.1", "localhost") else args.host
    print(
        f"alliance-sim workshop: {args.scenario}, seed {args.seed}\n"
        f"Open http://{shown}:{args.port}/ in a browser (Ctrl-C here stops it).",
        flush=True,
    )
    sys.stdout.flush()
    # Become the server (exec, not a child process), so that stopping this command, by Ctrl-C or
    # by a signal from a test or a supervisor, stops the server too and leaves nothing behind.
    os.execve(
        sys.executable,
        workshop_command(args.port, args.host),
        workshop_env(args.scenario, args.seed),
    )
    return 0  # not reached
