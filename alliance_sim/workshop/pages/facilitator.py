"""The facilitator's screen: the room's code and QR code, the tables, the controls, the handout.

The projector shows it: the set-up panel folds away (projector mode), everything that wipes the
session asks first (and so does an undo that would take back a meeting already held), the
header says why the meeting waits and what the facilitator can do, and every click either acts
or says why it did not. A screen that does not hold the room only watches, and can take the
room over after confirming; the screen that held it is told.
"""

from __future__ import annotations

import time

import reacton.core
import solara
import solara.lab

from ...text import date_of
from .. import handout, views
from ..qr import join_address, qr_svg
from ..room import NOT_FACILITATOR, Room
from ..session import AGENT, RoomRequest
from .client import OnceButton, VoteButtonsClient
from .components import Html, batched, esc, receipt_text, vote_buttons, vote_card_html


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
    """Why Step and Run to end are off: whose votes the meeting waits for."""
    session = room.session
    outstanding = session.outstanding
    names = sorted({views.short_name(session.model.parties[r.party].name) for r in outstanding})
    # A long list of names pushed the tabs down: beyond four tables, the Tables panel lists them.
    tables = ", ".join(names) if len(names) <= 4 else views.plural(len(names), "table")
    return (
        f"Meeting {outstanding[0].meeting} waits for "
        f"{views.plural(len(outstanding), 'vote')} from the room ({tables}). "
        "Step and Run to end carry on once every table has voted, or let the agent vote for a "
        "table that is slow."
    )


def step_text(status: str, held: int) -> str:
    """What the header says after Step or Run to end, when the click did not simply act."""
    if status == "stale":
        return (
            f"That click held nothing: meeting {held} had just been held when it arrived. "
            "Press Step again to hold the next one."
        )
    if status == NOT_FACILITATOR:
        return receipt_text(status, None, "")
    return ""


def undo_question(room: Room) -> str:
    """The confirmation an undo that crosses a meeting asks for (empty: it does not cross)."""
    plan = room.undo_plan()
    if plan is None or not plan.unheld:
        return ""
    model = room.session.model
    name = views.short_name(model.parties[model.index[plan.party_key]].name)
    what = (
        "every vote it owed, left to its agent"
        if plan.choice == AGENT
        else f"{views.choice_word(plan.choice)}{f' on {plan.matter_id}' if plan.matter_id else ''}"
    )
    since = views.plural(plan.unheld, "meeting")
    return (
        f"The room's last vote ({name}: {what}) was for meeting {plan.meeting}, and {since} "
        f"{'has' if plan.unheld == 1 else 'have'} been held since. Undoing it takes "
        f"{'that meeting' if plan.unheld == 1 else 'those meetings'} back: the board waits for "
        f"that vote again at meeting {plan.meeting}. Undo it?"
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
    room: Room, by: str, held: int, waiting: bool, done: bool, can_undo: bool, projector: bool,
    set_projector, say,
):  # fmt: skip
    """The buttons, drawn from what they depend on (a table's vote seldom changes any of it).

    Step and Run to end go off from their first click until the server has acted (a double-click
    is one click; a click on the other button is never lost), and report what they did not do.
    """
    acks, set_acks = solara.use_state(0)
    undo_asking, set_undo_asking = solara.use_state("")
    render_context = reacton.core.get_render_context(required=False)
    lost = f"the {views.plural(held, 'meeting')} held and the room's votes" if held else "nothing"

    def done_with(status: str, held_now: int) -> None:
        with batched(render_context):
            say(step_text(status, held_now))
            set_acks(lambda n: n + 1)

    def step(data) -> None:
        drawn = data.get("drawn") if isinstance(data, dict) else None
        status = room.step(expect=drawn, by=by)
        done_with(status, room.session.meetings_held)

    def run(_data) -> None:
        done_with(room.run_to_end(by=by), room.session.meetings_held)

    def undo(_data) -> None:
        status = room.undo_vote(by=by)
        with batched(render_context):
            if status == "crosses":
                set_undo_asking(undo_question(room) or "Undo the room's last vote?")
                say("")
            elif status == "nothing":
                say("There is no vote of the room to undo.")
            else:
                say(
                    "The room's last vote was taken back."
                    if status == "undone"
                    else step_text(status, 0)
                )
            set_acks(lambda n: n + 1)

    def undo_across() -> None:
        status = room.undo_vote(by=by, across=True)
        say(
            "The room's last vote was taken back, with the meetings held since."
            if status == "undone"
            else step_text(status, 0)
        )

    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}) as row:
        OnceButton(
            label="Step one meeting",
            drawn=held,
            ack=acks,
            color="primary",
            disabled=waiting or done,
            event_click=step,
        )
        OnceButton(label="Run to end", ack=acks, disabled=waiting or done, event_click=run)
        OnceButton(
            label="Undo last vote", ack=acks, outlined=True, disabled=not can_undo, event_click=undo
        )
        solara.lab.ConfirmationDialog(
            bool(undo_asking),
            on_close=lambda: set_undo_asking(""),
            on_ok=undo_across,
            title="Undo a vote of a meeting already held?",
            content=undo_asking,
            ok="Undo it",
        )
        Confirmed(
            "Reset",
            f"Start this design again from its first meeting? This discards {lost}. "
            "(Download the handout first to keep them.)",
            lambda: room.reset(by=by),
            outlined=True,
        )
        solara.Button(
            "Show set-up" if projector else "Projector mode",
            on_click=lambda: set_projector(not projector),
            text=True,
        )
    return row


