"""Issue 11 (FIDELITY row 9): Alliance Leadership Team representatives *hold* delegated authority.

003 "Main functions": the representatives of each provider and commissioner "have been given
delegated decision making authority. This allows them to make decisions on behalf of each alliance
member". 004 p.6 (the Lambeth scenario's source): each ALT member "must have delegated authority
to act". So in nhse-template and lambeth-ipsa no representative's authority keeps a category of
business back for its home body (unlike Mid-Notts, where 001 §46 sends strategic, policy, resource
and financial decisions to every partner's own governance): a representative refers only what
exceeds its declared £ limit (000 §3.2.3; the limits are assumptions).
"""

from __future__ import annotations

import pytest

from alliance_sim import AllianceModel, load_scenario
from alliance_sim.events import Ev


@pytest.mark.parametrize("name", ["nhse-template", "lambeth-ipsa"])
def test_no_category_is_kept_back(name):
    config = load_scenario(name)
    for key, party in config.parties.items():
        assert party.authority.excluded_categories == (), key


@pytest.mark.parametrize("name", ["nhse-template", "lambeth-ipsa"])
def test_a_representative_refers_only_what_exceeds_its_limit(name):
    config = load_scenario(name)
    referred = 0
    for seed in range(3):
        model = AllianceModel(config, seed=seed).run()
        for e in model.log.of_kind(Ev.REFERRED):
            matter = model.matters[e.matter]
            assert matter.idx == e.matter
            party = model.parties[e.party]
            assert matter.magnitude > party.authority.threshold_m, (seed, matter.id, party.key)
            assert "excludes" not in party.authority_gap(matter)
            referred += 1
    assert referred > 0  # the £ limits still send the largest business home


def test_mid_notts_still_keeps_categories_back():
    """001 §46 is Mid-Notts' own rule: there the council's authority excludes all four."""
    council = load_scenario("mid-notts").parties["council"]
    assert set(map(str, council.authority.excluded_categories)) >= {
        "strategic",
        "policy",
        "resource",
        "financial",
    }
