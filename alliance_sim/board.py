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

from .events import BY_HOME, BY_REP, BY_ROOM, REFERRED, Ev
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
        self.queue = list(model.matters)  # business proposed before the run, by arrival day
        self._next_arrival = 0

    # -- the meeting -------------------------------------------------------------------------
    def meeting(self, day: int, number: int) -> None:
        model = self.model
        self.log.add(day, number, Ev.MEETING)
        self._receive_answers(day, number)
        model.transition.check(day, number)  # may table an escalation, or end the alliance
        if model.terminated_day is not None:
            return
        self._table_new_business(day, number)
        agenda = self.open[: self.config.max_agenda]
        for matter in agenda:
            if model.terminated_day is not None:
                return  # an escalation vote dissolved the alliance: nothing more is decided
            if matter.is_open:
                self._consider(matter, day, number)
        for matter in self.open:
            matter.fresh_ev = None  # off the agenda today: evaluate afresh next time
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
        for matter in self.queue[self._next_arrival :]:
            # Urgent Reserved Matters need no meeting (000 §3.5); the rest never reach the board.
            if matter.reserved and matter.urgent and matter.arrival_day <= day:
                matter.tabled_day = matter.arrival_day
                self.log.add(matter.arrival_day, number, Ev.TABLED, matter.idx)
                self._decide(matter, matter.arrival_day, number, "reserved", Ev.RESERVED, True)
        self._next_arrival = len(self.queue)
        for matter in self.open:
            if matter.is_open:
                self._stalemate(matter, day, number, STALE_TERM)
        self.open = []
        self.model.open_count = 0

    # -- steps -------------------------------------------------------------------------------
    def _receive_answers(self, day: int, number: int) -> None:
        arrays = self.model.arrays
        for matter in self.open:
            if not matter.pending or matter.first_answer >= day:
                continue
            arrived = sorted([(d, p) for p, d in matter.pending.items() if d < day])
            matter.first_answer = min(
                (d for d in matter.pending.values() if d >= day), default=float("inf")
            )
            if not arrived:
                continue
            for _, party in arrived:
                del matter.pending[party]
                matter.mandated.add(party)
                matter.bfs[party] = arrays.bfs_home[party]
            self.model.pending_count -= len(arrived)
            # A party's surplus depends only on its own weight, so one evaluation serves all.
            ev = matter.fresh_ev = matter.evaluate(matter.x, arrays, matter.bfs)
            yes = (ev.s > 0).tolist()
            events = self.log._events
            for answer_day, party in arrived:
                events.append((answer_day, number, Ev.HOME_DECISION, matter.idx, party,
                               (yes[party], matter.x, ev)))  # fmt: skip
            # The board votes again once every answer is in, or when one is a rejection (under
            # unanimity a block, to be amended at once); approvals alone change no vote already cast.
            if not matter.pending or not all(yes[p] for _, p in arrived):
                matter.stale = False

    def _table_new_business(self, day: int, number: int) -> None:
        matters = self.queue
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
            self.table(matter, day, number)

    def table(self, matter: Matter, day: int, number: int) -> None:
        """Put a matter on the board from this meeting: new business, escalations, re-tabling."""
        model = self.model
        matter.tabled_day = day
        matter.deadline_day = min(day + matter.deadline_days, model.horizon)
        if matter.transition and model.transition_day is not None:
            matter.deadline_day = max(day, min(matter.deadline_day, model.transition_day))
        matter.bfs = model.arrays.bfs.copy()
        self.log.add(day, number, Ev.TABLED, matter.idx)
        if matter.subject >= 0 and model.parties[matter.subject].votes:
            name = model.parties[matter.subject].name
            self._decide(matter, day, number, "withdrawn", Ev.WITHDRAWN,
                         f"{name} is already a full member")  # fmt: skip
            return
        self.open.append(matter)

    def _consider(self, matter: Matter, day: int, number: int) -> None:
        model = self.model
        arrays = model.arrays
        matter.meetings += 1
        if matter.pending and matter.stale:
            # Same terms, no new answer from a home body: the votes would be the same again.
            self.log.add(day, number, Ev.AWAITING, matter.idx, -1, tuple(sorted(matter.pending)))
            return
        matter.stale = True
        ev, matter.fresh_ev = matter.fresh_ev, None
        if ev is None:
            ev = matter.evaluate(matter.x, arrays, matter.bfs)
        if matter.reserved:
            present = model.attendees
            self.log.add(day, number, Ev.CONSULTED, matter.idx, -1, present, ev.s[present] > 0)
            self._decide(matter, day, number, "reserved", Ev.RESERVED, False)
            return

        voters = model.voters
        if model.room:
            yes_a, decided_a, insist_a = self._votes_with_room(matter, ev, day, number)
        else:
            yes_a, decided_a, insist_a = self._votes(matter, ev, day, number)
        idx, x = matter.idx, matter.x

        if matter.prohibited:
            self._decide(matter, day, number, "void", Ev.VOID, matter.prohibited)
            return
        if matter.pending:  # exactly the voters still waiting for their home bodies
            self.log.add(day, number, Ev.AWAITING, idx, -1, tuple(sorted(matter.pending)))
            if self.rule.name != "unanimity":
                return  # a no blocks only under unanimity: wait for every answer, then decide
            no = decided_a & ~yes_a
            if no.any():
                # Those who have said no will block whatever the home bodies answer: amend now.
                matter.blockers = tuple(voters[no].tolist())
                self.log.add(day, number, Ev.BLOCKED, idx, -1, matter.blockers, ev.sys)
                model.trust.blocked(voters[no], voters[decided_a & yes_a])
                self._amend(matter, day, number, voters[no], insist_a[no], ev, system=False)
            return
        verdict = self.rule.decide(voters, yes_a, ev.sys)
        if verdict.passed:
            dissent = tuple(voters[~yes_a].tolist())
            self._decide(matter, day, number, "agreed", Ev.AGREED, x, dissent, ev.sys, ev=ev)
            return
        matter.blockers = tuple(verdict.blockers.tolist())
        self.log.add(day, number, Ev.BLOCKED, idx, -1, matter.blockers, ev.sys)
        model.trust.blocked(verdict.blockers, voters[yes_a])
        self._amend(matter, day, number, verdict.blockers, insist_a[~yes_a], ev, verdict.system)

    def _votes(self, matter: Matter, ev, day: int, number: int):
        """Every full member's vote; representatives without authority refer.

        Returns, per voter: voted yes, has decided (not waiting on its home body), and whether a
        no was cast against the agent's own view (only the room does that). A plain loop: with a
        dozen members it costs fewer instructions than numpy's per-call overhead, and is linear.
        """
        model = self.model
        positive = (ev.s > 0).tolist()
        cover = model.covers[matter.idx]
        pending, mandated, recused = matter.pending, matter.mandated, matter.recused
        yes: list[bool] = []
        decided: list[bool] = []
        cast: list[int] = []
        codes: list[int] = []
        by: list[int] = []
        referred: list[int] = []
        for p in model.voter_list:
            if p in pending:
                yes.append(False)
                decided.append(False)
                continue
            if recused and p in recused:
                yes.append(True)
                decided.append(True)
                continue
            cast.append(p)
            if p in mandated:
                vote = positive[p]
                codes.append(vote)
                by.append(BY_HOME)
            elif cover[p]:
                vote = positive[p]
                codes.append(vote)
                by.append(BY_REP)
            else:
                referred.append(p)
                yes.append(False)
                decided.append(False)
                codes.append(REFERRED)
                by.append(BY_REP)
                continue
            yes.append(vote)
            decided.append(True)
        if referred:
            self._refer(matter, referred, day, number)
        self.log.ballot(day, number, matter.idx, cast, codes, by, matter.x, ev)
        return (np.array(yes, dtype=bool), np.array(decided, dtype=bool),
                np.zeros(len(yes), dtype=bool))  # fmt: skip

    def _votes_with_room(self, matter: Matter, ev, day: int, number: int):
        """As ``_votes``, asking the room for the votes of the parties it plays (workshop)."""
        model = self.model
        covers = model.covers[matter.idx]
        s_of = ev.s.tolist()
        yes, decided, insist, cast, codes, by, referred = [], [], [], [], [], [], []
        for party in model.voter_list:
            if party in matter.recused or party in matter.pending:
                yes.append(party in matter.recused)
                decided.append(party in matter.recused)
                insist.append(False)
                continue
            mandated = party in matter.mandated
            agent_yes = s_of[party] > 0
            choice = None
            if mandated or covers[party]:
                choice = model.room_vote(matter, party, agent_yes)
            if choice == "refer" or not (mandated or covers[party]):
                referred.append(party)
                cast.append(party)
                codes.append(REFERRED)
                by.append(BY_ROOM if choice == "refer" else BY_REP)
                yes.append(False), decided.append(False), insist.append(False)
                continue
            vote = agent_yes if choice is None else choice == "yes"
            cast.append(party)
            codes.append(int(vote))
            by.append(BY_ROOM if choice else BY_HOME if mandated else BY_REP)
            yes.append(vote), decided.append(True), insist.append(agent_yes and not vote)
        if referred:
            self._refer(matter, referred, day, number)
        self.log.ballot(day, number, matter.idx, cast, codes, by, matter.x, ev)
        return (np.array(yes, dtype=bool), np.array(decided, dtype=bool),
                np.array(insist, dtype=bool))  # fmt: skip

    def _refer(self, matter: Matter, parties: list[int], day: int, number: int) -> None:
        """Representatives lacking authority (or the room) ask their home bodies (000 §3.2)."""
        events = self.log._events
        answers = self.model.home_answers(day)
        for party in parties:
            answer = answers[party]
            matter.pending[party] = answer
            matter.first_answer = min(matter.first_answer, answer)
            events.append((day, number, Ev.REFERRED, matter.idx, party, (answer,)))
        matter.referrals += len(parties)
        self.model.pending_count += len(parties)

    def _amend(self, matter, day, number, rows, insist, ev, system: bool) -> None:
        arrays = self.model.arrays
        deficit = margin(matter) - (np.array([ev.sys]) if system else ev.s[rows])
        if not system:
            # A "no" from a room that the agent would have voted yes still asks for something.
            deficit = np.where(insist, np.maximum(deficit, margin(matter) * 100), deficit)
        mask = np.ones(len(self.model.parties), dtype=bool)
        mask[rows] = False
        others = self.model.voters[mask[self.model.voters]]
        step = self.config.amendment_step * self.model.trust.concession(rows, others)
        new = amend(matter, rows, arrays, matter.bfs, ev, step, system, deficit)
        if new is None:
            self._stalemate(matter, day, number, STALE_NOTHING)
            return
        old = matter.x
        matter.x = new
        matter.stale = False
        if matter.mandated and not self.config.mandate_covers_amendments:
            for party in matter.mandated:  # new terms need a fresh approval (000 §3.2)
                matter.bfs[party] = self.model.arrays.bfs[party]
            matter.mandated.clear()
        matter.amendments += 1
        self.log.add(day, number, Ev.AMENDED, matter.idx, -1, old, new, tuple(rows.tolist()))

    def _decide(
        self, matter: Matter, day: int, number: int, outcome: str, kind: Ev, *data, ev=None
    ):
        matter.outcome = outcome
        matter.decided_day = day
        self.model.pending_count -= len(matter.pending)
        matter.pending.clear()
        self.model.count_outcome(outcome)
        self.log.add(day, number, kind, matter.idx, -1, *data)
        self.model.on_decided(matter, day, ev)

    def withdraw(self, matter: Matter, day: int, reason: str) -> None:
        """Take an open matter off the board (its proposer left, the alliance ended, ...)."""
        if matter.is_open:
            self._decide(matter, day, self.model.steps, "withdrawn", Ev.WITHDRAWN, reason)

    def _stalemate(self, matter: Matter, day: int, number: int, why: str) -> None:
        waiting = tuple(sorted(matter.pending))
        voters = tuple(p for p in self.model.voter_list if p not in matter.recused)
        self._decide(matter, day, number, "stalemate", Ev.STALEMATE, why, matter.blockers, waiting,
                     voters)  # fmt: skip
