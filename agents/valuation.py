"""How the parties value a matter: every party's surplus at given terms, all parties at once.

A party's *surplus* from adopting a matter at terms ``x`` (it would vote yes when positive):

``own   = w_fin * (F(x) - loss_aversion * max(0, -(F(x) - sd(x)) - tolerance)) + W . E(x)``
``sys   = sum of all parties' F(x) + sum of E(x)``  (the system as a whole)
``s     = (1 - bfs) * own + bfs * sys - dist(x, ideal) + dist(status quo, ideal)``

where ``F`` is the party's expected financial effect (£m/yr), ``sd`` its uncertainty, ``E`` the
£m-equivalent effect on each Alliance Objective (000 §1.2 a-g), ``W`` the party's weights over
them, ``bfs`` its best-for-service weight (000 §1.4; its home body's is lower, 000 §3.2) and the
distance terms apply only where a scenario gives the party ideal values over the terms.

Each kind of party supplies its own parameters (``Party.valuation_parameters``); this module turns
them into one array per parameter, so that a matter is valued for every party by one matrix
product. Everything but the loss-aversion kink is linear in ``x``, so the product gives ``F``, the
shortfall ``G = sd - F - tolerance`` past each party's tolerance, the linear part of ``own`` and
``sys``; then ``own = linear part - w_fin * loss_aversion * max(G, 0)``. Surplus is concave in the
terms, so the terms every voter prefers to the status quo form a convex set (``negotiation.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from alliance_sim.compiled import derived
from alliance_sim.partyset import positive
from alliance_sim.records.evaluation import Evaluation
from alliance_sim.registry import PARTY_KINDS

if TYPE_CHECKING:
    from alliance_sim.config import Scenario
    from alliance_sim.records.matters import Matter


@dataclass(slots=True)
class PartyArrays:
    """The parties' decision parameters as arrays, one row per party, for vectorised votes."""

    bfs: np.ndarray  # best-for-service weight of each representative (000 §1.4)
    bfs_home: np.ndarray  # ... and of its home body (000 §3.2: its view may differ)
    tolerance: np.ndarray  # £m a year of downside it accepts
    loss_aversion: np.ndarray
    w_fin: np.ndarray  # weight on its own finances
    W: np.ndarray  # (n, 7) weights over the Alliance Objectives
    threshold: np.ndarray  # delegated authority, £m (000 §3.2.3)
    excluded: np.ndarray  # int bitmask of the categories its authority excludes (001 §46)
    penalty: np.ndarray = field(init=False)  # w_fin * loss_aversion: price of £1m past tolerance

    def __post_init__(self) -> None:
        self.penalty = self.w_fin * self.loss_aversion


def party_arrays(scenario: Scenario) -> PartyArrays:
    """The parties' decision parameters as arrays (compiled once per scenario)."""
    return derived(scenario, "party_arrays", _compile_party_arrays)


def _compile_party_arrays(scenario: Scenario) -> PartyArrays:
    rows = [PARTY_KINDS[cfg.kind].valuation_parameters(cfg) for cfg in scenario.parties.values()]
    columns = {name: np.array([row[name] for row in rows]) for name in rows[0]}
    return PartyArrays(**columns)


def linear_parts(F0, A, S0, B, E0, D, parties: PartyArrays) -> tuple[np.ndarray, np.ndarray]:
    """Everything linear in the terms as (base, slope per term), so an evaluation is one product.

    Rows: each party's expected effect ``F``, its shortfall past tolerance ``sd - F - tol``, the
    linear part of its own interest ``w_fin * F + W . E``, and the system's surplus. Works on one
    matter or on a stack of matters with as many terms (a leading axis on each).
    """
    w_fin = parties.w_fin
    base = np.concatenate([F0, S0 - F0 - parties.tolerance, w_fin * F0 + E0 @ parties.W.T,
                           (F0.sum(axis=-1) + E0.sum(axis=-1))[..., None]], axis=-1)  # fmt: skip
    slope = np.concatenate([A, B - A, w_fin[:, None] * A + parties.W @ D,
                            (A.sum(axis=-2) + D.sum(axis=-2))[..., None, :]], axis=-2)  # fmt: skip
    return base, slope


