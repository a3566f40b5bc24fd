"""The one place the workshop reads the engine's records (issue 15, for the engine redesign).

Everything the app shows about what happened comes from the model's event log (typed records,
``alliance_sim/events.py``, read by name), its votes, the DataCollector's table and the sentences
of :mod:`alliance_sim.reasons`. They are read here and nowhere else in the workshop. Nothing here
changes the model.

Engine attributes read (besides ``model.parties``, ``model.matters``, ``model.steps``,
``model.day``, ``model.meeting_days``, ``model.index``, ``model.board.open``, ``model.running``):
``model.log.events``, ``model.log.votes`` (``meeting, matter, party, vote, by, x, seq, F, down,
sys, s``), ``model.terminated_day``, ``model.collected()`` (``day``, the figures,
``net_m:<key>``), ``model.network`` (a networkx graph with edge attribute ``trust``),
``SimulationResult(model).summary()`` and ``.blocks_by_party()``, ``model.arrays.bfs`` and
``.bfs_home`` (the best-for-service weights a vote's reason quotes), ``reasons.vote_reason``,
``reasons.consulted_view`` and ``reasons.event_text``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model import AllianceModel
from ..reasons import consulted_view, event_text, vote_reason
from ..records.events import Ev, Event, Vote
from ..result import SimulationResult


def events(model: AllianceModel) -> list[Event]:
    return model.log.events


def votes(model: AllianceModel) -> list[Vote]:
    return model.log.votes


def parties_named(e: Event) -> tuple[int, ...]:
    """The parties a block or a wait names (who blocked; whose home bodies are awaited)."""
    if e.kind is Ev.BLOCKED:
        return tuple(int(i) for i in e.blockers)
    if e.kind is Ev.AWAITING:
        return tuple(int(i) for i in e.waiting)
    return ()


def consulted_views(e: Event) -> dict[int, bool]:
    """For a consultation (on a Reserved Matter, or of the associates on other business): each
    consulted party, and whether it is content."""
    if e.kind is not Ev.CONSULTED:
        return {}
    return {int(p): bool(v) for p, v in zip(e.present, e.content, strict=True)}


def consulted_sentence(model: AllianceModel, e: Event, party: int) -> str:
    """Why a consulted party is for or against the terms of that meeting (it has no vote)."""
    return consulted_view(model, e, party)


def discrete_data(e: Event) -> tuple:
    """The discrete part of an event's data (who was referred, blocked, dissented; flags), as
    comparable values; amounts and terms are left out so that rounding never reads as a change."""
    out = []
    for item in tuple(e)[4:]:  # the record's own fields, after day, meeting, matter, party
        if isinstance(item, bool | int | str | np.integer | np.bool_):
            out.append(item if isinstance(item, str) else int(item))
        elif isinstance(item, tuple) and all(isinstance(i, int | np.integer) for i in item):
            out.append(tuple(int(i) for i in item))
    return tuple(out)


def dissolved_at(model: AllianceModel) -> int | None:
    """The board meeting at which the alliance was dissolved, or None."""
    if getattr(model, "terminated_day", None) is None:
        return None
    found = next((e for e in model.log.events if e.kind is Ev.TERMINATED), None)
    return found.meeting if found is not None else None


def vote_sentence(model: AllianceModel, vote: Vote) -> str:
    """The vote with its reason, in plain English.

    A referral the room chose is the room's choice, not the representative's lack of authority:
    saying "cannot decide: £10.53m exceeds its £1.00m limit" of it would contradict the card the
    room voted on.
    """
    party = model.parties[vote.party]
    if vote.by == "room" and vote.vote == "referred":
        return f"{party.name} refers it to {party.home_body.name} (the room's vote)"
    return vote_reason(model, vote)


def best_for_service(model: AllianceModel, party: int) -> tuple[float, float]:
    """A party's best-for-service weight as its representative weighs a vote, and as its home
    body does (lower, 000 §3.2): a mandated vote's reason quotes the home body's."""
    return float(model.arrays.bfs[party]), float(model.arrays.bfs_home[party])


def event_sentence(model: AllianceModel, e: Event) -> str:
    return event_text(model, e)


def summary(model: AllianceModel) -> dict:
    return SimulationResult(model).summary()


def blocks_by_party(model: AllianceModel) -> dict[str, int]:
    return SimulationResult(model).blocks_by_party()


def collected(model: AllianceModel) -> pd.DataFrame:
    """The DataCollector's table, one row per meeting."""
    return model.collected()


def network(model: AllianceModel):
    """The parties' trust network (networkx, edge attribute ``trust``), or None."""
    return getattr(model, "network", None)
