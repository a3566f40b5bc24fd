"""The payment regime: an agreed capitated budget changes what later shifts of activity cost the
providers paid by activity (001 §30, 43a).

Under payment by results an acute trust loses income with every admission a shift of activity
avoids, and the ambulance trust with every conveyance (001 §22, 34). 001 §30: the alliance is to
"develop and implement new payment mechanisms using outcomes based capitated contracts", so that
"rather than pay by results for each treatment completed, providers start to be paid for outcomes
such as ... reducing hospital admissions"; 001 §43a makes the capitated payment mechanism a
transition activity. Once the board agrees it (a ``payment_model`` matter with the term
``risk_share``, the share of demand risk the providers carry under the budget), fewer admissions
no longer lose them that income: of each later shift's loss of activity income, the share
``stream.economics.capitation_relief * risk_share`` is removed (default relief 1.0, range 0-1;
the agreed risk share is the capitation matter's own term, 0.7 as proposed).

Assumption: the commissioners, who keep paying the budget, forgo the same amount of their tariff
saving (spread by their budgets), so a shift's value to the system as a whole is unchanged:
capitation changes who gains from a shift, not how much is gained. The uncertainty of each moved
effect stays in proportion to it (``economics.uncertainty``).

The shifts are generated up front, so the regime is applied when the capitation is agreed, to
every shift not yet decided (a few dozen, once a run): their effects are rewritten from the values
they were generated with and their linear parts recompiled (``agents.valuation.compile_linear``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.valuation import compile_linear

from ..board.prohibited import money_limit
from ..config import MatterKind
from .stream import CAPITATION_TERM, SHIFT_NAMES, stream_builder

if TYPE_CHECKING:
    from agents.valuation import PartyArrays

    from ..config import Scenario
    from ..records.matters import Matter


class PaymentRegime:
    """How the alliance pays its health providers: by activity until a capitation is agreed."""

    def __init__(
        self, scenario: Scenario, index: dict[str, int], arrays: PartyArrays, matters: list[Matter]
    ) -> None:
        b = stream_builder(scenario, index)
        self.paid = b.activity_paid  # the parties whose activity income a shift cuts
        commissioners = b.share["commissioner"]
        self.payer = commissioners if commissioners is not None else np.zeros(b.n)
        self.relief = b.economics.capitation_relief
        self.uncertainty = b.economics.uncertainty
        self.arrays = arrays
        self.matters = matters  # the board's business (it appends what is raised during the run)
        #: the share of a shift's lost activity income that capitation removes (0: none yet)
        self.relieved = 0.0
        self._generated: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # idx -> original A, B

    def decided(self, matter: Matter, day: int) -> None:
        """A payment-model matter was decided: if it is an agreed capitation, re-price the shifts
        still undecided (001 §30, 43a)."""
        if matter.outcome != "agreed" or CAPITATION_TERM not in matter.term_names:
            return
        if not self.paid.any() or self.relief <= 0:
            return
        risk_share = float(matter.x[matter.term_names.index(CAPITATION_TERM)])
        self.relieved = min(1.0, self.relief * risk_share)
        shifts = [m for m in self.matters if m.kind is MatterKind.SERVICE_CHANGE and m.is_open
                  and m.term_names[:1] == SHIFT_NAMES[:1]]  # fmt: skip
        for m in shifts:
            A0, B0 = self._generated.setdefault(m.idx, (m.A, m.B))
            m.A, m.B = self.reprice(A0, B0)
            if m.limit is not None:  # the commissioners' saving changed (000 §3.3 c)
                m.limit = money_limit(m, list(m.limit.who))
            m.linear = None
            m.fresh_ev = None
            m.stale = False  # the valuations changed: the board votes afresh
        compile_linear(shifts, self.arrays)

    def reprice(self, A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A shift's effects as generated (parties x terms; term 0 the share of activity shifted)
        under the regime: the activity-paid parties' losses cut by ``relieved``, the commissioners'
        saving cut by as much; each effect's uncertainty in proportion to it."""
        share = A[:, 0]
        moved = -self.relieved * np.where(self.paid, np.minimum(share, 0.0), 0.0)  # >= 0
        new = share + moved - moved.sum() * self.payer
        ratio = np.divide(np.abs(new), np.abs(share), out=np.full(len(new), np.nan),
                          where=share != 0)  # fmt: skip
        A, B = A.copy(), B.copy()
        A[:, 0] = new
        B[:, 0] = np.where(np.isnan(ratio), self.uncertainty * np.abs(new), B[:, 0] * ratio)
        return A, B
