"""Prohibited Matters: what the board may not decide, whatever the vote (000 §3.3; 002 §3.4).

A scenario names the grounds its agreement has in ``board.prohibited_grounds``:

- ``breach``: the decision would make a member breach legislation, a regulatory requirement,
  Department of Health policy or its own constitution, or a provider its licence (000 §3.3 a-b;
  002 §3.4). That is a fact of the proposal, known when it is made (the generated stream marks a
  share ``economics.prohibited_share`` of shifts and contract variations so, an assumption): the
  board finds it void when it is tabled, and no representative refers it to a home body first.
- ``commissioner_money``: the decision would "require the Commissioner Participants to invest
  further monies in respect of the Services, or under the Services Contracts or under this
  Agreement" (000 §3.3 c). That depends on the terms: the commissioners' expected direct financial
  effect at the terms decided must not be negative. It applies to business about the services and
  their contracts (shifts, contract variations, payment models), not to governance (admission,
  extension, reconfiguration, termination), nor to the transition activities (001 §43), which the
  agreement itself commits the participants to. A matter whose only permitted terms are the status quo
  (a contract variation the commissioners pay for) is void when tabled; otherwise the board keeps
  within the limit ("We shall not decide to do ... anything which would ..."): amendments are moved
  back inside it and the chair's terms respect it (``acceptable.py``), and an agreement past it,
  should one happen, is void.

The 003 template and 004 have no Prohibited Matters clause, so their alliances name no ground.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from ..config import MatterKind
from ..records.matters import TOLERANCE, Limit
from ..registry import PROHIBITED_GROUNDS

if TYPE_CHECKING:
    from ..records.matters import Matter

#: The kinds of business ground (c) is about: the Services and the Services Contracts (000 §3.3 c).
SERVICE_KINDS = frozenset(
    {MatterKind.SERVICE_CHANGE, MatterKind.VARIATION, MatterKind.PAYMENT_MODEL}
)
#: numpy adds fewer than this many numbers one after another, more of them pairwise
_SEQUENTIAL = 8


class Ground(NamedTuple):
    """One ground on which a decision is prohibited, as the reasons print it; the clause it
    cites is the alliance's own, from the scenario's ``[clauses]`` under the ground's name."""

    name: str
    text: str  # completes "it would ..."


BREACH = PROHIBITED_GROUNDS.register("breach")(
    Ground("breach", "make a member breach the law, a regulatory requirement or its licence")
)
COMMISSIONER_MONEY = PROHIBITED_GROUNDS.register("commissioner_money")(
    Ground(
        "commissioner_money", "require the commissioners to invest further monies in the services"
    )
)


def money_limit(matter: Matter, commissioners: list[int]) -> Limit | None:
    """The ground (c) limit on ``matter``'s terms, or None where it does not apply."""
    if matter.kind not in SERVICE_KINDS or matter.transition or not commissioners:
        return None
    if len(commissioners) >= _SEQUENTIAL:
        slope, base = matter.A[commissioners].sum(axis=0), float(matter.F0[commissioners].sum())
    else:
        # Row by row from zero, as numpy sums this few: the same numbers for a fraction of the
        # calls on the hot path (every matter is checked when it is proposed).
        A, F0 = matter.A, matter.F0.tolist()
        slope, base = np.zeros(matter.k), 0.0
        for c in commissioners:
            slope += A[c]
            base += F0[c]
    return Limit(slope, base, tuple(commissioners))


def only_status_quo(limit: Limit, matter: Matter) -> bool:
    """True when no terms other than the status quo keep within the limit: every change the
    matter could make would need further commissioner money."""
    slope = limit.slope.tolist()  # a term or two: plain floats (numpy's per-call cost dominates)
    if not matter.k or not any(slope):
        return limit.base < -TOLERANCE
    best = 0.0
    for a, lo, hi in zip(slope, matter.lo.tolist(), matter.hi.tolist(), strict=True):
        best += max(a * lo, a * hi)
    return limit.base + best <= TOLERANCE


def within(limit: Limit, matter: Matter, x: np.ndarray) -> np.ndarray:
    """``x`` moved back inside the limit if it is past it: along the limit's slope (the nearest
    such terms), on the face of the terms' ranges it reaches; ``x`` itself if it holds already,
    and the nearest it can get if no terms within the ranges keep within it."""
    lo, hi = matter.lo, matter.hi
    for _ in range(matter.k):
        short = -limit.at(x)
        if short <= TOLERANCE:
            break
        g = np.where(((x <= lo) & (limit.slope < 0)) | ((x >= hi) & (limit.slope > 0)), 0.0,
                     limit.slope)  # fmt: skip
        norm = float(g @ g)
        if norm <= 0:
            break
        # A hair past the boundary, so that rounding never leaves the terms just outside it.
        x = np.clip(x + (short + TOLERANCE) / norm * g, lo, hi)
    return x
