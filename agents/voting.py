"""How the parties vote at the board, when a representative may decide alone, what home bodies do,
and how far the others concede to those who block: the behaviour the board asks its members for.

- A representative may decide a matter alone only within its delegated authority, declared in
  advance: the matter's magnitude at most its £ limit and none of its categories excluded
  (000 §3.2.3; 001 §46). Otherwise it refers the matter to its home body (000 §3.2; 002 §5.4).
- A home body answers at its first meeting on or after the referral day plus the notice it needs,
  on its own calendar (``home_body.first_meeting_day``, ``cadence_days``, ``notice_days``), and it
  weighs its organisation's own interest more than its representative does (``bfs_home``).
- Once its home body has answered, the representative votes within its mandate. The answer is a
  mandate, not only a yes or no on the terms it saw: the home body's own weighing of its
  organisation's interest against the system's (``bfs_home``), within which the representative
  votes on whatever terms are before the board; on the terms the home body saw, that is its
  decision; on terms amended since (``board.mandate_covers_amendments``, an assumption: 000 §3.2
  and 002 §5.4 are silent), it is the representative applying the mandate.
- Only full members vote (001 §33, 35), less those recused from the matter (its own
  reconfiguration, 001 §40b; a conflict of interest, 002 §6.1): the board leaves them out.
- How far the others concede to a blocker grows with the trust between them (004 p.15).

Votes are computed for all voters at once on bitmasks of parties (``partyset.py``); the workshop's
room can cast the vote of any party it plays (``room_vote``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from alliance_sim.compiled import derived
from alliance_sim.partyset import mask_of, members, row_masks

if TYPE_CHECKING:
    from alliance_sim.config import Scenario
    from alliance_sim.records.evaluation import Evaluation
    from alliance_sim.records.matters import Matter

    from .valuation import PartyArrays

#: ``room_vote(matter, party_index, agent_says_yes) -> "yes" | "no" | "refer" | None``; None lets
#: the agent decide. The workshop uses it to hand parties to the room.
RoomVote = Callable[["Matter", int, bool], "str | None"]


def authority_cover(matters: list[Matter], arrays: PartyArrays) -> list[int]:
    """For each matter, the parties whose representative may decide it alone (000 §3.2), a mask."""
    if not matters:
        return []
    if len(matters) == 1:  # business raised during the run, one at a time: plain numbers
        magnitude, categories = matters[0].magnitude, matters[0].cat_mask
        limits = zip(arrays.threshold.tolist(), arrays.excluded.tolist(), strict=True)
        return [mask_of(i for i, (most, excluded) in enumerate(limits)
                        if magnitude <= most and not categories & excluded)]  # fmt: skip
    magnitude = np.array([m.magnitude for m in matters])
    masks = np.array([m.cat_mask for m in matters])
    ok = (magnitude[:, None] <= arrays.threshold[None, :]) & (
        (masks[:, None] & arrays.excluded[None, :]) == 0
    )
    return row_masks(ok)


class Cast(NamedTuple):
    """The votes of one ballot, as masks of parties.

    ``insist`` are the noes the room cast where the agent would have said yes; ``cast``, ``home``,
    ``referred`` and ``room`` are for the record (who cast a vote, who voted as mandated, who
    referred, whose vote the room cast).
    """

    yes: int
    decided: int
    insist: int
    cast: int
    home: int
    referred: int
    room: int


def cast_votes(
    matter: Matter, ev: Evaluation, voters: int, cover: int, room_vote: RoomVote | None = None
) -> Cast:
    """The vote of every member of ``voters`` (the full members entitled to vote: the board
    leaves out those recused) on ``matter`` as evaluated in ``ev``.

    ``cover`` is the mask of parties whose delegated authority covers the matter. A member whose
    home body has answered votes as mandated; one within its authority votes by its own surplus;
    the rest refer. With ``room_vote``, the room is asked, in party order, for the vote of every
    member who may decide; its "refer" sends the matter to the home body even so.
    """
    waiting = mask_of(matter.pending) if matter.pending else 0
    cast = voters & ~waiting
    home = cast & matter.mandated
    rep = cast & ~home & cover
    referred = cast & ~(home | rep)
    decided = home | rep
    yes = decided & ev.yes
    insist = room = 0
    if room_vote is not None:
        for party in members(decided):
            bit = 1 << party
            choice = room_vote(matter, party, bool(ev.yes & bit))
            if not choice:
                continue
            room |= bit
            home &= ~bit
            if choice == "refer":
                referred |= bit
                decided &= ~bit
                yes &= ~bit
            elif choice == "yes":
                yes |= bit
            elif yes & bit:
                insist |= bit
                yes &= ~bit
    return Cast(yes, decided, insist, cast, home, referred, room)


class HomeBodies:
    """The parties' home bodies: when each answers a referral, and how it weighs the matter."""

    def __init__(self, scenario: Scenario, arrays: PartyArrays) -> None:
        self.first, self.cadence, self.notice = derived(scenario, "home_calendar", _home_calendar)
        # Answer days depend only on the scenario and the referral day: one memo per scenario.
        self._answers: dict[int, list[int]] = derived(scenario, "home_answers", lambda s: {})
        self.bfs_home = arrays.bfs_home

    def answer_days(self, day: int) -> list[int]:
        """The day each party's home body would answer a referral made on ``day``.

        That is its first meeting on or after ``day + notice_days`` on its own calendar
        (``first_meeting_day`` then every ``cadence_days``; 000 §3.2).
        """
        answers = self._answers.get(day)
        if answers is None:
            periods = np.maximum(0, -((self.first - day - self.notice) // self.cadence))
            answers = self._answers[day] = (self.first + periods * self.cadence).tolist()
        return answers

    def mandate(self, matter: Matter, parties: int) -> None:
        """The home bodies of ``parties`` have answered: their representatives now vote as
        mandated, with the home body's weighting of own and system interest."""
        matter.mandated |= parties
        bfs = matter.bfs
        for party in members(parties):
            bfs[party] = self.bfs_home[party]

    def forget(self, matter: Matter, parties: int, bfs: np.ndarray) -> None:
        """The mandates of ``parties`` lapse (new representative, new terms, membership change):
        their representatives decide again with their own weighting ``bfs``."""
        lapsed = matter.mandated & parties
        if not lapsed:
            return
        matter.mandated &= ~parties
        for party in members(lapsed):
            matter.bfs[party] = bfs[party]


def _home_calendar(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    bodies = [p.home_body for p in scenario.parties.values()]
    return tuple(
        np.array([getattr(b, f) for b in bodies])
        for f in ("first_meeting_day", "cadence_days", "notice_days")
    )


def concession(trust: np.ndarray, blockers: list[int], others: list[int], floor: float) -> float:
    """How far the board concedes to blockers: from ``floor`` (no trust) to 1 (full trust), by
    the mean trust between the blockers and the other voters (004 p.15)."""
    if not len(blockers) or not len(others):
        return 1.0
    total = sum(float(trust[b, others].sum()) for b in blockers)  # usually one blocker
    mean = total / (len(blockers) * len(others))
    return floor + (1.0 - floor) * mean
