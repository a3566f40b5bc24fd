"""What made a workshop room break in front of the room (issue 25), without a browser: one source
of truth per room, votes about what was seen, one facilitator, checked codes, seats, guard
rails, and docs that agree with the command. The browser test (``test_workshop_browser.py``)
plays the same findings in Chromium."""

from __future__ import annotations

import argparse
import csv
import io
import re
import shlex
from collections import Counter
from pathlib import Path

import pytest

from alliance_sim.commands.workshop import register
from alliance_sim.workshop import Design, WorkshopSession, handout, views
from alliance_sim.workshop.codes import CODE_LENGTH, CodeError, parse_code
from alliance_sim.workshop.listeners import AWAY, CLOSED, CONNECTED, Listeners, inline
from alliance_sim.workshop.rehearsal import detached_copy
from alliance_sim.workshop.room import NOT_FACILITATOR, NOT_SEATED, Room, RoomRegistry
from alliance_sim.workshop.seats import SEAT_TTL_S, Seats

from .test_workshop_room import fingerprint

ROOT = Path(__file__).resolve().parents[1]
TABLES = {"council", "sfh", "nuh", "ccg_mansfield_ashfield"}


@pytest.fixture(scope="module")
def design() -> Design:
    return Design.of("mid-notts", seed=1)


def log_of(model) -> tuple[int, int]:
    return len(model.log.records), len(model.log.ballots)


def vote_the_meeting(room: Room, choice: str) -> None:
    """Every table votes ``choice`` on every card the waiting meeting has for it; then it is
    held."""
    session = room.session
    while (request := session.waiting_for) is not None:
        room.vote(session.model.parties[request.party].key, choice, request.card)
    assert room.step() in ("held", "finished")


def to_waiting(session: WorkshopSession) -> None:
    for _ in range(40):
        if session.step() == "waiting":
            return
    raise AssertionError("the room was never asked")


# -- finding 1: one source of truth ----------------------------------------------------------------
def test_a_rehearsal_copy_has_its_own_event_log(design):
    model = WorkshopSession(design).model
    copy = detached_copy(model)
    assert copy.log.records is not model.log.records
    assert copy.log.add.__self__ is copy.log.records, "the copy appends to its own list"


def test_votes_while_the_meeting_waits_never_touch_the_committed_run(design):
    """At every waiting meeting of a whole term: the room's votes leave the committed log as it
    was, the narrative and the handout build, tell no line twice at a meeting, and agree with
    the debrief on what was agreed."""
    session = WorkshopSession(design, room=TABLES)
    waits = 0
    while session.status != "finished":
        if session.step() != "waiting":
            continue
        waits += 1
        before = log_of(session.model)
        session.answer("no")
        assert log_of(session.model) == before, "a rehearsal wrote into the committed run"
        page = handout.html_handout(session, "TEST")
        for story in views.narrative(session.model):
            repeated = [t for t, n in Counter(x.text for x in story.lines).items() if n > 1]
            assert not repeated, f"meeting {story.meeting} tells a line twice: {repeated[:1]}"
        told = sum(
            line.text.startswith("Agreed:")
            for story in views.narrative(session.model)
            for line in story.lines
        )
        rows = dict((a, b) for a, b, _ in session.debrief().summary)
        # each "Agreed:" line is business or a resolution the board agreed
        agreed = int(rows["Business agreed"]) + int(rows["Resolutions settled"])
        assert told == agreed - int(rows["Resolutions refused"])
        assert f"<td>Business agreed</td><td>{rows['Business agreed']}</td>" in page
        while session.waiting_for is not None:
            session.answer("yes")
    assert waits > 10


def test_each_matter_ends_one_way_at_a_meeting(design):
    session = WorkshopSession(design, room=TABLES)
    while session.status != "finished":
        if session.step() == "waiting":
            while session.waiting_for is not None:
                session.answer("no")
        for item in views.agenda(session.model):
            ends = [w for w in ("Agreed", "Stalemate", "Void", "Withdrawn") if w in item.status]
            assert len(ends) <= 1, item.status


def test_the_committed_model_is_never_stepped_in_place(design):
    session = WorkshopSession(design, room=TABLES)
    with pytest.raises(RuntimeError, match="adopting a rehearsal"):
        for _ in range(40):  # until the board first takes a vote
            session.model.step()


