"""The workshop's controller: one simulated alliance, stepped meeting by meeting, with role-play.

One source of truth: the *committed* run (``model``, the meetings held) and the *pending ballot*
(``requests``, the votes the next meeting needs from the room, and ``answers``, those cast so
far, keyed by ``(matter id, party index)``). Every view reads those two and nothing else.

How the room votes without stopping the engine halfway through a meeting: the next meeting is
rehearsed on a detached copy of the committed run (:mod:`.rehearsal`) that records who would be
asked, in order, answers with the votes collected so far and lets every other vote be the
agent's. An answer can change the course of the meeting, so the rehearsal is run again after
every answer, and the room is always shown the next vote the meeting, as it now stands, will
need. Once no vote is missing, the last rehearsal is the meeting: it is committed once, by
adopting the copy (the committed model is never stepped in place; its ``room_vote`` refuses).

A vote names the card it answers (:attr:`RoomRequest.card`: meeting, matter, party), and is
taken only while that card is outstanding: a second tap, a stale card or another device's vote
on the same card is refused, never moved to another matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..config import Membership
from ..errors import InputError
from ..model import AllianceModel
from ..text import date_of
from . import views
from .compare import MatterDifference, matter_differences, summary_table
from .design import Design
from .rehearsal import Call, rehearse

Choice = Literal["yes", "no", "refer", "agent"]
CHOICES: tuple[str, ...] = ("yes", "no", "refer")
#: Not a vote: the facilitator lets the party's agent decide for a table that is slow to answer.
AGENT = "agent"
#: Why a vote was not taken: its card is no longer outstanding (the meeting moved on, or it was
#: never this party's), the same answer is already in, or another answer is already in.
REFUSED = ("stale", "duplicate", "taken")
NOTHING_UNSETTLED = 1 << 30


@dataclass(frozen=True)
class RoomRequest:
    """One vote the room must cast for a party it plays, with what the room needs to decide it."""

    meeting: int
    day: int
    matter: int  # index into model.matters
    matter_id: str
    party: int  # index into model.parties
    agent_yes: bool  # what the party's agent would vote
    mandated: bool  # its home body has already answered, and the agent follows that answer
    agent_reason: str  # the agent's vote with its reason, in plain English
    terms: str  # the terms on the table
    own_m: float  # expected effect on the party, £m a year
    downside_m: float  # how bad it could be for the party, £m a year
    system_m: float  # effect on the system as a whole, £m a year

    @property
    def key(self) -> tuple[str, int]:
        return (self.matter_id, self.party)

    @property
    def card(self) -> str:
        """What a device shows and sends back with its vote: meeting, matter and party."""
        return f"{self.meeting}-{self.matter_id}-{self.party}"

    @property
    def agent_says(self) -> str:
        return "yes" if self.agent_yes else "no"


@dataclass
class Debrief:
    """The room's votes against the agents', and what they changed against a run with no room."""

    decisions: list[RoomDecision]
    differences: list[MatterDifference]  # a = with the room, b = the agents alone
    summary: list[tuple[str, str, str]]  # (label, with the room, the agents alone)
    meetings: int
    ended: tuple[str, str]  # how the term ended (or stands), with the room and the agents alone

    @property
    def cast(self) -> list[RoomDecision]:
        """The votes the room itself cast (not those it left to the agent)."""
        return [d for d in self.decisions if not d.by_agent]

    @property
    def overruled(self) -> int:
        """Room votes that differ from what the agent would have done."""
        return sum(d.differs for d in self.decisions)


@dataclass(frozen=True)
class RoomDecision:
    """A vote the room cast: the request it answered and its answer."""

    request: RoomRequest
    choice: str

    @property
    def by_agent(self) -> bool:
        """The facilitator let the agent vote instead of the room."""
        return self.choice == AGENT

    @property
    def differs(self) -> bool:
        """Whether the room did something other than what the agent would have done."""
        return not self.by_agent and self.choice != self.request.agent_says


class WorkshopSession:
    """One alliance being run by a room: a design, its committed run, the parties the room plays
    and the pending ballot.

    Every method returns quickly and never blocks on the room: :meth:`step` and :meth:`run_to_end`
    stop with status ``"waiting"`` when the room must vote, and :meth:`answer` (the facilitator's
    screen) or :meth:`vote` (a table's own device) carry on.
    """

    def __init__(self, design: Design, room: set[str] | None = None) -> None:
        self.design = design
        self.room_keys: set[str] = set(room or ())
        self.error = ""
        self._baseline: AllianceModel | None = None
        self._baseline_to = -1  # the meeting the cached baseline was run to
        self._build()

    # -- set-up --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.scenario = self.design.load()
        self.model = AllianceModel(self.scenario, seed=self.design.seed, room_vote=_committed)
        self.room_keys &= set(self.scenario.parties)
        self.requests: list[RoomRequest] = []  # what the next meeting needs from the room, in order
        self.answers: dict[tuple[str, int], str] = {}
        self.decisions: list[RoomDecision] = []  # every vote the room has cast, in order
        self.asked: list[tuple[str, int]] = []  # the room votes the last meeting held asked for
        self.held_requests: list[tuple[str, int]] = []  # the room votes the last meeting used
        self._next: AllianceModel | None = None  # the last rehearsal: the next meeting, held
        self._calls: list[Call] = []  # ... and the room votes it asked for
        # The first position in ``requests`` whose matter a vote recorded since the last
        # rehearsal may change (NOTHING_UNSETTLED: none).
        self._unsettled = NOTHING_UNSETTLED
        self.autorun = False
        self._baseline = None

    def set_design(self, design: Design) -> bool:
        """Adopt a new design and restart; on a bad value keep the old one and set ``error``."""
        previous = self.design
        self.design = design
        try:
            self._build()
        except InputError as exc:
            self.design = previous
            self.error = str(exc)
            return False
        self.error = ""
        return True

    def reset(self) -> None:
        """Start the same design again from its first meeting (the room keeps its parties)."""
        self._build()

    def hand_to_room(self, keys: set[str] | list[str]) -> None:
        """Let the room play these parties (scenario keys) from the next vote on.

        Votes the room has already cast for the coming meeting are kept, also for a party handed
        back to its agent: the room made them, and unticking a party is no way to withdraw them
        (that is :meth:`retract`).
        """
        self.room_keys = set(keys) & set(self.scenario.parties)
        if self.requests or self.answers:
            self._preview()
        else:
            self._next = None

    @property
    def room(self) -> set[int]:
        """Indices of the parties the room plays."""
        return {self.model.index[k] for k in self.room_keys}

    def silent_parties(self) -> list[str]:
        """Parties the room plays that have no vote (associates, non-members): never asked."""
        return [
            p.name
            for p in self.model.parties
            if p.key in self.room_keys and p.membership is not Membership.FULL
        ]

    # -- state ---------------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return not self.model.running

    @property
    def dissolved_at(self) -> int | None:
        """The meeting at which the alliance was dissolved, or None."""
        return views.dissolved_at(self.model)

    @property
    def meetings_held(self) -> int:
        return self.model.steps

    @property
    def meetings_total(self) -> int:
        return len(self.model.meeting_days)

    @property
    def outstanding(self) -> list[RoomRequest]:
        """The votes the next meeting still needs from the room, in the order it needs them."""
        return [r for r in self.requests if r.key not in self.answers]

    @property
    def waiting_for(self) -> RoomRequest | None:
        """The room vote the simulation is paused for, or None when it is not paused."""
        outstanding = self.outstanding
        return outstanding[0] if outstanding else None

    def pending_for(self, party: int) -> RoomRequest | None:
        """The next vote one party's table owes the coming meeting, or None."""
        return next((r for r in self.outstanding if r.party == party), None)

    def owed_by(self, party: int) -> list[RoomRequest]:
        """Every vote one party's table still owes the coming meeting, as it now stands."""
        return [r for r in self.outstanding if r.party == party]

    def answered_for(self, party: int) -> list[tuple[RoomRequest, str]]:
        """The votes one party's table has cast for the coming meeting, with their answers."""
        return [
            (r, self.answers[r.key])
            for r in self.requests
            if r.party == party and r.key in self.answers
        ]

    def request(self, card: str) -> RoomRequest | None:
        """The pending ballot's request with this card, or None (answered or not)."""
        return next((r for r in self.requests if r.card == card), None)

    @property
    def votes_cast(self) -> int:
        """Every vote the room has cast so far, the coming meeting's included."""
        pending = sum(1 for r in self.requests if self.answers.get(r.key, AGENT) != AGENT)
        return sum(not d.by_agent for d in self.decisions) + pending

    @property
    def status(self) -> str:
        if self.finished:
            return "finished"
        return "waiting" if self.waiting_for is not None else "ready"

    def next_meeting_date(self) -> str:
        if self.finished:
            return ""
        return date_of(self.model, self.model.meeting_days[self.model.steps])

    # -- stepping ------------------------------------------------------------------------------
    def step(self, expect: int | None = None) -> str:
        """Hold the next meeting, unless the room must vote first: ``held|waiting|finished``.

        ``expect`` is the number of meetings held when the button was drawn: a click that
        arrives after the run has moved on (a double-click) finds it ``stale`` and holds nothing.
        """
        if expect is not None and expect != self.meetings_held:
            return "stale"
        if self.finished:
            self.autorun = False
            return "finished"
        self.settle()
        if not self.requests and self.room:
            self._preview()
        if self.waiting_for is not None:
            return "waiting"
        if not self._hold():
            return "waiting"
        return "finished" if self.finished else "held"

    def run_to_end(self) -> str:
        """Hold meetings until the term ends or the room must vote: ``waiting|finished``."""
        self.autorun = True
        while True:
            status = self.step()
            if status == "waiting":
                return status
            if status == "finished":
                self.autorun = False
                return status

    def answer(self, choice: str, card: str | None = None) -> str:
        """The facilitator's screen votes on the request it shows (``card``; by default the first
        the meeting waits for), and holds the meeting once all are in."""
        request = self.waiting_for if card is None else self.request(card)
        if request is None:
            _check(choice)
            return self.status if card is None else "stale"
        return self.vote(request.party, choice, hold=True, card=request.card)

    def vote(self, party: int, choice: str, hold: bool = False, card: str | None = None) -> str:
        """A table's vote on the card it was shown (``AGENT``: let the agent decide).

        ``card`` is the :attr:`RoomRequest.card` the device showed; the vote is taken only while
        that request is outstanding, else refused as ``stale`` (no longer asked), ``duplicate``
        (this answer is in already) or ``taken`` (another answer is in already). Without a card,
        the next request the party owes (the journal of a room saved before cards were sent).

        With ``hold`` the meeting is held as soon as nothing is missing (and a run to the end goes
        on); otherwise it waits for the facilitator to step, so that the room sees every table's
        vote before the result.
        """
        status = self.record(party, choice, card)
        if status != "recorded":
            return status
        self.settle()
        if self.waiting_for is not None:
            return "waiting"
        if not hold:
            return "ready"
        if not self._hold():
            return "waiting"
        if self.autorun and not self.finished:
            return self.run_to_end()
        if self.finished:
            self.autorun = False
            return "finished"
        return "held"

    def record(self, party: int, choice: str, card: str | None = None) -> str:
        """Take a vote into the pending ballot without rehearsing the meeting again (see
        :meth:`settle`): ``recorded``, or why not (:data:`REFUSED`).

        Many tables vote at once, and each rehearsal copies the whole run: votes recorded together
        are settled by one rehearsal. That is the same as settling after each, because an answer
        changes only what the meeting asks *after* its matter (every voter on a matter is asked,
        whatever the others answer): a card is checked against a rehearsal that already has every
        answer on an earlier matter.
        """
        _check(choice)
        if card is None:
            self.settle()
            request = self.pending_for(party)
            if request is None:
                return self.status  # nothing owed: nothing recorded (never "recorded")
        else:
            request = self.request(card)
            if request is not None and self._unsettled_before(request):
                self.settle()
                request = self.request(card)
            if request is None or request.party != party:
                return "stale"
            if request.key in self.answers:
                return "duplicate" if self.answers[request.key] == choice else "taken"
        # A new dict, never changed in place: a page drawing from another thread reads one state.
        self.answers = {**self.answers, request.key: choice}
        if choice in (AGENT, request.agent_says):
            # The agent's own vote: the board goes on exactly as rehearsed, so the votes it asks
            # for stand; only the record of who cast it changes, so the meeting as it would be
            # held must be rehearsed again before it is committed.
            self._next = None
        else:
            self._unsettled = min(self._unsettled, self._matter_position(request))
        return "recorded"

    @property
    def unsettled(self) -> bool:
        """Whether votes were recorded since the last rehearsal that can change what is asked."""
        return self._unsettled != NOTHING_UNSETTLED

    def settle(self) -> None:
        """Rehearse the meeting again if recorded votes can change what it asks."""
        if self.unsettled:
            self._preview()

    def _matter_position(self, request: RoomRequest) -> int:
        """Where the request's matter is first asked in the pending ballot."""
        return next(i for i, r in enumerate(self.requests) if r.matter == request.matter)

    def _unsettled_before(self, request: RoomRequest) -> bool:
        return self._unsettled < self._matter_position(request)

    def leave_to_agent(self, party: int) -> int:
        """Let the agent cast every vote one party's table owes the coming meeting: how many.

        Leaving a vote to the agent cannot change what the meeting asks next (the rehearsal
        already plays the agent's vote for a missing one), so one pass settles them all.
        """
        settled = 0
        self.settle()
        while owed := self.owed_by(party):
            self.answers = {**self.answers, **{r.key: AGENT for r in owed}}
            settled += len(owed)
            self._preview()
        return settled

    def retract(self, party: int, card: str | None = None) -> bool:
        """Take back a vote for the coming meeting before it is held: the one on ``card``, or
        the party's last."""
        self.settle()
        answered = [r for r, _ in self.answered_for(party) if card is None or r.card == card]
        if not answered:
            return False
        gone = answered[-1].key
        self.answers = {k: v for k, v in self.answers.items() if k != gone}
        self._preview()
        return True

    def pause(self) -> None:
        """Stop a run to the end at the next opportunity (it never runs on while waiting)."""
        self.autorun = False

    def _hold(self) -> bool:
        """Commit the next meeting: the last rehearsal, with every answer in (rehearsed again
        first if votes came in since). False, and nothing held, if that rehearsal still asks
        for a vote."""
        if self._next is None or self.unsettled:
            self._preview(always=True)
            if self.waiting_for is not None:
                return False
        model, calls = self._next, self._calls
        model.room_vote = _committed
        self.held_requests = [r.key for r in self.requests]
        self.asked = [(model.matters[c.matter].id, c.party) for c in calls]
        self.decisions.extend(
            RoomDecision(r, self.answers[r.key]) for r in self.requests if r.key in self.answers
        )
        self.model = model
        self.requests, self.answers = [], {}
        self._next, self._calls = None, []
        self._unsettled = NOTHING_UNSETTLED
        self._baseline = None
        return True

    def _preview(self, always: bool = False) -> None:
        """Rehearse the next meeting with the answers so far: the votes it needs, in order."""
        self._unsettled = NOTHING_UNSETTLED
        if self.finished or not (always or self.room or self.answers):
            self.requests, self._next, self._calls = [], None, []
            return
        room, answers = self.room, dict(self.answers)

        def asks(matter_id: str, party: int) -> bool:
            """A vote goes to the room for a party it plays, or one it already voted for."""
            return party in room or (matter_id, party) in answers

        shadow, calls = rehearse(self.model, answers, asks, AGENT)
        first = {}
        for vote in shadow.log.votes[len(self.model.log.votes) :]:
            first.setdefault((vote.matter, vote.party), vote)
        self.requests = [_request(shadow, first.get((c.matter, c.party)), c) for c in calls]
        self._next, self._calls = shadow, calls

    # -- debrief -------------------------------------------------------------------------------
    def baseline(self) -> AllianceModel:
        """The same design and seed with no room: to the same meeting, or the whole term once
        this run is over (cached)."""
        target = self.meetings_total if self.finished else self.model.steps
        if self._baseline is None or self._baseline_to != target:
            model = AllianceModel(self.scenario, seed=self.design.seed)
            while model.running and model.steps < target:
                model.step()
            self._baseline, self._baseline_to = model, target
        return self._baseline

    def debrief(self) -> Debrief:
        """Compare the room's votes with the agents' and this run with the agents alone.

        Once the term is over (or the alliance dissolved) the agents alone run their whole term:
        cutting them at the meeting the room's alliance collapsed would hide that without the
        room it carries on.
        """
        alone = self.baseline()
        return Debrief(
            decisions=list(self.decisions),
            differences=matter_differences(self.model, alone),
            summary=summary_table(self.model, alone),
            meetings=self.model.steps,
            ended=(views.term_state(self.model), views.term_state(alone)),
        )


def _check(choice: str) -> None:
    if choice not in (*CHOICES, AGENT):
        raise ValueError(
            f"the room votes one of {CHOICES} (or leaves it to the agent), not {choice!r}"
        )


def _committed(matter, party: int, agent_yes: bool) -> str | None:
    """The committed run's ``room_vote``: it is never stepped in place (see the module's doc)."""
    raise RuntimeError("the committed run is stepped only by adopting a rehearsal of its meeting")


def _request(shadow, vote, call: Call) -> RoomRequest:
    """A room request from the rehearsal's call and the vote it led to (None if never cast)."""
    return RoomRequest(
        meeting=shadow.steps,
        day=shadow.day,
        matter=call.matter,
        matter_id=shadow.matters[call.matter].id,
        party=call.party,
        agent_yes=call.agent_yes,
        mandated=call.mandated,
        agent_reason=views.vote_reason_of(shadow, vote) if vote is not None else "",
        terms=call.terms,
        own_m=float(vote.F) if vote is not None else 0.0,
        downside_m=float(vote.down) if vote is not None else 0.0,
        system_m=float(vote.sys) if vote is not None else 0.0,
    )
