"""Decision rules of the board, registered by name.

Votes arrive as masks of parties (``partyset.py``). ``unanimity`` is what the agreements say (001 §47; 002 §5.3.4; 003): any one full member blocks.
``best_for_service`` reads 000 §1.4 and 3.1 as a rule: a matter passes when it improves the system
as a whole; members' own views are recorded as dissent but cannot block (a Prohibited Matter,
000 §3.3, is void under every rule). ``qualified_majority`` is a counterfactual for experiments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .config import Board, DecisionRule


@dataclass(frozen=True, slots=True)
class Verdict:
    passed: bool
    blockers: int  # mask of the parties whose concerns an amendment must address
    system: bool = False  # the concern is the system's (best_for_service), not a member's


class Rule(Protocol):
    name: str

    def decide(self, voters: int, yes: int, system_surplus: float) -> Verdict: ...


@dataclass(frozen=True, slots=True)
class Unanimity:
    name: str = "unanimity"

    def decide(self, voters: int, yes: int, system_surplus: float) -> Verdict:
        no = voters & ~yes
        return Verdict(voters != 0 and not no, no)


@dataclass(frozen=True, slots=True)
class BestForService:
    name: str = "best_for_service"

    def decide(self, voters: int, yes: int, system_surplus: float) -> Verdict:
        return Verdict(voters != 0 and system_surplus > 0, 0, system=True)


@dataclass(frozen=True, slots=True)
class QualifiedMajority:
    threshold: float = 0.75
    name: str = "qualified_majority"

    def decide(self, voters: int, yes: int, system_surplus: float) -> Verdict:
        count = voters.bit_count()
        passed = count > 0 and (voters & yes).bit_count() / count >= self.threshold - 1e-12
        return Verdict(passed, voters & ~yes)


def make_rule(board: Board) -> Rule:
    """The rule object named by ``board.rule``."""
    if board.rule is DecisionRule.UNANIMITY:
        return Unanimity()
    if board.rule is DecisionRule.BEST_FOR_SERVICE:
        return BestForService()
    return QualifiedMajority(board.qualified_majority)
