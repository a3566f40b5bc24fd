"""What the workshop shows, as plain rows and sentences built from the model's records.

Nothing here draws or knows about the browser: the app turns these rows into tables, and the tests
read them directly. The engine's records are read through :mod:`.records` (the workshop's one
adapter to them); every sentence about a vote or an event comes from there.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..config import Clause, Membership
from ..model import AllianceModel
from ..reasons import terms_text
from ..records.events import Ev, Event, Vote
from ..text import date_of, money
from . import records
from .records import dissolved_at

__all__ = ["dissolved_at"]  # re-exported for the session and the app

KIND_ORDER = ("commissioner", "council", "provider", "vcse")
KIND_LABELS = {
    "commissioner": "Commissioner",
    "council": "Council",
    "provider": "Provider",
    "vcse": "Voluntary sector",
}
_SHORTER = (
    (" Clinical Commissioning Group", " CCG"),
    (" NHS Foundation Trust", ""),
    (" NHS Trust", ""),
    (" Ltd", ""),
    ("London Borough of ", ""),
)
#: Events that put a matter on this meeting's list (answers from home bodies do not).
_AGENDA_EVENTS = frozenset(
    {
        Ev.TABLED,
        Ev.REFERRED,
        Ev.AWAITING,
        Ev.BLOCKED,
        Ev.AMENDED,
        Ev.AGREED,
        Ev.STALEMATE,
        Ev.VOID,
        Ev.CONSULTED,
        Ev.RESERVED,
        Ev.WITHDRAWN,
    }
)
_OUTCOME_WORDS = {
    Ev.AGREED: "Agreed",
    Ev.STALEMATE: "Stalemate",
    Ev.VOID: "Void: a Prohibited Matter",
    Ev.RESERVED: "Decided by the commissioners (Reserved Matter)",
    Ev.WITHDRAWN: "Withdrawn",
}


def short_name(name: str) -> str:
    """A party's name as a label: "(TEAM)" if it has one, else without "NHS Trust" and the like."""
    acronym = re.search(r"\(([A-Z][A-Za-z]{1,9})\)\s*$", name)
    if acronym:
        return acronym.group(1)
    for long, short in _SHORTER:
        name = name.replace(long, short)
    return name.strip()


def vote_reason_of(model: AllianceModel, vote: Vote) -> str:
    """A vote with its reason, as the narrative tells it."""
    return records.vote_sentence(model, vote)


def plural(n: int, one: str, many: str | None = None) -> str:
    """ "1 vote", "3 votes" (``many`` for irregular plurals: "1 body", "2 bodies")."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def choice_word(choice: str) -> str:
    """A room's choice as the vote tables write it ("refer" is recorded as "referred")."""
    return {"refer": "referred", "agent": "left to the agent"}.get(choice, choice)


def term_state(model: AllianceModel) -> str:
    """How the term ended, or how far it has got: for the header and the debrief."""
    held, total = model.steps, len(model.meeting_days)
    dissolved = dissolved_at(model)
    if dissolved is not None:
        return f"Dissolved at meeting {dissolved} of {total}"
    if not model.running:
        return f"Term ended: all {total} meetings held"
    return f"{held} of {total} meetings held"


def membership_of(model: AllianceModel, party: int) -> str:
    return str(model.parties[party].membership)


# -- one meeting --------------------------------------------------------------------------------
def meeting_events(model: AllianceModel, meeting: int) -> list[tuple[int, Event]]:
    """The events of one meeting with their positions in the log."""
    return [(i, e) for i, e in enumerate(records.events(model)) if e.meeting == meeting]


def meeting_votes(model: AllianceModel, meeting: int) -> list[Vote]:
    return [v for v in records.votes(model) if v.meeting == meeting]


@dataclass
class AgendaItem:
    """One matter the board dealt with at a meeting, and what became of it there."""

    matter: int
    id: str
    title: str
    proposer: str
    magnitude: str
    terms: str
    status: str
    tone: str  # agreed | blocked | waiting | neutral: how the app colours the status
    counts: str = ""


