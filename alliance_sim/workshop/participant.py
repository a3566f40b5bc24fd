"""A table's own device (a phone or a laptop): join a room, pick a party, vote when it must.

The page is laid out for a phone held upright (390 px wide). It shows the vote card only when the
party it plays owes the coming meeting a vote, then what became of the vote once the facilitator
holds the meeting.
"""

from __future__ import annotations

import solara

from ..config import Membership
from . import views
from .components import Html, VoteButtons, esc, request_id, use_room, vote_card_html
from .room import Room, registry


@solara.component
def JoinForm(code: str, on_code):
    text, set_text = solara.use_state(code)
    with solara.Column(gap="8px", classes=["ws-phone"]) as form:
        Html('<div class="ws-title">Join a workshop room</div>')
        if code:
            Html(
                f'<p class="ws-error">There is no room {esc(code)}; check the code on the screen.</p>'
            )
        solara.InputText("Room code", value=text, on_value=set_text, continuous_update=True)
        solara.Button("Join", on_click=lambda: on_code(text), color="primary")
    return form


@solara.component
def PickParty(room: Room, device: str, version: int):
    session = room.session
    seated = room.seated()
    with solara.Column(gap="6px", classes=["ws-phone"]) as view:
        Html(
            f'<div class="ws-title">Room {esc(room.code)}</div>'
            f'<div class="ws-sub">{esc(session.model.scenario.scenario.title)}</div>'
            "<p>Which party does your table play?</p>"
        )
        for p in session.model.parties:
            note = ""
            if p.membership is not Membership.FULL:
                note = " (no vote: observe)"
            elif p.key in seated:
                note = f" ({views.plural(len(seated[p.key]), 'device')})"
            solara.Button(
                f"{views.short_name(p.name)}{note}",
                on_click=lambda key=p.key: room.seat(device, key),
                outlined=True,
                classes=["ws-pick"],
            )
    return view


def outcome_lines(room: Room, party: int) -> list[str]:
    """What the last meeting did with the matters this party voted on (or its agent did)."""
    model = room.session.model
    voted = {v.matter for v in views.meeting_votes(model, model.steps) if v.party == party}
    return [
        f"{item.id} {item.title}: {item.status}"
        for item in views.agenda(model)
        if item.matter in voted
    ]


def seat_stamp(room: Room, key: str) -> tuple:
    """What a table's page shows: its pending vote, its votes cast, the meeting. Another table's
    vote changes none of it, so the page is not redrawn for it."""
    session = room.session
    party = session.model.index[key]
    pending = session.pending_for(party)
    cast = tuple((r.key, c) for r, c in session.answered_for(party))
    return (id(session.model), session.meetings_held, pending, cast)


@solara.component
def Seat(room: Room, device: str, key: str, stamp: tuple):
    session = room.session
    model = session.model
    party = model.parties[model.index[key]]
    request = session.pending_for(party.index)
    with solara.Column(gap="6px", classes=["ws-phone"]) as view:
        Html(
            f'<div class="ws-sub">Room {esc(room.code)} · '
            f'<span id="ws-me">You play {esc(party.name)}</span></div>'
            f'<div class="ws-note" id="ws-phone-where">{esc(views.term_state(model))}</div>'
        )
        if party.membership is not Membership.FULL:
            Html(
                f'<p class="ws-wait" id="ws-phone-status">{esc(party.name)} is not a full member: '
                "it attends without a vote, so your table is never asked. Follow the screen.</p>"
            )
        elif request is not None:
            with solara.Div(
                classes=["ws-card"],
                attributes={"id": "ws-phone-card", "data-request": request_id(request)},
            ):
                Html(vote_card_html(session, request))
                VoteButtons(session, request, lambda choice: room.vote(key, choice))
        elif session.answered_for(party.index):
            cast = "; ".join(
                f"{r.matter_id}: {views.choice_word(c)}"
                for r, c in session.answered_for(party.index)
            )
            Html(
                f'<p class="ws-wait" id="ws-phone-status">Your vote is in ({esc(cast)}). '
                "The facilitator holds the meeting once every table has voted.</p>"
            )
            solara.Button("Change my vote", on_click=lambda: room.act(["retract", key]), text=True)
        else:
            lines = outcome_lines(room, party.index)
            Html(
                '<p id="ws-phone-status">Nothing to vote on now; watch the screen.</p>'
                + "".join(f'<p class="ws-note">{esc(t)}</p>' for t in lines)
            )
        solara.Button("Leave this table", on_click=lambda: room.leave(device), text=True)
    return view


@solara.component
def Participant(code: str, on_code):
    rooms = registry()
    room = rooms.get(code) if code else rooms.seating(solara.get_session_id())
    if room is None:
        return JoinForm(code, on_code)
    return Joined(room)


@solara.component
def Joined(room: Room):
    version = use_room(room)
    device = solara.get_session_id()
    key = room.party_of(device)
    if key is None:
        return PickParty(room, device, version)
    del version  # read so that the page follows the room; Seat redraws only on its stamp
    return Seat(room, device, key, seat_stamp(room, key))
