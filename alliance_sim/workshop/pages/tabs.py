"""The app's tabs: the meeting, the network, the charts, the narrative, role-play, compare."""

from __future__ import annotations

import solara
import solara.lab

from ...records.events import Ev
from ...text import date_of
from .. import figures, views
from ..compare import Comparison, default_contrast
from ..design import RULE_LABELS, Design
from ..room import Room
from ..session import WorkshopSession
from .components import MEMBERSHIPS, RULES, Html, Picture, esc, table, vote_html


# -- tabs ---------------------------------------------------------------------------------------
def agenda_rows(items: list[views.AgendaItem]) -> list[list[str]]:
    return [
        [
            f"<b>{esc(i.id)}</b>",
            esc(i.title),
            esc(i.magnitude),
            esc(i.terms),
            f'<span class="tone-{i.tone}">{esc(i.status)}</span>'
            + (f'<br><span class="ws-note">{esc(i.counts)}</span>' if i.counts else ""),
        ]
        for i in items
    ]


def vote_rows(rows: list[views.VoteRow]) -> list[list[str]]:
    return [
        [
            f'<span title="{esc(r.name)}">{esc(views.short_name(r.name))}</span>'
            + ('<span class="ws-badge">room</span>' if r.room else ""),
            esc(r.membership),
            vote_html(r.vote, r.by),
            esc(r.reason),
        ]
        for r in rows
    ]


def referral_rows(refs: list[views.Referral]) -> list[list[str]]:
    return [
        [
            esc(r.matter_id),
            esc(views.short_name(r.party)),
            f'<span class="ws-nowrap">{esc(r.answers_on)}</span>',
            f'<span class="ws-nowrap">{esc(r.back_at_board)}</span>',
        ]
        for r in refs
    ]


@solara.component
def VotesOn(session: WorkshopSession, items: list[views.AgendaItem]):
    """The vote table of one matter of the meeting, chosen from a list."""
    model = session.model
    # The matter chosen, remembered with the meeting it was chosen at.
    chosen_at, set_chosen_at = solara.use_state((0, ""))
    labels = [f"{i.id} {i.title}" for i in items]
    chosen = chosen_at[1] if chosen_at[0] == model.steps else None
    current = chosen if chosen in labels else labels[0]
    item = items[labels.index(current)]
    rows = views.vote_table(model, item.matter, room=session.room)
    with solara.Column(gap="4px") as box:
        solara.Select(
            label="Votes on",
            values=labels,
            value=current,
            on_value=lambda label: set_chosen_at((model.steps, label)),
            dense=True,
            classes=["ws-select"],
        )
        Html(
            table(
                ["Party", "Membership", "Vote", "Reason"],
                vote_rows(rows),
                "ws-votes",
                row_classes=["ws-roomrow" if r.by == "room" else "" for r in rows],
            )
        )
    return box


@solara.component
def MeetingSideNotes(session: WorkshopSession):
    """Matters waiting for home bodies, and the meeting's amendments and answers."""
    model = session.model
    refs = views.referrals(model)
    changes = views.meeting_lines(model, {Ev.AMENDED})
    answers = views.meeting_lines(model, {Ev.HOME_DECISION})
    with solara.Div(classes=["ws-cols"]) as cols:
        with solara.Div():
            Html('<div class="ws-h">Waiting for home bodies</div>')
            Html(
                table(
                    ["Matter", "Party", "Home body meets", "Back at the board"],
                    referral_rows(refs),
                    "ws-referrals",
                )
                if refs
                else "<p>No matter is waiting for a home body.</p>"
            )
        with solara.Div():
            Html('<div class="ws-h">Amended at this meeting</div>')
            Html(
                "".join(f"<p>{esc(t)}</p>" for t in changes)
                or "<p>No amendments at this meeting.</p>",
                "ws-amendments",
            )
            if answers:
                Html('<div class="ws-h">Answers from home bodies</div>')
                Html("".join(f'<p class="ws-note">{esc(t)}</p>' for t in answers))
    return cols


@solara.component
def MeetingView(session: WorkshopSession, version: int):
    model = session.model
    if model.steps == 0:
        return Html(
            '<p id="ws-meeting">No board meeting yet. Press <b>Step one meeting</b> to hold the '
            "first.</p>"
        )
    items = views.agenda(model)
    heading = f"Last meeting held: board meeting {model.steps} on {date_of(model, model.day)}"
    with solara.Column(gap="8px") as view:
        Html(f'<div class="ws-h" id="ws-meeting">{esc(heading)}</div>')
        if items:
            Html(
                table(
                    ["Matter", "Title", "Size", "Terms", "Result at this meeting"],
                    agenda_rows(items),
                    "ws-agenda",
                )
            )
            VotesOn(session, items)
        else:
            Html("<p>Nothing was before the board at this meeting.</p>")
        MeetingSideNotes(session)
    return view


