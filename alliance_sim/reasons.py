"""Plain-English reasons for every vote, referral, block, amendment and outcome.

Written for a workshop room: "Council votes no: demand shifted to social care costs it £1.4m a
year (up to £1.9m), beyond its tolerance of £0.5m". Built from the structured records in
``events.py`` only when someone reads them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from . import board as B
from .events import Ev, Event, Vote
from .negotiation import best_compromise
from .risk import LEDGER_COLUMNS

if TYPE_CHECKING:
    from .matters import Matter
    from .model import AllianceModel


def money(value_m: float) -> str:
    """£ amounts as a board paper would write them: £1.4m, £250k."""
    v = abs(value_m)
    if v >= 0.995:
        return f"£{v:.1f}m"
    if v >= 0.0005:
        return f"£{v * 1000:.0f}k"
    return "£0"


def date_of(model: AllianceModel, day: int) -> str:
    return (model.start + dt.timedelta(days=int(day))).strftime("%-d %b %Y")


def terms_text(matter: Matter, x: np.ndarray) -> str:
    if not matter.k:
        return "as proposed"
    return ", ".join(
        f"{label} {value:.2f}" for label, value in zip(matter.term_labels, x, strict=True)
    )


def _stance(
    model: AllianceModel, matter: Matter, party: int, yes: bool, s, F, down, own, sys, pos, bfs
) -> str:
    """Why a party (or its home body) is for or against, from the figures of its evaluation."""
    p = model.parties[party]
    label = matter.labels[party] or "the matter"
    why = f" ({matter.labels[party]})" if matter.labels[party] else ""
    tol = p.risk_tolerance_m
    if abs(pos) > 1e-12 and (pos < 0) == (not yes):
        j = int(np.argmax(matter.Om[party])) if matter.Om is not None else 0
        return (
            f"the terms ({terms_text(matter, matter.x)}) are "
            f"{'closer to' if yes else 'further from'} its ideal "
            f"{matter.term_labels[j]} of {matter.P[party, j]:.2f} than the status quo "
            f"({matter.q[j]:.2f})"
        )
    if yes:
        if F >= 0:
            gain = f"it gains {money(F)} a year{why}" if F > 5e-4 else "it loses nothing"
            return f"{gain}, and the system as a whole {_sys(sys)}"
        return (
            f"despite {label} costing it {money(F)} a year, the system as a whole {_sys(sys)} "
            f"(best-for-service weight {bfs:.2f})"
        )
    if -down > tol and F < 0:
        return (
            f"{label} costs it {money(F)} a year (up to {money(down)}), beyond its tolerance of "
            f"{money(tol)}"
        )
    if sys <= 0:
        return f"the system as a whole {_sys(sys)}"
    if F < 0:
        return (
            f"{label} costs it {money(F)} a year, which outweighs the system's "
            f"{_sys(sys).removeprefix('gains ')} gain at its best-for-service weight of {bfs:.2f}"
        )
    return f"it sees too little benefit to its objectives (net {money(own)} a year to it)"


def _sys(sys: float) -> str:
    return f"gains {money(sys)} a year" if sys > 0 else f"loses {money(sys)} a year"


def vote_reason(model: AllianceModel, vote: Vote) -> str:
    matter = model.matters[vote.matter]
    p = model.parties[vote.party]
    if vote.vote == "referred":
        return (
            f"{p.name}'s representative cannot decide: {p.authority_gap(matter)}; referred to "
            f"{p.home_body.name}"
        )
    bfs = model.arrays.bfs_home[vote.party] if vote.by == "home_body" else model.arrays.bfs[
        vote.party]  # fmt: skip
    agent_yes = vote.s > 0
    yes = vote.vote == "yes"
    who = {"home_body": f" (as mandated by {p.home_body.name})", "room": " (the room's vote)"}
    head = f"{p.name} votes {vote.vote}{who.get(vote.by, '')}"
    if vote.by == "room" and yes != agent_yes:
        return f"{head}; the agent would have voted {'yes' if agent_yes else 'no'}"
    stance = _stance(model, matter, vote.party, yes, vote.s, vote.F, vote.down, vote.own,
                     vote.sys, vote.pos, bfs)  # fmt: skip
    return f"{head}: {stance}"


def _names(model: AllianceModel, parties) -> str:
    names = [model.parties[i].name for i in parties]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def event_text(model: AllianceModel, e: Event) -> str:
    """One line of narrative for an event."""
    m = model.matters[e.matter] if e.matter >= 0 else None
    title = f"{m.id} {m.title}" if m else ""
    k = e.kind
    if k is Ev.MEETING:
        return f"Board meeting {e.meeting} on {date_of(model, e.day)}"
    if k is Ev.TABLED:
        proposer = model.parties[m.proposer].name
        extra = " (a Reserved Matter)" if m.reserved else ""
        return f"Tabled: {title}{extra}, proposed by {proposer}; terms: {terms_text(m, m.x0)}"
    if k is Ev.REFERRED:
        p = model.parties[e.party]
        return (
            f"Referred: {p.name}'s representative cannot decide {m.id} ({p.authority_gap(m)}); "
            f"it goes to {p.home_body.name}, which meets on {date_of(model, e.data[0])}"
        )
    if k is Ev.HOME_DECISION:
        p = model.parties[e.party]
        yes, x, ev = e.data
        i = e.party
        pos = float(ev.pos[i]) if ev.pos is not None else 0.0
        saved, m.x = m.x, x
        try:
            stance = _stance(model, m, i, yes, ev.s[i], ev.F[i], ev.down[i], ev.own[i], ev.sys,
                             pos, model.arrays.bfs_home[i])  # fmt: skip
        finally:
            m.x = saved
        verb = "approves" if yes else "rejects"
        return f"{p.home_body.name} {verb} {m.id} on {date_of(model, e.day)}: {stance}"
    if k is Ev.AWAITING:
        return (
            f"Deferred: {m.id} waits for {_names(model, e.data[0])} to hear from their home bodies"
        )
    if k is Ev.BLOCKED:
        blockers, sys = e.data
        if blockers:
            return f"Blocked: {m.id} — {_names(model, blockers)} voted no"
        return (
            f"Not agreed: {m.id} — the system as a whole {_sys(sys)}, so it is not best for service"
        )
    if k is Ev.AMENDED:
        old, new, rows = e.data
        moved = [
            f"{label} {a:.2f} → {b:.2f}"
            for label, a, b in zip(m.term_labels, old, new, strict=True)
            if abs(a - b) > 1e-9
        ]
        toward = (
            f"toward the concerns of {_names(model, rows)}"
            if rows
            else "to improve the whole system"
        )
        return f"Amended: {m.id} {toward}: {'; '.join(moved)}; re-tabled next meeting"
    if k is Ev.AGREED:
        x, dissent, sys = e.data
        text = f"Agreed: {title} on terms {terms_text(m, x)}"
        if dissent:
            text += f" (best for service: system {_sys(sys)}; dissent recorded from {_names(model, dissent)})"
        return text + f", after {m.decided_day - m.tabled_day} days"
    if k is Ev.VOID:
        return f"Void: {title} is a Prohibited Matter — {e.data[0]} — whatever the vote"
    if k is Ev.CONSULTED:
        present, views = e.data
        against = [int(i) for i, v in zip(present, views, strict=True) if not v]
        said = f"; concerns raised by {_names(model, against)}" if against else ""
        return f"Consulted: the board is consulted on {m.id}, a Reserved Matter{said}"
    if k is Ev.RESERVED:
        urgent = e.data[0]
        how = "at once, as it is urgent" if urgent else "after consulting the board"
        return f"Reserved: the commissioners decide {title} alone, {how} (000 §3.4-3.5)"
    if k is Ev.STALEMATE:
        return f"Stalemate: {title} — {stalemate_reason(model, m, *e.data)}"
    if k is Ev.WITHDRAWN:
        return f"Withdrawn: {title} — {e.data[0]}"
    p = model.parties[e.party] if e.party >= 0 else None
    if k is Ev.NOTICE:
        new, effective, reason = e.data
        what = "leave the alliance" if new == "none" else f"become a {new} member"
        return (f"Notice: {p.name} gives notice to {what} from {date_of(model, effective)}, "
                f"because {reason}")  # fmt: skip
    if k is Ev.MEMBERSHIP:
        old, new, reason = e.data
        return f"Membership: {p.name} changes from {old} to {new} member ({reason})"
    if k is Ev.SHOCK:
        return (f"Policy change: a national or local funding change costs {p.name} "
                f"{money(e.data[0])} a year (001 §42)")  # fmt: skip
    if k is Ev.SETTLED:
        return _settlement_text(model, e.data[0])
    if k is Ev.REPRESENTATIVE:
        reopened = e.data[0]
        again = f"; {reopened} matter(s) it had settled are revisited" if reopened else ""
        return f"New representative: {p.name} sends a new representative to the board (004 p.15){again}"
    if k is Ev.TRANSITION:
        if e.data[0] == "complete":
            return (
                "Transition complete: every transition matter was agreed by the deadline (001 §43)"
            )
        return (f"Transition: the alliance is {e.data[0]}; the unagreed transition matters are "
                f"tabled again, due by {date_of(model, e.data[1])} (001 §40)")  # fmt: skip
    if k is Ev.TERMINATED:
        return f"Terminated: the alliance is dissolved — {e.data[0]}. It decides nothing more."
    return f"{k.name}: {title}"


def _settlement_text(model: AllianceModel, period: int) -> str:
    rows = model.risk.ledger.period_rows(period)
    level, pool_p = rows[0][5], rows[0][7]
    pool = pool_p / 1e8
    kind = (f"a gain share of {money(pool)}" if pool > 0 else f"a pain share of {money(pool)}"
            if pool < 0 else "no gain or pain to share")  # fmt: skip
    net = LEDGER_COLUMNS.index("net_m")
    worst = min(rows, key=lambda r: r[net])
    return (
        f"Period {period + 1} settled: performance {level}, {kind} among full members; worst placed {model.parties[worst[3]].name} at {'-' if worst[net] < 0 else ''}"
        f"{money(worst[net])}"
    )


def stalemate_reason(
    model: AllianceModel, m: Matter, why: str, blockers, waiting=(), voters=None
) -> str:
    if why == B.STALE_REFERRAL:
        waiting = _names(model, waiting)
        return f"the deadline passed while waiting for {waiting} to hear from their home bodies"
    if why == B.STALE_AGENDA:
        return "the board never reached it on its agenda before the deadline"
    if why == B.STALE_TERM:
        return "the term ended before the board decided it"
    who = _names(model, blockers) if blockers else "the board"
    voters = np.array(voters if voters is not None else model.voters, dtype=int)
    x, ev = best_compromise(m, voters, model.arrays, m.bfs)
    if (ev.s[voters] > 0).all():
        found = f"terms every full member prefers existed (e.g. {terms_text(m, x)}) but were not reached"
    else:
        worst = int(voters[np.argmin(ev.s[voters])])
        found = (
            "no terms were found that every full member prefers to the status quo (the best "
            f"compromise still leaves {model.parties[worst].name} against)"
        )
    if why == B.STALE_NOTHING:
        return f"{who} would not agree and nothing left to negotiate could change that; {found}"
    return f"{who} still would not agree by the deadline; {found}"
