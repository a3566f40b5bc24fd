"""The Alliance Leadership Board's meeting procedure.

One call of :meth:`BoardProtocol.meeting` is one board meeting:

1. answers come back from home bodies that met since the last meeting (000 §3.2; 002 §5.4);
2. business proposed at least ``notice_days`` ago is tabled (000 §3.2.1); urgent Reserved
   Matters are decided by the commissioners at once (000 §3.5);
3. the agenda (oldest first, at most ``max_agenda`` items) is taken item by item:
   Reserved Matters are put to the board for consultation and then decided by the commissioners
   (000 §3.4); otherwise each full member votes (associates attend but never vote, 001 §35), a
   representative without delegated authority refers the matter to its home body, the board's
   decision rule is applied once every answer is back, a Prohibited Matter is void whatever the
   vote (000 §3.3), and a blocked matter is amended toward the blockers' concerns and re-tabled
   (001 §41, 47);
4. anything that cannot be decided before its deadline ends in stalemate (001 §47).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .events import Ev
from .negotiation import amend, margin
from .rules import make_rule

if TYPE_CHECKING:
    from .matters import Matter
    from .model import AllianceModel

# Why a matter ended in stalemate (rendered by reasons.py).
STALE_DEADLINE = "deadline"
STALE_NOTHING = "no_amendment"
STALE_REFERRAL = "referral"
STALE_AGENDA = "agenda"
STALE_TERM = "term_ended"


class BoardProtocol:
    """Runs meetings for one model; holds no state of its own beyond the model's matters."""

    def __init__(self, model: AllianceModel) -> None:
        self.model = model
        self.config = model.scenario.board
        self.rule = make_rule(self.config)
        self.log = model.log
        self.open: list[Matter] = []  # tabled and undecided, in tabling order
        self._next_arrival = 0

    # -- the meeting -------------------------------------------------------------------------
    def meeting(self, day: int, number: int) -> None:
        model = self.model
        self.log.add(day, number, Ev.MEETING)
        self._receive_answers(day, number)
        self._table_new_business(day, number)
        agenda = self.open[: self.config.max_agenda]
        for matter in agenda:
            self._consider(matter, day, number)
        next_day = day + self.config.cadence_days
        for matter in self.open:
            if matter.is_open and next_day > matter.deadline_day:
                why = STALE_REFERRAL if matter.pending else STALE_DEADLINE
                if matter not in agenda:
                    why = STALE_AGENDA
                self._stalemate(matter, day, number, why)
        self.open = [m for m in self.open if m.is_open]
        model.open_count = len(self.open)

    def close_term(self, day: int, number: int) -> None:
        """End of term: whatever is still open reached no decision."""
        while self._next_arrival < len(self.model.matters):
            self._next_arrival += 1  # proposed too late to be tabled: never reached the board
        for matter in self.open:
            if matter.is_open:
                self._stalemate(matter, day, number, STALE_TERM)
        self.open = []
        self.model.open_count = 0

    # -- steps -------------------------------------------------------------------------------
    def _receive_answers(self, day: int, number: int) -> None:
        arrays = self.model.arrays
        for matter in self.open:
            if not matter.pending:
                continue
            arrived = sorted((d, p) for p, d in matter.pending.items() if d < day)
            if not arrived:
                continue
            for _, party in arrived:
                del matter.pending[party]
                matter.mandated.add(party)
                matter.bfs[party] = arrays.bfs_home[party]
            self.model.pending_count -= len(arrived)
            # A party's surplus depends only on its own weight, so one evaluation serves all.
            ev = matter.evaluate(matter.x, arrays, matter.bfs)
            for answer_day, party in arrived:
                self.log.add(answer_day, number, Ev.HOME_DECISION, matter.idx, party,
                             bool(ev.s[party] > 0), matter.x, ev)  # fmt: skip

    def _table_new_business(self, day: int, number: int) -> None:
        model = self.model
        matters = model.matters
        notice = self.config.notice_days
        while self._next_arrival < len(matters):
            matter = matters[self._next_arrival]
            urgent_reserved = matter.reserved and matter.urgent
            if matter.arrival_day + (0 if urgent_reserved else notice) > day:
                break
            self._next_arrival += 1
            if urgent_reserved:
                when = matter.arrival_day
                matter.tabled_day = when
                self.log.add(when, number, Ev.TABLED, matter.idx)
                self._decide(matter, when, number, "reserved", Ev.RESERVED, True)
                continue
            matter.tabled_day = day
            matter.deadline_day = min(day + matter.deadline_days, model.horizon)
            if matter.transition and model.transition_day is not None:
                matter.deadline_day = max(day, min(matter.deadline_day, model.transition_day))
            matter.bfs = model.arrays.bfs.copy()
            self.open.append(matter)
            self.log.add(day, number, Ev.TABLED, matter.idx)

    def _consider(self, matter: Matter, day: int, number: int) -> None:
        model = self.model
        arrays = model.arrays
        matter.meetings += 1
        ev = matter.evaluate(matter.x, arrays, matter.bfs)
        if matter.reserved:
            present = model.attendees
            self.log.add(day, number, Ev.CONSULTED, matter.idx, -1, present, ev.s[present] > 0)
            self._decide(matter, day, number, "reserved", Ev.RESERVED, False)
            return

        voters = model.voters
        s_of = ev.s.tolist()
        covers = model.covers[matter.idx]
        pending, mandated = matter.pending, matter.mandated
        room = model.room
        yes: list[bool] = []
        decided: list[bool] = []
        insist: list[bool] = []
        cast: list[int] = []
        codes: list[str] = []
        by: list[str] = []
        for party in model.voter_list:
            if party in pending:
                yes.append(False), decided.append(False), insist.append(False)
                continue
            is_mandated = party in mandated
            agent_yes = s_of[party] > 0
            choice = None
            if room and (is_mandated or covers[party]):
                choice = model.room_vote(matter, party, agent_yes)
            if choice == "refer" or (not is_mandated and not covers[party]):
                self._refer(matter, party, day, number)
                cast.append(party), codes.append("referred")
                by.append("room" if choice == "refer" else "representative")
                yes.append(False), decided.append(False), insist.append(False)
                continue
            vote = agent_yes if choice is None else choice == "yes"
            cast.append(party), codes.append("yes" if vote else "no")
            by.append("room" if choice else "home_body" if is_mandated else "representative")
            yes.append(vote), decided.append(True), insist.append(agent_yes and not vote)
        self.log.ballot(day, number, matter.idx, cast, codes, by, matter.x, ev)
        yes_a = np.array(yes, dtype=bool)
        decided_a = np.array(decided, dtype=bool)
        insist_a = np.array(insist, dtype=bool)
        idx, x = matter.idx, matter.x

        if matter.prohibited:
            self._decide(matter, day, number, "void", Ev.VOID, matter.prohibited)
            return
        if not decided_a.all():
            self.log.add(day, number, Ev.AWAITING, idx, -1, tuple(voters[~decided_a].tolist()))
            no = decided_a & ~yes_a
            if no.any():
                self._amend(matter, day, number, voters[no], insist_a[no], ev, system=False)
            return
        verdict = self.rule.decide(voters, yes_a, ev.sys)
        if verdict.passed:
            dissent = tuple(voters[~yes_a].tolist())
            self._decide(matter, day, number, "agreed", Ev.AGREED, x, dissent, ev.sys)
            return
        matter.blockers = tuple(verdict.blockers.tolist())
        self.log.add(day, number, Ev.BLOCKED, idx, -1, matter.blockers, ev.sys)
        self._amend(matter, day, number, verdict.blockers, insist_a[~yes_a], ev, verdict.system)

    def _refer(self, matter: Matter, party: int, day: int, number: int) -> None:
        """The representative lacks authority (or the room chose to refer): ask the home body."""
        answer = self.model.parties[party].next_home_meeting(day)
        matter.pending[party] = answer
        matter.referrals += 1
        self.model.pending_count += 1
        self.log.add(day, number, Ev.REFERRED, matter.idx, party, answer)

    def _amend(self, matter, day, number, rows, insist, ev, system: bool) -> None:
        arrays = self.model.arrays
        deficit = margin(matter) - (np.array([ev.sys]) if system else ev.s[rows])
        if not system:
            # A "no" from a room that the agent would have voted yes still asks for something.
            deficit = np.where(insist, np.maximum(deficit, margin(matter) * 100), deficit)
        new = amend(matter, rows, arrays, matter.bfs, ev, self.config.amendment_step, system,
                    deficit)  # fmt: skip
        if new is None:
            self._stalemate(matter, day, number, STALE_NOTHING)
            return
        old = matter.x
        matter.x = new
        matter.amendments += 1
        self.log.add(day, number, Ev.AMENDED, matter.idx, -1, old, new, tuple(rows.tolist()))

    def _decide(self, matter: Matter, day: int, number: int, outcome: str, kind: Ev, *data):
        matter.outcome = outcome
        matter.decided_day = day
        self.model.count_outcome(outcome)
        self.log.add(day, number, kind, matter.idx, -1, *data)

    def _stalemate(self, matter: Matter, day: int, number: int, why: str) -> None:
        self._decide(matter, day, number, "stalemate", Ev.STALEMATE, why, matter.blockers)
