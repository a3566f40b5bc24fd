"""Risk and reward: what adopted matters do to each party, period by period, and who carries it.

Each period (a quarter by default) the effects of every adopted matter are realised with noise
drawn up front from the exogenous generator, so designs compared on one seed face the same luck
(001 §34: shifting care cuts acute demand and raises community and social-care demand). Each key
result area is scored on its own against the KPI levels game-breaking, stretch, minimum, poor and
failure (004 p.7: "for each key result area"; 004 pp.6-8): its score is the realised value of the
Alliance Objectives it covers and, for the area that counts money, the realised financial effect
less demand growth. Nothing is pooled until the members agree a risk/reward scheme unanimously
(001 §33; 004 p.7): each party keeps its own direct effects. Once one is agreed, each **full
member** pays a fraction of what it actually gained or lost against plan into the pool (003 shares
*actual* savings). The fraction combines the areas' levels by ``risk.combine`` (an assumption;
004 gives no rule): the weighted average of the levels' fractions, or the weakest area's; a gain
level counts only towards pooling gains, a pain level only losses. The pool is paid out among full
members only by the scheme's shares (000 §2.2d; 001 §35). Scoring costs one small matrix product a
period, linear in the areas. Each member bears its own cost of taking part (003). A host partner,
where the agreement names one, incurs the agreed costs of hosting the board and is reimbursed by
the other full members for their parts of them (002 §5.1, 6.4, 7.1.1; ``config.Host``). Money is
settled in whole pence: the pool paid out equals the pool paid in exactly, the pool is the full
members' realised net to within half a penny each, and the partners' reimbursements are exactly
what the host recovers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from ..compiled import derived
from ..config import OBJECTIVES, RESOLUTION_KINDS, Host, MatterKind, Membership, Risk

if TYPE_CHECKING:
    from ..records.matters import Matter

PENCE_PER_M = 100_000_000  # £1m in pence
YEAR = 365.0
#: Decisions about the alliance itself, whose financial effects are what members *expect* of them,
#: not money that changes hands: a risk/reward scheme (each member's expected share of the pool;
#: the pool itself moves the money, ``settle``), an admission (a larger or smaller share of that
#: pool, 001 §35), and the governance resolutions (the value of going on, of a reconfiguration or
#: of the term's extension). Those expectations decide the votes; they are never booked as cash.
EXPECTED_ONLY = frozenset({MatterKind.RISK_REWARD, MatterKind.ADMISSION}) | RESOLUTION_KINDS


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
    """One settled period: each result area's KPI level, the pool, and each party's accounts.

    ``levels`` and ``scores`` follow ``Ledger.areas``; ``pooled_fraction`` is the share of its
    realised direct effect each full member paid in (the areas' levels combined, 0 if nothing was
    pooled). Money arrays are per party, £m.
    """

    number: int
    start: int
    end: int
    membership: tuple[str, ...]  # each party's membership during the period
    levels: tuple[str, ...]  # each result area's KPI level
    scores: np.ndarray  # each result area's score
    pooled_fraction: float
    pool_pence: int
    paid_in_pence: np.ndarray  # each party's payment into the pool (full members only)
    share_pence: np.ndarray  # each party's share of the pool paid out
    direct: np.ndarray
    shock: np.ndarray
    cost: np.ndarray
    host_cost_pence: np.ndarray  # the host's costs of hosting this period (negative, host only)
    host_recovery_pence: np.ndarray  # reimbursements: paid by partners (negative), to the host
    net: np.ndarray


@dataclass(slots=True)
class Ledger:
    """Per-party, per-period accounts of one run."""

    n: int
    areas: tuple[str, ...] = ("alliance",)  # the key result areas, in the order Period keeps them
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
        hosted, recovered = p.host_cost_pence, p.host_recovery_pence
        return [
            (p.number, p.start, p.end, i, p.membership[i], p.pooled_fraction, p.pool_pence,
             int(paid[i]), int(share[i]), float(p.direct[i]), float(p.shock[i]),
             float(share[i] - paid[i]) / PENCE_PER_M, float(p.cost[i]), int(hosted[i]),
             int(recovered[i]), float(hosted[i] + recovered[i]) / PENCE_PER_M, float(p.net[i]))
            for i in range(self.n)
        ]  # fmt: skip

    @property
    def rows(self) -> list[tuple]:
        """One row per party per period, in the order of ``LEDGER_COLUMNS``."""
        return [row for period in range(len(self.periods)) for row in self.period_rows(period)]

    @property
    def kpi_rows(self) -> list[tuple]:
        """One row per result area per period, in the order of ``KPI_COLUMNS``."""
        return [
            (p.number, p.start, p.end, area, float(p.scores[a]), p.levels[a], p.pooled_fraction)
            for p in self.periods
            for a, area in enumerate(self.areas)
        ]

    def net_matrix(self) -> np.ndarray:
        """Net positions, periods x parties."""
        if not self.periods:
            return np.zeros((0, self.n))
        return np.vstack([p.net for p in self.periods])

    def alliance_rate(self, elapsed_days: int) -> np.ndarray:
        """Each party's net £m a year from the alliance itself so far (policy shocks excluded)."""
        return (self.cumulative - self.shocks) * (YEAR / max(elapsed_days, 1))

    def direct_rate(self, elapsed_days: int) -> np.ndarray:
        """Each party's £m a year from the adopted matters' direct effects alone so far: no pool
        transfers, no cost of taking part."""
        direct = sum((p.direct for p in self.periods), np.zeros(self.n))
        return direct * (YEAR / max(elapsed_days, 1))


