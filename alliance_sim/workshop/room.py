"""A workshop room: one simulated alliance shared by the facilitator's screen and every table's device.

What NetLogo's HubNet does for classrooms: the facilitator opens a room (a short code, shown with a
QR code), each table joins it from a phone or laptop and plays a party; a table's device shows the
vote its party owes, the facilitator's screen who has voted, and the facilitator holds the meeting.

One :class:`Room` per code, kept by a :class:`RoomRegistry` (one per server, shared by every
browser session: Solara runs them all in one process). A room's model is changed only under its
lock, and every change is written down as an *action* in the room's journal and saved to
``<state folder>/<code>.json`` before anyone is told. Runs are deterministic (same design, same
seed, same room votes, same history), so the journal is the whole session: reloading a page,
losing a connection or restarting the server replays it to the same meeting, the same paused
vote. Undoing the room's last vote is replaying the journal without it.

A room has one facilitator: the browser that opened it (Solara's session cookie, kept across
reloads and restarts). Another browser opening the room watches it, and runs it only after it
takes the room over, which it confirms and the first screen is told of. Every action that runs
the room names who asks (``by``); one from a browser that does not hold the room is refused.
"""

from __future__ import annotations

import dataclasses
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .codes import CodeError, new_code, parse_code
from .design import Design
from .listeners import Dispatch, Listeners, pooled
from .seats import Seats
from .session import AGENT, REFUSED, WorkshopSession

STATE_ENV = "ALLIANCE_SIM_WORKSHOP_STATE"
DEFAULT_STATE = ".workshop-state"
#: How often the server looks at who is connected (and gives up seats left too long).
PRESENCE_S = 2.0
#: Refused because the browser asking does not hold the room, or the device does not sit at
#: the party's table.
NOT_FACILITATOR, NOT_SEATED = "not-facilitator", "not-seated"

#: ["step", expect] | ["run"] | ["pause"] | ["hand", keys] | ["vote", key, choice, hold, card]
#: | ["agent", key] | ["retract", key, card]  (votes saved before cards were sent: 4 items)
Action = list


@dataclass(frozen=True)
class UndoPlan:
    """What "Undo last vote" would take back: the vote, and the meetings held since it."""

    party_key: str
    choice: str  # yes | no | refer | agent (every vote the table owed, left to the agent)
    matter_id: str  # "" for votes saved before cards were sent, and for the agent's
    meeting: int  # the meeting the vote was for
    unheld: int  # meetings held since, which undoing takes back (0: the meeting still waits)


