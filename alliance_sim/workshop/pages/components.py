"""The app's building blocks: HTML helpers, the live link to a room, the set-up panel, the vote
card (the same on the facilitator's screen and a table's phone)."""

from __future__ import annotations

import base64
import contextlib
import html
from collections.abc import Callable

import reacton.core
import solara
import solara.lab
import solara.toestand

from ...config.loading import builtin_names
from ...text import date_of, money
from .. import figures, listeners, views
from ..design import MEMBERSHIP_LABELS, RULE_LABELS, RULE_NOTES, Design
from ..room import Room
from ..session import RoomRequest, WorkshopSession

RULES = list(RULE_LABELS)
MEMBERSHIPS = list(MEMBERSHIP_LABELS)


# -- small HTML helpers -------------------------------------------------------------------------
def esc(text: object) -> str:
    return html.escape(str(text))


def table(
    headers: list[str], rows: list[list[str]], table_id: str = "", row_classes=None, cls=""
) -> str:
    """An HTML table; cells are HTML already (escape them with :func:`esc`)."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        klass = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        body.append(f"<tr{klass}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    ident = f' id="{table_id}"' if table_id else ""
    return f'<table{ident} class="ws-table {cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def vote_html(vote: str, by: str) -> str:
    klass = {"yes": "vote-yes", "no": "vote-no", "referred": "vote-referred"}.get(vote, "")
    if vote == "awaiting home body":
        klass = "vote-awaiting"
    text = f'<span class="{klass or "vote-other"}">{esc(vote)}</span>'
    if by == "room":
        text += '<span class="ws-badge">room</span>'
    return text


@solara.component
def Html(content: str, element_id: str = ""):
    attributes = {"id": element_id} if element_id else None
    return solara.HTML(tag="div", unsafe_innerHTML=content, attributes=attributes)


@solara.component
def Picture(make: Callable[[], object], dependencies: list, alt: str, element_id: str = ""):
    """A matplotlib figure as a PNG scaled to the column (rebuilt when ``dependencies`` change)."""

    def render() -> str:
        fig = make()
        if fig is None:
            return ""
        return base64.b64encode(figures.to_png(fig, dpi=110)).decode()

    data = solara.use_memo(render, dependencies)
    if not data:
        return solara.Div()
    ident = f' id="{element_id}"' if element_id else ""
    return Html(
        f'<img{ident} alt="{esc(alt)}" src="data:image/png;base64,{data}" '
        'style="width: 100%; max-width: 1000px; height: auto;">'
    )


# -- the live link to a room ------------------------------------------------------------------
def page_state(context) -> Callable[[], str]:
    """Whether the page of a Solara kernel context is connected, away or closed for good."""
    if context is None:
        return lambda: listeners.CONNECTED
    from solara.server.kernel_context import PageStatus

    def state() -> str:
        if context.closed_event.is_set():
            return listeners.CLOSED
        statuses = list(context.page_status.values())
        if PageStatus.CONNECTED in statuses:
            return listeners.CONNECTED
        return listeners.AWAY if PageStatus.DISCONNECTED in statuses else listeners.CLOSED

    return state


#: How long the facilitator's screen lets changes gather before it is drawn (see listeners).
SCREEN_DELAY_S = 0.15


def use_room(
    room: Room,
    select: Callable[[Room], object] | None = None,
    device: str = "",
    delay: float = 0.0,
):
    """What this page draws from the room, re-rendering it whenever another device changes it.

    ``select`` picks the part of the room a component draws (by default the room's version,
    which every change bumps): the listener re-renders only when that part changes, so that a
    table's vote redraws the facilitator's header and tables, not the whole page. ``device``
    names the browser the page is on: the room counts it as present while the page is
    connected. ``delay``: draw once for a burst of changes (:data:`SCREEN_DELAY_S`).
    """
    return use_room_state(room, select, device, delay)[0]


def use_room_state(
    room: Room,
    select: Callable[[Room], object] | None = None,
    device: str = "",
    delay: float = 0.0,
):
    """:func:`use_room`, and a function that brings the page up to date at once (from one of its
    own event handlers, so that the device that acted sees the result first, in its own thread,
    and the announcement that follows finds nothing left to draw).

    A change made from another browser session is announced on another thread: the listener
    enters this page's render and kernel contexts (as Solara's own reactive variables do for a
    value set from another thread) so that the update goes to this page's websocket.
    """
    pick = select or (lambda r: r.version)
    value, set_value = solara.use_state(pick(room))
    render_context = reacton.core.get_render_context(required=False)
    kernel = None
    try:
        import solara.server.kernel_context as kernel_context

        if kernel_context.has_current_context():
            kernel = kernel_context.get_current_context()
    except ImportError:  # pragma: no cover - solara without its server
        pass
    context = solara.toestand.Context(render_context, kernel or contextlib.nullcontext())
    last = solara.use_ref(value)

    def changed() -> None:
        new = pick(room)
        if new == last.current:
            return
        last.current = new
        with context:
            set_value(new)

    def subscribe():
        return room.subscribe(changed, device, page_state(kernel), delay)

    solara.use_effect(subscribe, [room])
    return pick(room), changed


def batched(render_context):
    """A context in which several state changes make one render (an event handler that sets two
    states would otherwise draw the page twice)."""
    return render_context if render_context is not None else contextlib.nullcontext()


# -- set-up panel -------------------------------------------------------------------------------
@solara.component
def SetupPanel(room: Room, design: Design, error: str, by: str | None = None):
    """The design; a change that would discard meetings held or votes cast asks first.

    Drawn from the design and its error only (not the room's version): it is the page's largest
    part, and a table's vote changes neither.
    """
    base = design.base
    pending, set_pending = solara.use_state(None)  # (design, what it would discard)

    def on_design(new: Design) -> None:
        session = room.session
        if new == session.design:
            return
        held, cast = session.meetings_held, session.votes_cast
        if held or cast:
            set_pending(
                (
                    new,
                    "The new design restarts the run from its first meeting: the "
                    f"{views.plural(held, 'meeting')} held and the room's "
                    f"{views.plural(cast, 'vote')} are discarded (download the handout first "
                    "to keep them).",
                )
            )
        else:
            room.set_design(new, by=by)

    def adopt() -> None:
        if pending is not None:
            room.set_design(pending[0], by=by)
        set_pending(None)

    with solara.Column(gap="6px") as panel:
        solara.HTML(tag="div", unsafe_innerHTML="Set-up", classes=["ws-title"])
        solara.HTML(
            tag="div",
            unsafe_innerHTML="Changing the design restarts the simulation (it asks first).",
            classes=["ws-note"],
        )
        solara.lab.ConfirmationDialog(
            pending is not None,
            on_close=lambda: set_pending(None),
            on_ok=adopt,
            title="Change the design?",
            content=pending[1] if pending else "",
            ok="Change and restart",
        )
        solara.Select(
            label="Scenario",
            # a scenario file the server was started with is offered beside the built-ins
            values=builtin_names() + [s for s in [design.scenario] if s not in builtin_names()],
            value=design.scenario,
            on_value=lambda name: on_design(Design.of(name, design.seed)),
        )
        with solara.Row(gap="10px"):
            solara.InputInt(
                label="Seed",
                value=design.seed,
                on_value=lambda s: on_design(design.replace(seed=int(s or 0))),
                style={"max-width": "110px"},
            )
            solara.InputInt(
                label="Board meets every (days)",
                value=design.cadence_days,
                # A bad value (0, -3) goes to the scenario's checks, which say what is allowed.
                on_value=lambda d: on_design(design.replace(cadence_days=int(d or 0))),
            )
        solara.Select(
            label="Decision rule",
            values=[RULE_LABELS[r] for r in RULES],
            value=RULE_LABELS.get(design.rule, design.rule),
            on_value=lambda label: on_design(
                design.replace(rule=RULES[[RULE_LABELS[r] for r in RULES].index(label)])
            ),
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=esc(RULE_NOTES.get(design.rule, "")),
            classes=["ws-note"],
        )
        if error:
            solara.HTML(tag="div", unsafe_innerHTML=esc(error), classes=["ws-error"])
        solara.HTML(tag="div", unsafe_innerHTML="Parties", classes=["ws-h"])
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                "Membership: full members vote; associates attend without a vote. "
                "Choose a party below the table to change its membership, delegated authority "
                "(£m it may commit without its home body) and best-for-service weight."
            ),
            classes=["ws-note"],
        )
        PartiesSummary(design)
        # One party's controls at a time: twelve parties' worth of widgets made every redraw of
        # the page slower (Solara reconciles the whole page on each change).
        names = {party.name: key for key, party in base.parties.items()}
        chosen, set_chosen = solara.use_state(next(iter(names)))
        chosen = chosen if chosen in names else next(iter(names))
        solara.Select(label="Change a party", values=list(names), value=chosen, on_value=set_chosen)
        key = names[chosen]
        PartySetup(design, key, chosen, str(base.parties[key].kind), on_design)
    return panel


@solara.component
def PartiesSummary(design: Design):
    """Every party's membership, authority and weight, as one table."""
    rows = []
    for key, party in design.base.parties.items():
        colour = figures.KIND_COLOURS.get(str(party.kind), "#999")
        rows.append(
            [
                f'<span class="ws-dot" style="background:{colour}"></span>'
                f"{esc(views.short_name(party.name))}",
                esc(design.membership.get(key, "full")),
                esc(money(design.threshold_m.get(key, 0.0))),
                f"{design.best_for_service.get(key, 0.5):.2f}",
            ]
        )
    return Html(table(["Party", "Member", "Authority", "BfS"], rows, "ws-parties", cls="ws-small"))


@solara.component
def PartySetup(design: Design, key: str, name: str, kind: str, on_design):
    colour = figures.KIND_COLOURS.get(kind, "#999")
    membership = design.membership.get(key, "full")
    threshold = design.threshold_m.get(key, 0.0)
    bfs = design.best_for_service.get(key, 0.5)
    with solara.Div(classes=["ws-party"]) as box:
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f'<span class="ws-dot" style="background:{colour}"></span>{esc(name)}'
            ),
            classes=["ws-party-name"],
        )
        solara.ToggleButtonsSingle(
            value=membership,
            values=MEMBERSHIPS,
            on_value=lambda m: on_design(design.with_party(key, membership=m)),
            dense=True,
        )
        solara.InputFloat(
            label="Delegated authority (£m)",
            value=threshold,
            on_value=lambda v: on_design(
                design.with_party(key, threshold_m=max(0.0, float(v or 0.0)))
            ),
        )
        solara.SliderFloat(
            label=f"Best-for-service weight {bfs:.2f}",
            value=bfs,
            min=0.0,
            max=1.0,
            step=0.05,
            on_value=lambda v: on_design(design.with_party(key, best_for_service=float(v))),
        )
    return box


