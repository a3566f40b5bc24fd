"""Validated scenario configuration: the rulebook of one alliance, as data.

A scenario file (TOML) is parsed into these frozen pydantic models before anything runs, so that a
bad value is reported once, clearly, naming the field (see ``errors.py``). Money is in £ millions
(``*_m`` fields) and time in days from the scenario's start date.

Sources (``../shared/domain.md``): parties and membership (001 §33-37), the seven Alliance
Objectives (000 §1.2 a-g), Best for Service (000 §1.4, 3.1), delegated authority and referral
(000 §3.2; 002 §5.4), Prohibited and Reserved Matters (000 §3.3-3.5), unanimity (001 §47).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .registry import DECISION_RULES, PARTY_KINDS, PROHIBITED_GROUNDS

#: The seven Alliance Objectives, 000 §1.2 (a)-(g), in order.
OBJECTIVES: tuple[str, ...] = (
    "outcomes",  # (a) improved outcomes for Service Users
    "seamless",  # (b) seamless journey irrespective of health or social care need
    "accessible",  # (c) accessible services
    "local",  # (d) local where appropriate
    "prevention",  # (e) a focus on prevention
    "sustainability",  # (f) system sustainability through reduced system cost
    "choice",  # (g) protect and promote choice
)


class Membership(StrEnum):
    """Full members vote and share risk; associates attend only (001 §33, 35)."""

    FULL = "full"
    ASSOCIATE = "associate"
    NONE = "none"


class Sector(StrEnum):
    """What a provider delivers; sets how a shift of activity reaches it (001 §34)."""

    ACUTE = "acute"
    COMMUNITY = "community"
    MENTAL_HEALTH = "mental_health"
    PRIMARY = "primary"
    AMBULANCE = "ambulance"
    SOCIAL_CARE = "social_care"
    NONE = "none"


class Category(StrEnum):
    """Categories a representative's delegated authority may exclude (001 §46; 000 §3.2.3)."""

    STRATEGIC = "strategic"
    POLICY = "policy"
    RESOURCE = "resource"
    FINANCIAL = "financial"
    SERVICE = "service"
    MEMBERSHIP = "membership"


class MatterKind(StrEnum):
    """The kinds of business the documents name."""

    SERVICE_CHANGE = "service_change"  # activity shift, 000 §1.3; 001 §34
    PAYMENT_MODEL = "payment_model"  # capitated / outcome payments, 001 §30, 43
    RISK_REWARD = "risk_reward"  # gain/loss share scheme, 000 §2.2d; 003
    ADMISSION = "admission"  # admission of a member, 001 §39; 002 §6.5
    VARIATION = "variation"  # of a services contract, 000 §1.3; 002 §4.3; 003
    AGREEMENT_VARIATION = "agreement_variation"  # Notice of Variation of the agreement, 002 §6.8
    TRANSITION_EXTENSION = "transition_extension"  # 001 §40(a)
    RECONFIGURATION = "reconfiguration"  # 001 §40(b)
    TERMINATION = "termination"  # 001 §40(c); 002 §6.2-6.3
    TERM_EXTENSION = "term_extension"  # extension of the agreement's term, 001 §40; 002 §2.2
    REMOVAL = "removal"  # removal of a partner proposed by another, 002 §6.7
    MANDATORY_CHANGE = "mandatory_change"  # Reserved Matter, 000 §3.4
    THIRD_PARTY_TRANSFER = "third_party_transfer"  # Reserved Matter, 000 §3.4
    PUBLIC_CONSULTATION = "public_consultation"  # Reserved Matter, 000 §3.4


RESERVED_KINDS = frozenset(
    {MatterKind.MANDATORY_CHANGE, MatterKind.THIRD_PARTY_TRANSFER, MatterKind.PUBLIC_CONSULTATION}
)
#: Resolutions about the alliance itself, raised by what happens: blocking one is no dispute over
#: business, so it counts toward neither a removal (002 §6.7) nor a dispute (002 §6.3).
RESOLUTION_KINDS = frozenset(
    {MatterKind.TRANSITION_EXTENSION, MatterKind.RECONFIGURATION, MatterKind.TERMINATION,
     MatterKind.TERM_EXTENSION, MatterKind.REMOVAL}
)  # fmt: skip
#: The kinds the generated stream draws at a rate (``stream.kinds``); the others arise from what
#: happens: the transition matters at the start (001 §43), escalations when its deadline is missed
#: (001 §40), payment models and the risk/reward scheme among the transition matters.
DRAWN_KINDS = frozenset(
    {MatterKind.SERVICE_CHANGE, MatterKind.VARIATION, MatterKind.AGREEMENT_VARIATION,
     MatterKind.ADMISSION} | RESERVED_KINDS
)  # fmt: skip


