"""Rule 1: only full members vote; associates attend and are consulted, but never vote (001 §33, 35)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from alliance_sim import Scenario, load_scenario, simulate
from alliance_sim.records.events import Ev
from tests.builders import (
    attendee_keys,
    build,
    events_on,
    full_member_keys,
    gains,
    get_matter,
    key,
    matter,
    party,
    referrals,
    run,
    votes_on,
)
from tests.strategies import scenarios

PARTIES = {
    "ccg": party("commissioner", "full"),
    "trust": party("provider", "full"),
    "council": party("council", "associate"),
    "charity": party("vcse", "none"),
}


class TestAssociatesNeverVote:
    def test_votes_only_from_full_members(self):
        s = build(PARTIES, [matter("m1", "ccg", impacts=gains(ccg=1, trust=1, council=1))])
        model = run(s)
        voters = {key(model, v.party) for v in model.log.votes}
        assert voters == {"ccg", "trust"}

    def test_an_associate_against_cannot_block(self):
        # The associate loses £5m (and the non-member £5m); both full members gain and weigh only
        # their own interest (best-for-service 0), so each votes yes. Under unanimity the matter is
        # agreed at its first meeting: the associate's view does not count.
        parties = {
            **PARTIES,
            "ccg": party("commissioner", "full", best_for_service=0.0),
            "trust": party("provider", "full", best_for_service=0.0),
        }
        s = build(
            parties,
            [matter("m1", "ccg", impacts=gains(ccg=1, trust=1, council=-5, charity=-5))],
            rule="unanimity",
        )
        model = run(s)
        m = get_matter(model, "m1")
        assert m.outcome == "agreed"
        assert m.decided_day == m.tabled_day
        assert {key(model, v.party) for v in votes_on(model, "m1")} == {"ccg", "trust"}

    def test_associate_referral_limits_are_irrelevant(self):
        # An associate whose authority would not cover the matter is not asked, so nothing is
        # referred and nothing waits for its home body.
        parties = dict(PARTIES)
        parties["council"] = party(
            "council",
            "associate",
            authority={"threshold_m": 0.0, "excluded_categories": ["financial"]},
        )
        s = build(
            parties,
            [
                matter(
                    "m1",
                    "ccg",
                    magnitude_m=0.5,
                    categories=["financial"],
                    impacts=gains(ccg=1, trust=1),
                )
            ],
        )
        model = run(s)
        m = get_matter(model, "m1")
        assert m.referrals == 0
        assert m.outcome == "agreed"
        assert referrals(model, "m1") == {}

    def test_associates_attend_and_are_consulted_on_reserved_matters(self):
        s = build(
            PARTIES, [matter("r1", "ccg", kind="public_consultation", impacts=gains(council=-1))]
        )
        model = run(s)
        (consulted,) = events_on(model, "r1", Ev.CONSULTED)
        present = {key(model, i) for i in consulted.present}
        assert present == {"ccg", "trust", "council"}  # full and associate; not the non-member
        assert votes_on(model, "r1") == []

    def test_an_associate_gives_its_view_on_ordinary_business_but_it_is_not_a_vote(self):
        # 001 §35, 53: the associate (council) loses £5m a year, beyond its £0.5m tolerance, so it
        # is against; both full members gain and vote yes, and the matter is agreed at once.
        parties = {
            **PARTIES,
            "ccg": party("commissioner", "full", best_for_service=0.0),
            "trust": party("provider", "full", best_for_service=0.0),
        }
        s = build(parties, [matter("m1", "ccg", impacts=gains(ccg=1, trust=1, council=-5))])
        result = simulate(s, seed=0)
        model = result.model
        (consulted,) = events_on(model, "m1", Ev.CONSULTED)
        assert not consulted.reserved
        assert [key(model, i) for i in consulted.present] == ["council"]  # not the non-member
        assert list(consulted.content) == [False]
        assert get_matter(model, "m1").outcome == "agreed"
        assert {key(model, v.party) for v in votes_on(model, "m1")} == {"ccg", "trust"}
        council = s.parties["council"].name
        line = next(t for t in result.narrative().splitlines() if "Associates consulted" in t)
        assert f"{council} is against: " in line and "costs it £5.0m a year" in line
        assert "beyond its tolerance of £500k" in line

    def test_associates_views_are_on_each_meetings_terms_from_the_voters_evaluation(self):
        # mid-notts has an associate (the council-nominated social-care provider); at every
        # meeting that votes on a matter, the associates present give their view of exactly the
        # terms voted on, from the very evaluation the voters' votes were cast on.
        model = run(load_scenario("mid-notts"), seed=2)
        views = {(e.matter, e.meeting): e for e in model.log.events
                 if e.kind is Ev.CONSULTED and not e.reserved}  # fmt: skip
        # until the first change of membership (the associate may be admitted as a full member)
        changes = [e.day for e in model.log.of_kind(Ev.MEMBERSHIP)]
        ballots = [b for b in model.log.ballots if b.day < min(changes, default=10**9)]
        assert ballots and views
        for b in ballots:
            e = views[(b.matter, b.meeting)]
            assert len(e.present) and e.ev is b.ev and e.x is b.x
            assert list(e.content) == [bool(b.ev.s[i] > 0) for i in e.present]
            assert not any(b.cast >> int(i) & 1 for i in e.present)  # a view is never a vote

    def test_no_full_members_no_agreement(self):
        # With nobody entitled to vote, no matter can be agreed (a vacuous "unanimity" of nobody
        # is not a decision); rejecting such an alliance as bad input is equally acceptable.
        parties = {"a": party("commissioner", "associate"), "b": party("provider", "associate")}
        spec = matter("m", "a", impacts=gains(a=-1.0, b=-1.0))
        try:
            s = build(parties, [spec])
        except ValidationError:
            return
        model = run(s)
        assert model.log.votes == []
        assert get_matter(model, "m").outcome != "agreed"

    def test_model_voters_and_attendees(self):
        model = run(build(PARTIES))
        assert {key(model, i) for i in model.voters} == {"ccg", "trust"}
        assert {key(model, i) for i in model.attendees} == {"ccg", "trust", "council"}


@settings(max_examples=50, deadline=None)
@given(scenarios())
def test_property_votes_table_has_only_full_members(data):
    s = Scenario.model_validate(data)
    model = run(s)
    full = full_member_keys(s)
    assert {key(model, v.party) for v in model.log.votes} <= full
    for e in model.log.events:
        if e.kind is Ev.CONSULTED and e.reserved:
            assert {key(model, i) for i in e.present} == attendee_keys(s)
        elif e.kind is Ev.CONSULTED:  # the associates on ordinary business: a view, no vote
            assert {key(model, i) for i in e.present} == attendee_keys(s) - full
    for m in model.matters:
        assert set(referrals(model, m.id)) <= full


@settings(max_examples=30, deadline=None)
@given(scenarios(rule="unanimity"), st.sampled_from(("associate", "none")))
def test_property_demoting_a_nonvoter_changes_nothing(data, demoted_to):
    """Turning an associate that proposes nothing into a non-member (or back) never changes any
    decision (a non-member's own proposals are withdrawn: only a member brings business)."""
    proposers = {m["proposer"] for m in data["matters"]}
    nonvoters = [k for k, p in data["parties"].items()
                 if p["membership"] != "full" and k not in proposers]  # fmt: skip
    if not nonvoters:
        return
    other = dict(data)
    other["parties"] = {
        k: {**p, "membership": demoted_to} if k in nonvoters else p
        for k, p in data["parties"].items()
    }
    a = run(Scenario.model_validate(data))
    b = run(Scenario.model_validate(other))
    assert [(m.id, m.outcome, m.decided_day) for m in a.matters] == [
        (m.id, m.outcome, m.decided_day) for m in b.matters
    ]
    assert [(v.matter, v.party, v.vote, v.day) for v in a.log.votes] == [
        (v.matter, v.party, v.vote, v.day) for v in b.log.votes
    ]
