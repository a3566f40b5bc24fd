"""How the parties stand on a matter, as the records keep it.

An :class:`Evaluation` is every party's surplus from adopting a matter at some terms and what it
is made of; the parties compute it (``agents/valuation.py``), the board votes on it and the event
log keeps it for the reasons. A :class:`Compromise` is the terms that do best by the least content
voter and how well they do, as the chair's exact search finds them (``board/acceptable.py``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Evaluation(NamedTuple):
    """Each party's surplus from adopting a matter at some terms, and what it is made of.

    ``y`` is the stacked linear part (see ``agents.valuation.linear_parts``); its pieces are read as views. A tuple
    of arrays and numbers holds no reference the garbage collector must follow, so the thousands
    kept by the event logs of a batch of runs drop out of its scans.
    """

    s: np.ndarray
    own: np.ndarray
    sys: float
    pos: np.ndarray | None
    y: np.ndarray
    tolerance: np.ndarray
    yes: int  # the parties whose surplus is positive (who would vote yes), as a mask

    @property
    def F(self) -> np.ndarray:
        """Expected financial effect on each party, £m a year."""
        return self.y[: len(self.s)]

    @property
    def G(self) -> np.ndarray:
        """How far each party's downside case falls past its tolerance (negative: within it)."""
        n = len(self.s)
        return self.y[n : 2 * n]

    @property
    def down(self) -> np.ndarray:
        """Each party's downside case, ``F - sd``."""
        return -(self.G + self.tolerance)


class Compromise(NamedTuple):
    """The terms that do best by the least content voter, and how well they do."""

    x: np.ndarray
    value: float  # min over the voters of (surplus - need) at x; acceptable terms exist if > 0
    worst: int  # the voter at that minimum (-1: the system's surplus; acceptable.LIMIT: 000 §3.3 c)

    @property
    def exists(self) -> bool:
        return self.value > 0
