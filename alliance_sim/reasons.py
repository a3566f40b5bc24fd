"""Plain-English reasons for every vote, referral, block, amendment and outcome.

Written for a workshop room: "Council votes no: demand shifted to social care costs it £1.4m a
year (up to £1.9m), beyond its tolerance of £0.5m". Worded from the typed records in
``records/events.py`` (each carries its terms and evaluation) and the matters' fixed facts, read
through a narrow view of the run (:class:`RunView`), only when someone reads them; nothing here
changes the model. A clause is cited from the alliance's own table (``[clauses]``,
``config/clauses.py``): a rule its documents have no clause for cites nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .board.acceptable import best_terms
from .config import Clause, Clauses
from .records import events as E
from .records.events import StaleWhy, Vote
from .registry import PROHIBITED_GROUNDS
from .text import date_of, money

if TYPE_CHECKING:
    import datetime as dt

    from agents.base import Party
    from agents.valuation import PartyArrays

    from .business.risk import RiskBook
    from .records.matters import Matter


class RunView(Protocol):
    """What the reasons read of a run, and all they read: the parties, the matters, the parties'
    decision arrays, the risk book's periods, the event log (a vote's home-body answer), the
    start date and the alliance's own clauses (an ``AllianceModel`` is one)."""

    @property
    def start(self) -> dt.date: ...

    @property
    def parties(self) -> Sequence[Party]: ...

    @property
    def matters(self) -> Sequence[Matter]: ...

    @property
    def arrays(self) -> PartyArrays: ...

    @property
    def risk(self) -> RiskBook: ...

    @property
    def log(self) -> E.EventLog: ...

    @property
    def clauses(self) -> Clauses: ...


def terms_text(matter: Matter, x: np.ndarray) -> str:
    if not matter.k:
        return "as proposed"
    return ", ".join(
        f"{label} {value:.2f}" for label, value in zip(matter.term_labels, x, strict=True)
    )


def _stance(
    model: RunView,
    matter: Matter,
    x,
    party: int,
    yes: bool,
    s,
    F,
    down,
    own,
    sys,
    pos,
    bfs,
    home: bool = False,
) -> str:
    """Why a party (or its home body) is for or against terms ``x``, from its evaluation's figures;
    ``home``: the weighing is its home body's (whose best-for-service weight is quoted)."""
    weight = "its home body's best-for-service weight" if home else "its best-for-service weight"
    p = model.parties[party]
    label = matter.labels[party] or "the matter"
    why = f" ({matter.labels[party]})" if matter.labels[party] else ""
    tol = p.risk_tolerance_m
    if abs(pos) > 1e-12 and (pos < 0) == (not yes):
        j = int(np.argmax(matter.Om[party])) if matter.Om is not None else 0
        return (
            f"the terms ({terms_text(matter, x)}) are "
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
            f"({weight} {bfs:.2f})"
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
            f"{_sys(sys).removeprefix('gains ')} gain at {weight} of {bfs:.2f}"
        )
    if own < 0 and -down > tol:
        return (
            f"it could lose up to {money(down)} a year on it, beyond its tolerance of "
            f"{money(tol)}, which outweighs what it expects to gain"
        )
    if own < 0:
        return f"its objectives lose more than it gains (net -{money(own)} a year to it)"
    return f"it sees too little benefit to its objectives (net {money(own)} a year to it)"


def _sys(sys: float) -> str:
    return f"gains {money(sys)} a year" if sys > 0 else f"loses {money(sys)} a year"


def vote_head(model: RunView, vote: Vote) -> str:
    """Who voted how, and by whose hand: "Council votes no (as its Committee decided on 3 May:
    it rejected these terms)"."""
    p = model.parties[vote.party]
    if vote.by == "room":
        return f"{p.name} votes {vote.vote} (the room's vote)"
    if vote.by == "home_body":
        return f"{p.name} votes {vote.vote} ({_mandate(model, vote)})"
    return f"{p.name} votes {vote.vote}"


