"""The stream of business that comes before the board over the term, drawn from a seeded generator.

Kinds and their effects follow the documents: activity shifted from hospital to community lowers
acute income and raises community and social-care demand (001 §34, 55); capitated and outcome-based
payment and the risk/reward scheme are transition matters due by the transition deadline (001 §43
a-d); a partner may propose admitting a named organisation (001 §39; 002 §6.5); commissioners bring
Reserved Matters (000 §3.4) where the agreement gives them any (not 002 §3.5); services contracts
are varied (000 §1.3; 003) and, where the agreement allows it, any partner may give notice of a
variation of the agreement itself (002 §6.8). A service change or contract variation may concern
services a provider partner other than its proposer competes to provide, a conflict of interest
(002 §6.1; ``stream.conflict_share``). Sizes are scenario parameters (``[stream]``,
``config.Economics``).

Common random numbers: the stream depends only on the scenario's parties, rates and economics and
on the exogenous generator, never on membership or decision rule, and every matter consumes the same
number of draws whatever its kind, so two designs run with one seed face the same business.
"""

from __future__ import annotations

import numpy as np

from agents.valuation import linear_parts, party_arrays

from ..compiled import derived
from ..config import OBJECTIVES, Clause, MatterKind, Membership, Scenario, Sector
from ..records.matters import N_OBJ, Matter
from ..registry import PARTY_KINDS

DRAWS_PER_MATTER = 13
ROLES = ("commissioner", "acute", "community", "council", "vcse")
#: A shift of activity reaches the ambulance trust in its own way: avoided admissions are avoided
#: conveyances, income it loses (001 §22, 37). In all other business it is one of the health
#: providers outside hospital, with the community providers (``GROUPED``).
SHIFT_ROLES = (*ROLES, "ambulance")
GROUPED = {"ambulance": "community"}
#: The roles a shift costs activity income, which a capitated budget relieves (001 §30, 43a).
ACTIVITY_PAID = ("acute", "ambulance")
OBJ = {name: j for j, name in enumerate(OBJECTIVES)}

KIND_TITLES = {
    MatterKind.SERVICE_CHANGE: "Shift activity from hospital to community care",
    MatterKind.VARIATION: "Vary a services contract",
    MatterKind.AGREEMENT_VARIATION: "Vary the alliance agreement",
    MatterKind.MANDATORY_CHANGE: "Mandatory change required by national policy",
    MatterKind.THIRD_PARTY_TRANSFER: "Transfer a service to a third party",
    MatterKind.PUBLIC_CONSULTATION: "Public consultation on a service reconfiguration",
}
SERVICE_AREAS = (
    "frailty and falls",
    "urgent care",
    "intermediate care",
    "end of life care",
    "respiratory care",
    "discharge to assess",
    "diabetes",
    "dementia",
)