@solara.component
def Watching(room: Room, by: str):
    """A screen that does not hold the room: what it is, and taking the room over (asked)."""
    asking, set_asking = solara.use_state(False)
    present = room.facilitator in room.present()
    handover = room.handover
    if handover.get("from") == by:
        when = time.strftime("%H:%M", time.localtime(handover.get("at", 0)))
        text = (
            f"Another screen took over room {room.code} at {when}. This screen now only "
            "watches; it can take the room back."
        )
        ident = "ws-taken-over"
    else:
        state = "connected now" if present else "not connected at the moment"
        text = (
            f"This screen only watches room {room.code}: another screen runs it ({state}). "
            "Take it over to run the meetings from here."
        )
        ident = "ws-watching"
    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}) as row:
        Html(f'<div class="ws-wait" id="{ident}">{esc(text)}</div>')
        solara.Button("Take over this room", on_click=lambda: set_asking(True), outlined=True)
        solara.lab.ConfirmationDialog(
            asking,
            on_close=lambda: set_asking(False),
            on_ok=lambda: room.take_over(by),
            title=f"Run room {room.code} from this screen?",
            content=(
                f"Room {room.code} is run from another screen "
                f"({'connected now' if present else 'not connected at the moment'}). Taking it "
                "over makes that screen read-only, and it is told so."
            ),
            ok="Take over",
        )
    return row


