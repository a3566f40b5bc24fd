"""The workshop app (Solara): set up an alliance, step its board, hand parties to the room.

Served by ``alliance-sim workshop [SCENARIO]`` (``solara run alliance_sim.workshop.app``). A plain
Solara page rather than Mesa's ``SolaraViz``: SolaraViz steps the model with ``model.step()`` from
its own Play/Step controls and has no way to stop in the middle of a meeting for the room's vote,
nor a set-up form for per-party choices; the controller (:class:`WorkshopSession`) does both and
these modules only draw it (``components`` the set-up panel, controls and the room's vote, ``tabs``
the views). Charts are matplotlib (Altair's front end does not load offline).

Each browser tab gets its own session (``use_memo`` in :func:`Page`); after every action the page
bumps a version number, which re-renders the views that depend on the model.
"""

from __future__ import annotations

import os

import solara
import solara.lab

from ..scenario import builtin_names
from .components import Header, RoomVote, SetupPanel
from .design import Design
from .session import WorkshopSession
from .style import CSS
from .tabs import ChartsView, CompareView, MeetingView, NarrativeView, NetworkView, RoomView

SCENARIO_ENV = "ALLIANCE_SIM_WORKSHOP_SCENARIO"
SEED_ENV = "ALLIANCE_SIM_WORKSHOP_SEED"
DEFAULT_SCENARIO = "mid-notts"


def initial_design() -> Design:
    scenario = os.environ.get(SCENARIO_ENV, DEFAULT_SCENARIO)
    if scenario not in builtin_names():
        scenario = DEFAULT_SCENARIO
    try:
        seed = int(os.environ.get(SEED_ENV, "1"))
    except ValueError:
        seed = 1
    return Design.of(scenario, seed)


# -- the page -----------------------------------------------------------------------------------
@solara.component
def Page():
    session = solara.use_memo(lambda: WorkshopSession(initial_design()), [])
    version, set_version = solara.use_state(0)
    tab, set_tab = solara.use_state(0)

    def act(fn):
        def handler(*args):
            fn(*args)
            set_version(lambda v: v + 1)

        return handler

    def on_design(design: Design) -> None:
        if design != session.design:
            session.set_design(design)
        set_version(lambda v: v + 1)

    with solara.Div(classes=["ws-shell"]) as shell:
        solara.Title("Alliance workshop")
        solara.Style(CSS)
        with solara.Div(classes=["ws-side"]):
            SetupPanel(session, version, on_design)
        with solara.Div(classes=["ws-main"]):
            Header(session, version, act)
            RoomVote(session, version, act)
            with solara.lab.Tabs(value=tab, on_value=set_tab, lazy=True):
                with solara.lab.Tab("Meeting"):
                    MeetingView(session, version)
                with solara.lab.Tab("Network"):
                    NetworkView(session, version)
                with solara.lab.Tab("Charts"):
                    ChartsView(session, version)
                with solara.lab.Tab("Narrative"):
                    NarrativeView(session, version)
                with solara.lab.Tab("Role-play and debrief"):
                    RoomView(session, version, act)
                with solara.lab.Tab("Compare designs"):
                    CompareView(session, version)
    return shell


@solara.component
def Layout(children=None):
    """No app bar or drawer: the page lays itself out for a 1280x800 projector."""
    return solara.Div(children=children or [], style={"width": "100%"})
