"""The event log: what happened at each meeting, stored as plain records, worded only on demand.

Runs that nobody reads never format text; ``reasons.py`` turns these records into sentences when a
narrative or table is asked for.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

import numpy as np


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


class Event(NamedTuple):
    day: int
    meeting: int
    kind: Ev
    matter: int  # -1 when the event is about no single matter
    party: int  # -1 when the event is about no single party
    data: tuple


class Vote(NamedTuple):
    """One voting member's position on one matter at one meeting (or its home body's)."""

    day: int
    meeting: int
    matter: int
    party: int
    vote: str  # "yes" | "no" | "referred"
    by: str  # "representative" | "home_body" | "room"
    x: np.ndarray  # terms voted on (arrays are replaced, never changed, on amendment)
    s: float
    F: float
    down: float
    own: float
    sys: float
    pos: float
    seq: int  # position in the event log when cast, to tell the story in order


class EventLog:
    """Append-only lists of events and votes for one run."""

    __slots__ = ("events", "votes")

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.votes: list[Vote] = []

    def add(self, day: int, meeting: int, kind: Ev, matter: int = -1, party: int = -1, *data):
        self.events.append(Event(day, meeting, kind, matter, party, data))
