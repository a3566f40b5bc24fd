"""The progress bar of a long run (done/total runs, rate, ETA on stderr), or none."""

from __future__ import annotations

import sys
from contextlib import nullcontext


class _NoBar:
    def update(self, n: int) -> None:
        pass


def progress_bar(progress: bool, total: int, initial: int, desc: str):
    """A context manager giving an object with ``update(runs)``: tqdm's bar, or a silent one."""
    if not progress:
        return nullcontext(_NoBar())
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="run", desc=desc, file=sys.stderr,
                dynamic_ncols=True, smoothing=0.1)  # fmt: skip