# -- finding 2: votes are about what was seen -------------------------------------------------------
def test_a_vote_counts_once_for_the_card_it_was_cast_on(design):
    session = WorkshopSession(design, room=TABLES)
    to_waiting(session)
    session.step()
    while session.waiting_for is not None and len(session.owed_by(session.waiting_for.party)) < 2:
        while session.waiting_for is not None:
            session.answer("yes")
        to_waiting(session)
    request = session.waiting_for
    party = request.party
    later = session.owed_by(party)[1]
    assert session.vote(party, "no", card=request.card) in ("waiting", "ready")
    answers = dict(session.answers)
    assert session.vote(party, "no", card=request.card) == "duplicate", "a double tap"
    assert session.vote(party, "yes", card=request.card) == "taken", "another device, too late"
    assert session.answers == answers, "nothing moved to the card nobody saw"
    assert later.key not in session.answers
    other = next(p for p in session.room if p != party)
    assert session.vote(other, "no", card=later.card) == "stale", "not that table's card"
    held = session.meetings_held
    while session.waiting_for is not None:
        session.answer("yes")
    assert session.meetings_held == held + 1
    assert session.vote(party, "no", card=later.card) == "stale", "the meeting was held"


def test_votes_recorded_together_settle_as_if_cast_one_by_one(design):
    one_by_one = WorkshopSession(design, room=TABLES)
    together = WorkshopSession(design, room=TABLES)
    for session in (one_by_one, together):
        to_waiting(session)
        session.step()
    cards = [(r.party, r.card) for r in one_by_one.outstanding]
    for i, (party, card) in enumerate(cards):
        choice = ("no", "refer", "yes")[i % 3]
        one_by_one.vote(party, choice, card=card)
        together.record(party, choice, card)
    together.settle()
    assert together.answers == one_by_one.answers
    assert together.requests == one_by_one.requests
    for session in (one_by_one, together):
        while session.waiting_for is not None:
            session.answer("yes")
    assert fingerprint(together.model) == fingerprint(one_by_one.model)


# -- finding 3: one facilitator -----------------------------------------------------------------------
def test_a_second_browser_watches_until_it_takes_the_room_over(design):
    room = Room("RUNS", design, dispatch=inline)
    assert room.claim("laptop-1") and not room.claim("laptop-2")
    assert room.runs("laptop-1") and not room.runs("laptop-2")
    assert room.step(by="laptop-2") == NOT_FACILITATOR
    assert not room.reset(by="laptop-2") and room.undo_vote(by="laptop-2") == NOT_FACILITATOR
    assert room.session.meetings_held == 0, "nothing done for the browser that watches"
    room.take_over("laptop-2")
    assert room.runs("laptop-2") and not room.runs("laptop-1")
    assert room.handover["from"] == "laptop-1" and room.handover["by"] == "laptop-2"
    assert room.step(by="laptop-2") == "held"


# -- finding 5: room codes ------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["abcd", " ab cd ", "AB-CD"])
def test_a_code_is_read_case_and_space_blind(typed):
    assert parse_code(typed) == "ABCD"


@pytest.mark.parametrize("typed", ["1", "", "ABC", "ABCDE", "AB1D", "ABCO", "X" * 300, "../..x"])
def test_anything_else_is_no_code_with_a_message_saying_what_one_is(typed, tmp_path):
    with pytest.raises(CodeError) as error:
        parse_code(typed)
    message = str(error.value)
    assert f"{CODE_LENGTH} letters" in message and len(message) < 200
    if len(typed) > 20:
        assert f"({len(typed)} characters)" in message
    rooms = RoomRegistry(tmp_path)
    assert rooms.get(typed) is None, "never looked up on disk, never an OSError"
    with pytest.raises(CodeError):
        rooms.create(Design.of("mid-notts"), code=typed)
    assert list(tmp_path.iterdir()) == []


# -- finding 6: seats --------------------------------------------------------------------------------
def test_one_device_per_table_unless_shared_and_an_away_device_gives_its_seat_up():
    seats = Seats()
    present = {"phone-1", "phone-2"}
    here = present.__contains__
    assert seats.claim("phone-1", "nuh", False, here, now=0) == "seated"
    assert seats.claim("phone-2", "nuh", False, here, now=1) == "taken"
    assert seats.party_of("phone-2") is None
    assert seats.claim("phone-2", "nuh", True, here, now=2) == "seated"
    assert sorted(seats.at("nuh")) == ["phone-1", "phone-2"]
    # phone-1 lost its cookie: it comes back as phone-3, and phone-1's page is gone.
    present = {"phone-2", "phone-3"}
    assert seats.claim("phone-3", "sfh", False, present.__contains__, now=3) == "seated"
    seats.leave("phone-2")
    assert seats.claim("phone-3", "nuh", False, present.__contains__, now=4) == "seated"
    assert seats.at("nuh") == ["phone-3"], "the ghost seat gave way"


def test_a_seat_left_away_too_long_is_given_up():
    seats = Seats()
    seats.claim("phone", "council", False, lambda d: True, now=0)
    assert not seats.refresh(lambda d: False, now=SEAT_TTL_S - 1)
    assert seats.party_of("phone") == "council"
    assert seats.refresh(lambda d: False, now=SEAT_TTL_S + 1)
    assert seats.party_of("phone") is None


