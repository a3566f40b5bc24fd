"""The address a table opens to join a room, and its QR code (drawn here, offline, as inline SVG)."""

from __future__ import annotations

import os
from functools import lru_cache

import segno

#: Set by ``alliance-sim workshop``: the address phones in the room can reach this server at.
ADDRESS_ENV = "ALLIANCE_SIM_WORKSHOP_ADDRESS"


def join_address(code: str, base: str | None = None) -> str:
    base = (base or os.environ.get(ADDRESS_ENV, "") or "http://localhost:8765").rstrip("/")
    return f"{base}/join?room={code}"


@lru_cache(maxsize=64)
def qr_svg(text: str, scale: int = 4) -> str:
    """The QR code of ``text`` as an inline ``<svg>`` element (no XML declaration)."""
    return segno.make(text, error="m").svg_inline(scale=scale, dark="#111", light="#fff")
