"""One run at a time in a results folder: an OS lock on ``<folder>/.lock``.

Two runs writing one folder would mix their parts and print each other's numbers, so the second is
refused at once, told which process holds the folder. The lock is a POSIX record lock
(``fcntl.lockf``): the kernel drops it when the holding process ends however it ends, so a
killed run never leaves a stale lock, and (unlike ``flock``) it is not inherited by forked worker
processes, so it ends with the run itself. The pid and command written into the file only serve
the message. Platforms without ``fcntl`` run unlocked.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
from pathlib import Path

from ..errors import InputError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

LOCK = ".lock"

# POSIX locks belong to the process, so a second lock from this same process would succeed:
# folders locked here are remembered, to refuse a second run from this process as well.
_HELD: set[str] = set()
_HELD_GUARD = threading.Lock()


class FolderLock:
    """Held from :meth:`acquire` until :meth:`release` (or the process's end)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.path = self.root / LOCK
        self._fd: int | None = None
        self._key = ""

    def acquire(self, doing: str = "run") -> FolderLock:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{self.root}: cannot create the results folder ({exc}).") from None
        key = os.path.realpath(self.path)
        with _HELD_GUARD:
            # checked before opening: closing any descriptor of the file would drop our own lock
            if key in _HELD:
                raise self._busy(f"this process ({os.getpid()})")
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise InputError(f"{self.path}: cannot open the lock file ({exc}).") from None
            if fcntl is not None:
                try:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    holder = _read_holder(fd)
                    os.close(fd)
                    raise self._busy(holder) from None
            _HELD.add(key)
        self._fd, self._key = fd, key
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        command = " ".join(sys.argv) or sys.executable
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n{stamp}\n{doing}: {command}\n".encode(), 0)
        return self

    def _busy(self, holder: str) -> InputError:
        return InputError(
            f"{self.root}: another alliance-sim run is writing these results: {holder} holds "
            f"{self.path}; wait for it to finish (or stop it), or give another folder with --out."
        )

    def release(self) -> None:
        if self._fd is None:
            return
        with _HELD_GUARD:
            _HELD.discard(self._key)
            os.close(self._fd)  # closing drops the lock
        self._fd = None

    def __enter__(self) -> FolderLock:
        return self if self._fd is not None else self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _read_holder(fd: int) -> str:
    """``process 1234 (since …, running …)`` from the lock file, or what can be said without it."""
    try:
        lines = os.pread(fd, 4096, 0).decode("utf-8", "replace").splitlines()
    except OSError:
        lines = []
    if not lines or not lines[0].strip().isdigit():
        return "another process (its pid is not yet written)"
    pid = lines[0].strip()
    since = f"since {lines[1]}" if len(lines) > 1 else ""
    doing = f"running {lines[2][:120]}" if len(lines) > 2 else ""
    detail = ", ".join(p for p in (since, doing) if p)
    return f"process {pid}" + (f" ({detail})" if detail else "")
