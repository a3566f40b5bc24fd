"""``[parties.<key>]``: each organisation in the alliance, its weights, delegated authority and
home body (001 §33-37; 000 §1.4, 3.2; 002 §5.4).
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from ..registry import PARTY_KINDS
from ..text import possessive
from .vocabulary import (
    DAY,
    DAYS,
    MONEY,
    MONEY_YEAR,
    MOST_DAYS_APART,
    OBJECTIVES,
    TIMES,
    WEIGHT,
    YOURS,
    Category,
    Membership,
    Sector,
    Strict,
    days_apart,
    doc,
)


def _weight(default: float, what: str) -> float:
    return Field(
        default,
        ge=0.0,
        le=1.0,
        description=f"how much the party values {what}, per £1m-equivalent of effect",
        json_schema_extra=doc(WEIGHT),
    )


class Weights(Strict):
    """How much a party values each Alliance Objective, and its own finances, per £1 of effect.

    Each weight is in [0, 1]: 1 means a £1m-equivalent gain in that objective counts as much to the
    party as £1m of its own money. Defaults are a neutral 0.5 for objectives and 1.0 for finance.
    """

    finance: float = _weight(1.0, "its own money")
    outcomes: float = _weight(0.5, "improved outcomes for service users (000 §1.2a)")
    seamless: float = _weight(0.5, "a seamless journey whatever the need (000 §1.2b)")
    accessible: float = _weight(0.5, "accessible services (000 §1.2c)")
    local: float = _weight(0.5, "services local where appropriate (000 §1.2d)")
    prevention: float = _weight(0.5, "a focus on prevention (000 §1.2e)")
    sustainability: float = _weight(0.5, "system sustainability through reduced cost (000 §1.2f)")
    choice: float = _weight(0.5, "protecting and promoting choice (000 §1.2g)")

    def objective_vector(self) -> tuple[float, ...]:
        return tuple(getattr(self, name) for name in OBJECTIVES)


class Authority(Strict):
    """Delegated authority declared in advance (000 §3.2.3).

    A representative may decide a matter alone only when its magnitude is at most ``threshold_m``
    and none of its categories is excluded; otherwise it must refer to its home body (000 §3.2).
    """

    threshold_m: float = Field(
        1.0,
        ge=0.0,
        description="the largest matter (£m a year of activity it moves) the representative may "
        "decide alone; a larger one goes to its home body. £250k is 0.25",
        json_schema_extra=doc(MONEY),
    )
    excluded_categories: tuple[Category, ...] = Field(
        (),
        description="categories of business the representative must always refer to its home "
        "body, whatever their size (001 §46: strategic, policy, resource and financial)",
        json_schema_extra=doc(source=YOURS),
    )


class HomeBody(Strict):
    """The representative's own Board, Governing Body or council committee (000 §3.2; 002 §5.4).

    ``own_interest_bias`` is how much more the home body weighs the organisation's own interest:
    its best-for-service weight is the representative's times (1 - bias). The documents say only
    that its view "may differ"; 0.5 is the default.
    """

    name: str = Field(
        "",
        description='what the narrative calls it, e.g. "Adult Social Care Committee"; left out, '
        "it is the party's name with \"'s board\"",
        json_schema_extra=doc(source=YOURS),
    )
    cadence_days: int = days_apart(
        28, least=1, description="days between its meetings", json_schema_extra=doc(DAYS)
    )
    first_meeting_day: int = Field(
        0,
        ge=0,
        le=10 * MOST_DAYS_APART,
        description="the day of its first meeting",
        json_schema_extra=doc(DAY),
    )
    notice_days: int = days_apart(
        7,
        description="how long before a meeting its papers close: a referral must reach it this "
        "early to be decided there",
        json_schema_extra=doc(DAYS),
    )
    own_interest_bias: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="how much more it weighs the organisation's own interest than its "
        "representative does: its best-for-service weight is the representative's times "
        "(1 - bias); 000 §3.2 says only that its view may differ",
        json_schema_extra=doc(WEIGHT),
    )


class Party(Strict):
    name: str = Field(
        description="the organisation's name, as every narrative, table and figure shows it",
        json_schema_extra=doc(source=YOURS),
    )
    kind: str = Field(
        description="a registered party kind (agents/): commissioner, provider, vcse or council; "
        "it decides how business reaches the party and what it may do alone",
        json_schema_extra=doc(source=YOURS),
    )
    sector: Sector = Field(
        Sector.NONE,
        description="what a provider delivers; it decides how a shift of activity from hospital "
        "to community reaches it (001 §34): acute and ambulance providers lose activity, the "
        "others gain it. A provider must name one; commissioners have none",
        json_schema_extra=doc(source=YOURS),
    )
    membership: Membership = Field(
        Membership.FULL,
        description="full members vote (a veto under unanimity) and share risk; associates "
        "attend and speak without a vote or a share; none: not (yet) a member (001 §33-35)",
        json_schema_extra=doc(source=YOURS),
    )
    budget_m: float = Field(
        0.0,
        ge=0.0,
        description="its yearly spending (a commissioner) or income (a provider) on the services "
        "in the alliance's scope: it sizes its share of business, risk and costs. Give it: 0 "
        "makes the party weightless",
        json_schema_extra=doc(MONEY_YEAR, YOURS),
    )
    risk_tolerance_m: float = Field(
        0.5,
        ge=0.0,
        description="the yearly loss on one matter it will bear without objecting",
        json_schema_extra=doc(MONEY_YEAR),
    )
    loss_aversion: float = Field(
        1.0,
        ge=0.0,
        description="how much more a £ lost weighs than a £ gained (1: equally)",
        json_schema_extra=doc(TIMES),
    )
    best_for_service: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="its representative's weight on the system's interest against its own "
        "(000 §1.4): 0 its own only, 1 the system's only",
        json_schema_extra=doc(WEIGHT),
    )
    weights: Weights = Field(
        Weights(), description="how much it values each Alliance Objective and its own money"
    )
    authority: Authority = Field(
        Authority(), description="its representative's delegated authority (000 §3.2.3)"
    )
    home_body: HomeBody = Field(
        HomeBody(),
        description="the board, governing body or committee its representative refers to",
    )
    source: str = Field(
        "",
        description="where the party's description comes from (a clause), for readers",
        json_schema_extra=doc(source=YOURS),
    )

    @model_validator(mode="before")
    @classmethod
    def _home_body_named(cls, data: object) -> object:
        """A home body left unnamed is the party's own board, named so that "the board approves"
        is never read as the alliance's board."""
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return data
        home = data.get("home_body", {})
        if isinstance(home, dict) and not home.get("name"):
            data = {**data, "home_body": {**home, "name": f"{possessive(data['name'])} board"}}
        return data

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        return PARTY_KINDS.check(value)
