"""The alliance as a Mesa model: one step is one meeting of the Alliance Leadership Board.

Time runs in days from the scenario's start date; the board meets every ``board.cadence_days``
(000 §3.2.1) over the term (001 §40). Between meetings the calendar moves on: risk/reward periods
are settled (``risk.py``), membership changes take effect (``membership.py``), policy shocks land,
representatives change (``trust.py``), and the transition deadline is watched (``transition.py``).

Two seeded generators are spawned from the run's seed. The exogenous one draws everything the
alliance does not control, up front and in fixed amounts (the business that arrives, outcome noise,
policy shocks, turnover of representatives), so every design run on one seed faces the same future
(common random numbers); ``model.rng`` is left for draws that depend on what the alliance does.
"""

from __future__ import annotations

from collections.abc import Callable

import mesa
import numpy as np
import pandas as pd

from agents import AGENT_TYPES, Party

from .board import BoardProtocol
from .config import MatterKind, Membership, Scenario
from .errors import InputError
from .events import Ev, EventLog
from .matters import Matter, PartyArrays, compile_linear, from_spec, party_arrays
from .membership import MembershipBook
from .partyset import mask_of, row_masks
from .risk import RiskBook
from .stream import generate
from .transition import TransitionWatch
from .trust import TrustNetwork

#: ``room_vote(matter, party_index, agent_says_yes) -> "yes" | "no" | "refer" | None``; None lets
#: the agent decide. The workshop uses it to hand parties to the room.
RoomVote = Callable[[Matter, int, bool], str | None]


#: The figures collected after each meeting, in the order of ``meeting_figures``; then one net
#: position (£m) per party, then one membership code per party (its index in ``MEMBERSHIPS``).
FIGURES = ("day", "open_matters", "agreed", "stalemated", "pending_referrals", "mean_trust")
COUNTS = FIGURES[:5]  # whole numbers
MEMBERSHIPS = tuple(m.value for m in Membership)


def meeting_figures(model: AllianceModel) -> bytes:
    """The board's figures after a meeting, each party's cumulative net position and membership.

    One row of float64, handed over as bytes: the DataCollector deep-copies what it collects, and
    an immutable value is the one thing it need not copy. ``AllianceModel.collected`` reads it.
    """
    row = model.figures_row
    n = len(model.parties)
    row[:6] = (model.day, model.open_count, model.outcomes["agreed"],
               model.outcomes["stalemate"], model.pending_count, model.trust.mean())  # fmt: skip
    row[6 : 6 + n] = model.risk.ledger.cumulative
    row[6 + n :] = model.membership_numbers
    return row.tobytes()


