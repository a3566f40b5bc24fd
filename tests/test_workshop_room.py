"""Rooms shared by many devices, saved as they go, and the session's fixes (issue 15), without a browser."""

from __future__ import annotations

import json
import threading

import pytest

from alliance_sim import InputError
from alliance_sim.workshop import Design, WorkshopSession, handout, views
from alliance_sim.workshop.listeners import inline
from alliance_sim.workshop.room import Room, RoomRegistry
from alliance_sim.workshop.session import AGENT

COUNCIL = "council"


@pytest.fixture(scope="module")
def design() -> Design:
    return Design.of("mid-notts", seed=1)


def fingerprint(model) -> list[tuple]:
    events = [(e.day, e.meeting, int(e.kind), e.matter, e.party) for e in model.log.events]
    votes = [(v.meeting, v.matter, v.party, v.vote, v.by) for v in model.log.votes]
    return events + votes


def to_first_request(room: Room, keys: set[str]) -> None:
    room.hand_to_room(keys)
    for _ in range(40):
        if room.step() == "waiting":
            return
    raise AssertionError("the room was never asked")


def finish_meeting(room: Room, first: str) -> str:
    """Answer the request the meeting waits for with ``first`` and any others at the same
    meeting with "yes", so that it is held."""
    status = room.answer(first)
    while room.session.waiting_for is not None:
        status = room.answer("yes")
    return status


# -- finding 1: a party that cannot vote ----------------------------------------------------------
def test_a_party_without_a_vote_is_named_so_the_room_knows_it_will_never_be_asked(design):
    session = WorkshopSession(design.with_party(COUNCIL, membership="associate"), room={COUNCIL})
    assert session.silent_parties() == ["Nottinghamshire County Council"]
    assert WorkshopSession(design, room={COUNCIL}).silent_parties() == []


# -- finding 2: votes kept when a party is handed back -------------------------------------------
def test_a_vote_cast_before_the_party_is_handed_back_still_counts(design):
    session = WorkshopSession(design, room={COUNCIL})
    for _ in range(40):
        if session.step() == "waiting":
            break
    council = session.model.index[COUNCIL]
    request = session.pending_for(council)
    choice = "yes" if request.agent_says == "no" else "no"
    session.vote(council, choice)
    session.hand_to_room(set())
    assert session.step() == "held"
    room_votes = [v for v in session.model.log.votes if v.by == "room"]
    assert [(v.party, v.vote) for v in room_votes][:1] == [(council, choice)]
    assert session.debrief().overruled == 1


# -- finding 4: the collapse is said, and the agents alone run their whole term ------------------
def test_the_debrief_runs_the_agents_alone_to_the_end_of_their_term(design):
    session = WorkshopSession(design, room={COUNCIL})
    while session.status != "finished":
        if session.step() == "waiting":
            session.answer("no")
    debrief = session.debrief()
    alone = session.baseline()
    assert alone.steps == len(alone.meeting_days) or views.dissolved_at(alone) is not None
    assert debrief.ended[1] == views.term_state(alone)
    if session.dissolved_at is not None:
        assert debrief.ended[0].startswith(f"Dissolved at meeting {session.dissolved_at}")


# -- finding 6: the counter counts votes as they are cast -----------------------------------------
def test_the_room_vote_counter_counts_votes_before_the_meeting_is_held(design):
    session = WorkshopSession(design, room={COUNCIL, "sfh", "team"})
    while session.step() != "waiting":
        pass
    party = session.waiting_for.party
    session.vote(party, "yes")
    assert session.votes_cast == 1
    session.vote(session.waiting_for.party, AGENT) if session.waiting_for else None
    assert session.votes_cast == 1, "a vote left to the agent is not the room's"


# -- finding 8: a double-click holds one meeting --------------------------------------------------
def test_a_double_click_on_step_holds_one_meeting(design):
    session = WorkshopSession(design)
    drawn_at = session.meetings_held
    assert session.step(expect=drawn_at) == "held"
    assert session.step(expect=drawn_at) == "stale"
    assert session.meetings_held == 1


# -- the room: many devices, one model -------------------------------------------------------------
def test_tables_vote_from_their_own_devices_and_the_facilitator_holds_the_meeting(design):
    room = Room("TEST", design, dispatch=inline)
    room.seat("phone-1", COUNCIL)
    room.seat("phone-2", "sfh")
    assert room.session.room_keys == {COUNCIL, "sfh"}
    seen = []
    room.subscribe(lambda: seen.append(room.version))
    while room.step() != "waiting":
        pass
    held = room.session.meetings_held
    for _ in range(10):
        request = room.session.waiting_for
        if request is None:
            break
        key = room.session.model.parties[request.party].key
        assert room.vote(key, "yes", request.card) in ("waiting", "ready")
    assert room.session.status == "ready", "every table has voted; nothing is held yet"
    assert room.session.meetings_held == held
    assert room.step() == "held" and room.session.meetings_held == held + 1
    assert seen == sorted(seen) and len(seen) >= 3, "every change is announced with its version"