def reference_error(path: str, message: str) -> PydanticCustomError:
    """An error about a cross-reference, carrying the field path it belongs to."""
    return PydanticCustomError("reference", "{message}", {"path": path, "message": message})


class Strict(BaseModel):
    """Unknown fields are errors, and inputs never change after validation."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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
    cadence_days: int = Field(28, ge=1)
    first_meeting_day: int = Field(0, ge=0)
    notice_days: int = Field(7, ge=0)
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


class Term(Strict):
    """A negotiable term of a matter: a continuous value in [low, high] with a status quo."""

    name: str
    label: str = ""
    low: float = 0.0
    high: float = 1.0
    status_quo: float = 0.0
    proposed: float = 1.0

    @model_validator(mode="after")
    def _within_range(self) -> Term:
        if not self.low <= self.high:
            raise ValueError(f"term '{self.name}': low must not exceed high")
        for field in ("status_quo", "proposed"):
            value = getattr(self, field)
            if not self.low <= value <= self.high:
                raise ValueError(
                    f"term '{self.name}': {field}={value} is outside [{self.low}, {self.high}]"
                )
        return self


class Impact(Strict):
    """A party's annual financial effect (£m) if the matter is adopted.

    ``mean_m + sum(per_term[t] * t)`` is the expected effect; ``sd_m + sum(sd_per_term[t] * t)``
    its uncertainty. ``label`` says in plain words what the effect is ("demand shifted to social
    care"), for the reasons given with votes.
    """

    mean_m: float = 0.0
    sd_m: float = Field(0.0, ge=0.0)
    per_term: dict[str, float] = {}
    sd_per_term: dict[str, float] = {}
    label: str = ""


class Ideal(Strict):
    """A party's ideal value of one term; its utility falls with (weighted) distance from it."""

    ideal: float
    weight: float = Field(1.0, ge=0.0)


class PoolShare(Strict):
    """A party's share of the gain/loss pool under a risk/reward scheme: base + per_term . terms."""

    base: float = 0.0
    per_term: dict[str, float] = {}


class MatterSpec(Strict):
    """One matter written out by hand in a scenario (the generated stream makes the same)."""

    id: str
    kind: MatterKind
    title: str = ""
    proposer: str
    day: int = Field(0, ge=0)
    deadline_days: int = Field(180, ge=1)
    magnitude_m: float = Field(0.0, ge=0.0)
    categories: tuple[Category, ...] = ()
    prohibited: str = Field(
        "", description="a Prohibited Matter on this ground (one of board.prohibited_grounds)"
    )
    urgent: bool = False
    subject: str = Field("", description="for an admission: the party to admit as a full member")
    transition: bool = Field(
        False, description="a transition matter, due by the transition deadline"
    )
    conflicts: tuple[str, ...] = Field(
        (),
        description="partners with a conflict of interest in this matter: they compete to provide "
        "the services it concerns (000 §2.4a). Each notifies the board, which manages the conflict "
        "by recusal: it does not vote on the matter and holds no veto on it (002 §6.1)",
    )
    effects: dict[str, float] = {}
    effects_per_term: dict[str, dict[str, float]] = {}
    terms: tuple[Term, ...] = ()
    impacts: dict[str, Impact] = {}
    ideals: dict[str, dict[str, Ideal]] = {}
    pool_shares: dict[str, PoolShare] = {}

    @field_validator("effects")
    @classmethod
    def _known_objectives(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(OBJECTIVES))
        if unknown:
            raise ValueError(f"unknown objective(s) {unknown}; allowed: {list(OBJECTIVES)}")
        return value

    @model_validator(mode="after")
    def _terms_referenced_exist(self) -> MatterSpec:
        names = {t.name for t in self.terms}
        if len(names) != len(self.terms):
            raise ValueError(f"matter '{self.id}': term names must be unique")
        used = set(self.effects_per_term)
        for impact in self.impacts.values():
            used |= set(impact.per_term) | set(impact.sd_per_term)
        for ideals in self.ideals.values():
            used |= set(ideals)
        for share in self.pool_shares.values():
            used |= set(share.per_term)
        unknown = sorted(used - names)
        if unknown:
            raise ValueError(
                f"matter '{self.id}' refers to unknown term(s) {unknown}; its terms are "
                f"{sorted(names) or 'none'}"
            )
        for per_term in self.effects_per_term.values():
            bad = sorted(set(per_term) - set(OBJECTIVES))
            if bad:
                raise ValueError(f"unknown objective(s) {bad}; allowed: {list(OBJECTIVES)}")
        return self


class KindStream(Strict):
    """Arrival rate and size of one kind of generated matter."""

    rate_per_year: float = Field(0.0, ge=0.0)
    magnitude_m: tuple[float, float] = (0.5, 3.0)
    deadline_days: int = Field(180, ge=1)


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
        0.25, description="tariff saved by commissioners net of reinvestment"
    )
    acute_margin_loss: float = Field(0.15, description="contribution an acute provider loses")
    community_margin_gain: float = Field(0.05, description="margin community providers gain")
    social_care_uplift: float = Field(0.20, description="extra social-care demand on the council")
    vcse_gain: float = Field(0.02, description="prevention grants to the voluntary sector")
    ambulance_income_loss: float = Field(
        0.02,
        ge=0.0,
        description="contribution the ambulance trust loses on the conveyances a shift avoids "
        "(001 §22, 37: admissions avoided are conveyances avoided); range 0-0.1",
    )
    capitation_relief: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="share of the activity income a shift costs an acute or ambulance provider "
        "that an agreed capitated budget removes, per unit of the demand risk providers carry under "
        "it (the capitation matter's risk_share term; 001 §30, 43a); the commissioners, who keep "
        "paying the budget, forgo that much of their saving",
    )
    outcome_value: float = Field(0.45, description="£-equivalent value to service users")
    uncertainty: float = Field(0.35, ge=0.0, description="sd of each effect, as share of its mean")
    prohibited_share: float = Field(
        0.03,
        ge=0.0,
        le=1.0,
        description="share of shifts and contract variations that would breach the law, a "
        "regulation or a licence (Prohibited Matters on the 'breach' ground, 000 §3.3 a-b; 002 "
        "§3.4); the documents give no rate: an assumption",
    )
    urgent_share: float = Field(0.2, ge=0.0, le=1.0, description="share of reserved matters urgent")