def _mandate(model: RunView, vote: Vote) -> str:
    """What a vote cast under a home body's answer rests on. The answer is a mandate: the home
    body's weighing of its own and the system's interest (``bfs_home``), within which its
    representative votes on the terms before the board (``agents/voting.py``). On the very terms
    the home body answered on, the vote is its decision; on terms amended since
    (``board.mandate_covers_amendments``), the representative applies the mandate, whatever the
    home body said of the earlier terms."""
    body = model.parties[vote.party].home_body.name
    answer = model.log.answer_before(vote.matter, vote.party, vote.seq)
    if answer is None:  # not expected: a vote by the home body follows its answer
        return f"within the mandate of {body}"
    said = "approved" if answer.approved else "rejected"
    when = date_of(model, answer.day)
    if np.array_equal(answer.x, vote.x) and answer.approved == (vote.vote == "yes"):
        return f"as {body} decided on {when}: it {said} these terms"
    then = terms_text(model.matters[vote.matter], answer.x)
    return (f"within the mandate {body} gave on {when}, when it {said} the terms then before it "
            f"({then})")  # fmt: skip


def vote_stance(model: RunView, vote: Vote) -> str:
    """Why the vote went as it did, without its head, for a table that names the party."""
    matter = model.matters[vote.matter]
    p = model.parties[vote.party]
    if vote.vote == "referred":
        return f"cannot decide: {p.authority_gap(matter)}; referred to {p.home_body.name}"
    agent_yes = vote.s > 0
    yes = vote.vote == "yes"
    if vote.by == "room" and yes != agent_yes:
        return f"the agent would have voted {'yes' if agent_yes else 'no'}"
    home = vote.by == "home_body"
    bfs = (model.arrays.bfs_home if home else model.arrays.bfs)[vote.party]
    return _stance(model, matter, vote.x, vote.party, yes, vote.s, vote.F, vote.down, vote.own,
                   vote.sys, vote.pos, bfs, home)  # fmt: skip


def vote_reason(model: RunView, vote: Vote) -> str:
    p = model.parties[vote.party]
    if vote.vote == "referred":
        return f"{p.name}'s representative {vote_stance(model, vote)}"
    sep = "; " if vote.by == "room" and (vote.vote == "yes") != (vote.s > 0) else ": "
    return f"{vote_head(model, vote)}{sep}{vote_stance(model, vote)}"


def _names(model: RunView, parties) -> str:
    names = [model.parties[i].name for i in parties]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# -- one line of narrative per kind of record ---------------------------------------------------
def _title(model: RunView, e) -> str:
    m = model.matters[e.matter]
    return f"{m.id} {m.title}"


def _meeting(model, e: E.Meeting) -> str:
    return f"Board meeting {e.meeting} on {date_of(model, e.day)}"


def _tabled(model, e: E.Tabled) -> str:
    m = model.matters[e.matter]
    proposer = model.parties[m.proposer].name
    extra = " (a Reserved Matter)" if m.reserved else ""
    return (
        f"Tabled: {_title(model, e)}{extra}, proposed by {proposer}; terms: {terms_text(m, m.x0)}"
    )


def _referred(model, e: E.Referred) -> str:
    m = model.matters[e.matter]
    p = model.parties[e.party]
    if e.on_notice:
        return (
            f"Referred on notice: {m.id} is proposed on {date_of(model, e.day)} and "
            f"{p.name}'s representative cannot decide it ({p.authority_gap(m)}); it seeks "
            f"{p.home_body.name}'s approval before the board meets, at its meeting on "
            f"{date_of(model, e.answer_day)}{model.clauses.cite(Clause.NOTICE)}"
        )
    return (
        f"Referred: {p.name}'s representative cannot decide {m.id} ({p.authority_gap(m)}); "
        f"it goes to {p.home_body.name}, which meets on {date_of(model, e.answer_day)}"
    )


def _home_decision(model, e: E.HomeDecision) -> str:
    m = model.matters[e.matter]
    p = model.parties[e.party]
    i, ev = e.party, e.ev
    pos = float(ev.pos[i]) if ev.pos is not None else 0.0
    stance = _stance(model, m, e.x, i, e.approved, ev.s[i], ev.F[i], ev.down[i], ev.own[i],
                     ev.sys, pos, model.arrays.bfs_home[i], True)  # fmt: skip
    verb = "approves" if e.approved else "rejects"
    return f"{p.home_body.name} {verb} {m.id} on {date_of(model, e.day)}: {stance}"


