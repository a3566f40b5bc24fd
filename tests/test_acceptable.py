"""Issue 11 §5: whether terms every full member prefers exist is decided exactly.

The exact search (``alliance_sim/acceptable.py``) is checked against a brute-force grid on random
matters with every kind of preference (money moving with the terms, uncertainty, objectives,
ideal points), including cases placed on the boundary of existence, where the best terms leave
the least content member within a hair of indifference.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.valuation import evaluate
from alliance_sim import AllianceModel, Scenario
from alliance_sim.board.acceptable import best_terms
from tests.strategies import negotiable_cases

GRID = {1: 2001, 2: 161}


def setup(data):
    model = AllianceModel(Scenario.model_validate(data), seed=0)
    (m,) = [m for m in model.matters if m.id == "m"]
    return model, m, list(model.voter_list)


def grid_best(model, m, voters, need: float = 0.0) -> float:
    axes = [np.linspace(lo, hi, GRID[m.k]) for lo, hi in zip(m.lo, m.hi, strict=True)]
    best = -np.inf
    for point in itertools.product(*axes):
        ev = evaluate(m, np.array(point), model.arrays, model.arrays.bfs)
        best = max(best, float((ev.s[voters] - need).min()))
    return best


@settings(max_examples=40, deadline=None)
@given(negotiable_cases())
def test_exact_search_is_at_least_as_good_as_any_grid_point(data):
    model, m, voters = setup(data)
    best = best_terms(m, voters, model.arrays, model.arrays.bfs)
    assert np.all(best.x >= m.lo - 1e-12) and np.all(best.x <= m.hi + 1e-12)
    # its value is what the parties' own valuation gives at its terms
    ev = evaluate(m, best.x, model.arrays, model.arrays.bfs)
    assert best.value == float(ev.s[voters].min())
    assert best.value >= grid_best(model, m, voters) - 1e-7


@settings(max_examples=25, deadline=None)
@given(negotiable_cases(), st.sampled_from((1e-6, 1e-4)))
def test_existence_on_the_boundary(data, hair):
    """Ask for exactly the best margin, less or more a hair: terms exist only in the first case."""
    model, m, voters = setup(data)
    top = best_terms(m, voters, model.arrays, model.arrays.bfs).value
    below = best_terms(m, voters, model.arrays, model.arrays.bfs, need=top - hair)
    above = best_terms(m, voters, model.arrays, model.arrays.bfs, need=top + hair)
    assert below.exists and below.value >= hair - 1e-7
    assert not above.exists


def test_one_dimension_by_hand():
    """Ideals 0.2, 0.5, 0.8 with the status quo at 0: member i prefers x in (0, 2 p_i), so the
    best for the least content is where a's and c's margins cross: x = 0.2 (a: 0.2 - 0 = 0.2,
    c: 0.8 - 0.6 = 0.2; b: 0.5 - 0.3 = 0.2): all three at 0.2."""
    from tests.builders import build, matter, party

    ideals = {k: {"t": {"ideal": v}} for k, v in (("a", 0.2), ("b", 0.5), ("c", 0.8))}
    spec = matter("m", "a", terms=[{"name": "t", "status_quo": 0.0, "proposed": 0.9}],
                  ideals=ideals)  # fmt: skip
    s = build({k: party() for k in "abc"}, [spec])
    model = AllianceModel(s, seed=0)
    (m,) = model.matters
    best = best_terms(m, [0, 1, 2], model.arrays, model.arrays.bfs)
    assert abs(best.x[0] - 0.2) < 1e-6 and abs(best.value - 0.2) < 1e-6
