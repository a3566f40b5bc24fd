"""``[trust]``: trust between the parties, from prior collaboration and from what happens
(004 p.15).
"""

from __future__ import annotations

from pydantic import Field

from .vocabulary import PER_YEAR, SHARE, WEIGHT, YOURS, Strict, doc


class Relationship(Strict):
    a: str = Field(description="one party (its key)", json_schema_extra=doc(source=YOURS))
    b: str = Field(description="the other party (its key)", json_schema_extra=doc(source=YOURS))
    trust: float = Field(
        ge=0.0,
        le=1.0,
        description="their trust at the start, from prior collaboration (004 p.15)",
        json_schema_extra=doc(WEIGHT, YOURS),
    )


class Trust(Strict):
    """Trust between parties, from prior collaboration and what happens (004 p.15).

    Trust scales concessions: an amendment moves ``board.amendment_step`` times
    ``min_concession + (1 - min_concession) * trust`` of the way the blockers ask. The documents
    say trust and continuity matter but give no numbers; the defaults are modest.
    """

    initial: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="trust between every two parties at the start, where no relationship says "
        "otherwise",
        json_schema_extra=doc(WEIGHT),
    )
    relationships: tuple[Relationship, ...] = Field(
        (), description="pairs of parties whose trust at the start differs"
    )
    agree_gain: float = Field(
        0.02,
        ge=0.0,
        le=1.0,
        description="trust gained between the members who agree a matter together",
        json_schema_extra=doc(WEIGHT),
    )
    block_loss: float = Field(
        0.03,
        ge=0.0,
        le=1.0,
        description="trust lost toward a member that blocks a matter",
        json_schema_extra=doc(WEIGHT),
    )
    unshared_loss: float = Field(
        0.02,
        ge=0.0,
        le=1.0,
        description="trust lost by a member that bears a loss others do not share (001 §34)",
        json_schema_extra=doc(WEIGHT),
    )
    min_concession: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="how far (a share of amendment_step) the board still concedes with no trust "
        "at all",
        json_schema_extra=doc(SHARE),
    )
    rep_turnover_per_year: float = Field(
        0.15,
        ge=0.0,
        le=12.0,
        description="004 p.15; at most a new representative a month",
        json_schema_extra=doc(PER_YEAR),
    )
    reset_share: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="trust lost with a new representative",
        json_schema_extra=doc(SHARE),
    )
