"""The workshop's controller, views and figures, without a browser (issue 5).

The end-to-end test in the browser is ``test_workshop_browser.py``.
"""

from __future__ import annotations

import types

import networkx as nx
import pytest

from alliance_sim import AllianceModel, InputError, measures
from alliance_sim.cli import main
from alliance_sim.commands.workshop import workshop_command, workshop_env
from alliance_sim.workshop import Design, WorkshopSession, compare, figures, views

COUNCIL = "council"


@pytest.fixture(scope="module")
def design() -> Design:
    return Design.of("mid-notts", seed=1)


def fingerprint(model: AllianceModel) -> list[tuple]:
    """Everything the log says, comparable across runs."""
    events = [(e.day, e.meeting, int(e.kind), e.matter, e.party) for e in model.log.events]
    votes = [(v.meeting, v.matter, v.party, v.vote, v.by) for v in model.log.votes]
    return events + votes


# -- the design ---------------------------------------------------------------------------------
def test_design_defaults_to_the_scenario_and_has_no_overrides(design):
    assert design.overrides() == {}
    assert design.label() == "as the scenario says"
    assert design.membership[COUNCIL] == "full"
    assert design.rule == "unanimity"


def test_design_changes_become_dotted_overrides_checked_by_load_scenario(design):
    changed = (
        design.with_party(COUNCIL, membership="associate", threshold_m=0.5)
        .with_party("sfh", best_for_service=0.6)
        .replace(rule="best_for_service", cadence_days=42)
    )
    assert changed.overrides() == {
        "board.rule": "best_for_service",
        "board.cadence_days": 42,
        f"parties.{COUNCIL}.membership": "associate",
        f"parties.{COUNCIL}.authority.threshold_m": 0.5,
        "parties.sfh.best_for_service": 0.6,
    }
    scenario = changed.load()
    assert str(scenario.parties[COUNCIL].membership) == "associate"
    assert scenario.board.cadence_days == 42
    assert "Nottinghamshire County Council: associate (attends, no vote)" in changed.changes()
    assert design.overrides() == {}, "designs are values: changing one leaves the other alone"


def test_a_bad_design_keeps_the_old_one_and_says_why(design):
    session = WorkshopSession(design)
    session.step()
    assert not session.set_design(design.with_party("sfh", best_for_service=1.5))
    assert "best_for_service" in session.error
    assert session.design == design
    assert session.meetings_held == 1, "a rejected design does not restart the simulation"


def test_changing_the_design_restarts_the_simulation(design):
    session = WorkshopSession(design)
    session.step()
    session.step()
    assert session.set_design(design.with_party(COUNCIL, membership="associate"))
    assert session.meetings_held == 0 and session.error == ""
    assert str(session.model.parties[session.model.index[COUNCIL]].membership) == "associate"


# -- stepping and role-play ---------------------------------------------------------------------
def test_without_a_room_the_session_runs_exactly_like_the_model(design):
    session = WorkshopSession(design)
    assert session.run_to_end() == "finished"
    plain = AllianceModel(design.load(), seed=design.seed).run()
    assert fingerprint(session.model) == fingerprint(plain)
    assert session.step() == "finished"


def test_a_room_that_leaves_every_vote_to_the_agents_changes_no_decision(design):
    """What the preview and the debrief rely on: asking the room and getting None is no vote."""
    session = WorkshopSession(design, room={COUNCIL, "sfh"})
    session.step()
    record = _play(session, lambda request: request.agent_says)
    assert record, "the room was asked"
    plain = AllianceModel(design.load(), seed=design.seed).run()
    fates = [(m.id, m.outcome, m.decided_day) for m in plain.matters]
    assert [(m.id, m.outcome, m.decided_day) for m in session.model.matters] == fates
    assert session.debrief().differences == []


