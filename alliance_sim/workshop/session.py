"""The workshop's controller: one simulated alliance, stepped meeting by meeting, with role-play.

How the room votes without stopping the engine halfway through a meeting: before the next meeting
is held, it is first held on a ``copy.deepcopy`` of the model (the *preview*) whose ``room_vote``
records who would be asked, in order, answers with the room's votes collected so far and lets
every other vote be the agent's. An answer can change the course of the meeting (a "no" on an
escalation can dissolve the alliance, so later business is never reached; a "yes" can reach
business the agents' votes would not), so the preview is run again after every answer, and the
room is always shown the next vote the meeting, as it now stands, will need. Once no vote is
missing, the real model holds the meeting with a ``room_vote`` that returns the collected answers,
keyed by ``(matter id, party index)``. The real call sequence is recorded too (``asked``); a
request the preview missed would fall back to the agent's own vote and be listed in ``unasked``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Literal

from ..config import Membership
from ..errors import InputError
from ..model import AllianceModel
from ..reasons import terms_text
from ..text import date_of
from . import views
from .compare import MatterDifference, matter_differences, summary_table
from .design import Design

Choice = Literal["yes", "no", "refer", "agent"]
CHOICES: tuple[str, ...] = ("yes", "no", "refer")
#: Not a vote: the facilitator lets the party's agent decide for a table that is slow to answer.
AGENT = "agent"


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
    """One alliance being run by a room: a design, its model, the parties the room plays.

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
        # A plain function, not a bound method: deepcopy then shares it instead of copying self.
        self.model = AllianceModel(
            self.scenario, seed=self.design.seed, room_vote=lambda m, p, a: self._respond(m, p, a)
        )
        self.room_keys &= set(self.scenario.parties)
        self.requests: list[RoomRequest] = []  # what the next meeting needs from the room, in order
        self.answers: dict[tuple[str, int], str] = {}
        self.decisions: list[RoomDecision] = []  # every vote the room has cast, in order
        self.asked: list[tuple[str, int]] = []  # what the last real meeting asked
        self.unasked: list[tuple[str, int]] = []  # asked by the engine but missed by the preview
        self.held_requests: list[tuple[str, int]] = []  # the room votes the last meeting used
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
            self.requests = self._preview()

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

    def answered_for(self, party: int) -> list[tuple[RoomRequest, str]]:
        """The votes one party's table has cast for the coming meeting, with their answers."""
        return [
            (r, self.answers[r.key])
            for r in self.requests
            if r.party == party and r.key in self.answers
        ]

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

        ``expect`` is the number of meetings held when the button was drawn: a second click that
        arrives before the page has caught up (a double-click) finds it stale and holds nothing.
        """
        if expect is not None and expect != self.meetings_held:
            return "stale"
        if self.finished:
            self.autorun = False
            return "finished"
        if not self.requests and self.room:
            self.requests = self._preview()
        if self.waiting_for is not None:
            return "waiting"
        self._hold()
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

    def answer(self, choice: str) -> str:
        """The facilitator's screen votes on the request it shows; holds the meeting once all are in."""
        request = self.waiting_for
        if request is None:
            _check(choice)
            return self.status
        return self.vote(request.party, choice, hold=True)

    def vote(self, party: int, choice: str, hold: bool = False) -> str:
        """A table's vote on the next request its party owes (``AGENT``: let the agent decide).

        With ``hold`` the meeting is held as soon as nothing is missing (and a run to the end goes
        on); otherwise it waits for the facilitator to step, so that the room sees every table's
        vote before the result.
        """
        _check(choice)
        request = self.pending_for(party)
        if request is None:
            return self.status
        self.answers[request.key] = choice
        self.requests = self._preview()  # the answer may change what the meeting needs next
        if self.waiting_for is not None:
            return "waiting"
        if not hold:
            return "ready"
        self._hold()
        if self.autorun and not self.finished:
            return self.run_to_end()
        if self.finished:
            self.autorun = False
            return "finished"
        return "held"

    def retract(self, party: int) -> bool:
        """Take back a party's last vote for the coming meeting (before it is held)."""
        answered = self.answered_for(party)
        if not answered:
            return False
        del self.answers[answered[-1][0].key]
        self.requests = self._preview()
        return True

    def pause(self) -> None:
        """Stop a run to the end at the next opportunity (it never runs on while waiting)."""
        self.autorun = False

    def _hold(self) -> None:
        self.held_requests = [r.key for r in self.requests]
        self.asked, self.unasked = [], []
        self.model.step()
        self.decisions.extend(
            RoomDecision(r, self.answers[r.key]) for r in self.requests if r.key in self.answers
        )
        self.requests, self.answers = [], {}
        self._baseline = None

    def _asks(self, matter_id: str, party: int) -> bool:
        """Whether a vote goes to the room: a party it plays, or one it already voted for."""
        return party in self.room or (matter_id, party) in self.answers

    def _respond(self, matter, party: int, agent_yes: bool) -> str | None:
        """The real model's room_vote: the room's collected answer, or None for the agent's."""
        if not self._asks(matter.id, party):
            return None
        key = (matter.id, party)
        self.asked.append(key)
        if key not in self.answers:
            self.unasked.append(key)
        answer = self.answers.get(key)
        return None if answer == AGENT else answer

    def _preview(self) -> list[RoomRequest]:
        """Hold the next meeting on a copy to learn which room votes it needs, in order."""
        if not (self.room or self.answers) or self.finished:
            return []
        shadow = copy.deepcopy(self.model)
        calls: list[tuple[int, int, bool, bool, str]] = []
        answers = dict(self.answers)
        asks = self._asks

        def record(matter, party: int, agent_yes: bool) -> str | None:
            if not asks(matter.id, party):
                return None
            mandated = matter.has_mandate(party)
            calls.append((matter.idx, party, agent_yes, mandated, terms_text(matter, matter.x)))
            answer = answers.get((matter.id, party))
            return None if answer == AGENT else answer

        shadow.room_vote = record
        shadow.room = True
        first_vote = len(shadow.log.votes)
        shadow.step()
        cast = {(v.matter, v.party): v for v in shadow.log.votes[first_vote:]}
        return [
            _request(shadow, cast.get((idx, party)), idx, party, agent_yes, mandated, terms)
            for idx, party, agent_yes, mandated, terms in calls
        ]

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


def _request(shadow, vote, idx: int, party: int, agent_yes: bool, mandated: bool, terms: str):
    """A room request from the preview's call and the vote it led to (None if never cast)."""
    return RoomRequest(
        meeting=shadow.steps,
        day=shadow.day,
        matter=idx,
        matter_id=shadow.matters[idx].id,
        party=party,
        agent_yes=agent_yes,
        mandated=mandated,
        agent_reason=views.vote_reason_of(shadow, vote) if vote is not None else "",
        terms=terms,
        own_m=float(vote.F) if vote is not None else 0.0,
        downside_m=float(vote.down) if vote is not None else 0.0,
        system_m=float(vote.sys) if vote is not None else 0.0,
    )
