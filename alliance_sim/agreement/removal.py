"""A partner's proposal to remove another partner, decided by the board (002 §6.7).

"Partners may submit a proposal to the Walsall Together Partnership Board to recommend the removal
of another partner. The proposal shall outline the reasons for removal. Any removal will be
considered on terms which are fair, reasonable and non-discriminatory."

The documented trigger (``membership.removal_after_stalemates``, an assumption; 0 where the
document has no removal clause): once one partner's blocks have stalemated that many matters, the
proposer of the last of them decides whether to propose its removal (``Party.proposes_removal``).
The proposal's reasons name the stalemated matters. The board decides it under its rule; the
partner proposed for removal is recused (002 §6.7 is silent on its vote, and under unanimity its
own veto would make the clause void; an assumption). Each other
member values the removal by what the stalemated business, as last put, would have brought it
and the Alliance Objectives (a yearly figure). An agreed removal takes effect that day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.valuation import evaluate

from ..config import RESOLUTION_KINDS, Clause, Clauses, MatterKind, Membership, MembershipRules
from ..partyset import mask_of
from ..records.matters import N_OBJ, Matter, resolution

if TYPE_CHECKING:
    from ..board.membership import Roster
    from ..board.procedure import BoardProtocol


class RemovalWatch:
    """Counts the stalemates each partner's blocks cause and tables proposals for removal."""

    def __init__(
        self,
        rules: MembershipRules,
        decision_days: int,
        board: BoardProtocol,
        roster: Roster,
        clauses: Clauses,
    ) -> None:
        self.rules = rules
        self.clauses = clauses
        self.decision_days = decision_days
        self.board = board
        self.roster = roster
        self.blocked: dict[int, list[Matter]] = {}  # partner -> the matters its blocks stalemated
        self.proposed: set[int] = set()  # partners already proposed for removal

    def stalemated(self, matter: Matter, day: int) -> None:
        """A matter ended in stalemate: count it against each full member that blocked it."""
        if self.rules.removal_after_stalemates <= 0 or matter.kind in RESOLUTION_KINDS:
            return
        voters = set(self.roster.voter_list)
        for b in matter.blockers:
            if b not in voters or b in self.proposed:
                continue
            stalemates = self.blocked.setdefault(b, [])
            stalemates.append(matter)
            proposer = matter.proposer
            if proposer == b or proposer not in voters:
                continue
            if self.roster.parties[proposer].proposes_removal(len(stalemates), self.rules):
                self._propose(proposer, b, day)

    def _propose(self, proposer: int, subject: int, day: int) -> None:
        self.proposed.add(subject)
        parties = self.roster.parties
        arrays = self.board.arrays
        stalemates = self.blocked[subject]
        # What the stalemated business, as last put, would have brought: each member's yearly
        # financial effect and the effect on the Alliance Objectives (the subject's own is not
        # the others' to weigh).
        F0, E0 = np.zeros(len(parties)), np.zeros(N_OBJ)
        for m in stalemates:
            F0 += evaluate(m, m.x, arrays, arrays.bfs).F
            E0 += m.E0 + m.D @ m.x
        F0[subject] = 0.0
        ids = ", ".join(m.id for m in stalemates)
        title = (
            f"Remove {parties[subject].name} as a partner, proposed by {parties[proposer].name}: "
            f"its blocks left {ids} in stalemate{self.clauses.cite(Clause.REMOVAL)}"
        )
        label = "the business its blocks stalemated"
        matter = resolution(MatterKind.REMOVAL, title, proposer, day, self.decision_days, F0, E0,
                            label)  # fmt: skip
        matter.recused = mask_of([subject])
        matter.reconfigure = (subject,)
        self.board.add_matter(matter, day)

    def decided(self, matter: Matter, day: int) -> None:
        if matter.outcome != "agreed":
            return
        for subject in matter.reconfigure:
            self.roster.change(day, subject, Membership.NONE,
                               f"removed by {matter.id}{self.clauses.cite(Clause.REMOVAL)}")  # fmt: skip