class AllianceModel(mesa.Model):
    """Parties, their board and the business before it, over the alliance's term."""

    def __init__(
        self, scenario: Scenario, seed: int | None = None, room_vote: RoomVote | None = None
    ) -> None:
        if seed is not None and (not isinstance(seed, int | np.integer) or seed < 0):
            raise InputError(f"seed {seed!r}: a seed must be a whole number, 0 or more.")
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
        # Mesa 3.3 numbers agents from a class-level dict keyed by model, which keeps every model
        # alive forever (thousands of replications leak, and the garbage collector slows with
        # them). All our agents exist from here on, so this model's counter can go.
        mesa.Agent._ids.pop(self, None)
        self.index = {p.key: p.index for p in self.parties}
        self.arrays = party_arrays(scenario)
        self.refresh_membership()

        index = self.index
        n = len(self.parties)
        exo = np.random.default_rng(exogenous)
        written = [from_spec(spec, -1, index, n) for spec in scenario.matters]
        stream = generate(scenario, index, exo)
        self.matters: list[Matter] = sorted(written + stream, key=lambda m: m.arrival_day)
        for i, matter in enumerate(self.matters):
            matter.idx = matter.noise_row = i
            matter.id = matter.id or f"M{i + 1:03d}"
        self.covers = _authority_cover(self.matters, self.arrays)
        compile_linear(self.matters, self.arrays)

        risk = scenario.risk
        self.period_ends = list(range(risk.period_days, self.horizon, risk.period_days))
        self.period_ends.append(self.horizon)
        periods = len(self.period_ends)
        noise = exo.standard_normal((len(self.matters), periods))
        self.risk = RiskBook(risk, np.array([p.budget_m for p in self.parties]), noise,
                             _policy_shocks(risk, self.horizon, n, exo))  # fmt: skip
        period_years = risk.period_days / 365.0
        self.turnover = (
            exo.random((periods, n)) < scenario.trust.rep_turnover_per_year * period_years
        )
        self.trust = TrustNetwork(scenario.trust, [p.key for p in self.parties])

        self.outcomes = dict.fromkeys(("agreed", "stalemate", "void", "reserved", "withdrawn"), 0)
        self.open_count = 0
        self.pending_count = 0
        self.terminated_day: int | None = None
        # Home bodies' calendars are scenario data: every replication shares one memo of them.
        self._home_calendar = scenario.derived("home_calendar", _home_calendar)
        self._home_answers: dict[int, list[int]] = scenario.derived("home_answers", lambda s: {})
        self.log = EventLog()
        self.board = BoardProtocol(self)
        self.membership = MembershipBook(self, scenario.membership)
        self.transition = TransitionWatch(self)
        self._shock = 0
        self._settled_to = 0
        #: nothing on the calendar (period end, membership change, shock) falls before this day
        self.next_due: float = 0
        cadence = scenario.board.cadence_days
        self.meeting_days = list(range(scenario.board.first_meeting_day, self.horizon + 1, cadence))
        self.figures_row = np.zeros(len(FIGURES) + 2 * n)
        self.datacollector = mesa.DataCollector(model_reporters={"figures": meeting_figures})
        self.running = bool(self.meeting_days)

    def refresh_membership(self) -> None:
        """Recompute who votes and who attends after any change of membership (001 §33, 35)."""
        #: each party's membership value, in party order ("full", "associate" or "none"); the
        #: AgentSet keeps the order in which the parties were created, which is party order
        self.membership_values = tuple(m.value for m in self.agents.get("membership"))
        self.membership_numbers = np.array([MEMBERSHIPS.index(m) for m in self.membership_values])
        self.voter_list: list[int] = [
            i for i, m in enumerate(self.membership_values) if m == Membership.FULL
        ]
        self.voters = np.array(self.voter_list, dtype=int)
        self.voter_mask = mask_of(self.voter_list)
        self.attendees = np.array(
            [i for i, m in enumerate(self.membership_values) if m != Membership.NONE], dtype=int
        )

    def home_answers(self, day: int) -> list[int]:
        """The day each party's home body would answer a referral made on ``day`` (cached).

        That is its first meeting on or after ``day + notice_days`` on its own calendar
        (``first_meeting_day`` then every ``cadence_days``; 000 §3.2).
        """
        answers = self._home_answers.get(day)
        if answers is None:
            first, cadence, notice = self._home_calendar
            periods = np.maximum(0, -((first - day - notice) // cadence))
            answers = self._home_answers[day] = (first + periods * cadence).tolist()
        return answers

    def count_outcome(self, outcome: str) -> None:
        self.outcomes[outcome] += 1

    def step(self) -> None:
        """Bring the calendar up to the next meeting day, then hold the meeting."""
        number = self.steps
        self.day = self.meeting_days[number - 1]
        self.advance_to(self.day)
        self.board.meeting(self.day, number)
        if self.terminated_day is not None:
            self.running = False
        elif number >= len(self.meeting_days):
            self.board.close_term(self.horizon, number)
            self.advance_to(self.horizon)  # the last row of the time series includes the term's end
            self.running = False
        self.datacollector.collect(self)

    def run(self) -> AllianceModel:
        while self.running:
            self.step()
        return self

    # -- the calendar between meetings --------------------------------------------------------
    def advance_to(self, day: int) -> None:
        """Settle periods, apply membership changes and land shocks due by ``day``, in date order.

        A period ending on a given day is settled before changes taking effect that day, which
        count from the next period ("from the date they take effect").
        """
        if day < self.next_due:
            return  # most meetings: nothing on the calendar since the last one
        shocks = self.risk.shocks
        while True:
            period = self.risk.period
            end = self.period_ends[period] if period < len(self.period_ends) else float("inf")
            change = self.membership.next_day()
            shock = shocks[self._shock][0] if self._shock < len(shocks) else float("inf")
            due = min(end, change, shock)
            if due > day:
                self.next_due = due
                break
            if due == end:
                self._settle(int(end))
            elif due == change:
                self.membership.apply_next()
            else:
                d, party, cost = shocks[self._shock]
                self._shock += 1
                self.membership.policy_shock(d, party, cost)

    def _settle(self, end: int) -> None:
        start = self._settled_to
        period = self.risk.period
        net = self.risk.settle(start, end, self.membership_values)
        self._settled_to = end
        self.trust.unshared_losses(net)
        self.log.add(end, self.steps, Ev.SETTLED, -1, -1, period)
        for party in np.flatnonzero(self.turnover[period]).tolist():
            self._new_representative(end, int(party))

    def _new_representative(self, day: int, party: int) -> None:
        """A new representative: trust partly resets; what its predecessor settled is reopened."""
        self.trust.new_representative(party)
        reopened = 0
        for matter in self.board.open:
            if matter.has_mandate(party):
                matter.mandated &= ~(1 << party)
                matter.stale = False
                matter.bfs[party] = self.arrays.bfs[party]
                reopened += 1
        self.log.add(day, self.steps, Ev.REPRESENTATIVE, -1, party, reopened)

    # -- consequences of decisions -------------------------------------------------------------
    def on_decided(self, matter: Matter, day: int, ev) -> None:
        if matter.outcome == "agreed":
            self.trust.agreed(self.voter_list)
            if ev is not None and not matter.reserved:
                self.risk.adopt(matter, day, ev)
            shares = matter.pool_shares()
            if shares is not None:
                self.risk.agree_scheme(shares)
        elif matter.outcome == "reserved":
            self.risk.adopt(matter, day, matter.evaluate(matter.x, self.arrays, self.arrays.bfs))
        if matter.kind is MatterKind.ADMISSION and matter.outcome in ("agreed", "stalemate"):
            self.membership.admission_decided(matter, day)
        if matter.kind in (MatterKind.TRANSITION_EXTENSION, MatterKind.RECONFIGURATION):
            self.transition.decided(matter, day)

    def add_matter(self, matter: Matter, day: int) -> None:
        """Business raised during the run (escalations, re-tabled matters), tabled at once."""
        matter.idx = len(self.matters)
        matter.id = matter.id or f"E{matter.idx + 1:03d}"
        self.matters.append(matter)
        self.covers.extend(_authority_cover([matter], self.arrays))
        self.board.table(matter, day, self.steps)

    def terminate(self, day: int, reason: str) -> None:
        """The alliance is dissolved: open business is withdrawn and nothing more is decided."""
        self.terminated_day = day
        self.log.add(day, self.steps, Ev.TERMINATED, -1, -1, reason)
        for matter in list(self.board.open):
            self.board.withdraw(matter, day, "the alliance was dissolved")
        self.board.open = []
        self.open_count = 0
        if day > self._settled_to:
            self.period_ends = [e for e in self.period_ends if e < day] + [day]
            self.next_due = day
            self.advance_to(day)

    def collected(self) -> pd.DataFrame:
        """The DataCollector's series, one row per meeting: the figures of ``FIGURES``, each
        party's cumulative net position as one array per meeting (``net_positions``) and
        memberships (comma-separated)."""
        frame = self.datacollector.get_model_vars_dataframe()
        n = len(self.parties)
        rows = np.frombuffer(b"".join(frame["figures"]), dtype=float)
        rows = rows.reshape(len(frame), len(FIGURES) + 2 * n)
        out = pd.DataFrame(rows[:, : len(FIGURES)], columns=list(FIGURES), index=frame.index)
        out[list(COUNTS)] = out[list(COUNTS)].astype(int)
        out["net_positions"] = list(rows[:, len(FIGURES) : len(FIGURES) + n])
        codes = rows[:, len(FIGURES) + n :].astype(int).tolist()
        out["memberships"] = [",".join(MEMBERSHIPS[c] for c in row) for row in codes]
        return out

    @property
    def network(self):
        """The parties' relationships as a networkx graph (edge attribute ``trust``)."""
        blockers = {b for m in self.board.open for b in m.blockers}
        return self.trust.network(self.parties, blockers)


def _home_calendar(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each party's home body: first meeting day, days between meetings, notice it needs."""
    bodies = [p.home_body for p in scenario.parties.values()]
    return tuple(
        np.array([getattr(b, f) for b in bodies])
        for f in ("first_meeting_day", "cadence_days", "notice_days")
    )


def _policy_shocks(risk, horizon: int, n: int, rng: np.random.Generator):
    """Policy/funding shocks over the term: (day, party hit, £m a year), in date order."""
    count = int(rng.poisson(risk.funding_shocks_per_year * horizon / 365.25))
    days = np.sort(rng.integers(0, horizon, size=count))
    parties = rng.integers(0, n, size=count)
    sizes = rng.exponential(risk.funding_shock_m, size=count)
    return list(zip(days.tolist(), parties.tolist(), sizes.tolist(), strict=True))


def _authority_cover(matters: list[Matter], arrays: PartyArrays) -> list[int]:
    """covers[m]: the parties whose representative may decide matter m alone (000 §3.2), a mask."""
    if not matters:
        return []
    magnitude = np.array([m.magnitude for m in matters])
    masks = np.array([m.cat_mask for m in matters])
    ok = (magnitude[:, None] <= arrays.threshold[None, :]) & (
        (masks[:, None] & arrays.excluded[None, :]) == 0
    )
    return row_masks(ok)
