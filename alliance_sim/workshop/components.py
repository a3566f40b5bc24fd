"""The app's building blocks: HTML helpers, the set-up panel, the controls, the room's vote."""

from __future__ import annotations

import base64
import html
from collections.abc import Callable

import solara
import solara.lab

from ..reasons import date_of, money
from ..scenario import builtin_names
from . import figures, views
from .design import MEMBERSHIP_LABELS, RULE_LABELS, RULE_NOTES, Design
from .session import RoomRequest, WorkshopSession

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


# -- set-up panel -------------------------------------------------------------------------------
@solara.component
def SetupPanel(session: WorkshopSession, version: int, on_design: Callable[[Design], None]):
    design = session.design
    base = design.base
    with solara.Column(gap="6px") as panel:
        solara.HTML(tag="div", unsafe_innerHTML="Set-up", classes=["ws-title"])
        solara.HTML(
            tag="div",
            unsafe_innerHTML="Changing the design restarts the simulation.",
            classes=["ws-note"],
        )
        solara.Select(
            label="Scenario",
            values=builtin_names(),
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
                on_value=lambda d: on_design(design.replace(cadence_days=max(1, int(d or 1)))),
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
        if session.error:
            solara.HTML(tag="div", unsafe_innerHTML=esc(session.error), classes=["ws-error"])
        solara.HTML(tag="div", unsafe_innerHTML="Parties", classes=["ws-h"])
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                "Membership: full members vote; associates attend without a vote. "
                "Open a party for its delegated authority and best-for-service weight."
            ),
            classes=["ws-note"],
        )
        for key, party in base.parties.items():
            PartySetup(design, key, party.name, str(party.kind), on_design)
    return panel


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
        with solara.Details(
            summary=f"authority {money(threshold)} · best-for-service {bfs:.2f}", expand=False
        ):
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


# -- header: controls and the running panel ------------------------------------------------------
@solara.component
def Header(session: WorkshopSession, version: int, act):
    model = session.model
    run = views.running(model)
    waiting = session.waiting_for is not None
    done = session.finished
    title = model.scenario.scenario.title or model.scenario.scenario.name
    if done:
        where = f"Term ended after {run.meetings_held} meetings"
    elif run.meetings_held:
        where = f"Meeting {run.meetings_held} of {run.meetings_total} held, {run.date}"
    else:
        where = f"No meeting yet; {run.meetings_total} meetings in the term"
    with solara.Column(gap="4px") as header:
        solara.HTML(tag="div", unsafe_innerHTML=esc(title), classes=["ws-title"])
        solara.HTML(
            tag="div",
            unsafe_innerHTML=esc(f"Seed {session.design.seed}; design: {session.design.label()}"),
            classes=["ws-sub"],
        )
        with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Button(
                "Step one meeting",
                on_click=act(session.step),
                color="primary",
                disabled=waiting or done,
            )
            solara.Button("Run to end", on_click=act(session.run_to_end), disabled=waiting or done)
            solara.Button("Reset", on_click=act(session.reset), outlined=True)
            solara.HTML(tag="span", unsafe_innerHTML=esc(where), attributes={"id": "ws-where"})
        Html(
            '<div class="ws-stats" id="ws-running">'
            f"<span>tabled <b>{run.tabled}</b></span>"
            f"<span>agreed <b>{run.agreed}</b></span>"
            f"<span>stalemate <b>{run.stalemate}</b></span>"
            f"<span>stalemate rate <b>{run.stalemate_rate}</b></span>"
            f"<span>median days to decision <b>{run.median_days}</b></span>"
            f"<span>open <b>{run.open}</b></span>"
            f"<span>referrals <b>{run.referrals}</b></span>"
            f"<span>room votes <b>{run.room_votes}</b></span>"
            "</div>"
        )
    return header


# -- the room's vote ----------------------------------------------------------------------------
def _effect(value: float) -> str:
    if abs(value) < 5e-4:
        return "no change"
    return f"{'gains' if value > 0 else 'loses'} {money(value)} a year"


@solara.component
def RoomVote(session: WorkshopSession, version: int, act):
    request: RoomRequest | None = session.waiting_for
    if request is None:
        return solara.Div()
    model = session.model
    matter = model.matters[request.matter]
    party = model.parties[request.party]
    position = session.requests.index(request) + 1
    lines = [
        f"<h3>The room votes for {esc(party.name)}</h3>",
        f'<div class="ws-note">Vote {position} of {len(session.requests)} the room casts at '
        f"board meeting {request.meeting} ({esc(date_of(model, request.day))})</div>",
        f'<div style="margin-top:6px"><b>{esc(matter.id)} {esc(matter.title)}</b>, proposed by '
        f"{esc(model.parties[matter.proposer].name)}; size {money(matter.magnitude)}; "
        f"terms: {esc(request.terms)}</div>",
    ]
    if request.mandated:
        lines.append(
            f"<div>{esc(party.home_body.name)} has already decided; the representative would "
            "follow it.</div>"
        )
    own, bad = _effect(request.own_m), _effect(request.downside_m)
    worst = f"; in a bad year it {bad}" if bad != own else ""
    lines.append(
        f"<div>For {esc(views.short_name(party.name))}: it {own}{worst}. "
        f"For the system as a whole: it {_effect(request.system_m)}.</div>"
    )
    facts = "".join(
        f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>"
        for k, v in views.party_interests(model, request.party)
    )
    lines.append(f'<dl class="ws-facts">{facts}</dl>')
    lines.append(
        f"<div><b>The agent would vote {request.agent_says}:</b> {esc(request.agent_reason)}</div>"
    )
    ident = f"{request.meeting}-{request.matter_id}-{request.party}"
    attributes = {"id": "ws-roomvote", "data-request": ident}
    with solara.Div(classes=["ws-card"], attributes=attributes) as card:
        Html("".join(lines))
        with solara.Row(gap="10px", style={"margin-top": "8px"}):
            solara.Button("Vote yes", on_click=act(lambda: session.answer("yes")), color="success")
            solara.Button("Vote no", on_click=act(lambda: session.answer("no")), color="error")
            solara.Button(
                f"Refer to {party.home_body.name}",
                on_click=act(lambda: session.answer("refer")),
                outlined=True,
            )
    return card