class Stream(Strict):
    """The generated stream of matters over the term (in addition to any written by hand).

    ``reserved_matters`` says whether the alliance's agreement gives the commissioners Reserved
    Matters (000 §3.4). Where it leaves commissioning arrangements unchanged (002 §3.5) there are
    none: the reserved kinds are not drawn, and giving one a rate is an input error.
    ``conflict_share`` is how often a service change or services-contract variation concerns services
    a provider partner other than its proposer competes to provide (000 §2.4a), so that partner has
    a conflict of interest it must notify and the board manages by recusal (002 §6.1).
    """

    enabled: bool = True
    reserved_matters: bool = Field(
        True,
        description="the commissioners hold Reserved Matters they decide alone (000 §3.4); false "
        "where the agreement leaves commissioning arrangements unchanged (002 §3.5)",
    )
    conflict_share: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="share of service changes and services-contract variations on which a "
        "provider partner other than the proposer has a conflict of interest and is recused "
        "(002 §6.1); 0 where the agreement has no conflicts clause (000, 001, 003, 004)",
    )
    kinds: dict[MatterKind, KindStream] = Field(default_factory=_default_kinds)

    @model_validator(mode="before")
    @classmethod
    def _no_reserved_kinds_without_reserved_matters(cls, data):
        """Without Reserved Matters (002 §3.5) the reserved kinds are not drawn (rate 0)."""
        if not isinstance(data, dict) or data.get("reserved_matters", True) is not False:
            return data
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

    economics: Economics = Economics()
    transition_matters: bool = True
    admission_subjects: tuple[str, ...] = Field(
        (),
        description="the parties a generated admission may propose as full members (001 §39: "
        "the council's social-care provider; 002 §6.5: a new organisation); none: no admission "
        "is generated. Named, not read from membership, so every design of one scenario faces "
        "the same business; one that is a full member in a design is never named in it",
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


class Board(Strict):
    """The Alliance Leadership Board's procedure.

    ``amendment_step`` is the relaxation of each amendment (1 = move the terms all the way to what
    the blockers' concerns ask for, as seen by the chair; below 1 = a partial concession). The
    documents require the board to "find a solution to the area of concern" (001 §47) but do not
    say how fast; 1.0 is the default.
    """

    rule: str = Field("unanimity", description="a registered decision rule (rules.py)")
    qualified_majority: float = Field(0.75, gt=0.5, le=1.0)
    cadence_days: int = Field(28, ge=1)
    first_meeting_day: int = Field(0, ge=0)
    notice_days: int = Field(7, ge=0)
    max_agenda: int = Field(12, ge=1)
    amendment_step: float = Field(1.0, gt=0.0, lt=2.0)
    chair_proposes_after: int = Field(
        3,
        ge=1,
        description="after this many blocks of a matter by concessions alone, the chair decides "
        "exactly whether terms exist that every full member prefers: it proposes them if they "
        "do, and the matter is stalemated if they do not. 001 §47 asks the board to find a "
        "solution to the concern but not how; three rounds is an assumption",
    )
    smallest_amendment: float = Field(
        0.005,
        ge=0.0,
        lt=0.5,
        description="an amendment that moves no term by this share of its range or more is no new "
        "proposal (the documents give no figure; half a percent of a range is below what a board "
        "paper would show); the matter then has nothing left to negotiate",
    )
    mandate_covers_amendments: bool = Field(
        True,
        description="a home body's answer is a mandate for later amendments of the same matter "
        "(its representative votes as the home body would); false: every amendment goes back to "
        "the home body. 000 §3.2 and 002 §5.4 leave this open.",
    )

    prohibited_grounds: tuple[str, ...] = Field(
        ("breach",),
        description="the grounds on which the agreement prohibits a decision whatever the vote "
        "(prohibited.py: breach 000 §3.3 a-b, 002 §3.4; commissioner_money 000 §3.3 c); empty "
        "where the agreement has no Prohibited Matters clause",
    )

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, value: str) -> str:
        return DECISION_RULES.check(value)

    @field_validator("prohibited_grounds")
    @classmethod
    def _known_grounds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(PROHIBITED_GROUNDS.check(g) for g in value)


