"""Risk and reward: what adopted matters do to each party, period by period, and who carries it.

Each period (a quarter by default) the effects of every adopted matter are realised with noise
drawn up front from the exogenous generator, so designs compared on one seed face the same luck
(001 §34: shifting care cuts acute demand and raises community and social-care demand). The
alliance's performance is scored against the KPI levels game-breaking, stretch, minimum, poor and
failure (004 pp.6-8). Nothing is pooled until the members agree a risk/reward scheme unanimously
(001 §33; 004 p.7): each party keeps its own direct effects. Once one is agreed, each **full
member** pays the level's pooled fraction of what it actually gained or lost against plan into the
pool (003 shares *actual* savings; a gain level pools only gains, a pain level only losses), and the
pool is paid out among full members only by the scheme's shares (000 §2.2d; 001 §35). Each member
bears its own cost of taking part (003). Money is settled in whole pence: the pool paid out equals
the pool paid in exactly, and the pool is the full members' realised net to within half a penny
each.
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
    paid_in_pence: np.ndarray  # each party's payment into the pool (full members only)
    share_pence: np.ndarray  # each party's share of the pool paid out
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
    costs: np.ndarray = field(init=False)  # £m paid so far as the cost of taking part (003)

    def __post_init__(self) -> None:
        self.cumulative = np.zeros(self.n)
        self.shocks = np.zeros(self.n)
        self.costs = np.zeros(self.n)

    def business_position(self, party: int) -> float:
        """``party``'s net position from the alliance's business so far (£m): its cumulative net
        without its own cost of taking part, which it knew when it joined (003)."""
        return float(self.cumulative[party] + self.costs[party])

    def period_rows(self, period: int) -> list[tuple]:
        """One row per party for one period, in the order of ``LEDGER_COLUMNS``."""
        p = self.periods[period]
        paid, share = p.paid_in_pence, p.share_pence
        return [
            (p.number, p.start, p.end, i, p.membership[i], p.level, p.score, p.pool_pence,
             int(paid[i]), int(share[i]), float(p.direct[i]), float(p.shock[i]),
             float(share[i] - paid[i]) / PENCE_PER_M, float(p.cost[i]), float(p.net[i]))
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
        self._no_pence = np.zeros(len(budgets), dtype=np.int64)
        self._no_pence.flags.writeable = False
        # Pre-drawn standard normal noise, one row per matter of the initial stream and one column
        # per period; the extra last row of zeros serves matters raised during the run.
        self.noise = np.vstack([noise, np.zeros((1, noise.shape[1]))])
        self.shocks = shocks  # list of (day, party, £m a year), in date order
        self.ledger = Ledger(len(budgets))
        self.shares: np.ndarray | None = None  # the agreed scheme's shares (all parties)
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
        weights = self._weights(full)
        paid_p = share_p = self._no_pence
        pool_p = 0
        if weights is not None and level.pooled_fraction > 0:
            realised = float(direct[full].sum())
            if (level.pools == "both" or (level.pools == "gains" and realised > 0)
                    or (level.pools == "losses" and realised < 0)):  # fmt: skip
                # Money that exists: each full member pays in its share of what it realised.
                paid_p = np.where(full, np.rint(level.pooled_fraction * direct * PENCE_PER_M), 0.0)
                paid_p = paid_p.astype(np.int64)
                pool_p = int(paid_p.sum())
                share_p = split_pence(pool_p, weights)
                net += (share_p - paid_p) / PENCE_PER_M
        cost = (cfg.participation_cost_m * years) * cost_share
        net -= cost
        self.ledger.cumulative += net
        self.ledger.costs += cost
        self.ledger.periods.append(
            Period(self.period, start, end, membership, level.name, score, pool_p, paid_p,
                   share_p, direct, shock, cost, net)
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

    def _weights(self, full: np.ndarray) -> np.ndarray | None:
        """Each full member's share of the pool, summing to 1; None while nothing is pooled.

        Before a scheme is agreed nothing is pooled (001 §33), unless ``default_split`` asks for
        the budget or equal counterfactual. The agreed scheme's shares are renormalised over full
        members; full members it gives no share (e.g. the voluntary sector, which the scheme's
        terms do not name) take their budget share of full members' budgets in scope, so they are
        not silently left out, and the named members share the rest in the scheme's proportions.
        Associates and non-members take none (001 §35).
        """
        budget = np.where(full, self.budgets, 0.0)
        in_scope = float(budget.sum())
        if self.shares is None:
            split = self.config.default_split
            if split == "none" or not full.any():
                return None
            w = full.astype(float) if split == "equal" or in_scope <= 0 else budget
            return w / float(w.sum())
        named = np.where(full, np.maximum(self.shares, 0.0), 0.0)
        named_total = float(named.sum())
        if named_total <= 0:  # the scheme names no full member: share by budget
            return budget / in_scope if in_scope > 0 else None
        unnamed = full & (named <= 0)
        unnamed_part = float(budget[unnamed].sum()) / in_scope if in_scope > 0 else 0.0
        return named * ((1.0 - unnamed_part) / named_total) + np.where(
            unnamed, budget / (in_scope or 1.0), 0.0
        )


LEDGER_COLUMNS = (
    "period",
    "start_day",
    "end_day",
    "party_index",
    "membership",
    "level",
    "score",
    "pool_pence",
    "paid_in_pence",
    "share_pence",
    "direct_m",
    "shock_m",
    "share_m",  # the pool transfer: share received less paid in, £m
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