class RiskBook:
    """Adopted matters, funding shocks and the ledger of one run."""

    def __init__(self, config: Risk, budgets: np.ndarray, noise: np.ndarray, shocks,
                 host: Host | None = None, host_index: int = -1) -> None:  # fmt: skip
        self.config = config
        #: the host partner (002 §5.1) and its agreed yearly costs of hosting (002 §6.4)
        self.host = host_index if host is not None and host.admin_cost_m > 0 else -1
        self.host_config = host
        self.budgets = budgets
        #: each party's yearly cost of taking part as a full member (003), capped by its size
        self._cost_rate = np.array([config.participation_cost(b) for b in budgets.tolist()])
        self.budget_total = float(budgets.sum())
        self._no_shock = np.zeros(len(budgets))
        self._no_shock.flags.writeable = False
        self._no_pence = np.zeros(len(budgets), dtype=np.int64)
        self._no_pence.flags.writeable = False
        # Pre-drawn standard normal noise, one row per matter of the initial stream and one column
        # per period; the extra last row of zeros serves matters raised during the run.
        self.noise = np.vstack([noise, np.zeros((1, noise.shape[1]))])
        self.shocks = shocks  # list of (day, party, £m a year), in date order
        areas = config.result_areas
        self.ledger = Ledger(len(budgets), tuple(a.name for a in areas))
        # The KPI return as arrays (``_kpi``), the same for every run of the scenario: compiled once.
        kpi = derived(config, "kpi", _kpi)
        self._area_obj, self._area_fin, self._thresholds, self._area_weight = kpi[:4]
        self._level_names, self._fraction, self._pools_gains, self._pools_losses = kpi[4:8]
        self._threshold_rows = kpi[8]  # the thresholds as plain floats, area by area
        self.shares: np.ndarray | None = None  # the agreed scheme's shares (all parties)
        self.period = 0
        # Adopted matters' effects, grown in place (settlement reads them every period).
        self.count = 0
        room = len(noise) + 8  # every matter of the stream, and a few raised during the run
        self._day = np.zeros(room)
        self._row = np.zeros(room, dtype=int)
        self._F = np.zeros((room, len(budgets)))
        self._SD = np.zeros((room, len(budgets)))
        self._value = np.zeros((room, len(OBJECTIVES)))  # each objective's value a year
        self._members: dict[tuple[str, ...], tuple] = {}  # memberships -> arrays settle needs
        #: memberships -> the pool's weights under the scheme now agreed (``_weights``); most
        #: periods repeat the last one's
        self._pool_weights: dict[tuple[str, ...], np.ndarray | None] = {}

    def adopt(self, matter: Matter, day: int, ev) -> None:
        """Start an agreed matter's effects running from ``day`` (001 §34): only business whose
        effects are realised, not the expectations of ``EXPECTED_ONLY`` decisions."""
        if matter.kind in EXPECTED_ONLY:
            return
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
        # The objectives' part of the system surplus (ev.sys - sum F), kept per objective so each
        # result area can score its own.
        self._value[k] = matter.E0 + matter.D @ matter.x if matter.k else matter.E0
        self.count = k + 1

    def agree_scheme(self, shares: np.ndarray) -> None:
        self.shares = shares
        self._pool_weights = {}

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
        value = (overlap * (1.0 + 0.35 * z)) @ self._value[:k]  # per objective
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
        scores = self._area_obj @ value + self._area_fin * (float(direct.sum()) - pressure)
        scores /= (in_scope or 1.0) * max(years, 1e-9)
        # Each area's level: the first, best first, whose threshold its score reaches.
        # (Plain floats: a few areas and levels, where numpy's calls would cost more.)
        worst = len(self._fraction) - 1
        rank = [min(sum(score < t for t in row), worst)
                for score, row in zip(scores.tolist(), self._threshold_rows, strict=True)]  # fmt: skip
        weights = self._pool_weights.get(membership, False)
        if weights is False:
            weights = self._pool_weights[membership] = self._weights(full)
        paid_p = share_p = self._no_pence
        pool_p = 0
        fraction = 0.0
        if weights is not None:
            realised = float(direct[full].sum())
            counts = self._pools_gains if realised > 0 else self._pools_losses
            if realised == 0:
                counts = self._pools_gains & self._pools_losses
            contribution = self._fraction * counts  # what each level adds for a net of this sign
            if cfg.combine == "weakest":
                fraction = float(contribution[max(rank)])
            else:
                fraction = float(self._area_weight @ contribution[rank])
            if fraction > 0:
                # Money that exists: each full member pays in its share of what it realised.
                paid_p = np.where(full, np.rint(fraction * direct * PENCE_PER_M), 0.0)
                paid_p = paid_p.astype(np.int64)
                pool_p = int(paid_p.sum())
                share_p = split_pence(pool_p, weights)
                net += (share_p - paid_p) / PENCE_PER_M
        cost = (self._cost_rate * years) * cost_share
        net -= cost
        hosted_p, recovered_p = self._hosting(full, years)
        if hosted_p is not self._no_pence:
            net += (hosted_p + recovered_p) / PENCE_PER_M
        self.ledger.cumulative += net
        self.ledger.costs += cost
        self.ledger.periods.append(
            Period(self.period, start, end, membership,
                   tuple(self._level_names[r] for r in rank), scores, fraction, pool_p,
                   paid_p, share_p, direct, shock, cost, hosted_p, recovered_p, net)
        )  # fmt: skip
        self.period += 1
        return net

    def _hosting(self, full: np.ndarray, years: float) -> tuple[np.ndarray, np.ndarray]:
        """The host's costs for a period of ``years`` and their recovery (002 §6.4), in pence.

        The host incurs its agreed yearly cost pro rata; every full member, the host included,
        bears a part of it (by budget in scope or equally, ``host.recovery``), and the other
        members pay theirs to the host. The reimbursements sum to zero exactly, and the two
        together to minus the cost: each member is down its own part. Nothing while the host is
        not a full member (a partner that has left hosts nothing).
        """
        host = self.host
        if host < 0 or not full[host]:
            return self._no_pence, self._no_pence
        total = int(round(self.host_config.admin_cost_m * years * PENCE_PER_M))
        weights = full * (self.budgets if self.host_config.recovery == "budget" else 1.0)
        parts = split_pence(total, weights if weights.sum() > 0 else full.astype(float))
        hosted = np.zeros(len(full), dtype=np.int64)
        hosted[host] = -total
        recovered = -parts
        recovered[host] += total
        return hosted, recovered

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