class KpiLevel(Strict):
    """One performance level (004 pp.6-8), best first in ``risk.levels``.

    A result area reaches the level when its score is at least its threshold (``min_score``, or
    the area's own ``min_scores``). The level's ``pooled_fraction`` and ``pools`` say what it
    contributes to the share paid: each full member pays the combined fraction of its realised
    direct effect into the pool, which is then paid out by the agreed shares, but a level counts
    only if the full members' realised net has the sign it ``pools``: ``gains`` (gainshare after
    better-than-expected performance, 004 p.8), ``losses`` (painshare when KPIs are missed) or
    ``both``."""

    name: str
    min_score: float | None = None  # the default threshold, for areas without their own
    pooled_fraction: float = Field(ge=0.0, le=1.0)
    pools: str = Field("both", pattern="^(gains|losses|both)$")


def _default_levels() -> tuple[KpiLevel, ...]:
    # 004 pp.6-8 names the levels and says gain follows better-than-expected performance and pain
    # follows missed KPIs; it gives no thresholds or fractions. Assumptions: the score is the
    # period's net system value as a share of full members' budgets in scope a year; thresholds
    # are quantiles of the mid-notts score (200 seeds under unanimity, seeds 1000-1199: 0.98 for
    # game-breaking, "off the scale", 0.85 stretch, 0.30 minimum, 0.10 poor), so game-breaking is
    # rare (measured: 0.8% of quarters over mid-notts seeds 0-19, was 32.5% with the old
    # thresholds; tests/test_risk_pool.py holds it at most 5%). Gain levels share all realised
    # gains, minimum shares nothing (each keeps its own), poor and failure share all losses.
    # These thresholds serve the one alliance-wide area of a scenario that names no result areas;
    # a scenario's own areas carry their own (``ResultArea.min_scores``).
    return (
        KpiLevel(name="game-breaking", min_score=0.060, pooled_fraction=1.0, pools="gains"),
        KpiLevel(name="stretch", min_score=0.025, pooled_fraction=1.0, pools="gains"),
        KpiLevel(name="minimum", min_score=0.0, pooled_fraction=0.0, pools="both"),
        KpiLevel(name="poor", min_score=-0.003, pooled_fraction=1.0, pools="losses"),
        KpiLevel(name="failure", min_score=float("-inf"), pooled_fraction=1.0, pools="losses"),
    )