def test_the_facilitator_lets_the_agent_vote_for_a_slow_table(design):
    room = Room("SLOW", design)
    to_first_request(room, {COUNCIL})
    request = room.session.waiting_for
    owed = len(room.session.owed_by(request.party))
    assert room.let_agent_vote(COUNCIL) == owed, "one click settles every vote the table owes"
    assert room.session.waiting_for is None
    room.step()
    vote = next(
        v
        for v in room.session.model.log.votes
        if v.party == request.party and room.session.model.matters[v.matter].id == request.matter_id
    )
    assert vote.by != "room" and vote.vote == request.agent_says


def test_several_rooms_at_once_each_with_its_own_model(design, tmp_path):
    rooms = RoomRegistry(tmp_path)
    a, b = rooms.create(design), rooms.create(design.replace(seed=2))
    assert a.code != b.code and len(a.code) == 4
    a.step()
    assert (a.session.meetings_held, b.session.meetings_held) == (1, 0)
    assert rooms.get(a.code.lower()) is a
    assert rooms.get("ZZZZ") is None


def test_votes_from_many_threads_are_all_counted(design):
    room = Room("THRD", design)
    keys = [COUNCIL, "sfh", "team", "nottscc"]
    keys = [k for k in keys if k in room.session.scenario.parties]
    to_first_request(room, set(keys))
    cards = {k: room.session.pending_for(room.session.model.index[k]) for k in keys}
    keys = [k for k in keys if cards[k] is not None]
    assert len(keys) >= 2, "several tables vote at once"
    barrier = threading.Barrier(len(keys))

    def table(key: str) -> None:
        barrier.wait()
        room.vote(key, "no", cards[key].card)

    threads = [threading.Thread(target=table, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    votes = [a for a in room.journal if a[0] == "vote"]
    assert sorted(a[1] for a in votes) == sorted(keys)


# -- nothing lost ---------------------------------------------------------------------------------
def test_a_room_reopened_from_its_file_is_at_the_same_meeting_with_the_same_votes(design, tmp_path):
    rooms = RoomRegistry(tmp_path)
    room = rooms.create(design, code="SAVE")
    room.seat("phone", COUNCIL)
    while room.step() != "waiting":
        pass
    room.answer("no")
    room.step()
    saved = json.loads((tmp_path / "SAVE.json").read_text())
    assert saved["code"] == "SAVE" and saved["seats"] == {"phone": COUNCIL}
    again = RoomRegistry(tmp_path).get("SAVE")  # a new server process
    assert again is not room
    assert fingerprint(again.session.model) == fingerprint(room.session.model)
    assert again.session.status == room.session.status
    assert again.party_of("phone") == COUNCIL


def test_a_broken_state_file_is_an_input_error_naming_the_file(tmp_path):
    (tmp_path / "BADX.json").write_text("{not json")
    with pytest.raises(InputError, match="BADX.json"):
        RoomRegistry(tmp_path).get("BADX")


def test_undo_takes_back_the_last_room_vote_even_after_the_meeting_was_held(design):
    room = Room("UNDO", design)
    to_first_request(room, {COUNCIL})
    answered = 0
    while True:  # the meeting's last request: answering it holds the meeting
        before = fingerprint(room.session.model)
        request = room.session.waiting_for
        answered += 1
        if room.answer("no") != "waiting":
            break
    assert room.session.meetings_held == request.meeting
    assert room.undo_vote() == "crosses", "the vote's meeting was held: undoing it asks first"
    assert room.session.meetings_held == request.meeting
    assert room.undo_vote(across=True) == "undone"
    assert fingerprint(room.session.model) == before
    assert room.session.waiting_for == request
    for _ in range(answered - 1):  # the same meeting's earlier votes, one at a time
        assert room.undo_vote() == "undone"
    assert room.undo_vote() == "nothing"


def test_reset_and_a_new_design_keep_the_rooms_parties(design):
    room = Room("RSET", design)
    to_first_request(room, {COUNCIL})
    room.reset()
    assert room.session.meetings_held == 0 and room.session.room_keys == {COUNCIL}
    assert not room.set_design(design.with_party("sfh", best_for_service=1.5))
    assert "best_for_service" in room.session.error
    assert room.set_design(design.replace(seed=3))
    assert room.session.design.seed == 3 and room.session.room_keys == {COUNCIL}


# -- the handout ----------------------------------------------------------------------------------
def test_the_handout_is_one_printable_page_and_the_votes_a_csv(design):
    room = Room("HAND", design)
    to_first_request(room, {COUNCIL})
    request = room.session.waiting_for
    finish_meeting(room, "no")
    page = handout.html_handout(room.session, room.code)
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    assert "<script" not in page and "http" not in page.split("<body", 1)[1], "self-contained"
    assert "Debrief" in page and "Narrative" in page and request.matter_id in page
    rows = handout.votes_csv(room.session).splitlines()
    assert rows[0].startswith("meeting,matter,title,party,room,agent,differs")
    assert rows[1].split(",")[:2] == [str(request.meeting), request.matter_id]


# -- finding 10: figures ---------------------------------------------------------------------------
def test_close_trust_levels_still_draw_visibly_different_edges():
    from alliance_sim.workshop import figures

    thin, thick = figures.edge_width(0.48, 0.48, 0.52), figures.edge_width(0.52, 0.48, 0.52)
    assert thick - thin > 4, "the range present is spread over the widths"
    assert figures.edge_width(0.5, 0.5, 0.5) == figures.edge_width(0.7, 0.7, 0.7)


@pytest.mark.parametrize("angle", [i * 0.39 for i in range(16)])
def test_a_label_sits_clear_of_its_node(angle):
    import math

    from alliance_sim.workshop import figures

    x, y = math.cos(angle), math.sin(angle)
    (dx, dy), ha, va = figures.label_offset(x, y, gap=20)
    # The aligned edge of the label is at least a full gap from the node's centre on that axis.
    assert (ha != "center" and abs(dx) >= 20) or (va != "center" and abs(dy) >= 20)


def test_twelve_parties_lines_never_share_colour_and_marker():
    from alliance_sim.workshop import figures

    styles = [figures.party_style(i) for i in range(12)]
    assert len(set(styles)) == 12


def test_the_compare_chart_names_the_designs_and_says_there_is_no_room(design):
    from alliance_sim.workshop import compare, figures

    result = compare.Comparison.run(design, compare.default_contrast(design))
    fig = figures.compare_figure(
        result.a, result.b, f"A: {design.label()}", f"B: {result.design_b.label()}"
    )
    ax = fig.axes[0]
    texts = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "associate" in texts and "as the scenario says" in texts
    assert "no room" in ax.get_title(loc="left")


# -- finding 4 again, with a real collapse ----------------------------------------------------------
def test_an_alliance_the_room_dissolves_says_so_and_the_agents_alone_run_on(design):
    session = WorkshopSession(design, room=set(design.base.parties))
    while session.status != "finished":
        if session.step() == "waiting":
            session.answer("no")
    assert session.dissolved_at is not None, "a room that refuses everything ends the alliance"
    assert views.term_state(session.model) == f"Dissolved at meeting {session.dissolved_at} of 40"
    debrief = session.debrief()
    assert debrief.ended[0].startswith("Dissolved")
    alone = session.baseline()
    assert alone.steps > session.meetings_held, "the agents alone are not cut at the collapse"
    rows = {label: (a, b) for label, a, b in debrief.summary}
    assert rows["Meetings held"] == (str(session.meetings_held), str(alone.steps))
    assert rows["Alliance dissolved"][0] == f"at meeting {session.dissolved_at}"
    from alliance_sim.workshop import figures

    texts = [t.get_text() for t in figures.outcomes_figure(session.model).axes[0].texts]
    assert f"dissolved (meeting {session.dissolved_at})" in texts


# -- finding 7: a room's referral reads as the room's choice ----------------------------------------
def test_a_room_referral_is_the_rooms_choice_not_a_missing_authority(design):
    # With authority up to £5m the council's representative may decide small contract variations
    # itself (every other kind of business goes to its committee, 001 §46).
    session = WorkshopSession(design.with_party(COUNCIL, threshold_m=5.0), room={COUNCIL})
    while session.status != "finished":
        if session.step() != "waiting":
            continue
        if not session.waiting_for.mandated:
            session.answer("refer")
            while session.waiting_for is not None:  # the rest of that meeting's business
                session.answer("yes")
            break
        session.answer("yes")
    lines = [line.text for story in views.narrative(session.model) for line in story.lines]
    referred = [t for t in lines if "(the room's vote)" in t and "refers it to" in t]
    assert referred, "the room's referral is told as the room's"
    assert not any("cannot decide" in t and "(the room's vote)" in t for t in lines)


def test_a_mandated_vote_card_offers_no_referral_and_says_why(design):
    from alliance_sim.workshop.pages.components import vote_card_html

    session = WorkshopSession(design, room={COUNCIL, "sfh", "nuh"})
    for _ in range(400):
        if session.status == "finished":
            break
        if session.step() == "waiting":
            if session.waiting_for.mandated:
                break
            session.answer("refer")
    request = session.waiting_for
    assert request is not None and request.mandated, "some vote follows a home body's answer"
    card = vote_card_html(session, request)
    assert "has already decided" in card and "cannot be referred again" in card


# -- finding 9: projector text -----------------------------------------------------------------------
def test_plurals_and_a_bad_cadence_is_an_error_not_a_silent_one(design):
    assert views.plural(1, "vote") == "1 vote" and views.plural(3, "vote") == "3 votes"
    assert views.plural(2, "home body", "home bodies") == "2 home bodies"
    session = WorkshopSession(design)
    assert not session.set_design(design.replace(cadence_days=0))
    assert "cadence_days" in session.error
    assert session.design.cadence_days == design.cadence_days


# -- finding 11: no call home ------------------------------------------------------------------------
def test_the_server_runs_in_production_mode_so_it_never_asks_solara_dev():
    from alliance_sim.commands.workshop import workshop_command

    assert "--production" in workshop_command(8765, "127.0.0.1")
