"""The workshop app (Solara): a room of tables role-playing an alliance, each from its own device.

Served by ``alliance-sim workshop [SCENARIO]`` (``solara run alliance_sim.workshop.pages.app``). Two
pages: ``/?room=CODE`` the facilitator's screen (set-up, controls, the room's code and QR code,
the tables, the views) and ``/join?room=CODE`` a table's phone. Both draw the same :class:`Room`
from the server's registry, so every device sees one model; a change from any device re-renders
every page of the room (:func:`components.use_room`). A plain Solara page rather than Mesa's
``SolaraViz``: SolaraViz steps the model from its own controls and cannot stop in the middle of a
meeting for the room's votes. Charts are matplotlib (Altair's front end does not load offline).

Every page keeps its room in its address (``?room=CODE``; the projector's also
``&view=projector``) and its browser in Solara's session cookie, so a reload, a lost connection
or a restarted server brings it back to the same room, the same screen, the same seat.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import parse_qs

import solara
import solara.lab

from ...config.loading import builtin_names
from ..codes import CodeError, parse_code
from ..design import Design
from ..room import Room, registry
from .client import Reconnect
from .components import SCREEN_DELAY_S, Html, SetupPanel, esc, use_room, use_room_state
from .facilitator import HandoutButtons, Header, JoinPanel, RoomVote, TablesPanel
from .participant import Participant
from .style import CSS
from .tabs import ChartsView, CompareView, MeetingView, NarrativeView, NetworkView, RoomView

SCENARIO_ENV = "ALLIANCE_SIM_WORKSHOP_SCENARIO"
SEED_ENV = "ALLIANCE_SIM_WORKSHOP_SEED"
DEFAULT_SCENARIO = "mid-notts"


def initial_design() -> Design:
    """The design the server was started with: a built-in alliance or a scenario file (by its
    absolute path, which ``alliance-sim workshop`` has checked)."""
    scenario = os.environ.get(SCENARIO_ENV, DEFAULT_SCENARIO)
    if scenario not in builtin_names() and not os.path.isfile(scenario):
        scenario = DEFAULT_SCENARIO
    try:
        seed = int(os.environ.get(SEED_ENV, "1"))
    except ValueError:
        seed = 1
    return Design.of(scenario, seed)


def query(search: str | None) -> dict[str, str]:
    """The address's query, one value per name (``room``, ``view``)."""
    return {k: v[0] for k, v in parse_qs(search or "", keep_blank_values=True).items()}


def address(code: str, projector: bool = False) -> str:
    return f"/?room={code}" + ("&view=projector" if projector else "")


@dataclass(frozen=True)
class Opened:
    """The room a facilitator's address opens, or why it opens none."""

    room: Room | None
    problem: str = ""


def open_room(search: str | None, browser: str) -> Opened:
    """The room the address names (``?room=CODE``), checked; without one, the room this browser
    last facilitated (Solara keeps the browser's session id in a cookie); else a new room."""
    asked = query(search)
    rooms = registry()
    if "room" not in asked:
        room = rooms.facilitated_by(browser) or rooms.create(initial_design(), by=browser)
        return Opened(room)
    try:
        code = parse_code(asked["room"])
    except CodeError as exc:
        return Opened(None, str(exc))
    room = rooms.get(code)
    if room is None:
        return Opened(
            None,
            f"There is no room {code} on this server. Check the code, or open a new room.",
        )
    room.claim(browser)
    return Opened(room)


def model_stamp(room: Room) -> tuple:
    """What the tabs draw from: the model (a new one after each meeting, a reset or an undo),
    the meetings held and the parties the room plays. A vote changes none of them, so the tabs
    are not redrawn while the tables vote and a vote reaches the screen sooner."""
    session = room.session
    return (id(session.model), session.meetings_held, tuple(sorted(session.room_keys)))


def page_stamp(room: Room, browser: str) -> tuple:
    session = room.session
    return (model_stamp(room), session.design, session.error, room.runs(browser))


@solara.component
def LiveHead(room: Room, browser: str, projector: bool, set_projector, notice):
    """The part of the screen every vote changes, above the tabs: the header and the vote card."""
    version, refresh = use_room_state(room, device=browser, delay=SCREEN_DELAY_S)

    def say(text: str) -> None:
        """Say what a click did (or did not do), and show the room as it now is at once."""
        notice.set(text)
        refresh()

    with solara.Div(classes=["ws-head"]) as head:
        Header(room, browser, version, projector, set_projector, notice.value, say)
        RoomVote(room, browser, version, say)
    return head


