"""Who sits at which party's table in a room, and who is still there.

One table per party: a device picking a party whose table already has a connected device is
told so, and joins it only as an explicit choice (``share``). A device that is no longer
connected (its page closed, its phone lost its cookie and came back as a new device) holds its
seat for a while, shown as away; a new device picking that party takes the seat at once, and a
seat left away for :data:`SEAT_TTL_S` is given up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

#: How long a device may be away before its seat is given up (a phone asleep in a pocket for a
#: coffee break keeps it).
SEAT_TTL_S = 20 * 60.0

Connected = Callable[[str], bool]


@dataclass
class Seats:
    """Device id -> the party key it plays, and when each device was last seen connected.

    Changed by replacing its dictionaries, never in place, so that a page drawing the tables
    from another thread reads one consistent state.
    """

    parties: dict[str, str] = field(default_factory=dict)
    seen: dict[str, float] = field(default_factory=dict)

    def party_of(self, device: str) -> str | None:
        return self.parties.get(device)

    def at(self, key: str) -> list[str]:
        """The devices seated at one party's table, in the order they sat down."""
        return [d for d, k in self.parties.items() if k == key]

    def by_party(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for device, key in self.parties.items():
            out.setdefault(key, []).append(device)
        return out

    def claim(self, device: str, key: str, share: bool, connected: Connected, now: float) -> str:
        """Seat ``device`` at ``key``'s table: ``seated``, or ``taken`` when another connected
        device sits there and ``share`` was not chosen (nothing changes then). Devices away from
        that table give up their seats to it."""
        others = [d for d in self.at(key) if d != device]
        present = [d for d in others if connected(d)]
        if present and not share:
            return "taken"
        parties = {d: k for d, k in self.parties.items() if d not in others or d in present}
        parties[device] = key
        self.parties = parties
        self.seen = {**{d: t for d, t in self.seen.items() if d in parties}, device: now}
        return "seated"

    def leave(self, device: str) -> bool:
        if device not in self.parties:
            return False
        self.parties = {d: k for d, k in self.parties.items() if d != device}
        self.seen = {d: t for d, t in self.seen.items() if d != device}
        return True

    def refresh(self, connected: Connected, now: float) -> bool:
        """Note who is connected now and give up seats away longer than the TTL: whether any
        seat was given up."""
        seen = {d: (now if connected(d) else self.seen.get(d, now)) for d in self.parties}
        stale = {d for d, t in seen.items() if now - t > SEAT_TTL_S}
        self.seen = {d: t for d, t in seen.items() if d not in stale}
        if stale:
            self.parties = {d: k for d, k in self.parties.items() if d not in stale}
        return bool(stale)
