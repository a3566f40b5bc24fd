"""``[trust]``: trust between the parties, from prior collaboration and from what happens
(004 p.15).
"""

from __future__ import annotations

from pydantic import Field

from .vocabulary import Strict


class Relationship(Strict):
    a: str
    b: str
    trust: float = Field(ge=0.0, le=1.0)


class Trust(Strict):
    """Trust between parties, from prior collaboration and what happens (004 p.15).

    Trust scales concessions: an amendment moves ``board.amendment_step`` times
    ``min_concession + (1 - min_concession) * trust`` of the way the blockers ask. The documents
    say trust and continuity matter but give no numbers; the defaults are modest.
    """

    initial: float = Field(0.5, ge=0.0, le=1.0)
    relationships: tuple[Relationship, ...] = ()
    agree_gain: float = Field(0.02, ge=0.0, le=1.0)
    block_loss: float = Field(0.03, ge=0.0, le=1.0)
    unshared_loss: float = Field(0.02, ge=0.0, le=1.0)
    min_concession: float = Field(0.5, ge=0.0, le=1.0)
    rep_turnover_per_year: float = Field(
        0.15, ge=0.0, le=12.0, description="004 p.15; at most a new representative a month"
    )
    reset_share: float = Field(
        0.5, ge=0.0, le=1.0, description="trust lost with a new representative"
    )
