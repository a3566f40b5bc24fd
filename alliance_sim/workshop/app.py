"""The workshop app (Solara): a room of tables role-playing an alliance, each from its own device.

Served by ``alliance-sim workshop [SCENARIO]`` (``solara run alliance_sim.workshop.app``). Two
pages: ``/?room=CODE`` the facilitator's screen (set-up, controls, the room's code and QR code,
the tables, the views) and ``/join?room=CODE`` a table's phone. Both draw the same :class:`Room`
from the server's registry, so every device sees one model; a change from any device re-renders
every page of the room (:func:`components.use_room`). A plain Solara page rather than Mesa's
``SolaraViz``: SolaraViz steps the model from its own controls and cannot stop in the middle of a
meeting for the room's votes. Charts are matplotlib (Altair's front end does not load offline).
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs

import solara
import solara.lab

from ..config.loading import builtin_names
from .components import RoomVote, SetupPanel, use_room
from .design import Design
from .facilitator import HandoutButtons, Header, JoinPanel, TablesPanel
from .participant import Participant
from .room import Room, normal_code, registry
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


def room_code(search: str | None) -> str:
    return normal_code(parse_qs(search or "").get("room", [""])[0])


def open_room(code: str, browser: str) -> Room:
    """The room asked for by code; else the room this browser last facilitated (a reload comes
    back to it: Solara keeps the browser's session id in a cookie); else a new room."""
    rooms = registry()
    room = (rooms.get(code) if code else None) or rooms.facilitated_by(browser)
    if room is None:
        room = rooms.create(initial_design(), code or None)
    room.facilitator = browser
    return room


def model_stamp(room: Room) -> tuple:
    """What the tabs draw from: the model (a new one after a reset or an undo), the meetings
    held and the parties the room plays. A vote changes none of them, so the tabs are not
    redrawn while the tables vote and a vote reaches the screen sooner."""
    session = room.session
    return (id(session.model), session.meetings_held, tuple(sorted(session.room_keys)))


def page_stamp(room: Room) -> tuple:
    session = room.session
    return (model_stamp(room), session.design, session.error)


@solara.component
def LiveTop(room: Room, projector: bool, set_projector):
    """The part of the screen every vote changes: the header, the vote card, the tables."""
    version = use_room(room)
    with solara.Div(classes=["ws-top"]) as top:
        with solara.Div(classes=["ws-top-main"]):
            Header(room, version, projector, set_projector)
            RoomVote(room, version)
        with solara.Div(classes=["ws-top-side"]):
            JoinPanel(room.code)
            TablesPanel(room, version)
            HandoutButtons(room)
    return top


# -- the facilitator's screen -------------------------------------------------------------------
@solara.component
def Facilitator():
    router = solara.use_router()
    code = room_code(router.search)
    browser = solara.get_session_id()
    room = solara.use_memo(lambda: open_room(code, browser), [code])
    # The page as a whole follows the model and the design; a vote redraws only the live parts.
    use_room(room, page_stamp)
    projector, set_projector = solara.use_state(False)
    tab, set_tab = solara.use_state(0)
    stamp = model_stamp(room)
    with solara.Div(classes=["ws-shell"] + (["ws-projector"] if projector else [])) as shell:
        solara.Title(f"Alliance workshop {room.code}")
        solara.Style(CSS)
        if not projector:
            with solara.Div(classes=["ws-side"]):
                SetupPanel(room, room.session.design, room.session.error)
        with solara.Div(classes=["ws-main"]):
            LiveTop(room, projector, set_projector)
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
                    RoomView(room, stamp)
                with solara.lab.Tab("Compare designs"):
                    CompareView(room.session, stamp)
    return shell


# -- a table's device ---------------------------------------------------------------------------
@solara.component
def Join():
    router = solara.use_router()
    code, set_code = solara.use_state(room_code(router.search))
    with solara.Div(classes=["ws-phone-shell"]) as shell:
        solara.Title("Alliance workshop: join")
        solara.Style(CSS)
        Participant(code, lambda text: set_code(normal_code(text)))
    return shell


@solara.component
def Layout(children=None):
    """No app bar or drawer: the facilitator's page fills a 1280x800 projector, a table's a phone."""
    return solara.Div(children=children or [], style={"width": "100%"})


routes = [
    solara.Route(path="/", component=Facilitator, label="Facilitator", layout=Layout),
    solara.Route(path="join", component=Join, label="Join"),
]
