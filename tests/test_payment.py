"""The payment regime and the ambulance trust's sector, by hand (001 §22, 30, 34, 37, 43a).

- Row 31: once the board agrees a capitated payment mechanism (a ``payment_model`` matter with a
  ``risk_share`` term), a later shift of activity costs an acute provider only
  ``1 - capitation_relief * risk_share`` of the activity income it cost under payment by results;
  the commissioners, who keep paying the budget, forgo as much of their saving.
- Row 33: a shift reaches the ambulance trust by its own sector: avoided conveyances cost it
  ``ambulance_income_loss`` per £1 moved, and it takes none of the community providers' gain.
"""

from __future__ import annotations

import numpy as np
import pytest

from agents.provider import Provider
from alliance_sim import AllianceModel, Scenario
from alliance_sim.business.payment import PaymentRegime
from alliance_sim.business.stream import DRAWS_PER_MATTER, service_changes, stream_builder
from alliance_sim.config import OBJECTIVES, MatterKind
from alliance_sim.config import Party as PartyConfig
from tests.builders import build, get_matter, matter, party, scenario_dict

# -- row 33: the ambulance trust's own role -------------------------------------------------------

PROVIDERS = {
    "ccg": party("commissioner", budget_m=100.0),
    "acute": party(sector="acute", budget_m=60.0),
    "community": party(sector="community", budget_m=30.0),
    "ambulance": party(sector="ambulance", budget_m=10.0),
}


@pytest.mark.parametrize(
    ("sector", "role"),
    [("acute", "acute"), ("ambulance", "ambulance"), ("community", "community"),
     ("primary", "community"), ("mental_health", "community"),
     ("mental_health_inpatient", "acute")],
)  # fmt: skip
def test_each_sector_reaches_a_shift_by_its_role(sector, role):
    config = PartyConfig.model_validate(party(sector=sector))
    assert Provider.stream_role(config) == role


def shift(scenario: Scenario, draws: dict[int, float] | None = None):
    """One generated shift with every draw 0.5 (no role's effect varied), but those given."""
    index = {k: i for i, k in enumerate(scenario.parties)}
    U = np.full((1, DRAWS_PER_MATTER), 0.5)
    for j, u in (draws or {}).items():
        U[0, j] = u
    cfg = scenario.stream.kinds[MatterKind.SERVICE_CHANGE]
    (m,) = service_changes(stream_builder(scenario, index), U, [0], cfg)
    lo, hi = cfg.magnitude_m
    return m, lo * (hi / lo) ** 0.5, index


def test_a_shift_costs_the_ambulance_trust_its_conveyances():
    scenario = build(PROVIDERS)
    m, M, i = shift(scenario)
    e = scenario.stream.economics
    assert m.A[i["ambulance"], 0] == pytest.approx(-e.ambulance_income_loss * M)
    # the community gain goes to the community provider alone (no share to the ambulance trust)
    assert m.A[i["community"], 0] == pytest.approx(e.community_margin_gain * M)
    assert m.A[i["acute"], 0] == pytest.approx(-e.acute_margin_loss * M)
    assert m.labels[i["ambulance"]] == "conveyance income lost"
    assert m.B[i["ambulance"], 0] == pytest.approx(e.uncertainty * e.ambulance_income_loss * M)


def test_the_ambulance_draw_moves_only_the_ambulance_trust():
    """Draw 11 (the one other kinds use for urgency) varies the ambulance trust's effect alone:
    exp(0.3 * (u - 0.5) * 2) of it, and no other party's."""
    scenario = build(PROVIDERS)
    base, _, i = shift(scenario)
    varied, _, _ = shift(scenario, {11: 1.0})
    assert varied.A[i["ambulance"], 0] == pytest.approx(base.A[i["ambulance"], 0] * np.exp(0.3))
    others = [i[k] for k in ("ccg", "acute", "community")]
    np.testing.assert_array_equal(varied.A[others], base.A[others])


# -- row 31: capitation changes the acute providers' incentives --------------------------------

NO_OBJECTIVES = dict.fromkeys(OBJECTIVES, 0.0)


