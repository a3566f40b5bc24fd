"""The agreement's term: its extension, and its ending before the term by the board's resolution.

- Extension (001 §40: "a three-year term with an option to extend for a further seven years";
  002 §2.2: the partners intend to extend beyond the Initial Period and "shall not less than six
  months prior to the expiry ... consider extension"): at the first meeting on or after
  ``term.extension_considered_days`` before the term ends, the board is asked to extend the
  agreement by ``term.extension_years``. The parties' option is exercised unanimously whatever
  the board's rule (``rules.UNANIMOUS_KINDS``). The decision is an outcome of the run (``extended``
  or ``not extended``, or undecided if the term ends first); the simulated horizon stays the
  scenario's term so that designs remain comparable over the same years.
- Termination for an unresolved dispute (002 §6.3): the same member blocking
  ``term.dispute_after_stalemates`` matters of the same proposer into stalemate is a dispute the
  board has not resolved (an assumption: 002 does not say when a dispute "cannot be resolved");
  the board then considers terminating the agreement under its rule. If it does not agree to
  terminate, the dispute is set aside and counted afresh.
- Termination for force majeure (002 §6.2): an Event of Force Majeure, drawn at
  ``term.force_majeure_per_year`` from the run's own generator for term events (0 by default:
  the documents give no basis for a rate), renders continuation impossible; the board considers
  terminating at its next meeting.

Members value these resolutions by their experience of the alliance so far, as the transition
escalations do (``transition.py``): each party's yearly net position from the alliance's business
plus the value of continuing to service users (``escalation.continuation_value_m``). Continuing
is worth that; terminating is worth its opposite, except after force majeure, when continuing is
impossible and only its financial record is left to weigh against an orderly end.
A terminated alliance ends business as at the transition deadline (``model.terminate``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..config import (
    OBJECTIVES,
    RESOLUTION_KINDS,
    Clause,
    Clauses,
    Escalation,
    MatterKind,
    TermRules,
)
from ..records.events import Clock, Dispute, EventLog, ForceMajeure, TermDecided
from ..records.matters import Matter, resolution

if TYPE_CHECKING:
    from ..board.membership import Roster
    from ..board.procedure import BoardProtocol
    from ..business.risk import Ledger


def force_majeure_day(rules: TermRules, horizon: int, rng: np.random.Generator) -> int | None:
    """The day of the first Event of Force Majeure within the term, if one happens. Nothing is
    drawn when the rate is 0, so a scenario without the clause consumes no draws."""
    if rules.force_majeure_per_year <= 0:
        return None
    day = rng.exponential(365.25 / rules.force_majeure_per_year)
    return int(day) if day < horizon else None


class TermWatch:
    """Tables the extension and termination resolutions and hears the board's decisions."""

    def __init__(
        self,
        rules: TermRules,
        escalation: Escalation,
        horizon: int,
        force_majeure: int | None,
        board: BoardProtocol,
        roster: Roster,
        ledger: Ledger,
        log: EventLog,
        clock: Clock,
        terminate: Callable[[int, str], None],
        clauses: Clauses,
    ) -> None:
        self.rules = rules
        self.clauses = clauses
        self.escalation = escalation
        self.horizon = horizon
        self.board = board
        self.roster = roster
        self.ledger = ledger
        self.log = log
        self.clock = clock
        self.terminate = terminate
        self.consider_day = (
            horizon - rules.extension_considered_days if rules.extension_years > 0 else None
        )
        self.force_majeure = force_majeure
        #: the board's decision on the extension: "" (not decided), extended, not extended
        self.extension = ""
        self._stalemates: dict[tuple[int, int], int] = {}  # (blocker, proposer) -> count
        self._terminating = False  # a termination resolution is before the board
        self._why = ""  # why it is

    def check(self, day: int, number: int) -> None:
        """At each meeting: the extension falls due, or force majeure has struck."""
        # "not less than six months" before the end (002 §2.2): the last meeting on or before
        # that day (or the first meeting, if the term is shorter)
        due = self.consider_day
        if due is not None and (day + self.board.config.cadence_days > due or day >= due):
            self.consider_day = None
            years = self.rules.extension_years
            title = (f"Extend the agreement by {years:g} years beyond its term"
                     f"{self.clauses.cite(Clause.TERM_EXTENSION)}")  # fmt: skip
            self.board.add_matter(self._resolution(MatterKind.TERM_EXTENSION, title, day), day)
        if self.force_majeure is not None and day >= self.force_majeure:
            fm, self.force_majeure = self.force_majeure, None
            self.log.add(ForceMajeure(fm, number, -1, -1))
            self._table_termination(
                day,
                "an Event of Force Majeure renders its continuation impossible"
                f"{self.clauses.cite(Clause.FORCE_MAJEURE)}",
                impossible=True,
            )

    def stalemated(self, matter: Matter, day: int) -> None:
        """Repeated stalemates between the same two members become a dispute (002 §6.3)."""
        threshold = self.rules.dispute_after_stalemates
        if threshold <= 0 or matter.kind in RESOLUTION_KINDS:
            return
        voters = set(self.roster.voter_list)
        proposer = matter.proposer
        for b in matter.blockers:
            if b == proposer or b not in voters or proposer not in voters:
                continue
            pair = (b, proposer)
            count = self._stalemates[pair] = self._stalemates.get(pair, 0) + 1
            if count >= threshold and not self._terminating:
                self.log.add(Dispute(day, self.clock.meeting, matter.idx, b, proposer, count))
                self._stalemates[pair] = 0  # set aside unless the board ends the agreement
                names = f"{self.roster.parties[b].name} and {self.roster.parties[proposer].name}"
                self._table_termination(
                    day,
                    f"the dispute between {names} cannot be resolved"
                    f"{self.clauses.cite(Clause.DISPUTE)}",
                )

    def decided(self, matter: Matter, day: int) -> None:
        agreed = matter.outcome == "agreed"
        if matter.kind is MatterKind.TERM_EXTENSION:
            if not agreed and matter.outcome != "stalemate":
                return  # withdrawn (the alliance ended first) or cut off by the term: undecided
            self.extension = "extended" if agreed else "not extended"
            self.log.add(TermDecided(day, self.clock.meeting, matter.idx, -1, self.extension,
                                     self.rules.extension_years, self.horizon))  # fmt: skip
        elif matter.kind is MatterKind.TERMINATION:
            self._terminating = False
            if agreed:
                why = self._why or matter.title  # a termination written into the scenario
                self.terminate(day, f"the board resolved to terminate it ({matter.id}): {why}")
            self._why = ""

    def _table_termination(self, day: int, why: str, impossible: bool = False) -> None:
        self._terminating = True
        self._why = why
        title = f"Terminate the agreement: {why}"
        self.board.add_matter(
            self._resolution(MatterKind.TERMINATION, title, day, impossible=impossible), day
        )

    def _resolution(self, kind: MatterKind, title: str, day: int, impossible: bool = False):
        """A yes/no resolution valued by each party's experience of the alliance so far."""
        rate = self.ledger.alliance_rate(day)
        value = np.full(len(OBJECTIVES), self.escalation.continuation_value_m / len(OBJECTIVES))
        if kind is MatterKind.TERMINATION:
            # Ending forgoes what continuing is worth; after force majeure continuing is
            # impossible, so ending in order forgoes nothing but the alliance's financial record.
            rate, value = -rate, (value if impossible else -value)
        voters = self.roster.voters
        lead = int(voters[0]) if len(voters) else 0
        label = "its net position from the alliance so far"
        return resolution(kind, title, lead, day, self.escalation.decision_days, rate, value,
                          label)  # fmt: skip
