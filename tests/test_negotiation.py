"""Rule 7: the negotiation finds terms every full member prefers to the status quo when they exist.

Issue #2 §5. Positional cases are set up by hand (ideal points over one or two terms, a status quo),
so the *win set* (terms every full member strictly prefers to the status quo) is known exactly:
with utility falling with distance from its ideal ``p``, a member prefers ``x`` to ``q`` iff
``|x - p| < |q - p|`` (a ball around ``p`` through ``q``). The board meets weekly for ten years.

Two property tests compare the board with a brute-force search over the terms: one on the classic
positional picture, one with money, risk, objectives and ideal points together, where each
member's surplus is recomputed independently from the formula documented in ``matters.py``.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import event, given, settings

from alliance_sim import Scenario
from alliance_sim.config import OBJECTIVES
from alliance_sim.records.events import Ev
from tests.builders import build, events_on, full_member_keys, get_matter, key, matter, party, run
from tests.strategies import negotiable_cases, positional_cases

LONG = {"days": 3650, "cadence_days": 7, "first_meeting_day": 0, "notice_days": 0}
THREE = {"a": party("commissioner"), "b": party("provider"), "c": party("council")}


def positional(ideals: dict[str, tuple[float, ...]], q, proposed, lo=0.0, hi=1.0, **kw) -> dict:
    names = [f"t{j}" for j in range(len(q))]
    return matter(
        "m",
        "a",
        deadline_days=3650,
        terms=[
            {"name": n, "low": lo, "high": hi, "status_quo": qj, "proposed": pj}
            for n, qj, pj in zip(names, q, proposed, strict=True)
        ],
        ideals={p: {n: {"ideal": v} for n, v in zip(names, point, strict=True)}
                for p, point in ideals.items()},
        **kw,
    )  # fmt: skip


def dist(x, p) -> float:
    return float(np.linalg.norm(np.asarray(x, float) - np.asarray(p, float)))


def test_one_dimension_agreed_inside_the_hand_computed_win_set():
    # Ideals 0.2, 0.5, 0.8, status quo 0: member i prefers x in (0, 2 p_i); the win set is
    # (0, 0.4). The proposal 0.8 is outside it (a prefers 0 to 0.8), so it must be amended.
    model = run(build(THREE, [positional({"a": (0.2,), "b": (0.5,), "c": (0.8,)}, (0.0,), (0.8,))],
                      **LONG))  # fmt: skip
    m = get_matter(model, "m")
    assert m.outcome == "agreed"
    assert m.amendments >= 1
    (x,) = m.x
    assert 0.0 < x < 0.4
    (agreed,) = events_on(model, "m", Ev.AGREED)
    np.testing.assert_array_equal(agreed.x, m.x)


def test_proposal_already_in_the_win_set_is_agreed_unamended():
    model = run(build(THREE, [positional({"a": (0.2,), "b": (0.5,), "c": (0.8,)}, (0.0,), (0.3,))],
                      **LONG))  # fmt: skip
    m = get_matter(model, "m")
    assert (m.outcome, m.amendments, m.meetings) == ("agreed", 0, 1)
    assert m.x[0] == 0.3


def test_two_dimensions_classic_picture():
    # Ideal points A (0.2, 0.2), B (0.8, 0.2), C (0.5, 0.8); status quo (0.5, 0) below the
    # triangle. Each member accepts the open disc around its ideal through the status quo; the
    # discs overlap near (0.5, 0.2) (distances 0.3, 0.3, 0.6 < radii 0.36, 0.36, 0.8).
    ideals = {"a": (0.2, 0.2), "b": (0.8, 0.2), "c": (0.5, 0.8)}
    q = (0.5, 0.0)
    assert all(dist((0.5, 0.2), p) < dist(q, p) for p in ideals.values())
    model = run(build(THREE, [positional(ideals, q, (0.9, 0.9))], **LONG))
    m = get_matter(model, "m")
    assert m.outcome == "agreed"
    assert m.amendments >= 1
    for p in ideals.values():
        assert dist(m.x, p) < dist(q, p)


def test_two_dimensions_empty_win_set_is_stalemate():
    # Every member's disc has the status quo on its boundary; with equal weights the discs share
    # an interior point iff some direction d has d . (p_i - q) > 0 for every ideal p_i, i.e. iff
    # q lies outside the convex hull of the ideals. Here q = (0.5, 0.5) lies inside the triangle
    # (0.2, 0.2), (0.8, 0.2), (0.5, 0.9), so every move away from q hurts someone.
    ideals = {"a": (0.2, 0.2), "b": (0.8, 0.2), "c": (0.5, 0.9)}
    model = run(build(THREE, [positional(ideals, (0.5, 0.5), (0.9, 0.9))], **LONG))
    m = get_matter(model, "m")
    assert m.outcome == "stalemate"


def test_one_dimension_ideals_on_opposite_sides_is_stalemate():
    model = run(build(THREE, [positional({"a": (0.2,), "b": (0.8,), "c": (0.6,)}, (0.5,), (0.8,))],
                      **LONG))  # fmt: skip
    assert get_matter(model, "m").outcome == "stalemate"


def test_associates_ideals_are_ignored():
    # An associate with its ideal at the status quo would veto everything if it could vote.
    parties = {**THREE, "d": party("vcse", "associate")}
    spec = positional({"a": (0.2,), "b": (0.5,), "c": (0.8,), "d": (0.0,)}, (0.0,), (0.8,))
    m = get_matter(run(build(parties, [spec], **LONG)), "m")
    assert m.outcome == "agreed" and 0.0 < m.x[0] < 0.4


# -- property: agrees exactly when a brute-force search finds a win set -------------------------

GRID = {1: 2001, 2: 201}
MARGIN = 0.02  # "with some margin": the best grid point beats the status quo by this for everyone


def ideal_point(spec, party: str) -> tuple[np.ndarray, np.ndarray]:
    """A party's ideal terms and the weight it puts on each, in the order of the matter's terms."""
    ideal = spec.ideals[party]
    names = [t.name for t in spec.terms]
    return np.array([ideal[n].ideal for n in names]), np.array([ideal[n].weight for n in names])


def surpluses(s: Scenario, points: np.ndarray) -> np.ndarray:
    """Each full member's utility gain over the status quo at each point: shape (members, points)."""
    spec = s.matters[0]
    q = np.array([t.status_quo for t in spec.terms])
    rows = []
    for k in sorted(full_member_keys(s)):
        p, w = ideal_point(spec, k)
        d_q = np.sqrt((w * (q - p) ** 2).sum())
        d_x = np.sqrt((w * (points - p) ** 2).sum(axis=1))
        rows.append(d_q - d_x)
    return np.array(rows)