def agenda(model: AllianceModel, meeting: int | None = None) -> list[AgendaItem]:
    """The matters taken at a meeting (the last one held by default), in the order taken."""
    meeting = model.steps if meeting is None else meeting
    events = meeting_events(model, meeting)
    votes = meeting_votes(model, meeting)
    # Ordered as taken: by the first vote or decision on each matter; tabling alone comes last.
    first: dict[int, float] = {}
    for seq, e in events:
        if e.kind in _AGENDA_EVENTS and e.matter >= 0:
            late = len(records.events(model)) if e.kind is Ev.TABLED else 0
            first[e.matter] = min(first.get(e.matter, math.inf), seq + late)
    for v in votes:
        first[v.matter] = min(first.get(v.matter, math.inf), v.seq - 0.5)
    unanimity = model.board.rule.veto
    items = []
    for idx in sorted(first, key=first.get):
        m = model.matters[idx]
        kinds = {e.kind: e for _, e in events if e.matter == idx}
        cast = [v for v in votes if v.matter == idx]
        tally = {w: sum(v.vote == w for v in cast) for w in ("yes", "no", "referred")}
        counts = ", ".join(f"{n} {w}" for w, n in tally.items() if n)
        parts: list[str] = []
        tone = "neutral"
        if Ev.TABLED in kinds and not cast and len(kinds) == 1:
            parts.append("Tabled")
        no_voters = [model.parties[v.party].name for v in cast if v.vote == "no"]
        if Ev.BLOCKED in kinds:
            blockers = records.parties_named(kinds[Ev.BLOCKED])
            who = ", ".join(model.parties[i].name for i in blockers)
            parts.append(f"Blocked by {who}" if who else "Not best for service")
            tone = "blocked"
        elif no_voters and unanimity:
            parts.append(f"Blocked by {', '.join(no_voters)}")
            tone = "blocked"
        elif no_voters:
            parts.append(f"Objection from {', '.join(no_voters)}")
        if Ev.AWAITING in kinds:
            waiting = records.parties_named(kinds[Ev.AWAITING])
            parts.append(f"waiting for {plural(len(waiting), 'home body', 'home bodies')}")
            tone = "waiting" if tone == "neutral" else tone
        if Ev.AMENDED in kinds:
            parts.append("amended, back next meeting")
        for kind, word in _OUTCOME_WORDS.items():
            if kind in kinds:
                parts.append(word)
                tone = "agreed" if kind in (Ev.AGREED, Ev.RESERVED) else "blocked"
        x = cast[0].x if cast else m.x
        items.append(
            AgendaItem(
                matter=idx,
                id=m.id,
                title=m.title,
                proposer=model.parties[m.proposer].name,
                magnitude=money(m.magnitude),
                terms=terms_text(m, x),
                status="; ".join(parts) if parts else "Considered",
                tone=tone,
                counts=counts,
            )
        )
    return items


@dataclass
class VoteRow:
    """One party's part in one matter at one meeting."""

    party: int
    name: str
    kind: str
    membership: str
    vote: str  # yes | no | referred | not voting | awaiting home body | consulted | —
    by: str  # representative | home_body | room | ""
    reason: str
    room: bool = False  # the room plays this party


