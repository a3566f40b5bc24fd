"""``alliance-sim workshop [SCENARIO]``: start the workshop app in the browser, locally.

Checks the scenario, prints the address to open, then becomes ``solara run
alliance_sim.workshop.pages.app`` (the scenario and seed passed in the environment) and serves until
interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import socket
import sys

from ..config.loading import builtin_names
from ..errors import InputError

APP_MODULE = "alliance_sim.workshop.pages.app"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "workshop",
        help="start the workshop app (set up, step and role-play an alliance in the browser)",
    )
    p.add_argument(
        "scenario",
        nargs="?",
        default="mid-notts",
        help="scenario to open with: a built-in name (default mid-notts; see `alliance-sim "
        "scenarios`) or your own scenario file, as every other command takes",
    )
    p.add_argument("--port", type=int, default=8765, help="port to serve on (default 8765)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for a room)",
    )
    p.add_argument("--seed", type=int, default=1, help="seed the app starts with (default 1)")
    p.add_argument(
        "--state",
        default=".workshop-state",
        help="folder where each room is saved as it goes (default .workshop-state)",
    )
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
        # Production mode: no "success.html" check request to solara.dev on first load (finding
        # 11), no auto-reload watching the source.
        "--production",
        "--log-level",
        "warning",
    ]


def room_address(host: str, port: int) -> str:
    """The address the room's phones open: this machine's address on the network for 0.0.0.0."""
    if host in ("127.0.0.1", "localhost"):
        return f"http://localhost:{port}"
    if host == "0.0.0.0":
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.connect(("10.255.255.255", 1))  # no packet is sent: it only picks the interface
                host = s.getsockname()[0]
            except OSError:
                host = socket.gethostname()
    return f"http://{host}:{port}"


def workshop_env(
    scenario: str, seed: int, address: str = "", state: str = ".workshop-state"
) -> dict[str, str]:
    env = dict(os.environ)
    env["ALLIANCE_SIM_WORKSHOP_SCENARIO"] = scenario
    env["ALLIANCE_SIM_WORKSHOP_SEED"] = str(seed)
    env["ALLIANCE_SIM_WORKSHOP_STATE"] = os.path.abspath(state)
    if address:
        env["ALLIANCE_SIM_WORKSHOP_ADDRESS"] = address
    # Keep the front end served from the installed assets (offline machines), and stay quiet.
    env.setdefault("SOLARA_ASSETS_PROXY", "True")
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    # After a restart, Solara re-runs each reconnecting page at its address instead of showing
    # a refresh dialog: every page keeps its room in its address and its browser in a cookie,
    # and the rooms are on disk, so nothing more is needed to come back.
    env.setdefault("SOLARA_STATE_AUTO_REMOUNT", "True")
    return env


def scenario_reference(name_or_path: str) -> str:
    """What the app is told to open: a built-in name as is, a file as its absolute path (the
    server may run from another folder, and rooms saved with it are replayed from it). The
    scenario is checked first, so a bad file is one paragraph and exit 2, not a blank page."""
    from ..config.loading import load_scenario

    load_scenario(name_or_path)
    if name_or_path in builtin_names():
        return name_or_path
    return os.path.abspath(name_or_path)


def run_workshop(args: argparse.Namespace) -> int:
    scenario = scenario_reference(args.scenario)
    if not 0 < args.port < 65536:
        raise InputError(f"--port {args.port}: give a port between 1 and 65535.")
    if importlib.util.find_spec("solara") is None:
        raise InputError(
            "workshop: the app needs the optional workshop dependencies; install them with "
            "`pip install -e '.[workshop]'` (or `make test`, which installs everything)."
        )
    address = room_address(args.host, args.port)
    print(
        f"alliance-sim workshop: {scenario}, seed {args.seed}; rooms saved in {args.state}\n"
        f"Facilitator: open {address}/ in a browser; tables join at {address}/join "
        "(Ctrl-C here stops it).",
        flush=True,
    )
    sys.stdout.flush()
    # Become the server (exec, not a child process), so that stopping this command, by Ctrl-C or
    # by a signal from a test or a supervisor, stops the server too and leaves nothing behind.
    os.execve(
        sys.executable,
        workshop_command(args.port, args.host),
        workshop_env(scenario, args.seed, address, args.state),
    )
    return 0  # not reached