class ResultArea(Strict):
    """One key result area, scored on its own against the KPI levels (004 p.7: the alliance
    agrees "statements of gamebreaking, stretch, minimum, poor and failure for each key result
    area").

    Its score each period is the realised value of the Alliance Objectives it covers
    (``objectives``, 000 §1.2) and, if ``finance``, the full members' realised financial effect
    less the demand growth the alliance must absorb (000 §1.2(f): "system sustainability through
    reduced system cost"), as a share of full members' budgets in scope a year. ``min_scores``
    are its thresholds, one per ``risk.levels`` entry, best first (default: the levels' own
    ``min_score``). ``weight`` is its part in the ``average`` combination (``risk.combine``).
    ``source`` cites the document that lists the area, or says it is an assumption.
    """

    name: str = Field(min_length=1)
    objectives: tuple[str, ...] = ()
    finance: bool = False
    weight: float = Field(1.0, gt=0.0, le=100.0)
    min_scores: tuple[float, ...] | None = None
    source: str = ""

    @field_validator("objectives")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(OBJECTIVES))
        if unknown:
            raise ValueError(f"unknown objective(s) {unknown}; allowed: {list(OBJECTIVES)}")
        if len(set(value)) != len(value):
            raise ValueError("an objective is listed twice in one result area")
        return value

    @model_validator(mode="after")
    def _scores_something(self) -> ResultArea:
        if not self.objectives and not self.finance:
            raise ValueError(
                f"result area {self.name!r} scores nothing: give objectives or finance"
            )
        if self.min_scores is not None and list(self.min_scores) != sorted(
            self.min_scores, reverse=True
        ):
            raise ValueError(f"result area {self.name!r}: min_scores must run from best to worst")
        return self


def _alliance_wide() -> tuple[ResultArea, ...]:
    # A scenario that names no result areas is scored as one area: every objective and the money.
    return (
        ResultArea(
            name="alliance",
            objectives=OBJECTIVES,
            finance=True,
            source="assumption: one alliance-wide area where a scenario names none",
        ),
    )