# -- the vote card ------------------------------------------------------------------------------
def _effect(value: float) -> str:
    if abs(value) < 5e-4:
        return "changes nothing"
    return f"{'gains' if value > 0 else 'loses'} {money(value)} a year"


def vote_card_html(session: WorkshopSession, request: RoomRequest, heading: bool = True) -> str:
    """What a table needs to decide a vote: the matter, what its party gains or loses, what its
    agent would do (and, when its home body has already decided, that referring is not open)."""
    model = session.model
    matter = model.matters[request.matter]
    party = model.parties[request.party]
    lines = [
        f"<h3>Vote for {esc(party.name)}</h3>" if heading else "",
        f'<div class="ws-note">Board meeting {request.meeting} '
        f"({esc(date_of(model, request.day))})</div>",
        f'<div style="margin-top:4px"><b>{esc(matter.id)} {esc(matter.title)}</b>, proposed by '
        f"{esc(model.parties[matter.proposer].name)}; size {money(matter.magnitude)}; "
        f"terms: {esc(request.terms)}</div>",
    ]
    own, bad = _effect(request.own_m), _effect(request.downside_m)
    worst = f"; in a bad year it {bad}" if bad != own else ""
    lines.append(
        f"<div>For {esc(views.short_name(party.name))} it {own}{worst}. "
        f"For the system as a whole it {_effect(request.system_m)}.</div>"
    )
    if request.mandated:
        lines.append(
            f"<div><b>{esc(party.home_body.name)} has already decided</b>; its representative "
            "follows that answer, so the vote cannot be referred again.</div>"
        )
    whose = f", as {esc(party.home_body.name)} decided" if request.mandated else ""
    lines.append(
        f"<div><b>The agent would vote {request.agent_says}{whose}:</b> "
        f"{esc(request.agent_reason)}</div>"
    )
    return "".join(lines)