def test_a_room_seats_by_presence_and_votes_only_from_a_seated_device(design):
    room = Room("SEAT", design, dispatch=inline)
    state = {"phone-1": CONNECTED}
    room.subscribe(lambda: None, "phone-1", lambda: state["phone-1"])
    assert room.seat("phone-1", "council") == "seated"
    assert room.seat("phone-2", "council") == "taken"
    state["phone-1"] = AWAY
    assert room.seat("phone-2", "council") == "seated", "an away device gives way"
    assert room.seated()["council"] == ["phone-2"]
    to_waiting(room.session)
    request = room.session.pending_for(room.session.model.index["council"])
    assert room.vote("council", "no", request.card, device="phone-1") == NOT_SEATED
    assert request.key not in room.session.answers
    state["phone-1"] = CLOSED
    assert room.listeners.present() == set()


# -- finding 7: undo asks before it crosses a meeting -------------------------------------------------
def test_undo_at_a_fresh_meeting_asks_first_and_changes_nothing_until_asked(design):
    room = Room("UNDO", design, dispatch=inline)
    room.hand_to_room(TABLES)
    assert room.run_to_end() == "waiting"
    vote_the_meeting(room, "no")
    assert room.run_to_end() == "waiting"  # the next meeting waits, with no vote yet
    assert room.session.answers == {}
    held, journal = room.session.meetings_held, list(room.journal)
    plan = room.undo_plan()
    assert plan.unheld >= 1 and plan.meeting <= held
    assert room.undo_vote() == "crosses"
    assert (room.session.meetings_held, room.journal) == (held, journal)
    assert room.undo_vote(across=True) == "undone"
    assert room.session.meetings_held == plan.meeting - 1


# -- finding 8: the agent settles a table in one click ------------------------------------------------
def test_letting_the_agent_vote_settles_everything_a_table_owes(design):
    room = Room("AGNT", design, dispatch=inline)
    room.hand_to_room(TABLES)
    for _ in range(20):
        assert room.run_to_end() == "waiting"
        owed = Counter(room.session.model.parties[r.party].key for r in room.session.outstanding)
        key, n = owed.most_common(1)[0]
        if n >= 2:
            break
        vote_the_meeting(room, "yes")
    assert room.let_agent_vote(key) == n
    assert room.session.owed_by(room.session.model.index[key]) == []
    assert room.journal[-1] == ["agent", key], "one action in the journal for the click"


# -- the announcements ----------------------------------------------------------------------------------
def test_a_page_told_of_a_burst_of_changes_draws_the_latest_once_its_drawing_is_done():
    pending: list = []
    listeners = Listeners(dispatch=pending.append)
    drawn: list[int] = []
    version = [0]
    listeners.add(lambda: drawn.append(version[0]))
    for version[0] in range(1, 4):
        listeners.announce()
    assert len(pending) == 1, "one drawing queued for three changes"
    pending.pop()()
    assert drawn == [3], "drawn once, from the room as it then was"


# -- finding 10: content, and docs that agree with the command -----------------------------------------
def test_the_votes_csv_gives_the_agents_reason_and_the_vote_as_recorded(design):
    session = WorkshopSession(design, room=TABLES)
    to_waiting(session)
    while session.waiting_for is not None:
        session.answer("no")
    rows = list(csv.DictReader(io.StringIO(handout.votes_csv(session))))
    assert rows and all(r["agent_reason"] and r["recorded"] for r in rows)
    assert all(
        "(the room's vote)" in r["recorded"] for r in rows if r["room"] != "left to the agent"
    )


def test_the_vote_card_says_whose_best_for_service_weight_it_shows(design):
    session = WorkshopSession(design)
    model = session.model
    council = model.index["council"]
    weight = dict(views.party_interests(model, council))["Best-for-service weight"]
    home = model.parties[council].home_body.name
    assert re.fullmatch(rf"\d\.\d\d \(its representative\); \d\.\d\d \({re.escape(home)}\)", weight)


def documented_commands() -> list[tuple[str, str]]:
    """Every ``alliance-sim workshop ...`` command line in the README and the guide."""
    found = []
    for doc in ("README.md", "docs/workshop-guide.md"):
        text = (ROOT / doc).read_text()
        for match in re.finditer(r"alliance-sim (workshop[^`\n|]*)", text):
            found.append((doc, match.group(1).split("#")[0].strip()))
    return found


def test_every_workshop_command_in_the_docs_is_one_the_command_accepts():
    parser = argparse.ArgumentParser(prog="alliance-sim")
    register(parser.add_subparsers(dest="command"))
    commands = documented_commands()
    assert len(commands) >= 3
    for doc, line in commands:
        try:
            parser.parse_args(shlex.split(line))
        except SystemExit:
            pytest.fail(f"{doc}: `alliance-sim {line}` is not a command the CLI accepts")


def test_make_workshop_serves_a_room_on_the_network():
    target = re.search(r"^workshop:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert target and "--host 0.0.0.0" in target.group(1), "phones must reach make workshop"
