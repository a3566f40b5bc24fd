"""Issue 11 (FIDELITY row 9): Alliance Leadership Team representatives *hold* delegated authority.

003 "Main functions": the representatives of each provider and commissioner "have been given
delegated decision making authority. This allows them to make decisions on behalf of each alliance
member". 004 p.6 (the Lambeth scenario's source): each ALT member "must have delegated authority
to act which removes the ability of partner organisations to stop the process after the ALT has
reached a decision". So in nhse-template and lambeth-ipsa no representative's authority keeps a
category of business back for its home body (unlike Mid-Notts, where 001 §46 sends strategic,
policy, resource and financial decisions to every partner's own governance), and its £ limit
covers the largest business the alliance draws (the figure is an assumption): nothing is referred.
"""

from __future__ import annotations

import pytest

from alliance_sim import AllianceModel, load_scenario
from alliance_sim.config import MatterKind
from alliance_sim.records.events import Ev


@pytest.mark.parametrize("name", ["nhse-template", "lambeth-ipsa"])
def test_no_category_is_kept_back(name):
    config = load_scenario(name)
    for key, party in config.parties.items():
        assert party.authority.excluded_categories == (), key


@pytest.mark.parametrize("name", ["nhse-template", "lambeth-ipsa"])
def test_representatives_act_on_the_alliances_business_without_referring_it(name):
    config = load_scenario(name)
    voted = 0
    for seed in range(3):
        model = AllianceModel(config, seed=seed).run()
        largest = max(m.magnitude for m in model.matters)
        assert all(p.authority.threshold_m >= largest for p in config.parties.values())
        assert not model.log.of_kind(Ev.REFERRED)
        voted += len(model.log.votes)
    assert voted > 0  # the board decided business, each representative on its own authority


def test_mid_notts_still_keeps_categories_back():
    """001 §46 is Mid-Notts' own rule: there the council's authority excludes all four."""
    council = load_scenario("mid-notts").parties["council"]
    assert set(map(str, council.authority.excluded_categories)) >= {
        "strategic",
        "policy",
        "resource",
        "financial",
    }


# -- issue 22 §5: the conflicts each document names are in its alliance's business -------------


def test_lambeth_moves_people_out_of_slams_wards_at_a_cost_to_slam():
    """004 p.13: IPSA moves 200 people out of rehabilitation wards and placements, to 'reduce bed
    usage': every service change costs South London and Maudsley bed income (its wards are the
    hospital side of the shift), while the charities that support people at home gain."""
    model = AllianceModel("lambeth-ipsa", seed=2, collect=False)
    shifts = [m for m in model.matters if m.kind is MatterKind.SERVICE_CHANGE]
    assert shifts
    slam, certitude = model.index["slam"], model.index["certitude"]
    for m in shifts:
        assert m.A[slam, 0] < 0 and m.labels[slam] == "acute income lost"
        assert m.A[certitude, 0] > 0


@pytest.mark.parametrize("name", ["mid-notts", "walsall", "lambeth-ipsa", "nhse-template"])
def test_every_alliances_business_costs_some_member_money(name):
    """Whether a board ever disagrees rests on its members' weights, not on business that suits
    everyone: in every alliance, every shift of activity costs some full member money at the
    terms proposed (docs/FIDELITY.md, why each alliance stalls or does not)."""
    model = AllianceModel(name, seed=0, collect=False)
    voters = model.roster.voter_list
    for m in model.matters:
        if m.kind is MatterKind.SERVICE_CHANGE:
            F = m.F0 + m.A @ m.x
            assert (F[voters] < 0).any(), m.id
