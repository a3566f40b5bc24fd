"""Each alliance's own risk/reward scheme (``risk.scheme``; issue 22 §2; FIDELITY rows 34-36).

004 pp.7-8, 15 (Lambeth: agree gain and pain "unanimously ... in advance", "discuss and agree risk
share early") and 003 (its gain/loss mechanism, Schedule 4) describe schemes their alliances
table early; Mid-Notts makes its scheme a transition activity (001 §43c); Walsall has none
(002 §7.4). A scheme can also be declared agreed from the start, with its shares.
"""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from alliance_sim import AllianceModel, Scenario
from alliance_sim.config import MatterKind
from alliance_sim.errors import from_validation

from .test_risk_membership import THREE, scenario


def schemes(model: AllianceModel) -> list:
    return [m for m in model.matters if m.kind is MatterKind.RISK_REWARD]


@pytest.mark.parametrize("name", ["lambeth-ipsa", "nhse-template"])
def test_the_documents_schemes_are_tabled_early_and_pay_where_agreed(name):
    """Every run proposes the scheme on its first day and tables it at the first meeting its
    notice allows (decided unanimously under every rule); in the runs that
    agree it the KPI levels pay: some periods pool gains or pains among the full members."""
    agreed = pooled = 0
    for seed in range(8):
        model = AllianceModel(name, seed=seed, collect=False).run()
        (scheme,) = schemes(model)
        notice = model.scenario.board.notice_days
        first = min(d for d in model.meeting_days if d >= scheme.arrival_day + notice)
        assert scheme.arrival_day == 0 and scheme.tabled_day == first and not scheme.transition
        if scheme.outcome == "agreed":
            agreed += 1
            periods = model.risk.ledger.periods
            pooled += sum(p.pool_pence != 0 for p in periods)
            before = [p for p in periods if p.end <= scheme.decided_day]
            assert all(p.pool_pence == 0 for p in before)  # nothing pooled before it (004 p.7)
    assert agreed and pooled


def test_walsall_has_no_scheme_and_never_pools():
    model = AllianceModel("walsall", seed=1, collect=False).run()
    assert not schemes(model)
    assert all(p.pool_pence == 0 for p in model.risk.ledger.periods)


def test_mid_notts_scheme_is_a_transition_activity():
    model = AllianceModel("mid-notts", seed=1, collect=False).run()
    assert schemes(model) and all(m.transition for m in schemes(model))


def _agreed_from_day_0(shares: dict[str, float]) -> Scenario:
    data = scenario(THREE).model_dump(mode="json")
    data["matters"] = [{"id": "m", "kind": "service_change", "proposer": "a", "day": 0,
                        "effects": {"outcomes": 1.0},
                        "impacts": {"a": {"mean_m": 0.6}, "b": {"mean_m": -0.3},
                                    "c": {"mean_m": 0.1}}}]  # fmt: skip
    data["risk"]["scheme"] = {"status": "agreed", "shares": shares}
    return Scenario.model_validate(data)


def test_a_scheme_agreed_in_advance_pools_from_the_first_period_by_its_shares():
    model = AllianceModel(_agreed_from_day_0({"a": 2.0, "b": 1.0, "c": 1.0}), seed=0).run()
    first = model.risk.ledger.periods[0]
    assert first.pool_pence > 0
    np.testing.assert_allclose(first.share_pence / first.pool_pence, [0.5, 0.25, 0.25], atol=1e-8)
    assert not schemes(model)  # nothing to table: it was agreed before the term


@pytest.mark.parametrize(
    ("scheme", "field"),
    [
        ({"status": "transition"}, "risk.scheme.status"),
        ({"status": "agreed"}, "risk.scheme.shares"),
        ({"status": "agreed", "shares": {"nobody": 1.0}}, "risk.scheme.shares.nobody"),
        ({"status": "negotiated", "proposer": "nobody"}, "risk.scheme.proposer"),
        ({"status": "pooled"}, "risk.scheme.status"),
    ],
)
def test_a_scheme_that_cannot_be_is_an_input_error_naming_its_field(scheme, field):
    data = scenario(THREE).model_dump(mode="json")
    data["risk"]["scheme"] = scheme
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(data)
    assert f"field `{field}`" in str(from_validation("my.toml", caught.value, Scenario))


def test_how_the_scheme_comes_about_leaves_the_rest_of_the_run_the_same():
    """Common random numbers: a design with the scheme negotiated and one with none face the same
    business, shocks and turnover (the scheme's draws come after all others)."""
    a = AllianceModel("lambeth-ipsa", seed=3, collect=False)
    b = AllianceModel("lambeth-ipsa", seed=3, collect=False,
                      overrides={"risk.scheme.status": "none"})  # fmt: skip
    business_a = [m for m in a.matters if m.kind is not MatterKind.RISK_REWARD]
    assert len(business_a) == len(b.matters)
    for x, y in zip(business_a, b.matters, strict=True):
        assert (x.id, x.arrival_day, x.noise_row) == (y.id, y.arrival_day, y.noise_row)
        np.testing.assert_array_equal(x.A, y.A)
    assert a.risk.shocks == b.risk.shocks
    np.testing.assert_array_equal(a.turnover, b.turnover)