def vote_table(
    model: AllianceModel, matter: int, meeting: int | None = None, room: set[int] | None = None
) -> list[VoteRow]:
    """Every party's vote (or why it has none) on one matter at a meeting, with the reason."""
    meeting = model.steps if meeting is None else meeting
    m = model.matters[matter]
    cast = {v.party: v for v in meeting_votes(model, meeting) if v.matter == matter}
    consulted = next(
        (
            e
            for _, e in meeting_events(model, meeting)
            if e.kind is Ev.CONSULTED and e.matter == matter
        ),
        None,
    )
    views = records.consulted_views(consulted) if consulted is not None else {}
    rows = []
    for p in model.parties:
        i = p.index
        membership = str(p.membership)
        vote, by, reason = "—", "", ""
        if i in cast:
            v = cast[i]
            vote, by, reason = v.vote, v.by, vote_reason_of(model, v)
        elif i in views and not consulted.reserved:
            vote = "consulted"
            reason = (
                records.consulted_sentence(model, consulted, i)
                + "; an associate member gives its view but does not vote"
                + model.clauses.cite(Clause.ASSOCIATES)
            )
        elif i in views:
            vote = "consulted"
            reason = (
                f"{p.name} is consulted: "
                + ("content with it" if views[i] else "raises concerns")
                + "; the commissioners decide a Reserved Matter"
                + model.clauses.cite(Clause.RESERVED)
            )
        elif p.membership is not Membership.FULL:
            vote = "not voting"
            reason = (
                f"{p.name} is an associate member: it attends and speaks but does not vote"
                + model.clauses.cite(Clause.ASSOCIATES)
                if p.membership is Membership.ASSOCIATE
                else f"{p.name} is not a member of the alliance"
            )
        elif i in m.pending:
            vote = "awaiting home body"
            reason = (
                f"Referred earlier: {p.home_body.name} meets on {date_of(model, m.pending[i])}; "
                "the matter cannot be decided before it answers"
            )
        else:
            reason = _why_no_vote(model, m, meeting, i)
        rows.append(
            VoteRow(
                party=i,
                name=p.name,
                kind=p.kind,
                membership=membership,
                vote=vote,
                by=by,
                reason=reason,
                room=room is not None and i in room,
            )
        )
    return rows


def _why_no_vote(model: AllianceModel, m, meeting: int, party: int) -> str:
    """Why a full member cast no vote on a matter at a meeting (a row is never left blank)."""
    if any(v.matter == m.idx for v in meeting_votes(model, meeting)):
        return "Cast no vote on it at this meeting (its vote was taken earlier, or not needed)"
    kinds = {e.kind for _, e in meeting_events(model, meeting) if e.matter == m.idx}
    if Ev.AWAITING in kinds:
        return "No vote at this meeting: the board waits for the home bodies' answers"
    if kinds == {Ev.TABLED}:
        return "No vote at this meeting: the matter was only tabled"
    return "No vote on it at this meeting"


@dataclass
class Referral:
    matter_id: str
    title: str
    party: str
    home_body: str
    answers_on: str
    back_at_board: str


def referrals(model: AllianceModel) -> list[Referral]:
    """Matters waiting for home bodies now, and the board meeting their answers come back to."""
    rows = []
    for m in sorted(model.board.open, key=lambda m: m.idx):
        for party, day in sorted(m.pending.items(), key=lambda kv: (kv[1], kv[0])):
            p = model.parties[party]
            back = next((d for d in model.meeting_days if d > day), None)
            rows.append(
                Referral(
                    matter_id=m.id,
                    title=m.title,
                    party=p.name,
                    home_body=p.home_body.name,
                    answers_on=date_of(model, day),
                    back_at_board=date_of(model, back) if back is not None else "after the term",
                )
            )
    return rows


def meeting_lines(model: AllianceModel, kinds: set[Ev], meeting: int | None = None) -> list[str]:
    """Narrative lines of the given kinds at a meeting (e.g. amendments, answers received)."""
    meeting = model.steps if meeting is None else meeting
    return [
        records.event_sentence(model, e)
        for _, e in meeting_events(model, meeting)
        if e.kind in kinds
    ]


# -- the story so far ---------------------------------------------------------------------------
@dataclass
class Line:
    text: str
    kind: str  # meeting | event | vote | room
    indent: int = 0


@dataclass
class MeetingStory:
    meeting: int
    heading: str
    lines: list[Line] = field(default_factory=list)