@solara.component
def NetworkView(session: WorkshopSession, version: int):
    model = session.model
    blockers = views.blockers_at(model) if model.steps else set()
    room = session.room
    names = ", ".join(model.parties[i].name for i in sorted(blockers)) or "nobody"
    with solara.Column(gap="4px") as view:
        Html(
            f'<div class="ws-h">Relationships at board meeting {model.steps}</div>'
            f'<div class="ws-note">Blocked at this meeting: {esc(names)}.</div>'
        )
        Picture(
            lambda: figures.network_figure(model, blockers, room, width=9.4, height=5.3),
            [version, tuple(sorted(room)), id(model)],
            "Relationship network of the parties",
            "ws-network",
        )
    return view


@solara.component
def ChartsView(session: WorkshopSession, version: int):
    model = session.model
    with solara.Column(gap="4px") as view:
        Picture(
            lambda: figures.outcomes_figure(model),
            [version, id(model)],
            "Matters agreed, stalemated and open over time",
            "ws-outcomes",
        )
        if figures.net_positions(model) is not None:
            Picture(
                lambda: figures.net_position_figure(model),
                [version, id(model)],
                "Each party's cumulative net position",
                "ws-net",
            )
    return view


@solara.component
def NarrativeView(session: WorkshopSession, version: int):
    every_vote, set_every_vote = solara.use_state(True)
    whole, set_whole = solara.use_state(False)
    stories = views.narrative(session.model, votes=every_vote, last=None if whole else 4)
    parts = []
    for story in stories:
        parts.append(f"<h4>{esc(story.heading)}</h4>")
        for line in story.lines:
            klass = f"ind{line.indent}" + (" room" if line.kind == "room" else "")
            badge = '<span class="ws-badge">room</span> ' if line.kind == "room" else ""
            parts.append(f'<p class="{klass}">{badge}{esc(line.text)}</p>')
    with solara.Column(gap="2px") as view:
        with solara.Row(gap="16px"):
            solara.Checkbox(label="every vote", value=every_vote, on_value=set_every_vote)
            solara.Checkbox(label="the whole term", value=whole, on_value=set_whole)
        Html(
            '<div class="ws-story">' + ("".join(parts) or "<p>No meeting yet.</p>") + "</div>",
            "ws-narrative",
        )
    return view


@solara.component
def RoomView(room: Room, version: int, by: str | None):
    """The parties the room plays (``by``: the browser running the room; None: a screen that
    only watches, which cannot change them) and the debrief."""
    session = room.session
    model = session.model
    with solara.Column(gap="6px") as view:
        Html(
            '<div class="ws-h">Parties played by the room</div>'
            '<div class="ws-note">When a party played by the room must vote, the meeting waits '
            "for its table (on its own device, or on this screen). A table that joins on its "
            "phone is ticked here; parties can be handed back at any time, and votes already "
            "cast for the coming meeting still count.</div>"
        )
        with solara.Div(classes=["ws-grid2"]):
            for p in model.parties:
                note = "" if str(p.membership) == "full" else " (no vote)"
                solara.Checkbox(
                    label=p.name + note,
                    value=p.key in session.room_keys,
                    disabled=by is None,
                    on_value=lambda on, key=p.key: room.hand_to_room(
                        (session.room_keys | {key}) if on else (session.room_keys - {key}),
                        by=by,
                    ),
                )
        Debrief(session, version)
    return view


def decision_rows(session: WorkshopSession, debrief) -> list[list[str]]:
    model = session.model
    rows = []
    for d in debrief.decisions:
        r = d.request
        rows.append(
            [
                esc(r.meeting),
                esc(f"{r.matter_id} {model.matters[r.matter].title}"),
                esc(views.short_name(model.parties[r.party].name)),
                '<span class="vote-other">left to the agent</span>'
                if d.by_agent
                else vote_html(views.choice_word(d.choice), ""),
                vote_html(r.agent_says, ""),
                "<b>differs</b>" if d.differs else "same",
            ]
        )
    return rows


@solara.component
def Debrief(session: WorkshopSession, version: int):
    debrief = solara.use_memo(session.debrief, [version, id(session.model)])
    heading = "Debrief" + (" (the term has ended)" if session.finished else " so far")
    with solara.Column(gap="6px") as view:
        Html(f'<div class="ws-h" id="ws-debrief">{esc(heading)}</div>')
        if not debrief.decisions:
            Html("<p>The room has not voted yet.</p>")
            return view
        with_room, alone = debrief.ended
        Html(
            f"<p>The room cast <b>{views.plural(len(debrief.cast), 'vote')}</b>; "
            f"<b>{views.plural(debrief.overruled, 'differs', 'differ')}</b> from what the agent "
            f"would have done. <b>With the room:</b> {esc(with_room)}. "
            f"<b>The agents alone</b> (same seed and design, no room): {esc(alone)}.</p>"
        )
        Html(
            table(
                ["", "With the room", "Agents alone"],
                [[esc(a), esc(b), esc(c)] for a, b, c in debrief.summary],
                "ws-debrief-summary",
                cls="ws-narrow",
            )
        )
        Html("<div class=\"ws-h\">The room's votes and the agents'</div>")
        Html(
            table(
                ["Meeting", "Matter", "Party", "Room", "Agent", ""],
                decision_rows(session, debrief),
                "ws-debrief-votes",
            )
        )
        Html('<div class="ws-h">What the room changed</div>')
        if debrief.differences:
            Html(
                table(
                    ["Matter", "With the room", "Agents alone"],
                    [
                        [f"<b>{esc(d.matter_id)}</b> {esc(d.title)}", esc(d.a), esc(d.b)]
                        for d in debrief.differences
                    ],
                    "ws-debrief-changes",
                )
            )
        else:
            Html("<p>No matter ended differently.</p>")
    return view


