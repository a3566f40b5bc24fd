"""Rule 8: the decision rules other than unanimity.

``best_for_service`` (000 §1.4, 3.1 read as a rule): a matter passes when the system as a whole
gains, whatever any member's own view, which is recorded as dissent; it fails when the system
loses, even if every member would vote yes. ``qualified_majority``: passes when the share of full
members voting yes reaches the threshold.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from alliance_sim import Scenario, simulate
from alliance_sim.records.events import Ev
from tests.builders import build, events_on, gains, get_matter, key, matter, party, run, votes_on
from tests.strategies import WELCOME, scenarios

SELFISH = {"best_for_service": 0.0}


def three(**extra) -> dict:
    return {
        "a": party("commissioner", **SELFISH, **extra),
        "b": party("provider", **SELFISH, **extra),
        "c": party("council", **SELFISH, **extra),
    }


class TestBestForService:
    def test_passes_over_a_no_when_the_system_gains(self):
        # a +3, b +1, c -1 (beyond c's £0.5m tolerance): c votes no; the system gains £3m.
        spec = matter("m", "a", impacts=gains(a=3.0, b=1.0, c=-1.0))
        s = build(three(), [spec], rule="best_for_service")
        result = simulate(s, seed=0)
        model = result.model
        m = get_matter(model, "m")
        assert m.outcome == "agreed"
        assert m.decided_day == m.tabled_day
        final = {key(model, v.party): v.vote for v in votes_on(model, "m")}
        assert final == {"a": "yes", "b": "yes", "c": "no"}
        (agreed,) = events_on(model, "m", Ev.AGREED)
        assert [key(model, i) for i in agreed.dissent] == ["c"]  # dissent recorded
        text = result.events.loc[result.events.event == "agreed", "text"].iloc[0]
        assert "dissent recorded from" in text and s.parties["c"].name in text

    def test_the_same_matter_fails_under_unanimity(self):
        spec = matter("m", "a", impacts=gains(a=3.0, b=1.0, c=-1.0))
        m = get_matter(run(build(three(), [spec], rule="unanimity")), "m")
        assert m.outcome == "stalemate"

    def test_rejects_a_matter_that_harms_the_system_even_if_all_vote_yes(self):
        # Every member gains £1m and none cares about outcomes (weight 0), so each votes yes; but
        # service users lose £10m-equivalent of outcomes, so the system loses £7m.
        zero_outcomes = {"weights": {"outcomes": 0.0}}
        spec = matter("m", "a", impacts=gains(a=1.0, b=1.0, c=1.0), effects={"outcomes": -10.0})
        model = run(build(three(**zero_outcomes), [spec], rule="best_for_service"))
        m = get_matter(model, "m")
        assert {v.vote for v in votes_on(model, "m")} == {"yes"}
        assert m.outcome != "agreed"
        assert not events_on(model, "m", Ev.AGREED)
        (blocked, *_) = events_on(model, "m", Ev.BLOCKED)
        assert blocked.system_m == pytest.approx(-7.0)

    def test_amends_toward_the_system_when_terms_allow(self):
        # The proposal harms the system (outcomes -1 per unit of t at t = 1); at t < 0.5 it helps:
        # system = 3 - 6 t. Everyone gains £1m regardless. Best for service needs t < 0.5.
        spec = matter(
            "m",
            "a",
            impacts=gains(a=1.0, b=1.0, c=1.0),
            terms=[{"name": "t", "status_quo": 0.0, "proposed": 1.0}],
            effects_per_term={"t": {"outcomes": -6.0}},
        )
        model = run(build(three(weights={"outcomes": 0.0}), [spec], rule="best_for_service"))
        m = get_matter(model, "m")
        assert m.outcome == "agreed"
        assert m.x[0] < 0.5
        (agreed,) = events_on(model, "m", Ev.AGREED)
        assert agreed.system_m > 0


class TestQualifiedMajority:
    @staticmethod
    def four(n_yes: int, threshold: float):
        # Four selfish full members; the first n_yes gain £1m, the rest lose £2m.
        keys = ["a", "b", "c", "d"]
        parties = {k: party("provider", **SELFISH) for k in keys}
        impacts = gains(**{k: (1.0 if i < n_yes else -2.0) for i, k in enumerate(keys)})
        s = build(parties, [matter("m", "a", impacts=impacts)],
                  rule="qualified_majority", qualified_majority=threshold)  # fmt: skip
        return run(s)

    @pytest.mark.parametrize(
        ("n_yes", "threshold", "passes"),
        [
            (3, 0.75, True),  # 3/4 = 0.75 reaches 0.75
            (2, 0.75, False),  # 2/4 = 0.5
            (3, 0.8, False),  # 0.75 < 0.8
            (4, 1.0, True),
            (3, 1.0, False),
            (3, 0.51, True),
            (2, 0.51, False),  # a tie is not a majority
        ],
    )
    def test_threshold(self, n_yes, threshold, passes):
        model = self.four(n_yes, threshold)
        m = get_matter(model, "m")
        assert [v.vote for v in votes_on(model, "m")].count("yes") == n_yes
        assert (m.outcome == "agreed") is passes
        if passes:
            (agreed,) = events_on(model, "m", Ev.AGREED)
            assert len(agreed.dissent) == 4 - n_yes  # dissent recorded


@settings(max_examples=50, deadline=None)
@given(scenarios(rule="best_for_service", agreeable=True))
def test_property_best_for_service_agrees_only_when_the_system_gains(data):
    model = run(Scenario.model_validate(data))
    assert get_matter(model, WELCOME).outcome == "agreed"
    for m in model.matters:
        if m.outcome == "agreed":
            (agreed,) = events_on(model, m.id, Ev.AGREED)
            assert agreed.system_m > 0, m.id


@settings(max_examples=50, deadline=None)
@given(scenarios(rule="qualified_majority", agreeable=True))
def test_property_qualified_majority_share_reached(data):
    s = Scenario.model_validate(data)
    model = run(s)
    assert get_matter(model, WELCOME).outcome == "agreed"
    for m in model.matters:
        if m.outcome != "agreed":
            continue
        final = [v for v in votes_on(model, m.id) if v.day == m.decided_day]
        yes = sum(v.vote == "yes" for v in final)
        assert final and yes / len(final) >= s.board.qualified_majority - 1e-12, m.id


def test_admission_needs_unanimity_even_under_best_for_service():
    """001 §39; 002 §6.5: a counterfactual rule does not change how a member is admitted."""
    # b weighs only itself and loses; the system gains, so best for service alone would pass it
    parties = {"a": party(), "b": party(best_for_service=0.0), "c": party(membership="associate")}
    admit = matter("adm", "a", kind="admission", subject="c",
                   impacts=gains(a=20.0, b=-10.0), effects={"outcomes": 3.0})  # fmt: skip
    for rule in ("best_for_service", "qualified_majority"):
        model = run(build(parties, [admit], rule=rule, qualified_majority=0.51))
        m = get_matter(model, "adm")
        assert m.outcome == "stalemate" and m.blockers == (1,), rule  # b's no is a veto
        assert model.parties[2].membership.value == "associate"


def test_risk_reward_scheme_needs_unanimity_even_under_best_for_service():
    """001 §33 (members agree the detail of risk and reward unanimously); 004 p.7: a
    counterfactual rule does not let a scheme pass over a member's no."""
    parties = {"a": party(), "b": party(best_for_service=0.0), "c": party()}
    scheme = matter("rr", "a", kind="risk_reward",
                    impacts=gains(a=20.0, b=-10.0, c=1.0), effects={"outcomes": 3.0})  # fmt: skip
    for rule in ("best_for_service", "qualified_majority"):
        model = run(build(parties, [scheme], rule=rule, qualified_majority=0.51))
        m = get_matter(model, "rr")
        assert m.outcome == "stalemate" and m.blockers == (1,), rule  # b's no is a veto
    # the same scheme, no one against: passes under the counterfactual rule as under unanimity
    content = {"a": party(), "b": party(), "c": party()}
    fair = matter("rr", "a", kind="risk_reward", impacts=gains(a=1.0, b=1.0, c=1.0))
    assert (
        get_matter(run(build(content, [fair], rule="best_for_service")), "rr").outcome == "agreed"
    )


