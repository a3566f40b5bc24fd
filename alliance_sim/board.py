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

from .events import Ev
from .negotiation import amend, margin
from .partyset import mask_of, members
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
        self._next_answer = float("inf")  # no home body answers on any open matter before this

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
        next_day = day + self.config.cadence_days
        for matter in self.open:
            matter.fresh_ev = None  # off the agenda today: evaluate afresh next time
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
                self._decide_at_once(matter, number)
        self._next_arrival = len(self.queue)
        for matter in self.open:
            if matter.is_open:
                self._stalemate(matter, day, number, STALE_TERM)
        self.open = []
        self.model.open_count = 0

    # -- steps -------------------------------------------------------------------------------
    def _receive_answers(self, day: int, number: int) -> None:
        if self._next_answer >= day:
            return
        arrays = self.model.arrays
        next_answer = float("inf")
        for matter in self.open:
            if not matter.pending:
                continue
            if matter.first_answer >= day:
                next_answer = min(next_answer, matter.first_answer)
                continue
            pending = matter.pending
            arrived = sorted([(d, p) for p, d in pending.items() if d < day])
            answered = 0
            for _, party in arrived:
                del pending[party]
                answered |= 1 << party
                matter.bfs[party] = arrays.bfs_home[party]
            matter.mandated |= answered
            matter.first_answer = min(pending.values(), default=float("inf"))
            next_answer = min(next_answer, matter.first_answer)
            if not arrived:
                continue  # answers withdrawn by a change of membership
            self.model.pending_count -= len(arrived)
            # A party's surplus depends only on its own weight, so one evaluation serves all.
            ev = matter.fresh_ev = matter.evaluate(matter.x, arrays, matter.bfs)
            self.log.answered(number, matter.idx, arrived, matter.x, ev)
            # The board votes again once every answer is in, or when one is a rejection (under
            # unanimity a block, to be amended at once); approvals alone change no vote already cast.
            if not pending or answered & ~ev.yes:
                matter.stale = False
        self._next_answer = next_answer

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
                self._decide_at_once(matter, number)
                continue
            self.table(matter, day, number)

    def _decide_at_once(self, matter: Matter, number: int) -> None:
        """An urgent Reserved Matter: the commissioners decide the day it arises (000 §3.5)."""
        when = matter.arrival_day
        matter.tabled_day = when
        self.log.add(when, number, Ev.TABLED, matter.idx)
        self._decide(matter, when, number, "reserved", Ev.RESERVED, True)

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

        voters = model.voter_mask
        if model.room:
            yes, decided, insist = self._votes_with_room(matter, ev, day, number)
        else:
            yes, decided = self._votes(matter, ev, day, number)
            insist = 0
        idx, x = matter.idx, matter.x

        if matter.prohibited:
            self._decide(matter, day, number, "void", Ev.VOID, matter.prohibited)
            return
        if matter.pending:  # exactly the voters still waiting for their home bodies
            self.log.add(day, number, Ev.AWAITING, idx, -1, tuple(sorted(matter.pending)))
            if self.rule.name != "unanimity":
                return  # a no blocks only under unanimity: wait for every answer, then decide
            no = decided & ~yes
            if no:
                # Those who have said no will block whatever the home bodies answer: amend now.
                self._block(matter, day, number, no, decided & yes, insist, ev, system=False)
            return
        verdict = self.rule.decide(voters, yes, ev.sys)
        if verdict.passed:
            dissent = tuple(members(voters & ~yes))
            self._decide(matter, day, number, "agreed", Ev.AGREED, x, dissent, ev.sys, ev=ev)
            return
        self._block(matter, day, number, verdict.blockers, voters & yes, insist, ev, verdict.system)

    def _block(self, matter, day, number, blockers: int, supporters: int, insist: int, ev,
               system: bool) -> None:  # fmt: skip
        """Record a block (masks of who blocks and who wanted it), then amend the matter."""
        rows = members(blockers)
        matter.blockers = tuple(rows)
        self.log.add(day, number, Ev.BLOCKED, matter.idx, -1, matter.blockers, ev.sys)
        self.model.trust.blocked(rows, members(supporters))
        self._amend(matter, day, number, rows, insist, ev, system)

    def _votes(self, matter: Matter, ev, day: int, number: int) -> tuple[int, int]:
        """Every full member's vote; representatives without authority refer (000 §3.2).

        Returns the masks of the voters who said yes and of those who have decided (not waiting
        on a home body); a member recused from the matter counts as both.
        """
        voters = self.model.voter_mask
        waiting = mask_of(matter.pending) if matter.pending else 0
        recused = voters & matter.recused
        cast = voters & ~(waiting | recused)
        home = cast & matter.mandated  # the home body has answered: vote as it said
        rep = cast & ~home & self.model.covers[matter.idx]  # within delegated authority
        referred = cast & ~(home | rep)
        decided = home | rep
        yes = decided & ev.yes
        if referred:
            self._refer(matter, members(referred), day, number)
        self.log.ballot(day, number, matter.idx, cast, yes, referred, home, 0, matter.x, ev)
        return yes | recused, decided | recused

    def _votes_with_room(self, matter: Matter, ev, day: int, number: int):
        """As ``_votes``, asking the room for the votes of the parties it plays (workshop).

        Also returns the mask of the noes the room cast where the agent would have said yes.
        """
        model = self.model
        cover = model.covers[matter.idx]
        agent_says = ev.yes
        waiting = mask_of(matter.pending)
        yes = decided = insist = cast = home = room = referred = 0
        for party in model.voter_list:
            bit = 1 << party
            if matter.recused & bit:
                yes |= bit
                decided |= bit
                continue
            if waiting & bit:
                continue
            cast |= bit
            mandated = bool(matter.mandated & bit)
            agent_yes = bool(agent_says & bit)
            choice = None
            if mandated or cover & bit:
                choice = model.room_vote(matter, party, agent_yes)
            if choice:
                room |= bit
            if choice == "refer" or not (mandated or cover & bit):
                referred |= bit
                continue
            if mandated and not choice:
                home |= bit
            decided |= bit
            if agent_yes if choice is None else choice == "yes":
                yes |= bit
            elif agent_yes:
                insist |= bit
        if referred:
            self._refer(matter, members(referred), day, number)
        self.log.ballot(day, number, matter.idx, cast, yes & cast, referred, home, room, matter.x,
                        ev)  # fmt: skip
        return yes, decided, insist

    def _refer(self, matter: Matter, parties: list[int], day: int, number: int) -> None:
        """Representatives lacking authority (or the room) ask their home bodies (000 §3.2)."""
        answers = self.model.home_answers(day)
        pending = matter.pending
        for party in parties:
            pending[party] = answers[party]
        matter.first_answer = min(matter.first_answer, min(pending.values()))
        self.log.referred(day, number, matter.idx, parties, answers)
        self._next_answer = min(self._next_answer, matter.first_answer)
        matter.referrals += len(parties)
        self.model.pending_count += len(parties)

    def _amend(self, matter, day, number, rows: list[int], insist: int, ev, system: bool) -> None:
        model = self.model
        need = margin(matter)
        if system:
            deficit = [need - ev.sys]
        else:
            deficit = [need - float(ev.s[r]) for r in rows]
            if insist:
                # A "no" from a room that the agent would have voted yes still asks for something.
                deficit = [max(d, need * 100) if insist >> r & 1 else d
                           for d, r in zip(deficit, rows, strict=True)]  # fmt: skip
        others = members(model.voter_mask & ~mask_of(rows))
        step = self.config.amendment_step * model.trust.concession(rows, others)
        new = amend(matter, rows, model.arrays, matter.bfs, ev, step, system, deficit)
        if new is None:
            self._stalemate(matter, day, number, STALE_NOTHING)
            return
        old = matter.x
        matter.x = new
        matter.stale = False
        if matter.mandated and not self.config.mandate_covers_amendments:
            for party in members(matter.mandated):  # new terms need a fresh approval (000 §3.2)
                matter.bfs[party] = model.arrays.bfs[party]
            matter.mandated = 0
        matter.amendments += 1
        self.log.add(day, number, Ev.AMENDED, matter.idx, -1, old, new, tuple(rows))

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
        voters = tuple(members(self.model.voter_mask & ~matter.recused))
        self._decide(matter, day, number, "stalemate", Ev.STALEMATE, why, matter.blockers, waiting,
                     voters)  # fmt: skip
