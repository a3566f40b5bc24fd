"""Decision rules of the board, registered by name (``board.rule`` in a scenario).

Votes arrive as masks of parties (``partyset.py``). Each rule is a small class registered in
``DECISION_RULES`` with its label, where it comes from and whether any document has it; the
scenario schema, the CLI and the workshop read the registry, so a new rule is one class here.

- ``unanimity`` is what the agreements say (001 §47; 002 §5.3.4; 003): any one full member blocks.
- ``best_for_service`` reads 000 §1.4 and 3.1 as a rule: a matter passes when it improves the
  system as a whole; members' own views are recorded as dissent but cannot block. A
  counterfactual: the documents make best for service a duty of members deciding unanimously.
- ``qualified_majority`` (a share of full members, ``board.qualified_majority``) is a
  counterfactual for experiments.

A Prohibited Matter (000 §3.3) is void under every rule, and the decisions the documents make
unanimous in terms (``UNANIMOUS_KINDS``) stay unanimous under a counterfactual rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from ..config import Board, MatterKind
from ..registry import DECISION_RULES


@dataclass(frozen=True, slots=True)
class Verdict:
    passed: bool
    blockers: int  # mask of the parties whose concerns an amendment must address
    system: bool = False  # the concern is the system's (best_for_service), not a member's


class Rule(Protocol):
    name: ClassVar[str]
    label: ClassVar[str]  # for people: "Unanimity"
    source: ClassVar[str]  # what it does and where it comes from
    counterfactual: ClassVar[bool]  # no alliance document has it
    #: one member's no blocks whatever the others say (so a no cast while others still wait for
    #: their home bodies is a block at once, and the board amends without waiting)
    veto: ClassVar[bool]

    def decide(self, voters: int, yes: int, system_surplus: float) -> Verdict: ...


#: Decisions the documents require the full members to take unanimously whatever rule the board
#: otherwise follows: admitting a member (001 §39: "subject to the unanimous agreement of all
#: partners"; 002 §6.5), allowing more time for transition (001 §40a: "acting unanimously"), the
#: risk/reward scheme (001 §33: "all partners being in unanimous agreement of ... how this will
#: operate"; 004 p.7), reconfiguring the alliance, since no participant can be compelled (001 §41):
#: a member asked to step back must consent, varying the agreement ("All Variations must be agreed
#: by all partners", 002 §6.8), and extending the agreement's term (001 §40: the parties' option;
#: 002 §2.2). A counterfactual rule changes how the board decides its business, not these.
UNANIMOUS_KINDS = frozenset(
    {
        MatterKind.ADMISSION,
        MatterKind.TRANSITION_EXTENSION,
        MatterKind.RISK_REWARD,
        MatterKind.RECONFIGURATION,
        MatterKind.AGREEMENT_VARIATION,
        MatterKind.TERM_EXTENSION,
    }
)


def make_rule(board: Board) -> Rule:
    """The rule object named by ``board.rule``."""
    return DECISION_RULES[board.rule].of(board)


def rules_help() -> str:
    """The decision rules for a reader choosing one (CLI help, ``alliance-sim scenarios``): which
    is the documents' own and which are counterfactuals no alliance document has."""
    own = [n for n, r in DECISION_RULES.items() if not r.counterfactual]
    other = [n for n, r in DECISION_RULES.items() if r.counterfactual]
    return (
        f"board.rule={'|'.join(DECISION_RULES.names())}: {', '.join(own)} is the agreements' own "
        f"rule; {' and '.join(other)} are counterfactuals that no alliance document has, for "
        "experiments only (admission, the transition extension and the risk/reward scheme stay "
        "unanimous under them)"
    )


def counterfactual_note(name: str) -> str | None:
    """A sentence labelling rule ``name`` as a counterfactual, with its source; None for a rule
    the documents have."""
    rule = DECISION_RULES[name]
    if not rule.counterfactual:
        return None
    return f"{name} is a counterfactual decision rule that no alliance document has: {rule.source}"


def rule_for(kind: MatterKind, rule: Rule, board: Board) -> Rule:
    """The rule a matter of ``kind`` is decided by, on a board that follows ``rule``."""
    if kind in UNANIMOUS_KINDS and not rule.veto:
        return DECISION_RULES["unanimity"].of(board)
    return rule


@DECISION_RULES.register("unanimity")
@dataclass(frozen=True, slots=True)
class Unanimity:
    name: ClassVar[str] = "unanimity"
    label: ClassVar[str] = "Unanimity"
    source: ClassVar[str] = "any full member can block (001 §47; 002 §5.3.4; 003)"
    counterfactual: ClassVar[bool] = False
    veto: ClassVar[bool] = True

    @classmethod
    def of(cls, board: Board) -> Unanimity:
        return cls()

    def decide(self, voters: int, yes: int, system_surplus: float) -> Verdict:
        no = voters & ~yes
        return Verdict(voters != 0 and not no, no)


@DECISION_RULES.register("best_for_service")
@dataclass(frozen=True, slots=True)
class BestForService:
    name: ClassVar[str] = "best_for_service"
    label: ClassVar[str] = "Best for service"
    source: ClassVar[str] = (
        "passes when the system as a whole gains (a counterfactual reading of 000 §1.4, 3.1)"
    )
    counterfactual: ClassVar[bool] = True
    veto: ClassVar[bool] = False

    @classmethod
    def of(cls, board: Board) -> BestForService:
        return cls()

    def decide(self, voters: int, yes: int, system_surplus: float) -> Verdict:
        return Verdict(voters != 0 and system_surplus > 0, 0, system=True)


@DECISION_RULES.register("qualified_majority")
@dataclass(frozen=True, slots=True)
class QualifiedMajority:
    threshold: float = 0.75
    name: ClassVar[str] = "qualified_majority"
    label: ClassVar[str] = "Qualified majority"
    source: ClassVar[str] = (
        "passes with the scenario's share of full members (board.qualified_majority); "
        "a counterfactual"
    )
    counterfactual: ClassVar[bool] = True
    veto: ClassVar[bool] = False

    @classmethod
    def of(cls, board: Board) -> QualifiedMajority:
        return cls(board.qualified_majority)

    def decide(self, voters: int, yes: int, system_surplus: float) -> Verdict:
        count = voters.bit_count()
        passed = count > 0 and (voters & yes).bit_count() / count >= self.threshold - 1e-12
        return Verdict(passed, voters & ~yes)
