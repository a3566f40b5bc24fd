"""Reconfiguring the alliance at a missed transition deadline (001 §40b, 41-42), by hand.

Three full members a, b, c (providers with ample authority); the board meets every 28 days from
day 0 with no notice; the transition deadline is day 200, so the escalation starts at the first
meeting on or after it, day 224, and a reconfiguration tabled then is voted on day 252. Risk
periods are 91 days, so by day 224 two periods (182 days) are settled. The cost of taking part is
£1m a year (an associate pays 40% of it) so that each member's choice can be worked out by hand:

- a member's yearly rate from the alliance, as the extension and the reconfiguration value it, is
  its net position over the 182 settled days spread over the 224 elapsed: ``net * 182 / 224``;
- c is selfish (it values only its own money), so it votes yes exactly when its rate is positive.

``G`` is agreed on day 0 and gives c ``gain`` £m a year (a and b nothing); ``T``, the transition
matter, gives a and b £1m a year and c -£1m, so c blocks it on day 0 and it fails.
"""

from __future__ import annotations

import datetime as dt

import pytest

from alliance_sim.config import OBJECTIVES, MatterKind, Membership
from alliance_sim.records.events import Ev
from tests.builders import gains, get_matter, matter, party, scenario_dict

DEADLINE = 200
FIRST = 224  # first meeting on or after the deadline
NEXT = 252  # the meeting after
SETTLED_DAYS = 182  # two 91-day periods settled by day 224
COST = 1.0
ASSOCIATE_SHARE = 0.4
SELFISH = {"best_for_service": 0.0, "weights": {"finance": 1.0, **dict.fromkeys(OBJECTIVES, 0.0)}}


def rate(per_year: float) -> float:
    """A member's yearly rate at day 224 from ``per_year`` realised over the settled days."""
    return per_year * SETTLED_DAYS / FIRST


def alliance(
    gain: float, c_fields=None, t_impacts=None, a_fields=None, c_kind="provider", days=730
) -> dict:
    parties = {
        "a": party(budget_m=50.0, authority={"threshold_m": 1000.0}, **(a_fields or {})),
        "b": party(budget_m=30.0, authority={"threshold_m": 1000.0}),
        "c": party(c_kind, budget_m=20.0, authority={"threshold_m": 1000.0}, **SELFISH,
                   **(c_fields or {})),
    }  # fmt: skip
    matters = [
        matter("T", "a", kind="payment_model", day=0, deadline_days=180,
               impacts=t_impacts or gains(a=1.0, b=1.0, c=-1.0)),
        matter("G", "a", day=0, effects={"outcomes": 1.0}, impacts=gains(c=gain)),
    ]  # fmt: skip
    data = scenario_dict(parties, matters, days=days, cadence_days=28, first_meeting_day=0,
                         notice_days=0)  # fmt: skip
    data["scenario"]["transition_end"] = data["scenario"]["start"] + dt.timedelta(days=DEADLINE)
    data["risk"].update({"outcome_noise": 0.0, "participation_cost_m": COST,
                         "associate_cost_share": ASSOCIATE_SHARE, "period_days": 91,
                         "levels": [{"name": "only", "min_score": float("-inf"),
                                     "pooled_fraction": 0.0}]})  # fmt: skip
    data["escalation"] = {"continuation_value_m": 7.0}
    return data


def simulate(data: dict):
    from alliance_sim import AllianceModel, Scenario

    model = AllianceModel(Scenario.model_validate(data), seed=0)
    get_matter(model, "T").transition = True
    return model.run()


def of_kind(model, kind):
    return [m for m in model.matters if m.kind is kind]


def vote_of(model, m, key: str) -> str:
    idx = model.index[key]
    (v,) = [v for v in model.log.votes if v.matter == m.idx and v.party == idx]
    return v.vote