def compile_linear(matters: list[Matter], parties: PartyArrays) -> None:
    """Every matter's linear parts at once, a stack per number of terms (cheaper than one by one)."""
    by_k: dict[int, list[Matter]] = {}
    for m in matters:
        if m.linear is None:
            by_k.setdefault(m.k, []).append(m)
    for group in by_k.values():
        stack = [
            np.array([getattr(m, f) for m in group]) for f in ("F0", "A", "S0", "B", "E0", "D")
        ]
        base, slope = linear_parts(*stack, parties)
        for m, b, a in zip(group, base, slope, strict=True):
            m.linear = (b, a)


def linear_of(matter: Matter, parties: PartyArrays) -> tuple[np.ndarray, np.ndarray]:
    """The matter's linear parts (base, slope), compiled on first use and cached on it."""
    if matter.linear is None:
        matter.linear = linear_parts(
            matter.F0, matter.A, matter.S0, matter.B, matter.E0, matter.D, parties
        )
    return matter.linear


def evaluate(matter: Matter, x: np.ndarray, parties: PartyArrays, bfs: np.ndarray) -> Evaluation:
    """Every party's surplus from ``matter`` at terms ``x`` given best-for-service weights ``bfs``."""
    base, slope = matter.linear or linear_of(matter, parties)
    if matter.k:
        y = slope @ x
        y += base
    else:
        y = base  # shared, and never changed: evaluations are read, not written
    n = len(matter.F0)
    own = y[2 * n : 3 * n] - parties.penalty * np.maximum(y[n : 2 * n], 0.0)
    sys = y.item(-1)
    s = own + bfs * (sys - own)
    pos = None
    if matter.Om is not None:
        pos = _distance(matter.Om, matter.q, matter.P) - _distance(matter.Om, x, matter.P)
        s = s + pos
    return Evaluation(s, own, sys, pos, y, parties.tolerance, positive(s))


def gradients(
    matter: Matter,
    x: np.ndarray,
    rows: list[int],
    parties: PartyArrays,
    bfs: np.ndarray,
    ev: Evaluation,
) -> list[list[float]]:
    """Gradient of each listed party's surplus with respect to the terms, one list per row.

    Read off the linear parts: d own = d(w_fin F + W.E) - w_fin * loss_aversion * [G > 0] dG.
    Plain floats, because a blocker or two and a term or two is the usual size, where numpy's
    per-call cost would dominate.
    """
    n = len(matter.F0)
    slope = linear_of(matter, parties)[1]
    system = system_gradient(matter, parties)
    out = []
    for r in rows:
        g = slope[2 * n + r].tolist()
        if ev.y[n + r] > 0:  # past its tolerance: the downside weighs in too
            kink = float(parties.penalty[r])
            g = [a - kink * b for a, b in zip(g, slope[n + r].tolist(), strict=True)]
        b = float(bfs[r])
        g = [a + b * (c - a) for a, c in zip(g, system, strict=True)]
        if matter.Om is not None:
            g = _ideal_pull(matter, g, x, r)
        out.append(g)
    return out


def system_gradient(matter: Matter, parties: PartyArrays) -> list[float]:
    """Gradient of the system's surplus with respect to the terms."""
    return linear_of(matter, parties)[1][-1].tolist()


def _ideal_pull(matter: Matter, g: list[float], x: np.ndarray, r: int) -> list[float]:
    """Add the gradient of ``-dist(x, ideal)`` for party ``r`` (its positional preferences)."""
    diff = (x - matter.P[r]).tolist()
    om = matter.Om[r].tolist()
    dist = math.sqrt(sum(w * (d * d) for w, d in zip(om, diff, strict=True)))
    if dist <= 0:
        return g
    return [a - w * d / dist for a, w, d in zip(g, om, diff, strict=True)]


def _distance(Om: np.ndarray, x: np.ndarray, P: np.ndarray) -> np.ndarray:
    return np.sqrt((Om * (x - P) ** 2).sum(axis=1))
