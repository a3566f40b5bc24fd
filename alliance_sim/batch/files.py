"""Every file a run writes goes through here: written whole or not at all.

Data goes to a temporary file in the same folder, which is then renamed over the target
(``os.replace``, atomic on POSIX and Windows): a reader, a resumed run or a rebuilt report sees
the old file or the new one, never a half-written one, whatever stops the writer.
"""

from __future__ import annotations

import os
from pathlib import Path

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
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write(path, text.encode("utf-8"))
