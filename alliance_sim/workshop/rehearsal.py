"""The meeting waiting for the room, held on a detached copy of the committed run.

Before the room votes, the session must know which votes the next meeting needs, in order, and
an answer can change them (a "no" on an escalation can dissolve the alliance; a "yes" can reach
business the agents' votes would not). So the next meeting is *rehearsed*: held on a copy of the
model whose ``room_vote`` records each vote the room is asked for, answers with the room's votes
collected so far and lets every other vote be the agent's. Once nothing is missing, the last
rehearsal *is* the meeting (runs are deterministic): the session commits it by adopting the copy,
so the committed run is never stepped in place and no view ever reads half a meeting.

The copy must share nothing the run writes to. ``copy.deepcopy`` treats a bound method of a
built-in type as atomic, and the event log keeps one (``EventLog.add = records.append``, its hot
path): a plain deep copy would append the rehearsal's events to the committed log, so every
re-run of the waiting meeting would write its events into the real run. :func:`detached_copy`
gives the copy its own list's ``append``, and :func:`rehearse` checks that the committed log is
untouched afterwards.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

from ..model import AllianceModel
from ..reasons import terms_text


@dataclass(frozen=True)
class Call:
    """One vote the rehearsal asked the room for, in the order the board asked."""

    matter: int  # index into model.matters
    party: int  # index into model.parties
    agent_yes: bool  # what the party's agent would vote
    mandated: bool  # its home body has already answered, and the agent follows that answer
    terms: str  # the terms on the table when asked


def detached_copy(model: AllianceModel) -> AllianceModel:
    """A deep copy of ``model`` that shares no mutable state with it."""
    log = model.log
    memo: dict = {}
    records = copy.deepcopy(log.records, memo)
    # The log's bound ``append`` (a built-in method, which deepcopy would share) becomes the
    # copy's own list's.
    memo[id(log.add)] = records.append
    return copy.deepcopy(model, memo)


def rehearse(
    model: AllianceModel,
    answers: dict[tuple[str, int], str],
    asks: Callable[[str, int], bool],
    agent: str,
) -> tuple[AllianceModel, list[Call]]:
    """Hold the next meeting on a detached copy of ``model``: the copy, held, and the room votes
    it asked for. ``asks(matter_id, party)`` says whether a vote goes to the room; ``answers``
    holds the room's votes so far, keyed ``(matter id, party)`` (``agent``: the agent decides)."""
    before = (len(model.log.records), len(model.log.ballots))
    shadow = detached_copy(model)
    calls: list[Call] = []

    def record(matter, party: int, agent_yes: bool) -> str | None:
        if not asks(matter.id, party):
            return None
        mandated = matter.has_mandate(party)
        calls.append(Call(matter.idx, party, agent_yes, mandated, terms_text(matter, matter.x)))
        answer = answers.get((matter.id, party))
        return None if answer == agent else answer

    shadow.room_vote = record
    shadow.step()
    if (len(model.log.records), len(model.log.ballots)) != before:
        raise RuntimeError("a rehearsal of the next meeting wrote into the committed run")
    return shadow, calls
