"""The design a facilitator sets up: one built-in scenario, the rulebook changes made to it, a seed.

A :class:`Design` holds every choice the set-up panel offers, with the scenario's own values as
defaults, and turns into the dotted-path overrides that :func:`alliance_sim.load_scenario` checks
exactly like a scenario file. Only the choices that differ from the scenario become overrides, so
the same design can also be written on the command line
(``alliance-sim simulate mid-notts --set parties.council.membership=associate``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..config import Membership, Scenario
from ..config.loading import load_scenario
from ..registry import DECISION_RULES

RULE_LABELS: dict[str, str] = {name: rule.label for name, rule in DECISION_RULES.items()}
RULE_NOTES: dict[str, str] = {name: rule.source for name, rule in DECISION_RULES.items()}
MEMBERSHIP_LABELS: dict[str, str] = {
    Membership.FULL.value: "full",
    Membership.ASSOCIATE.value: "associate",
    Membership.NONE.value: "none",
}
MEMBERSHIP_WORDS: dict[str, str] = {
    Membership.FULL.value: "full member",
    Membership.ASSOCIATE.value: "associate (attends, no vote)",
    Membership.NONE.value: "not a member",
}


@lru_cache(maxsize=16)
def base_scenario(name: str) -> Scenario:
    """The built-in scenario as shipped (validated once, then shared: scenarios are frozen)."""
    return load_scenario(name)


@dataclass(frozen=True)
class Design:
    """Everything the set-up panel can change; values default to the scenario's own.

    ``membership``, ``threshold_m`` and ``best_for_service`` map each party's scenario key to its
    value. Build one with :meth:`of`, change it with :meth:`replace` or :meth:`with_party`.
    """

    scenario: str
    seed: int = 1
    rule: str = "unanimity"
    cadence_days: int = 28
    membership: dict[str, str] = field(default_factory=dict)
    threshold_m: dict[str, float] = field(default_factory=dict)
    best_for_service: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, scenario: str, seed: int = 1) -> Design:
        """The scenario's own design, with a seed."""
        base = base_scenario(scenario)
        parties = base.parties
        return cls(
            scenario=scenario,
            seed=int(seed),
            rule=str(base.board.rule),
            cadence_days=base.board.cadence_days,
            membership={k: str(p.membership) for k, p in parties.items()},
            threshold_m={k: p.authority.threshold_m for k, p in parties.items()},
            best_for_service={k: p.best_for_service for k, p in parties.items()},
        )

    @property
    def base(self) -> Scenario:
        return base_scenario(self.scenario)

    def replace(self, **changes: Any) -> Design:
        return dataclasses.replace(self, **changes)

    def with_party(self, key: str, **values: Any) -> Design:
        """A copy with one party's ``membership``, ``threshold_m`` or ``best_for_service`` set."""
        changes = {}
        for name, value in values.items():
            table = dict(getattr(self, name))
            table[key] = value
            changes[name] = table
        return dataclasses.replace(self, **changes)

    def overrides(self) -> dict[str, Any]:
        """Dotted-path overrides for the choices that differ from the scenario's own."""
        base = self.base
        out: dict[str, Any] = {}
        if self.rule != str(base.board.rule):
            out["board.rule"] = self.rule
        if self.cadence_days != base.board.cadence_days:
            out["board.cadence_days"] = int(self.cadence_days)
        for key, party in base.parties.items():
            membership = self.membership.get(key, str(party.membership))
            if membership != str(party.membership):
                out[f"parties.{key}.membership"] = membership
            threshold = float(self.threshold_m.get(key, party.authority.threshold_m))
            if abs(threshold - party.authority.threshold_m) > 1e-12:
                out[f"parties.{key}.authority.threshold_m"] = threshold
            bfs = float(self.best_for_service.get(key, party.best_for_service))
            if abs(bfs - party.best_for_service) > 1e-12:
                out[f"parties.{key}.best_for_service"] = bfs
        return out

    def load(self) -> Scenario:
        """The validated scenario of this design (raises ``InputError`` on a bad value)."""
        return load_scenario(self.scenario, self.overrides() or None)

    def changes(self) -> list[str]:
        """The design's departures from the scenario, in words, for labels and the compare view."""
        base = self.base
        words: list[str] = []
        if self.rule != str(base.board.rule):
            words.append(f"decision rule: {RULE_LABELS.get(self.rule, self.rule).lower()}")
        if self.cadence_days != base.board.cadence_days:
            words.append(f"board meets every {self.cadence_days} days")
        for key, party in base.parties.items():
            name = party.name
            membership = self.membership.get(key, str(party.membership))
            if membership != str(party.membership):
                words.append(f"{name}: {MEMBERSHIP_WORDS[membership]}")
            threshold = float(self.threshold_m.get(key, party.authority.threshold_m))
            if abs(threshold - party.authority.threshold_m) > 1e-12:
                words.append(f"{name}: delegated authority £{threshold:.2f}m")
            bfs = float(self.best_for_service.get(key, party.best_for_service))
            if abs(bfs - party.best_for_service) > 1e-12:
                words.append(f"{name}: best-for-service weight {bfs:.2f}")
        return words

    def label(self) -> str:
        """A one-line description: the changes, or "as the scenario says"."""
        return "; ".join(self.changes()) or "as the scenario says"
