"""Changes of membership over the term, each taking effect on its own date.

- Admission of a member needs the unanimous agreement of the full members (001 §39; 002 §6.5):
  an agreed admission makes its subject a full member from the day it is agreed.
- If the council's nominated social-care provider is refused full membership, the council may
  leave or become an associate on one month's notice (001 §39): ``council_response_to_refusal``.
- After a material policy change (a funding shock) a member may withdraw on three months' notice
  (001 §42); it does so when its cumulative net position is below ``withdraw_below_tolerances``
  times its risk tolerance. Resignation and removal (002 §6.6-6.7) follow the same path.
Voting rights and risk shares follow membership from the date a change takes effect.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from .config import Membership, MembershipRules
from .events import Ev

if TYPE_CHECKING:
    from .matters import Matter
    from .model import AllianceModel


class MembershipBook:
    def __init__(self, model: AllianceModel, rules: MembershipRules) -> None:
        self.model = model
        self.rules = rules
        self._due: list[tuple[int, int, int, str, str]] = []  # (day, seq, party, new, reason)
        self._seq = 0

    def next_day(self) -> float:
        return self._due[0][0] if self._due else float("inf")

    def schedule(self, notice_day: int, party: int, new: Membership, reason: str, notice: int):
        """Give notice now; the change takes effect ``notice`` days later."""
        effective = notice_day + notice
        heapq.heappush(self._due, (effective, self._seq, party, str(new), reason))
        self._seq += 1
        self.model.next_due = min(self.model.next_due, effective)
        self.model.log.add(notice_day, self.model.steps, Ev.NOTICE, -1, party, str(new), effective,
                           reason)  # fmt: skip

    def apply_next(self) -> None:
        day, _, party, new, reason = heapq.heappop(self._due)
        self.change(day, party, Membership(new), reason)

    def change(self, day: int, party: int, new: Membership, reason: str) -> None:
        model = self.model
        agent = model.parties[party]
        old = agent.membership
        if old is new:
            return
        agent.membership = new
        model.refresh_membership()
        model.log.add(day, model.steps, Ev.MEMBERSHIP, -1, party, str(old), str(new), reason)
        for matter in model.board.open:
            if new is not Membership.FULL and party in matter.pending:
                del matter.pending[party]
                model.pending_count -= 1
            matter.mandated &= ~(1 << party)
            matter.stale = False
            if new is Membership.NONE and matter.proposer == party and matter.is_open:
                model.board.withdraw(matter, day, f"{agent.name}, its proposer, left the alliance")

    def policy_shock(self, day: int, party: int, cost_m: float) -> None:
        """A national or local policy change hits ``party`` (001 §42)."""
        model = self.model
        agent = model.parties[party]
        model.log.add(day, model.steps, Ev.SHOCK, -1, party, cost_m)
        limit = -self.rules.withdraw_below_tolerances * agent.risk_tolerance_m
        position = float(model.risk.ledger.cumulative[party])
        if agent.membership is not Membership.NONE and position < limit:
            reason = (
                f"a policy change costs it £{cost_m:.1f}m a year and its net position in the "
                f"alliance is already £{-position:.1f}m down (001 §42)"
            )
            self.schedule(day, party, Membership.NONE, reason, self.rules.withdrawal_notice_days)

    def admission_decided(self, matter: Matter, day: int) -> None:
        """Admit the subject, or let the council act on a refusal (001 §39)."""
        model = self.model
        if matter.subject < 0:
            return
        subject = model.parties[matter.subject]
        if matter.outcome == "agreed":
            self.change(day, matter.subject, Membership.FULL, f"admitted by {matter.id}")
            return
        proposer = model.parties[matter.proposer]
        response = self.rules.council_response_to_refusal
        if (
            proposer.kind != "council"
            or response == "stay"
            or not proposer.membership.value == "full"
        ):
            return
        new = Membership.ASSOCIATE if response == "associate" else Membership.NONE
        reason = f"its social-care provider {subject.name} was refused full membership (001 §39)"
        self.schedule(day, matter.proposer, new, reason, self.rules.council_notice_days)