def grid_points(k: int) -> np.ndarray:
    axis = np.linspace(0.0, 1.0, GRID[k])
    return np.array(list(itertools.product(axis, repeat=k)))


def clearly_no_win_set(s: Scenario) -> bool:
    """Whether no terms can be strictly preferred by every full member, decided from directions.

    Each member's win set is an open ellipse with the status quo q on its boundary, so the win sets
    share a point iff some direction d out of q (and into the terms' box) has d . g_i > 0 for every
    member, where g_i = W_i (p_i - q) is the gradient of its utility at q. A member whose ideal is
    the status quo prefers nothing to it. In 2-D, directions are searched on a fine angular grid
    and "clearly none" needs the best to fall short of 0 by more than the grid's resolution.
    """
    spec = s.matters[0]
    q = np.array([t.status_quo for t in spec.terms])
    lo = np.array([t.low for t in spec.terms])
    hi = np.array([t.high for t in spec.terms])
    g = []
    for member in sorted(full_member_keys(s)):
        p, w = ideal_point(spec, member)
        g.append(w * (p - q))
    g = np.array(g)
    norms = np.linalg.norm(g, axis=1)
    if (norms == 0).any():
        return True
    g = g / norms[:, None]
    if len(q) == 1:
        directions, resolution = np.array([[1.0], [-1.0]]), 0.0
    else:
        theta = np.linspace(0.0, 2 * np.pi, 7200, endpoint=False)
        directions, resolution = np.column_stack([np.cos(theta), np.sin(theta)]), 2 * np.pi / 7200
    into_box = ((directions >= -1e-9) | (q > lo)) & ((directions <= 1e-9) | (q < hi))
    directions = directions[into_box.all(axis=1)]
    return float((directions @ g.T).min(axis=1).max()) + resolution < 0


