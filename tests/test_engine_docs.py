"""The worked examples of docs/ENGINE.md work: a new decision rule is one class in board/rules.py,
a new kind of party one module in agents/, and scenarios can use them at once."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest
from pydantic import ValidationError

import alliance_sim.board.rules
from alliance_sim import AllianceModel, InputError, load_scenario
from alliance_sim.registry import DECISION_RULES, PARTY_KINDS
from tests.builders import build, gains, get_matter, matter, party

DOC = Path(__file__).resolve().parent.parent / "docs" / "ENGINE.md"


def example(heading: str) -> str:
    """The first python block under the section headed ``heading``."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"## {heading}", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.fixture
def registered():
    """Forget whatever the test registers, so other tests see the shipped registries."""
    before = {r: set(r) for r in (DECISION_RULES, PARTY_KINDS)}
    yield
    for registry, names in before.items():
        for name in set(registry) - names:
            del registry.entries[name]
    sys.modules.pop("agents.gp_federation", None)


def test_the_new_rule_example_works(registered):
    with pytest.raises(InputError, match="all_but_one"):
        load_scenario("walsall", {"board.rule": "all_but_one"})
    exec(example("Adding a decision rule"), dict(vars(alliance_sim.board.rules)))
    assert "all_but_one" in DECISION_RULES
    parties = {k: party() for k in ("a", "b", "c")}
    one_no = build(parties, [matter("m", "a", impacts=gains(a=1.0, b=1.0, c=-1.0))],
                   rule="all_but_one")  # fmt: skip
    two_no = build(parties, [matter("m", "a", impacts=gains(a=1.0, b=-1.0, c=-1.0))],
                   rule="all_but_one")  # fmt: skip
    assert get_matter(AllianceModel(one_no, seed=0).run(), "m").outcome == "agreed"
    assert get_matter(AllianceModel(two_no, seed=0).run(), "m").outcome == "stalemate"


def test_the_new_party_kind_example_works(registered):
    with pytest.raises(ValidationError, match="gp_federation"):
        build({"a": party(kind="gp_federation")})
    module = types.ModuleType("agents.gp_federation")
    module.__package__ = "agents"
    sys.modules[module.__name__] = module
    exec(example("Adding a kind of party"), vars(module))
    scenario = load_scenario("mid-notts", {"parties.team.kind": "gp_federation"})
    model = AllianceModel(scenario, seed=1).run()
    team = model.parties[model.index["team"]]
    assert type(team).__name__ == "GPFederation" and team.kind == "gp_federation"
    assert team.withdraws_after_shock(-1.5 * team.risk_tolerance_m, scenario.membership)
    # the generated business reaches it as primary care: new community activity
    from alliance_sim.business.stream import _Builder

    assert _Builder(scenario, model.index).role_list[team.index] == "community"


def test_every_kind_the_stream_may_draw_has_a_builder():
    from alliance_sim.business.stream import BATCH_BUILDERS, BUILDERS
    from alliance_sim.config import DRAWN_KINDS

    assert set(BATCH_BUILDERS) | set(BUILDERS) == set(DRAWN_KINDS)
