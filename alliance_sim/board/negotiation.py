"""Amending a blocked matter: moving its terms toward the concerns of those who block it.

"No member will be forced to do something that they are not in agreement with"; the board's job
is "to find a solution to the area of concern" (001 §41, 47). The chair's amendment is one step of
the method of averaged subgradient projections for convex feasibility (Aharoni, Berman & Censor's
(delta, eta)-algorithm): for each member whose surplus is below a small margin, find the nearest
terms, on the face of the terms' ranges where the current terms sit, at which its linearised surplus
reaches the margin, and move to the average of those points, clipped to each term's range.
Because every surplus is concave in the terms (``agents/valuation.py``), the
set of terms that every voting member prefers to the status quo is convex; when it has an interior
the steps approach it, each concession a share of what is asked set by trust. Near the edge of that
set the steps shrink; when they no longer move the terms by ``board.smallest_amendment`` the chair
looks for terms every member prefers exactly (``acceptable.py``) and proposes them, or, when there
are none, the matter is stalemated and the reason says so as a fact. Concessions are therefore
both "toward the blockers' concerns" (their gradients) and correct (acceptable terms are never
missed for want of a search).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.valuation import gradients, system_gradient

if TYPE_CHECKING:
    from agents.valuation import PartyArrays

    from ..records.evaluation import Evaluation
    from ..records.matters import Matter

#: Surplus (in £m-equivalent per £m of magnitude, plus a floor) the chair aims for, so that the
#: amended terms sit strictly inside every member's acceptable set rather than on its edge.
MARGIN_SHARE = 1e-3


def margin(matter: Matter) -> float:
    return MARGIN_SHARE * (1.0 + matter.magnitude)


def amend(
    matter: Matter,
    x: np.ndarray,
    rows: list[int],
    parties: PartyArrays,
    bfs: np.ndarray,
    ev: Evaluation,
    step: float,
    system: bool,
    deficit: list[float],
    smallest: float = 0.0,
) -> np.ndarray | None:
    """Amended terms ``x`` addressing the concerns of the parties in ``rows`` (or the system's).

    ``deficit`` is how far each one's surplus falls short of what it needs. Returns None when no
    term can move (nothing is negotiable, or every concern points outside the terms' ranges), or
    when no term would move by ``smallest`` of its range or more (no new proposal, only a rounding
    of the old): the matter then cannot be amended. In plain floats: a concern or two over a term
    or two.
    """
    if not matter.k:
        return None
    terms = x
    x = terms.tolist()
    lo, hi = matter.lo.tolist(), matter.hi.tolist()
    if system:
        grads = [system_gradient(matter, parties)]
    else:
        grads = gradients(matter, terms, rows, parties, bfs, ev)
    total = [0.0] * len(x)
    useful = 0
    for g, need in zip(grads, deficit, strict=True):
        # A term already at the end of its range cannot move further that way: project each
        # concern onto the face of the ranges it sits on, or the clipped step keeps only a sliver.
        g = [0.0 if (v <= a and d < 0) or (v >= b and d > 0) else d
             for d, v, a, b in zip(g, x, lo, hi, strict=True)]  # fmt: skip
        norm = sum(d * d for d in g)
        if norm > 1e-18 and need > 0:
            scale = need / norm
            total = [t + scale * d for t, d in zip(total, g, strict=True)]
            useful += 1
    if not useful:
        return None
    new = [
        min(max(v + step * (t / useful), a), b) for v, t, a, b in zip(x, total, lo, hi, strict=True)
    ]
    moved = max(abs(u - v) / max(b - a, 1e-12) for u, v, a, b in zip(new, x, lo, hi, strict=True))
    if moved <= max(smallest, 1e-12):
        return None
    return np.array(new)