def test_every_kind_the_documents_make_unanimous_is_decided_by_veto_under_every_rule():
    from alliance_sim.board.rules import UNANIMOUS_KINDS, make_rule, rule_for
    from alliance_sim.config import Board, MatterKind

    assert {MatterKind.ADMISSION, MatterKind.TRANSITION_EXTENSION, MatterKind.RISK_REWARD} <= (
        UNANIMOUS_KINDS
    )
    for name in ("unanimity", "best_for_service", "qualified_majority"):
        board = Board(rule=name)
        rule = make_rule(board)
        for kind in MatterKind:
            decided_by = rule_for(kind, rule, board)
            assert decided_by.veto == (kind in UNANIMOUS_KINDS or rule.veto), (name, kind)


def test_counterfactual_rules_are_labelled_in_the_cli_help_and_summary(capsys):
    from alliance_sim.board.rules import BestForService
    from alliance_sim.cli import build_parser
    from alliance_sim.commands.simulate import summary_text

    helps = build_parser().format_help()
    sub = build_parser()._subparsers._group_actions[0].choices
    for command in ("simulate", "run", "search"):
        text = " ".join(sub[command].format_help().split())
        assert "best_for_service and qualified_majority are counterfactuals" in text, command
    assert "alliance-sim" in helps
    s = build(three(), [matter("m", "a", impacts=gains(a=1.0, b=1.0, c=1.0))],
              rule="best_for_service")  # fmt: skip
    text = summary_text(simulate(s, seed=0))
    assert "counterfactual decision rule" in text and BestForService.source in text
    s = build(three(), [matter("m", "a", impacts=gains(a=1.0, b=1.0, c=1.0))])
    assert "counterfactual" not in summary_text(simulate(s, seed=0))
