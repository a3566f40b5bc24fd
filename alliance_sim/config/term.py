"""``[escalation]`` and ``[term]``: what the board may do when the transition deadline is missed
(001 §40-43), the agreement's extension, and its ending before the term (001 §40; 002 §2.2,
6.2-6.3).
"""

from __future__ import annotations

from pydantic import Field

from .vocabulary import Strict


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
