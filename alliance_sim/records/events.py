"""The event log: what happened at each meeting, one small typed record per event, worded on demand.

Every record names its fields (``Blocked.blockers``, ``Agreed.x``, ``Stalemate.why``) and carries
what a reader needs (the terms, the evaluation) so that ``reasons.py`` can word it without reading
or touching the engine's state. All records share ``day, meeting, matter, party`` (``matter`` and
``party`` are -1 when the event concerns no single one) and a class attribute ``kind``.

Runs append records and never format text. Two kinds of business happen to many parties at once
and are stored as one record per matter per meeting, then read as one event per party:
``Referrals`` (read as ``Referred``) and ``HomeAnswers`` (read as ``HomeDecision``). Votes are
stored as one ``Ballot`` per matter per meeting (masks of parties, ``partyset.py``) and read as
one ``Vote`` per voter.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, NamedTuple

from ..partyset import members

if TYPE_CHECKING:
    import numpy as np

    from .evaluation import Compromise, Evaluation
    from .matters import Limit


@dataclass(slots=True)
class Clock:
    """The meeting number records are stamped with: the meetings held so far, this one included."""

    meeting: int = 0


class Ev(IntEnum):
    MEETING = 0
    TABLED = 1
    REFERRED = 2
    HOME_DECISION = 3
    AWAITING = 4
    BLOCKED = 5
    AMENDED = 6
    AGREED = 7
    STALEMATE = 8
    VOID = 9
    CONSULTED = 10
    RESERVED = 11
    WITHDRAWN = 12
    NOTICE = 13
    MEMBERSHIP = 14
    SHOCK = 15
    SETTLED = 16
    REPRESENTATIVE = 17
    TRANSITION = 18
    TERMINATED = 19
    OPEN_AT_END = 20
    RECUSED = 21
    TERM = 22
    DISPUTE = 23
    FORCE_MAJEURE = 24


class StaleWhy(StrEnum):
    """Why a matter ended in stalemate (001 §47)."""

    DEADLINE = "deadline"  # blocked, still not agreed when its deadline came
    NO_TERMS = "no_terms"  # blocked, and no terms exist that every full member prefers (proved)
    NO_AMENDMENT = "no_amendment"  # blocked though its terms suit everyone's interests as valued
    # (the room insisted, or nothing is negotiable): nothing an amendment could change
    REFERRAL = "referral"  # the deadline passed while home bodies had not answered
    AGENDA = "agenda"  # never reached on a full agenda before its deadline


# -- the records ------------------------------------------------------------------------------
class Meeting(NamedTuple):
    day: int
    meeting: int
    matter: int = -1
    party: int = -1
    kind = Ev.MEETING


class Tabled(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int = -1
    kind = Ev.TABLED


class Referred(NamedTuple):
    """``party``'s representative lacks authority; its home body answers on ``answer_day``."""

    day: int
    meeting: int
    matter: int
    party: int
    answer_day: int
    on_notice: bool = False  # referred when the matter was proposed, before it was tabled
    kind = Ev.REFERRED


class Referrals(NamedTuple):
    """Stored form of the referrals of one matter at one meeting (read as ``Referred`` each)."""

    day: int
    meeting: int
    matter: int
    parties: list[int]
    answer_days: list[int]  # by party index: the day each party's home body would answer
    on_notice: bool = False
    kind = Ev.REFERRED

    def expand(self) -> list[Referred]:
        days, notice = self.answer_days, self.on_notice
        return [Referred(self.day, self.meeting, self.matter, p, days[p], notice)
                for p in self.parties]  # fmt: skip


class HomeDecision(NamedTuple):
    """``party``'s home body approved (or rejected) the matter on terms ``x``, evaluated ``ev``."""

    day: int
    meeting: int
    matter: int
    party: int
    approved: bool
    x: np.ndarray
    ev: Evaluation
    kind = Ev.HOME_DECISION


class HomeAnswers(NamedTuple):
    """Stored form of home bodies' answers on one matter read at one meeting: ``arrived`` holds
    (day, party) in that order; each approved if its surplus in ``ev`` is positive."""

    day: int
    meeting: int
    matter: int
    arrived: list[tuple[int, int]]
    x: np.ndarray
    ev: Evaluation
    kind = Ev.HOME_DECISION

    def expand(self) -> list[HomeDecision]:
        yes = self.ev.yes
        return [HomeDecision(d, self.meeting, self.matter, p, bool(yes >> p & 1), self.x, self.ev)
                for d, p in self.arrived]  # fmt: skip


