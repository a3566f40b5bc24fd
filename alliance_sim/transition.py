"""The transition deadline and what the board does when it is missed (001 §40-43).

Transition matters (capitated payment, outcome payments, the risk/reward detail, care design
groups; 001 §43) must be agreed by the transition deadline. If any is not, the board decides -
itself a matter under the same decision rule - to (a) allow more time, (b) reconfigure the alliance
(the members who blocked become associates; they do not vote on it) or (c) failing both,
terminate: the alliance is dissolved (001 §42) and decides nothing more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .config import OBJECTIVES, MatterKind, Membership
from .events import Ev
from .matters import N_OBJ, Matter
from .partyset import mask_of

if TYPE_CHECKING:
    from .model import AllianceModel


class TransitionWatch:
    def __init__(self, model: AllianceModel) -> None:
        self.model = model
        self.config = model.scenario.escalation
        self.deadline = model.transition_day
        self.stage: str | None = None
        self.failed: list[Matter] = []
        self.outcomes: list[tuple[int, str]] = []  # (day, extended|reconfigured|terminated)
        self.done = self.deadline is None
        self._round = 0

    def check(self, day: int, number: int) -> None:
        """At the first meeting on or after the deadline, escalate if transition is incomplete."""
        if self.done or self.stage is not None or day < self.deadline:
            return
        model = self.model
        current = [m for m in model.matters if m.transition and m.generation == self._round]
        self.failed = [m for m in current if m.outcome != "agreed"]
        if not self.failed:
            self.done = True
            model.log.add(day, number, Ev.TRANSITION, -1, -1, "complete")
            return
        for m in self.failed:
            if m.is_open:
                model.board.withdraw(m, day, "overtaken by the transition escalation (001 §40)")
        self.stage = "extension"
        title = f"Allow more time for transition ({len(self.failed)} matter(s) unagreed, 001 §40a)"
        model.add_matter(self._escalation(MatterKind.TRANSITION_EXTENSION, title, day), day)

    def decided(self, matter: Matter, day: int) -> None:
        model = self.model
        agreed = matter.outcome == "agreed"
        if matter.kind is MatterKind.TRANSITION_EXTENSION:
            if agreed:
                self._restart(day, "extended")
                return
            blockers = sorted({b for m in self.failed for b in m.blockers} & set(model.voter_list))
            if blockers and len(blockers) < len(model.voter_list):
                self.stage = "reconfiguration"
                names = ", ".join(model.parties[b].name for b in blockers)
                esc = self._escalation(
                    MatterKind.RECONFIGURATION,
                    f"Reconfigure the alliance: {names} to become associate member(s) (001 §40b)",
                    day,
                )
                esc.recused = mask_of(blockers)
                esc.reconfigure = tuple(blockers)
                model.add_matter(esc, day)
                return
            self._terminate(day)
        elif matter.kind is MatterKind.RECONFIGURATION:
            if agreed:
                for b in matter.reconfigure:
                    model.membership.change(day, b, Membership.ASSOCIATE,
                                            f"reconfigured by {matter.id} (001 §40b)")  # fmt: skip
                self._restart(day, "reconfigured")
                return
            self._terminate(day)

    def _restart(self, day: int, how: str) -> None:
        """More time: the unagreed transition matters are tabled again with a new deadline."""
        model = self.model
        self.outcomes.append((day, how))
        self.deadline = day + self.config.extension_days
        model.transition_day = self.deadline
        self._round += 1
        model.log.add(day, model.steps, Ev.TRANSITION, -1, -1, how, self.deadline)
        for old in self.failed:
            again = old.again(
                id=f"{old.id.split('/')[0]}/{self._round + 1}", generation=self._round
            )
            model.add_matter(again, day)
        self.stage = None

    def _terminate(self, day: int) -> None:
        self.outcomes.append((day, "terminated"))
        self.stage = None
        self.done = True
        self.model.terminate(
            day, "transition not agreed and the alliance not reconfigured (001 §40c, 42)"
        )

    def _escalation(self, kind: MatterKind, title: str, day: int) -> Matter:
        """A yes/no matter valued by each party's experience of the alliance so far."""
        model = self.model
        n = len(model.parties)
        F0 = model.risk.ledger.alliance_rate(day)
        E0 = np.full(N_OBJ, self.config.continuation_value_m / len(OBJECTIVES))
        lead = int(model.voters[0]) if len(model.voters) else 0
        return Matter(
            idx=-1, id="", kind=kind, title=title, proposer=lead, arrival_day=day,
            deadline_days=self.config.decision_days, magnitude=0.0, categories=("strategic",),
            prohibited="", urgent=True, term_names=(), term_labels=(), lo=np.zeros(0),
            hi=np.zeros(0), q=np.zeros(0), x=np.zeros(0), F0=F0, A=np.zeros((n, 0)),
            S0=np.zeros(n), B=np.zeros((n, 0)),
            labels=tuple("its net position from the alliance so far" for _ in range(n)),
            E0=E0, D=np.zeros((N_OBJ, 0)),
        )  # fmt: skip
