"""``[board]``: the Alliance Leadership Board's procedure: its decision rule, calendar, agenda,
amendments and Prohibited Matters (000 §3.2-3.3; 001 §45, 47; 002 §3.4).
"""

from __future__ import annotations

from pydantic import Field, field_validator

from ..registry import DECISION_RULES, PROHIBITED_GROUNDS
from .vocabulary import COUNT, DAY, DAYS, MOST_DAYS_APART, SETTING, SHARE, Strict, days_apart, doc


class Board(Strict):
    """The Alliance Leadership Board's procedure.

    ``amendment_step`` is the relaxation of each amendment (1 = move the terms all the way to what
    the blockers' concerns ask for, as seen by the chair; below 1 = a partial concession). The
    documents require the board to "find a solution to the area of concern" (001 §47) but do not
    say how fast; 1.0 is the default.
    """

    rule: str = Field(
        "unanimity",
        description="how the board decides, a registered decision rule (board/rules.py): "
        "unanimity (every full member has a veto, 001 §47; 003), or the counterfactuals "
        "best_for_service and qualified_majority, which no document has",
        json_schema_extra=doc(source="001 §47"),
    )
    qualified_majority: float = Field(
        0.75,
        gt=0.5,
        le=1.0,
        description="under the counterfactual qualified_majority rule, the share of full "
        "members' votes that carries a matter",
        json_schema_extra=doc(SHARE, SETTING),
    )
    cadence_days: int = days_apart(
        28, least=1, description="days between board meetings", json_schema_extra=doc(DAYS)
    )
    first_meeting_day: int = Field(
        0,
        ge=0,
        le=10 * MOST_DAYS_APART,
        description="the day of the board's first meeting",
        json_schema_extra=doc(DAY),
    )
    notice_days: int = days_apart(
        7,
        description="notice a matter needs before the meeting that takes it (000 §3.2.1: as much "
        "as reasonably possible): its proposer gives notice this many days ahead",
        json_schema_extra=doc(DAYS),
    )
    max_agenda: int = Field(
        12,
        ge=1,
        description="the most matters one meeting takes; the rest wait for the next",
        json_schema_extra=doc(COUNT),
    )
    amendment_step: float = Field(
        1.0,
        gt=0.0,
        lt=2.0,
        description="how far each amendment moves the terms toward what the blockers' concerns "
        "ask for: 1 all the way, below 1 a partial concession (001 §47 asks the board to find a "
        "solution, not how fast)",
        json_schema_extra=doc("share of the way (1: all the way)"),
    )
    chair_proposes_after: int = Field(
        3,
        ge=1,
        description="after this many blocks of a matter by concessions alone, the chair decides "
        "exactly whether terms exist that every full member prefers: it proposes them if they "
        "do, and the matter is stalemated if they do not. 001 §47 asks the board to find a "
        "solution to the concern but not how; three rounds is an assumption",
        json_schema_extra=doc(COUNT),
    )
    smallest_amendment: float = Field(
        0.005,
        ge=0.0,
        lt=0.5,
        description="an amendment that moves no term by this share of its range or more is no new "
        "proposal (the documents give no figure; half a percent of a range is below what a board "
        "paper would show); the matter then has nothing left to negotiate",
        json_schema_extra=doc(SHARE),
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
        json_schema_extra=doc(source="000 §3.3"),
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
        json_schema_extra=doc("share of the commissioners' budgets a year"),
    )

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, value: str) -> str:
        return DECISION_RULES.check(value)

    @field_validator("prohibited_grounds")
    @classmethod
    def _known_grounds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(PROHIBITED_GROUNDS.check(g) for g in value)