@solara.component
def LiveRail(room: Room, browser: str, notice):
    """The column beside the tabs: the room's code and QR code, the tables (which follow every
    change), the handout."""
    with solara.Div(classes=["ws-rail"]) as rail:
        JoinPanel(room.code)
        LiveTables(room, browser, notice)
        HandoutButtons(room)
    return rail


@solara.component
def LiveTables(room: Room, browser: str, notice):
    version, refresh = use_room_state(room, device=browser, delay=SCREEN_DELAY_S)

    def say(text: str) -> None:
        notice.set(text)
        refresh()

    return TablesPanel(room, browser, version, say)


@solara.component
def NoRoom(problem: str, browser: str):
    """A facilitator's address that opens no room: why, and a way on (never a traceback)."""
    router = solara.use_router()

    def new_room() -> None:
        room = registry().create(initial_design(), by=browser)
        router.push(address(room.code))

    with solara.Column(gap="10px", classes=["ws-phone"]) as view:
        Html(
            '<div class="ws-title">Alliance workshop</div>'
            f'<p class="ws-error" id="ws-code-error">{esc(problem)}</p>'
        )
        solara.Button("Open a new room", on_click=new_room, color="primary")
    return view


# -- the facilitator's screen -------------------------------------------------------------------
@solara.component
def Facilitator():
    router = solara.use_router()
    browser = solara.get_session_id()
    search = router.search or ""
    opened = solara.use_memo(lambda: open_room(search, browser), [search])
    with solara.Div(classes=["ws-page"]) as page:
        solara.Style(CSS)
        Reconnect()
        if opened.room is None:
            solara.Title("Alliance workshop")
            NoRoom(opened.problem, browser)
        else:
            Screen(opened.room, browser, query(search).get("view") == "projector")
    return page


@solara.component
def Screen(room: Room, browser: str, projector: bool):
    router = solara.use_router()
    # The address names the room (and projector mode): a reload comes back to this screen.
    wanted = address(room.code, projector)

    def keep_address():
        if f"{router.path}?{router.search or ''}".rstrip("?") != wanted:
            router.push(wanted)

    # Also when the address changes: the browser reports its own address as the page mounts,
    # which can undo a change made before it did.
    solara.use_effect(keep_address, [wanted, router.path, router.search])
    # The page as a whole follows the model, the design and who runs the room; a vote redraws
    # only the live parts.
    use_room(room, lambda r: page_stamp(r, browser), device=browser, delay=SCREEN_DELAY_S)
    runs = room.runs(browser)
    tab, set_tab = solara.use_state(0)
    stamp = model_stamp(room)

    def set_projector(on: bool) -> None:
        router.push(address(room.code, on))

    # What the last click did not do, or did besides (shared by the header and the tables).
    notice = solara.use_reactive("")
    with solara.Div(classes=["ws-shell"] + (["ws-projector"] if projector else [])) as shell:
        solara.Title(f"Alliance workshop {room.code}")
        if not projector and runs:
            with solara.Div(classes=["ws-side"]):
                SetupPanel(room, room.session.design, room.session.error, browser)
        with solara.Div(classes=["ws-main"]):
            LiveHead(room, browser, projector, set_projector, notice)
            with solara.Div(classes=["ws-tabs"]):
                with solara.lab.Tabs(value=tab, on_value=set_tab, lazy=True):
                    with solara.lab.Tab("Meeting"):
                        MeetingView(room.session, stamp)
                    with solara.lab.Tab("Network"):
                        NetworkView(room.session, stamp)
                    with solara.lab.Tab("Charts"):
                        ChartsView(room.session, stamp)
                    with solara.lab.Tab("Narrative"):
                        NarrativeView(room.session, stamp)
                    with solara.lab.Tab("Role-play and debrief"):
                        RoomView(room, stamp, browser if runs else None)
                    with solara.lab.Tab("Compare designs"):
                        CompareView(room.session, stamp)
        LiveRail(room, browser, notice)
    return shell


# -- a table's device ---------------------------------------------------------------------------
@solara.component
def Join():
    router = solara.use_router()
    with solara.Div(classes=["ws-phone-shell"]) as shell:
        solara.Title("Alliance workshop: join")
        solara.Style(CSS)
        Reconnect()
        Participant(
            query(router.search).get("room", ""), lambda code: router.push(f"/join?room={code}")
        )
    return shell


@solara.component
def Layout(children=None):
    """No app bar or drawer: the facilitator's page fills a projector, a table's a phone."""
    return solara.Div(children=children or [], style={"width": "100%"})


routes = [
    solara.Route(path="/", component=Facilitator, label="Facilitator", layout=Layout),
    solara.Route(path="join", component=Join, label="Join"),
]