class _Builder:
    """Holds the parties' roles and shares so each matter is a few array operations."""

    def __init__(self, scenario: Scenario, index: dict[str, int]) -> None:
        self.n = len(index)
        parties = scenario.parties
        self.shift_role_list = [PARTY_KINDS[p.kind].stream_role(p) for p in parties.values()]
        self.role_list = [GROUPED.get(r, r) for r in self.shift_role_list]
        self.roles = np.array(self.role_list)
        budgets = np.array([max(p.budget_m, 1e-9) for p in parties.values()])
        self.share = _shares(self.roles, budgets, ROLES)
        self.role_shares = _share_rows(self.share, ROLES, self.n)
        shift_roles = np.array(self.shift_role_list)
        self.shift_role_shares = _share_rows(_shares(shift_roles, budgets, SHIFT_ROLES), SHIFT_ROLES,
                                             self.n)  # fmt: skip
        #: the parties whose activity income a shift cuts (acute and ambulance providers)
        self.activity_paid = np.isin(shift_roles, ACTIVITY_PAID)
        self.members_of = {r: np.flatnonzero(self.roles == r) for r in ROLES}
        self.providers = np.flatnonzero((self.roles == "acute") | (self.roles == "community"))
        self.budget_total = float(budgets.sum())
        self.provider_budget = float(budgets[self.providers].sum()) if len(self.providers) else 1.0
        self.economics = scenario.stream.economics
        self.kinds = scenario.stream.kinds
        self.scheme = scenario.risk.scheme
        self.outside = scenario.stream.commissioning_outside_board
        #: 001 §39: the council nominates a social-care provider for admission (and may leave or
        #: step back if it is refused); elsewhere any partner may propose a newcomer (002 §6.5)
        self.council_nominates = scenario.membership.council_response_to_refusal != "stay"
        self._host = scenario.host
        self._host_index = index.get(scenario.host.party, -1)
        self._full = np.array([p.membership == Membership.FULL for p in parties.values()])
        # Only an agreement with the 'breach' ground marks proposals so (prohibited.py).
        self.breach_share = (
            self.economics.prohibited_share
            if "breach" in scenario.board.prohibited_grounds
            else 0.0
        )
        self.parties = party_arrays(scenario)
        self.council = int(self.members_of["council"][0]) if len(self.members_of["council"]) else -1
        # Who an admission can name (``stream.admission_subjects``, any sector: 002 §6.5 has no
        # such limit), less any the design makes a full member already: there is no one to admit.
        self.outsiders = np.array(
            [index[k] for k in scenario.stream.admission_subjects
             if parties[k].membership != Membership.FULL],
            dtype=int,
        )  # fmt: skip
        self.social_care = {
            i for i, p in enumerate(parties.values()) if p.sector == Sector.SOCIAL_CARE
        }
        self.names = [p.name for p in parties.values()]
        #: the alliance's own clauses, which the titles of its business cite
        self.cite = scenario.clauses.cite
        self.budgets = budgets
        self.conflict_share = scenario.stream.conflict_share
        self._labels: dict[tuple, tuple[str, ...]] = {}
        self._variation_labels: dict[int, tuple[str, ...]] = {}
        self._agreement_labels: dict[int, tuple[str, ...]] = {}
        self._transition: dict | None = None
        self.no_effect = _fixed(np.zeros((self.n, 0)))  # A and B of a matter without terms
        self.no_value = _fixed(np.zeros((N_OBJ, 0)))  # D of a matter without terms

    def by_role(self, coefs: dict[str, float]) -> np.ndarray:
        """Spread a per-role total across the parties of that role by budget share."""
        return np.array([coefs.get(role, 0.0) for role in ROLES]) @ self.role_shares

    def labels(self, words: dict[str, str], shift: bool = False) -> tuple[str, ...]:
        key = (shift, *sorted(words.items()))
        cached = self._labels.get(key)
        if cached is None:
            roles = self.shift_role_list if shift else self.role_list
            cached = self._labels[key] = tuple(words.get(r, "") for r in roles)
        return cached

    def host_share(self, newcomer: int) -> np.ndarray | None:
        """What admitting ``newcomer`` does to each party's part of the host partner's yearly
        costs (002 §6.4), as the design's full members would share them: the newcomer takes its
        part, the others' parts fall; None where no host recovers costs."""
        host = self._host
        if self._host_index < 0 or host.admin_cost_m <= 0:
            return None
        before = self._full.copy()
        after = before.copy()
        after[newcomer] = True
        weights = self.budgets if host.recovery == "budget" else np.ones(self.n)
        parts = [np.where(m, weights, 0.0) / max(float((weights * m).sum()), 1e-12) for m in
                 (before, after)]  # fmt: skip
        return host.admin_cost_m * (parts[0] - parts[1])

    def variation_labels(self, proposer: int) -> tuple[str, ...]:
        cached = self._variation_labels.get(proposer)
        if cached is None:
            cached = self._variation_labels[proposer] = tuple(
                "contract value" if i == proposer else "contract cost" for i in range(self.n)
            )
        return cached

    def agreement_labels(self, proposer: int) -> tuple[str, ...]:
        cached = self._agreement_labels.get(proposer)
        if cached is None:
            cached = self._agreement_labels[proposer] = tuple(
                "the variation it seeks" if i == proposer else "the variation's cost"
                for i in range(self.n)
            )
        return cached

    def transition_effects(self) -> dict:
        """The effects of the transition matters (001 §43), the same in every run: built once."""
        if self._transition is None:
            self._transition = _transition_effects(self)
        return self._transition

    def pick(self, u: float, candidates: np.ndarray, fallback: int = 0) -> int:
        if len(candidates) == 0:
            return fallback
        return int(candidates[min(int(u * len(candidates)), len(candidates) - 1)])

    def conflict(self, u: float, proposer: int) -> int:
        """Who has a conflict of interest in a service change or contract variation (002 §6.1), a mask.

        With probability ``stream.conflict_share`` the services it concerns are ones a provider
        partner other than its proposer competes to provide (000 §2.4a: competition between the
        partners continues alongside the alliance): that provider, picked uniformly among them.
        One draw decides both, so the draws of every other stream are untouched.
        """
        share = self.conflict_share
        if u >= share:
            return 0
        rivals = self.providers[self.providers != proposer]
        return 1 << self.pick(u / share, rivals) if len(rivals) else 0


def _shares(roles: np.ndarray, budgets: np.ndarray, names) -> dict[str, np.ndarray | None]:
    """Each party's share of its role's budget, per role (None for a role nobody has)."""
    out = {}
    for role in names:
        mask = roles == role
        out[role] = np.where(mask, budgets / budgets[mask].sum(), 0.0) if mask.any() else None
    return out


def _share_rows(share: dict, names, n: int) -> np.ndarray:
    return np.vstack([share[r] if share[r] is not None else np.zeros(n) for r in names])


