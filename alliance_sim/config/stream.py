"""``[stream]``: the business generated over the term, its kinds, rates and sizes, and the
economics of a shift of activity (001 §34, 55; 000 §3.4; 002 §3.5, 6.1).
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from .vocabulary import (
    DAYS,
    DRAWN_KINDS,
    MONEY_YEAR,
    PER_YEAR,
    RESERVED_KINDS,
    SETTING,
    SHARE,
    YOURS,
    MatterKind,
    Strict,
    doc,
)


class KindStream(Strict):
    """Arrival rate and size of one kind of generated matter."""

    # at most one a week of each kind: far above any document's pace, and a large rate would
    # draw millions of matters (1e6 filled 3.5 GB in 20 s)
    rate_per_year: float = Field(
        0.0,
        ge=0.0,
        le=52.0,
        description="how many matters of this kind arrive a year, on average",
        json_schema_extra=doc(PER_YEAR),
    )
    magnitude_m: tuple[float, float] = Field(
        (0.5, 3.0),
        description="the smallest and largest size of a matter of this kind, [low, high]",
        json_schema_extra=doc(MONEY_YEAR),
    )
    deadline_days: int = Field(
        180,
        ge=1,
        description="days from its proposal within which the board must decide it",
        json_schema_extra=doc(DAYS),
    )


def _default_kinds() -> dict[MatterKind, KindStream]:
    return {
        MatterKind.SERVICE_CHANGE: KindStream(rate_per_year=5.0, magnitude_m=(0.5, 4.0)),
        MatterKind.VARIATION: KindStream(
            rate_per_year=3.0, magnitude_m=(0.1, 1.0), deadline_days=120
        ),
        MatterKind.ADMISSION: KindStream(
            rate_per_year=0.3, magnitude_m=(0.0, 0.0), deadline_days=120
        ),
        # Only 002 §6.8 lets a partner vary the agreement itself: none elsewhere (000, 001, 003
        # and 004 have no such clause), so a scenario that has one gives it a rate.
        MatterKind.AGREEMENT_VARIATION: KindStream(
            rate_per_year=0.0, magnitude_m=(0.1, 1.0), deadline_days=120
        ),
        MatterKind.MANDATORY_CHANGE: KindStream(rate_per_year=0.5, magnitude_m=(0.2, 2.0)),
        MatterKind.THIRD_PARTY_TRANSFER: KindStream(rate_per_year=0.2, magnitude_m=(0.5, 3.0)),
        MatterKind.PUBLIC_CONSULTATION: KindStream(rate_per_year=0.3, magnitude_m=(0.5, 5.0)),
    }


class Economics(Strict):
    """How a shift of activity moves money between parties, per £1 of acute activity moved.

    The documents state the direction (001 §34, 55: acute demand falls, community and social-care
    demand rises) but not the sizes; these defaults are assumptions, named so that experiments can
    vary them.
    """

    commissioner_saving: float = Field(
        0.25,
        description="tariff saved by commissioners net of reinvestment",
        json_schema_extra=doc("£ per £1 shifted"),
    )
    acute_margin_loss: float = Field(
        0.15,
        description="contribution an acute provider loses",
        json_schema_extra=doc("£ per £1 shifted"),
    )
    community_margin_gain: float = Field(
        0.05,
        description="margin community providers gain",
        json_schema_extra=doc("£ per £1 shifted"),
    )
    social_care_uplift: float = Field(
        0.20,
        description="extra social-care demand on the council",
        json_schema_extra=doc("£ per £1 shifted"),
    )
    vcse_gain: float = Field(
        0.02,
        description="prevention grants to the voluntary sector",
        json_schema_extra=doc("£ per £1 shifted"),
    )
    ambulance_income_loss: float = Field(
        0.02,
        ge=0.0,
        description="contribution the ambulance trust loses on the conveyances a shift avoids "
        "(001 §22, 37: admissions avoided are conveyances avoided); range 0-0.1",
        json_schema_extra=doc("£ per £1 shifted"),
    )
    capitation_relief: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="share of the activity income a shift costs an acute or ambulance provider "
        "that an agreed capitated budget removes, per unit of the demand risk providers carry under "
        "it (the capitation matter's risk_share term; 001 §30, 43a); the commissioners, who keep "
        "paying the budget, forgo that much of their saving",
        json_schema_extra=doc(SHARE),
    )
    outcome_value: float = Field(
        0.45,
        description="£-equivalent value to service users",
        json_schema_extra=doc("£ per £1 shifted"),
    )
    uncertainty: float = Field(
        0.35,
        ge=0.0,
        description="sd of each effect, as share of its mean",
        json_schema_extra=doc("share of the mean"),
    )
    capitation_horizon_years: float = Field(
        1.0,
        ge=0.0,
        le=5.0,
        description="how many years of the shifts they expect the providers and commissioners "
        "weigh when they value a capitated budget: it relieves the acute and ambulance providers "
        "of the activity income those shifts would cost them (001 §30, 43a), and the "
        "commissioners forgo as much of their saving; assumption: the next budget year (range "
        "0.5-2.5: up to half of a three-year term)",
        json_schema_extra=doc("years"),
    )
    prohibited_share: float = Field(
        0.03,
        ge=0.0,
        le=1.0,
        description="share of shifts and contract variations that would breach the law, a "
        "regulation or a licence (Prohibited Matters on the 'breach' ground, 000 §3.3 a-b; 002 "
        "§3.4); the documents give no rate: an assumption",
        json_schema_extra=doc(SHARE),
    )
    urgent_share: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="share of reserved matters urgent",
        json_schema_extra=doc(SHARE),
    )


class Stream(Strict):
    """The generated stream of matters over the term (in addition to any written by hand).

    ``reserved_matters`` says whether the alliance's agreement gives the commissioners Reserved
    Matters (000 §3.4). Where it leaves commissioning arrangements unchanged (002 §3.5) there are
    none: the reserved kinds are not drawn, and giving one a rate is an input error.
    ``conflict_share`` is how often a service change or services-contract variation concerns services
    a provider partner other than its proposer competes to provide (000 §2.4a), so that partner has
    a conflict of interest it must notify and the board manages by recusal (002 §6.1).
    """

    enabled: bool = Field(
        True,
        description="generate business over the term; false: only the [[matters]] written out",
        json_schema_extra=doc(source=SETTING),
    )
    reserved_matters: bool = Field(
        True,
        description="the commissioners hold Reserved Matters they decide alone (000 §3.4); false "
        "where the agreement leaves commissioning arrangements unchanged (002 §3.5)",
        json_schema_extra=doc(source="000 §3.4; 002 §3.5"),
    )
    commissioning_outside_board: bool = Field(
        False,
        description="with reserved_matters false, the second reading of 002 §3.5 ('commissioning "
        "arrangements remain unchanged'): the commissioners' own commissioning decisions (the "
        "reserved kinds: a mandatory change, a transfer to a third party, a public consultation) "
        "still arise, at their rates, and the commissioners take them alone through their own "
        "governance, as before the agreement: on the day they arise, without the board's vote "
        "and without consulting it first (000 §3.5 d is Mid-Notts'). False: the first reading, "
        "none arise",
        json_schema_extra=doc(source="002 §3.5"),
    )
    conflict_share: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="share of service changes and services-contract variations on which a "
        "provider partner other than the proposer has a conflict of interest and is recused "
        "(002 §6.1); 0 where the agreement has no conflicts clause (000, 001, 003, 004)",
        json_schema_extra=doc(SHARE),
    )
    kinds: dict[MatterKind, KindStream] = Field(
        default_factory=_default_kinds,
        description="the kinds of business drawn at a rate, by kind; a kind left out keeps its "
        "defaults",
    )

    @model_validator(mode="before")
    @classmethod
    def _no_reserved_kinds_without_reserved_matters(cls, data):
        """Without Reserved Matters (002 §3.5) the reserved kinds are not drawn (rate 0)."""
        if not isinstance(data, dict) or data.get("reserved_matters", True) is not False:
            if isinstance(data, dict) and data.get("commissioning_outside_board") is True:
                raise ValueError(
                    "stream.commissioning_outside_board is a reading of 002 §3.5 for an agreement "
                    "without Reserved Matters: set stream.reserved_matters to false with it"
                )
            return data
        if data.get("commissioning_outside_board") is True:
            return data  # 002 §3.5, second reading: the commissioners' own decisions still arise
        kinds = dict(data.get("kinds") or {})
        for kind in sorted(RESERVED_KINDS, key=str):
            given = kinds.get(str(kind), kinds.get(kind))
            rate = given.get("rate_per_year", 0.0) if isinstance(given, dict) else 0.0
            if rate:
                raise ValueError(
                    f"stream.kinds.{kind}.rate_per_year = {rate}, but stream.reserved_matters is "
                    "false: this alliance's commissioners hold no Reserved Matters (as in 002 "
                    "§3.5, commissioning arrangements remain unchanged), so none can arise; set "
                    "the rate to 0 or reserved_matters to true"
                )
            kinds.pop(kind, None)
            kinds[str(kind)] = {**(given if isinstance(given, dict) else {}), "rate_per_year": 0.0}
        return {**data, "kinds": kinds}

    @field_validator("kinds", mode="before")
    @classmethod
    def _merge_with_defaults(cls, value):
        """Setting one kind's rate keeps the other kinds' defaults (and a kind's unset fields)."""
        if not isinstance(value, dict):
            return value
        merged = {str(k): v.model_dump() for k, v in _default_kinds().items()}
        for kind, given in value.items():
            base = merged.get(str(kind), {})
            merged[str(kind)] = {**base, **given} if isinstance(given, dict) else given
        return merged

    economics: Economics = Field(
        Economics(), description="how a shift of activity moves money between the parties"
    )
    transition_matters: bool = Field(
        True,
        description="with a transition deadline (scenario.transition_end), table the transition "
        "matters at the start (001 §43): the capitated payment model and the risk/reward scheme",
        json_schema_extra=doc(source="001 §43"),
    )
    admission_subjects: tuple[str, ...] = Field(
        (),
        description="the parties a generated admission may propose as full members (001 §39: "
        "the council's social-care provider; 002 §6.5: a new organisation); none: no admission "
        "is generated. Named, not read from membership, so every design of one scenario faces "
        "the same business; one that is a full member in a design is never named in it",
        json_schema_extra=doc(source=YOURS),
    )

    @field_validator("kinds")
    @classmethod
    def _drawn_kinds_only(cls, value: dict) -> dict:
        raised = sorted(str(k) for k in value if k not in DRAWN_KINDS)
        if raised:
            raise ValueError(
                f"{raised} cannot be given a rate: they arise from what happens, not at random; "
                f"the stream draws {sorted(str(k) for k in DRAWN_KINDS)}"
            )
        return value
