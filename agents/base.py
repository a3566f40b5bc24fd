"""A party to the alliance: its objectives, delegated authority, home body and membership.

Sources: membership levels (001 §33-35); Best for Service (000 §1.4, 3.1); delegated authority
declared in advance and referral to the home Board or Governing Body (000 §3.2; 002 §5.4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from alliance_sim.config import OBJECTIVES, Membership
from alliance_sim.config import Party as PartyConfig

if TYPE_CHECKING:
    from alliance_sim.matters import Matter


class Party(mesa.Agent):
    """One organisation at the board table, represented by one person."""

    kind: str = "party"
    #: How the organisation's own board is usually called, for the narrative.
    home_body_noun: str = "board"

    def __init__(self, model: mesa.Model, key: str, config: PartyConfig, index: int) -> None:
        super().__init__(model)
        self.key = key
        self.index = index
        self.config = config
        self.name = config.name
        self.sector = str(config.sector)
        self.membership = Membership(config.membership)
        self.budget_m = config.budget_m
        self.risk_tolerance_m = config.risk_tolerance_m
        self.best_for_service = config.best_for_service
        self.authority = config.authority
        self.home_body = config.home_body

    @property
    def objective_weights(self) -> dict[str, float]:
        """How much the organisation values each Alliance Objective (000 §1.2 a-g), £m-equivalent."""
        return dict(zip(OBJECTIVES, self.config.weights.objective_vector(), strict=True))

    @property
    def votes(self) -> bool:
        """Only full members vote (001 §33, 35)."""
        return self.membership is Membership.FULL

    def authority_gap(self, matter: Matter) -> str:
        """Why the representative lacks authority, in words a workshop room can read."""
        parts = []
        excluded = [
            c
            for c in matter.categories
            if c in {str(x) for x in self.authority.excluded_categories}
        ]
        if excluded:
            parts.append(
                f"the matter is {' and '.join(excluded)}, which its delegated authority excludes"
            )
        if matter.magnitude > self.authority.threshold_m:
            parts.append(
                f"£{matter.magnitude:.2f}m exceeds its £{self.authority.threshold_m:.2f}m limit"
            )
        return "; ".join(parts) or "its authority does not cover it"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.key} ({self.membership})>"
