"""Matters before the board, and how much each party gains from adopting one on given terms.

A matter (000 §1.3; 001 §34, 39-43) has effects on the Alliance Objectives, a financial effect on
each party, a magnitude, categories, a deadline and negotiable terms with a status quo. Everything
a party's vote depends on is linear or concave in the terms, so the set of terms a party prefers to
the status quo is convex and the board's search for terms everyone accepts (``negotiation.py``)
provably succeeds when such terms exist.

A party's *surplus* from adopting a matter at terms ``x`` (its vote is yes when it is positive):

``own   = w_fin * (F(x) - loss_aversion * max(0, -(F(x) - sd(x)) - tolerance)) + W . E(x)``
``sys   = sum of all parties' F(x) + sum of E(x)``  (the system as a whole)
``s     = (1 - bfs) * own + bfs * sys - dist(x, ideal) + dist(status quo, ideal)``

where ``F`` is the party's expected financial effect (£m/yr), ``sd`` its uncertainty, ``E`` the
£m-equivalent effect on each objective, ``bfs`` the best-for-service weight (000 §1.4) and the
distance terms apply only where a scenario gives the party ideal values over the terms.

Everything but the loss-aversion kink is linear in ``x``, so one matrix product gives ``F``, the
shortfall ``G = sd - F - tolerance`` past the party's tolerance, the linear part of ``own`` and
``sys``; then ``own = linear part - w_fin * loss_aversion * max(G, 0)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from .config import OBJECTIVES, RESERVED_KINDS, Category, MatterKind, MatterSpec, Scenario
from .partyset import positive

CATEGORY_BITS = {c.value: 1 << i for i, c in enumerate(Category)}
N_OBJ = len(OBJECTIVES)


@lru_cache(maxsize=256)
def category_mask(categories: tuple[str, ...]) -> int:
    mask = 0
    for c in categories:
        mask |= CATEGORY_BITS[str(c)]
    return mask


@dataclass(slots=True)
class PartyArrays:
    """The parties' decision parameters as arrays, one row per party, for vectorised votes."""

    bfs: np.ndarray
    bfs_home: np.ndarray
    tolerance: np.ndarray
    loss_aversion: np.ndarray
    w_fin: np.ndarray
    W: np.ndarray  # (n, 7) objective weights
    threshold: np.ndarray
    excluded: np.ndarray  # int bitmask of excluded categories
    penalty: np.ndarray = field(init=False)  # w_fin * loss_aversion: price of £1m past tolerance

    def __post_init__(self) -> None:
        self.penalty = self.w_fin * self.loss_aversion


class Evaluation(NamedTuple):
    """Each party's surplus from adopting a matter at some terms, and what it is made of.

    ``y`` is the stacked linear part (see ``Matter._linear_parts``); its pieces are read as views.
    A tuple of arrays and numbers holds no reference the garbage collector must follow, so the
    thousands kept by the event logs of a batch of runs drop out of its scans.
    """

    s: np.ndarray
    own: np.ndarray
    sys: float
    pos: np.ndarray | None
    y: np.ndarray
    tolerance: np.ndarray
    yes: int  # the parties whose surplus is positive (who would vote yes), as a mask

    @property
    def F(self) -> np.ndarray:
        """Expected financial effect on each party, £m a year."""
        return self.y[: len(self.s)]

    @property
    def G(self) -> np.ndarray:
        """How far each party's downside case falls past its tolerance (negative: within it)."""
        n = len(self.s)
        return self.y[n : 2 * n]

    @property
    def down(self) -> np.ndarray:
        """Each party's downside case, ``F - sd``."""
        return -(self.G + self.tolerance)


