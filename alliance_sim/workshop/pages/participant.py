"""A table's own device (a phone or a laptop): join a room, pick a party, vote when it must.

The page is laid out for a phone held upright (360 px wide and up). It shows the vote card only
when the party it plays owes the coming meeting a vote; a tap shows as sent at once, then as in
(or why it was not taken: a vote counts for the card it was cast on, once). What became of the
vote shows once the facilitator holds the meeting. A party's table has one device unless a
second one chooses to share it; leaving a table asks first.
"""

from __future__ import annotations

import reacton.core
import solara
import solara.lab

from ...config import Membership
from .. import views
from ..codes import CodeError, parse_code
from ..room import Room, registry
from .client import VoteButtonsClient
from .components import (
    Html,
    batched,
    esc,
    party_facts_html,
    receipt_text,
    use_room_state,
    vote_buttons,
    vote_card_html,
)


def find_room(typed: str) -> tuple[Room | None, str]:
    """The room a typed code names, or the reason there is none (to show under the form)."""
    try:
        code = parse_code(typed)
    except CodeError as exc:
        return None, str(exc)
    room = registry().get(code)
    if room is None:
        return None, f"There is no room {code}; check the code on the screen."
    return room, ""


@solara.component
def JoinForm(problem: str, typed: str, on_code):
    text, set_text = solara.use_state(typed)
    error, set_error = solara.use_state(problem)

    def join() -> None:
        room, why = find_room(text)
        if room is None:
            set_error(why)
        else:
            on_code(room.code)

    with solara.Column(gap="8px", classes=["ws-phone"]) as form:
        Html('<div class="ws-title">Join a workshop room</div>')
        if error:
            Html(f'<p class="ws-error" id="ws-code-error">{esc(error)}</p>')
        solara.InputText("Room code", value=text, on_value=set_text, continuous_update=True)
        solara.Button("Join", on_click=join, color="primary", classes=["ws-big"])
    return form