def _fixed(values) -> np.ndarray:
    """An array shared by many matters; read-only, since terms are replaced, never changed."""
    out = np.array(values, dtype=float)
    out.flags.writeable = False
    return out


def _terms(*specs: tuple) -> tuple:
    """A matter's negotiable terms from ``(name, label, low, high, status quo, proposed)`` each:
    names, labels, and the arrays lo, hi, q and x."""
    return (tuple(t[0] for t in specs), tuple(t[1] for t in specs),
            *(_fixed([t[i] for t in specs]) for i in range(2, 6)))  # fmt: skip


NO_TERMS = _terms()


def _matter(b: _Builder, kind, title, proposer, day, deadline, magnitude, categories, terms,
            F0, A, S0, B, labels, E0, D, prohibited="", urgent=False, transition=False) -> Matter:  # fmt: skip
    names, term_labels, lo, hi, q, x = terms
    return Matter(
        idx=-1, id="", kind=kind, title=title, proposer=proposer, arrival_day=int(day),
        deadline_days=int(deadline), magnitude=float(magnitude), categories=categories,
        prohibited=prohibited, urgent=urgent, term_names=names, term_labels=term_labels,
        lo=lo, hi=hi, q=q, x=x, F0=F0, A=A, S0=S0, B=B, labels=labels, E0=E0, D=D,
        transition=transition,
    )  # fmt: skip


def _objectives(total: float, mix: dict[str, float]) -> np.ndarray:
    out = np.zeros(N_OBJ)
    for name, w in mix.items():
        out[OBJ[name]] = total * w
    return out


VARIATION_VALUE_MIX = {"outcomes": 0.4, "accessible": 0.3, "seamless": 0.3}
SHIFT_VALUE_MIX = {"prevention": 0.3, "local": 0.2, "seamless": 0.2, "outcomes": 0.25,
                   "accessible": 0.1, "choice": -0.05}  # fmt: skip
# The categories each kind of business falls in decide whose delegated authority it exceeds
# (001 §46: strategic, policy, resource and financial decisions go to partners' own governance).
# Moving activity moves staff and money between organisations: always a resource decision; a
# larger one is financial too, and the largest strategic. A contract variation is a service
# decision, financial when it is not small.
SHIFT_CATEGORIES = (("service", "resource"), ("service", "resource", "financial"),
                    ("service", "resource", "financial", "strategic"))  # fmt: skip
VARIATION_CATEGORIES = (("service",), ("service", "financial"))
AGREEMENT_CATEGORIES = (("strategic",), ("strategic", "financial"))
AGREEMENT_VALUE_MIX = {"seamless": 0.4, "outcomes": 0.3, "sustainability": 0.3}
#: Reserved Matters (000 §3.4): what each is about
RESERVED_CATEGORIES = {
    MatterKind.MANDATORY_CHANGE: ("policy", "strategic"),
    MatterKind.THIRD_PARTY_TRANSFER: ("resource", "strategic"),
    MatterKind.PUBLIC_CONSULTATION: ("policy", "strategic"),
}
# A shift's terms: share shifted and compensation, both from 0 with 0 the status quo; their upper
# bounds and proposals vary by matter.
SHIFT_NAMES = ("share", "compensation")
SHIFT_ZEROS = _fixed([0.0, 0.0])
VARIATION_TERMS = _terms(("scope", "scope of the variation", 0.0, 1.0, 0.0, 1.0))
CAPITATION_TERM = "risk_share"  # the term that marks a capitated payment mechanism (payment.py)
CAPITATION_TERMS = _terms(
    (CAPITATION_TERM, "share of demand risk carried by providers", 0, 1, 0, 0.7)
)
OUTCOMES_TERMS = _terms(("outcome_share", "share of payment tied to outcomes", 0, 0.5, 0, 0.3))
DESIGN_GROUP_TERMS = _terms(("scope", "number of care pathways covered", 0, 1, 0, 1.0))
SCHEME_TERMS = {
    council: _terms(("provider_share", "providers' share of gains and losses", 0, 0.6, 0, 0.5),
                    ("council_share", "council's share of gains and losses", 0, 0.4, 0,
                     0.2 if council else 0.0))
    for council in (False, True)
}  # fmt: skip


SHIFT_NOISE = [1, 2, 3, 4, 5, 11]  # the draws that vary each role's effect (order of SHIFT_ROLES)