class Room:
    """One alliance, its journal, its facilitator, the devices seated at its tables, its pages.

    Devices are named by the browser session id Solara keeps in a cookie, so a phone that
    reloads the page keeps its seat.
    """

    def __init__(
        self,
        code: str,
        design: Design,
        folder: Path | None = None,
        dispatch: Dispatch = pooled,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.code = code
        self.folder = folder
        self.lock = threading.RLock()
        self.session = WorkshopSession(design)
        self.journal: list[Action] = []
        self.seats = Seats()
        self.facilitator = ""  # the browser session that runs the room's screen
        self.handover: dict = {}  # the last take-over: {"at": time, "by": browser}
        self.version = 0
        self.listeners = Listeners(dispatch)
        self.clock = clock
        self._present: frozenset[str] = frozenset()

    # -- who runs the room -----------------------------------------------------------------------
    def runs(self, browser: str | None) -> bool:
        """Whether ``browser`` may run the room (None: the server itself, and tests)."""
        return browser is None or browser == self.facilitator

    def claim(self, browser: str) -> bool:
        """Hold a room nobody holds yet; whether ``browser`` now holds it."""
        with self.lock:
            if self.facilitator:
                return self.facilitator == browser
            self.facilitator = browser
            self._commit()
        self._announce()
        return True

    def take_over(self, browser: str) -> None:
        """Run the room from ``browser`` (confirmed on its screen); the screen that ran it is
        told, and only watches from now on."""
        with self.lock:
            if self.facilitator == browser:
                return
            self.handover = {"at": self.clock(), "by": browser, "from": self.facilitator}
            self.facilitator = browser
            self._commit()
        self._announce()

    # -- what changes the room (each one journaled, saved, announced) ----------------------------
    def act(self, action: Action, by: str | None = None) -> str:
        """Apply one action to the session; journal it if it did anything."""
        if not self.runs(by):
            return NOT_FACILITATOR
        with self.lock:
            status = self._apply(action)
            if status not in REFUSED:
                self.journal.append(list(action))
                self._commit()
        self._announce()
        return status

    def step(self, expect: int | None = None, by: str | None = None) -> str:
        return self.act(["step", expect], by)

    def run_to_end(self, by: str | None = None) -> str:
        return self.act(["run"], by)

    def pause(self, by: str | None = None) -> str:
        return self.act(["pause"], by)

    def answer(self, choice: str, card: str | None = None, by: str | None = None) -> str:
        """The facilitator's screen votes on the card it shows (by default the first request
        the meeting waits for) and holds the meeting once nothing is missing."""
        session = self.session
        request = session.waiting_for if card is None else session.request(card)
        if request is None:
            return session.status if card is None else "stale"
        key = session.model.parties[request.party].key
        return self.act(["vote", key, choice, True, request.card], by)

    def vote(
        self, party_key: str, choice: str, card: str, device: str | None = None, settle=True
    ) -> str:
        """A table's own device votes on the card it shows; the facilitator holds the meeting.
        Refused (see :data:`REFUSED`) unless that card is still outstanding.

        The vote is recorded, journaled and saved under the lock, then the meeting is rehearsed
        again (:meth:`settle`; with ``settle=False`` the caller does that once it has shown the
        table its vote). Tables voting at once each hold the lock only to record their vote, and
        one rehearsal settles them all (:meth:`WorkshopSession.record`)."""
        if device is not None and self.seats.party_of(device) != party_key:
            return NOT_SEATED
        with self.lock:
            session = self.session
            status = session.record(session.model.index[party_key], choice, card)
            if status == "recorded":
                self.journal.append(["vote", party_key, choice, False, card])
                self._commit()
        if status != "recorded":
            return status  # nothing changed: nobody to tell
        if settle:
            self._settle()
        self._announce()
        return session.status if settle else status

    def settle(self) -> None:
        """Rehearse the waiting meeting again if votes recorded since can change what it asks,
        and tell the pages."""
        if self._settle():
            self._announce()

    def _settle(self) -> bool:
        with self.lock:
            if not self.session.unsettled:
                return False
            self.session.settle()
            self.version += 1
            return True

    def retract(self, party_key: str, card: str, device: str | None = None) -> str:
        if device is not None and self.seats.party_of(device) != party_key:
            return NOT_SEATED
        return self.act(["retract", party_key, card])

    def let_agent_vote(self, party_key: str, by: str | None = None) -> int:
        """Leave every vote a table owes the coming meeting to its agent: how many."""
        if not self.runs(by):
            return 0
        with self.lock:
            settled = self.session.leave_to_agent(self.session.model.index[party_key])
            if settled:
                self.journal.append(["agent", party_key])
                self._commit()
        self._announce()
        return settled

    def hand_to_room(self, keys, by: str | None = None) -> str:
        return self.act(["hand", sorted(keys)], by)

    def seat(self, device: str, party_key: str, share: bool = False) -> str:
        """Seat a device at a party's table (the room then plays that party): ``seated``, or
        ``taken`` when another connected device sits there and sharing was not chosen."""
        with self.lock:
            if party_key not in self.session.scenario.parties:
                raise InputError(f"room {self.code}: there is no party '{party_key}'")
            present = self.listeners.present()
            status = self.seats.claim(
                device, party_key, share, lambda d: d in present, self.clock()
            )
            if status == "seated":
                if party_key not in self.session.room_keys:
                    self.journal.append(["hand", sorted(self.session.room_keys | {party_key})])
                    self._apply(self.journal[-1])
                self._commit()
        self._announce()
        return status

    def leave(self, device: str) -> None:
        with self.lock:
            left = self.seats.leave(device)
            if left:
                self._commit()
        self._announce()

    def reset(self, by: str | None = None) -> bool:
        """The same design from its first meeting; the room keeps its parties."""
        if not self.runs(by):
            return False
        with self.lock:
            self.journal = [["hand", sorted(self.session.room_keys)]]
            self.session = self._replayed(self.session.design, self.journal)
            self._commit()
        self._announce()
        return True

    def set_design(self, design: Design, by: str | None = None) -> bool:
        """A new design (restarts the run); on a bad value nothing changes and ``error`` says why."""
        if not self.runs(by):
            return False
        with self.lock:
            keys = sorted(self.session.room_keys)
            adopted = self.session.set_design(design)
            if adopted:
                self.journal = [["hand", keys]]
                self.session = self._replayed(design, self.journal)
            self._commit()
        self._announce()
        return adopted

    def undo_plan(self) -> UndoPlan | None:
        """What "Undo last vote" would take back, or None when the room has cast no vote."""
        with self.lock:
            last = self._last_vote()
            if last is None:
                return None
            action = self.journal[last]
            trial = self._replayed(self.session.design, self.journal[:last])
            card = action[4] if action[0] == "vote" and len(action) > 4 else ""
            return UndoPlan(
                party_key=action[1],
                choice=AGENT if action[0] == "agent" else action[2],
                matter_id=card.split("-", 1)[1].rsplit("-", 1)[0] if card else "",
                meeting=trial.meetings_held + 1,
                unheld=self.session.meetings_held - trial.meetings_held,
            )

    def undo_vote(self, by: str | None = None, across: bool = False) -> str:
        """Take back the room's last vote: the journal replayed up to just before it.

        ``undone``, ``nothing`` (no vote to take back), or ``crosses`` when the vote's meeting
        has been held since and ``across`` (the facilitator's confirmation) was not given:
        undoing would take that meeting back too, so nothing is done without asking.
        """
        if not self.runs(by):
            return NOT_FACILITATOR
        with self.lock:
            last = self._last_vote()
            if last is None:
                return "nothing"
            trial = self._replayed(self.session.design, self.journal[:last])
            if trial.meetings_held < self.session.meetings_held and not across:
                return "crosses"
            self.journal = self.journal[:last]
            self.session = trial
            self._commit()
        self._announce()
        return "undone"

    # -- reading ---------------------------------------------------------------------------------
    def seated(self) -> dict[str, list[str]]:
        """Party key -> the devices seated at its table."""
        return self.seats.by_party()

    def party_of(self, device: str) -> str | None:
        return self.seats.party_of(device)

    def present(self) -> frozenset[str]:
        """The devices (and facilitator screens) with a page connected, as last looked at."""
        return self._present

    # -- pages -----------------------------------------------------------------------------------
    def subscribe(
        self, listener: Callable[[], None], device: str = "", state=None, delay: float = 0.0
    ) -> Callable[[], None]:
        """Call ``listener()`` after changes (latest only, off the changing thread, ``delay``
        seconds after the first of a burst); returns the unsubscribe function. ``state()`` says
        whether the page is connected, away or closed."""
        remove = self.listeners.add(listener, device, state, delay)
        self.tick()
        return remove

    def tick(self, now: float | None = None) -> None:
        """Look at who is connected; give up seats left away too long; tell the pages if that
        changed anything they show."""
        with self.lock:
            present = frozenset(self.listeners.present())
            expired = self.seats.refresh(
                lambda d: d in present, self.clock() if now is None else now
            )
            if present == self._present and not expired:
                return
            self._present = present
            if expired:
                self._commit()
            else:
                self.version += 1
        self._announce()

    def _commit(self) -> None:
        self.version += 1
        self.save()

    def _announce(self) -> None:
        self.listeners.announce()

    # -- the journal -----------------------------------------------------------------------------
    def _last_vote(self) -> int | None:
        return next(
            (
                i
                for i in range(len(self.journal) - 1, -1, -1)
                if self.journal[i][0] in ("vote", "agent")
            ),
            None,
        )

    def _apply(self, action: Action, session: WorkshopSession | None = None) -> str:
        s = session or self.session
        kind = action[0]
        if kind == "step":
            return s.step(action[1])
        if kind == "run":
            return s.run_to_end()
        if kind == "pause":
            s.pause()
            return s.status
        if kind == "hand":
            s.hand_to_room(set(action[1]))
            return s.status
        if kind == "vote":
            key, choice, hold = action[1:4]
            card = action[4] if len(action) > 4 else None
            return s.vote(s.model.index[key], choice, hold=bool(hold), card=card)
        if kind == "agent":
            s.leave_to_agent(s.model.index[action[1]])
            return s.status
        if kind == "retract":
            card = action[2] if len(action) > 2 else None
            return s.status if s.retract(s.model.index[action[1]], card) else "stale"
        raise ValueError(f"unknown room action {action!r}")

    def _replayed(self, design: Design, journal: list[Action]) -> WorkshopSession:
        """A new session: the design, then the journal's actions."""
        session = WorkshopSession(design)
        for action in journal:
            self._apply(action, session)
        return session

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "design": dataclasses.asdict(self.session.design),
            "journal": self.journal,
            "seats": self.seats.parties,
            "facilitator": self.facilitator,
            "handover": self.handover,
            "saved": time.time(),
        }

    def save(self) -> None:
        """Write the room to its state file (atomically: a crash never leaves half a file)."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.code}.json"
        temporary = path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(self.to_json(), indent=1))
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path, dispatch: Dispatch = pooled) -> Room:
        """A room from its state file, replayed to where it was. Its devices keep their seats:
        the restart is the server's absence, not theirs."""
        try:
            data = json.loads(path.read_text())
            design = Design(**data["design"])
            room = cls(parse_code(data["code"]), design, path.parent, dispatch)
            room.journal = [list(a) for a in data["journal"]]
            now = room.clock()
            seats = {str(d): str(k) for d, k in dict(data.get("seats", {})).items()}
            room.seats = Seats(seats, {d: now for d in seats})
            room.facilitator = str(data.get("facilitator", ""))
            room.handover = dict(data.get("handover") or {})
            room.session = room._replayed(design, room.journal)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(
                f"{path}: not a workshop room's state file ({exc}); it holds a room's "
                "'code', 'design' and 'journal' as the workshop writes them."
            ) from exc
        return room