@solara.component
def Header(room: Room, by: str, version: int, projector: bool, set_projector, notice: str, say):
    session = room.session
    model = session.model
    run = views.running(model)
    title = model.scenario.scenario.title or model.scenario.scenario.name
    with solara.Column(gap="4px") as header:
        Html(
            f'<div class="ws-titlebar"><span class="ws-title">{esc(title)}</span> '
            f'<span class="ws-sub">Room {esc(room.code)}; seed {session.design.seed}; '
            f"design: {esc(session.design.label())}</span></div>"
        )
        if room.runs(by):
            Controls(
                room,
                by,
                session.meetings_held,
                session.waiting_for is not None,
                session.finished,
                any(a[0] in ("vote", "agent") for a in room.journal),
                projector,
                set_projector,
                say,
            ).key("controls")
        else:
            Watching(room, by).key("watching")
        Html(f'<span id="ws-where">{esc(where_text(room))}</span>').key("where")
        if notice:
            Html(f'<div class="ws-wait" id="ws-notice">{esc(notice)}</div>').key("notice")
        if session.dissolved_at is not None:
            Html(
                f'<div class="ws-alert" id="ws-dissolved">The alliance was dissolved at board '
                f"meeting {session.dissolved_at} of {session.meetings_total}: it decides nothing "
                "more. The debrief compares it with the agents alone over their whole term.</div>"
            ).key("dissolved")
        if session.waiting_for is not None:
            owing = " ".join(
                sorted({session.model.parties[r.party].key for r in session.outstanding})
            )
            # The tables owed and the votes so far, in the one element (tests read them together).
            Html(
                f'<div class="ws-wait" id="ws-waiting" data-owing="{esc(owing)}" '
                f'data-votes="{session.votes_cast}">{esc(waiting_text(room))}</div>'
            ).key("waiting")
        silent = session.silent_parties()
        if silent:
            Html(
                f'<div class="ws-alert" id="ws-silent">{esc(", ".join(silent))}: played by the '
                "room but not a full member, so never asked to vote (the set-up can make it "
                "one).</div>"
            ).key("silent")
        Html(
            '<div class="ws-stats" id="ws-running">'
            f"<span>tabled <b>{run.tabled}</b></span>"
            f"<span>business agreed <b>{run.agreed}</b></span>"
            f"<span>stalemated <b>{run.stalemate}</b></span>"
            f"<span>stalemate rate <b>{run.stalemate_rate}</b></span>"
            f"<span>median days to decision <b>{run.median_days}</b></span>"
            f"<span>open <b>{run.open}</b></span>"
            f"<span>referrals <b>{run.referrals}</b></span>"
            f"<span>room votes <b>{session.votes_cast}</b></span>"
            "</div>"
        ).key("stats")
    return header


def table_rows(room: Room) -> list[tuple[str, str, int, int, str, str, int]]:
    """(party key, name, devices connected, devices away, status, status class, votes owed) for
    every party the room plays or a device sits at."""
    session = room.session
    seated = room.seated()
    present = room.present()
    rows = []
    for p in session.model.parties:
        if p.key not in session.room_keys and p.key not in seated:
            continue
        devices = seated.get(p.key, [])
        here = sum(d in present for d in devices)
        owed = len(session.owed_by(p.index))
        if str(p.membership) != "full":
            status, klass = "observes: no vote", "vote-other"
        elif owed:
            status, klass = f"to vote ({owed})", "vote-awaiting"
        elif session.answered_for(p.index):
            choices = [c for _, c in session.answered_for(p.index)]
            status = "voted" if AGENT not in choices else "left to the agent"
            klass = "vote-yes"
        else:
            status, klass = "no vote owed", "vote-other"
        rows.append((p.key, p.name, here, len(devices) - here, status, klass, owed))
    return rows


def presence_html(here: int, away: int) -> str:
    """Who is at a table: a dot per device, filled while its page is connected."""
    if not here and not away:
        return '<span class="ws-off" title="no device">—</span>'
    dots = '<span class="ws-on">●</span>' * here + '<span class="ws-off">○</span>' * away
    words = f"{here} connected" + (f", {away} away" if away else "")
    return f'<span class="ws-dots" title="{words}">{dots}</span>'