def service_changes(b: _Builder, U: np.ndarray, days: list[int], cfg) -> list[Matter]:
    """Shifts of activity from hospital to community (000 §1.3; 001 §34), built together.

    Row ``r`` of ``U`` holds matter ``r``'s draws: 0 size, 1-5 and 11 how each role's effect
    varies (by up to ~35% either way; 11 the ambulance trust's), 6-7 proposer, 8 service area,
    9 share proposed, 10 a breach (``prohibited.py``), 12 conflict of interest. Avoided admissions
    are avoided conveyances: the ambulance trust loses ``ambulance_income_loss`` per £1 moved
    (001 §22, 37).
    """
    e = b.economics
    lo, hi = cfg.magnitude_m
    M = lo * (hi / lo) ** U[:, 0] if lo > 0 else hi * U[:, 0]
    noise = np.exp(0.3 * (U[:, SHIFT_NOISE] - 0.5) * 2.0)
    coef = np.array(
        [
            e.commissioner_saving,
            -e.acute_margin_loss,
            e.community_margin_gain,
            -e.social_care_uplift,
            e.vcse_gain,
            -e.ambulance_income_loss,
        ]
    )  # fmt: skip (order of SHIFT_ROLES)
    per_share = (M[:, None] * noise * coef) @ b.shift_role_shares
    receiver = "council" if b.council >= 0 else "community"
    per_comp = b.by_role({"commissioner": -1.0, receiver: 1.0})
    count = len(days)
    A = np.empty((count, b.n, 2))
    A[:, :, 0] = per_share
    A[:, :, 1] = per_comp
    B = np.zeros((count, b.n, 2))
    B[:, :, 0] = e.uncertainty * np.abs(per_share)
    D = np.zeros((count, N_OBJ, 2))
    D[:, :, 0] = np.outer(e.outcome_value * M, _objectives(1.0, SHIFT_VALUE_MIX))
    labels = b.labels({
        "commissioner": "tariff saved", "acute": "acute income lost",
        "community": "new community activity", "council": "demand shifted to social care",
        "vcse": "prevention grants", "ambulance": "conveyance income lost",
    }, shift=True)  # fmt: skip
    term_labels = ("share of activity shifted", f"transition funding to the {receiver} (£m a year)")
    hi = np.column_stack([np.ones(count), 0.3 * M])
    x = np.column_stack([0.6 + 0.4 * U[:, 9], np.zeros(count)])
    zeros_n, zeros_obj = np.zeros(b.n), np.zeros(N_OBJ)
    out = []
    for r, (day, u, m) in enumerate(zip(days, U.tolist(), M.tolist(), strict=True)):
        proposer = (
            b.pick(u[6], b.members_of["commissioner"]) if u[7] < 0.7 else b.pick(u[6], b.providers)
        )
        categories = SHIFT_CATEGORIES[(m > 0.5) + (m > 2)]
        area = SERVICE_AREAS[int(u[8] * len(SERVICE_AREAS)) % len(SERVICE_AREAS)]
        terms = (SHIFT_NAMES, term_labels, SHIFT_ZEROS, hi[r], SHIFT_ZEROS, x[r])
        prohibited = "breach" if u[10] < b.breach_share else ""
        out.append(_matter(b, MatterKind.SERVICE_CHANGE, f"Shift {area} from hospital to community",
                           proposer, day, cfg.deadline_days, m, categories, terms, zeros_n, A[r],
                           zeros_n, B[r], labels, zeros_obj, D[r], prohibited))  # fmt: skip
        out[-1].conflicted = b.conflict(u[12], proposer)
    _with_linear_parts(b, out, A, B, D)
    return out


def variations(b: _Builder, U: np.ndarray, days: list[int], cfg) -> list[Matter]:
    """Variations of a services contract (000 §1.3; 002 §4.3; 003: "contract variations"): the
    proposer gains, commissioners pay, all at once. Draws: 0 size, 1-3 effects, 6-7 proposer,
    10 prohibited, 12 conflict of interest."""
    lo, hi = cfg.magnitude_m
    M = lo + (hi - lo) * U[:, 0]
    unc = b.economics.uncertainty
    commissioner_cost = np.outer(-0.15 * M * (0.5 + U[:, 1]), b.role_shares[0])
    values = np.outer(0.2 * M * (0.5 + U[:, 3]), _objectives(1.0, VARIATION_VALUE_MIX))
    zeros_n, zeros_obj = np.zeros(b.n), np.zeros(N_OBJ)
    proposers = [
        b.pick(u[6], b.providers) if u[7] < 0.6 else b.pick(u[6], b.members_of["commissioner"])
        for u in U.tolist()
    ]
    A = commissioner_cost
    A[np.arange(len(days)), proposers] += 0.3 * M
    if b.council >= 0:
        A[:, b.council] += -0.05 * M * (U[:, 2] - 0.3)
    A, B, D = A[:, :, None], np.abs(A)[:, :, None] * unc, values[:, :, None]
    out = []
    for r, (day, u, m) in enumerate(zip(days, U.tolist(), M.tolist(), strict=True)):
        categories = VARIATION_CATEGORIES[m > 0.5]
        labels = b.variation_labels(proposers[r])
        prohibited = "breach" if u[10] < b.breach_share else ""
        out.append(_matter(b, MatterKind.VARIATION, "Vary a services contract", proposers[r], day,
                           cfg.deadline_days, m, categories, VARIATION_TERMS, zeros_n, A[r],
                           zeros_n, B[r], labels, zeros_obj, D[r], prohibited))  # fmt: skip
        out[-1].conflicted = b.conflict(u[12], proposers[r])
    _with_linear_parts(b, out, A, B, D)
    return out


