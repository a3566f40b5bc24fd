"""``[[matters]]``: a matter written out by hand in a scenario, with its negotiable terms, each
party's financial effect, ideals and pool shares (000 §1.3; 001 §34, 39-43). The generated stream
(``stream.py``) makes the same.
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from .vocabulary import OBJECTIVES, Category, MatterKind, Strict


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