def _awaiting(model, e: E.Awaiting) -> str:
    m = model.matters[e.matter]
    return f"Deferred: {m.id} waits for {_names(model, e.waiting)} to hear from their home bodies"


def _blocked(model, e: E.Blocked) -> str:
    m = model.matters[e.matter]
    if e.blockers:
        return f"Blocked: {m.id} — {_names(model, e.blockers)} voted no"
    return (
        f"Not agreed: {m.id} — the system as a whole {_sys(e.system_m)}, so it is not best for "
        "service"
    )


def _amended(model, e: E.Amended) -> str:
    m = model.matters[e.matter]
    moved = [
        f"{label} {a:.2f} → {b:.2f}" if f"{a:.2f}" != f"{b:.2f}" else f"{label} {a:.3f} → {b:.3f}"
        for label, a, b in zip(m.term_labels, e.old, e.new, strict=True)
        if abs(a - b) > 1e-9
    ]
    toward = (
        f"to keep within what the commissioners have committed"
        f"{model.clauses.cite(Clause.COMMISSIONER_MONEY)}"
        if e.within_money
        else f"by the chair, to terms every full member prefers{model.clauses.cite(Clause.CHAIR)}"
        if e.chair
        else f"toward the concerns of {_names(model, e.toward)}"
        if e.toward
        else "to improve the whole system"
    )
    return f"Amended: {m.id} {toward}: {'; '.join(moved)}; re-tabled next meeting"


def _agreed(model, e: E.Agreed) -> str:
    m = model.matters[e.matter]
    text = f"Agreed: {_title(model, e)} on terms {terms_text(m, e.x)}"
    if e.dissent:
        text += (
            f" (best for service: system {_sys(e.system_m)}; dissent recorded from "
            f"{_names(model, e.dissent)})"
        )
    return text + f", after {e.day - m.tabled_day} days"


def _recused(model, e: E.Recused) -> str:
    m = model.matters[e.matter]
    p = model.parties[e.party]
    return (
        f"Conflict of interest: {p.name} notifies the board that it competes to provide the "
        f"services {m.id} concerns; the board manages the conflict by recusal, so {p.name} "
        f"does not vote on {m.id} and cannot block it{model.clauses.cite(Clause.RECUSAL)}"
    )


def _void(model, e: E.Void) -> str:
    ground = PROHIBITED_GROUNDS[e.ground]
    return (
        f"Void: {_title(model, e)} is a Prohibited Matter — it would {ground.text}"
        f"{model.clauses.cite(Clause(ground.name))} — whatever the vote"
    )


def _consulted(model, e: E.Consulted) -> str:
    m = model.matters[e.matter]
    if not e.reserved:
        views = "; ".join(consulted_view(model, e, int(i)) for i in e.present)
        return (f"Associates consulted on {m.id} ({terms_text(m, e.x)}), without a vote"
                f"{model.clauses.cite(Clause.ASSOCIATES)}: {views}")  # fmt: skip
    against = [int(i) for i, v in zip(e.present, e.content, strict=True) if not v]
    said = f"; concerns raised by {_names(model, against)}" if against else ""
    return f"Consulted: the board is consulted on {m.id}, a Reserved Matter{said}"


def consulted_view(model: RunView, e: E.Consulted, party: int) -> str:
    """A consulted member's view of the terms before that meeting, and why, worded as a vote's
    reason from the same evaluation: "Mid-Notts social care provider is against: ..."."""
    m = model.matters[e.matter]
    ev = e.ev
    content = bool(e.content[list(e.present).index(party)])
    pos = float(ev.pos[party]) if ev.pos is not None else 0.0
    stance = _stance(model, m, e.x, party, content, ev.s[party], ev.F[party], ev.down[party],
                     ev.own[party], ev.sys, pos, model.arrays.bfs[party])  # fmt: skip
    return f"{model.parties[party].name} is {'for' if content else 'against'}: {stance}"


def _reserved(model, e: E.Reserved) -> str:
    if model.matters[e.matter].outside:
        return (f"Commissioning outside the alliance: the commissioners decide {_title(model, e)} "
                f"alone, through their own governance, as before the agreement"
                f"{model.clauses.cite(Clause.COMMISSIONING_OUTSIDE)}")  # fmt: skip
    how = "at once, as it is urgent" if e.urgent else "after consulting the board"
    return (f"Reserved: the commissioners decide {_title(model, e)} alone, "
            f"{how}{model.clauses.cite(Clause.RESERVED)}")  # fmt: skip