def _kpi(config: Risk) -> tuple:
    """The KPI return as arrays: which objectives each area counts, whether it counts money, its
    thresholds (areas x levels, best first), its weight, and each level's name, fraction and the
    sign it pools. Shared by every run of a scenario, so read-only."""
    areas = config.result_areas
    obj = {name: j for j, name in enumerate(OBJECTIVES)}
    area_obj = np.zeros((len(areas), len(OBJECTIVES)))
    for a, area in enumerate(areas):
        area_obj[a, [obj[o] for o in area.objectives]] = 1.0
    area_fin = np.array([float(a.finance) for a in areas])
    # A gain level is reached only by a score above zero, whatever its threshold: gain follows
    # "better than expected performance" (004 p.8), and a period on plan scores 0.
    gains_only = np.array([lvl.pools == "gains" for lvl in config.levels])
    thresholds = np.array(config.thresholds())
    thresholds[:, gains_only] = np.maximum(thresholds[:, gains_only], np.nextafter(0.0, 1.0))
    area_weight = np.array([a.weight for a in areas]) / sum(a.weight for a in areas)
    fraction = np.array([lvl.pooled_fraction for lvl in config.levels])
    pools_gains = np.array([lvl.pools in ("gains", "both") for lvl in config.levels])
    pools_losses = np.array([lvl.pools in ("losses", "both") for lvl in config.levels])
    arrays = (area_obj, area_fin, thresholds, area_weight, fraction, pools_gains, pools_losses)
    for arr in arrays:
        arr.flags.writeable = False
    names = tuple(lvl.name for lvl in config.levels)
    return (area_obj, area_fin, thresholds, area_weight, names, fraction, pools_gains,
            pools_losses, thresholds.tolist())  # fmt: skip


LEDGER_COLUMNS = (
    "period",
    "start_day",
    "end_day",
    "party_index",
    "membership",
    "pooled_fraction",  # share of its realised direct effect each full member paid in
    "pool_pence",
    "paid_in_pence",
    "share_pence",
    "direct_m",
    "shock_m",
    "share_m",  # the pool transfer: share received less paid in, £m
    "participation_cost_m",
    "host_cost_pence",  # the host partner's costs of hosting the board (002 §6.4), host only
    "host_recovery_pence",  # their reimbursement: each partner's payment, the host's receipt
    "hosting_m",  # the two together, £m: each full member's part of the host's costs
    "net_m",
)


#: One row per key result area per period: its score and KPI level (004 p.7).
KPI_COLUMNS = ("period", "start_day", "end_day", "area", "score", "level", "pooled_fraction")


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
