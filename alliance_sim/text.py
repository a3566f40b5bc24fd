"""Money and dates as a board paper writes them (£1.4m, £250k; 1 Apr 2016), for every layer.

The reasons given for votes, a member's notice, the workshop's cards and tables all word amounts
and days alike through here, so none of them needs another's module to say "£0.5m".
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Dated(Protocol):
    """Anything that knows the day its run starts: a model, or a read-only view of one."""

    @property
    def start(self) -> dt.date: ...


def money(value_m: float) -> str:
    """£ amounts as a board paper would write them: £1.4m, £250k."""
    v = abs(value_m)
    if v >= 0.995:
        return f"£{v:.1f}m"
    if v >= 0.0005:
        return f"£{v * 1000:.0f}k"
    return "£0"


def date_of(run: Dated, day: int) -> str:
    """Day ``day`` of ``run`` (counted from its start) as a date: 1 Apr 2016."""
    return (run.start + dt.timedelta(days=int(day))).strftime("%-d %b %Y")
