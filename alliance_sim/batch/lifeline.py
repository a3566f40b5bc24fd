"""Worker processes end with the process that started them: no orphans after a killed run.

A killed main process would otherwise leave its pool workers (and, through their inherited pipe,
multiprocessing's resource tracker) running under init, each holding its memory. Each worker asks
Linux to send it SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``), and a watchdog thread
checks the parent once a second as well, for platforms without ``prctl``.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 1.0


def die_with_parent(parent: int) -> None:
    """Make this process end when process ``parent`` (the one that started it) ends."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass
    if os.getppid() != parent:  # the parent died before the request above took effect
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="lifeline").start()


def _watch(parent: int) -> None:
    stop = threading.Event()
    while not stop.wait(WATCH_SECONDS):
        if os.getppid() != parent:
            os._exit(1)
