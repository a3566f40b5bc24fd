"""The facilitator's screen: the room's code and QR code, the tables, the controls, the handout.

The projector shows it: the set-up panel folds away (projector mode), everything that wipes the
session asks first, and the header says why the meeting waits and what the facilitator can do.
"""

from __future__ import annotations

import time

import solara
import solara.lab

from ..text import date_of
from . import handout, views
from .components import Html, esc
from .qr import join_address, qr_svg
from .room import Room

#: Clicks on Step closer together than this are one double-click.
DOUBLE_CLICK_S = 0.4


def where_text(room: Room) -> str:
    """The header's line: how far the term has got, and which meeting comes next."""
    session = room.session
    model = session.model
    state = views.term_state(model)
    if session.finished:
        return state
    held = model.steps
    last = f"; last held {date_of(model, model.day)}" if held else ""
    return f"{state}{last}; next: meeting {held + 1} on {session.next_meeting_date()}"


def waiting_text(room: Room) -> str:
    """Why Step and Run to end are off (finding 5): whose votes the meeting waits for."""
    session = room.session
    outstanding = session.outstanding
    names = sorted({views.short_name(session.model.parties[r.party].name) for r in outstanding})
    return (
        f"Meeting {outstanding[0].meeting} waits for "
        f"{views.plural(len(outstanding), 'vote')} from the room ({', '.join(names)}). "
        "Step and Run to end carry on once every table has voted, or let the agent vote for a "
        "table that is slow."
    )


@solara.component
def Confirmed(label: str, question: str, on_ok, disabled: bool = False, **button):
    """A button that asks before it acts (Reset, a new design: they wipe the session)."""
    asking, set_asking = solara.use_state(False)
    with solara.Div(style={"display": "inline-block"}) as box:
        solara.Button(label, on_click=lambda: set_asking(True), disabled=disabled, **button)
        solara.lab.ConfirmationDialog(
            asking,
            on_close=lambda: set_asking(False),
            on_ok=on_ok,
            title=label,
            content=question,
            ok=label,
        )
    return box


@solara.component
def Controls(
    room: Room, held: int, waiting: bool, done: bool, can_undo: bool, projector: bool,
    set_projector,
):  # fmt: skip
    """The buttons, drawn from what they depend on (a table's vote seldom changes any of it)."""
    lost = f"the {views.plural(held, 'meeting')} held and the room's votes" if held else "nothing"
    last_click = solara.use_ref(0.0)

    def once(action):
        """A double-click is one click: the second, within DOUBLE_CLICK_S, does nothing (the
        button's handler is replaced on the server before the second click arrives, so the
        meeting count it was drawn at cannot tell the clicks apart)."""

        def handler():
            now = time.monotonic()
            if now - last_click.current < DOUBLE_CLICK_S:
                return
            last_click.current = now
            action()

        return handler

    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}) as row:
        # The meeting count the button was drawn at: a double-click holds one meeting.
        solara.Button(
            "Step one meeting",
            on_click=once(lambda: room.step(expect=held)),
            color="primary",
            disabled=waiting or done,
        )
        solara.Button("Run to end", on_click=once(room.run_to_end), disabled=waiting or done)
        solara.Button(
            "Undo last vote",
            on_click=room.undo_vote,
            outlined=True,
            disabled=not can_undo,
        )
        Confirmed(
            "Reset",
            f"Start this design again from its first meeting? This discards {lost}. "
            "(Download the handout first to keep them.)",
            room.reset,
            outlined=True,
        )
        solara.Button(
            "Show set-up" if projector else "Projector mode",
            on_click=lambda: set_projector(not projector),
            text=True,
        )
    return row