def agreement_variations(b: _Builder, U: np.ndarray, days: list[int], cfg) -> list[Matter]:
    """Notices of Variation of the agreement itself (002 §6.8): any partner may submit one, and
    all partners must agree (``rules.UNANIMOUS_KINDS``).

    002 says nothing of what a variation is worth; assumption: at full scope its proposer gains up
    to 0.3 x its magnitude a year (what it seeks the change for), the other parties bear up to
    0.2 x between them by budget, and service users gain up to 0.2 x in joined-up, sustainable
    care; each effect varies by half either way. A change to the terms every partner signed is a
    strategic decision (financial too when it is not small), for each partner's own governance
    (002 §3.3, 5.4.3). Draws: 0 size, 1-3 effects, 6 proposer (any party, whatever its
    membership, so that the stream is the same for every design).
    """
    lo, hi = cfg.magnitude_m
    M = lo + (hi - lo) * U[:, 0]
    count = len(days)
    proposers = [b.pick(u[6], np.arange(b.n)) for u in U.tolist()]
    rows = np.arange(count)
    others = np.tile(b.budgets, (count, 1))
    others[rows, proposers] = 0.0
    others /= np.maximum(others.sum(axis=1, keepdims=True), 1e-12)
    A = -0.2 * (M * (0.5 + U[:, 2]))[:, None] * others
    A[rows, proposers] += 0.3 * M * (0.5 + U[:, 1])
    values = np.outer(0.2 * M * (0.5 + U[:, 3]), _objectives(1.0, AGREEMENT_VALUE_MIX))
    A, B, D = A[:, :, None], np.abs(A)[:, :, None] * b.economics.uncertainty, values[:, :, None]
    zeros_n, zeros_obj = np.zeros(b.n), np.zeros(N_OBJ)
    title = KIND_TITLES[MatterKind.AGREEMENT_VARIATION] + b.cite(
        Clause.AGREEMENT_VARIATION, "Notice of Variation"
    )
    out = []
    for r, (day, m) in enumerate(zip(days, M.tolist(), strict=True)):
        labels = b.agreement_labels(proposers[r])
        out.append(_matter(b, MatterKind.AGREEMENT_VARIATION, title, proposers[r], day,
                           cfg.deadline_days, m, AGREEMENT_CATEGORIES[m > 0.5], VARIATION_TERMS,
                           zeros_n, A[r], zeros_n, B[r], labels, zeros_obj, D[r]))  # fmt: skip
    _with_linear_parts(b, out, A, B, D)
    return out


def _with_linear_parts(b: _Builder, matters: list[Matter], A, B, D) -> None:
    """Give a batch of matters without fixed effects their linear parts (``Matter.linear``)."""
    zeros = np.zeros(A.shape[:2])
    base, slope = linear_parts(zeros, A, zeros, B, np.zeros(D.shape[:2]), D, b.parties)
    for matter, row, rows in zip(matters, base, slope, strict=True):
        matter.linear = (row, rows)


def admission(b: _Builder, u: np.ndarray, day: int, cfg) -> Matter | None:
    """A proposal to admit an organisation as a full member, decided unanimously, each agreement
    by its own clause.

    - Mid-Notts (001 §39; the council holds the right to leave or step back if its nominated
      social-care provider is refused, ``membership.council_response_to_refusal``): the council
      proposes its provider, for social care joined up with health.
    - Otherwise (002 §6.5: "where a partner or partners wish to admit a new organisation"): any
      partner may propose it, "on terms which are fair, reasonable and non-discriminatory": the
      new partner bears its part of the partnership's common costs like every other (the host's
      recovered costs, 002 §6.4), so the others' parts fall.

    Where the alliance has a risk/reward scheme (``risk.scheme.status`` not ``none``), the
    acute and community providers expect a smaller share of its pool; where it has none, no
    one expects anything of a pool. Each party's effect is what it expects: it decides the vote
    and is never booked (``risk.EXPECTED_ONLY``); the pool and the host's recovery realise it.

    The subject is one of the scenario's ``stream.admission_subjects`` that is not a full
    member; with none, there is no one to admit and no admission. The draws are taken whatever
    the subject, so the rest of the stream is the same for every design.
    """
    if not len(b.outsiders):
        return None
    subject = b.pick(u[5], b.outsiders)
    nominated = b.council_nominates and 0 <= b.council != subject and subject in b.social_care
    F0 = np.zeros(b.n)
    words: dict[str, str] = {}
    if b.scheme.status != "none":
        F0 += b.by_role({"acute": -0.05 * (0.5 + u[1]), "community": -0.05 * (0.5 + u[2])})
        words.update(acute="a smaller share of risk and reward",
                     community="a smaller share of risk and reward")  # fmt: skip
    if nominated:  # 001 §39: the council's own provider, social care joined up
        proposer = b.council
        F0[b.council] += 0.3 * (0.5 + u[3])
        words["council"] = "social care joined up"
    else:  # 002 §6.5: any partner may propose a new organisation
        proposer = b.pick(u[6], np.array([i for i in range(b.n) if i != subject]))
    labels = list(b.labels(words))
    share = b.host_share(subject)
    if share is not None:  # fair terms: the newcomer takes its part of the host's costs
        F0 += share
        labels = [("its part of the host's costs" if i == subject
                   else "a smaller part of the host's costs") if share[i] else labels[i]
                  for i in range(b.n)]  # fmt: skip
    S0 = np.abs(F0) * b.economics.uncertainty
    E0 = _objectives(0.3 * (0.5 + u[4]), {"seamless": 0.5, "outcomes": 0.3, "choice": 0.2})
    matter = _matter(b, MatterKind.ADMISSION, f"Admit {b.names[subject]} as a full member",
                     proposer, day, cfg.deadline_days, 0.0, ("membership", "strategic"), NO_TERMS,
                     F0, b.no_effect, S0, b.no_effect, tuple(labels), E0, b.no_value)  # fmt: skip
    matter.subject = subject
    return matter