@solara.component
def ContrastPicker(design_a: Design, design_b: Design, set_contrast):
    """Design B's choices: one party's membership and the decision rule."""
    base = design_a.base
    names = {p.name: k for k, p in base.parties.items()}
    council = next((p.name for p in base.parties.values() if str(p.kind) == "council"), None)
    party_b, set_party_b = solara.use_state(council or next(iter(names)))
    if party_b not in names:
        party_b = council or next(iter(names))
    key_b = names[party_b]
    labels = [RULE_LABELS[r] for r in RULES]
    with solara.Row(gap="10px", style={"align-items": "center", "flex-wrap": "wrap"}) as row:
        solara.Select(
            label="In design B, party",
            values=list(names),
            value=party_b,
            on_value=set_party_b,
            style={"min-width": "300px"},
        )
        solara.ToggleButtonsSingle(
            value=design_b.membership.get(key_b, "full"),
            values=MEMBERSHIPS,
            on_value=lambda m: set_contrast(design_b.with_party(key_b, membership=m)),
            dense=True,
        )
        solara.Select(
            label="Design B decision rule",
            values=labels,
            value=RULE_LABELS[design_b.rule],
            on_value=lambda label: set_contrast(design_b.replace(rule=RULES[labels.index(label)])),
            style={"min-width": "300px"},
        )
    return row


def divergence_html(div) -> str:
    if div is None:
        return '<p id="ws-divergence">The two histories never part: every meeting is the same.</p>'
    when = div.date_a if div.date_a == div.date_b else f"{div.date_a} / {div.date_b}"
    only = "".join(
        f"<tr><td>{esc(a)}</td><td>{esc(b)}</td></tr>"
        for a, b in _pairs(div.only_a[:8], div.only_b[:8])
    )
    return (
        f'<div id="ws-divergence"><p><b>The histories part at board meeting '
        f"{div.meeting} ({esc(when)}).</b> What happened there in only one of them:</p>"
        '<table class="ws-table"><thead><tr><th>Only under design A</th>'
        f"<th>Only under design B</th></tr></thead><tbody>{only}</tbody></table></div>"
    )


@solara.component
def ComparisonResult(result: Comparison):
    div = result.divergence
    diffs = result.differences
    with solara.Column(gap="6px") as view:
        Html(divergence_html(div))
        with solara.Div(classes=["ws-cols"]):
            Html(
                table(
                    ["Over the whole term", "A", "B"],
                    [[esc(a), esc(b), esc(c)] for a, b, c in result.summary],
                    "ws-compare-summary",
                )
            )
            Html(
                f'<div class="ws-h">{esc(views.plural(len(diffs), "matter"))} ended differently</div>'
                + table(
                    ["Matter", "A", "B"],
                    [[f"<b>{esc(d.matter_id)}</b>", esc(d.a), esc(d.b)] for d in diffs[:12]],
                    cls="ws-diff",
                )
            )
        Picture(
            lambda: figures.compare_figure(
                result.a,
                result.b,
                f"A: {result.design_a.label()}",
                f"B: {result.design_b.label()}",
                div.meeting if div else None,
            ),
            [id(result)],
            "Agreed and stalemated matters under designs A and B",
        )
    return view


@solara.component
def CompareView(session: WorkshopSession, version: int):
    design_a = session.design
    # Design B and the comparison are remembered with the design A they were made for.
    contrast, set_contrast_for = solara.use_state((None, None))
    design_b = contrast[1] if contrast[0] == design_a else default_contrast(design_a)
    result, set_result = solara.use_state(None)
    with solara.Column(gap="6px") as view:
        Html(
            '<div class="ws-h">Same seed, two designs, no room</div>'
            f'<div class="ws-note">Design A is the set-up ({esc(design_a.label())}). '
            "Design B changes it as chosen here. Both face the same business and are played "
            "by the agents alone, without the room's votes: their figures differ from the "
            "header's when the room has changed the course.</div>"
        )
        ContrastPicker(design_a, design_b, lambda d: set_contrast_for((design_a, d)))
        with solara.Row(gap="10px", style={"align-items": "center"}):
            solara.Button(
                "Run comparison",
                on_click=lambda: set_result(Comparison.run(design_a, design_b)),
                color="primary",
            )
            Html(f"<span><b>Design B:</b> {esc(design_b.label())}</span>")
        if result is not None:
            if result.design_a != design_a or result.design_b != design_b:
                Html('<p class="ws-note">The designs changed; run the comparison again.</p>')
            ComparisonResult(result)
    return view


def _pairs(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    n = max(len(a), len(b))
    return [(a[i] if i < len(a) else "", b[i] if i < len(b) else "") for i in range(n)]
