"""Every file a run writes goes through here: written whole or not at all, and a folder that will
not take a file is reported, not traced.

Data goes to a temporary file in the same folder, which is then renamed over the target
(``os.replace``, atomic on POSIX and Windows): a reader, a resumed run or a rebuilt report sees
the old file or the new one, never a half-written one, whatever stops the writer.

A full disk, a file-size limit (``ulimit -f``), a read-only folder or a disk error reach the user
as one paragraph naming the results folder and what to free (:func:`writing_results`), whether
the file was ours or the design search's SQLite study; because every file is written whole, the
same command resumes once there is room.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import WriteFailed

#: Temporary files are hidden and carry the writer's pid: ``.<name>.tmp-<pid>``.
TEMP_GLOB = "**/.*.tmp-*"


def _fill(fh, data: bytes) -> None:
    fh.write(data)


def temporary_path(path: Path) -> Path:
    """Where ``path`` is written before it is renamed into place (hidden; this process's pid)."""
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def atomic_write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never a part."""
    path = Path(path)
    tmp = temporary_path(path)
    try:
        with open(tmp, "wb") as fh:
            _fill(fh, data)
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # a failed write names no file by itself
        raise
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write(path, text.encode("utf-8"))


# ---------------------------------------------------------------- a folder that will not take a file

_NO_SPACE, _TOO_LARGE, _NOT_WRITABLE, _DISK_ERROR = "space", "size", "writable", "disk"
_ERRNO = {
    errno.ENOSPC: _NO_SPACE,
    errno.EDQUOT: _NO_SPACE,
    errno.EFBIG: _TOO_LARGE,
    errno.EROFS: _NOT_WRITABLE,
    errno.EACCES: _NOT_WRITABLE,
    errno.EPERM: _NOT_WRITABLE,
    errno.EIO: _DISK_ERROR,
}
# SQLite's primary result codes (the low byte of the extended code)
_SQLITE = {
    sqlite3.SQLITE_FULL: _NO_SPACE,
    sqlite3.SQLITE_READONLY: _NOT_WRITABLE,
    sqlite3.SQLITE_CANTOPEN: _NOT_WRITABLE,
    sqlite3.SQLITE_IOERR: _DISK_ERROR,
}


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    """``exc`` and what caused it: SQLAlchemy and optuna wrap SQLite's error in their own."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        context = None if exc.__suppress_context__ else exc.__context__
        exc = exc.__cause__ or getattr(exc, "orig", None) or context


def write_failure(exc: BaseException) -> tuple[str, str] | None:
    """``(kind, what the system said)`` if ``exc`` is a file or database the disk refused."""
    for link in _chain(exc):
        if isinstance(link, OSError) and link.errno in _ERRNO:
            said = link.strerror or str(link)
            return _ERRNO[link.errno], f"{said}: {link.filename}" if link.filename else said
        code = getattr(link, "sqlite_errorcode", None)
        if isinstance(link, sqlite3.Error) and code is not None and code & 0xFF in _SQLITE:
            return _SQLITE[code & 0xFF], f"SQLite: {link}"
    return None


def _size_limit() -> int | None:
    """The largest file this process may write (``ulimit -f``), if there is a limit."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else soft


def _size(n: float) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,.0f} bytes"


def write_failure_message(root: Path, kind: str, said: str) -> str:
    """One paragraph: which folder, what the system said, what to free, and that it resumes."""
    limit = _size_limit()
    try:
        free = f"; the disk holding it has {_size(shutil.disk_usage(root).free)} free"
    except OSError:
        free = ""
    if kind == _NOT_WRITABLE:
        what = f"cannot be written ({said})"
        fix = f"make {root} writable, or give another folder with --out"
    elif kind == _TOO_LARGE or (limit is not None and kind != _NO_SPACE):
        what = f"would not take a file ({said})"
        cap = f" of {_size(limit)}" if limit is not None else ""
        fix = f"raise the limit on file size{cap} (`ulimit -f unlimited`)"
    elif kind == _NO_SPACE:
        what = f"is on a full disk ({said}{free})"
        fix = f"free space on the disk holding {root} (or your quota there)"
    else:
        what = f"would not take a file ({said}{free})"
        fix = f"free space on the disk holding {root} and check that disk"
    return (
        f"{root}: the results folder {what}. Every file already written is whole and kept; "
        f"{fix}, then run the same command again to continue where it stopped."
    )


@contextmanager
def writing_results(root: Path) -> Iterator[None]:
    """Report a folder that will not take a file as :class:`WriteFailed` naming ``root``."""
    try:
        yield
    except Exception as exc:
        failure = write_failure(exc)
        if failure is None:
            raise
        raise WriteFailed(write_failure_message(Path(root), *failure)) from exc