@solara.component
def PickParty(room: Room, device: str, version: int):
    session = room.session
    seated = room.seated()
    present = room.present()
    sharing, set_sharing = solara.use_state("")  # the party whose table this device asked for
    with solara.Column(gap="6px", classes=["ws-phone"]) as view:
        Html(
            f'<div class="ws-title">Room {esc(room.code)}</div>'
            f'<div class="ws-sub">{esc(session.model.scenario.scenario.title)}</div>'
            "<p>Which party does your table play?</p>"
        )
        for p in session.model.parties:
            here = [d for d in seated.get(p.key, []) if d in present and d != device]
            note = ""
            if p.membership is not Membership.FULL:
                note = " (no vote: observe)"
            elif here:
                note = f" (taken: {views.plural(len(here), 'device')} at this table)"

            def pick(key=p.key) -> None:
                if room.seat(device, key) == "taken":
                    set_sharing(key)

            solara.Button(
                f"{views.short_name(p.name)}{note}",
                on_click=pick,
                outlined=True,
                classes=["ws-pick"],
            )
        if sharing:
            name = session.model.parties[session.model.index[sharing]].name
            solara.lab.ConfirmationDialog(
                True,
                on_close=lambda: set_sharing(""),
                on_ok=lambda: room.seat(device, sharing, share=True),
                title=f"{name}'s table is taken",
                content=(
                    f"Another device already plays {name}. Join its table too? Both devices "
                    "then vote for it, and the first vote on each card is the one that counts."
                ),
                ok="Share this table",
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
    cast = tuple((r.card, c) for r, c in session.answered_for(party))
    return (id(session.model), session.meetings_held, pending, cast)


def phone_stamp(room: Room, device: str) -> tuple:
    """Everything a phone's page draws from the room."""
    key = room.party_of(device)
    if key is None:
        tables = tuple(sorted((k, tuple(d)) for k, d in room.seated().items()))
        return (None, tables, room.present())
    return (key, seat_stamp(room, key))


@solara.component
def Leave(room: Room, device: str, name: str):
    """Leaving the table, apart from the vote and asked first."""
    asking, set_asking = solara.use_state(False)
    with solara.Div(classes=["ws-leave"]) as box:
        solara.Button("Leave this table", on_click=lambda: set_asking(True), text=True)
        solara.lab.ConfirmationDialog(
            asking,
            on_close=lambda: set_asking(False),
            on_ok=lambda: room.leave(device),
            title="Leave this table?",
            content=f"This device stops playing {name}. It can join again with the room's code.",
            ok="Leave",
        )
    return box


@solara.component
def Seat(room: Room, device: str, key: str, stamp: tuple, refresh):
    session = room.session
    model = session.model
    party = model.parties[model.index[key]]
    request = session.pending_for(party.index)
    # What this device was told after its last tap, at which meeting (shown for that ballot
    # only), and how many taps the server has answered (the buttons come back on with each).
    receipt, set_receipt = solara.use_state((-1, "", 0))
    render_context = reacton.core.get_render_context(required=False)

    def cast(data) -> None:
        card, choice = str(data.get("card", "")), str(data.get("choice", ""))
        shown = session.request(card)
        status = room.vote(key, choice, card, device=device, settle=False)
        answer = room.session.answers.get(shown.key, "") if shown is not None else ""
        told = receipt_text(status, shown, choice, answer)
        with batched(render_context):  # one render: the receipt and the vote as it now stands
            set_receipt(lambda r: (session.meetings_held, told, r[2] + 1))
            refresh()
        # The table has seen its vote in; now what the meeting asks next (one rehearsal for
        # every vote recorded meanwhile).
        room.settle()

    def change(card: str) -> None:
        room.retract(key, card, device=device)
        with batched(render_context):
            set_receipt(lambda r: (-1, "", r[2]))
            refresh()

    told = receipt[1] if receipt[0] == session.meetings_held else ""
    answered = session.answered_for(party.index)
    # Every part keeps its key, so that a vote updates the page's widgets instead of making new.
    with solara.Column(gap="6px", classes=["ws-phone"]) as view:
        Html(
            f'<div class="ws-sub">Room {esc(room.code)} · '
            f'<span id="ws-me">You play {esc(party.name)}</span></div>'
            f'<div class="ws-note" id="ws-phone-where">{esc(views.term_state(model))}</div>'
        ).key("head")
        if told and not told.startswith("Your vote is in"):
            Html(f'<p class="ws-alert" id="ws-receipt">{esc(told)}</p>').key("receipt")
        if party.membership is not Membership.FULL:
            Html(
                f'<p class="ws-wait" id="ws-phone-status">{esc(party.name)} is not a full member: '
                "it attends without a vote, so your table is never asked. Follow the screen.</p>"
            ).key("status")
        elif answered:
            cast_text = "; ".join(f"{r.matter_id}: {views.choice_word(c)}" for r, c in answered)
            cards = " ".join(f"{r.card}={c}" for r, c in answered)
            more = " More is asked below." if request is not None else ""
            Html(
                f'<p class="ws-in" id="ws-phone-status" data-cast="{esc(cards)}">Your vote is in '
                f"({esc(cast_text)}).{more} The facilitator holds the meeting once every table "
                "has voted.</p>"
            ).key("status")
            last = answered[-1][0]
            solara.Button(
                f"Change my vote on {last.matter_id}",
                on_click=lambda: change(last.card),
                text=True,
            ).key("change")
        elif request is None:
            lines = outcome_lines(room, party.index)
            Html(
                '<p id="ws-phone-status">Nothing to vote on now; watch the screen.</p>'
                + "".join(f'<p class="ws-note">{esc(t)}</p>' for t in lines)
            ).key("status")
        if party.membership is Membership.FULL and request is not None:
            with solara.Div(
                classes=["ws-card"],
                attributes={"id": "ws-phone-card", "data-request": request.card},
            ).key("card"):
                Html(vote_card_html(session, request)).key("card-text")
                VoteButtonsClient(
                    card=request.card,
                    buttons=vote_buttons(session, request),
                    ack=receipt[2],
                    event_cast=cast,
                ).key("card-buttons")
                Html(party_facts_html(session, party.index)).key("card-facts")
        Leave(room, device, party.name).key("leave")
    return view


@solara.component
def Participant(typed: str, on_code):
    """The phone's page: the form until it names a room, then its table (or the party to pick).

    A device seated in a room finds it again without the code (a reload of ``/join``)."""
    rooms = registry()
    device = solara.get_session_id()
    if typed:
        room, problem = find_room(typed)
    else:
        room, problem = rooms.seating(device), ""
    if room is None:
        return JoinForm(problem, typed if len(typed) <= 40 else "", on_code)
    return Joined(room, device, typed, on_code)


@solara.component
def Joined(room: Room, device: str, typed: str, on_code):
    def keep_address():
        if typed != room.code:
            on_code(room.code)  # the address names the room: a reload comes back to it

    solara.use_effect(keep_address, [room.code, typed])
    stamp, refresh = use_room_state(room, lambda r: phone_stamp(r, device), device=device)
    key = stamp[0]
    if key is None:
        return PickParty(room, device, hash(stamp))
    return Seat(room, device, key, stamp[1], refresh)