def reserved(kind: MatterKind):
    def build(b: _Builder, u: np.ndarray, day: int, cfg) -> Matter:
        lo, hi = cfg.magnitude_m
        M = lo + (hi - lo) * u[0]
        proposer = b.pick(u[6], b.members_of["commissioner"])
        F0 = b.by_role({"commissioner": 0.1 * M, "acute": -0.1 * M * u[1],
                        "community": 0.05 * M * (u[2] - 0.3), "council": -0.05 * M * u[3]})  # fmt: skip
        E0 = _objectives(0.1 * M * (u[4] - 0.2), {"outcomes": 0.5, "accessible": 0.5})
        # Outside the alliance (002 §3.5, second reading) the commissioners decide it the day it
        # arises, as an urgent Reserved Matter is decided; the draw is taken either way.
        urgent = bool(u[11] < b.economics.urgent_share) or b.outside
        matter = _matter(b, kind, KIND_TITLES[kind], proposer, day, cfg.deadline_days, M,
                         RESERVED_CATEGORIES[kind], NO_TERMS, F0, b.no_effect, np.abs(F0) * 0.3,
                         b.no_effect, b.labels({}), E0, b.no_value, urgent=urgent)  # fmt: skip
        matter.outside = b.outside
        return matter

    return build


BATCH_BUILDERS = {
    MatterKind.SERVICE_CHANGE: service_changes,
    MatterKind.VARIATION: variations,
    MatterKind.AGREEMENT_VARIATION: agreement_variations,
}
BUILDERS = {
    MatterKind.ADMISSION: admission,
    MatterKind.MANDATORY_CHANGE: reserved(MatterKind.MANDATORY_CHANGE),
    MatterKind.THIRD_PARTY_TRANSFER: reserved(MatterKind.THIRD_PARTY_TRANSFER),
    MatterKind.PUBLIC_CONSULTATION: reserved(MatterKind.PUBLIC_CONSULTATION),
}


def _transition_effects(b: _Builder) -> dict:
    M = 0.05 * b.provider_budget
    provider_share = b.by_role({"acute": 1.0, "community": 1.0}) / max(
        1.0, (b.share["acute"] is not None) + (b.share["community"] is not None)
    )
    council_share = np.zeros(b.n)
    if b.council >= 0:
        council_share[b.council] = 1.0
    comm_share = b.by_role({"commissioner": 1.0})
    design = b.by_role({"commissioner": -0.002 * M, "community": 0.001 * M, "vcse": 0.001 * M})
    relief = _capitation_relief(b)
    effects = {
        "zeros_n": np.zeros(b.n),
        "zeros_obj": np.zeros(N_OBJ),
        "capitation": (
            b.by_role({"commissioner": 0.04 * M, "acute": -0.025 * M, "community": -0.01 * M})
            + relief,
            b.by_role({"acute": 0.2 * M, "community": 0.1 * M}),
            _objectives(0.04 * M, {"sustainability": 0.5, "prevention": 0.3, "outcomes": 0.2}),
            b.labels({"commissioner": "certainty of spend, less the saving a budget forgoes",
                      "acute": "demand risk taken on, less the activity income a budget keeps",
                      "ambulance": "demand risk taken on, less the conveyance income a budget "
                                   "keeps",
                      "community": "demand risk taken on"}, shift=True),
        ),
        "outcomes": (
            b.by_role({"commissioner": 0.02 * M, "acute": -0.01 * M, "community": 0.005 * M}),
            b.by_role({"acute": 0.05 * M, "community": 0.03 * M}),
            _objectives(0.05 * M, {"outcomes": 0.6, "prevention": 0.4}),
            b.labels({"commissioner": "payment for results", "acute": "income at risk",
                      "community": "income at risk"}),
        ),
        "scheme": (
            comm_share,
            np.column_stack([provider_share - comm_share, council_share - comm_share]),
            np.column_stack([np.abs(provider_share - comm_share),
                             np.abs(council_share - comm_share)]),
            _objectives(0.2 * (0.01 * b.budget_total), {"outcomes": 0.5, "sustainability": 0.5}),
            np.zeros((N_OBJ, 2)),
            b.labels({k: "expected share of the gain/loss pool" for k in ROLES}),
        ),
        "design_groups": (
            design,
            np.abs(design) * 0.3,
            _objectives(0.01 * M, {"seamless": 0.5, "outcomes": 0.5}),
            b.labels({}),
        ),
    }  # fmt: skip
    zeros_n, zeros_obj = effects["zeros_n"], effects["zeros_obj"]
    for key in ("capitation", "outcomes", "design_groups"):
        A, B, D, labels = effects[key]
        A, B, D = A[:, None], B[:, None], D[:, None]
        linear = linear_parts(zeros_n, A, zeros_n, B, zeros_obj, D, b.parties)
        effects[key] = (A, B, D, labels, linear)
    # Every run of the scenario shares these arrays: read-only, so no run can change another's.
    for value in effects.values():
        for arr in value if isinstance(value, tuple) else (value,):
            if isinstance(arr, np.ndarray):
                arr.flags.writeable = False
    return effects


