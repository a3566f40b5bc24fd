"""Risk and reward: what adopted matters do to each party, period by period, and who carries it.

Each period (a quarter by default) the effects of every adopted matter are realised with noise
drawn up front from the exogenous generator, so designs compared on one seed face the same luck
(001 §34: shifting care cuts acute demand and raises community and social-care demand). The
alliance's performance is scored against the KPI levels game-breaking, stretch, minimum, poor and
failure (004 pp.6-8); the level sets a gain or pain pool that is split among **full members only**
by the shares of the agreed risk/reward scheme (000 §2.2d; 001 §33, 35; 003). Each member bears its
own cost of taking part (003). Money is settled in whole pence so the pool paid out equals the pool
raised exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .config import Membership, Risk

if TYPE_CHECKING:
    from .matters import Matter

PENCE_PER_M = 100_000_000  # £1m in pence
YEAR = 365.0


def split_pence(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` pence in proportion to ``weights`` so the parts add up to it exactly.

    Largest-remainder method; ties go to the lower index, so the split is deterministic.
    """
    w = np.maximum(weights, 0.0)
    weight = float(w.sum())
    if total == 0 or weight <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = abs(total) * w / weight
    floor = np.floor(exact)
    part = floor.astype(np.int64)
    rest = abs(total) - int(part.sum())
    if rest:
        # A stable sort keeps equal remainders in index order: ties go to the lower index.
        part[np.argsort(floor - exact, kind="stable")[:rest]] += 1
    return part if total > 0 else -part


class Period(NamedTuple):
    """One settled period: its KPI level and pool, and each party's accounts (arrays, £m)."""

    number: int
    start: int
    end: int
    membership: tuple[str, ...]  # each party's membership during the period
    level: str
    score: float
    pool_pence: int
    share_pence: np.ndarray
    direct: np.ndarray
    shock: np.ndarray
    cost: np.ndarray
    net: np.ndarray


@dataclass(slots=True)
class Ledger:
    """Per-party, per-period accounts of one run."""

    n: int
    periods: list[Period] = field(default_factory=list)
    cumulative: np.ndarray = field(init=False)  # £m net position so far, per party
    shocks: np.ndarray = field(init=False)  # £m lost to policy shocks so far (not the alliance's)

    def __post_init__(self) -> None:
        self.cumulative = np.zeros(self.n)
        self.shocks = np.zeros(self.n)

    def period_rows(self, period: int) -> list[tuple]:
        """One row per party for one period, in the order of ``LEDGER_COLUMNS``."""
        (number, start, end, members, level, score, pool_p, share_p, direct, shock, cost, net) = (
            self.periods[period]
        )  # fmt: skip  (all of them, in LEDGER_COLUMNS order)
        return [
            (number, start, end, i, members[i], level, score, pool_p, int(share_p[i]),
             float(direct[i]), float(shock[i]), float(share_p[i]) / PENCE_PER_M, float(cost[i]),
             float(net[i]))
            for i in range(self.n)
        ]  # fmt: skip

    @property
    def rows(self) -> list[tuple]:
        """One row per party per period, in the order of ``LEDGER_COLUMNS``."""
        return [row for period in range(len(self.periods)) for row in self.period_rows(period)]

    def net_matrix(self) -> np.ndarray:
        """Net positions, periods x parties."""
        if not self.periods:
            return np.zeros((0, self.n))
        return np.vstack([p.net for p in self.periods])

    def alliance_rate(self, elapsed_days: int) -> np.ndarray:
        """Each party's net £m a year from the alliance itself so far (policy shocks excluded)."""
        return (self.cumulative - self.shocks) * (YEAR / max(elapsed_days, 1))


