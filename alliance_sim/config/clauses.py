"""``[clauses]``: the alliance's own clause for each rule the model applies, as its reasons cite it.

Every reason, narrative line and matter title that names a clause takes it from here, never from
a constant in code, so that each alliance's story cites its own agreement: Walsall's notice of
business is 002 §5.4.1, Mid-Notts' 000 §3.2.1 and 001 §46. A rule the model applies but the
alliance's documents have no clause for is left out of its table and cites nothing; a lesson its
documents draw from elsewhere (a report's general advice, say) is written ``{ lesson = "004
p.15" }`` and printed as "a general lesson of 004 p.15", never as the alliance's own clause.

The keys are :class:`Clause` (what each cites is in ``WHAT``): an unknown key is an input error
listing the known ones, and a key left out cites nothing.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field, RootModel

from ..errors import echo
from .vocabulary import Strict

#: Longest citation: a clause or two, never a paragraph.
LONGEST = 120


class Clause(StrEnum):
    """The rules whose clause a reason cites, one key each in ``[clauses]``."""

    NOTICE = "notice"
    CHAIR = "chair"
    ASSOCIATES = "associates"
    RESERVED = "reserved"
    COMMISSIONING_OUTSIDE = "commissioning_outside"
    BREACH = "breach"  # a Prohibited Matter's ground, as ``board.prohibited_grounds`` names it
    COMMISSIONER_MONEY = "commissioner_money"  # likewise
    RECUSAL = "recusal"
    POLICY_CHANGE = "policy_change"
    WITHDRAWAL = "withdrawal"
    RESIGNATION = "resignation"
    ADMISSION = "admission"
    REFUSED_ADMISSION = "refused_admission"
    REMOVAL = "removal"
    AGREEMENT_VARIATION = "agreement_variation"
    TRANSITION = "transition"
    TRANSITION_ESCALATION = "transition_escalation"
    MORE_TIME = "more_time"
    RECONFIGURATION = "reconfiguration"
    STEPPING_BACK = "stepping_back"
    NO_RECONFIGURATION = "no_reconfiguration"
    COMMISSIONERS_FRAMEWORK = "commissioners_framework"
    DISSOLUTION = "dissolution"
    CAPITATION = "capitation"
    OUTCOME_PAYMENT = "outcome_payment"
    RISK_REWARD_SCHEME = "risk_reward_scheme"
    CARE_DESIGN_GROUPS = "care_design_groups"
    RISK_SHARING = "risk_sharing"
    TERM_EXTENSION = "term_extension"
    DISPUTE = "dispute"
    FORCE_MAJEURE = "force_majeure"
    HOST_RECOVERY = "host_recovery"
    NEW_REPRESENTATIVE = "new_representative"


#: What each key cites: the rule the model applies where the citation is printed.
WHAT: dict[Clause, str] = {
    Clause.NOTICE: "business is given notice so that representatives can seek their home "
    "bodies' approval before the board meets",
    Clause.CHAIR: "the chair proposes terms every full member prefers, to resolve the concern "
    "that keeps a member from agreeing",
    Clause.ASSOCIATES: "associate members are consulted and speak, without a vote",
    Clause.RESERVED: "the commissioners decide a Reserved Matter alone",
    Clause.COMMISSIONING_OUTSIDE: "commissioning arrangements are unchanged: the commissioners "
    "take their own decisions outside the alliance",
    Clause.BREACH: "Prohibited Matters: no decision may make a member breach the law, a "
    "regulatory requirement or its licence",
    Clause.COMMISSIONER_MONEY: "Prohibited Matters: no decision may require the commissioners "
    "to invest further monies",
    Clause.RECUSAL: "a partner with a conflict of interest notifies the board, which manages it",
    Clause.POLICY_CHANGE: "a national or local policy or funding change hits a member",
    Clause.WITHDRAWAL: "a member withdraws on notice after a material policy change",
    Clause.RESIGNATION: "a partner resigns to the board",
    Clause.ADMISSION: "a new member is admitted",
    Clause.REFUSED_ADMISSION: "the proposer's right to leave or step back when the organisation "
    "it proposed is refused",
    Clause.REMOVAL: "a partner proposes another's removal, with reasons",
    Clause.AGREEMENT_VARIATION: "a partner gives notice of a variation of the agreement itself",
    Clause.TRANSITION: "the transition activities, due by the transition deadline",
    Clause.TRANSITION_ESCALATION: "the board decides what follows a missed transition deadline",
    Clause.MORE_TIME: "the board allows more time for transition",
    Clause.RECONFIGURATION: "the board reconfigures the alliance",
    Clause.STEPPING_BACK: "a member steps back under a reconfiguration, which no one can be "
    "compelled to accept",
    Clause.NO_RECONFIGURATION: "no reconfiguration is possible, so the alliance ends",
    Clause.COMMISSIONERS_FRAMEWORK: "the alliance is a framework for the commissioners' services "
    "contracts",
    Clause.DISSOLUTION: "the alliance is dissolved when transition is not agreed",
    Clause.CAPITATION: "the transition activity: a capitated payment mechanism",
    Clause.OUTCOME_PAYMENT: "the transition activity: outcomes-based payment",
    Clause.RISK_REWARD_SCHEME: "the risk/reward scheme the members agree",
    Clause.CARE_DESIGN_GROUPS: "the transition activity: care design groups",
    Clause.RISK_SHARING: "full members share gains and pains by the scheme they agreed",
    Clause.TERM_EXTENSION: "the board decides whether to extend the agreement beyond its term",
    Clause.DISPUTE: "the board may terminate the agreement if a dispute cannot be resolved",
    Clause.FORCE_MAJEURE: "the board may terminate the agreement after an Event of Force Majeure",
    Clause.HOST_RECOVERY: "the host partner recovers its costs of hosting",
    Clause.NEW_REPRESENTATIVE: "a new representative means revisiting earlier work",
}


class Lesson(Strict):
    """A lesson the alliance's documents draw from elsewhere, not a clause of its own."""

    lesson: str = Field(min_length=1, max_length=LONGEST, description="where it is written")


