"""Matters before the board: the facts of each piece of business and its progress.

A matter (000 §1.3; 001 §34, 39-43) has effects on the Alliance Objectives, a financial effect on
each party (mean and uncertainty, each linear in the negotiable terms), a magnitude, categories, a
deadline and negotiable terms with a status quo. How each party values it is the parties' own
business (``agents/valuation.py``); a matter only carries the facts, its current terms, and the
compiled linear parts the valuation caches on it (``Matter.linear``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from ..config import OBJECTIVES, RESERVED_KINDS, Category, MatterKind, MatterSpec

if TYPE_CHECKING:
    from .evaluation import Evaluation

CATEGORY_BITS = {c.value: 1 << i for i, c in enumerate(Category)}
N_OBJ = len(OBJECTIVES)
#: £m a year: below this a commissioners' cost is a rounding, not "further monies"
TOLERANCE = 1e-9


@lru_cache(maxsize=256)
def category_mask(categories: tuple[str, ...]) -> int:
    mask = 0
    for c in categories:
        mask |= CATEGORY_BITS[str(c)]
    return mask


class Limit(NamedTuple):
    """The commissioners' expected direct effect, affine in the terms: ``slope . x + base`` must
    stay at or above zero (000 §3.3 c; ``board/prohibited.py`` says when a matter has one)."""

    slope: np.ndarray
    base: float
    who: tuple[int, ...]  # the commissioners (so that a re-priced matter's limit can be redone)

    def at(self, x: np.ndarray) -> float:
        return float(self.slope @ x) + self.base if len(x) else self.base

    def breached(self, x: np.ndarray) -> bool:
        return self.at(x) < -TOLERANCE


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
    rounds: int = 0  # blocks since the chair last looked for terms every member prefers
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
    outside: bool = False  # a commissioning decision taken outside the alliance (002 §3.5)
    generation: int = 0  # transition matters: 0 first time, then 1, 2 after each extension
    previous: int = -1  # the attempt this one tables again (a transition matter, 001 §40a)
    proposed_day: int = -1  # first proposed (notice given, 000 §3.2.1): the clock's start
    stale: bool = False  # nothing has changed since its last ballot (so no need to re-vote)
    fresh_ev: Evaluation | None = None  # evaluated at this meeting already (home-body answers)
    linear: tuple[np.ndarray, np.ndarray] | None = None  # agents.valuation.linear_parts, cached
    recused: int = 0  # mask of the full members who do not vote on it
    conflicted: int = 0  # mask of the partners with a conflict of interest in it (002 §6.1)
    limit: Limit | None = None  # the commissioners' money the terms may not need (000 §3.3 c)
    reconfigure: tuple[int, ...] = ()  # members a reconfiguration makes associates, or a removal
    # removes

    k: int = field(init=False, default=0)  # number of negotiable terms
    reserved: bool = field(init=False, default=False)  # a commissioners' Reserved Matter

    def __post_init__(self) -> None:
        self.cat_mask = category_mask(self.categories)
        self.x0 = self.x
        if self.proposed_day < 0:
            self.proposed_day = self.arrival_day
        self.k = len(self.term_names)
        self.reserved = self.kind in RESERVED_KINDS

    @property
    def is_open(self) -> bool:
        return not self.outcome

    def has_mandate(self, party: int) -> bool:
        """Has ``party``'s home body answered on this matter (so its representative may vote)?"""
        return bool(self.mandated >> party & 1)

    def again(self, **changes) -> Matter:
        """A copy to table afresh: same facts, terms and first proposal, no progress; it is the
        same matter's next attempt (``previous``)."""
        return replace(
            self, idx=-1, previous=self.idx, x0=self.x, tabled_day=-1, decided_day=-1, outcome="", meetings=0,
            referrals=0, amendments=0, rounds=0, pending={}, first_answer=float("inf"), mandated=0,
            blockers=(), bfs=None, stale=False, fresh_ev=None, **changes,
        )  # fmt: skip

    def pool_shares(self) -> np.ndarray | None:
        """The gain/loss shares this matter sets, at its current terms (risk/reward schemes)."""
        if self.share_base is None:
            return None
        if self.share_terms is None or not self.k:
            return self.share_base
        return self.share_base + self.share_terms @ self.x


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
    conflicted = 0
    for pid in spec.conflicts:
        conflicted |= 1 << index[pid]
    return Matter(
        subject=index[spec.subject] if spec.subject else -1,
        conflicted=conflicted,
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


def resolution(kind: MatterKind, title: str, proposer: int, day: int, deadline_days: int,
               F0: np.ndarray, E0: np.ndarray, label: str) -> Matter:  # fmt: skip
    """A yes/no resolution of the board raised during the run (an extension, a removal, a
    termination): no negotiable terms, each party's yearly effect ``F0`` (``label`` says what it
    is), the effect on the Alliance Objectives ``E0``; a strategic matter, decided promptly."""
    n = len(F0)
    return Matter(
        idx=-1, id="", kind=kind, title=title, proposer=proposer, arrival_day=day,
        deadline_days=deadline_days, magnitude=0.0, categories=("strategic",), prohibited="",
        urgent=True, term_names=(), term_labels=(), lo=np.zeros(0), hi=np.zeros(0),
        q=np.zeros(0), x=np.zeros(0), F0=F0, A=np.zeros((n, 0)), S0=np.zeros(n),
        B=np.zeros((n, 0)), labels=(label,) * n, E0=E0, D=np.zeros((N_OBJ, 0)),
    )  # fmt: skip