class Awaiting(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int
    waiting: tuple[int, ...]  # voters whose home bodies have not yet answered
    kind = Ev.AWAITING


class Blocked(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int
    blockers: tuple[int, ...]  # empty: not best for service (the system as a whole loses)
    system_m: float
    kind = Ev.BLOCKED


class Amended(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int
    old: np.ndarray
    new: np.ndarray
    toward: tuple[int, ...]  # whose concerns it answers (empty: the system's)
    chair: bool = False  # the chair's proposal of terms every full member prefers
    within_money: bool = False  # moved back within what the commissioners can still pay
    kind = Ev.AMENDED


class Agreed(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int
    x: np.ndarray
    dissent: tuple[int, ...]
    system_m: float
    kind = Ev.AGREED


class Stalemate(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int
    why: StaleWhy
    blockers: tuple[int, ...]
    waiting: tuple[int, ...]
    voters: tuple[int, ...]  # the full members entitled to vote on it when it ended
    x: np.ndarray  # the terms last before the board
    bfs: np.ndarray  # the weights its voters then decided with (copy)
    best: Compromise | None = None  # the exact search for acceptable terms, where the board ran it
    limit: Limit | None = None  # the limit on the commissioners' money then (000 §3.3 c)
    kind = Ev.STALEMATE


class OpenAtEnd(NamedTuple):
    """Still before the board when the term ended, its own deadline not yet passed: neither
    agreed nor a stalemate (the term cut it off)."""

    day: int
    meeting: int
    matter: int
    party: int
    waiting: tuple[int, ...]  # voters whose home bodies had not yet answered
    blockers: tuple[int, ...]  # who blocked it last, if anyone
    kind = Ev.OPEN_AT_END


class Recused(NamedTuple):
    """``party`` notified the board of a conflict of interest in the matter (it competes to
    provide the services the matter concerns), and the board manages it by recusal: ``party`` does
    not vote on the matter and holds no veto on it (002 §6.1)."""

    day: int
    meeting: int
    matter: int
    party: int
    kind = Ev.RECUSED


class Void(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int
    ground: str
    kind = Ev.VOID


class Consulted(NamedTuple):
    """Members who do not vote on a matter give their view of terms ``x`` (evaluated ``ev``) at this
    meeting: on a Reserved Matter, every member present, before the commissioners decide alone
    (000 §3.5 d); on the board's other business, the associates, who "participate and contribute"
    without a vote (001 §35, 53). A view is recorded and read, never counted as a vote."""

    day: int
    meeting: int
    matter: int
    party: int
    present: np.ndarray  # who is consulted: all members present, or (not reserved) the associates
    content: np.ndarray  # whether each of them is content (its surplus in ``ev`` is positive)
    x: np.ndarray  # the terms before the meeting
    ev: Evaluation  # the evaluation the voters decided on, shared with them
    reserved: bool = True  # a Reserved Matter (000 §3.5 d); else associates on ordinary business
    kind = Ev.CONSULTED


class Reserved(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int
    urgent: bool
    kind = Ev.RESERVED


class Withdrawn(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int
    reason: str
    kind = Ev.WITHDRAWN


class Notice(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int
    new: str
    effective_day: int
    reason: str
    kind = Ev.NOTICE


class MembershipChanged(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int
    old: str
    new: str
    reason: str
    kind = Ev.MEMBERSHIP


class Shock(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int
    cost_m: float
    kind = Ev.SHOCK


class Settled(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int
    period: int
    kind = Ev.SETTLED


class Representative(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int
    reopened: int  # open matters its predecessor had settled, now revisited
    kind = Ev.REPRESENTATIVE


class Transition(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int
    outcome: str  # complete | extended | reconfigured
    deadline: int | None = None  # the new transition deadline, when extended or reconfigured
    kind = Ev.TRANSITION


class Terminated(NamedTuple):
    day: int
    meeting: int
    matter: int
    party: int
    reason: str
    kind = Ev.TERMINATED


class TermDecided(NamedTuple):
    """The board's decision on extending the agreement beyond its term (001 §40; 002 §2.2)."""

    day: int
    meeting: int
    matter: int
    party: int
    outcome: str  # extended | not extended
    years: float  # the extension proposed
    end_day: int  # the day the term ends (the simulated horizon, whatever the decision)
    kind = Ev.TERM


class Dispute(NamedTuple):
    """``party`` has blocked ``stalemates`` matters proposed by ``other`` into stalemate: a
    dispute the board has not resolved (002 §6.3)."""

    day: int
    meeting: int
    matter: int  # the stalemate that made it a dispute
    party: int
    other: int
    stalemates: int
    kind = Ev.DISPUTE


class ForceMajeure(NamedTuple):
    """An Event of Force Majeure that renders the agreement impossible (002 §6.2)."""

    day: int
    meeting: int
    matter: int
    party: int
    kind = Ev.FORCE_MAJEURE


Event = (
    Meeting
    | Tabled
    | Referred
    | HomeDecision
    | Awaiting
    | Blocked
    | Amended
    | Agreed
    | Stalemate
    | OpenAtEnd
    | Recused
    | Void
    | Consulted
    | Reserved
    | Withdrawn
    | Notice
    | MembershipChanged
    | Shock
    | Settled
    | Representative
    | Transition
    | Terminated
    | TermDecided
    | Dispute
    | ForceMajeure
)

VOTE_NAMES = ("no", "yes", "referred")
BY_NAMES = ("representative", "home_body", "room")


class Ballot(NamedTuple):
    """The votes cast on one matter at one meeting, as masks of parties.

    Who cast a vote, who of them said yes, who referred it to the home body, who voted as the home
    body mandated, and whose vote the room cast; the terms and their evaluation; ``seq``, the
    number of records in the log when it was cast (to tell the story in order).
    """

    day: int
    meeting: int
    matter: int
    cast: int
    yes: int
    referred: int
    home: int
    room: int
    x: np.ndarray
    ev: Evaluation
    seq: int


class Vote(NamedTuple):
    """One voting member's position on one matter at one meeting.

    ``ev`` is the evaluation of the matter at that meeting (shared by all its votes); the figures
    a reason is written from are read from it only when someone asks.
    """

    day: int
    meeting: int
    matter: int
    party: int
    vote: str  # "yes" | "no" | "referred"
    by: str  # "representative" | "home_body" | "room"
    x: np.ndarray  # terms voted on (arrays are replaced, never changed, on amendment)
    ev: Evaluation
    seq: int  # position among ``EventLog.events`` when cast, to tell the story in order

    @property
    def s(self) -> float:
        return float(self.ev.s[self.party])

    @property
    def F(self) -> float:
        return float(self.ev.F[self.party])

    @property
    def down(self) -> float:
        return float(self.ev.down[self.party])

    @property
    def own(self) -> float:
        return float(self.ev.own[self.party])

    @property
    def sys(self) -> float:
        return self.ev.sys

    @property
    def pos(self) -> float:
        return float(self.ev.pos[self.party]) if self.ev.pos is not None else 0.0


class EventLog:
    """Append-only records of one run; ``events`` and ``votes`` are the per-party views."""

    __slots__ = ("records", "ballots", "add", "_views")

    def __init__(self) -> None:
        self.records: list = []
        self.ballots: list[Ballot] = []
        #: append one record (the list's own append: the hot path pays no extra call)
        self.add = self.records.append
        self._views: dict[str, tuple] = {}

    def ballot(self, day, meeting, matter, cast, yes, referred, home, room, x, ev) -> None:
        self.ballots.append(
            Ballot(day, meeting, matter, cast, yes, referred, home, room, x, ev, len(self.records))
        )

    def __len__(self) -> int:
        return len(self.records)

    def of_kind(self, *kinds: Ev) -> list[Event]:
        """The events of the given kinds, in log order."""
        return [e for e in self.events if e.kind in kinds]

    @property
    def events(self) -> list[Event]:
        return self._expanded()[1]

    def _expanded(self) -> tuple[int, list, list[int]]:
        """The events, and where each record's first event sits among them."""
        cached = self._views.get("events")
        if cached is not None and cached[0] == len(self.records):
            return cached
        events: list = []
        first: list[int] = []
        for record in self.records:
            first.append(len(events))
            if type(record) in (Referrals, HomeAnswers):
                events.extend(record.expand())
            else:
                events.append(record)
        first.append(len(events))
        cached = self._views["events"] = (len(self.records), events, first)
        return cached

    def answer_before(self, matter: int, party: int, position: int) -> HomeDecision | None:
        """The last answer ``party``'s home body gave on ``matter`` before event ``position``
        (a vote's ``seq``): what its representative's vote within the mandate rests on."""
        cached = self._views.get("answers")
        if cached is None or cached[0] != len(self.records):
            answers: dict[tuple[int, int], list] = {}
            for at, e in enumerate(self.events):
                if e.kind is Ev.HOME_DECISION:
                    answers.setdefault((e.matter, e.party), []).append((at, e))
            cached = self._views["answers"] = (len(self.records), answers, [])
        found = None
        for at, e in cached[1].get((matter, party), ()):
            if at >= position:
                break
            found = e
        return found

    @property
    def votes(self) -> list[Vote]:
        cached = self._views.get("votes")
        if cached is None or cached[0] != len(self.ballots):
            first = self._expanded()[2]
            votes = [
                Vote(b.day, b.meeting, b.matter, party,
                     VOTE_NAMES[2 if b.referred >> party & 1 else b.yes >> party & 1],
                     BY_NAMES[2 if b.room >> party & 1 else b.home >> party & 1], b.x, b.ev,
                     first[b.seq])
                for b in self.ballots
                for party in members(b.cast)
            ]  # fmt: skip
            cached = (len(self.ballots), votes, [])
            self._views["votes"] = cached
        return cached[1]
