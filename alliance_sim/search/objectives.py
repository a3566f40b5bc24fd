"""What a design search optimises and what it must respect, measured on common random numbers.

Each candidate design's runs are reduced to a few numbers per run (:class:`RunMeasures`: the
ordinary business settled and stalemated, the business agreed and its total days from proposal,
the days of each piece of ordinary business agreed or left undecided (for the Kaplan–Meier
median), whether the alliance survived, each party's net position over the term; ``measures.py``). Every
objective and constraint is then a statistic of those per-run numbers *weighted by run* (the ``weights`` of a bootstrap resample, ``ones`` for the point
estimate), so the same code gives the estimate, its bootstrap interval and the paired difference
against another design on the same seeds (``stats.paired_difference``). As in
``experiment/summary.py`` and ``experiment/risk.py``, the run is the unit of replication and rates
are pooled over runs.

Objectives (the issue's list):

- ``stalemate_rate``: of the ordinary business put to the board's vote and settled, the share
  stalemated (lower is better; ``measures.DEFINITIONS``);
- ``mean_days``: mean days from first proposal to agreement of the ordinary business agreed (lower);
- ``km_median_days``: the Kaplan–Meier median days to decision, counting business left undecided
  as censored (lower; ``measures.DEFINITIONS``);
- ``survival``: share of runs in which the alliance was neither terminated nor reconfigured (higher);
- ``loss_gain_gap``: the largest, over members, of a member's share of all losses less its share of
  all gains, each pooled over the runs (lower; 0 = no member bears more of the losses than it
  receives of the gains; ``measures.DEFINITIONS``). It replaces a ratio of the two shares, which a
  member with almost no gains sent to its floor and which moved by a third between seed sets;
- ``net:<party>``: that party's expected net position over the term, £m (higher).

Every recommendation reports its change on each of the :data:`HEADLINE` measures, objectives or not.

Constraints (a value above 0 is a violation, as optuna counts them): a named party stays a full
member (001 §55); at most N full members (each a veto under unanimity, 001 §47); every full member's
expected net position is at least minus its participation cost over the term (003), so that no
member would rationally leave (001 §42).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .. import measures as headline
from ..errors import InputError

#: The result tables the measures are read from (``replicate.run_chunk`` returns only these).
TABLES = ("runs", "decisions", "risk")


@dataclass(frozen=True)
class Objective:
    """One thing to optimise: its name in the file, how it reads, which way is better."""

    name: str
    label: str
    direction: str  # "minimize" or "maximize"
    unit: str  # "rate", "days", "share", "money"
    party: str | None = None

    @property
    def sign(self) -> float:
        """+1 to minimise, -1 to maximise (the Pareto code minimises ``sign * value``)."""
        return 1.0 if self.direction == "minimize" else -1.0


OBJECTIVES: dict[str, Objective] = {
    o.name: o
    for o in (
        Objective("stalemate_rate", "stalemate rate", "minimize", "rate"),
        Objective("mean_days", "mean days to decision", "minimize", "days"),
        Objective("km_median_days", "Kaplan–Meier median days to decision", "minimize", "days"),
        Objective("survival", "alliance survives the term", "maximize", "rate"),
        Objective(
            "loss_gain_gap", "worst member's loss share less its gain share", "minimize", "share"
        ),
    )
}
NET_PREFIX = "net:"
#: The measures every recommendation reports, besides each named party's net and loss share.
HEADLINE = ("stalemate_rate", "mean_days", "km_median_days", "survival", "loss_gain_gap")
#: Objectives that are no more, and what to write instead.
RETIRED = {
    "loss_gain_ratio": "loss_gain_gap (the ratio was dominated by its 1% floor on a member's "
    "share of gains, and unstable between seed sets)"
}


def check_objective_name(name: str) -> None:
    """Refuse a name that is not in the registry (``net:<party>`` parties are checked later)."""
    if name in OBJECTIVES or (name.startswith(NET_PREFIX) and len(name) > len(NET_PREFIX)):
        return
    allowed = ", ".join(OBJECTIVES) + ", net:<party>"
    instead = f"; use {RETIRED[name]}" if name in RETIRED else ""
    raise ValueError(f"names objective {name!r}, which is unknown{instead}; allowed: {allowed}")


def objective(name: str, parties: dict[str, str], source: str) -> Objective:
    """The objective called ``name``; ``parties`` maps party keys to names (for ``net:``)."""
    if name in OBJECTIVES:
        return OBJECTIVES[name]
    party = name.removeprefix(NET_PREFIX)
    if party not in parties:
        raise InputError(
            f"{source}: field `search.objectives` names {name!r}, but the scenario has no party "
            f"{party!r}; its parties are: {', '.join(parties)}."
        )
    return Objective(name, f"{parties[party]}'s expected net (£m)", "maximize", "money", party)


@dataclass
class RunMeasures:
    """Per-run numbers of one design on a list of seeds (arrays of one value per run)."""

    replication: np.ndarray
    settled: np.ndarray  # ordinary business agreed or stalemated
    stalemate: np.ndarray
    decided: np.ndarray
    days_sum: np.ndarray
    alive: np.ndarray
    parties: list[str]
    net: np.ndarray  # runs x parties, £m over the term
    #: per run, the days from proposal of each piece of ordinary business agreed (the KM's
    #: events) and of each left undecided (censored: ``measures.CENSORED``); object arrays
    decided_days: np.ndarray | None = None
    undecided_days: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.replication)

    @cached_property
    def losses(self) -> np.ndarray:
        return headline.losses(self.net)

    @cached_property
    def gains(self) -> np.ndarray:
        return headline.gains(self.net)

    @cached_property
    def days_hist(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The decision days (sorted), and per run the counts of business decided on each and of
        business left undecided put on that grid (``survival.censored_onto``): runs x days."""
        from ..survival import censored_onto

        runs = len(self)
        decided = self.decided_days if self.decided_days is not None else [()] * runs
        undecided = self.undecided_days if self.undecided_days is not None else [()] * runs
        flat = [np.asarray(d, dtype=float) for d in decided]
        values = np.unique(np.concatenate(flat)) if flat else np.zeros(0)
        events = np.zeros((runs, len(values)))
        censored = np.zeros((runs, len(values)))
        for r in range(runs):
            np.add.at(events[r], np.searchsorted(values, flat[r]), 1.0)
            at = censored_onto(values, np.asarray(undecided[r], dtype=float))
            np.add.at(censored[r], at[at >= 0], 1.0)
        return values, events, censored

    def columns(self) -> dict[str, np.ndarray]:
        out = {
            "replication": self.replication,
            "settled": self.settled,
            "stalemate": self.stalemate,
            "decided": self.decided,
            "days_sum": self.days_sum,
            "alive": self.alive,
        }
        out.update({f"net:{p}": self.net[:, j] for j, p in enumerate(self.parties)})
        if self.decided_days is not None:
            out["decided_days"] = self.decided_days
            out["undecided_days"] = self.undecided_days
        return out

    @classmethod
    def from_columns(cls, columns: dict[str, np.ndarray]) -> RunMeasures:
        parties = [k.removeprefix("net:") for k in columns if k.startswith("net:")]
        net = np.column_stack([columns[f"net:{p}"] for p in parties]) if parties else None
        n = len(columns["replication"])
        days = {k: _lists(columns[k]) for k in ("decided_days", "undecided_days") if k in columns}
        return cls(
            replication=np.asarray(columns["replication"], dtype=np.int64),
            settled=np.asarray(columns["settled"], dtype=float),
            stalemate=np.asarray(columns["stalemate"], dtype=float),
            decided=np.asarray(columns["decided"], dtype=float),
            days_sum=np.asarray(columns["days_sum"], dtype=float),
            alive=np.asarray(columns["alive"], dtype=float),
            parties=parties,
            net=np.asarray(net, dtype=float) if net is not None else np.zeros((n, 0)),
            **days,
        )

    @classmethod
    def concat(cls, parts: list[RunMeasures]) -> RunMeasures:
        """Parts of one design (chunks), put in replication order."""
        parts = [p for p in parts if len(p)]
        joined = {k: np.concatenate([p.columns()[k] for p in parts]) for k in parts[0].columns()}
        order = np.argsort(joined["replication"], kind="stable")
        return cls.from_columns({k: v[order] for k, v in joined.items()})