class RiskBook:
    """Adopted matters, funding shocks and the ledger of one run."""

    def __init__(self, config: Risk, budgets: np.ndarray, noise: np.ndarray, shocks) -> None:
        self.config = config
        self.budgets = budgets
        self.budget_total = float(budgets.sum())
        self._no_shock = np.zeros(len(budgets))
        self._no_shock.flags.writeable = False
        # Pre-drawn standard normal noise, one row per matter of the initial stream and one column
        # per period; the extra last row of zeros serves matters raised during the run.
        self.noise = np.vstack([noise, np.zeros((1, noise.shape[1]))])
        self.shocks = shocks  # list of (day, party, £m a year), in date order
        self.ledger = Ledger(len(budgets))
        self.shares: np.ndarray | None = None  # agreed scheme's shares (all parties), or default
        self.period = 0
        # Adopted matters' effects, grown in place (settlement reads them every period).
        self.count = 0
        room = len(noise) + 8  # every matter of the stream, and a few raised during the run
        self._day = np.zeros(room)
        self._row = np.zeros(room, dtype=int)
        self._F = np.zeros((room, len(budgets)))
        self._SD = np.zeros((room, len(budgets)))
        self._value = np.zeros(room)
        self._members: dict[tuple[str, ...], tuple] = {}  # memberships -> arrays settle needs

    def adopt(self, matter: Matter, day: int, ev) -> None:
        """Start an agreed matter's effects running from ``day`` (001 §34)."""
        k = self.count
        if k == len(self._day):
            for name in ("_day", "_row", "_F", "_SD", "_value"):
                old = getattr(self, name)
                setattr(self, name, np.concatenate([old, np.zeros_like(old)]))
        self._day[k] = day
        self._row[k] = matter.noise_row  # -1 reads the row of zeros
        F = ev.F
        self._F[k] = F
        # The evaluation holds F and the shortfall sd - F - tolerance: sd follows from them.
        sd = self._SD[k]
        np.add(ev.G, F, out=sd)
        sd += ev.tolerance
        self._value[k] = ev.sys - float(F.sum())  # the objectives' part of the system surplus
        self.count = k + 1

    def agree_scheme(self, shares: np.ndarray) -> None:
        self.shares = shares

    def settle(self, start: int, end: int, membership: tuple[str, ...]) -> np.ndarray:
        """Realise one period's effects, score it, split the pool; return each party's net.

        ``membership`` is each party's membership value ("full", "associate" or "none").
        """
        cfg = self.config
        years = (end - start) / YEAR
        k = self.count
        overlap = np.maximum(end - np.maximum(start, self._day[:k]), 0.0) / YEAR
        z = self.noise[self._row[:k], self.period] * cfg.outcome_noise
        direct = overlap @ self._F[:k] + (overlap * z) @ self._SD[:k]
        value = float(overlap @ (self._value[:k] * (1.0 + 0.35 * z)))
        net = direct.copy()
        shock = self._no_shock
        if self.shocks and self.shocks[0][0] < end:
            shock = np.zeros(len(self.budgets))
            for day, party, cost in self.shocks:
                if day >= end:
                    break  # shocks are in date order
                shock[party] -= cost * (end - max(start, day)) / YEAR
            net += shock
            self.ledger.shocks += shock
        full, cost_share, in_scope = self._membership_arrays(membership)
        pressure = cfg.demand_growth * self.budget_total * (end / YEAR) * years
        # Shocks are outside the alliance's control, so they do not count against its KPIs.
        score = (float(direct.sum()) + value - pressure) / ((in_scope or 1.0) * max(years, 1e-9))
        level = next(lvl for lvl in cfg.levels if score >= lvl.min_score)
        # The pool is a share of full members' budgets in scope: with none, nothing is raised.
        pool_p = int(round(level.pool_share * in_scope * years * PENCE_PER_M))
        share_p = split_pence(pool_p, self._weights(full))
        cost = (cfg.participation_cost_m * years) * cost_share
        net += share_p / PENCE_PER_M
        net -= cost
        self.ledger.cumulative += net
        self.ledger.periods.append(
            Period(self.period, start, end, membership, level.name, score, pool_p, share_p,
                   direct, shock, cost, net)
        )  # fmt: skip
        self.period += 1
        return net

    def _membership_arrays(self, membership: tuple[str, ...]) -> tuple:
        """Who is a full member, each party's share of the cost of taking part, budget in scope."""
        cached = self._members.get(membership)
        if cached is None:
            full = np.array([m == Membership.FULL for m in membership])
            assoc = np.array([m == Membership.ASSOCIATE for m in membership])
            cost_share = full + self.config.associate_cost_share * assoc
            cached = self._members[membership] = (full, cost_share, float(self.budgets[full].sum()))
        return cached

    def _weights(self, full: np.ndarray) -> np.ndarray:
        """Each full member's share of the pool; others take none (001 §35)."""
        if self.shares is not None:
            w = np.where(full, np.maximum(self.shares, 0.0), 0.0)
            if w.sum() > 0:
                return w
        if self.config.default_split == "equal":
            return full.astype(float)
        return np.where(full, self.budgets, 0.0)


LEDGER_COLUMNS = (
    "period",
    "start_day",
    "end_day",
    "party_index",
    "membership",
    "level",
    "score",
    "pool_pence",
    "share_pence",
    "direct_m",
    "shock_m",
    "share_m",
    "participation_cost_m",
    "net_m",
)


def risk_summary(net: np.ndarray) -> dict[str, np.ndarray]:
    """Risk measures per party from its per-period net positions ``net`` (periods x parties).

    expected_net_m: total over the run; prob_loss: share of periods in loss; tail_loss_m: mean of
    the worst 5% of periods (at least one); downside_share / upside_share: the party's part of all
    parties' losses / gains.
    """
    if net.size == 0:
        zeros = np.zeros(net.shape[1] if net.ndim == 2 else 0)
        return {k: zeros for k in ("expected_net_m", "prob_loss", "tail_loss_m",
                                   "downside_share", "upside_share")}  # fmt: skip
    periods = net.shape[0]
    worst = max(1, int(np.ceil(0.05 * periods)))
    tail = np.sort(net, axis=0)[:worst].mean(axis=0)
    loss = np.minimum(net, 0.0).sum(axis=0)
    gain = np.maximum(net, 0.0).sum(axis=0)
    total_loss, total_gain = loss.sum(), gain.sum()
    return {
        "expected_net_m": net.sum(axis=0),
        "prob_loss": (net < 0).mean(axis=0),
        "tail_loss_m": tail,
        "downside_share": loss / total_loss if total_loss < 0 else np.zeros_like(loss),
        "upside_share": gain / total_gain if total_gain > 0 else np.zeros_like(gain),
    }