def _capitation_relief(b: _Builder) -> np.ndarray:
    """What a capitated budget is worth to each party a year, per unit of the demand risk the
    providers carry under it: payment by results costs the acute and ambulance providers the
    activity income of every shift agreed (001 §22, 34), and the budget removes
    ``capitation_relief`` of it (001 §30: providers "paid for outcomes such as ... reducing
    hospital admissions"); the commissioners forgo as much (``payment.py``). Valued on the
    shifts the parties expect in ``capitation_horizon_years``: the rate of service changes times
    the mean yearly income each costs (mean magnitude of a log-uniform draw, mean share proposed
    0.8, mean spread of the effect) — the same quantities ``service_changes`` draws from."""
    e = b.economics
    cfg = b.kinds.get(MatterKind.SERVICE_CHANGE)
    if cfg is None or not cfg.rate_per_year or not b.activity_paid.any():
        return np.zeros(b.n)
    lo, hi = cfg.magnitude_m
    mean_m = (hi - lo) / np.log(hi / lo) if 0 < lo < hi else (lo + hi) / 2
    spread = np.sinh(0.3) / 0.3  # mean of exp(0.3 (2U - 1)), the shift's noise (SHIFT_NOISE)
    loss = cfg.rate_per_year * mean_m * 0.8 * spread * e.capitation_horizon_years
    coef = np.zeros(len(SHIFT_ROLES))
    coef[SHIFT_ROLES.index("acute")] = e.acute_margin_loss
    coef[SHIFT_ROLES.index("ambulance")] = e.ambulance_income_loss
    relieved = e.capitation_relief * loss * (coef @ b.shift_role_shares)  # >= 0, activity-paid
    payer = b.share["commissioner"] if b.share["commissioner"] is not None else np.zeros(b.n)
    return relieved - relieved.sum() * payer


def _scheme(b: _Builder, luck: float, proposer: int, day: float, deadline: int, title: str,
            transition: bool = False) -> Matter:  # fmt: skip
    """A risk/reward scheme before the board (000 §2.2d; 003): who takes what share of the
    gain/loss pool; terms p (providers' share) and c (council's share); commissioners carry
    1 - p - c. Each party values it by the share of the pool it expects (mean ``pool * (luck -
    0.4)`` a year, where ``pool`` is 1% of the budgets in scope, and as much again either way):
    an expectation that decides its vote, never booked as money (``risk.EXPECTED_ONLY``)."""
    pool = 0.01 * b.budget_total
    mu, sigma = pool * (luck - 0.4), pool
    base, terms, spread, E0, D, labels = b.transition_effects()["scheme"]
    scheme = _matter(b, MatterKind.RISK_REWARD, title, proposer, day, deadline, pool,
                     ("financial", "strategic"), SCHEME_TERMS[b.council >= 0], mu * base,
                     mu * terms, sigma * base, sigma * spread, labels, E0, D,
                     transition=transition)  # fmt: skip
    scheme.share_base = base
    scheme.share_terms = terms
    return scheme