class Risk(Strict):
    """Outcomes of adopted matters and the risk/reward mechanism (000 §2.2d; 003; 004 pp.6-8).

    Each period the effects of every adopted matter are realised with noise and each key result
    area (``result_areas``) is scored against the KPI levels on its own (004 p.7: levels "for each
    key result area"). Until the members agree a risk/reward scheme unanimously there
    is no pooling: each party keeps its own direct effects (001 §33; 004 p.7, "all financial
    arrangements must be unanimously agreed in advance"). Once one is agreed, full members pay
    a fraction of what they actually gained or lost against plan into a pool (003: *actual*
    savings are shared). 004 does not say how the areas' levels combine into that fraction, only
    that there are "monetary benefits for hitting a number of KPIs" (p.8), so ``combine`` is an
    assumption: ``average`` (default; each area adds its level's ``pooled_fraction`` by its
    ``weight``, so the more areas reach a gain level the more of a gain is shared, which is how
    p.8 reads) or ``weakest`` (the worst area's level decides, a gate). The pool is paid out by
    the scheme's shares,
    renormalised over full members; a full member the scheme gives no share (the voluntary sector,
    say) receives its budget share of the full members' budgets in scope, the named members the
    rest. ``default_split`` = ``budget`` or ``equal`` is a counterfactual: pooling from day 1,
    split that way until a scheme is agreed. Associates and non-members keep their direct effects
    and take no share (001 §35). Every member bears its own cost of taking part (003).
    """

    period_days: int = Field(91, ge=7, description="a quarter: KPI reporting is quarterly")
    levels: tuple[KpiLevel, ...] = Field(default_factory=_default_levels)
    result_areas: tuple[ResultArea, ...] = Field(default_factory=_alliance_wide, min_length=1)
    combine: str = Field(
        "average",
        pattern="^(average|weakest)$",
        description="how the areas' levels combine into the share pooled (004 gives no rule): "
        "average (each area contributes its level's fraction, by weight) or weakest (the worst "
        "area's level sets it)",
    )
    default_split: str = Field(
        "none",
        pattern="^(none|budget|equal)$",
        description="pooling before a scheme is agreed: none (001 §33; 004 p.7), or the "
        "counterfactual budget or equal split from day 1",
    )
    demand_growth: float = Field(
        0.002, ge=0.0, description="yearly demand growth the alliance must absorb, share of budget"
    )
    participation_cost_m: float = Field(
        0.05, ge=0.0, description="a full member's yearly cost of taking part (003), £m"
    )
    participation_cost_max_share: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="no member's yearly cost of taking part exceeds this share of its budget in "
        "scope: a small body sends a part-time or less senior representative (003 leaves each "
        "party to bear its own costs without a figure; an assumption)",
    )
    associate_cost_share: float = Field(
        0.4, ge=0.0, le=1.0, description="an associate's cost of taking part, share of a full one"
    )
    outcome_noise: float = Field(
        1.0, ge=0.0, description="scales the sd of realised effects (1 = as each matter states)"
    )
    funding_shocks_per_year: float = Field(
        0.25, ge=0.0, description="national or local policy/funding changes (001 §42)"
    )
    funding_shock_share: float = Field(
        0.0075,
        ge=0.0,
        description="mean yearly cost a funding shock imposes on the party it hits, as a share of "
        "its budget in scope (0.0075: about £0.5m on the mean mid-notts budget of £67m)",
    )

    @field_validator("levels")
    @classmethod
    def _ordered_levels(cls, value):
        scores = [lvl.min_score for lvl in value if lvl.min_score is not None]
        if not value or scores != sorted(scores, reverse=True):
            raise ValueError("risk.levels must be listed from the best level to the worst")
        if len({lvl.name for lvl in value}) != len(value):
            raise ValueError("risk.levels: each level needs its own name")
        return value

    @model_validator(mode="after")
    def _areas_match_levels(self) -> Risk:
        names = [a.name for a in self.result_areas]
        if len(set(names)) != len(names):
            raise ValueError("risk.result_areas: each area needs its own name")
        for area in self.result_areas:
            if area.min_scores is None and any(lvl.min_score is None for lvl in self.levels):
                raise ValueError(
                    f"result area {area.name!r} has no min_scores, and not every KPI level has a "
                    "min_score to fall back on"
                )
            if area.min_scores is not None and len(area.min_scores) != len(self.levels):
                raise ValueError(
                    f"result area {area.name!r}: give one min_score per KPI level "
                    f"({len(self.levels)}), best first"
                )
        return self

    def thresholds(self) -> list[list[float]]:
        """Each result area's thresholds, one per level, best first (areas x levels)."""
        default = [lvl.min_score for lvl in self.levels]
        return [list(a.min_scores) if a.min_scores is not None else default
                for a in self.result_areas]  # fmt: skip

    def participation_cost(self, budget_m: float) -> float:
        """A full member's yearly cost of taking part (003), £m, given its budget in scope."""
        return min(self.participation_cost_m, self.participation_cost_max_share * budget_m)