def party_facts_html(session: WorkshopSession, party: int) -> str:
    """What the party a table plays cares about (under its vote card on the phone)."""
    facts = "".join(
        f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>"
        for k, v in views.party_interests(session.model, party)
    )
    return f'<div class="ws-h">About your party</div><dl class="ws-facts">{facts}</dl>'


def vote_buttons(session: WorkshopSession, request: RoomRequest) -> list[dict]:
    """The choices a vote card offers (no referral once the home body has decided)."""
    party = session.model.parties[request.party]
    buttons = [
        {"choice": "yes", "label": "Vote yes", "color": "success", "outlined": False},
        {"choice": "no", "label": "Vote no", "color": "error", "outlined": False},
    ]
    if not request.mandated:
        buttons.append(
            {
                "choice": "refer",
                "label": f"Refer to {party.home_body.name}",
                "color": "primary",
                "outlined": True,
            }
        )
    return buttons


def receipt_text(status: str, request: RoomRequest | None, choice: str, answer: str = "") -> str:
    """What a device is told after a tap: its vote is in, or why it was not taken."""
    matter = request.matter_id if request is not None else "that matter"
    word = views.choice_word(choice)
    if status in ("waiting", "ready", "held", "finished"):
        return f"Your vote is in: {word} on {matter}."
    if status == "duplicate":
        return f"Counted once: your table's vote on {matter} ({word}) was already in."
    if status == "taken":
        return (
            f"Not counted: your table had already voted {views.choice_word(answer)} on {matter} "
            "(perhaps from another device). Use “Change my vote” to change it."
        )
    if status == "not-seated":
        return "Not counted: this device no longer sits at that table; pick a party again."
    if status == "not-facilitator":
        return "Not done: this screen no longer runs the room (another screen took it over)."
    return (
        f"Not counted: the vote on {matter} is no longer asked for (the meeting has moved on). "
        "The card now shows what is asked."
    )