def _lists(values) -> np.ndarray:
    """An object array holding one float array per run (what a list column reads back as)."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = np.asarray(v, dtype=float)
    return out


def measure_chunk(parts: dict[str, bytes]) -> RunMeasures:
    """Reduce one chunk's Parquet tables (``replicate.run_chunk``) to per-run measures.

    Runs in the main process for every chunk, so it stays in pyarrow and numpy (no pandas, no
    reader threads): the workers must never wait for it.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    def read(name: str, columns: list[str]) -> pa.Table:
        return pq.read_table(pa.BufferReader(parts[name]), columns=columns, use_threads=False)

    def numbers(table: pa.Table, column: str) -> np.ndarray:
        return table[column].to_numpy().astype(float, copy=False)

    runs = read("runs", ["replication", "business_agreed", "business_stalemated", "terminated",
                         "reconfigured"])  # fmt: skip
    reps = runs["replication"].to_numpy().astype(np.int64)
    order = np.argsort(reps, kind="stable")

    def rows_of(replications: np.ndarray) -> np.ndarray:
        return order[np.searchsorted(reps, replications, sorter=order)]

    decided = np.zeros(len(reps))
    days_sum = np.zeros(len(reps))
    by_run = {}
    if "decisions" in parts:
        dec = read("decisions", ["replication", "business", "outcome", "days_to_decision"])
        dec = dec.filter(pc.equal(dec["business"], headline.ORDINARY))
        for name, outcomes in (("decided_days", headline.EVENTS),
                               ("undecided_days", headline.CENSORED)):  # fmt: skip
            chosen = dec.filter(pc.is_in(dec["outcome"], value_set=pa.array(outcomes)))
            rows = rows_of(chosen["replication"].to_numpy().astype(np.int64))
            days = numbers(chosen, "days_to_decision")
            if name == "decided_days":
                np.add.at(decided, rows, 1.0)
                np.add.at(days_sum, rows, days)
            order_rows = np.argsort(rows, kind="stable")
            cuts = np.searchsorted(rows[order_rows], np.arange(1, len(reps)))
            by_run[name] = _lists(np.split(days[order_rows], cuts))
    parties: list[str] = []
    net = np.zeros((len(reps), 0))
    if "risk" in parts:
        risk = read("risk", ["replication", "party", "expected_net_m"])
        names = risk["party"].to_pylist()
        parties = list(dict.fromkeys(names))
        column = {p: j for j, p in enumerate(parties)}
        net = np.zeros((len(reps), len(parties)))
        rows = rows_of(risk["replication"].to_numpy().astype(np.int64))
        net[rows, [column[p] for p in names]] = numbers(risk, "expected_net_m")
    ended = (numbers(runs, "terminated") > 0) | (numbers(runs, "reconfigured") > 0)
    return RunMeasures(
        replication=reps,
        settled=numbers(runs, "business_agreed") + numbers(runs, "business_stalemated"),
        stalemate=numbers(runs, "business_stalemated"),
        decided=decided,
        days_sum=days_sum,
        alive=(~ended).astype(float),
        parties=parties,
        net=net,
        decided_days=by_run.get("decided_days", _lists([()] * len(reps))),
        undecided_days=by_run.get("undecided_days", _lists([()] * len(reps))),
    )