class Host(Strict):
    """The host partner (002 §5.1-5.2, 7.1.1): it hosts the board, a sub-committee of its own
    board, and is reimbursed by the partners for the agreed management and administrative costs
    it reasonably incurs in hosting (002 §6.4).

    Each period the host incurs ``admin_cost_m`` a year pro rata, and every full member, the host
    included, bears a part of it, split in whole pence by ``recovery``: ``budget`` (in proportion
    to budgets in scope) or ``equal``. The other partners' parts are paid to the host. 002 gives
    neither the cost nor how it is split; both are scenario assumptions. No host (``party = ""``)
    where the agreement names none (000, 001, 003, 004).
    """

    party: str = Field("", description="the host partner, a party key; empty: no host")
    admin_cost_m: float = Field(
        0.0, ge=0.0, description="the host's agreed yearly management and admin costs, £m"
    )
    recovery: str = Field(
        "budget",
        pattern="^(budget|equal)$",
        description="how the partners share the host's costs: by budget in scope, or equally",
    )

    @model_validator(mode="after")
    def _a_cost_needs_a_host(self) -> Host:
        if self.admin_cost_m > 0 and not self.party:
            raise ValueError("host.admin_cost_m is set but host.party names no host partner")
        return self


class MembershipRules(Strict):
    """How membership changes over the term (001 §39, 42; 002 §6.5-6.7)."""

    withdrawal_notice_days: int = Field(
        91, ge=0, description="3 months after a policy change, 001 §42"
    )
    council_notice_days: int = Field(30, ge=0, description="1 month, 001 §39")
    council_response_to_refusal: str = Field(
        "associate",
        pattern="^(stay|associate|leave)$",
        description="what the council does if its social-care provider is refused (001 §39)",
    )
    withdraw_below_tolerances: float = Field(
        2.0,
        ge=0.0,
        description="a member leaving under its document's clause gives notice when its net "
        "position from the alliance's business (its own cost of taking part left out) is below "
        "minus this many risk tolerances",
    )
    leaving: str = Field(
        "policy_change",
        pattern="^(policy_change|resignation|none)$",
        description="how a member may leave under its document: 'policy_change' (001 §42: after "
        "a material policy change, on withdrawal_notice_days), 'resignation' (002 §6.6: at any "
        "time, weighed at each period's settlement, on resignation_notice_days) or 'none' (the "
        "document has no such clause: 003, 004)",
    )
    resign_below_tolerances: float = Field(
        4.0,
        ge=0.0,
        description="002 §6.6: a partner resigns when its net position from the alliance's "
        "business is below minus this many risk tolerances (assumption: twice the withdrawal "
        "level, since resigning ends a partnership the partners intend to extend, 002 §2.2)",
    )
    resignation_notice_days: int = Field(
        91, ge=0, description="notice of a resignation (002 §6.6 gives none; assumption)"
    )
    removal_after_stalemates: int = Field(
        0,
        ge=0,
        description="002 §6.7: a partner proposes another's removal once that partner's blocks "
        "have stalemated this many matters (0: the document has no removal clause)",
    )


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
    rep_turnover_per_year: float = Field(0.15, ge=0.0, description="004 p.15")
    reset_share: float = Field(
        0.5, ge=0.0, le=1.0, description="trust lost with a new representative"
    )


class Escalation(Strict):
    """What the board may do when transition matters miss their deadline (001 §40-43)."""

    extension_days: int = Field(182, ge=1, description="longest extension proposed (a)")
    decision_days: int = Field(
        91, ge=1, description="time for each escalation vote: enough for one referral round"
    )
    continuation_value_m: float = Field(
        2.0,
        ge=0.0,
        description="yearly £m-equivalent value to service users of keeping the alliance: about "
        "what a year of its agreed business is worth in the default stream (5 shifts of ~£1.5m at "
        "0.45 of value per £ shifted, less costs, plus transition benefits)",
    )


class TermRules(Strict):
    """The agreement's term: its extension and its ending before the term (001 §40; 002 §2.2,
    6.2-6.3). The horizon stays the scenario's term whatever the extension decision, so designs
    stay comparable; the decision is an outcome of the run."""

    extension_years: float = Field(
        0.0,
        ge=0.0,
        description="length of the extension the board may agree (001 §40: a further seven "
        "years); 0: the document gives no extension",
    )
    extension_considered_days: int = Field(
        182,
        ge=1,
        description="the board considers the extension this many days before the term ends "
        "(002 §2.2: not less than six months)",
    )
    dispute_after_stalemates: int = Field(
        0,
        ge=0,
        description="002 §6.3: the same member blocking this many matters of the same proposer "
        "into stalemate is a dispute the board cannot resolve, and it considers termination "
        "(0: the document has no such clause)",
    )
    force_majeure_per_year: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="yearly chance of an Event of Force Majeure that renders the agreement "
        "impossible, after which the board considers termination (002 §6.2); the documents give "
        "no basis: 0 by default, 0-0.05 a plausible range",
    )


