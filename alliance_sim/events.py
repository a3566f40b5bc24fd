"""The event log: what happened at each meeting, stored as plain records, worded only on demand.

Runs that nobody reads never format text; ``reasons.py`` turns these records into sentences when a
narrative or table is asked for.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

import numpy as np

from .matters import Evaluation
from .partyset import members


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


VOTE_NAMES = ("no", "yes", "referred")
BY_NAMES = ("representative", "home_body", "room")
#: ``party`` of a record standing for one event per party (referrals, home bodies' answers).
BATCH = -2


class Event(NamedTuple):
    day: int
    meeting: int
    kind: Ev
    matter: int  # -1 when the event is about no single matter
    party: int  # -1 when the event is about no single party
    data: tuple


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
    seq: int  # position in the event log when cast, to tell the story in order

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
    """Append-only records of one run.

    Runs append plain values (cheap): each event is six consecutive items of one flat list, so a
    run keeps no per-event object for the garbage collector to count and scan; ``events`` and
    ``votes`` give the named views on demand. A
    *ballot* is one matter at one meeting: who voted how, on which terms, with one evaluation,
    as masks of parties (``partyset.py``). Referrals and home bodies' answers are recorded one
    record per matter per meeting and read as one event per party.
    """

    __slots__ = ("_events", "_ballots", "_views")

    def __init__(self) -> None:
        self._events: list = []  # day, meeting, kind, matter, party, data; then the next event
        self._ballots: list[tuple] = []
        self._views: dict[str, tuple[int, list]] = {}

    def add(self, day: int, meeting: int, kind: Ev, matter: int = -1, party: int = -1, *data):
        self._events.extend((day, meeting, kind, matter, party, data))

    def referred(self, day, meeting, matter, parties: list[int], answers: list[int]) -> None:
        """``parties`` refer a matter to their home bodies, which answer on ``answers[party]``."""
        self._events.extend((day, meeting, Ev.REFERRED, matter, BATCH, (parties, answers)))

    def answered(self, meeting, matter, arrived: list[tuple[int, int]], x, ev) -> None:
        """Home bodies answered on terms ``x``: ``arrived`` holds (day, party), in that order;
        each approved if its surplus in ``ev`` is positive."""
        self._events.extend((arrived[0][0], meeting, Ev.HOME_DECISION, matter, BATCH,
                             (arrived, x, ev)))  # fmt: skip

    def ballot(self, day, meeting, matter, cast, yes, referred, home, room, x, ev) -> None:
        """Record the votes cast on one matter at one meeting.

        Masks: who cast a vote, who of them said yes, who referred it to the home body, who voted
        as the home body mandated, and whose vote the room cast.
        """
        self._ballots.append(
            (day, meeting, matter, cast, yes, referred, home, room, x, ev, len(self._events) // 6)
        )

    def __len__(self) -> int:
        return len(self._events) // 6

    @property
    def events(self) -> list[Event]:
        return self._expanded()[1]

    def _expanded(self) -> tuple[int, list[Event], list[int]]:
        """The events, and where each record's first event sits among them."""
        cached = self._views.get("events")
        if cached is not None and cached[0] == len(self._events):
            return cached
        events: list[Event] = []
        first: list[int] = []
        flat = self._events
        for i in range(0, len(flat), 6):
            record = flat[i : i + 6]
            first.append(len(events))
            if record[4] != BATCH:
                events.append(Event._make(record))
                continue
            day, meeting, kind, matter, _, data = record
            if kind is Ev.REFERRED:
                parties, answers = data
                events.extend(Event(day, meeting, kind, matter, p, (answers[p],)) for p in parties)
            else:
                arrived, x, ev = data
                events.extend(Event(d, meeting, kind, matter, p, (bool(ev.yes >> p & 1), x, ev))
                              for d, p in arrived)  # fmt: skip
        first.append(len(events))
        cached = self._views["events"] = (len(self._events), events, first)
        return cached

    @property
    def votes(self) -> list[Vote]:
        cached = self._views.get("votes")
        if cached is None or cached[0] != len(self._ballots):
            first = self._expanded()[2]
            votes = [
                Vote(day, meeting, matter, party,
                     VOTE_NAMES[2 if referred >> party & 1 else yes >> party & 1],
                     BY_NAMES[2 if room >> party & 1 else home >> party & 1], x, ev, first[seq])
                for day, meeting, matter, cast, yes, referred, home, room, x, ev, seq
                in self._ballots
                for party in members(cast)
            ]  # fmt: skip
            cached = (len(self._ballots), votes)
            self._views["votes"] = cached
        return cached[1]