@dataclass(slots=True, eq=False)
class Matter:
    """A matter as the board handles it: fixed facts, current terms and its progress."""

    idx: int
    id: str
    kind: MatterKind
    title: str
    proposer: int
    arrival_day: int
    deadline_days: int
    magnitude: float
    categories: tuple[str, ...]
    prohibited: str
    urgent: bool
    term_names: tuple[str, ...]
    term_labels: tuple[str, ...]
    lo: np.ndarray
    hi: np.ndarray
    q: np.ndarray
    x: np.ndarray
    F0: np.ndarray
    A: np.ndarray
    S0: np.ndarray
    B: np.ndarray
    labels: tuple[str, ...]
    E0: np.ndarray
    D: np.ndarray
    P: np.ndarray | None = None
    Om: np.ndarray | None = None
    transition: bool = False
    # progress
    cat_mask: int = 0
    deadline_day: int = 0
    tabled_day: int = -1
    decided_day: int = -1
    outcome: str = ""
    meetings: int = 0
    referrals: int = 0
    amendments: int = 0
    pending: dict[int, int] = field(default_factory=dict)  # party -> day its home body answers
    first_answer: float = float("inf")  # no answer can arrive before this day
    mandated: int = 0  # mask of the parties whose home body has answered
    blockers: tuple[int, ...] = ()
    bfs: np.ndarray | None = None  # best-for-service weight each voter now decides with

    x0: np.ndarray | None = None  # the terms as first proposed
    subject: int = -1  # admission: the party to admit
    share_base: np.ndarray | None = None  # risk/reward scheme: pool shares = base + terms @ x
    share_terms: np.ndarray | None = None
    noise_row: int = -1  # row of pre-drawn outcome noise (stream matters and their copies)
    generation: int = 0  # transition matters: 0 first time, then 1, 2 after each extension
    stale: bool = False  # nothing has changed since its last ballot (so no need to re-vote)
    fresh_ev: Evaluation | None = None  # evaluated at this meeting already (home-body answers)
    linear: tuple[np.ndarray, np.ndarray] | None = None  # see _linear_parts
    recused: int = 0  # mask of the full members who do not vote on it
    reconfigure: tuple[int, ...] = ()  # members a reconfiguration makes associates

    k: int = field(init=False, default=0)  # number of negotiable terms
    reserved: bool = field(init=False, default=False)  # a commissioners' Reserved Matter

    def __post_init__(self) -> None:
        self.cat_mask = category_mask(self.categories)
        self.x0 = self.x
        self.k = len(self.term_names)
        self.reserved = self.kind in RESERVED_KINDS

    @property
    def is_open(self) -> bool:
        return not self.outcome

    def has_mandate(self, party: int) -> bool:
        """Has ``party``'s home body answered on this matter (so its representative may vote)?"""
        return bool(self.mandated >> party & 1)

    def again(self, **changes) -> Matter:
        """A copy to table afresh: same facts and terms, no progress."""
        return replace(
            self, idx=-1, x0=self.x, tabled_day=-1, decided_day=-1, outcome="", meetings=0,
            referrals=0, amendments=0, pending={}, first_answer=float("inf"), mandated=0,
            blockers=(), bfs=None, stale=False, fresh_ev=None, **changes,
        )  # fmt: skip

    def _linear_parts(self, parties: PartyArrays) -> tuple[np.ndarray, np.ndarray]:
        """Everything linear in the terms as one matrix, so an evaluation is one product.

        Rows: each party's expected effect ``F``, its shortfall past tolerance ``sd - F - tol``,
        the linear part of its own interest ``w_fin * F + W . E``, and the system's surplus.
        """
        if self.linear is None:
            self.linear = linear_parts(self.F0, self.A, self.S0, self.B, self.E0, self.D, parties)
        return self.linear

    def evaluate(self, x: np.ndarray, parties: PartyArrays, bfs: np.ndarray) -> Evaluation:
        """Every party's surplus at terms ``x`` given best-for-service weights ``bfs``."""
        base, slope = self.linear or self._linear_parts(parties)
        if self.k:
            y = slope @ x
            y += base
        else:
            y = base  # shared, and never changed: evaluations are read, not written
        n = len(self.F0)
        own = y[2 * n : 3 * n] - parties.penalty * np.maximum(y[n : 2 * n], 0.0)
        sys = y.item(-1)
        s = own + bfs * (sys - own)
        pos = None
        if self.Om is not None:
            pos = _distance(self.Om, self.q, self.P) - _distance(self.Om, x, self.P)
            s = s + pos
        return Evaluation(s, own, sys, pos, y, parties.tolerance, positive(s))

    def gradients(
        self, x: np.ndarray, rows: list[int], parties: PartyArrays, bfs: np.ndarray, ev: Evaluation
    ) -> list[list[float]]:
        """Gradient of each listed party's surplus with respect to the terms, one list per row.

        Read off the linear parts: d own = d(w_fin F + W.E) - w_fin * loss_aversion * [G > 0] dG.
        Plain floats, because a blocker or two and a term or two is the usual size, where numpy's
        per-call cost would dominate.
        """
        n = len(self.F0)
        slope = self._linear_parts(parties)[1]
        system = self.system_gradient(parties)
        out = []
        for r in rows:
            g = slope[2 * n + r].tolist()
            if ev.y[n + r] > 0:  # past its tolerance: the downside weighs in too
                kink = float(parties.penalty[r])
                g = [a - kink * b for a, b in zip(g, slope[n + r].tolist(), strict=True)]
            b = float(bfs[r])
            g = [a + b * (c - a) for a, c in zip(g, system, strict=True)]
            if self.Om is not None:
                g = self._ideal_pull(g, x, r)
            out.append(g)
        return out

    def _ideal_pull(self, g: list[float], x: np.ndarray, r: int) -> list[float]:
        """Add the gradient of ``-dist(x, ideal)`` for party ``r`` (its positional preferences)."""
        diff = (x - self.P[r]).tolist()
        om = self.Om[r].tolist()
        dist = math.sqrt(sum(w * (d * d) for w, d in zip(om, diff, strict=True)))
        if dist <= 0:
            return g
        return [a - w * d / dist for a, w, d in zip(g, om, diff, strict=True)]

    def pool_shares(self) -> np.ndarray | None:
        """The gain/loss shares this matter sets, at its current terms (risk/reward schemes)."""
        if self.share_base is None:
            return None
        if self.share_terms is None or not self.k:
            return self.share_base
        return self.share_base + self.share_terms @ self.x

    def system_gradient(self, parties: PartyArrays) -> list[float]:
        """Gradient of the system's surplus with respect to the terms."""
        return self._linear_parts(parties)[1][-1].tolist()


