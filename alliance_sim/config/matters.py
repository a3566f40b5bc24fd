"""``[[matters]]``: a matter written out by hand in a scenario, with its negotiable terms, each
party's financial effect, ideals and pool shares (000 §1.3; 001 §34, 39-43). The generated stream
(``stream.py``) makes the same.
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from .vocabulary import (
    DAY,
    DAYS,
    MONEY_YEAR,
    OBJECTIVES,
    YOURS,
    Category,
    MatterKind,
    Strict,
    doc,
)

MINE = doc(source=YOURS)
IN_TERM = doc("the term's own unit", YOURS)


class Term(Strict):
    """A negotiable term of a matter: a continuous value in [low, high] with a status quo."""

    name: str = Field(
        description="the term's id, used by impacts and ideals", json_schema_extra=MINE
    )
    label: str = Field("", description="the term as the narrative words it", json_schema_extra=MINE)
    low: float = Field(
        0.0, description="the least value the term may take", json_schema_extra=IN_TERM
    )
    high: float = Field(1.0, description="the most value it may take", json_schema_extra=IN_TERM)
    status_quo: float = Field(
        0.0, description="its value if the matter is not agreed", json_schema_extra=IN_TERM
    )
    proposed: float = Field(
        1.0, description="its value as first proposed", json_schema_extra=IN_TERM
    )

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

    mean_m: float = Field(
        0.0,
        description="the party's expected yearly financial effect if the matter is adopted",
        json_schema_extra=doc(MONEY_YEAR, YOURS),
    )
    sd_m: float = Field(
        0.0, ge=0.0, description="its uncertainty (standard deviation)",
        json_schema_extra=doc(MONEY_YEAR, YOURS),
    )  # fmt: skip
    per_term: dict[str, float] = Field(
        {}, description="£m a year added per unit of each term", json_schema_extra=MINE
    )
    sd_per_term: dict[str, float] = Field(
        {}, description="uncertainty added per unit of each term", json_schema_extra=MINE
    )
    label: str = Field(
        "", description='what the effect is, in plain words ("demand shifted to social care")',
        json_schema_extra=MINE,
    )  # fmt: skip


class Ideal(Strict):
    """A party's ideal value of one term; its utility falls with (weighted) distance from it."""

    ideal: float = Field(description="the party's ideal value of the term", json_schema_extra=MINE)
    weight: float = Field(
        1.0, ge=0.0, description="how much distance from it costs the party",
        json_schema_extra=MINE,
    )  # fmt: skip


class PoolShare(Strict):
    """A party's share of the gain/loss pool under a risk/reward scheme: base + per_term . terms."""

    base: float = Field(
        0.0,
        description="its share before the terms",
        json_schema_extra=doc("share of the pool", YOURS),
    )
    per_term: dict[str, float] = Field(
        {}, description="share added per unit of each term", json_schema_extra=MINE
    )


class MatterSpec(Strict):
    """One matter written out by hand in a scenario (the generated stream makes the same)."""

    id: str = Field(
        description="the matter's id, as the narrative names it", json_schema_extra=MINE
    )
    kind: MatterKind = Field(description="the kind of business", json_schema_extra=MINE)
    title: str = Field("", description="its title in the narrative", json_schema_extra=MINE)
    proposer: str = Field(
        description="the party (its key) that proposes it", json_schema_extra=MINE
    )
    day: int = Field(
        0, ge=0, description="the day it is proposed", json_schema_extra=doc(DAY, YOURS)
    )
    deadline_days: int = Field(
        180, ge=1, description="days from its proposal within which the board must decide it",
        json_schema_extra=doc(DAYS, YOURS),
    )  # fmt: skip
    magnitude_m: float = Field(
        0.0, ge=0.0,
        description="its size, against which each representative's delegated authority is read",
        json_schema_extra=doc(MONEY_YEAR, YOURS),
    )  # fmt: skip
    categories: tuple[Category, ...] = Field(
        (), description="its categories, against the authorities' excluded categories",
        json_schema_extra=MINE,
    )  # fmt: skip
    prohibited: str = Field(
        "",
        description="a Prohibited Matter on this ground (one of board.prohibited_grounds)",
        json_schema_extra=MINE,
    )
    urgent: bool = Field(
        False, description="a Reserved Matter decided at once (000 §3.5)", json_schema_extra=MINE
    )
    subject: str = Field(
        "",
        description="for an admission: the party to admit as a full member",
        json_schema_extra=MINE,
    )
    transition: bool = Field(
        False,
        description="a transition matter, due by the transition deadline",
        json_schema_extra=MINE,
    )
    conflicts: tuple[str, ...] = Field(
        (),
        description="partners with a conflict of interest in this matter: they compete to provide "
        "the services it concerns (000 §2.4a). Each notifies the board, which manages the conflict "
        "by recusal: it does not vote on the matter and holds no veto on it (002 §6.1)",
        json_schema_extra=MINE,
    )
    effects: dict[str, float] = Field(
        {},
        description="its £m-a-year-equivalent effect on each Alliance Objective (000 §1.2)",
        json_schema_extra=doc(MONEY_YEAR, YOURS),
    )
    effects_per_term: dict[str, dict[str, float]] = Field(
        {}, description="effect on each objective per unit of each term", json_schema_extra=MINE
    )
    terms: tuple[Term, ...] = Field((), description="its negotiable terms")
    impacts: dict[str, Impact] = Field({}, description="each party's financial effect, by key")
    ideals: dict[str, dict[str, Ideal]] = Field(
        {}, description="each party's ideal value of a term, by key and term",
        json_schema_extra=MINE,
    )  # fmt: skip
    pool_shares: dict[str, PoolShare] = Field(
        {}, description="for a risk/reward scheme: each party's share of the pool, by key"
    )

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