def test_the_room_is_asked_before_the_meeting_and_its_no_blocks_the_matter(design):
    session = WorkshopSession(design)
    for _ in range(3):
        assert session.step() == "held"
    session.hand_to_room({COUNCIL})
    held = session.meetings_held
    while session.step() == "held":
        held = session.meetings_held
    request = session.waiting_for
    council = session.model.index[COUNCIL]
    assert request.party == council and request.meeting == held + 1
    assert request.agent_reason.startswith("Nottinghamshire County Council votes")
    assert session.meetings_held == held, "the meeting waits for the room"
    assert session.step() == "waiting", "stepping again does not skip the room"

    status = session.answer("no")
    while session.waiting_for is not None:  # the council's other business at this meeting
        status = session.answer("yes")
    assert status == "held"
    model = session.model
    assert session.meetings_held == held + 1
    room_votes = [v for v in model.log.votes if v.by == "room" and v.matter == request.matter]
    assert [(v.party, v.vote) for v in room_votes] == [(council, "no")]
    item = next(i for i in views.agenda(model) if i.id == request.matter_id)
    assert item.status.startswith("Blocked by Nottinghamshire County Council")
    assert item.tone == "blocked"
    story = views.narrative(model, last=1)[0]
    room_lines = [line.text for line in story.lines if line.kind == "room"]
    assert (
        f"{request.matter_id}: Nottinghamshire County Council votes no (the room's vote); the "
        "agent would have voted yes" in room_lines
    ), "a vote line names its matter: two votes of one party at a meeting never read the same"
    assert council in views.blockers_at(model)


def _play(session: WorkshopSession, answer_for) -> list[tuple[list, list]]:
    """Run the term, answering every request; record (requests, the calls held) per meeting."""
    record = []
    status = session.step()
    while status != "finished":
        if status == "waiting":
            while session.waiting_for is not None:
                status = session.answer(answer_for(session.waiting_for))
            record.append((session.held_requests, list(session.asked)))
        if status != "waiting":
            status = session.step()
    return record


@pytest.mark.parametrize("seed", [1, 2])
def test_the_committed_run_is_the_model_stepped_in_place_with_the_rooms_answers(seed):
    """The session commits each meeting by adopting its rehearsal on a copy: the history must be
    the one the model itself makes, stepped in place, asked the same votes with the same answers."""
    session = WorkshopSession(Design.of("mid-notts", seed), room={COUNCIL, "sfh", "team"})
    turn = iter(range(10_000))
    choices = ("no", "yes", "refer")
    record = _play(session, lambda request: choices[next(turn) % 3])
    assert len(record) > 5
    answers = {(d.request.meeting, *d.request.key): d.choice for d in session.decisions}
    asked = []
    plain = AllianceModel(session.scenario, seed=seed)

    def room_vote(matter, party, agent_yes):
        if party not in session.room:
            return None
        asked.append((plain.steps, matter.id, party))
        return answers[(plain.steps, matter.id, party)]

    plain.room_vote = room_vote
    while plain.steps < session.meetings_held:
        plain.step()
    assert fingerprint(plain) == fingerprint(session.model)
    assert sorted(asked) == sorted(answers), "the same votes were asked, no more, no fewer"
    cast = [v for v in session.model.log.votes if v.by == "room"]
    assert cast and {v.party for v in cast} <= session.room


def test_the_same_room_answers_give_the_same_history(design):
    runs = []
    for _ in range(2):
        session = WorkshopSession(design, room={COUNCIL})
        _play(session, lambda request: "no" if request.matter_id.endswith(("1", "3")) else "yes")
        runs.append(fingerprint(session.model))
    assert runs[0] == runs[1]


def test_run_to_end_pauses_for_the_room_and_answering_carries_on(design):
    session = WorkshopSession(design, room={COUNCIL})
    assert session.run_to_end() == "waiting"
    assert session.autorun
    held = session.meetings_held
    while session.waiting_for is not None:
        status = session.answer("yes")
    assert status in ("waiting", "finished")
    assert session.meetings_held > held, "after the room's votes the run goes on by itself"
    session.pause()
    assert not session.autorun