def _citation(value: object) -> object:
    """A clause as a non-empty string, or ``{ lesson = "..." }``; anything else is one clear
    error rather than one per shape a citation could have."""
    if isinstance(value, Lesson):
        return value
    if isinstance(value, dict) and set(value) == {"lesson"}:
        where = value["lesson"]
        if isinstance(where, str) and 0 < len(where.strip()) <= LONGEST:
            return Lesson(lesson=where)
    elif isinstance(value, str) and 0 < len(value.strip()) <= LONGEST:
        return value
    raise ValueError(
        f"has value {echo(value)}; a citation is the alliance's own clause as text (e.g. "
        f'"002 §5.4.1") or a general lesson written {{ lesson = "004 p.15" }}, at most '
        f"{LONGEST} characters; leave the key out where the alliance has no clause for it"
    )


#: The alliance's own clause ("002 §5.4.1"), or a general lesson.
Citation = Annotated[str | Lesson, BeforeValidator(_citation)]


class Clauses(RootModel[dict[Clause, Citation]]):
    """The alliance's clause for each :class:`Clause` it has one for."""

    model_config = ConfigDict(frozen=True)
    root: dict[Clause, Citation] = Field(
        default_factory=dict,
        description="one key per rule (" + ", ".join(Clause) + "); a rule without a clause in "
        "this alliance's documents is left out and cites nothing",
    )

    def of(self, key: Clause) -> str:
        """The citation of ``key`` as a reason prints it, or "" where the alliance has none."""
        cited = self.root.get(key)
        if cited is None:
            return ""
        return cited if isinstance(cited, str) else f"a general lesson of {cited.lesson}"

    def cite(self, key: Clause, lead: str = "") -> str:
        """`` (lead, citation)`` to follow a sentence: the lead alone where the alliance has no
        clause for ``key``, and nothing at all where it has neither."""
        words = ", ".join(part for part in (lead, self.of(key)) if part)
        return f" ({words})" if words else ""
