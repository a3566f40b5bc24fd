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
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError
from .design import Design
from .session import AGENT, WorkshopSession

STATE_ENV = "ALLIANCE_SIM_WORKSHOP_STATE"
DEFAULT_STATE = ".workshop-state"
#: Room codes: four letters a projector cannot confuse (no I, L, O, 0, 1).
CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 4

Action = list  # ["step", expect] | ["run"] | ["pause"] | ["vote", party key, choice, hold] | ...


class Room:
    """One alliance, its journal, the devices seated at its tables and who is listening.

    Devices are named by the browser session id Solara keeps in a cookie, so a phone that
    reloads the page keeps its seat.
    """

    def __init__(self, code: str, design: Design, folder: Path | None = None) -> None:
        self.code = code
        self.folder = folder
        self.lock = threading.RLock()
        self.session = WorkshopSession(design)
        self.journal: list[Action] = []
        self.seats: dict[str, str] = {}  # device id -> party key
        self.facilitator = ""  # the browser session that runs the room's screen
        self.version = 0
        self._listeners: dict[int, Callable[[int], None]] = {}
        self._next_listener = 0

    # -- what changes the room (each one journaled, saved, announced) ----------------------------
    def act(self, action: Action) -> str:
        """Apply one action to the session; journal it if it did anything."""
        with self.lock:
            status = self._apply(action)
            if status != "stale":
                self.journal.append(list(action))
                self._changed()
        return status

    def step(self, expect: int | None = None) -> str:
        return self.act(["step", expect])

    def run_to_end(self) -> str:
        return self.act(["run"])

    def pause(self) -> str:
        return self.act(["pause"])

    def answer(self, choice: str) -> str:
        """The facilitator's screen votes for the table the meeting waits for first."""
        request = self.session.waiting_for
        if request is None:
            return self.session.status
        key = self.session.model.parties[request.party].key
        return self.act(["vote", key, choice, True])

    def vote(self, party_key: str, choice: str) -> str:
        """A table's own device votes; the facilitator holds the meeting."""
        return self.act(["vote", party_key, choice, False])

    def let_agent_vote(self, party_key: str) -> str:
        return self.act(["vote", party_key, AGENT, False])

    def hand_to_room(self, keys) -> str:
        return self.act(["hand", sorted(keys)])

    def seat(self, device: str, party_key: str) -> None:
        """Seat a device at a party's table; the room then plays that party."""
        with self.lock:
            if party_key not in self.session.scenario.parties:
                raise InputError(f"room {self.code}: there is no party '{party_key}'")
            self.seats[device] = party_key
            if party_key not in self.session.room_keys:
                self.journal.append(["hand", sorted(self.session.room_keys | {party_key})])
                self._apply(self.journal[-1])
            self._changed()

    def leave(self, device: str) -> None:
        with self.lock:
            if self.seats.pop(device, None) is not None:
                self._changed()

    def reset(self) -> None:
        """The same design from its first meeting; the room keeps its parties."""
        with self.lock:
            self.journal = [["hand", sorted(self.session.room_keys)]]
            self._replay(self.session.design)
            self._changed()

    def set_design(self, design: Design) -> bool:
        """A new design (restarts the run); on a bad value nothing changes and ``error`` says why."""
        with self.lock:
            keys = sorted(self.session.room_keys)
            if not self.session.set_design(design):
                self._changed()
                return False
            self.journal = [["hand", keys]]
            self._replay(design)
            self._changed()
            return True

    def undo_vote(self) -> bool:
        """Take back the room's last vote: the journal replayed up to just before it."""
        with self.lock:
            last = next(
                (i for i in range(len(self.journal) - 1, -1, -1) if self.journal[i][0] == "vote"),
                None,
            )
            if last is None:
                return False
            self.journal = self.journal[:last]
            self._replay(self.session.design)
            self._changed()
            return True

    # -- reading ---------------------------------------------------------------------------------
    def seated(self) -> dict[str, list[str]]:
        """Party key -> the devices seated at its table."""
        out: dict[str, list[str]] = {}
        for device, key in self.seats.items():
            out.setdefault(key, []).append(device)
        return out

    def party_of(self, device: str) -> str | None:
        return self.seats.get(device)

    # -- listeners -------------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[int], None]) -> Callable[[], None]:
        """Call ``listener(version)`` after every change; returns the unsubscribe function."""
        with self.lock:
            token = self._next_listener
            self._next_listener += 1
            self._listeners[token] = listener

        def unsubscribe() -> None:
            with self.lock:
                self._listeners.pop(token, None)

        return unsubscribe

    def _changed(self) -> None:
        self.version += 1
        self.save()
        version, listeners = self.version, list(self._listeners.values())
        for listener in listeners:
            try:
                listener(version)
            except Exception:  # noqa: BLE001 - a closed browser tab must not stop the others
                pass

    # -- the journal -----------------------------------------------------------------------------
    def _apply(self, action: Action) -> str:
        s = self.session
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
            _, key, choice, hold = action
            return s.vote(s.model.index[key], choice, hold=bool(hold))
        if kind == "retract":
            s.retract(s.model.index[action[1]])
            return s.status
        raise ValueError(f"unknown room action {action!r}")

    def _replay(self, design: Design) -> None:
        self.session = WorkshopSession(design)
        for action in self.journal:
            self._apply(action)

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "design": dataclasses.asdict(self.session.design),
            "journal": self.journal,
            "seats": self.seats,
            "facilitator": self.facilitator,
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
    def load(cls, path: Path) -> Room:
        """A room from its state file, replayed to where it was."""
        try:
            data = json.loads(path.read_text())
            design = Design(**data["design"])
            room = cls(data["code"], design, path.parent)
            room.journal = [list(a) for a in data["journal"]]
            room.seats = dict(data.get("seats", {}))
            room.facilitator = str(data.get("facilitator", ""))
            room._replay(design)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(
                f"{path}: not a workshop room's state file ({exc}); it holds a room's "
                "'code', 'design' and 'journal' as the workshop writes them."
            ) from exc
        return room


class RoomRegistry:
    """Every open room of one server, by code; rooms saved earlier are reopened from the folder."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._rooms: dict[str, Room] = {}
        self._lock = threading.Lock()

    def create(self, design: Design, code: str | None = None) -> Room:
        with self._lock:
            # Room codes are names, not simulation draws: drawn from the system's randomness.
            while code is None or code in self._rooms or self._saved(code).exists():
                code = "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
            room = Room(code, design, self.folder)
            self._rooms[code] = room
        room.save()
        return room

    def get(self, code: str) -> Room | None:
        """The room with this code (case and spaces ignored), reopened from its file if need be."""
        code = normal_code(code)
        with self._lock:
            room = self._rooms.get(code)
            if room is None and code and self._saved(code).exists():
                room = Room.load(self._saved(code))
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

    def _saved(self, code: str) -> Path:
        return (self.folder or Path("/nonexistent")) / f"{code}.json"


def normal_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


_registry: RoomRegistry | None = None
_registry_lock = threading.Lock()


def registry() -> RoomRegistry:
    """The server's rooms (one registry per process, saved under ``$ALLIANCE_SIM_WORKSHOP_STATE``)."""
    global _registry
    with _registry_lock:
        if _registry is None:
            _registry = RoomRegistry(Path(os.environ.get(STATE_ENV, DEFAULT_STATE)))
        return _registry