@solara.component
def TablesPanel(room: Room, by: str, version: int, say):
    """Who plays which party, who is connected, who has voted, and the agent for a slow table."""
    rows = table_rows(room)
    runs = room.runs(by)
    acks, set_acks = solara.use_state(0)
    render_context = reacton.core.get_render_context(required=False)

    def settle(key: str, name: str) -> None:
        n = room.let_agent_vote(key, by=by)
        with batched(render_context):
            say(
                f"{name}: {views.plural(n, 'vote')} left to its agent."
                if n
                else f"{name} owed no vote any more."
            )
            set_acks(lambda a: a + 1)

    with solara.Column(gap="0px", classes=["ws-tables"]) as panel:
        Html(
            f'<div class="ws-h">Tables <span class="ws-note">'
            f"{views.plural(sum(r[2] for r in rows), 'device')} connected</span></div>"
            '<div class="ws-note ws-legend"><span class="ws-on">●</span> connected '
            '<span class="ws-off">○</span> away <span class="ws-off">—</span> no device</div>'
        )
        if not rows:
            Html('<p class="ws-note">No table has joined yet.</p>').key("none")
        for key, name, here, away, status, klass, owed in rows:
            with solara.Div(classes=["ws-table-row"]).key(f"row-{key}"):
                Html(
                    f'<div class="ws-trow"><span class="ws-tname" title="{esc(name)}">'
                    f"{esc(views.short_name(name))}</span>{presence_html(here, away)}"
                    f'<span class="ws-tstatus {klass}" data-party="{esc(key)}" '
                    f'data-here="{here}" data-away="{away}">{esc(status)}</span></div>'
                ).key("text")
                if owed and runs:
                    OnceButton(
                        label=f"Let the agent vote ({owed})",
                        ack=acks,
                        text=True,
                        small=True,
                        classes="ws-agent-btn",
                        event_click=lambda _d, key=key, name=name: settle(
                            key, views.short_name(name)
                        ),
                    ).key("agent")
    return panel


@solara.component
def RoomVote(room: Room, by: str, version: int, say):
    """The facilitator's card for the first vote the meeting waits for (a table with no device,
    or the facilitator voting for it); compact, so the tabs stay in view."""
    session = room.session
    request: RoomRequest | None = session.waiting_for
    acks, set_acks = solara.use_state(0)
    render_context = reacton.core.get_render_context(required=False)
    if request is None:
        return solara.Div()
    seated = room.seated()
    party = session.model.parties[request.party]
    devices = len(seated.get(party.key, []))
    who = (
        f"{views.plural(devices, 'device')} at this table can vote, or vote here for it"
        if devices
        else "no device at this table: vote here for it"
    )
    position = session.requests.index(request) + 1

    def cast(data) -> None:
        card, choice = data.get("card", ""), data.get("choice", "")
        shown = session.request(card)
        status = room.answer(choice, card, by=by)
        answer = session.answers.get(shown.key, "") if shown is not None else ""
        text = receipt_text(status, shown, choice, answer)
        with batched(render_context):
            say("" if text.startswith("Your vote is in") else text)
            set_acks(lambda n: n + 1)

    attributes = {"id": "ws-roomvote", "data-request": request.card}
    with solara.Div(classes=["ws-card", "ws-roomvote"], attributes=attributes) as card:
        Html(
            f"<h3>Vote for {esc(party.name)}</h3>"
            f'<div class="ws-note">Vote {position} of {len(session.requests)} the room casts '
            f"at this meeting; {esc(who)}</div>"
        ).key("title")
        # The buttons above the details: on a projector the card is cut to keep the tabs in view.
        if room.runs(by):
            VoteButtonsClient(
                card=request.card,
                buttons=vote_buttons(session, request),
                ack=acks,
                event_cast=cast,
            ).key("buttons")
        Html(vote_card_html(session, request, heading=False)).key("text")
    return card


@solara.component
def JoinPanel(code: str):
    """The room's code, the address to open, and the QR code for phones (with a warning when the
    server listens on this machine only, so that phones cannot reach the address)."""
    address = join_address(code)
    local = "//localhost" in address or "//127.0.0.1" in address
    warning = (
        '<div class="ws-alert" id="ws-local">Phones cannot open this address: the server '
        "listens on this machine only. Restart it with <code>--host 0.0.0.0</code> (or "
        "<code>make workshop</code>) for a room.</div>"
        if local
        else ""
    )
    with solara.Column(gap="2px") as panel:
        Html(
            f'<div class="ws-join"><div class="ws-join-row">'
            f'<div class="ws-qr" id="ws-qr">{qr_svg(address)}</div>'
            f'<div>Join room<br><b id="ws-code">{esc(code)}</b>'
            f'<div class="ws-note ws-url" id="ws-join-url">{esc(address)}</div></div></div>'
            f"{warning}</div>"
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
