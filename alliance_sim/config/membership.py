"""``[membership]``: how membership changes over the term: notice, the council's response to a
refused admission, withdrawal, resignation and removal (001 §39, 42; 002 §6.5-6.7).
"""

from __future__ import annotations

from pydantic import Field

from .vocabulary import Strict


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
