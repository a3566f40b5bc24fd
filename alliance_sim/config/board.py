"""``[board]``: the Alliance Leadership Board's procedure: its decision rule, calendar, agenda,
amendments and Prohibited Matters (000 §3.2-3.3; 001 §45, 47; 002 §3.4).
"""

from __future__ import annotations

from pydantic import Field, field_validator

from ..registry import DECISION_RULES, PROHIBITED_GROUNDS
from .vocabulary import MOST_DAYS_APART, Strict, days_apart


class Board(Strict):
    """The Alliance Leadership Board's procedure.

    ``amendment_step`` is the relaxation of each amendment (1 = move the terms all the way to what
    the blockers' concerns ask for, as seen by the chair; below 1 = a partial concession). The
    documents require the board to "find a solution to the area of concern" (001 §47) but do not
    say how fast; 1.0 is the default.
    """

    rule: str = Field("unanimity", description="a registered decision rule (rules.py)")
    qualified_majority: float = Field(0.75, gt=0.5, le=1.0)
    cadence_days: int = days_apart(28, least=1)
    first_meeting_day: int = Field(0, ge=0, le=10 * MOST_DAYS_APART)
    notice_days: int = days_apart(7)
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

    commissioner_headroom_share: float = Field(
        0.005,
        ge=0.0,
        le=0.05,
        description="000 §3.3 c forbids decisions that 'require the Commissioner Participants to "
        "invest further monies': money beyond what they have committed, not any cost at all. "
        "Their committed envelope is modelled as headroom within the agreed contract values, this "
        "share of the commissioners' budgets in scope a year; the business the board agrees uses "
        "it up (its cost to them a year at the terms agreed), and only what needs money beyond "
        "what is left is void. Assumption: no document gives a figure; half of one per cent "
        "(range 0-2%: from contracts with no margin to a contingency of a few per cent)",
    )

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, value: str) -> str:
        return DECISION_RULES.check(value)

    @field_validator("prohibited_grounds")
    @classmethod
    def _known_grounds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(PROHIBITED_GROUNDS.check(g) for g in value)
