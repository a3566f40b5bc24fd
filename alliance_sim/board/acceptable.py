"""Whether terms exist that every full member prefers to the status quo, decided exactly.

Each member's surplus is concave in the terms (``agents/valuation.py``): the minimum of two affine
pieces (the loss-aversion kink) blended with the system's affine surplus, less a weighted Euclidean
distance to its ideal terms where it has one. So the best the chair can do for the least content
member, ``max over x in the terms' ranges of min_i (s_i(x) - need_i)``, is a convex program, and
acceptable terms exist exactly when its value is positive (001 §41, 47: the board is to find "a
solution to the area of concern"; where none exists the matter is stalemated, and the reason can
say so as a fact).

Without ideal terms the program is a small linear program in the terms (one or two in all the
generated business): its optimum is a vertex of the pieces' arrangement within the ranges, found
by enumerating the vertices (corners, crossings on the edges and in the interior). With ideal
terms, or more than two terms, it is solved by Kelley's cutting planes over SciPy's HiGHS linear
program, each distance cut by its tangent at the last solution, until the true value at the
solution is within ``TOLERANCE`` of the bound.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from agents.valuation import evaluate, linear_of

from ..records.evaluation import Compromise

if TYPE_CHECKING:
    from agents.valuation import PartyArrays

    from ..records.matters import Limit, Matter

TOLERANCE = 1e-9
MAX_CUTS = 200
#: ``Compromise.worst`` when what binds is the limit on the commissioners' money (000 §3.3 c)
LIMIT = -2


def _pieces(matter: Matter, voters: list[int], parties: PartyArrays, bfs, need) -> tuple:
    """Affine pieces ``a . x + c`` whose minimum (plus ideal distances) is each voter's margin.

    Returns (A, c, owner): one row per piece, and the voter each belongs to: first each voter's
    own-interest piece, then, for voters averse to losses past their tolerance, the kinked one."""
    base, slope = linear_of(matter, parties)
    n = len(matter.F0)
    v = np.asarray(voters, dtype=int)
    b = np.asarray(bfs)[v][:, None]
    sys_a, sys_c = slope[-1], base[-1]
    own_a, own_c = slope[2 * n + v], base[2 * n + v]
    need = np.asarray(need, dtype=float)
    A1 = (1 - b) * own_a + b * sys_a
    c1 = (1 - b[:, 0]) * own_c + b[:, 0] * sys_c - need
    pen = parties.penalty[v]
    kinked = pen > 0
    if not kinked.any():
        return A1, c1, v
    w, bk = pen[kinked][:, None], b[kinked]
    A2 = A1[kinked] - (1 - bk) * w * slope[n + v[kinked]]
    c2 = c1[kinked] - (1 - bk[:, 0]) * w[:, 0] * base[n + v[kinked]]
    return np.vstack([A1, A2]), np.concatenate([c1, c2]), np.concatenate([v, v[kinked]])


def best_terms(
    matter: Matter,
    voters: list[int],
    parties: PartyArrays,
    bfs: np.ndarray,
    need: list[float] | float = 0.0,
    system: bool = False,
    limit: Limit | None = None,
) -> Compromise:
    """Terms maximising the smallest ``surplus - need`` of ``voters`` (or the system's surplus).

    With a ``limit`` (the commissioners' money, 000 §3.3 c) its value at the terms is one more
    piece of the minimum, so terms exist (value > 0) only where every voter prefers them *and*
    they need no further commissioner money; ``worst`` is then ``LIMIT`` when the limit binds."""
    if system:
        base, slope = linear_of(matter, parties)
        A, c, owner = slope[-1][None, :], np.array([base[-1] - _scalar(need)]), np.array([-1])
        positional = False
    else:
        need = [need] * len(voters) if np.isscalar(need) else list(need)
        A, c, owner = _pieces(matter, voters, parties, bfs, need)
        positional = matter.Om is not None and any(matter.Om[v].any() for v in voters)
    if limit is not None:
        A = np.vstack([A, limit.slope[None, :]])
        c = np.append(c, limit.base)
        owner = np.append(owner, LIMIT)
    lo, hi = matter.lo, matter.hi
    if not matter.k:
        x = np.zeros(0)
    elif not positional and matter.k <= 2:
        x = _active_pieces(A, c, lo, hi, matter.x)
    else:
        x = _cutting_planes(matter, voters, A, c, owner, parties, bfs, need)
    best = _at(matter, x, A, c, owner, voters, parties, bfs, need, system)
    if limit is not None and limit.at(x) < best.value:
        return Compromise(x, limit.at(x), LIMIT)
    return best


def _scalar(need) -> float:
    return float(need if np.isscalar(need) else need[0])


def _at(matter, x, A, c, owner, voters, parties, bfs, need, system) -> Compromise:
    """The compromise at ``x``, valued by the parties' own evaluation (the ground truth)."""
    ev = evaluate(matter, x, parties, bfs)
    if system:
        return Compromise(x, ev.sys - _scalar(need), -1)
    margins = ev.s[voters] - np.asarray(need)
    j = int(np.argmin(margins))
    return Compromise(x, float(margins[j]), int(voters[j]))


def _active_pieces(A, c, lo, hi, x0) -> np.ndarray:
    """``_vertex_search`` over few pieces at a time (constraint generation): start from the
    pieces lowest at the corners, the middle and the current terms; solve; if another piece is
    lower at the solution, add it and solve again. The relaxed optimum bounds the true one, so a
    solution no piece undercuts is optimal; at most one round per piece."""
    # A term or two: the probes are built from plain floats (vstack and where cost more here).
    low, high = lo.tolist(), hi.tolist()
    mid = [(a + b) / 2 for a, b in zip(low, high, strict=True)]
    mixed = [low[:1] + high[1:], high[:1] + low[1:]]  # the corners that mix the two ends
    probes = np.array([low, high, mid, x0.tolist(), *mixed])
    active = set(np.argmin(probes @ A.T + c, axis=1).tolist())
    while True:
        rows = sorted(active)
        x = _vertex_search(A[rows], c[rows], lo, hi)
        values = A @ x + c
        low = int(np.argmin(values))
        relaxed = float(values[rows].min())
        if low in active or values[low] >= relaxed - 1e-12:
            return x
        active.add(low)


def _vertex_search(A: np.ndarray, c: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """argmax over the box of min_j (A_j . x + c_j), for one or two terms, exactly."""
    k = A.shape[1]
    if k == 1:
        a = A[:, 0]
        cands = [lo[0], hi[0]]
        p, q = _pairs(len(a))
        da = a[p] - a[q]
        ok = np.abs(da) > 1e-15
        xs = (c[q][ok] - c[p][ok]) / da[ok]
        cands = np.concatenate([cands, xs[(xs >= lo[0]) & (xs <= hi[0])]])[:, None]
    else:
        corners = np.array([[lo[0], lo[1]], [lo[0], hi[1]], [hi[0], lo[1]], [hi[0], hi[1]]])
        found = [corners]
        p, q = _pairs(len(c))
        dc0 = c[q] - c[p]
        for d in (0, 1):  # crossings of two pieces on an edge of the box
            other = 1 - d
            # Both edges at once (term d at its low, then its high end): the same numbers in the
            # same order as edge by edge, for half the numpy calls.
            da = A[p, other] - A[q, other]
            ok = np.abs(da) > 1e-15
            bounds = np.array([lo[d], hi[d]])
            t = (dc0[ok] + (A[q, d] - A[p, d])[ok] * bounds[:, None]) / da[ok]
            keep = (t >= lo[other]) & (t <= hi[other])
            t = t[keep]
            pts = np.empty((len(t), 2))
            pts[:, d], pts[:, other] = np.repeat(bounds, keep.sum(axis=1)), t
            found.append(pts)
        if len(c) >= 3:  # three pieces equal inside the box
            i, j, h = _triples(len(c))
            # Pieces i = j = h: the 2x2 system (rows i - j and i - h) entry by entry, the same
            # numbers as stacking it as a matrix, for fewer numpy calls.
            a0, a1, ci = A[:, 0], A[:, 1], c[i]
            m00, m01, m10, m11 = a0[i] - a0[j], a1[i] - a1[j], a0[i] - a0[h], a1[i] - a1[h]
            r0, r1 = c[j] - ci, c[h] - ci
            det = m00 * m11 - m01 * m10
            ok = np.abs(det) > 1e-15
            m00, m01, m10, m11, r0, r1, det = (v[ok] for v in (m00, m01, m10, m11, r0, r1, det))
            x0 = (r0 * m11 - m01 * r1) / det
            x1 = (m00 * r1 - r0 * m10) / det
            pts = np.column_stack([x0, x1])
            inside = np.all((pts >= lo - 1e-12) & (pts <= hi + 1e-12), axis=1)
            found.append(np.clip(pts[inside], lo, hi))
        cands = np.vstack(found)
    values = (cands @ A.T + c).min(axis=1)
    return np.array(cands[int(np.argmax(values))], dtype=float)


@lru_cache(maxsize=64)
def _pairs(m: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(m, 1)


@lru_cache(maxsize=64)
def _triples(m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every three of ``m`` pieces, in order, as the columns of their indices."""
    idx = np.array(list(combinations(range(m), 3)))
    return idx[:, 0].copy(), idx[:, 1].copy(), idx[:, 2].copy()


def _cutting_planes(matter, voters, A, c, owner, parties, bfs, need) -> np.ndarray:
    """Kelley's method: the pieces are exact; each ideal distance is cut by tangents."""
    from scipy.optimize import linprog

    k = matter.k
    positional = [v for v in voters if matter.Om is not None and matter.Om[v].any()]
    limits = np.asarray(owner) == LIMIT
    slot = {v: k + 1 + j for j, v in enumerate(positional)}  # variable index of u_v
    nvar = k + 1 + len(positional)
    q = matter.q
    dq = {v: _dist(matter, q, v) for v in positional}
    # pieces: a.x + c + u_owner >= t   ->   -a.x - u + t <= c
    rows = []
    rhs = []
    for a, cj, v in zip(A, c, owner, strict=True):
        row = np.zeros(nvar)
        row[:k] = -a
        row[k] = 1.0
        if v in slot:
            row[slot[v]] = -1.0
        rows.append(row)
        rhs.append(cj)

    def cut(v: int, x0: np.ndarray) -> None:
        # u <= dq - ||x - P||  is cut by  u + g.(x - P) <= dq, g the norm's gradient at x0
        P, Om = matter.P[v], matter.Om[v]
        diff = x0 - P
        norm = float(np.sqrt((Om * diff * diff).sum()))
        if norm <= 1e-15:
            g = np.zeros(k)
        else:
            g = Om * diff / norm
        row = np.zeros(nvar)
        row[:k] = g
        row[slot[v]] = 1.0
        rows.append(row)
        rhs.append(dq[v] + float(g @ P))

    for v in positional:
        cut(v, matter.x)
        for d in range(k):
            for sign in (-1.0, 1.0):
                e = np.zeros(k)
                e[d] = sign
                cut(v, matter.P[v] + e)
    bounds = [(lo, hi) for lo, hi in zip(matter.lo, matter.hi, strict=True)]
    bounds += [(None, None)] + [(None, dq[v]) for v in positional]
    objective = np.zeros(nvar)
    objective[k] = -1.0
    x = matter.x.copy()
    for _ in range(MAX_CUTS):
        res = linprog(objective, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=bounds,
                      method="highs")  # fmt: skip
        if res.status != 0:
            break
        x = np.clip(res.x[:k], matter.lo, matter.hi)
        bound = -res.fun
        true = _at(matter, x, A, c, owner, voters, parties, bfs, need, False).value
        if limits.any():
            true = min(true, float((A[limits] @ x + c[limits]).min()))
        if bound - true <= TOLERANCE:
            break
        for v in positional:
            cut(v, x)
    return x


def _dist(matter: Matter, x: np.ndarray, v: int) -> float:
    diff = x - matter.P[v]
    return float(np.sqrt((matter.Om[v] * diff * diff).sum()))
