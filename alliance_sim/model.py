"""The alliance as a Mesa model: one step is one meeting of the Alliance Leadership Board.

Time runs in days from the scenario's start date; the board meets every ``board.cadence_days``
(000 §3.2.1) over the term (001 §40). Between meetings the calendar moves on: risk/reward periods
are settled (``business/risk.py``), membership changes take effect (``board/membership.py``),
policy shocks land, representatives change (``board/trust.py``), partners weigh resigning
(``board/membership.py``), the transition deadline is watched (``agreement/transition.py``), an
agreed capitation re-prices the shifts still to come (``business/payment.py``), and the term's
extension and early ending (``agreement/term.py``).

The model wires the parts together and keeps the calendar; the parties (``agents/``) value matters
and vote, the board (``board/procedure.py``) runs the meetings and reports each decision, and what
follows a decision is dispatched from one table (``_decided``): its effects on risk and trust, then
what its kind of matter sets in motion (an admission, a transition escalation, an extension, a
removal, a termination); every stalemate is heard by those counting repeated ones
(``agreement/removal.py``, ``agreement/term.py``).

Three seeded generators are spawned from the run's seed (the third only for the rare term events of
``agreement/term.py``, drawn only when their rate is not 0). The exogenous one draws everything the
alliance does not control, up front and in fixed amounts (the business that arrives, outcome noise,
policy shocks, turnover of representatives), so every design run on one seed faces the same future
(common random numbers); ``model.rng`` is left for draws that depend on what the alliance does.

The DataCollector records, after each meeting, the board's figures as plain numbers (one model
reporter per column of ``FIGURES``) and each party's net position and membership (agent
reporters), so ``mesa.batch_run(AllianceModel, parameters={"scenario": "mid-notts", ...})`` and
``datacollector.get_model_vars_dataframe()`` give readable tables. Experiments need no time
series and switch it off (``collect=False``).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from agents import PARTY_KINDS, Party
from agents.valuation import compile_linear, evaluate, party_arrays
from agents.voting import HomeBodies, RoomVote

from .agreement.removal import RemovalWatch
from .agreement.term import TermWatch, force_majeure_day
from .agreement.transition import TransitionWatch
from .board.membership import MEMBERSHIPS, Roster
from .board.procedure import BoardProtocol
from .board.trust import TrustNetwork
from .business.payment import PaymentRegime
from .business.risk import RiskBook
from .business.stream import generate, negotiated_scheme
from .config import MatterKind, Scenario
from .config.loading import load_scenario
from .errors import InputError
from .records.events import Clock, EventLog, Settled, Terminated
from .records.matters import Matter, from_spec

#: The board's figures after each meeting: one model reporter each (attributes of the model).
FIGURES = ("day", "open_matters", "agreed", "stalemated", "pending_referrals", "mean_trust")
COUNTS = FIGURES[:5]  # whole numbers
#: Per party after each meeting (attributes of ``agents.Party``).
PARTY_FIGURES = {"net_m": "net_m", "membership": "membership_name"}


class AllianceModel(mesa.Model):
    """Parties, their board and the business before it, over the alliance's term.

    ``scenario`` is a validated :class:`Scenario`, a built-in scenario's name or a TOML path;
    ``overrides`` are dotted-path changes to it (``{"parties.council.membership": "associate"}``).
    """

    def __init__(
        self,
        scenario: Scenario | str | Path = "mid-notts",
        seed: int | None = None,
        room_vote: RoomVote | None = None,
        collect: bool = True,
        overrides: Mapping[str, Any] | None = None,
    ) -> None:
        if seed is not None and (not isinstance(seed, int | np.integer) or seed < 0):
            raise InputError(f"seed {seed!r}: a seed must be a whole number, 0 or more.")
        if not isinstance(scenario, Scenario) or overrides:
            scenario = load_scenario(scenario, overrides)
        # A third child for term events (force majeure): SeedSequence children are numbered, so
        # the first two are the same as ever and no other stream's draws move.
        exogenous, endogenous, term_events = np.random.SeedSequence(seed).spawn(3)
        # An int seed (not a Generator) keeps Mesa off its slow np.iinfo path when seeding.
        super().__init__(seed=int(endogenous.generate_state(1, np.uint64)[0]))
        self.scenario = scenario
        #: the alliance's own clause for each rule, which every reason and title cites
        self.clauses = scenario.clauses
        self.seed = seed
        meta = scenario.scenario
        self.start = meta.start
        self.horizon = scenario.horizon_days
        self.day = 0
        self.room = room_vote is not None
        self.clock = Clock()

        self.parties: list[Party] = [
            PARTY_KINDS[cfg.kind](self, key, cfg, i)
            for i, (key, cfg) in enumerate(scenario.parties.items())
        ]
        # Mesa 3.3 numbers agents from a class-level dict keyed by model, which keeps every model
        # alive forever (thousands of replications leak, and the garbage collector slows with
        # them). All our agents exist from here on, so this model's counter can go.
        mesa.Agent._ids.pop(self, None)
        self.index = {p.key: p.index for p in self.parties}
        self.arrays = party_arrays(scenario)

        index = self.index
        n = len(self.parties)
        exo = np.random.default_rng(exogenous)
        written = [from_spec(spec, -1, index, n) for spec in scenario.matters]
        stream = generate(scenario, index, exo)
        matters: list[Matter] = sorted(written + stream, key=lambda m: m.arrival_day)
        for i, matter in enumerate(matters):
            matter.idx = matter.noise_row = i
            matter.id = matter.id or f"M{i + 1:03d}"
        compile_linear(matters, self.arrays)

        risk = scenario.risk
        self.period_ends = list(range(risk.period_days, self.horizon, risk.period_days))
        self.period_ends.append(self.horizon)
        periods = len(self.period_ends)
        noise = exo.standard_normal((len(matters), periods))
        budgets = np.array([p.budget_m for p in self.parties])
        host = scenario.host
        self.risk = RiskBook(risk, budgets, noise, _policy_shocks(risk, self.horizon, budgets, exo),
                             host, index.get(host.party, -1))  # fmt: skip
        period_years = risk.period_days / 365.0
        self.turnover = (
            exo.random((periods, n)) < scenario.trust.rep_turnover_per_year * period_years
        )
        self.trust = TrustNetwork(scenario.trust, [p.key for p in self.parties])
        scheme = negotiated_scheme(scenario, index, exo)
        if scheme is not None:
            # After every other draw, and with no noise row (a scheme books no money), so the rest
            # of the run is the same whichever way the scheme comes about.
            scheme.id = "RR"
            at = bisect.bisect_right([m.arrival_day for m in matters], scheme.arrival_day)
            matters.insert(at, scheme)
            for i, matter in enumerate(matters):
                matter.idx = i
            compile_linear([scheme], self.arrays)
        if risk.scheme.status == "agreed":  # agreed before the term (004 p.7: "in advance")
            self.risk.agree_scheme(np.array([risk.scheme.shares.get(p.key, 0.0)
                                             for p in self.parties]))  # fmt: skip

        self.terminated_day: int | None = None
        self.log = EventLog()
        self.roster = Roster(self.parties, scenario.membership, self.log, self.clock,
                             self.clauses)  # fmt: skip
        transition_day = (
            scenario.day_of(meta.transition_end) if meta.transition_end is not None else None
        )
        self.board = BoardProtocol(
            scenario.board, matters, self.arrays, HomeBodies(scenario, self.arrays), self.roster,
            self.trust, self.log, self.clock, self.horizon, transition_day, self._decided,
            room_vote,
        )  # fmt: skip
        self.transition = TransitionWatch(
            scenario.escalation, transition_day, self.board, self.roster, self.risk.ledger,
            self.log, self.clock, self.terminate, scenario.risk, self.clauses,
        )  # fmt: skip
        self.payment = PaymentRegime(scenario, index, self.arrays, self.board.matters)
        self.term = TermWatch(
            scenario.term, scenario.escalation, self.horizon,
            force_majeure_day(scenario.term, self.horizon, np.random.default_rng(term_events)),
            self.board, self.roster, self.risk.ledger, self.log, self.clock, self.terminate,
            self.clauses,
        )  # fmt: skip
        self.removal = RemovalWatch(
            scenario.membership, scenario.escalation.decision_days, self.board, self.roster,
            self.clauses,
        )  # fmt: skip
        #: what a decision of each kind of matter sets in motion, besides risk and trust
        self.consequences = {
            MatterKind.ADMISSION: self.roster.admission_decided,
            MatterKind.PAYMENT_MODEL: self.payment.decided,
            MatterKind.TRANSITION_EXTENSION: self.transition.decided,
            MatterKind.RECONFIGURATION: self.transition.decided,
            MatterKind.TERM_EXTENSION: self.term.decided,
            MatterKind.TERMINATION: self.term.decided,
            MatterKind.REMOVAL: self.removal.decided,
        }
        #: who hears of every stalemate: repeated ones lead to removal (002 §6.7) or dispute (§6.3)
        self.stalemate_listeners = (self.removal.stalemated, self.term.stalemated)
        self._shock = 0
        self._settled_to = 0
        #: no period end or shock falls before this day (notices are the roster's to tell)
        self.next_due: float = 0
        cadence = scenario.board.cadence_days
        self.meeting_days = list(range(scenario.board.first_meeting_day, self.horizon + 1, cadence))
        self.collect = collect
        self.datacollector = mesa.DataCollector(
            model_reporters={name: name for name in FIGURES},
            agent_reporters=dict(PARTY_FIGURES),
        )
        self.running = bool(self.meeting_days)

    # -- who is at the table (the roster's) ------------------------------------------------------
    @property
    def matters(self) -> list[Matter]:
        return self.board.matters

    @property
    def voters(self) -> np.ndarray:
        return self.roster.voters

    @property
    def voter_list(self) -> list[int]:
        return self.roster.voter_list

    @property
    def attendees(self) -> np.ndarray:
        return self.roster.attendees

    @property
    def membership(self) -> Roster:
        return self.roster

    @property
    def transition_day(self) -> int | None:
        return self.board.transition_deadline

    @property
    def room_vote(self) -> RoomVote | None:
        """The room's hook into the board's votes (the workshop; see ``agents/voting.py``)."""
        return self.board.room_vote

    @room_vote.setter
    def room_vote(self, hook: RoomVote | None) -> None:
        self.board.room_vote = hook
        self.room = hook is not None

    # -- the figures the DataCollector reads ---------------------------------------------------
    @property
    def open_matters(self) -> int:
        return len(self.board.open)

    @property
    def agreed(self) -> int:
        return self.board.outcomes["agreed"]

    @property
    def stalemated(self) -> int:
        return self.board.outcomes["stalemate"]

    @property
    def pending_referrals(self) -> int:
        return self.board.pending_count

    @property
    def mean_trust(self) -> float:
        return self.trust.mean()

    # -- the meetings ----------------------------------------------------------------------------
    def step(self) -> None:
        """Bring the calendar up to the next meeting day, then hold the meeting."""
        number = self.clock.meeting = self.steps
        self.day = self.meeting_days[number - 1]
        self.advance_to(self.day)
        board = self.board
        board.open_meeting(self.day, number)
        self.transition.check(self.day, number)  # may table an escalation, or end the alliance
        if self.terminated_day is None:
            self.term.check(self.day, number)  # the extension falls due; force majeure
            board.take_business(self.day, number, self._ended)
        if self.terminated_day is not None:
            self.running = False
        elif number >= len(self.meeting_days):
            board.close_term(self.horizon, number)
            self.advance_to(self.horizon)  # the last row of the time series includes the term's end
            self.running = False
        if self.collect:
            self.datacollector.collect(self)

    def run(self) -> AllianceModel:
        while self.running:
            self.step()
        return self

    def _ended(self) -> bool:
        return self.terminated_day is not None

    # -- the calendar between meetings --------------------------------------------------------
    def advance_to(self, day: int) -> None:
        """Settle periods, apply membership changes and land shocks due by ``day``, in date order.

        A period ending on a given day is settled before changes taking effect that day, which
        count from the next period ("from the date they take effect").
        """
        roster = self.roster
        if day < self.next_due and day < roster.next_day():
            return  # most meetings: nothing on the calendar since the last one
        shocks = self.risk.shocks
        board = self.board
        while True:
            period = self.risk.period
            end = self.period_ends[period] if period < len(self.period_ends) else float("inf")
            change = roster.next_day()
            shock = shocks[self._shock][0] if self._shock < len(shocks) else float("inf")
            urgent = board.next_urgent_day()
            due = min(end, change, shock, urgent)
            if due > day:
                self.next_due = min(end, shock, urgent)
                break
            if due == urgent and urgent < end:
                # the commissioners decide it the day it arises (000 §3.5): its effects run
                # from then, in the period it arose in
                board.decide_urgent()
            elif due == end:
                self._settle(int(end))
            elif due == change:
                roster.apply_next()
            else:
                d, party, cost = shocks[self._shock]
                self._shock += 1
                roster.policy_shock(d, party, cost, self.risk.ledger.business_position(party))

    def _settle(self, end: int) -> None:
        start = self._settled_to
        period = self.risk.period
        net = self.risk.settle(start, end, self.roster.values)
        self._settled_to = end
        self.trust.unshared_losses(net)
        self.log.add(Settled(end, self.clock.meeting, -1, -1, period))
        self.roster.review_resignations(end, self.risk.ledger.business_position)
        for party in np.flatnonzero(self.turnover[period]).tolist():
            self.trust.new_representative(int(party))
            self.board.new_representative(end, int(party))

    # -- consequences of decisions -------------------------------------------------------------
    def _decided(self, matter: Matter, day: int, ev) -> None:
        """Everything that follows a decision of the board, in order: trust and the risk book,
        then what the matter's kind sets in motion (``consequences``)."""
        if matter.outcome == "agreed":
            self.trust.agreed(self.roster.voter_list)
            if ev is not None and not matter.reserved:
                self.risk.adopt(matter, day, ev)
            shares = matter.pool_shares()
            if shares is not None:
                self.risk.agree_scheme(shares)
        elif matter.outcome == "reserved":
            self.risk.adopt(matter, day, evaluate(matter, matter.x, self.arrays, self.arrays.bfs))
        elif matter.outcome == "stalemate" and matter.blockers:
            for listener in self.stalemate_listeners:
                listener(matter, day)
        follow = self.consequences.get(matter.kind)
        if follow is not None:
            follow(matter, day)

    def terminate(self, day: int, reason: str) -> None:
        """The alliance is dissolved: open business is withdrawn and nothing more is decided."""
        self.terminated_day = day
        self.log.add(Terminated(day, self.clock.meeting, -1, -1, reason))
        self.board.dissolve(day)
        if day > self._settled_to:
            self.period_ends = [e for e in self.period_ends if e < day] + [day]
            self.next_due = day
            self.advance_to(day)

    # -- reading the run -------------------------------------------------------------------------
    def collected(self) -> pd.DataFrame:
        """The DataCollector's series, one row per meeting: the figures of ``FIGURES``, and each
        party's net position and membership as columns ``net_m:<key>``, ``membership:<key>``."""
        frame = self.datacollector.get_model_vars_dataframe()
        frame[list(COUNTS)] = frame[list(COUNTS)].astype(int)
        keys = [p.key for p in self.parties]
        if not len(frame):
            for name in PARTY_FIGURES:
                for k in keys:
                    frame[f"{name}:{k}"] = []
            return frame
        agents = self.datacollector.get_agent_vars_dataframe()
        step = agents.index.get_level_values(0)
        order = np.argsort(step, kind="stable")  # meetings in order, parties in order within
        n = len(keys)
        for name in PARTY_FIGURES:
            values = agents[name].to_numpy()[order].reshape(len(frame), n)
            for j, k in enumerate(keys):
                frame[f"{name}:{k}"] = values[:, j]
        return frame

    @property
    def network(self):
        """The parties' relationships as a networkx graph (edge attribute ``trust``)."""
        blockers = {b for m in self.board.open for b in m.blockers}
        return self.trust.network(self.parties, blockers)


def _policy_shocks(risk, horizon: int, budgets: np.ndarray, rng: np.random.Generator):
    """Policy/funding shocks over the term: (day, party hit, £m a year), in date order.

    A shock's yearly cost is an exponential draw with mean ``funding_shock_share`` of the hit
    party's budget in scope, so a small party takes a small shock. The draws are the same in
    number and order whatever the budgets (common random numbers).
    """
    count = int(rng.poisson(risk.funding_shocks_per_year * horizon / 365.25))
    days = np.sort(rng.integers(0, horizon, size=count))
    parties = rng.integers(0, len(budgets), size=count)
    sizes = rng.exponential(1.0, size=count) * risk.funding_shock_share * budgets[parties]
    return list(zip(days.tolist(), parties.tolist(), sizes.tolist(), strict=True))


__all__ = ["MEMBERSHIPS", "AllianceModel", "RoomVote"]