class TestReconfiguration:
    def test_the_blocker_steps_back_as_an_associate_of_its_own_accord(self):
        """c gains £0.8m a year from G. As a full member it is down 0.8 - 1.0 = £0.2m a year
        (rate -0.16): it refuses more time. As an associate it would pay 0.4 of the cost:
        rate(0.8) - 0.4 = 0.25 > 0; its position (-£0.1m) is above -2 x its £0.5m tolerance, so it
        chooses to stay as an associate, and consents."""
        model = simulate(alliance(gain=0.8))
        (ext,) = of_kind(model, MatterKind.TRANSITION_EXTENSION)
        assert (ext.outcome, ext.decided_day) == ("stalemate", FIRST)
        assert vote_of(model, ext, "c") == "no"
        (rec,) = of_kind(model, MatterKind.RECONFIGURATION)
        c = model.index["c"]
        assert rec.reconfigure == (c,) and rec.recused == 0
        assert rec.F0[c] == pytest.approx(rate(0.8) - ASSOCIATE_SHARE * COST)
        # a values going on by its net rate, as for the extension
        assert rec.F0[model.index["a"]] == pytest.approx(rate(-COST))
        # every full member votes on it, c included, and c consents
        assert [vote_of(model, rec, k) for k in "abc"] == ["yes", "yes", "yes"]
        assert (rec.outcome, rec.decided_day) == ("agreed", NEXT)
        assert model.transition.outcomes == [(NEXT, "reconfigured")]
        assert model.parties[c].membership is Membership.ASSOCIATE
        (change,) = [e for e in model.log.events if e.kind is Ev.MEMBERSHIP]
        assert (change.day, change.party, change.new) == (NEXT, c, "associate")
        assert "steps back" in change.reason
        assert "become an associate member" in rec.title
        # without c's veto the transition matter tabled again is agreed
        assert get_matter(model, "T/2").outcome == "agreed"

    def test_a_member_that_has_lost_beyond_what_it_bears_leaves(self):
        """c gains £0.5m a year from G but a policy shock costs it £1m a year from day 0, with a
        tolerance of £0.05m: its position from the alliance's business after 182 days (its cost
        of taking part left out, as withdrawal weighs it), (0.5 - 1.0) * 182/365 = -£0.25m, is
        below -2 x 0.05, so it would leave rather than stay as an associate; leaving, it keeps
        G's £0.5m a year at no cost (rate(0.5) > 0): it consents, and leaves the alliance."""
        from alliance_sim import AllianceModel, Scenario

        data = alliance(gain=0.5, c_fields={"risk_tolerance_m": 0.05})
        data["membership"]["leaving"] = "none"  # the shock alone gives no notice to withdraw
        model = AllianceModel(Scenario.model_validate(data), seed=0)
        get_matter(model, "T").transition = True
        c = model.index["c"]
        model.risk.shocks = [(0, c, 1.0)]
        model.run()
        (rec,) = of_kind(model, MatterKind.RECONFIGURATION)
        assert model.transition.stepping == {c: Membership.NONE}
        assert rec.F0[c] == pytest.approx(rate(0.5))
        assert "leave" in rec.title
        assert rec.outcome == "agreed"
        assert model.parties[c].membership is Membership.NONE

    def test_the_cost_of_taking_part_alone_never_makes_a_member_leave(self):
        """The same member without the shock: its business gives it +£0.25m, though its £1m a year
        cost of taking part leaves it down overall; it steps back as an associate, not out."""
        model = simulate(alliance(gain=0.5, c_fields={"risk_tolerance_m": 0.05}))
        c = model.index["c"]
        assert model.risk.ledger.cumulative[c] < -2 * 0.05  # the old test would have made it go
        assert model.transition.stepping == {c: Membership.ASSOCIATE}

    def test_no_member_is_compelled_a_refusal_ends_the_alliance(self):
        """c gains nothing: as an associate it would be down 0.4 x £1m a year, so it refuses to
        step back; its no blocks the reconfiguration (001 §41) and the alliance is dissolved."""
        model = simulate(alliance(gain=0.0))
        (rec,) = of_kind(model, MatterKind.RECONFIGURATION)
        assert vote_of(model, rec, "c") == "no"
        assert (rec.outcome, rec.decided_day) == ("stalemate", NEXT)
        assert model.transition.outcomes == [(NEXT, "terminated")]
        assert all(p.membership is Membership.FULL for p in model.parties)
        (ended,) = [e for e in model.log.events if e.kind is Ev.TERMINATED]
        assert f"reconfiguration {rec.id} refused by {model.parties[2].name}" in ended.reason

    def test_failed_matters_without_blockers_still_get_a_reconfiguration_vote(self):
        """T benefits everyone but waits for a's home body, which first meets on day 600: it fails
        at its deadline with no blockers. c (down £0.2m a year as a full member) refuses more
        time, so c is the member in the way; it steps back as an associate and the others go on."""
        far = {"home_body": {"cadence_days": 365, "first_meeting_day": 600, "notice_days": 0}}
        data = alliance(gain=0.8, t_impacts=gains(a=1.0, b=1.0, c=1.0), a_fields=far)
        data["matters"][0]["magnitude_m"] = 5000.0  # beyond a's authority: referred
        model = simulate(data)
        t = get_matter(model, "T")
        assert t.outcome == "stalemate" and t.blockers == ()
        ext = of_kind(model, MatterKind.TRANSITION_EXTENSION)[0]
        assert ext.blockers == (model.index["c"],)
        rec = of_kind(model, MatterKind.RECONFIGURATION)[0]
        assert rec.reconfigure == (model.index["c"],)
        assert rec.outcome == "agreed"
        assert model.transition.outcomes[0] == (NEXT, "reconfigured")

    def test_no_one_in_the_way_dissolves_with_the_reason_said(self):
        """Nobody votes no: T and then the extension both run out of time waiting for a's home
        body (the extension is strategic, which a's authority excludes). There is no one to
        reconfigure around, and the termination's reason says so."""
        far = {"home_body": {"cadence_days": 365, "first_meeting_day": 600, "notice_days": 0}}
        data = alliance(gain=2.0, t_impacts=gains(a=1.0, b=1.0, c=1.0), a_fields=far)
        data["parties"]["a"]["authority"] = {"threshold_m": 1.0,
                                             "excluded_categories": ["strategic"]}  # fmt: skip
        data["matters"][0]["magnitude_m"] = 5.0
        model = simulate(data)
        (ext,) = of_kind(model, MatterKind.TRANSITION_EXTENSION)
        assert ext.outcome == "stalemate" and ext.blockers == ()
        assert not of_kind(model, MatterKind.RECONFIGURATION)
        (ended,) = [e for e in model.log.events if e.kind is Ev.TERMINATED]
        assert ended.day == ext.decided_day
        assert "no full member voted against" in ended.reason

    def test_under_a_counterfactual_rule_the_member_still_cannot_be_outvoted(self):
        """Best for service passes a matter on system surplus alone. T loses the system £1m a
        year, so it fails without blockers; c refuses more time (extensions are unanimous), and
        the reconfiguration, which the system gains from, still needs c's consent (001 §41)."""
        data = alliance(gain=0.0, t_impacts=gains(a=1.0, b=1.0, c=-3.0))
        data["board"]["rule"] = "best_for_service"
        model = simulate(data)
        (rec,) = of_kind(model, MatterKind.RECONFIGURATION)
        assert rec.reconfigure == (model.index["c"],)
        assert vote_of(model, rec, "c") == "no"
        assert rec.outcome == "stalemate"
        assert model.parties[model.index["c"]].membership is Membership.FULL

    def test_not_possible_without_a_commissioner(self):
        """c is a commissioner: the alliance is a framework for its services contracts, so it
        cannot step back and leave the others to go on; the refused extension ends the alliance at
        the same meeting, and the reason says why."""
        model = simulate(alliance(gain=0.8, c_kind="commissioner"))
        assert not of_kind(model, MatterKind.RECONFIGURATION)
        assert model.transition.outcomes == [(FIRST, "terminated")]
        (ended,) = [e for e in model.log.events if e.kind is Ev.TERMINATED]
        assert "blocked the transition matters" in ended.reason
        assert "services contracts" in ended.reason

    def test_the_term_ending_first_is_not_a_termination(self):
        """The term ends on day 240: the reconfiguration tabled on day 224 is still before the
        board, so it is open at the end, and the alliance was not terminated."""
        model = simulate(alliance(gain=0.8, days=240))
        (rec,) = of_kind(model, MatterKind.RECONFIGURATION)
        assert rec.outcome == "open_at_end"
        assert model.terminated_day is None
        assert model.transition.outcomes == []
        assert not [e for e in model.log.events if e.kind is Ev.TERMINATED]