class ScenarioMeta(Strict):
    name: str
    title: str = ""
    description: str = ""
    sources: tuple[str, ...] = ()
    start: dt.date = dt.date(2016, 4, 1)
    end: dt.date = dt.date(2019, 3, 31)
    transition_end: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ScenarioMeta:
        if self.end <= self.start:
            raise ValueError("scenario.end must be after scenario.start")
        if self.transition_end is not None and not self.start <= self.transition_end <= self.end:
            raise ValueError("scenario.transition_end must fall within the term")
        return self


class Scenario(Strict):
    """A whole alliance: who is in it, how its board decides and what comes before it."""

    scenario: ScenarioMeta
    board: Board = Board()
    parties: dict[str, Party]
    matters: tuple[MatterSpec, ...] = ()
    stream: Stream = Stream()
    risk: Risk = Risk()
    membership: MembershipRules = MembershipRules()
    trust: Trust = Trust()
    escalation: Escalation = Escalation()
    host: Host = Host()
    term: TermRules = TermRules()

    @field_validator("parties")
    @classmethod
    def _some_parties(cls, value: dict[str, Party]) -> dict[str, Party]:
        if not value:
            raise ValueError("an alliance needs at least one party")
        return value

    @model_validator(mode="after")
    def _references_known(self) -> Scenario:
        known = set(self.parties)
        allowed = f"it must be one of the parties: {sorted(known)}"
        seen: set[str] = set()
        for n, m in enumerate(self.matters):
            if m.id in seen:
                raise reference_error(f"matters[{n}].id", f"matter id '{m.id}' is used twice")
            seen.add(m.id)
            if m.kind in RESERVED_KINDS and not self.stream.reserved_matters:
                raise reference_error(
                    f"matters[{n}].kind",
                    f"matter '{m.id}' is a Reserved Matter ({m.kind}), but stream.reserved_matters "
                    "is false: this alliance's commissioners hold none (002 §3.5)",
                )
            refs = [("proposer", m.proposer)] + ([("subject", m.subject)] if m.subject else [])
            refs += [(f"conflicts[{j}]", ref) for j, ref in enumerate(m.conflicts)]
            for table in ("impacts", "ideals", "pool_shares"):
                refs += [(f"{table}.{ref}", ref) for ref in getattr(m, table)]
            for field, ref in refs:
                if ref not in known:
                    raise reference_error(
                        f"matters[{n}].{field}", f"names party '{ref}', which is unknown; {allowed}"
                    )
            grounds = self.board.prohibited_grounds
            if m.prohibited and m.prohibited not in grounds:
                raise reference_error(
                    f"matters[{n}].prohibited",
                    f"names the ground '{m.prohibited}', which this agreement does not have; it "
                    f"must be one of board.prohibited_grounds: {list(grounds)}",
                )
        if self.host.party and self.host.party not in known:
            raise reference_error(
                "host.party", f"names party '{self.host.party}', which is unknown; {allowed}"
            )
        for n, ref in enumerate(self.stream.admission_subjects):
            if ref not in known:
                raise reference_error(
                    f"stream.admission_subjects[{n}]",
                    f"names party '{ref}', which is unknown; {allowed}",
                )
        for n, rel in enumerate(self.trust.relationships):
            for field in ("a", "b"):
                ref = getattr(rel, field)
                if ref not in known:
                    raise reference_error(
                        f"trust.relationships[{n}].{field}",
                        f"names party '{ref}', which is unknown; {allowed}",
                    )
        return self

    @property
    def horizon_days(self) -> int:
        return (self.scenario.end - self.scenario.start).days

    def day_of(self, date: dt.date) -> int:
        return (date - self.scenario.start).days