@solara.component
def Header(room: Room, version: int, projector: bool, set_projector):
    session = room.session
    model = session.model
    run = views.running(model)
    title = model.scenario.scenario.title or model.scenario.scenario.name
    with solara.Column(gap="4px") as header:
        Html(
            f'<div class="ws-title">{esc(title)}</div><div class="ws-sub">'
            f"{esc(f'Seed {session.design.seed}; design: {session.design.label()}')}</div>"
        )
        Controls(
            room,
            session.meetings_held,
            session.waiting_for is not None,
            session.finished,
            any(a[0] == "vote" for a in room.journal),
            projector,
            set_projector,
        )
        Html(f'<span id="ws-where">{esc(where_text(room))}</span>')
        if session.dissolved_at is not None:
            Html(
                f'<div class="ws-alert" id="ws-dissolved">The alliance was dissolved at board '
                f"meeting {session.dissolved_at} of {session.meetings_total}: it decides nothing "
                "more. The debrief compares it with the agents alone over their whole term.</div>"
            )
        if session.waiting_for is not None:
            owing = " ".join(
                sorted({session.model.parties[r.party].key for r in session.outstanding})
            )
            # The tables owed and the votes so far, in the one element (tests read them together).
            Html(
                f'<div class="ws-wait" id="ws-waiting" data-owing="{esc(owing)}" '
                f'data-votes="{session.votes_cast}">{esc(waiting_text(room))}</div>'
            )
        silent = session.silent_parties()
        if silent:
            Html(
                f'<div class="ws-alert" id="ws-silent">{esc(", ".join(silent))}: played by the '
                "room but without a vote (not a full member), so the room is never asked for "
                "it. Make it a full member in the set-up to vote for it.</div>"
            )
        Html(
            '<div class="ws-stats" id="ws-running">'
            f"<span>tabled <b>{run.tabled}</b></span>"
            f"<span>agreed <b>{run.agreed}</b></span>"
            f"<span>stalemate <b>{run.stalemate}</b></span>"
            f"<span>stalemate rate <b>{run.stalemate_rate}</b></span>"
            f"<span>median days to decision <b>{run.median_days}</b></span>"
            f"<span>open <b>{run.open}</b></span>"
            f"<span>referrals <b>{run.referrals}</b></span>"
            f"<span>room votes <b>{session.votes_cast}</b></span>"
            "</div>"
        )
    return header


def table_rows(room: Room) -> list[tuple[str, str, str, str, str]]:
    """(party key, name, devices, status, status class) for every party the room plays."""
    session = room.session
    seated = room.seated()
    rows = []
    for p in session.model.parties:
        if p.key not in session.room_keys and p.key not in seated:
            continue
        devices = views.plural(len(seated.get(p.key, [])), "device")
        if str(p.membership) != "full":
            status, klass = "observes: no vote", "vote-other"
        elif session.pending_for(p.index) is not None:
            status, klass = "to vote", "vote-awaiting"
        elif session.answered_for(p.index):
            choices = [c for _, c in session.answered_for(p.index)]
            status = "voted" if "agent" not in choices else "left to the agent"
            klass = "vote-yes"
        else:
            status, klass = "no vote owed", "vote-other"
        rows.append((p.key, p.name, devices, status, klass))
    return rows


@solara.component
def TablesPanel(room: Room, version: int):
    """Who plays which party, who has voted, and the agent for a slow table."""
    rows = table_rows(room)
    with solara.Column(gap="4px") as panel:
        Html('<div class="ws-h">Tables</div>')
        if not rows:
            Html('<p class="ws-note">No table has joined yet.</p>')
        for key, name, devices, status, klass in rows:
            with solara.Row(gap="8px", style={"align-items": "center"}, classes=["ws-table-row"]):
                Html(
                    f'<span class="ws-tname">{esc(views.short_name(name))}</span> '
                    f'<span class="ws-note">{esc(devices)}</span> '
                    f'<span class="{klass}" data-party="{esc(key)}">{esc(status)}</span>'
                )
                if status == "to vote":
                    solara.Button(
                        "Let the agent vote",
                        on_click=lambda key=key: room.let_agent_vote(key),
                        small=True,
                        text=True,
                    )
    return panel


@solara.component
def JoinPanel(code: str):
    """The room's code, the address to open, and the QR code for phones."""
    address = join_address(code)
    with solara.Column(gap="2px") as panel:
        Html(
            f'<div class="ws-join"><div>Join room <b id="ws-code">{esc(code)}</b></div>'
            f'<div class="ws-note" id="ws-join-url">{esc(address)}</div>'
            f'<div class="ws-qr" id="ws-qr">{qr_svg(address)}</div></div>'
        )
    return panel


@solara.component
def HandoutButtons(room: Room):
    """Downloads made when clicked, from the room as it is then."""
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}) as row:
        solara.FileDownload(
            lambda: handout.html_handout(room.session, room.code).encode(),
            filename=f"workshop-{room.code}.html",
            label="Handout (HTML)",
            mime_type="text/html",
        )
        solara.FileDownload(
            lambda: handout.votes_csv(room.session).encode(),
            filename=f"workshop-{room.code}-votes.csv",
            label="Votes (CSV)",
            mime_type="text/csv",
        )
    return row