@dataclass(frozen=True)
class DesignFacts:
    """What the design itself says (not the runs): who is a member, what taking part costs."""

    members: tuple[str, ...]  # full or associate, in party order
    full: tuple[str, ...]
    cost_m: dict[str, float]  # each full member's participation cost over the term


def design_facts(scenario) -> DesignFacts:
    """Membership and participation costs (003) of a validated scenario, with each full member's
    part of the host partner's recovered costs of hosting (002 §6.4; ``risk.RiskBook._hosting``)."""
    years = scenario.horizon_days / 365.25
    full = tuple(k for k, p in scenario.parties.items() if str(p.membership) == "full")
    members = tuple(k for k, p in scenario.parties.items() if str(p.membership) != "none")
    cost = {k: scenario.risk.participation_cost(scenario.parties[k].budget_m) * years for k in full}
    host = scenario.host
    if host.party in full and host.admin_cost_m > 0:
        by_budget = host.recovery == "budget"
        weights = {k: scenario.parties[k].budget_m if by_budget else 1.0 for k in full}
        total = sum(weights.values()) or 1.0
        hosting = host.admin_cost_m * scenario.horizon_days / 365.0
        for k in full:
            cost[k] += hosting * weights[k] / total
    return DesignFacts(members=members, full=full, cost_m=cost)