def _stalemate(model, e: E.Stalemate) -> str:
    return f"Stalemate: {_title(model, e)} — {stalemate_reason(model, e)}"


def _open_at_end(model, e: E.OpenAtEnd) -> str:
    m = model.matters[e.matter]
    text = f"Still open: {_title(model, e)} — still before the board when the term ended"
    if e.waiting:
        text += f", waiting for {_names(model, e.waiting)} to hear from their home bodies"
    elif e.blockers:
        text += f", last blocked by {_names(model, e.blockers)}"
    return text + f" ({e.day - m.tabled_day} days after it was tabled)"


def _withdrawn(model, e: E.Withdrawn) -> str:
    return f"Withdrawn: {_title(model, e)} — {e.reason}"


def _notice(model, e: E.Notice) -> str:
    p = model.parties[e.party]
    what = "leave the alliance" if e.new == "none" else f"become a {e.new} member"
    return (f"Notice: {p.name} gives notice to {what} from {date_of(model, e.effective_day)}, "
            f"because {e.reason}")  # fmt: skip


def _membership(model, e: E.MembershipChanged) -> str:
    p = model.parties[e.party]
    return f"Membership: {p.name} changes from {e.old} to {e.new} member ({e.reason})"


def _shock(model, e: E.Shock) -> str:
    p = model.parties[e.party]
    return (f"Policy change: a national or local funding change costs {p.name} "
            f"{money(e.cost_m)} a year{model.clauses.cite(Clause.POLICY_CHANGE)}")  # fmt: skip


def _settled(model, e: E.Settled) -> str:
    period = model.risk.ledger.periods[e.period]
    pool = period.pool_pence / 1e8
    kind = (f"a gain share of {money(pool)}" if pool > 0 else f"a pain share of {money(pool)}"
            if pool < 0 else "no gain or pain to share")  # fmt: skip
    worst = int(np.argmin(period.net))
    net = float(period.net[worst])
    areas = model.risk.ledger.areas
    if len(areas) == 1:
        performance = f"performance {period.levels[0]}"
    else:  # 004 p.7: a level for each key result area
        performance = "performance " + ", ".join(
            f"{area} {level}" for area, level in zip(areas, period.levels, strict=True)
        )
    pooled = f" ({period.pooled_fraction:.0%} of realised effects pooled)" if pool else ""
    text = (
        f"Period {e.period + 1} settled: {performance}; {kind} among full members{pooled}; "
        f"worst placed {model.parties[worst].name} at {'-' if net < 0 else ''}{money(net)}"
    )
    hosted = -int(period.host_cost_pence.sum())
    if hosted:
        host = int(np.argmin(period.host_cost_pence))
        recovered = int(period.host_recovery_pence[host])
        text += (
            f"; {model.parties[host].name}, the host partner, recovers {money(recovered / 1e8)} "
            f"of its {money(hosted / 1e8)} costs of hosting from the other partners"
            f"{model.clauses.cite(Clause.HOST_RECOVERY)}"
        )
    return text


def _representative(model, e: E.Representative) -> str:
    p = model.parties[e.party]
    again = f"; {e.reopened} matter(s) it had settled are revisited" if e.reopened else ""
    return (f"New representative: {p.name} sends a new representative to the board"
            f"{model.clauses.cite(Clause.NEW_REPRESENTATIVE)}{again}")  # fmt: skip


def _transition(model, e: E.Transition) -> str:
    if e.outcome == "complete":
        return ("Transition complete: every transition matter was agreed by the deadline"
                f"{model.clauses.cite(Clause.TRANSITION)}")  # fmt: skip
    return (f"Transition: the alliance is {e.outcome}; the unagreed transition matters are "
            f"tabled again, due by {date_of(model, e.deadline)}"
            f"{model.clauses.cite(Clause.TRANSITION_ESCALATION)}")  # fmt: skip


def _terminated(model, e: E.Terminated) -> str:
    return f"Terminated: the alliance is dissolved — {e.reason}. It decides nothing more."


