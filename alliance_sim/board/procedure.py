"""The Alliance Leadership Board's meeting procedure.

A board meeting, as the model holds it:

1. :meth:`BoardProtocol.open_meeting`: answers come back from home bodies that met since the last
   meeting (000 §3.2; 002 §5.4);
   and business proposed since is given notice: a partner with a conflict of interest in it
   notifies the board, which manages the conflict by recusal: the partner neither votes on it nor
   holds a veto on it (002 §6.1); each other full member's representative whose authority does
   not cover it refers it to its home body at once, so that approval can come before the board
   meets (000 §3.2.1; 001 §46; 002 §5.4.1);
2. (the model checks the transition deadline, ``transition.py``, which may table an escalation);
3. :meth:`BoardProtocol.take_business`: business proposed at least ``notice_days`` ago is tabled
   (000 §3.2.1); urgent Reserved Matters are decided by the commissioners at once (000 §3.5);
   then the agenda (oldest first, at most ``max_agenda`` items) is taken item by item: Reserved
   Matters are put to the board for consultation and then decided by the commissioners (000 §3.4);
   otherwise each full member votes and the associates present give their view, which is
   recorded but never counts as a vote (001 §35, 53), a representative
   without delegated authority refers the matter to its home body, the board's decision rule is
   applied once every answer is back, a Prohibited Matter is void whatever the vote (000 §3.3),
   and a blocked matter is amended toward the blockers' concerns and re-tabled (001 §41, 47);
   anything that cannot be decided before its deadline ends in stalemate (001 §47);
4. :meth:`BoardProtocol.close_term`: what is still open when the term ends, its own deadline not
   passed, is recorded as ``open_at_end``: the term cut it off, which is not a stalemate.

The board asks the parties (``agents/``) how they value each matter and how they vote; it records
what happens in the event log and reports each decision to those who act on it (``on_decided``).
It owns the business before it and its own counts; it writes nothing of anyone else's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from agents.valuation import evaluate
from agents.voting import HomeBodies, RoomVote, authority_cover, cast_votes, concession

from ..config import Board, MatterKind, Membership
from ..partyset import mask_of, members
from ..records.events import (
    Agreed,
    Amended,
    Awaiting,
    Blocked,
    Clock,
    Consulted,
    EventLog,
    HomeAnswers,
    Meeting,
    OpenAtEnd,
    Recused,
    Referrals,
    Representative,
    Reserved,
    Stalemate,
    StaleWhy,
    Tabled,
    Void,
    Withdrawn,
)
from .acceptable import best_terms
from .negotiation import amend, margin
from .prohibited import COMMISSIONER_MONEY, money_limit, only_status_quo, within
from .rules import make_rule, rule_for

if TYPE_CHECKING:
    from agents.valuation import PartyArrays

    from ..records.evaluation import Evaluation
    from ..records.matters import Limit, Matter
    from .membership import Roster
    from .trust import TrustNetwork

OUTCOMES = ("agreed", "stalemate", "void", "reserved", "withdrawn", "open_at_end")
INF = float("inf")

#: ``on_decided(matter, day, ev)``: told of every decision, with the evaluation it was taken on
#: (None where it was not taken on terms: withdrawals, stalemates, void matters).
OnDecided = Callable[["Matter", int, "Evaluation | None"], None]


class BoardProtocol:
    """Runs the meetings of one alliance's board over its term."""

    def __init__(
        self,
        config: Board,
        matters: list[Matter],
        arrays: PartyArrays,
        home: HomeBodies,
        roster: Roster,
        trust: TrustNetwork,
        log: EventLog,
        clock: Clock,
        horizon: int,
        transition_deadline: int | None,
        on_decided: OnDecided,
        room_vote: RoomVote | None = None,
    ) -> None:
        self.config = config
        self.rule = make_rule(config)
        #: the rule each kind of matter is decided by (admissions and extensions: unanimity)
        self.rules = {kind: rule_for(kind, self.rule, config) for kind in MatterKind}
        self.matters = matters  # every matter, by arrival; business raised later is appended
        self.covers = authority_cover(matters, arrays)  # whose authority covers each matter
        self.arrays = arrays
        self.home = home
        self.roster = roster
        self.trust = trust
        self.log = log
        self.clock = clock
        self.horizon = horizon
        self.transition_deadline = transition_deadline
        self.on_decided = on_decided
        self.room_vote = room_vote
        self.open: list[Matter] = []  # tabled and undecided, in tabling order
        self.noticed: list[Matter] = []  # proposed (notice given), not yet tabled
        #: business proposed before the run, by arrival day; the urgent Reserved Matters apart,
        #: which the commissioners decide the day they arise, between meetings (000 §3.5)
        self.queue = [m for m in matters if not (m.reserved and m.urgent)]
        self.urgent = [m for m in matters if m.reserved and m.urgent]
        self._next_urgent = 0
        self._next_notice = 0
        self.outcomes = dict.fromkeys(OUTCOMES, 0)
        self.pending_count = 0  # referrals awaiting an answer on open matters
        self._next_arrival = 0
        self._next_answer = float("inf")  # no home body answers on any open matter before this
        #: whose money ground (c) of 000 §3.3 protects (the Commissioner Participants, those
        #: who exercise the Reserved Matters), where the agreement has that ground
        self.commissioners = (
            [i for i, p in enumerate(roster.parties) if p.exercises_reserved_matters]
            if COMMISSIONER_MONEY.name in config.prohibited_grounds
            else []
        )
        #: £m a year the commissioners' committed envelope still has for the business the board
        #: agrees (000 §3.3 c: only money beyond it is 'further monies')
        self.headroom = config.commissioner_headroom_share * float(
            sum(roster.parties[i].budget_m for i in self.commissioners)
        )
        #: (who is consulted, who of them is content) -> the views recorded (``_content``)
        self._contents: dict[tuple[int, int], np.ndarray] = {}
        roster.listeners.append(self.membership_changed)

    # -- the meeting -------------------------------------------------------------------------
    def open_meeting(self, day: int, number: int) -> None:
        self.log.add(Meeting(day, number))
        self._give_notice(day, number)
        self._receive_answers(day, number)

    def take_business(self, day: int, number: int, is_ended: Callable[[], bool]) -> None:
        """Table new business and take the agenda; ``is_ended()`` says the alliance is dissolved
        (an escalation vote may end it mid-agenda: nothing more is then decided)."""
        self._table_new_business(day, number)
        agenda = self.open[: self.config.max_agenda]
        for matter in agenda:
            if is_ended():
                return
            if matter.is_open:
                self._consider(matter, day, number)
        next_day = day + self.config.cadence_days
        for matter in self.noticed:
            matter.fresh_ev = None
        for matter in self.open:
            matter.fresh_ev = None  # off the agenda today: evaluate afresh next time
            # A deadline the end of the term cut short is the term's, not a stalemate's.
            if matter.is_open and next_day > matter.deadline_day < self.horizon:
                why = StaleWhy.REFERRAL if matter.pending else StaleWhy.DEADLINE
                if matter not in agenda:
                    why = StaleWhy.AGENDA
                self._stalemate(matter, day, number, why)
        self.open = [m for m in self.open if m.is_open]

    def next_urgent_day(self) -> float:
        """The day the next urgent Reserved Matter arises (inf when none is left)."""
        urgent = self.urgent
        return urgent[self._next_urgent].arrival_day if self._next_urgent < len(urgent) else INF

    def decide_urgent(self) -> None:
        """The commissioners decide the next urgent Reserved Matter on the day it arises, with no
        meeting (000 §3.5); the model calls this in date order with the rest of its calendar, so
        the matter's effects run from that day."""
        matter = self.urgent[self._next_urgent]
        self._next_urgent += 1
        when = matter.arrival_day
        matter.tabled_day = when
        number = self.clock.meeting
        self.log.add(Tabled(when, number, matter.idx))
        self._decide(matter, when, number, "reserved", Reserved(when, number, matter.idx, -1, True))

    def close_term(self, day: int, number: int) -> None:
        """End of term: whatever is still open is left open (``open_at_end``); business not yet
        tabled never reaches the board."""
        self._next_arrival = len(self.queue)
        for matter in self.noticed:  # proposed, never tabled: their referrals lapse
            self.pending_count -= len(matter.pending)
            matter.pending.clear()
        self.noticed = []
        for matter in self.open:
            if matter.is_open:
                record = OpenAtEnd(day, number, matter.idx, -1, tuple(sorted(matter.pending)),
                                   matter.blockers)  # fmt: skip
                self._decide(matter, day, number, "open_at_end", record)
        self.open = []

    def dissolve(self, day: int) -> None:
        """The alliance is dissolved: open business is withdrawn."""
        for matter in list(self.open):
            self.withdraw(matter, day, "the alliance was dissolved")
        self.open = []

    # -- business ----------------------------------------------------------------------------
    def add_matter(self, matter: Matter, day: int) -> None:
        """Business raised during the run (escalations, re-tabled matters), tabled at once."""
        matter.idx = len(self.matters)
        matter.id = matter.id or f"E{matter.idx + 1:03d}"
        self.matters.append(matter)
        self.covers.extend(authority_cover([matter], self.arrays))
        self.table(matter, day, self.clock.meeting)

    def table(self, matter: Matter, day: int, number: int) -> None:
        """Put a matter on the board from this meeting: new business, escalations, re-tabling."""
        matter.tabled_day = day
        matter.deadline_day = min(day + matter.deadline_days, self.horizon)
        if matter.transition and self.transition_deadline is not None:
            matter.deadline_day = max(day, min(matter.deadline_day, self.transition_deadline))
        if matter.bfs is None:  # not given notice: referred, if need be, at its first ballot
            matter.bfs = self.arrays.bfs.copy()
            if not self._prohibited(matter) and matter.conflicted:
                self._recuse(matter, day, number)
        else:
            self.noticed.remove(matter)
        self.log.add(Tabled(day, number, matter.idx))
        outsider = self._outsider(matter)
        if outsider is not None:  # only a partner brings business to the board (002 §6.8)
            self._decide(matter, day, number, "withdrawn",
                         Withdrawn(day, number, matter.idx, -1,
                                   f"{outsider}, its proposer, is not a member"))  # fmt: skip
            return
        # Known from the proposal: void whatever the vote (000 §3.3). A Reserved Matter is the
        # commissioners' own decision, not the board's (000 §3.4).
        if matter.prohibited and not matter.reserved:
            self._decide(matter, day, number, "void", Void(day, number, matter.idx, -1,
                                                           matter.prohibited))  # fmt: skip
            return
        subject = self.roster.parties[matter.subject] if matter.subject >= 0 else None
        if subject is not None and subject.votes:
            self._decide(matter, day, number, "withdrawn",
                         Withdrawn(day, number, matter.idx, -1,
                                   f"{subject.name} is already a full member"))  # fmt: skip
            return
        self.open.append(matter)

    def withdraw(self, matter: Matter, day: int, reason: str) -> None:
        """Take an open matter off the board (its proposer left, the alliance ended, ...)."""
        if matter.is_open:
            number = self.clock.meeting
            self._decide(matter, day, number, "withdrawn",
                         Withdrawn(day, number, matter.idx, -1, reason))  # fmt: skip

    # -- changes around the table ------------------------------------------------------------
    def membership_changed(self, day: int, party: int, new: Membership) -> None:
        """A member left, joined or changed kind: its pending referrals and mandates lapse; its
        proposals go if it left."""
        bit = 1 << party
        name = self.roster.parties[party].name
        for matter in self.noticed:
            if new is not Membership.FULL and party in matter.pending:
                del matter.pending[party]
                self.pending_count -= 1
            self.home.forget(matter, bit, self.arrays.bfs)
        for matter in self.open:
            if new is not Membership.FULL and party in matter.pending:
                del matter.pending[party]
                self.pending_count -= 1
            self.home.forget(matter, bit, self.arrays.bfs)
            matter.stale = False
            if new is Membership.NONE and matter.proposer == party and matter.is_open:
                self.withdraw(matter, day, f"{name}, its proposer, left the alliance")

    def new_representative(self, day: int, party: int) -> None:
        """A new representative: what its predecessor settled is reopened (004 p.15)."""
        bit = 1 << party
        reopened = 0
        for matter in self.noticed:
            self.home.forget(matter, bit, self.arrays.bfs)
        for matter in self.open:
            if matter.mandated & bit:
                self.home.forget(matter, bit, self.arrays.bfs)
                matter.stale = False
                reopened += 1
        self.log.add(Representative(day, self.clock.meeting, -1, party, reopened))

    # -- steps -------------------------------------------------------------------------------
    def _give_notice(self, day: int, number: int) -> None:
        """Business proposed by ``day``: representatives without authority seek their home
        bodies' approval at once, on the day it was proposed (000 §3.2.1; 001 §46)."""
        queue = self.queue
        voters = self.roster.voter_mask
        while self._next_notice < len(queue) and queue[self._next_notice].arrival_day <= day:
            matter = queue[self._next_notice]
            self._next_notice += 1
            if matter.reserved:
                continue  # decided by the commissioners: nothing for representatives to approve
            matter.bfs = self.arrays.bfs.copy()
            self.noticed.append(matter)
            if self._outsider(matter) is not None or self._prohibited(matter):
                continue  # withdrawn or void when tabled: nothing for a home body to approve
            if matter.conflicted:
                self._recuse(matter, matter.arrival_day, number)
            refer = voters & ~(self.covers[matter.idx] | matter.recused)
            if refer:
                self._refer(matter, members(refer), matter.arrival_day, number, on_notice=True)

    def _recuse(self, matter: Matter, day: int, number: int) -> None:
        """Partners with a conflict of interest in ``matter`` notify the board at once, and the
        board manages it by recusal: they do not vote on it and hold no veto on it (002 §6.1)."""
        matter.recused |= matter.conflicted
        for party in members(matter.conflicted & self.roster.voter_mask):
            self.log.add(Recused(day, number, matter.idx, party))

    def _receive_answers(self, day: int, number: int) -> None:
        if self._next_answer >= day:
            return
        next_answer = float("inf")
        for matter in self.open + self.noticed if self.noticed else self.open:
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
            self.home.mandate(matter, answered)
            matter.first_answer = min(pending.values(), default=float("inf"))
            next_answer = min(next_answer, matter.first_answer)
            if not arrived:
                continue  # answers withdrawn by a change of membership
            self.pending_count -= len(arrived)
            # A party's surplus depends only on its own weight, so one evaluation serves all.
            ev = matter.fresh_ev = evaluate(matter, matter.x, self.arrays, matter.bfs)
            self.log.add(HomeAnswers(arrived[0][0], number, matter.idx, arrived, matter.x, ev))
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
            if matter.arrival_day + notice > day:
                break
            self._next_arrival += 1
            self.table(matter, day, number)

    def _consider(self, matter: Matter, day: int, number: int) -> None:
        matter.meetings += 1
        idx = matter.idx
        if matter.limit is not None and not self._within_money(matter, day, number):
            return
        if matter.pending and matter.stale:
            # Same terms, no new answer from a home body: the votes would be the same again.
            self.log.add(Awaiting(day, number, idx, -1, tuple(sorted(matter.pending))))
            return
        matter.stale = True
        ev, matter.fresh_ev = matter.fresh_ev, None
        if ev is None:
            ev = evaluate(matter, matter.x, self.arrays, matter.bfs)
        if matter.reserved:
            roster = self.roster
            present = roster.attendees
            content = self._content(present, roster.attendee_mask, ev.yes)
            self.log.add(Consulted(day, number, idx, -1, present, content, matter.x, ev))
            self._decide(matter, day, number, "reserved", Reserved(day, number, idx, -1, False))
            return

        voters = self.roster.voter_mask & ~matter.recused  # the recused neither vote nor block
        votes = cast_votes(matter, ev, voters, self.covers[idx], self.room_vote)
        if votes.referred:
            self._refer(matter, members(votes.referred), day, number)
        x = matter.x
        self.log.ballot(day, number, idx, votes.cast, votes.yes & votes.cast, votes.referred,
                        votes.home, votes.room, x, ev)  # fmt: skip
        associates = self.roster.associates
        if len(associates):
            # Associates speak to the terms before the board (001 §35, 53) with the views the
            # voters' evaluation already holds for them; their view is never a vote.
            content = self._content(associates, self.roster.associate_mask, ev.yes)
            self.log.add(Consulted(day, number, idx, -1, associates, content, x, ev, False))

        if matter.pending:  # exactly the voters still waiting for their home bodies
            self.log.add(Awaiting(day, number, idx, -1, tuple(sorted(matter.pending))))
            rule = self.rules[matter.kind]
            no = votes.decided & ~votes.yes if rule.veto else 0
            if no:
                # Those who have said no will block whatever the home bodies answer: amend now.
                self._block(matter, day, number, no, votes.decided & votes.yes, votes.insist, ev,
                            system=False)  # fmt: skip
            return
        verdict = self.rules[matter.kind].decide(voters, votes.yes, ev.sys)
        limit = self._limit(matter)
        if verdict.passed and limit is not None and limit.breached(x):
            # Agreed on terms that need further commissioner money: void (000 §3.3 c).
            self._decide(matter, day, number, "void", Void(day, number, idx, -1,
                                                           COMMISSIONER_MONEY.name))  # fmt: skip
            return
        if verdict.passed:
            dissent = tuple(members(voters & ~votes.yes))
            self._decide(matter, day, number, "agreed", Agreed(day, number, idx, -1, x, dissent,
                                                               ev.sys), ev)  # fmt: skip
            return
        self._block(matter, day, number, verdict.blockers, voters & votes.yes, votes.insist, ev,
                    verdict.system)  # fmt: skip

    def _content(self, present: np.ndarray, mask: int, yes: int) -> np.ndarray:
        """Whether each of ``present`` (the parties of ``mask``) is content: ``ev.s[present] > 0``
        read off the evaluation's mask of positive surpluses. The same few answers recur at every
        ballot, so each is one shared read-only array rather than two numpy calls."""
        key = (mask, yes & mask)
        content = self._contents.get(key)
        if content is None:
            content = np.array([yes >> int(p) & 1 for p in present], dtype=bool)
            content.flags.writeable = False
            self._contents[key] = content
        return content

    def _block(self, matter, day, number, blockers: int, supporters: int, insist: int, ev,
               system: bool) -> None:  # fmt: skip
        """Record a block (masks of who blocks and who wanted it), then amend the matter."""
        rows = members(blockers)
        matter.blockers = tuple(rows)
        self.log.add(Blocked(day, number, matter.idx, -1, matter.blockers, ev.sys))
        self.trust.blocked(rows, members(supporters))
        self._amend(matter, day, number, rows, insist, ev, system)

    def _refer(self, matter: Matter, parties: list[int], day: int, number: int,
               on_notice: bool = False) -> None:  # fmt: skip
        """Representatives lacking authority (or the room) ask their home bodies (000 §3.2)."""
        answers = self.home.answer_days(day)
        pending = matter.pending
        for party in parties:
            pending[party] = answers[party]
        matter.first_answer = min(matter.first_answer, min(pending.values()))
        self.log.add(Referrals(day, number, matter.idx, parties, answers, on_notice))
        self._next_answer = min(self._next_answer, matter.first_answer)
        matter.referrals += len(parties)
        self.pending_count += len(parties)

    def _amend(self, matter, day, number, rows: list[int], insist: int, ev, system: bool) -> None:
        need = margin(matter)
        if system:
            deficit = [need - ev.sys]
        else:
            deficit = [need - float(ev.s[r]) for r in rows]
            if insist:
                # A "no" from a room that the agent would have voted yes still asks for something.
                deficit = [max(d, need * 100) if insist >> r & 1 else d
                           for d, r in zip(deficit, rows, strict=True)]  # fmt: skip
        others = members(self.roster.voter_mask & ~(mask_of(rows) | matter.recused))
        floor = self.trust.config.min_concession
        step = self.config.amendment_step * concession(self.trust.T, rows, others, floor)
        smallest = self.config.smallest_amendment
        new = amend(matter, matter.x, rows, self.arrays, matter.bfs, ev, step, system, deficit,
                    smallest)  # fmt: skip
        chair = False
        matter.rounds += 1
        if matter.k and (new is None or matter.rounds >= self.config.chair_proposes_after):
            # Concessions no longer move the terms, or have not settled it in as many rounds as
            # the board allows: the chair looks for terms every voter prefers (exactly).
            matter.rounds = 0
            voters = members(self.roster.voter_mask & ~matter.recused)
            needs = [need * 100 if insist >> v & 1 else need for v in voters]
            limit = self._limit(matter)
            best = best_terms(matter, voters, self.arrays, matter.bfs, needs, system, limit)
            if not best.exists:
                # No terms leave every voter the margin aimed for: whether any terms at all suit
                # every voter is decided exactly (surplus > 0), and those are proposed if so. With
                # the same margin for all and no limit, the best terms are the same and only the
                # value moves by the margin; otherwise the search is made again without it.
                if limit is None and not insist:
                    best = best._replace(value=best.value + need)
                else:
                    bare = [need * 100 if insist >> v & 1 else 0.0 for v in voters]
                    best = best_terms(matter, voters, self.arrays, matter.bfs, bare, system,
                                      limit)  # fmt: skip
            moved = np.abs(best.x - matter.x) / np.maximum(matter.hi - matter.lo, 1e-12)
            if not best.exists:
                self._stalemate(matter, day, number, StaleWhy.NO_TERMS, best)
                return
            if moved.max() > smallest:
                new, chair = best.x, True
            elif new is None:  # the terms already suit every voter's interests as valued
                self._stalemate(matter, day, number, StaleWhy.NO_AMENDMENT, best)
                return
        limit = self._limit(matter)
        if new is not None and limit is not None and not chair:
            # Members do not propose what they may not decide: back within 000 §3.3 c.
            new = within(limit, matter, new)
            if np.abs(new - matter.x).max() <= 1e-12:
                new = None
        if new is None:
            self._stalemate(matter, day, number, StaleWhy.NO_AMENDMENT)
            return
        old = matter.x
        matter.x = new
        matter.stale = False
        if matter.mandated and not self.config.mandate_covers_amendments:
            # new terms need a fresh approval (000 §3.2)
            self.home.forget(matter, matter.mandated, self.arrays.bfs)
        matter.amendments += 1
        self.log.add(Amended(day, number, matter.idx, -1, old, new, tuple(rows), chair))

    def _outsider(self, matter: Matter) -> str | None:
        """The proposer's name if it is not a member of the alliance (a prospective partner, or
        one that has left): the business it proposes is not the board's."""
        if matter.proposer < 0:
            return None
        proposer = self.roster.parties[matter.proposer]
        return proposer.name if proposer.membership is Membership.NONE else None

    def _prohibited(self, matter: Matter) -> bool:
        """Is the matter prohibited whatever its terms? Sets its ground (c) limit on the way."""
        if self.commissioners:
            matter.limit = money_limit(matter, self.commissioners)
            limit = self._limit(matter)
            if limit is not None and only_status_quo(limit, matter):
                matter.prohibited = COMMISSIONER_MONEY.name
        return bool(matter.prohibited)

    def _within_money(self, matter: Matter, day: int, number: int) -> bool:
        """The business the board agreed since ``matter`` was proposed may have used up the
        commissioners' committed envelope: the terms before the board move back within what is
        left (the board does not decide what it may not, 000 §3.3 c), or, where no change of
        terms can keep within it, the matter is void. False when it is void."""
        limit = self._limit(matter)
        if not limit.breached(matter.x):
            return True
        if only_status_quo(limit, matter):
            self._decide(matter, day, number, "void", Void(day, number, matter.idx, -1,
                                                           COMMISSIONER_MONEY.name))  # fmt: skip
            return False
        old = matter.x
        matter.x = within(limit, matter, old)
        matter.stale = False
        matter.fresh_ev = None
        if matter.mandated and not self.config.mandate_covers_amendments:
            self.home.forget(matter, matter.mandated, self.arrays.bfs)
        matter.amendments += 1
        self.log.add(Amended(day, number, matter.idx, -1, old, matter.x, (), False, True))
        return True

    def _limit(self, matter: Matter) -> Limit | None:
        """The limit on ``matter``'s terms now: what the commissioners can pay from the headroom
        their committed envelope has left (000 §3.3 c), or None where the ground does not apply."""
        limit = matter.limit
        return limit if limit is None else limit._replace(base=limit.base + self.headroom)

    def _decide(self, matter: Matter, day: int, number: int, outcome: str, record,
                ev: Evaluation | None = None) -> None:  # fmt: skip
        if outcome == "agreed" and matter.limit is not None:
            # what the commissioners pay for it a year comes out of their committed envelope
            self.headroom -= max(0.0, -matter.limit.at(matter.x))
        matter.outcome = outcome
        matter.decided_day = day
        self.pending_count -= len(matter.pending)
        matter.pending.clear()
        self.outcomes[outcome] += 1
        self.log.add(record)
        self.on_decided(matter, day, ev)

    def _stalemate(self, matter: Matter, day: int, number: int, why: StaleWhy,
                   best=None) -> None:  # fmt: skip
        waiting = tuple(sorted(matter.pending))
        voters = tuple(members(self.roster.voter_mask & ~matter.recused))
        record = Stalemate(day, number, matter.idx, -1, why, matter.blockers, waiting, voters,
                           matter.x, matter.bfs.copy(), best, self._limit(matter))  # fmt: skip
        self._decide(matter, day, number, "stalemate", record)