# ---------------------------------------------------------------- weighted statistics


def _wmean(weights: np.ndarray, x: np.ndarray) -> np.ndarray:
    return (weights @ x) / weights.sum(axis=1)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def shares(weights: np.ndarray, m: RunMeasures) -> tuple[np.ndarray, np.ndarray]:
    """Each party's share of all losses and of all gains, pooled over the weighted runs (b x P):
    ``measures.pooled_shares``, the one definition of ``loss_share``."""
    return headline.pooled_shares(weights @ m.losses), headline.pooled_shares(weights @ m.gains)


def measure(name: str, weights: np.ndarray, m: RunMeasures, facts: DesignFacts) -> np.ndarray:
    """Measure ``name`` for each row of ``weights`` (b x runs): objectives, shares, nets."""
    if name == "stalemate_rate":
        return _ratio(weights @ m.stalemate, weights @ m.settled)
    if name == "mean_days":
        return _ratio(weights @ m.days_sum, weights @ m.decided)
    if name == "km_median_days":
        from ..survival import hist_median

        values, events, censored = m.days_hist
        return hist_median(values, weights @ events, weights @ censored)
    if name == "survival":
        return _wmean(weights, m.alive)
    if name == "loss_gain_gap":
        cols = [m.parties.index(p) for p in facts.members if p in m.parties]
        return headline.loss_gain_gap(weights @ m.losses, weights @ m.gains, cols)
    if name.startswith("net:"):
        party = name.removeprefix("net:")
        if party not in m.parties:
            return np.zeros(len(weights))  # not in this alliance: nothing gained or lost
        return _wmean(weights, m.net[:, m.parties.index(party)])
    if name.startswith("loss_share:"):
        party = name.removeprefix("loss_share:")
        if party not in m.parties:
            return np.zeros(len(weights))
        return shares(weights, m)[0][:, m.parties.index(party)]
    if name == "break_even":
        # how far the worst-off full member falls short of minus its participation cost (<= 0 ok)
        gaps = [
            -(_wmean(weights, m.net[:, m.parties.index(p)]) + facts.cost_m[p])
            for p in facts.full
            if p in m.parties
        ]
        return np.max(np.vstack(gaps), axis=0) if gaps else np.full(len(weights), -np.inf)
    raise KeyError(name)


def measures(
    names: list[str], weights: np.ndarray, m: RunMeasures, facts: DesignFacts
) -> np.ndarray:
    """``(b, len(names))``: every measure for each row of weights."""
    weights = weights.astype(float, copy=False)  # resample counts: one cast, then BLAS
    return np.column_stack([measure(n, weights, m, facts) for n in names])


def point(names: list[str], m: RunMeasures, facts: DesignFacts) -> np.ndarray:
    """The estimate of each measure over all runs (weights one)."""
    return measures(names, np.ones((1, len(m))), m, facts)[0]


def static_violations(constraints, facts: DesignFacts) -> dict[str, float]:
    """Constraints the design decides by itself: who is full, how many are (> 0 = violated)."""
    out: dict[str, float] = {}
    for party in constraints.stay_full:
        out[f"stay_full:{party}"] = 0.0 if party in facts.full else 1.0
    if constraints.max_full_members is not None:
        out["max_full_members"] = float(len(facts.full) - constraints.max_full_members)
    return out
