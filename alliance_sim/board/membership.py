"""Who is a member, and how membership changes over the term, each change on its own date.

- Full members vote and share risk and reward; associates attend and speak; others neither
  (001 §33-35).
- Admission of a member needs the unanimous agreement of the full members (001 §39; 002 §6.5):
  an agreed admission makes its subject a full member from the day it is agreed.
- An organisation whose proposed admission is refused may respond; the council leaves or becomes
  an associate on one month's notice if its nominated social-care provider is refused (001 §39;
  ``Party.response_to_refused_admission``).
- How a member may leave follows its own document (``membership.leaving``): after a material
  policy change (a funding shock) on three months' notice (001 §42, Mid-Notts;
  ``Party.withdraws_after_shock``), or by resigning to the board at any time (002 §6.6, Walsall;
  ``Party.resigns``, weighed at each period's settlement); 003 and 004 have no such clause. A
  member already under notice gives no second notice. Either decision weighs the member's net
  position from the alliance's business, without its own cost of taking part (003), so that the
  cost it knew when it joined cannot alone make it leave.
- A partner removed by the board (002 §6.7, ``removal.py``) leaves from the day it is agreed.

Voting rights and risk shares follow membership from the date a change takes effect. The roster
tells those who listen (the board) of every change; it reads nothing of theirs. The reasons it
records cite the alliance's own clauses (``[clauses]``).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..config import Clause, Clauses, Membership, MembershipRules
from ..partyset import mask_of
from ..records.events import Clock, EventLog, MembershipChanged, Notice, Shock
from ..text import money

if TYPE_CHECKING:
    from agents import Party

    from ..records.matters import Matter

#: Each party's membership as a code: its index here.
MEMBERSHIPS = tuple(m.value for m in Membership)

#: ``listener(day, party, new_membership)``, told after a change has taken effect.
Listener = Callable[[int, int, Membership], None]


class Roster:
    """The parties' memberships now, the changes under notice, and the masks the board votes by."""

    def __init__(
        self,
        parties: list[Party],
        rules: MembershipRules,
        log: EventLog,
        clock: Clock,
        clauses: Clauses,
    ) -> None:
        self.parties = parties
        self.rules = rules
        self.clauses = clauses
        self.resignations = 0  # notices of resignation given (002 §6.6)
        self.log = log
        self.clock = clock
        self.listeners: list[Listener] = []
        self._due: list[tuple[int, int, int, str, str]] = []  # (day, seq, party, new, reason)
        self._seq = 0
        self.under_notice: set[int] = set()  # parties whose notice has not yet taken effect
        self._refresh()

    def _refresh(self) -> None:
        #: each party's membership value, in party order ("full", "associate" or "none")
        self.values = tuple(p.membership.value for p in self.parties)
        self.numbers = np.array([MEMBERSHIPS.index(m) for m in self.values])
        self.voter_list: list[int] = [i for i, m in enumerate(self.values) if m == Membership.FULL]
        self.voters = np.array(self.voter_list, dtype=int)
        self.voter_mask = mask_of(self.voter_list)
        self.attendees = np.array(
            [i for i, m in enumerate(self.values) if m != Membership.NONE], dtype=int
        )
        #: who attends and speaks without a vote (001 §35): consulted on the board's business
        self.associates = np.array(
            [i for i, m in enumerate(self.values) if m == Membership.ASSOCIATE], dtype=int
        )
        self.attendee_mask = mask_of(self.attendees.tolist())
        self.associate_mask = mask_of(self.associates.tolist())

    # -- the calendar of changes under notice ---------------------------------------------------
    def next_day(self) -> float:
        return self._due[0][0] if self._due else float("inf")

    def schedule(self, notice_day: int, party: int, new: Membership, reason: str, notice: int):
        """Give notice now; the change takes effect ``notice`` days later."""
        effective = notice_day + notice
        heapq.heappush(self._due, (effective, self._seq, party, str(new), reason))
        self._seq += 1
        self.under_notice.add(party)
        self.log.add(Notice(notice_day, self.clock.meeting, -1, party, str(new), effective, reason))

    def apply_next(self) -> None:
        day, _, party, new, reason = heapq.heappop(self._due)
        if not any(due[2] == party for due in self._due):
            self.under_notice.discard(party)
        self.change(day, party, Membership(new), reason)

    def change(self, day: int, party: int, new: Membership, reason: str) -> None:
        agent = self.parties[party]
        old = agent.membership
        if old is new:
            return
        agent.membership = new
        self._refresh()
        self.log.add(
            MembershipChanged(day, self.clock.meeting, -1, party, str(old), str(new), reason)
        )
        for listener in self.listeners:
            listener(day, party, new)

    # -- the organisations' own decisions -------------------------------------------------------
    def policy_shock(self, day: int, party: int, cost_m: float, position_m: float) -> None:
        """A national or local policy change hits ``party`` (001 §42); ``position_m`` is its net
        position from the alliance's business so far (``Ledger.business_position``)."""
        agent = self.parties[party]
        self.log.add(Shock(day, self.clock.meeting, -1, party, cost_m))
        if self.rules.leaving != "policy_change" or party in self.under_notice:
            return
        if agent.withdraws_after_shock(position_m, self.rules):
            reason = (
                f"a policy change costs it {money(cost_m)} a year and its net position from the "
                f"alliance's business is already {money(position_m)} down"
                f"{self.clauses.cite(Clause.WITHDRAWAL)}"
            )
            self.schedule(day, party, Membership.NONE, reason, self.rules.withdrawal_notice_days)

    def review_resignations(self, day: int, positions: Callable[[int], float]) -> None:
        """At a period's settlement each partner weighs resigning (002 §6.6); ``positions(i)`` is
        party ``i``'s net position from the alliance's business so far."""
        if self.rules.leaving != "resignation":
            return
        for party in self.voter_list:
            if party in self.under_notice:
                continue
            position = positions(party)
            if self.parties[party].resigns(position, self.rules):
                reason = (
                    f"its net position from the alliance's business is {money(position)} down, "
                    "beyond what it can carry, so it resigns to the board"
                    f"{self.clauses.cite(Clause.RESIGNATION)}"
                )
                self.resignations += 1
                self.schedule(day, party, Membership.NONE, reason,
                              self.rules.resignation_notice_days)  # fmt: skip

    def admission_decided(self, matter: Matter, day: int) -> None:
        """Admit the subject, or let the proposer respond to a refusal (001 §39)."""
        if matter.subject < 0 or matter.outcome not in ("agreed", "stalemate"):
            return
        subject = self.parties[matter.subject]
        if matter.outcome == "agreed":
            clause = self.clauses.of(Clause.ADMISSION)
            reason = f"admitted by {matter.id}" + (f", {clause}" if clause else "")
            self.change(day, matter.subject, Membership.FULL, reason)
            return
        proposer = self.parties[matter.proposer]
        new = proposer.response_to_refused_admission(self.rules)
        if new is None:
            return
        reason = (f"its social-care provider {subject.name} was refused full membership"
                  f"{self.clauses.cite(Clause.REFUSED_ADMISSION)}")  # fmt: skip
        self.schedule(day, matter.proposer, new, reason, self.rules.council_notice_days)