@settings(max_examples=100, deadline=None)
@given(positional_cases())
def test_property_agrees_iff_a_win_set_exists(data):
    s = Scenario.model_validate(data)
    spec = s.matters[0]
    k = len(spec.terms)
    best = surpluses(s, grid_points(k)).min(axis=0).max()
    none = clearly_no_win_set(s)
    assert not (none and best > 0), "the two searches disagree"

    model = run(s)
    m = get_matter(model, "m")
    event(f"{k}-D, win set {'found' if best > MARGIN else 'none' if none else 'unclear'}")
    event(f"outcome {m.outcome}")
    if m.outcome == "agreed":
        # Agreed terms are strictly preferred by every full member.
        assert (surpluses(s, m.x[None, :]) > 0).all()
        final = [v for v in model.log.votes if v.day == m.decided_day]
        assert {key(model, v.party) for v in final} == full_member_keys(s)
    if best > MARGIN:
        assert m.outcome == "agreed", f"a win set exists (best grid point beats q by {best:.3f})"
    if none:
        assert m.outcome == "stalemate"


# -- property: the same with money, risk, objectives and ideals together -------------------------


def documented_surplus(s: Scenario, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each member's surplus at each point, from the formula in ``matters.py``'s docstring:

    own = w_fin (F - la max(0, -(F - sd) - tol)) + W.E;  sys = sum of F + sum of E;
    s = (1 - bfs) own + bfs sys - dist(x, ideal) + dist(q, ideal).

    Returns (s of shape (members, points), a bound on how fast each member's s can change per unit
    move along each term, shape (members, terms)).
    """
    spec = s.matters[0]
    names = [t.name for t in spec.terms]
    q = np.array([t.status_quo for t in spec.terms])
    keys = list(s.parties)
    F, SD, slopes_F, slopes_SD = [], [], [], []
    for k in keys:
        imp = spec.impacts[k]
        a = np.array([imp.per_term.get(n, 0.0) for n in names])
        b = np.array([imp.sd_per_term.get(n, 0.0) for n in names])
        F.append(imp.mean_m + points @ a)
        SD.append(imp.sd_m + points @ b)
        slopes_F.append(a)
        slopes_SD.append(b)
    E0 = np.array([spec.effects.get(o, 0.0) for o in OBJECTIVES])
    D = np.array(
        [[spec.effects_per_term.get(n, {}).get(o, 0.0) for n in names] for o in OBJECTIVES]
    )
    E = E0[:, None] + D @ points.T  # (objectives, points)
    system = np.sum(F, axis=0) + E.sum(axis=0)
    d_system = np.abs(np.sum(slopes_F, axis=0)) + np.abs(D).sum(axis=0)
    out, bounds = [], []
    for i, k in enumerate(keys):
        p = s.parties[k]
        W = np.array(p.weights.objective_vector())
        down = F[i] - SD[i]
        penalty = p.loss_aversion * np.maximum(-down - p.risk_tolerance_m, 0.0)
        own = p.weights.finance * (F[i] - penalty) + W @ E
        surplus = (1 - p.best_for_service) * own + p.best_for_service * system
        d_own = p.weights.finance * (
            np.abs(slopes_F[i]) * (1 + p.loss_aversion) + p.loss_aversion * slopes_SD[i]
        ) + np.abs(W @ D)
        bound = (1 - p.best_for_service) * d_own + p.best_for_service * d_system
        if k in spec.ideals:
            c, w = ideal_point(spec, k)
            surplus = surplus + np.sqrt((w * (q - c) ** 2).sum())
            surplus = surplus - np.sqrt((w * (points - c) ** 2).sum(axis=1))
            bound = bound + np.sqrt(w)
        out.append(surplus)
        bounds.append(bound)
    return np.array(out), np.array(bounds)


GENERAL_MARGIN = 0.05


@settings(max_examples=60, deadline=None)
@given(negotiable_cases())
def test_property_general_agrees_iff_acceptable_terms_exist(data):
    s = Scenario.model_validate(data)
    k = len(s.matters[0].terms)
    points = grid_points(k)
    surplus, bounds = documented_surplus(s, points)
    worst = surplus.min(axis=0)
    best = worst.max()
    # A point off the grid is within h/2 of one along each term.
    h = 1.0 / (GRID[k] - 1)
    slack = (bounds.max(axis=0) * h / 2).sum()
    none = best + slack < 0

    model = run(s)
    m = get_matter(model, "m")
    event(
        f"{k}-D, acceptable terms {'found' if best > GENERAL_MARGIN else 'none' if none else 'unclear'}"
    )
    event(f"outcome {m.outcome}")
    if m.outcome == "agreed":
        at_agreed, _ = documented_surplus(s, m.x[None, :])
        assert (at_agreed > 0).all(), at_agreed.ravel()
    if best > GENERAL_MARGIN:
        assert m.outcome == "agreed", f"terms exist (best grid point: worst surplus {best:.3f})"
    if none:
        assert m.outcome == "stalemate"


def test_a_concern_pointing_past_a_terms_range_still_moves_the_other_terms():
    """Found by the property test: every member wants t0 below its floor, so a step that only
    clips would keep ~1% of each concern and need hundreds of meetings. Projected onto the face of
    the ranges, the board reaches terms everyone accepts within a few meetings."""
    import datetime as dt

    from alliance_sim import Scenario, simulate

    def member(bfs, finance, accessible):
        weights = dict.fromkeys(
            ("outcomes", "seamless", "local", "prevention", "sustainability", "choice"), 0.0
        )
        return {"name": "P", "kind": "commissioner", "risk_tolerance_m": 0.0,
                "loss_aversion": 0.0, "best_for_service": bfs,
                "weights": {**weights, "finance": finance, "accessible": accessible}}  # fmt: skip

    data = {
        "scenario": {"name": "t", "start": dt.date(2020, 1, 1), "end": dt.date(2029, 12, 29)},
        "board": {"cadence_days": 7, "first_meeting_day": 0, "notice_days": 0},
        "parties": {
            "p0": member(0.14, 0.21, 0.04),
            "p1": member(0.0, 0.04, 0.01),
            "p2": member(0.06, 0.0, 0.0),
        },  # fmt: skip
        "matters": [
            {
                "id": "m",
                "kind": "service_change",
                "proposer": "p0",
                "deadline_days": 3650,
                "terms": [
                    {"name": "t0", "status_quo": 0.0, "proposed": 0.0},
                    {"name": "t1", "status_quo": 0.0, "proposed": 0.0},
                ],
                "effects": {"outcomes": -1.0, "seamless": 0.41, "accessible": 0.3},
                "impacts": {
                    "p0": {"mean_m": 0.08, "per_term": {"t0": -2.0, "t1": -0.5}},
                    "p1": {"mean_m": -0.4, "per_term": {"t0": -2.0, "t1": 1.59}},
                    "p2": {"mean_m": -0.22, "per_term": {"t0": -2.0, "t1": 0.58}},
                },
            }
        ],  # fmt: skip
        "stream": {"enabled": False},
        "trust": {"rep_turnover_per_year": 0.0},
        "risk": {"funding_shocks_per_year": 0.0},
    }
    result = simulate(Scenario.model_validate(data), seed=0)
    row = result.decisions.iloc[0]
    assert row.outcome == "agreed"
    assert row.meetings <= 20
    last = result.votes[result.votes.matter_id == "m"].groupby("party").tail(1)
    assert (last.vote == "yes").all()