def capitation_alliance(risk_share: float | None, relief: float = 1.0) -> dict:
    """A commissioner and an acute trust. ``C`` (day 0), the capitation, pleases both and is
    agreed at once at ``risk_share``; ``S`` (day 28) shifts activity: per unit shifted the
    commissioner saves £1.5m and the acute trust loses £1m a year. The trust weighs its own money
    and the system's equally (best for service 0.5, no objectives, ample tolerance):

    - by activity: at share x its surplus is 0.5 * (-1) x + 0.5 * (1.5 - 1) x = -0.25 x < 0: it
      blocks, and no terms help (stalemate);
    - capitated at 0.8: it loses 0.2 x, the commissioner saves 1.5 - 0.8 = 0.7 x, the system still
      0.5 x; its surplus 0.5 * (-0.2) x + 0.5 * 0.5 x = 0.15 x > 0: agreed at x = 1.
    """
    parties = {
        "ccg": party("commissioner", budget_m=100.0, authority={"threshold_m": 1000.0}),
        "acute": party(sector="acute", budget_m=60.0, risk_tolerance_m=100.0,
                       best_for_service=0.5, authority={"threshold_m": 1000.0},
                       weights={"finance": 1.0, **NO_OBJECTIVES}),
    }  # fmt: skip
    share = {"name": "share", "low": 0.0, "high": 1.0, "status_quo": 0.0, "proposed": 1.0}
    matters = [
        matter("S", "ccg", day=28, terms=[share],
               impacts={"ccg": {"per_term": {"share": 1.5}},
                        "acute": {"per_term": {"share": -1.0}}}),
    ]  # fmt: skip
    if risk_share is not None:
        term = {"name": "risk_share", "low": 0.0, "high": 1.0, "status_quo": 0.0,
                "proposed": risk_share}  # fmt: skip
        matters.insert(0, matter("C", "ccg", kind="payment_model", day=0, terms=[term],
                                 effects={"outcomes": 1.0}))  # fmt: skip
    data = scenario_dict(parties, matters, days=365, cadence_days=28, first_meeting_day=0,
                         notice_days=0)  # fmt: skip
    data["stream"]["economics"] = {"capitation_relief": relief}
    data["risk"]["outcome_noise"] = 0.0
    return data


def simulate(data: dict) -> AllianceModel:
    return AllianceModel(Scenario.model_validate(data), seed=0).run()


def test_without_capitation_the_acute_trust_blocks_the_shift():
    model = simulate(capitation_alliance(None))
    s = get_matter(model, "S")
    assert s.outcome == "stalemate" and s.blockers == (model.index["acute"],)


def test_after_capitation_the_same_shift_is_agreed():
    """The test that fails if capitation does not change later acute incentives."""
    model = simulate(capitation_alliance(0.8))
    assert get_matter(model, "C").outcome == "agreed"
    assert model.payment.relieved == pytest.approx(0.8)
    s = get_matter(model, "S")
    assert s.outcome == "agreed" and s.x.tolist() == [1.0]
    acute, ccg = model.index["acute"], model.index["ccg"]
    assert s.A[acute, 0] == pytest.approx(-0.2)
    assert s.A[ccg, 0] == pytest.approx(0.7)
    assert s.A[:, 0].sum() == pytest.approx(0.5)  # the system's gain is unchanged
    # the risk book runs the effects as re-priced
    adopted = model.risk._F[: model.risk.count]
    assert adopted[-1, acute] == pytest.approx(-0.2) and adopted[-1, ccg] == pytest.approx(0.7)


def test_no_relief_leaves_the_shift_priced_by_activity():
    model = simulate(capitation_alliance(0.8, relief=0.0))
    assert get_matter(model, "C").outcome == "agreed"
    assert get_matter(model, "S").outcome == "stalemate"


def test_reprice_by_hand():
    """relief 0.5 x risk share 0.6 = 0.3 of the acute and ambulance losses move to the
    commissioner; gains are untouched; uncertainty stays in proportion."""
    scenario = build(PROVIDERS)
    index = {k: i for i, k in enumerate(scenario.parties)}
    regime = PaymentRegime(scenario, index, None, [])
    regime.relieved = 0.5 * 0.6
    A = np.array([[2.0, 1.0], [-1.0, 0.0], [0.4, 0.0], [-0.1, 0.0]])  # ccg, acute, comm, amb
    B = 0.35 * np.abs(A)
    A2, B2 = regime.reprice(A, B)
    np.testing.assert_allclose(A2[:, 0], [2.0 - 0.3 * 1.1, -0.7, 0.4, -0.07])
    np.testing.assert_allclose(A2[:, 1], A[:, 1])  # the compensation term is not payment
    np.testing.assert_allclose(B2[:, 0], 0.35 * np.abs(A2[:, 0]))
    assert A2[:, 0].sum() == pytest.approx(A[:, 0].sum())