def test_handing_parties_over_while_paused_asks_the_new_room(design):
    session = WorkshopSession(design)
    for _ in range(4):
        session.step()
    session.hand_to_room({COUNCIL})
    assert session.step() == "waiting"
    session.hand_to_room(set())
    assert session.waiting_for is None and session.requests == []
    assert session.step() == "held"


def test_the_room_cannot_cast_anything_but_yes_no_or_refer(design):
    session = WorkshopSession(design, room={COUNCIL})
    with pytest.raises(ValueError, match="yes"):
        session.answer("abstain")


def test_debrief_compares_the_room_with_the_agents_alone(design):
    session = WorkshopSession(design, room={COUNCIL})
    _play(session, lambda request: "no")
    debrief = session.debrief()
    assert debrief.meetings == session.meetings_held
    assert debrief.decisions and all(d.choice == "no" for d in debrief.decisions)
    assert debrief.overruled == sum(d.request.agent_yes for d in debrief.decisions)
    assert debrief.differences, "a council that always says no changes what is decided"
    labels = [label for label, _, _ in debrief.summary]
    assert labels[:5] == [
        "Meetings held", "Matters tabled", "Business agreed", "Business stalemated",
        "Stalemate rate",
    ]  # fmt: skip
    # the debrief counts the board's business as measures.py does, not a second way
    for model, column in ((session.model, 1), (session.baseline(), 2)):
        told = {row[0]: row[column] for row in debrief.summary}
        ordinary = [
            m.outcome for m in measures.final(model.matters)
            if measures.business(m) == measures.ORDINARY
        ]  # fmt: skip
        assert told["Business agreed"] == str(ordinary.count("agreed"))
        assert told["Business stalemated"] == str(ordinary.count("stalemate"))
    with_room = dict((a, b) for a, b, _ in debrief.summary)
    alone = dict((a, c) for a, _, c in debrief.summary)
    assert with_room["Blocks by Nottinghamshire County Council"] != alone.get(
        "Blocks by Nottinghamshire County Council", "0"
    )


# -- what the app shows -------------------------------------------------------------------------
def test_the_vote_table_has_every_party_with_membership_vote_and_reason():
    design = Design.of("mid-notts", 1).with_party("team", membership="associate")
    session = WorkshopSession(design)
    for _ in range(5):
        session.step()
    model = session.model
    items = views.agenda(model)
    voted_on = {v.matter for v in model.log.votes if v.meeting == model.steps}
    item = next(i for i in items if i.matter in voted_on)  # a matter voted on at this meeting
    rows = views.vote_table(model, item.matter)
    assert [r.name for r in rows] == [p.name for p in model.parties]
    team = next(r for r in rows if r.name.endswith("(TEAM)"))
    # an associate is consulted on what the board votes on (001 §35): its view and why, no vote
    assert (team.membership, team.vote) == ("associate", "consulted")
    assert "does not vote" in team.reason
    assert " is for: " in team.reason or " is against: " in team.reason
    voted = [r for r in rows if r.vote in ("yes", "no", "referred")]
    assert voted and all(r.reason for r in voted)
    assert all(row.reason for row in rows), "no party's row is left without a reason (finding 9)"
    assert views.referrals(model), "some matters wait for home bodies at meeting 5"
    ref = views.referrals(model)[0]
    assert ref.answers_on and ref.back_at_board


def test_running_panel_counts_and_party_interests(design):
    session = WorkshopSession(design)
    assert views.running(session.model).date == "not yet met"
    session.run_to_end()
    run = views.running(session.model)
    ended_early = session.model.terminated_day is not None
    assert run.meetings_held == run.meetings_total or ended_early
    assert run.stalemate_rate.endswith("%") and run.median_days != "–"
    labels = [k for k, _ in views.party_interests(session.model, 2)]
    assert "Best-for-service weight" in labels and "Home body" in labels


def test_short_names_fit_a_label():
    assert views.short_name("Together Everyone Achieves More (TEAM)") == "TEAM"
    assert views.short_name("Mansfield and Ashfield Clinical Commissioning Group") == (
        "Mansfield and Ashfield CCG"
    )
    assert views.short_name("Sherwood Forest Hospitals NHS Foundation Trust") == (
        "Sherwood Forest Hospitals"
    )