def negotiated_scheme(scenario: Scenario, index: dict[str, int],
                      rng: np.random.Generator) -> Matter | None:  # fmt: skip
    """The scheme the members negotiate early in the term (``risk.scheme.status =
    "negotiated"``; 004 p.15: "discuss and agree risk share early"; 003 Schedule 4), proposed by
    ``risk.scheme.proposer`` (by default the first commissioner, 004 p.6) on ``risk.scheme.day``.

    Its draws are taken whatever the scheme's status and after every other draw of the run, so
    that designs that differ only in how the scheme comes about face the same business.
    """
    u = rng.random(DRAWS_PER_MATTER)
    scheme = scenario.risk.scheme
    if scheme.status != "negotiated":
        return None
    b = stream_builder(scenario, index)
    commissioners = b.members_of["commissioner"]
    proposer = (index[scheme.proposer] if scheme.proposer
                else int(commissioners[0]) if len(commissioners) else 0)  # fmt: skip
    title = "Risk and reward sharing scheme" + b.cite(Clause.RISK_REWARD_SCHEME)
    return _scheme(b, u[2], proposer, scheme.day, scheme.deadline_days, title)


def transition_matters(b: _Builder, u: np.ndarray, deadline: int) -> list[Matter]:
    """The transition activities of 001 §43 (a)-(d), proposed early and due by the deadline."""
    if not len(b.members_of["commissioner"]):
        return []
    fixed = b.transition_effects()
    lead = int(b.members_of["commissioner"][0])
    M = 0.05 * b.provider_budget
    zeros_n, zeros_obj = fixed["zeros_n"], fixed["zeros_obj"]
    out = []
    # (a) capitated payment mechanism for health providers (personal budgets excluded, 001 §30)
    A, B, D, labels, linear = fixed["capitation"]
    title = "Capitated payment mechanism" + b.cite(Clause.CAPITATION)
    out.append(_matter(b, MatterKind.PAYMENT_MODEL, title, lead,
                       30 + 60 * u[0], deadline, M, ("financial", "strategic"), CAPITATION_TERMS,
                       zeros_n, A, zeros_n, B, labels, zeros_obj, D, transition=True))  # fmt: skip
    out[-1].linear = linear
    # (b) outcomes-based payment for the NHS service contracts
    A, B, D, labels, linear = fixed["outcomes"]
    title = "Outcomes-based payment" + b.cite(Clause.OUTCOME_PAYMENT)
    out.append(_matter(b, MatterKind.PAYMENT_MODEL, title, lead,
                       60 + 60 * u[1], deadline, 0.5 * M, ("financial", "policy"), OUTCOMES_TERMS,
                       zeros_n, A, zeros_n, B, labels, zeros_obj, D, transition=True))  # fmt: skip
    out[-1].linear = linear
    # (c) the risk/reward scheme, where the agreement makes it a transition activity
    if b.scheme.status == "transition":
        title = "Risk and reward sharing scheme" + b.cite(Clause.RISK_REWARD_SCHEME)
        out.append(_scheme(b, u[2], lead, 90 + 90 * u[3], deadline, title, transition=True))
    # (d) care design groups
    A, B, D, labels, linear = fixed["design_groups"]
    title = "Establish care design groups" + b.cite(Clause.CARE_DESIGN_GROUPS)
    out.append(_matter(b, MatterKind.VARIATION, title, lead,
                       30 + 30 * u[4], deadline, 0.02 * M, ("service", "policy"), DESIGN_GROUP_TERMS,
                       zeros_n, A, zeros_n, B, labels, zeros_obj, D, transition=True))  # fmt: skip
    out[-1].linear = linear
    return out


def stream_builder(scenario: Scenario, index: dict[str, int]) -> _Builder:
    """The parties' roles and shares for the stream, compiled once per scenario."""
    return derived(scenario, "stream_builder", lambda s: _Builder(s, index))


def generate(scenario: Scenario, index: dict[str, int], rng: np.random.Generator) -> list[Matter]:
    """All generated matters of one run, unsorted, ids not yet assigned."""
    stream = scenario.stream
    if not stream.enabled:
        return []
    b = stream_builder(scenario, index)
    horizon = scenario.horizon_days
    years = horizon / 365.25
    out: list[Matter] = []
    if stream.transition_matters and scenario.scenario.transition_end is not None:
        deadline = scenario.day_of(scenario.scenario.transition_end)
        out.extend(transition_matters(b, rng.random(DRAWS_PER_MATTER), deadline))
    for kind in sorted(stream.kinds, key=str):
        cfg = stream.kinds[kind]
        count = int(rng.poisson(cfg.rate_per_year * years))
        days = np.sort(rng.integers(0, horizon, size=count))
        draws = rng.random((count, DRAWS_PER_MATTER))
        if kind in BATCH_BUILDERS:
            if count:
                out.extend(BATCH_BUILDERS[kind](b, draws, days.tolist(), cfg))
            continue
        builder = BUILDERS[kind]  # config.Stream admits only the kinds that have one
        for day, u in zip(days.tolist(), draws, strict=True):
            matter = builder(b, u, day, cfg)
            if matter is not None:
                out.append(matter)
    return out
