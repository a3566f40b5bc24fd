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

from ..errors import InputError
from ..model import AllianceModel
from ..reasons import date_of, terms_text, vote_reason
from .compare import MatterDifference, matter_differences, summary_table
from .design import Design

Choice = Literal["yes", "no", "refer"]
CHOICES: tuple[str, ...] = ("yes", "no", "refer")


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
    def differs(self) -> bool:
        """Whether the room did something other than what the agent would have done."""
        return self.choice != self.request.agent_says


class WorkshopSession:
    """One facilitator's simulation: a design, its model, the parties the room plays.

    Every method returns quickly and never blocks on the room: :meth:`step` and :meth:`run_to_end`
    stop with status ``"waiting"`` when the room must vote, and :meth:`answer` carries on.
    """

    def __init__(self, design: Design, room: set[str] | None = None) -> None:
        self.design = design
        self.room_keys: set[str] = set(room or ())
        self.error = ""
        self._baseline: AllianceModel | None = None
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
        """Let the room play these parties (scenario keys) from the next vote on."""
        self.room_keys = set(keys) & set(self.scenario.parties)
        if self.requests:
            # The meeting about to be held must ask the new set of parties.
            self.answers = {k: v for k, v in self.answers.items() if k[1] in self.room}
            self.requests = self._preview()
            self.answers = {k: v for k, v in self.answers.items() if k in self._request_keys()}

    @property
    def room(self) -> set[int]:
        """Indices of the parties the room plays."""
        return {self.model.index[k] for k in self.room_keys}

    # -- state ---------------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return not self.model.running

    @property
    def meetings_held(self) -> int:
        return self.model.steps

    @property
    def meetings_total(self) -> int:
        return len(self.model.meeting_days)

    @property
    def waiting_for(self) -> RoomRequest | None:
        """The room vote the simulation is paused for, or None when it is not paused."""
        for request in self.requests:
            if request.key not in self.answers:
                return request
        return None

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
    def step(self) -> str:
        """Hold the next meeting, unless the room must vote first: ``held|waiting|finished``."""
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
        """The room's vote on the request it was shown; holds the meeting once all are in."""
        if choice not in CHOICES:
            raise ValueError(f"the room votes one of {CHOICES}, not {choice!r}")
        request = self.waiting_for
        if request is None:
            return self.status
        self.answers[request.key] = choice
        self.requests = self._preview()  # the answer may change what the meeting needs next
        if self.waiting_for is not None:
            return "waiting"
        self._hold()
        if self.autorun and not self.finished:
            return self.run_to_end()
        if self.finished:
            self.autorun = False
            return "finished"
        return "held"

    def pause(self) -> None:
        """Stop a run to the end at the next opportunity (it never runs on while waiting)."""
        self.autorun = False

    def _hold(self) -> None:
        self.held_requests = [r.key for r in self.requests]
        self.asked, self.unasked = [], []
        # With nobody in the room the board takes its ordinary path, exactly as ``simulate`` does.
        self.model.room = bool(self.room)
        self.model.step()
        self.decisions.extend(
            RoomDecision(r, self.answers[r.key]) for r in self.requests if r.key in self.answers
        )
        self.requests, self.answers = [], {}
        self._baseline = None

    def _respond(self, matter, party: int, agent_yes: bool) -> str | None:
        """The real model's room_vote: the room's collected answer, or None for the agent's."""
        if party not in self.room:
            return None
        key = (matter.id, party)
        self.asked.append(key)
        if key not in self.answers:
            self.unasked.append(key)
        return self.answers.get(key)

    def _request_keys(self) -> set[tuple[str, int]]:
        return {r.key for r in self.requests}

    def _preview(self) -> list[RoomRequest]:
        """Hold the next meeting on a copy to learn which room votes it needs, in order."""
        room = self.room
        if not room or self.finished:
            return []
        shadow = copy.deepcopy(self.model)
        calls: list[tuple[int, int, bool, bool, str]] = []

        answers = dict(self.answers)

        def record(matter, party: int, agent_yes: bool) -> str | None:
            if party in room:
                mandated = matter.has_mandate(party)
                calls.append((matter.idx, party, agent_yes, mandated, terms_text(matter, matter.x)))
                return answers.get((matter.id, party))
            return None

        shadow.room_vote = record
        shadow.room = True
        first_vote = len(shadow.log.votes)
        shadow.step()
        cast = {(v.matter, v.party): v for v in shadow.log.votes[first_vote:]}
        requests = []
        for idx, party, agent_yes, mandated, terms in calls:
            vote = cast.get((idx, party))
            requests.append(
                RoomRequest(
                    meeting=shadow.steps,
                    day=shadow.day,
                    matter=idx,
                    matter_id=shadow.matters[idx].id,
                    party=party,
                    agent_yes=agent_yes,
                    mandated=mandated,
                    agent_reason=vote_reason(shadow, vote) if vote is not None else "",
                    terms=terms,
                    own_m=float(vote.F) if vote is not None else 0.0,
                    downside_m=float(vote.down) if vote is not None else 0.0,
                    system_m=float(vote.sys) if vote is not None else 0.0,
                )
            )
        return requests

    # -- debrief -------------------------------------------------------------------------------
    def baseline(self) -> AllianceModel:
        """The same design and seed with no room, held to the same meeting (cached)."""
        if self._baseline is None or self._baseline.steps != self.model.steps:
            model = AllianceModel(self.scenario, seed=self.design.seed)
            while model.running and model.steps < self.model.steps:
                model.step()
            self._baseline = model
        return self._baseline

    def debrief(self) -> Debrief:
        """Compare the room's votes with the agents' and this run with the agents alone."""
        alone = self.baseline()
        return Debrief(
            decisions=list(self.decisions),
            differences=matter_differences(self.model, alone),
            summary=summary_table(self.model, alone),
            meetings=self.model.steps,
        )
