"""``[parties.<key>]``: each organisation in the alliance, its weights, delegated authority and
home body (001 §33-37; 000 §1.4, 3.2; 002 §5.4).
"""

from __future__ import annotations

from pydantic import Field, field_validator

from ..registry import PARTY_KINDS
from .vocabulary import (
    MOST_DAYS_APART,
    OBJECTIVES,
    Category,
    Membership,
    Sector,
    Strict,
    days_apart,
)


class Weights(Strict):
    """How much a party values each Alliance Objective, and its own finances, per £1 of effect.

    Each weight is in [0, 1]: 1 means a £1m-equivalent gain in that objective counts as much to the
    party as £1m of its own money. Defaults are a neutral 0.5 for objectives and 1.0 for finance.
    """

    finance: float = Field(1.0, ge=0.0, le=1.0)
    outcomes: float = Field(0.5, ge=0.0, le=1.0)
    seamless: float = Field(0.5, ge=0.0, le=1.0)
    accessible: float = Field(0.5, ge=0.0, le=1.0)
    local: float = Field(0.5, ge=0.0, le=1.0)
    prevention: float = Field(0.5, ge=0.0, le=1.0)
    sustainability: float = Field(0.5, ge=0.0, le=1.0)
    choice: float = Field(0.5, ge=0.0, le=1.0)

    def objective_vector(self) -> tuple[float, ...]:
        return tuple(getattr(self, name) for name in OBJECTIVES)


class Authority(Strict):
    """Delegated authority declared in advance (000 §3.2.3).

    A representative may decide a matter alone only when its magnitude is at most ``threshold_m``
    and none of its categories is excluded; otherwise it must refer to its home body (000 §3.2).
    """

    threshold_m: float = Field(1.0, ge=0.0)
    excluded_categories: tuple[Category, ...] = ()


class HomeBody(Strict):
    """The representative's own Board, Governing Body or council committee (000 §3.2; 002 §5.4).

    ``own_interest_bias`` is how much more the home body weighs the organisation's own interest:
    its best-for-service weight is the representative's times (1 - bias). The documents say only
    that its view "may differ"; 0.5 is the default.
    """

    name: str = "Board"
    cadence_days: int = days_apart(28, least=1)
    first_meeting_day: int = Field(0, ge=0, le=10 * MOST_DAYS_APART)
    notice_days: int = days_apart(7)
    own_interest_bias: float = Field(0.5, ge=0.0, le=1.0)


class Party(Strict):
    name: str
    kind: str = Field(description="a registered party kind (agents/): commissioner, provider, ...")
    sector: Sector = Sector.NONE
    membership: Membership = Membership.FULL
    budget_m: float = Field(0.0, ge=0.0)
    risk_tolerance_m: float = Field(0.5, ge=0.0)
    loss_aversion: float = Field(1.0, ge=0.0)
    best_for_service: float = Field(0.5, ge=0.0, le=1.0)
    weights: Weights = Weights()
    authority: Authority = Authority()
    home_body: HomeBody = HomeBody()
    source: str = ""

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        return PARTY_KINDS.check(value)