def party_arrays(scenario: Scenario) -> PartyArrays:
    """The parties' decision parameters as arrays (compiled once per scenario)."""
    return scenario.derived("party_arrays", _compile_party_arrays)


def _compile_party_arrays(scenario: Scenario) -> PartyArrays:
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
        excluded=np.array(
            [category_mask(tuple(map(str, p.authority.excluded_categories))) for p in parties]
        ),
    )


def linear_parts(F0, A, S0, B, E0, D, parties: PartyArrays) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``Matter._linear_parts`` (base, slope per term) from a matter's effects.

    Works on one matter or on a stack of matters with as many terms (a leading axis on each).
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


def _distance(Om: np.ndarray, x: np.ndarray, P: np.ndarray) -> np.ndarray:
    return np.sqrt((Om * (x - P) ** 2).sum(axis=1))


def from_spec(spec: MatterSpec, idx: int, index: dict[str, int], n: int) -> Matter:
    """Build the runtime matter from one written out in a scenario file."""
    names = tuple(t.name for t in spec.terms)
    col = {name: j for j, name in enumerate(names)}
    k = len(names)
    F0, S0 = np.zeros(n), np.zeros(n)
    A, B = np.zeros((n, k)), np.zeros((n, k))
    labels = [""] * n
    for pid, imp in spec.impacts.items():
        i = index[pid]
        F0[i], S0[i], labels[i] = imp.mean_m, imp.sd_m, imp.label
        for t, v in imp.per_term.items():
            A[i, col[t]] = v
        for t, v in imp.sd_per_term.items():
            B[i, col[t]] = v
    obj = {name: j for j, name in enumerate(OBJECTIVES)}
    E0, D = np.zeros(N_OBJ), np.zeros((N_OBJ, k))
    for o, v in spec.effects.items():
        E0[obj[o]] = v
    for t, per in spec.effects_per_term.items():
        for o, v in per.items():
            D[obj[o], col[t]] = v
    P = Om = None
    if spec.ideals:
        P, Om = np.zeros((n, k)), np.zeros((n, k))
        for pid, ideals in spec.ideals.items():
            for t, ideal in ideals.items():
                P[index[pid], col[t]] = ideal.ideal
                Om[index[pid], col[t]] = ideal.weight
    share_base = share_terms = None
    if spec.pool_shares:
        share_base, share_terms = np.zeros(n), np.zeros((n, k))
        for pid, share in spec.pool_shares.items():
            share_base[index[pid]] = share.base
            for t, v in share.per_term.items():
                share_terms[index[pid], col[t]] = v
    return Matter(
        subject=index[spec.subject] if spec.subject else -1,
        transition=spec.transition,
        share_base=share_base,
        share_terms=share_terms,
        idx=idx,
        id=spec.id,
        kind=spec.kind,
        title=spec.title or spec.id,
        proposer=index[spec.proposer],
        arrival_day=spec.day,
        deadline_days=spec.deadline_days,
        magnitude=spec.magnitude_m,
        categories=tuple(str(c) for c in spec.categories),
        prohibited=spec.prohibited,
        urgent=spec.urgent,
        term_names=names,
        term_labels=tuple(t.label or t.name for t in spec.terms),
        lo=np.array([t.low for t in spec.terms], dtype=float),
        hi=np.array([t.high for t in spec.terms], dtype=float),
        q=np.array([t.status_quo for t in spec.terms], dtype=float),
        x=np.array([t.proposed for t in spec.terms], dtype=float),
        F0=F0,
        A=A,
        S0=S0,
        B=B,
        labels=tuple(labels),
        E0=E0,
        D=D,
        P=P,
        Om=Om,
    )
