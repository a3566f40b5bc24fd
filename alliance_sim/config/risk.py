"""``[risk]`` and ``[host]``: outcomes of adopted matters, the KPI levels of each key result area,
the risk/reward pool, the costs of taking part (000 §2.2d; 003; 004 pp.6-8), and the host
partner's recovered costs (002 §5.1-5.2, 6.4).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, AllowInfNan, Field, field_validator, model_validator

from .vocabulary import (
    ASSUMED,
    DAY,
    DAYS,
    MONEY_YEAR,
    OBJECTIVES,
    PER_YEAR,
    SETTING,
    SHARE,
    TIMES,
    YOURS,
    Strict,
    doc,
)

ASSUMED_DOC = doc(source=ASSUMED)


def _a_number(value: float) -> float:
    if value != value:
        raise ValueError("is nan; give a number (or -inf for the lowest level: any score)")
    return value


#: A KPI level's least score: any number, or ``-inf`` for the lowest level (every score reaches
#: it), the one infinite number a scenario may hold.
Threshold = Annotated[float, AllowInfNan(True), AfterValidator(_a_number)]
MINE = doc(source=YOURS)


class KpiLevel(Strict):
    """One performance level (004 pp.6-8), best first in ``risk.levels``.

    A result area reaches the level when its score is at least its threshold (``min_score``, or
    the area's own ``min_scores``). The level's ``pooled_fraction`` and ``pools`` say what it
    contributes to the share paid: each full member pays the combined fraction of its realised
    direct effect into the pool, which is then paid out by the agreed shares, but a level counts
    only if the full members' realised net has the sign it ``pools``: ``gains`` (gainshare after
    better-than-expected performance, 004 p.8), ``losses`` (painshare when KPIs are missed) or
    ``both``."""

    name: str = Field(description="the level's name (004 pp.6-8)", json_schema_extra=ASSUMED_DOC)
    min_score: Threshold | None = Field(
        None,
        description="the score an area needs to reach the level, for areas without their own "
        "min_scores: the period's net system value as a share of full members' budgets a year",
        json_schema_extra=doc("share of budgets", ASSUMED),
    )
    pooled_fraction: float = Field(
        ge=0.0,
        le=1.0,
        description="the share of each full member's realised effect paid into the pool at "
        "this level (004 gives none)",
        json_schema_extra=doc(SHARE, ASSUMED),
    )
    pools: str = Field(
        "both",
        pattern="^(gains|losses|both)$",
        description="which realised net the level pools: gains (gainshare, 004 p.8), losses "
        "(painshare) or both",
        json_schema_extra=ASSUMED_DOC,
    )


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

    name: str = Field(min_length=1, description="the area's name", json_schema_extra=MINE)
    objectives: tuple[str, ...] = Field(
        (),
        description="the Alliance Objectives it covers (000 §1.2: outcomes, seamless, "
        "accessible, local, prevention, sustainability, choice)",
        json_schema_extra=MINE,
    )
    finance: bool = Field(
        False,
        description="whether it counts the full members' realised money less demand growth",
        json_schema_extra=MINE,
    )
    weight: float = Field(
        1.0,
        gt=0.0,
        le=100.0,
        description="its part in the average combination (risk.combine)",
        json_schema_extra=doc("relative weight", ASSUMED),
    )
    min_scores: tuple[Threshold, ...] | None = Field(
        None,
        description="its own thresholds, one per KPI level, best first (python -m "
        "alliance_sim.calibration SCENARIO calibrates them); none: the levels' min_score",
        json_schema_extra=doc("share of budgets", ASSUMED),
    )
    source: str = Field(
        "", description="the document that lists the area, or why it is assumed",
        json_schema_extra=MINE,
    )  # fmt: skip

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


class Scheme(Strict):
    """The alliance's risk/reward scheme: how the full members share gains and losses, and how
    it comes about (000 §2.2d; 001 §33, 43c; 003 "Risk/reward mechanism", Schedule 4; 004 pp.7-8,
    15: "all financial arrangements must be unanimously agreed in advance").

    ``status``: ``none`` (no scheme: each party keeps its own effects, e.g. Walsall, 002 §7.4);
    ``agreed`` (agreed before the term starts, with its ``shares``: pooling from day 0);
    ``negotiated`` (proposed by ``proposer`` on ``day`` and decided by the board unanimously, under
    every decision rule, like any scheme, 001 §33; 004 p.15: "discuss and agree risk share
    early"); ``transition`` (one of the transition activities, due by the transition deadline,
    001 §43c: needs ``scenario.transition_end``). Until a scheme is agreed nothing is pooled
    (``risk.default_split`` has the counterfactual alternatives).
    """

    status: str = Field(
        "none",
        pattern="^(none|agreed|negotiated|transition)$",
        description="none, agreed (from day 0 with its shares), negotiated (tabled early and "
        "decided unanimously) or transition (a transition activity, 001 §43c)",
        json_schema_extra=MINE,
    )
    shares: dict[str, float] = Field(
        {},
        description="agreed: each full member's share of the pool (any scale; renormalised over "
        "the full members, and a full member named here with no share takes its budget share)",
        json_schema_extra=doc("relative share", YOURS),
    )
    day: int = Field(
        0,
        ge=0,
        description="negotiated: the day it is proposed (days from start)",
        json_schema_extra=doc(DAY),
    )
    proposer: str = Field(
        "",
        description="negotiated: the party that proposes it; empty: the first commissioner (004 "
        "p.6: the commissioner sets the mandate and 'the risk strategy and the risk share')",
        json_schema_extra=doc(source="004 p.6"),
    )
    deadline_days: int = Field(
        180,
        ge=1,
        description="negotiated: days the board has to agree it",
        json_schema_extra=doc(DAYS),
    )

    @field_validator("shares")
    @classmethod
    def _non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        bad = sorted(k for k, v in value.items() if not v >= 0 or v == float("inf"))
        if bad:
            raise ValueError(f"shares must be 0 or more and finite; not for {bad}")
        return value


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

    period_days: int = Field(
        91,
        ge=7,
        le=366,
        description="a quarter: KPI reporting is quarterly (at least yearly)",
        json_schema_extra=doc(DAYS),
    )
    levels: tuple[KpiLevel, ...] = Field(
        default_factory=_default_levels,
        description="the KPI levels, best first (004 pp.6-8: game-breaking, stretch, minimum, "
        "poor, failure)",
    )
    result_areas: tuple[ResultArea, ...] = Field(
        default_factory=_alliance_wide,
        min_length=1,
        description="the key result areas, each scored against the levels on its own (004 p.7); "
        "none given: one alliance-wide area",
    )
    combine: str = Field(
        "average",
        pattern="^(average|weakest)$",
        description="how the areas' levels combine into the share pooled (004 gives no rule): "
        "average (each area contributes its level's fraction, by weight) or weakest (the worst "
        "area's level sets it)",
        json_schema_extra=doc(),
    )
    scheme: Scheme = Field(
        Scheme(),
        description="the risk/reward scheme: whether there is one and how it comes about",
    )
    default_split: str = Field(
        "none",
        pattern="^(none|budget|equal)$",
        description="pooling before a scheme is agreed: none (001 §33; 004 p.7), or the "
        "counterfactual budget or equal split from day 1",
        json_schema_extra=doc(source=SETTING),
    )
    demand_growth: float = Field(
        0.002,
        ge=0.0,
        description="yearly demand growth the alliance must absorb, share of budget",
        json_schema_extra=doc("share of budgets a year"),
    )
    participation_cost_m: float = Field(
        0.05,
        ge=0.0,
        description="a full member's yearly cost of taking part (003), £m",
        json_schema_extra=doc(MONEY_YEAR),
    )
    participation_cost_max_share: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="no member's yearly cost of taking part exceeds this share of its budget in "
        "scope: a small body sends a part-time or less senior representative (003 leaves each "
        "party to bear its own costs without a figure; an assumption)",
        json_schema_extra=doc("share of its budget"),
    )
    associate_cost_share: float = Field(
        0.4,
        ge=0.0,
        le=1.0,
        description="an associate's cost of taking part, share of a full one",
        json_schema_extra=doc("share of a full member's cost"),
    )
    outcome_noise: float = Field(
        1.0,
        ge=0.0,
        description="scales the sd of realised effects (1 = as each matter states)",
        json_schema_extra=doc(TIMES),
    )
    funding_shocks_per_year: float = Field(
        0.25,
        ge=0.0,
        le=12.0,
        description="national or local policy/funding changes (001 §42); at most one a month",
        json_schema_extra=doc(PER_YEAR),
    )
    funding_shock_share: float = Field(
        0.0075,
        ge=0.0,
        description="mean yearly cost a funding shock imposes on the party it hits, as a share of "
        "its budget in scope (0.0075: about £0.5m on the mean mid-notts budget of £67m)",
        json_schema_extra=doc("share of its budget a year"),
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

    party: str = Field(
        "",
        description="the host partner, a party key; empty: no host",
        json_schema_extra=doc(source=YOURS),
    )
    admin_cost_m: float = Field(
        0.0,
        ge=0.0,
        description="the host's agreed yearly management and admin costs, £m",
        json_schema_extra=doc(MONEY_YEAR),
    )
    recovery: str = Field(
        "budget",
        pattern="^(budget|equal)$",
        description="how the partners share the host's costs: by budget in scope, or equally",
        json_schema_extra=doc(),
    )

    @model_validator(mode="after")
    def _a_cost_needs_a_host(self) -> Host:
        if self.admin_cost_m > 0 and not self.party:
            raise ValueError("host.admin_cost_m is set but host.party names no host partner")
        return self