def narrative(
    model: AllianceModel, votes: bool = True, last: int | None = None
) -> list[MeetingStory]:
    """The meetings held, most recent first, each vote under what it concerns; room votes marked.

    ``last`` limits the story to that many recent meetings.
    """
    events = records.events(model)
    cast: dict[int, list[Vote]] = {}
    for v in records.votes(model):
        if votes or v.by == "room":
            cast.setdefault(v.seq, []).append(v)
    lowest = model.steps - last + 1 if last else 0
    stories: dict[int, MeetingStory] = {}
    current: MeetingStory | None = None

    def add_votes(seq: int) -> None:
        for v in cast.get(seq, ()):
            if current is not None:
                kind = "room" if v.by == "room" else "vote"
                current.lines.append(Line(records.vote_sentence(model, v), kind, 2))

    for seq, e in enumerate(events):
        if e.meeting < lowest:
            continue
        add_votes(seq)
        if e.kind is Ev.MEETING:
            current = stories.setdefault(e.meeting, MeetingStory(e.meeting, ""))
            current.heading = records.event_sentence(model, e)
            continue
        if current is None or current.meeting != e.meeting:
            current = stories.setdefault(
                e.meeting, MeetingStory(e.meeting, f"Board meeting {e.meeting}")
            )
        current.lines.append(Line(records.event_sentence(model, e), "event", 1))
    add_votes(len(events))
    return [stories[k] for k in sorted(stories, reverse=True)]


# -- running figures ----------------------------------------------------------------------------
@dataclass
class Running:
    meetings_held: int
    meetings_total: int
    date: str
    tabled: int
    agreed: int
    stalemate: int
    open: int
    stalemate_rate: str
    median_days: str
    referrals: int
    room_votes: int


def running(model: AllianceModel) -> Running:
    """The running panel: how far the term has gone and how the board is doing."""
    s = records.summary(model)
    rate = s["stalemate_rate"]
    median = s["median_days"]
    held = model.steps
    return Running(
        meetings_held=held,
        meetings_total=len(model.meeting_days),
        date=date_of(model, model.day) if held else "not yet met",
        tabled=int(s["matters"]),
        agreed=int(s["agreed"]),
        stalemate=int(s["stalemate"]),
        open=len(model.board.open),
        stalemate_rate="–" if math.isnan(rate) else f"{rate:.0%}",
        median_days="–" if math.isnan(median) else f"{median:.0f}",
        referrals=int(s["referrals"]),
        room_votes=sum(v.by == "room" for v in records.votes(model)),
    )


def party_interests(model: AllianceModel, party: int) -> list[tuple[str, str]]:
    """What a party cares about, for the room that plays it: (label, value) pairs."""
    p = model.parties[party]
    weights = sorted(p.objective_weights.items(), key=lambda kv: -kv[1])
    top = ", ".join(f"{name} ({w:.1f})" for name, w in weights[:3])
    authority = p.authority
    excluded = ", ".join(str(c) for c in authority.excluded_categories) or "none"
    return [
        ("Budget in scope", money(p.budget_m)),
        ("Risk it can carry", f"{money(p.risk_tolerance_m)} a year"),
        ("Best-for-service weight", f"{p.best_for_service:.2f}"),
        ("Objectives it weighs most", top),
        ("Delegated authority", f"up to {money(authority.threshold_m)}; excluded: {excluded}"),
        ("Home body", p.home_body.name),
    ]


def blockers_at(model: AllianceModel, meeting: int | None = None) -> set[int]:
    """Parties that blocked a matter at a meeting (the last one by default).

    Under unanimity a "no" from a full member is a block even while other answers are awaited.
    """
    meeting = model.steps if meeting is None else meeting
    out: set[int] = set()
    for _, e in meeting_events(model, meeting):
        if e.kind is Ev.BLOCKED:
            out.update(records.parties_named(e))
    if model.board.rule.veto:
        out.update(v.party for v in meeting_votes(model, meeting) if v.vote == "no")
    return out
