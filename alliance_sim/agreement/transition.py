"""The transition deadline and what the board does when it is missed (001 §40-43).

Transition matters (capitated payment, outcome payments, the risk/reward detail, care design
groups; 001 §43) must be agreed by the transition deadline. If any is not, the board decides
(001 §40, 42):

(a) to allow more time, acting unanimously;
(b) failing that, to reconfigure the alliance, if possible: the full members in the way (those who
    blocked a failed transition matter or, if none did, those who refused more time) step back,
    and the others go on with more time. No participant can be compelled (001 §41): the proposal
    is put to every full member, unanimously; each member asked to step back chooses for itself
    to become an associate or to leave (``agents`` ``Party.steps_back_as``) and votes by the
    position it would then have, and the others vote on going on without it. It is not possible,
    and not proposed, when no one voted against anything (the business ran out of time), when
    every full member stood in the way (no one would be left) or when a commissioner did (the
    alliance is a framework for the commissioners' services contracts, 000 §1.1; 001 §27, 30);
(c) failing both, the alliance is dissolved (001 §40c, 42) and decides nothing more; the reason
    recorded says which of these ended it. An escalation still open when the term ends is left
    open: the term ended first, which is not a termination.

The watch tables its escalations on the board and hears the board's decisions on them; it ends the
alliance through the ``terminate`` it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..config import OBJECTIVES, Clause, Clauses, Escalation, MatterKind, Membership
from ..records.events import Clock, EventLog, Transition
from ..records.matters import N_OBJ, Matter

if TYPE_CHECKING:
    from ..board.membership import Roster
    from ..board.procedure import BoardProtocol
    from ..business.risk import Ledger
    from ..config import Risk


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
        risk: Risk,
        clauses: Clauses,
    ) -> None:
        self.config = config
        self.clauses = clauses  # the alliance's own, which its reasons and titles cite
        self.risk = risk  # the cost of taking part, which a member stepping back saves in part
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
        #: the members a reconfiguration before the board asks to step back, and as what
        self.stepping: dict[int, Membership] = {}
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
        cite = self.clauses.cite
        for m in self.failed:
            if m.is_open:
                board.withdraw(m, day, "overtaken by the transition escalation"
                                       f"{cite(Clause.TRANSITION_ESCALATION)}")  # fmt: skip
        self.stage = "extension"
        unagreed = f"{len(self.failed)} matter(s) unagreed"
        title = f"Allow more time for transition{cite(Clause.MORE_TIME, unagreed)}"
        board.add_matter(self._escalation(MatterKind.TRANSITION_EXTENSION, title, day), day)

    def decided(self, matter: Matter, day: int) -> None:
        if matter.outcome == "open_at_end":
            return  # the term ended first: that is the end of the term, not a termination
        agreed = matter.outcome == "agreed"
        if matter.kind is MatterKind.TRANSITION_EXTENSION:
            if agreed:
                self._restart(day, "extended")
                return
            self._propose_reconfiguration(matter, day)
        elif matter.kind is MatterKind.RECONFIGURATION:
            if agreed:
                for party, new in self.stepping.items():
                    self.roster.change(day, party, new,
                                       f"it steps back under the reconfiguration {matter.id}"
                                       f"{self.clauses.cite(Clause.STEPPING_BACK)}")  # fmt: skip
                self._restart(day, "reconfigured")
                return
            refused = self.roster.parties
            who = (f"refused by {_names([refused[b].name for b in matter.blockers])}"
                   if matter.blockers else "not agreed in time")  # fmt: skip
            self._terminate(day, f"transition not agreed, and the reconfiguration {matter.id} "
                                 f"{who}{self.clauses.cite(Clause.DISSOLUTION)}")  # fmt: skip

    def _propose_reconfiguration(self, extension: Matter, day: int) -> None:
        """More time was refused: propose that the members in the way step back (001 §40b).

        In the way are the full members who blocked a failed transition matter or, where none
        did (the matters waited for home bodies or were never reached), those who refused more
        time. No one can be compelled (001 §41): each chooses how it would step back
        (``Party.steps_back_as``: an associate, or out) and votes on the proposal like every other
        full member, valuing it by the position it would have; the others vote on going on.
        """
        impossible = self.clauses.cite(Clause.NO_RECONFIGURATION)
        voters = self.roster.voter_list
        in_way = sorted({b for m in self.failed for b in m.blockers} & set(voters))
        refused = "blocked the transition matters"
        if not in_way:
            in_way = sorted(set(extension.blockers) & set(voters))
            refused = "refused more time"
        if not in_way:
            self._terminate(day, "transition not agreed, and more time not agreed before its "
                                 "deadline, though no full member voted against either: there is "
                                 f"no one to reconfigure the alliance around{impossible}")  # fmt: skip
            return
        if len(in_way) == len(voters):
            self._terminate(day, f"transition not agreed, and every full member {refused}, so a "
                                 f"reconfiguration would leave no one to go on{impossible}")  # fmt: skip
            return
        parties = self.roster.parties
        holders = [parties[p].name for p in in_way if parties[p].holds_the_services_contracts]
        if holders:
            framework = self.clauses.cite(Clause.COMMISSIONERS_FRAMEWORK)
            self._terminate(day, f"transition not agreed, and {_names(holders)} {refused}: the "
                                 "alliance is a framework for the commissioners' services "
                                 f"contracts{framework}, so it cannot go on without "
                                 f"them{impossible}")  # fmt: skip
            return
        rules = self.roster.rules
        self.stepping = {
            # its position from the alliance's business, the cost of taking part left out, as
            # withdrawal weighs it (001 §42): the cost alone never makes a member leave
            p: parties[p].steps_back_as(self.ledger.business_position(p), rules)
            for p in in_way
        }
        F0 = self.ledger.alliance_rate(day)
        labels = ["its net position from the alliance so far"] * len(parties)
        # Stepping back, it takes no share of any pool (001 §35) and pays an associate's share of
        # the cost of taking part, or none once it has left; its direct effects run on.
        direct = self.ledger.direct_rate(day)
        for p, new in self.stepping.items():
            if new is Membership.ASSOCIATE:
                cost = self.risk.participation_cost(parties[p].budget_m)
                F0[p] = direct[p] - self.risk.associate_cost_share * cost
                labels[p] = "its position as an associate member"
            else:
                F0[p] = direct[p]
                labels[p] = "its position once it has left the alliance"
        steps = "; ".join(
            f"{parties[p].name} to "
            f"{'become an associate member' if new is Membership.ASSOCIATE else 'leave'}"
            for p, new in self.stepping.items()
        )
        self.stage = "reconfiguration"
        esc = self._escalation(
            MatterKind.RECONFIGURATION,
            f"Reconfigure the alliance{self.clauses.cite(Clause.RECONFIGURATION)}: {steps}; the "
            "others go on, with more time for transition",
            day,
            F0=F0,
            labels=tuple(labels),
        )
        esc.reconfigure = tuple(in_way)
        self.board.add_matter(esc, day)

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

    def _terminate(self, day: int, reason: str) -> None:
        self.outcomes.append((day, "terminated"))
        self.stage = None
        self.done = True
        self.terminate(day, reason)

    def _escalation(self, kind: MatterKind, title: str, day: int, F0: np.ndarray | None = None,
                    labels: tuple[str, ...] | None = None) -> Matter:  # fmt: skip
        """A yes/no matter valued by each party's experience of the alliance so far (``F0``: its
        net £m a year, unless given) and the value to service users of going on."""
        n = len(self.roster.parties)
        if F0 is None:
            F0 = self.ledger.alliance_rate(day)
        if labels is None:
            labels = tuple("its net position from the alliance so far" for _ in range(n))
        E0 = np.full(N_OBJ, self.config.continuation_value_m / len(OBJECTIVES))
        voters = self.roster.voters
        lead = int(voters[0]) if len(voters) else 0
        return Matter(
            idx=-1, id="", kind=kind, title=title, proposer=lead, arrival_day=day,
            deadline_days=self.config.decision_days, magnitude=0.0, categories=("strategic",),
            prohibited="", urgent=True, term_names=(), term_labels=(), lo=np.zeros(0),
            hi=np.zeros(0), q=np.zeros(0), x=np.zeros(0), F0=F0, A=np.zeros((n, 0)),
            S0=np.zeros(n), B=np.zeros((n, 0)), labels=labels, E0=E0, D=np.zeros((N_OBJ, 0)),
        )  # fmt: skip


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
