"""Shared hypothesis generators: random small alliances and the matters put before them.

Every generator returns plain dicts in the scenario file's shape, so a failing example shrinks to
something that can be pasted into a TOML file. Numbers are drawn on coarse grids (hundredths) so
that shrunk examples stay readable.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from alliance_sim.config import OBJECTIVES, Category
from tests.builders import scenario_dict

PARTY_KINDS = ("commissioner", "provider", "vcse", "council")
MEMBERSHIPS = ("full", "associate", "none")
CATEGORIES = tuple(c.value for c in Category)
RESERVED = ("mandatory_change", "third_party_transfer", "public_consultation")
#: Kinds the full members vote on whose only consequence is the decision itself (admissions,
#: extensions, reconfiguration and termination also change the alliance once decided).
ORDINARY = ("service_change", "payment_model", "variation")


def grid(lo: float, hi: float, step: float = 0.01) -> st.SearchStrategy[float]:
    """A float in [lo, hi] on a grid of ``step``."""
    n = round((hi - lo) / step)
    return st.integers(0, n).map(lambda i: round(lo + i * step, 10))


unit = grid(0.0, 1.0)


@st.composite
def weights(draw, min_finance: float = 0.0) -> dict[str, float]:
    out = {"finance": draw(grid(min_finance, 1.0))}
    for name in OBJECTIVES:
        out[name] = draw(unit)
    return out


@st.composite
def authorities(draw) -> dict[str, Any]:
    return {
        "threshold_m": draw(grid(0.0, 3.0, 0.1)),
        "excluded_categories": draw(st.lists(st.sampled_from(CATEGORIES), unique=True, max_size=3)),
    }


@st.composite
def home_bodies(draw) -> dict[str, Any]:
    return {
        "name": "Home board",
        "cadence_days": draw(st.integers(7, 60)),
        "first_meeting_day": draw(st.integers(0, 60)),
        "notice_days": draw(st.integers(0, 14)),
        "own_interest_bias": draw(unit),
    }


@st.composite
def party_configs(draw, membership: str | None = None, min_finance: float = 0.0) -> dict[str, Any]:
    kind = draw(st.sampled_from(PARTY_KINDS))
    return {
        "name": f"{kind} {draw(st.integers(0, 999))}",
        "kind": kind,
        "membership": membership or draw(st.sampled_from(MEMBERSHIPS)),
        "budget_m": draw(grid(0.0, 100.0, 0.5)),
        "risk_tolerance_m": draw(grid(0.0, 2.0)),
        "loss_aversion": draw(grid(0.0, 3.0)),
        "best_for_service": draw(unit),
        "weights": draw(weights(min_finance)),
        "authority": draw(authorities()),
        "home_body": draw(home_bodies()),
    }


@st.composite
def alliances(
    draw,
    min_parties: int = 2,
    max_parties: int = 6,
    all_full: bool = False,
    min_finance: float = 0.0,
) -> dict[str, dict[str, Any]]:
    """2 to 6 parties keyed p0, p1, ...; at least one is a full member."""
    n = draw(st.integers(min_parties, max_parties))
    if all_full:
        memberships = ["full"] * n
    else:
        memberships = draw(st.lists(st.sampled_from(MEMBERSHIPS), min_size=n, max_size=n))
        if "full" not in memberships:
            memberships[draw(st.integers(0, n - 1))] = "full"
    return {f"p{i}": draw(party_configs(m, min_finance)) for i, m in enumerate(memberships)}


@st.composite
def boards(draw, rule: str | None = None) -> dict[str, Any]:
    return {
        "rule": rule
        or draw(st.sampled_from(("unanimity", "best_for_service", "qualified_majority"))),
        "qualified_majority": draw(grid(0.51, 1.0)),
        "cadence_days": draw(st.integers(14, 42)),
        "first_meeting_day": draw(st.integers(0, 20)),
        "notice_days": draw(st.integers(0, 14)),
        "max_agenda": draw(st.integers(1, 6)),
    }


@st.composite
def term_specs(draw, n: int) -> list[dict[str, Any]]:
    out = []
    for j in range(n):
        out.append(
            {
                "name": f"t{j}",
                "low": 0.0,
                "high": 1.0,
                "status_quo": draw(unit),
                "proposed": draw(unit),
            }
        )
    return out


@st.composite
def impacts(draw, term_names: list[str]) -> dict[str, Any]:
    return {
        "mean_m": draw(grid(-2.0, 2.0)),
        "sd_m": draw(grid(0.0, 1.0)),
        "per_term": {t: draw(grid(-2.0, 2.0)) for t in term_names},
        "sd_per_term": {t: draw(grid(0.0, 1.0)) for t in term_names},
    }


@st.composite
def ideals(draw, term_names: list[str]) -> dict[str, Any]:
    return {t: {"ideal": draw(unit), "weight": draw(grid(0.0, 2.0))} for t in term_names}


@st.composite
def matter_specs(
    draw,
    matter_id: str,
    party_keys: list[str],
    max_day: int = 400,
    kinds: tuple[str, ...] = ORDINARY + RESERVED,
    max_terms: int = 2,
    proposers: list[str] | None = None,
) -> dict[str, Any]:
    """A matter with 0-2 terms, random impacts on some parties and ideals for some."""
    k = draw(st.integers(0, max_terms))
    terms = draw(term_specs(k))
    names = [t["name"] for t in terms]
    kind = draw(st.sampled_from(kinds))
    who_impact = draw(st.lists(st.sampled_from(party_keys), unique=True))
    who_ideal = draw(st.lists(st.sampled_from(party_keys), unique=True)) if k else []
    spec: dict[str, Any] = {
        "id": matter_id,
        "kind": kind,
        "proposer": draw(st.sampled_from(proposers or party_keys)),
        "day": draw(st.integers(0, max_day)),
        "deadline_days": draw(st.integers(20, 400)),
        "magnitude_m": draw(grid(0.0, 3.0, 0.1)),
        "categories": draw(st.lists(st.sampled_from(CATEGORIES), unique=True, max_size=2)),
        "prohibited": draw(st.sampled_from(("", "", "", "", "breach"))),
        "urgent": draw(st.booleans()) if kind in RESERVED else False,
        "effects": draw(st.dictionaries(st.sampled_from(OBJECTIVES), grid(-1.0, 1.0), max_size=3)),
        "terms": terms,
        "impacts": {p: draw(impacts(names)) for p in who_impact},
        "ideals": {p: draw(ideals(names)) for p in who_ideal},
    }
    return spec


@st.composite
def scenarios(
    draw,
    rule: str | None = None,
    min_parties: int = 2,
    max_parties: int = 6,
    max_matters: int = 4,
    kinds: tuple[str, ...] = ORDINARY + RESERVED,
    agreeable: bool = False,
) -> dict[str, Any]:
    """A random small alliance over two years with 1 to ``max_matters`` hand-written matters.

    ``agreeable`` puts first on the board a matter every rule must agree (``WELCOME``), so that a
    property about agreed matters is never checked on none.
    """
    parties = draw(alliances(min_parties, max_parties))
    keys = list(parties)
    # Only a member brings business to the board (a non-member's proposal is withdrawn): the
    # proposers are members, the impacts fall on anyone.
    members = [k for k in keys if parties[k]["membership"] != "none"] or keys
    n = draw(st.integers(1, max_matters))
    matters = [draw(matter_specs(f"m{i}", keys, kinds=kinds, proposers=members)) for i in range(n)]
    if agreeable:
        matters.insert(0, welcome([*members, *(k for k in keys if k not in members)]))
    return scenario_dict(parties, matters, days=730, **draw(boards(rule)))


WELCOME = "welcome"


def welcome(keys: list[str]) -> dict[str, Any]:
    """A matter everyone gains from for certain, within everyone's authority, on day 0: each
    party gains £1m, and its terms are proposed at everyone's ideal (so even a party that weighs
    neither money nor the objectives prefers them to the status quo)."""
    return {
        "id": WELCOME,
        "kind": "service_change",
        "proposer": keys[0],
        "day": 0,
        "deadline_days": 400,
        "magnitude_m": 0.0,
        "terms": [{"name": "t0", "status_quo": 0.0, "proposed": 1.0}],
        "impacts": {k: {"mean_m": 1.0} for k in keys},
        "ideals": {k: {"t0": {"ideal": 1.0, "weight": 1.0}} for k in keys},
        "effects": {"outcomes": 1.0},
    }


@st.composite
def positional_cases(draw, dims: int | None = None) -> dict[str, Any]:
    """The classic picture: full members with ideal points over 1 or 2 terms, and a status quo.

    Nothing else moves anyone (no money, no effects), so a member prefers terms ``x`` to the
    status quo exactly when ``x`` is nearer its ideal (weighted Euclidean distance). Associates
    may hold ideals too but never count. The board meets weekly for ten years and the matter's
    deadline is the whole term, so the negotiation has hundreds of meetings.
    """
    k = dims or draw(st.integers(1, 2))
    n_full = draw(st.integers(2, 4))
    n_assoc = draw(st.integers(0, 2))
    names = [f"t{j}" for j in range(k)]
    parties = {}
    matter_ideals = {}
    for i in range(n_full + n_assoc):
        key = f"p{i}"
        parties[key] = {
            "name": f"Party {i}",
            "kind": draw(st.sampled_from(PARTY_KINDS)),
            "membership": "full" if i < n_full else "associate",
        }
        matter_ideals[key] = {
            t: {"ideal": draw(unit), "weight": draw(grid(0.5, 2.0))} for t in names
        }
    terms = [
        {"name": t, "low": 0.0, "high": 1.0, "status_quo": draw(unit), "proposed": draw(unit)}
        for t in names
    ]
    spec = {
        "id": "m",
        "kind": "service_change",
        "proposer": "p0",
        "day": 0,
        "deadline_days": 3650,
        "terms": terms,
        "ideals": matter_ideals,
    }
    return scenario_dict(
        parties, [spec], days=3650, cadence_days=7, first_meeting_day=0, notice_days=0
    )


@st.composite
def negotiable_cases(draw, dims: int | None = None) -> dict[str, Any]:
    """One negotiable matter before 2-4 full members with every kind of preference at once.

    Financial impacts and their uncertainty move with the terms, the objectives' effects move
    with the terms, and some members also hold ideal points: each member's surplus is concave in
    the terms (issue #2 §5). No one needs to refer (magnitude 0). The board meets weekly for ten
    years and the deadline is the whole term.
    """
    k = dims or draw(st.integers(1, 2))
    names = [f"t{j}" for j in range(k)]
    n = draw(st.integers(2, 4))
    parties = {}
    matter_impacts = {}
    matter_ideals = {}
    for i in range(n):
        key = f"p{i}"
        parties[key] = {
            "name": f"Party {i}",
            "kind": draw(st.sampled_from(PARTY_KINDS)),
            "risk_tolerance_m": draw(grid(0.0, 1.0)),
            "loss_aversion": draw(grid(0.0, 3.0)),
            "best_for_service": draw(unit),
            "weights": draw(weights()),
        }
        matter_impacts[key] = {
            "mean_m": draw(grid(-1.0, 1.0)),
            "sd_m": draw(grid(0.0, 0.5)),
            "per_term": {t: draw(grid(-2.0, 2.0)) for t in names},
            "sd_per_term": {t: draw(grid(0.0, 0.5)) for t in names},
        }
        if draw(st.booleans()):
            matter_ideals[key] = {
                t: {"ideal": draw(unit), "weight": draw(grid(0.0, 1.0))} for t in names
            }
    effects = draw(st.dictionaries(st.sampled_from(OBJECTIVES), grid(-1.0, 1.0), max_size=3))
    effects_per_term = {
        t: draw(st.dictionaries(st.sampled_from(OBJECTIVES), grid(-1.0, 1.0), max_size=2))
        for t in names
    }
    spec = {
        "id": "m",
        "kind": "service_change",
        "proposer": "p0",
        "deadline_days": 3650,
        "terms": [{"name": t, "status_quo": draw(unit), "proposed": draw(unit)} for t in names],
        "effects": effects,
        "effects_per_term": effects_per_term,
        "impacts": matter_impacts,
        "ideals": matter_ideals,
    }
    return scenario_dict(
        parties, [spec], days=3650, cadence_days=7, first_meeting_day=0, notice_days=0
    )
