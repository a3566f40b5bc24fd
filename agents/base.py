"""A party to the alliance: its objectives, delegated authority, home body and membership, and the
decisions it takes as an organisation (to withdraw, to respond to a refusal).

Sources: membership levels (001 §33-35); Best for Service (000 §1.4, 3.1); delegated authority
declared in advance and referral to the home Board or Governing Body (000 §3.2; 002 §5.4);
withdrawal after a material policy change (001 §42); resignation and proposing another's
removal (002 §6.6-6.7); stepping back when the alliance is reconfigured (001 §40b, 41).

How the parties value matters and vote, all at once, is in ``valuation.py`` and ``voting.py``;
each kind of party feeds them its own parameters through the class methods below, which a kind
overrides where the documents make it differ. A new kind is one module in ``agents/``: a subclass
registered with ``@PARTY_KINDS.register("name")`` and imported in ``agents/__init__.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import mesa

from alliance_sim.config import OBJECTIVES, Membership
from alliance_sim.config import Party as PartyConfig
from alliance_sim.records.matters import category_mask

if TYPE_CHECKING:
    from alliance_sim.config import MembershipRules
    from alliance_sim.records.matters import Matter


class Party(mesa.Agent):
    """One organisation at the board table, represented by one person."""

    #: the name scenarios give this kind (``parties.<id>.kind``)
    kind: ClassVar[str] = "party"
    #: whether parties of this kind alone exercise Reserved Matters (000 §3.4)
    exercises_reserved_matters: ClassVar[bool] = False
    #: whether parties of this kind hold the services contracts the alliance is a framework for
    #: (000 §1.1; 001 §27, 30): without them there is no alliance to go on (001 §40b)
    holds_the_services_contracts: ClassVar[bool] = False

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

    # -- what the kind brings to the table (class level: compiled once per scenario) ------------
    @classmethod
    def valuation_parameters(cls, config: PartyConfig) -> dict:
        """The parameters ``valuation.py`` values matters with, for one party of this kind.

        The home body weighs the organisation's own interest more: its best-for-service weight
        is the representative's times ``1 - own_interest_bias`` (000 §3.2: its view may differ).
        """
        return {
            "bfs": config.best_for_service,
            "bfs_home": config.best_for_service * (1.0 - config.home_body.own_interest_bias),
            "tolerance": config.risk_tolerance_m,
            "loss_aversion": config.loss_aversion,
            "w_fin": config.weights.finance,
            "W": config.weights.objective_vector(),
            "threshold": config.authority.threshold_m,
            "excluded": category_mask(tuple(map(str, config.authority.excluded_categories))),
        }

    @classmethod
    def stream_role(cls, config: PartyConfig) -> str:
        """How the generated business reaches a party of this kind (``stream.SHIFT_ROLES``)."""
        return cls.kind

    @property
    def objective_weights(self) -> dict[str, float]:
        """How much the organisation values each Alliance Objective (000 §1.2 a-g), £m-equivalent."""
        return dict(zip(OBJECTIVES, self.config.weights.objective_vector(), strict=True))

    # -- what the organisation decides -----------------------------------------------------------
    @property
    def votes(self) -> bool:
        """Only full members vote (001 §33, 35)."""
        return self.membership is Membership.FULL

    def withdraws_after_shock(self, position_m: float, rules: MembershipRules) -> bool:
        """After a material policy change, give notice to withdraw (001 §42)? When a member's net
        position from the alliance's business (``position_m``, its own cost of taking part left
        out) is below ``rules.withdraw_below_tolerances`` risk tolerances."""
        limit = -rules.withdraw_below_tolerances * self.risk_tolerance_m
        return self.membership is not Membership.NONE and position_m < limit

    def steps_back_as(self, position_m: float, rules: MembershipRules) -> Membership:
        """Asked to give up its full membership so that the others can go on (001 §40b), how
        would the organisation step back? No one can make it (001 §41): it decides, and it still
        votes on the proposal by the position it would then have.

        It weighs staying as an associate - a voice at the board (001 §35) on business that reaches
        its services whatever its membership, for an associate's share of the cost of taking
        part - against leaving, which saves that cost. The voice is worth its cost unless the
        alliance has already cost it more than it will bear: with its cumulative net position
        below ``rules.withdraw_below_tolerances`` risk tolerances, the test of withdrawal after a
        policy change (001 §42), it leaves.
        """
        limit = -rules.withdraw_below_tolerances * self.risk_tolerance_m
        return Membership.NONE if position_m < limit else Membership.ASSOCIATE

    def resigns(self, position_m: float, rules: MembershipRules) -> bool:
        """Resign to the board (002 §6.6)? A partner's own decision, weighed at each period's
        settlement: when its net position from the alliance's business is below
        ``rules.resign_below_tolerances`` risk tolerances."""
        limit = -rules.resign_below_tolerances * self.risk_tolerance_m
        return self.membership is Membership.FULL and position_m < limit

    def proposes_removal(self, stalemates: int, rules: MembershipRules) -> bool:
        """Propose another partner's removal (002 §6.7)? When that partner's blocks have
        stalemated ``rules.removal_after_stalemates`` matters (0: the document has no such
        clause). Only full members propose."""
        return (
            self.membership is Membership.FULL
            and rules.removal_after_stalemates > 0
            and stalemates >= rules.removal_after_stalemates
        )

    def response_to_refused_admission(self, rules: MembershipRules) -> Membership | None:
        """What the organisation does when an admission it proposed is refused: by default,
        nothing (only the council's response is written down, 001 §39)."""
        return None

    def authority_gap(self, matter: Matter) -> str:
        """Why the representative lacks authority for ``matter``, in words a room can read."""
        parts = []
        excluded = {str(x) for x in self.authority.excluded_categories}
        named = [c for c in matter.categories if c in excluded]
        if named:
            parts.append(
                f"the matter is {' and '.join(named)}, which its delegated authority excludes"
            )
        if matter.magnitude > self.authority.threshold_m:
            parts.append(
                f"£{matter.magnitude:.2f}m exceeds its £{self.authority.threshold_m:.2f}m limit"
            )
        return "; ".join(parts) or "its authority does not cover it"

    # -- what the DataCollector reads per party (agent reporters) -------------------------------
    @property
    def net_m(self) -> float:
        """Cumulative net position in the alliance so far, £m."""
        return float(self.model.risk.ledger.cumulative[self.index])

    @property
    def membership_name(self) -> str:
        return self.membership.value

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.key} ({self.membership})>"


__all__ = ["Party"]