class RoomRegistry:
    """Every open room of one server, by code; rooms saved earlier are reopened from the folder."""

    def __init__(self, folder: Path | None = None, dispatch: Dispatch = pooled) -> None:
        self.folder = folder
        self.dispatch = dispatch
        self._rooms: dict[str, Room] = {}
        self._lock = threading.Lock()
        self._watching = False

    def create(self, design: Design, code: str | None = None, by: str = "") -> Room:
        """A new room (a fresh code unless one is given), run from browser ``by``."""
        with self._lock:
            code = parse_code(code) if code is not None else None
            while code is None or code in self._rooms or self._saved(code).exists():
                code = new_code()
            room = Room(code, design, self.folder, self.dispatch)
            room.facilitator = by
            self._rooms[code] = room
        room.save()
        return room

    def get(self, code: str) -> Room | None:
        """The room with this code (case and spaces ignored), reopened from its file if need be;
        None for a code no room has, or for text that is no room code (:func:`parse_code`)."""
        try:
            code = parse_code(code)
        except CodeError:
            return None
        with self._lock:
            room = self._rooms.get(code)
            if room is None and self._saved(code).exists():
                room = Room.load(self._saved(code), self.dispatch)
                self._rooms[code] = room
            return room

    def facilitated_by(self, browser: str) -> Room | None:
        """The room this browser session last ran the screen of (open or saved), or None."""
        return self._find(browser, lambda data: data.get("facilitator") == browser)

    def seating(self, device: str) -> Room | None:
        """The room a device is seated in (open or saved), or None: a phone that reloads the
        join page without the code finds its table again."""
        return self._find(device, lambda data: device in data.get("seats", {}))

    def _find(self, browser: str, matches) -> Room | None:
        """The most recently saved room whose state matches (open rooms first)."""
        if not browser:
            return None
        with self._lock:
            open_rooms = [r for r in self._rooms.values() if matches(r.to_json())]
        if open_rooms:
            return open_rooms[-1]
        if self.folder is None or not self.folder.is_dir():
            return None
        saved = sorted(self.folder.glob("*.json"), key=lambda f: f.stat().st_mtime, reverse=True)
        for path in saved:
            try:
                if matches(json.loads(path.read_text())):
                    return self.get(path.stem)
            except (OSError, ValueError):
                continue
        return None

    def codes(self) -> list[str]:
        with self._lock:
            return sorted(self._rooms)

    def watch(self, interval: float = PRESENCE_S) -> None:
        """Look at every open room's presence every ``interval`` seconds (a daemon thread)."""
        with self._lock:
            if self._watching:
                return
            self._watching = True

        def loop() -> None:
            while True:
                time.sleep(interval)  # a background pace, not a wait on anything
                with self._lock:
                    rooms = list(self._rooms.values())
                for room in rooms:
                    room.tick()

        threading.Thread(target=loop, name="room-presence", daemon=True).start()

    def _saved(self, code: str) -> Path:
        return (self.folder or Path("/nonexistent")) / f"{code}.json"


_registry: RoomRegistry | None = None
_registry_lock = threading.Lock()


def registry() -> RoomRegistry:
    """The server's rooms (one registry per process, saved under ``$ALLIANCE_SIM_WORKSHOP_STATE``)."""
    global _registry
    with _registry_lock:
        if _registry is None:
            _registry = RoomRegistry(Path(os.environ.get(STATE_ENV, DEFAULT_STATE)))
            _registry.watch()
        return _registry
