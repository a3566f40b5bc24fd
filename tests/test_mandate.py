"""How far a home body's answer reaches: ``board.mandate_covers_amendments`` (000 §3.2; 002 §5.4)."""

import numpy as np
import pytest

from alliance_sim import load_scenario
from alliance_sim.model import AllianceModel
from alliance_sim.records.events import Ev

# A new representative reopens what its predecessor settled (004 p.15): keep them in post here.
STEADY = {"trust.rep_turnover_per_year": 0.0}


def _run(covers: bool, seed: int) -> AllianceModel:
    overrides = {"board.mandate_covers_amendments": covers, **STEADY}
    return AllianceModel(load_scenario("mid-notts", overrides), seed=seed).run()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_without_a_mandate_home_body_votes_are_on_the_terms_it_saw(seed):
    model = _run(False, seed)
    answers: dict[tuple[int, int], list[tuple[int, np.ndarray]]] = {}
    for i, e in enumerate(model.log.events):
        if e.kind is Ev.HOME_DECISION:
            answers.setdefault((e.matter, e.party), []).append((i, e.x))
    home_votes = [v for v in model.log.votes if v.by == "home_body"]
    assert home_votes
    for v in home_votes:
        in_force = [x for i, x in answers[(v.matter, v.party)] if i < v.seq][-1]
        assert np.array_equal(v.x, in_force), (
            f"{model.matters[v.matter].id}: {model.parties[v.party].key} voted as mandated on "
            "amended terms its home body never saw"
        )


@pytest.mark.parametrize("seed", [1, 2])
def test_with_a_mandate_amended_terms_are_not_referred_again(seed):
    covered, uncovered = _run(True, seed), _run(False, seed)
    assert any(m.amendments for m in covered.matters)
    assert sum(m.referrals for m in covered.matters) < sum(m.referrals for m in uncovered.matters)
    for m in covered.matters:
        referred = [
            e.party for e in covered.log.events if e.kind is Ev.REFERRED and e.matter == m.idx
        ]
        assert len(referred) == len(set(referred)), f"{m.id}: referred twice under a mandate"