def _term(model, e: E.TermDecided) -> str:
    m = model.matters[e.matter]
    if e.outcome == "extended":
        what = (f"the board agrees to extend the agreement by {e.years:g} years beyond "
                f"{date_of(model, e.end_day)}")  # fmt: skip
    else:
        who = f" ({_names(model, m.blockers)} would not agree)" if m.blockers else ""
        what = (f"the board does not agree to extend the agreement beyond "
                f"{date_of(model, e.end_day)}{who}")  # fmt: skip
    return (f"Term: {what}{model.clauses.cite(Clause.TERM_EXTENSION)}; the simulation still ends "
            "with the term, so designs compare over the same years")  # fmt: skip


def _dispute(model, e: E.Dispute) -> str:
    return (f"Dispute: {model.parties[e.party].name} has blocked {e.stalemates} matters proposed "
            f"by {model.parties[e.other].name} into stalemate, most recently "
            f"{model.matters[e.matter].id}; the board has not resolved the dispute"
            f"{model.clauses.cite(Clause.DISPUTE)}")  # fmt: skip


def _force_majeure(model, e: E.ForceMajeure) -> str:
    return (f"Force majeure: an Event of Force Majeure on {date_of(model, e.day)} renders the "
            f"agreement's continuation impossible{model.clauses.cite(Clause.FORCE_MAJEURE)}")  # fmt: skip


TEXT = {
    E.Meeting: _meeting, E.Tabled: _tabled, E.Referred: _referred,
    E.HomeDecision: _home_decision, E.Awaiting: _awaiting, E.Blocked: _blocked,
    E.Amended: _amended, E.Agreed: _agreed, E.Void: _void, E.Consulted: _consulted,
    E.Reserved: _reserved, E.Stalemate: _stalemate, E.OpenAtEnd: _open_at_end,
    E.Recused: _recused,
    E.Withdrawn: _withdrawn, E.Notice: _notice,
    E.MembershipChanged: _membership, E.Shock: _shock, E.Settled: _settled,
    E.Representative: _representative, E.Transition: _transition, E.Terminated: _terminated,
    E.TermDecided: _term, E.Dispute: _dispute, E.ForceMajeure: _force_majeure,
}  # fmt: skip


def event_text(model: RunView, e: E.Event) -> str:
    """One line of narrative for an event."""
    return TEXT[type(e)](model, e)


def stalemate_reason(model: RunView, e: E.Stalemate) -> str:
    if e.why == StaleWhy.REFERRAL:
        waiting = _names(model, e.waiting)
        return f"the deadline passed while waiting for {waiting} to hear from their home bodies"
    if e.why == StaleWhy.AGENDA:
        return "the board never reached it on its agenda before the deadline"
    m = model.matters[e.matter]
    who = _names(model, e.blockers) if e.blockers else "the board"
    voters = list(e.voters)
    best = e.best
    if best is None:
        best = best_terms(m, voters, model.arrays, e.bfs, limit=e.limit)
    if e.why == StaleWhy.NO_TERMS or not best.exists:
        free = best_terms(m, voters, model.arrays, e.bfs) if e.limit is not None else best
        if free.exists:  # what every member prefers would need the commissioners' money
            proved = (
                "no terms exist that every full member prefers to the status quo without "
                "requiring the commissioners to invest further monies"
                f"{model.clauses.cite(Clause.COMMISSIONER_MONEY)}: those they would agree, e.g. "
                f"{terms_text(m, free.x)}, would need them"
            )
        else:
            against = model.parties[free.worst].name if free.worst >= 0 else "the system as a whole"
            proved = (
                "no terms exist that every full member prefers to the status quo (the terms best "
                f"for the least content member, {terms_text(m, free.x)}, still leave {against} "
                "against)"
            )
        if e.why == StaleWhy.NO_TERMS:
            return f"{who} would not agree, and {proved}"
        return f"{who} still would not agree by the deadline, and {proved}"
    found = f"terms every full member prefers existed (e.g. {terms_text(m, best.x)})"
    if e.why == StaleWhy.NO_AMENDMENT:
        return f"{who} would not agree though {found}: nothing an amendment could change"
    return f"{who} still would not agree by the deadline; {found} but the board ran out of time"
