"""The alliance as a Mesa model: one step is one meeting of the Alliance Leadership Board.

Time runs in days from the scenario's start date; the board meets every ``board.cadence_days``
(000 §3.2.1) over the term (001 §40). Two seeded generators are spawned from the run's seed: the
exogenous one draws the business that arrives (identical across designs, for common random numbers)
and ``model.rng`` draws everything that depends on what the alliance does.
"""

from __future__ import annotations

from collections.abc import Callable

import mesa
import numpy as np

from agents import AGENT_TYPES, Party

from .board import BoardProtocol
from .config import Membership, Scenario
from .events import EventLog
from .matters import Matter, PartyArrays, category_mask, from_spec
from .stream import generate

#: ``room_vote(matter, party_index, agent_says_yes) -> "yes" | "no" | "refer" | None``; None lets
#: the agent decide. The workshop uses it to hand parties to the room.
RoomVote = Callable[[Matter, int, bool], str | None]


def open_matters(model: AllianceModel) -> int:
    return model.open_count


def agreed(model: AllianceModel) -> int:
    return model.outcomes["agreed"]


def stalemated(model: AllianceModel) -> int:
    return model.outcomes["stalemate"]


def pending_referrals(model: AllianceModel) -> int:
    return model.pending_count


def meeting_day(model: AllianceModel) -> int:
    return model.day


class AllianceModel(mesa.Model):
    """Parties, their board and the business before it, over the alliance's term."""

    def __init__(
        self, scenario: Scenario, seed: int | None = None, room_vote: RoomVote | None = None
    ) -> None:
        exogenous, endogenous = np.random.SeedSequence(seed).spawn(2)
        # An int seed (not a Generator) keeps Mesa off its slow np.iinfo path when seeding.
        super().__init__(seed=int(endogenous.generate_state(1, np.uint64)[0]))
        self.scenario = scenario
        self.seed = seed
        meta = scenario.scenario
        self.start = meta.start
        self.horizon = scenario.horizon_days
        self.transition_day = (
            scenario.day_of(meta.transition_end) if meta.transition_end is not None else None
        )
        self.day = 0
        self.room_vote: RoomVote = room_vote or (lambda matter, party, agent_yes: None)
        self.room = room_vote is not None

        self.parties: list[Party] = [
            AGENT_TYPES[str(cfg.kind)](self, key, cfg, i)
            for i, (key, cfg) in enumerate(scenario.parties.items())
        ]
        self.index = {p.key: p.index for p in self.parties}
        self.arrays = _party_arrays(scenario)
        self.refresh_membership()

        index = self.index
        n = len(self.parties)
        written = [from_spec(spec, -1, index, n) for spec in scenario.matters]
        stream = generate(scenario, index, np.random.default_rng(exogenous))
        self.matters: list[Matter] = sorted(written + stream, key=lambda m: m.arrival_day)
        for i, matter in enumerate(self.matters):
            matter.idx = i
            matter.id = matter.id or f"M{i + 1:03d}"
        self.covers = _authority_cover(self.matters, self.arrays)

        self.outcomes = dict.fromkeys(("agreed", "stalemate", "void", "reserved", "withdrawn"), 0)
        self.open_count = 0
        self.pending_count = 0
        self.log = EventLog()
        self.board = BoardProtocol(self)
        cadence = scenario.board.cadence_days
        self.meeting_days = list(range(scenario.board.first_meeting_day, self.horizon + 1, cadence))
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "day": meeting_day,
                "open_matters": open_matters,
                "agreed": agreed,
                "stalemated": stalemated,
                "pending_referrals": pending_referrals,
            }
        )
        self.running = bool(self.meeting_days)

    def refresh_membership(self) -> None:
        """Recompute who votes and who attends after any change of membership (001 §33, 35)."""
        self.full_members = self.agents.select(lambda a: a.membership is Membership.FULL)
        attending = self.agents.select(lambda a: a.membership is not Membership.NONE)
        self.voters = np.array(sorted(a.index for a in self.full_members), dtype=int)
        self.voter_list: list[int] = self.voters.tolist()
        self.attendees = np.array(sorted(a.index for a in attending), dtype=int)

    def count_outcome(self, outcome: str) -> None:
        self.outcomes[outcome] += 1

    @property
    def meeting_number(self) -> int:
        return self.steps

    def step(self) -> None:
        """Hold the next board meeting."""
        number = self.steps
        self.day = self.meeting_days[number - 1]
        self.board.meeting(self.day, number)
        self.datacollector.collect(self)
        if number >= len(self.meeting_days):
            self.board.close_term(self.horizon, number)
            self.running = False

    def run(self) -> AllianceModel:
        while self.running:
            self.step()
        return self


def _party_arrays(scenario: Scenario) -> PartyArrays:
    parties = list(scenario.parties.values())
    bfs = np.array([p.best_for_service for p in parties])
    bias = np.array([p.home_body.own_interest_bias for p in parties])
    return PartyArrays(
        bfs=bfs,
        bfs_home=bfs * (1.0 - bias),
        tolerance=np.array([p.risk_tolerance_m for p in parties]),
        loss_aversion=np.array([p.loss_aversion for p in parties]),
        w_fin=np.array([p.weights.finance for p in parties]),
        W=np.array([p.weights.objective_vector() for p in parties]),
        threshold=np.array([p.authority.threshold_m for p in parties]),
        excluded=np.array([category_mask(p.authority.excluded_categories) for p in parties]),
    )


def _authority_cover(matters: list[Matter], arrays: PartyArrays) -> list[list[bool]]:
    """covers[m][p]: may party p's representative decide matter m alone (000 §3.2)?"""
    if not matters:
        return []
    magnitude = np.array([m.magnitude for m in matters])
    masks = np.array([m.cat_mask for m in matters])
    ok = (magnitude[:, None] <= arrays.threshold[None, :]) & (
        (masks[:, None] & arrays.excluded[None, :]) == 0
    )
    return ok.tolist()