PNG = b"\x89PNG\r\n\x1a\n"


def test_figures_render_before_and_after_meetings(design):
    session = WorkshopSession(design, room={COUNCIL})
    assert figures.to_png(figures.outcomes_figure(session.model)).startswith(PNG)
    _play(session, lambda request: "no")
    model = session.model
    blockers = views.blockers_at(model, 5)
    for fig in (
        figures.network_figure(model, blockers, session.room),
        figures.outcomes_figure(model),
        figures.net_position_figure(model),
    ):
        assert fig is not None
        assert figures.to_png(fig).startswith(PNG)
    frame = figures.net_positions(model)
    assert list(frame.columns) == [p.key for p in model.parties]
    assert len(frame) == model.steps


def test_trust_graph_uses_the_models_network_or_a_neutral_one(design):
    model = AllianceModel(design.load(), seed=1)
    graph, given = figures.trust_graph(model)
    n = len(model.parties)
    assert set(graph.nodes) == set(range(n))
    assert all(0.0 <= d["trust"] <= 1.0 for _, _, d in graph.edges(data=True))
    assert given == isinstance(getattr(model, "network", None), nx.Graph)
    bare = types.SimpleNamespace(parties=model.parties, index=model.index)
    graph, given = figures.trust_graph(bare)
    assert not given
    assert graph.number_of_edges() == n * (n - 1) // 2
    assert {d["trust"] for _, _, d in graph.edges(data=True)} == {figures.DEFAULT_TRUST}


# -- compare ------------------------------------------------------------------------------------
def test_compare_finds_where_council_full_and_associate_part(design):
    contrast = compare.default_contrast(design)
    assert contrast.membership[COUNCIL] == "associate"
    result = compare.Comparison.run(design, contrast)
    div = result.divergence
    assert div is not None and div.meeting >= 1
    assert div.only_a or div.only_b
    for meeting in range(1, div.meeting):
        assert [k for k, _ in compare.meeting_record(result.a, meeting)] == [
            k for k, _ in compare.meeting_record(result.b, meeting)
        ]
    assert [row[0] for row in result.summary[:2]] == ["Meetings held", "Matters tabled"]
    assert figures.to_png(
        figures.compare_figure(result.a, result.b, "A", "B", div.meeting)
    ).startswith(PNG)


def test_the_same_design_twice_never_diverges(design):
    result = compare.Comparison.run(design, design)
    assert result.divergence is None
    assert result.differences == []


# -- the command --------------------------------------------------------------------------------
def test_workshop_command_is_registered_and_checks_its_scenario(capsys):
    assert main(["workshop", "no-such-scenario"]) == 2
    err = capsys.readouterr().err
    assert "not a built-in scenario" in err and "mid-notts" in err


def test_workshop_serves_the_app_module_with_the_scenario_in_the_environment():
    command = workshop_command(8123, "127.0.0.1")
    assert command[command.index("run") + 1] == "alliance_sim.workshop.pages.app"
    assert command[command.index("--port") + 1] == "8123"
    env = workshop_env("walsall", 7)
    assert env["ALLIANCE_SIM_WORKSHOP_SCENARIO"] == "walsall"
    assert env["ALLIANCE_SIM_WORKSHOP_SEED"] == "7"


def test_the_app_module_imports_and_builds_its_first_design(monkeypatch):
    pytest.importorskip("solara")
    from alliance_sim.workshop.pages import app

    monkeypatch.setenv(app.SCENARIO_ENV, "walsall")
    monkeypatch.setenv(app.SEED_ENV, "3")
    assert app.initial_design() == Design.of("walsall", 3)
    monkeypatch.setenv(app.SCENARIO_ENV, "nowhere")
    assert app.initial_design().scenario == app.DEFAULT_SCENARIO


def test_an_unknown_scenario_is_an_input_error():
    with pytest.raises(InputError):
        Design.of("nowhere")