# -- the capitation is valued for the relief it brings (001 §30, 43a) --------------------------


def _capitation(scenario: Scenario):
    from alliance_sim.business.stream import transition_matters

    index = {k: i for i, k in enumerate(scenario.parties)}
    b = stream_builder(scenario, index)
    (cap,) = [m for m in transition_matters(b, np.full(DRAWS_PER_MATTER, 0.5), 300)
              if "risk_share" in m.term_names]  # fmt: skip
    return cap, index


def test_the_capitation_is_worth_to_the_acute_trust_the_activity_income_it_keeps():
    """By hand, per unit of risk share: the acute trust takes on demand risk (-0.025 M) and keeps,
    for ``capitation_horizon_years`` of the shifts it expects, the activity income they would
    cost it (rate x mean magnitude x 0.8 proposed x the noise's mean x acute_margin_loss);
    the commissioners forgo as much. Relief 0 leaves only the risk: 001 §30 is then inert."""
    data = scenario_dict(PROVIDERS, [], days=1095)
    data["scenario"]["transition_end"] = "2020-12-31"
    data["stream"] = {"kinds": {"service_change": {"rate_per_year": 4.0,
                                                   "magnitude_m": [0.5, 2.0]}}}  # fmt: skip
    with_relief = Scenario.model_validate(data)
    cap, i = _capitation(with_relief)
    e = with_relief.stream.economics
    M = 0.05 * (60.0 + 30.0 + 10.0)  # the providers' budgets
    expected_shifts = 4.0 * (1.5 / np.log(4.0)) * 0.8 * (np.sinh(0.3) / 0.3)
    acute_kept = e.acute_margin_loss * expected_shifts * e.capitation_horizon_years
    ambulance_kept = e.ambulance_income_loss * expected_shifts * e.capitation_horizon_years
    assert cap.A[i["acute"], 0] == pytest.approx(-0.025 * M + acute_kept)
    assert cap.A[i["ambulance"], 0] == pytest.approx(-0.01 * M * 10 / 40 + ambulance_kept)
    assert cap.A[i["ccg"], 0] == pytest.approx(0.04 * M - acute_kept - ambulance_kept)
    data["stream"]["economics"] = {"capitation_relief": 0.0}
    cap0, _ = _capitation(Scenario.model_validate(data))
    assert cap0.A[i["acute"], 0] == pytest.approx(-0.025 * M)
    assert cap.A[i["acute"], 0] > 0 > cap0.A[i["acute"], 0]


def test_capitation_relief_moves_what_mid_notts_agrees_and_who_carries_it():
    """001 §43a: the more of the activity income a capitated budget keeps for the acute trust,
    the more demand risk it agrees to carry, and the better it ends the term; with no relief the
    chair finds only the smaller risk share the acute trust accepts for the budget's other
    merits. The test that fails if ``capitation_relief`` is inert."""

    def run_with(relief: float, seed: int):
        model = AllianceModel("mid-notts", seed=seed, collect=False,
                              overrides={"stream.economics.capitation_relief": relief}).run()  # fmt: skip
        (cap,) = [m for m in model.matters if "risk_share" in m.term_names and m.previous < 0]
        final = cap
        while any(m.previous == final.idx for m in model.matters):
            final = next(m for m in model.matters if m.previous == final.idx)
        sfh = float(model.risk.ledger.cumulative[model.index["sfh"]])
        return final.outcome, float(final.x[0]), sfh

    for seed in range(3):
        none, full = run_with(0.0, seed), run_with(1.0, seed)
        assert none[0] == full[0] == "agreed"
        assert full[1] > none[1]  # a larger share of demand risk is agreed
        assert full[2] > none[2]  # and the acute trust ends the term better placed
