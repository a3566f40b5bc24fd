"""The transition deadline and what the board does when it is missed (001 §40-43).

Transition matters (capitated payment, outcome payments, the risk/reward detail, care design
groups; 001 §43) must be agreed by the transition deadline. If any is not, the board decides -
itself a matter under the same decision rule - to (a) allow more time, (b) reconfigure the alliance
(the members who blocked become associates; they do not vote on it) or (c) failing both,
terminate: the alliance is dissolved (001 §42) and decides nothing more.

The watch tables its escalations on the board and hears the board's decisions on them; it ends the
alliance through the ``terminate`` it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .config import OBJECTIVES, Escalation, MatterKind, Membership
from .events import Clock, EventLog, Transition
from .matters import N_OBJ, Matter
from .partyset import mask_of

if TYPE_CHECKING:
    from .board import BoardProtocol
    from .membership import Roster
    from .risk import Ledger


class TransitionWatch:
    def __init__(
        self,
        config: Escalation,
        deadline: int | None,
        board: BoardProtocol,
        roster: Roster,
        ledger: Ledger,
        log: EventLog,
        clock: Clock,
        terminate: Callable[[int, str], None],
    ) -> None:
        self.config = config
        self.deadline = deadline
        self.board = board
        self.roster = roster
        self.ledger = ledger
        self.log = log
        self.clock = clock
        self.terminate = terminate
        self.stage: str | None = None
        self.failed: list[Matter] = []
        self.outcomes: list[tuple[int, str]] = []  # (day, extended|reconfigured|terminated)
        self.done = self.deadline is None
        self._round = 0

    def check(self, day: int, number: int) -> None:
        """At the first meeting on or after the deadline, escalate if transition is incomplete."""
        if self.done or self.stage is not None or day < self.deadline:
            return
        board = self.board
        current = [m for m in board.matters if m.transition and m.generation == self._round]
        self.failed = [m for m in current if m.outcome != "agreed"]
        if not self.failed:
            self.done = True
            self.log.add(Transition(day, number, -1, -1, "complete"))
            return
        for m in self.failed:
            if m.is_open:
                board.withdraw(m, day, "overtaken by the transition escalation (001 §40)")
        self.stage = "extension"
        title = f"Allow more time for transition ({len(self.failed)} matter(s) unagreed, 001 §40a)"
        board.add_matter(self._escalation(MatterKind.TRANSITION_EXTENSION, title, day), day)

    def decided(self, matter: Matter, day: int) -> None:
        agreed = matter.outcome == "agreed"
        voters = self.roster.voter_list
        if matter.kind is MatterKind.TRANSITION_EXTENSION:
            if agreed:
                self._restart(day, "extended")
                return
            blockers = sorted({b for m in self.failed for b in m.blockers} & set(voters))
            if blockers and len(blockers) < len(voters):
                self.stage = "reconfiguration"
                names = ", ".join(self.roster.parties[b].name for b in blockers)
                esc = self._escalation(
                    MatterKind.RECONFIGURATION,
                    f"Reconfigure the alliance: {names} to become associate member(s) (001 §40b)",
                    day,
                )
                esc.recused = mask_of(blockers)
                esc.reconfigure = tuple(blockers)
                self.board.add_matter(esc, day)
                return
            self._terminate(day)
        elif matter.kind is MatterKind.RECONFIGURATION:
            if agreed:
                for b in matter.reconfigure:
                    self.roster.change(day, b, Membership.ASSOCIATE,
                                       f"reconfigured by {matter.id} (001 §40b)")  # fmt: skip
                self._restart(day, "reconfigured")
                return
            self._terminate(day)

    def _restart(self, day: int, how: str) -> None:
        """More time: the unagreed transition matters are tabled again with a new deadline."""
        self.outcomes.append((day, how))
        self.deadline = day + self.config.extension_days
        self.board.transition_deadline = self.deadline
        self._round += 1
        self.log.add(Transition(day, self.clock.meeting, -1, -1, how, self.deadline))
        for old in self.failed:
            again = old.again(
                id=f"{old.id.split('/')[0]}/{self._round + 1}", generation=self._round
            )
            self.board.add_matter(again, day)
        self.stage = None

    def _terminate(self, day: int) -> None:
        self.outcomes.append((day, "terminated"))
        self.stage = None
        self.done = True
        self.terminate(
            day, "transition not agreed and the alliance not reconfigured (001 §40c, 42)"
        )

    def _escalation(self, kind: MatterKind, title: str, day: int) -> Matter:
        """A yes/no matter valued by each party's experience of the alliance so far."""
        n = len(self.roster.parties)
        F0 = self.ledger.alliance_rate(day)
        E0 = np.full(N_OBJ, self.config.continuation_value_m / len(OBJECTIVES))
        voters = self.roster.voters
        lead = int(voters[0]) if len(voters) else 0
        return Matter(
            idx=-1, id="", kind=kind, title=title, proposer=lead, arrival_day=day,
            deadline_days=self.config.decision_days, magnitude=0.0, categories=("strategic",),
            prohibited="", urgent=True, term_names=(), term_labels=(), lo=np.zeros(0),
            hi=np.zeros(0), q=np.zeros(0), x=np.zeros(0), F0=F0, A=np.zeros((n, 0)),
            S0=np.zeros(n), B=np.zeros((n, 0)),
            labels=tuple("its net position from the alliance so far" for _ in range(n)),
            E0=E0, D=np.zeros((N_OBJ, 0)),
        )  # fmt: skip
