"""The assumption registry: every field a scenario file marks `assumption:` has a range."""

from __future__ import annotations

import pytest

from alliance_sim.cli import main
from alliance_sim.config.assumptions import (
    BOOLEAN,
    FIXED,
    build_registry,
    marked_fields,
    scenario_text,
)
from alliance_sim.config.loading import builtin_names, load_scenario


@pytest.mark.parametrize("name", builtin_names())
def test_every_marked_field_is_in_the_registry_with_a_range_holding_its_default(name):
    _, text = scenario_text(name)
    marked = {m.path for m in marked_fields(text)}
    registry = build_registry(name)
    paths = {a.path for a in registry}
    assert marked, "the parser found no marked field at all"
    assert marked <= paths, f"missing from the registry: {sorted(marked - paths)}"
    data = load_scenario(name).model_dump(mode="json")
    for a in registry.sampled():
        assert a.low < a.high, a.path
        assert a.contains_default(), (a.path, a.default, a.low, a.high)
        node = data
        for part in a.path.split("."):
            node = node[part]
        assert node == a.default, a.path  # the default is the validated scenario's value


@pytest.mark.parametrize("name", ["mid-notts", "walsall"])
def test_every_end_of_every_range_is_a_valid_scenario(name):
    for a in build_registry(name).sampled():
        for unit in (0.0, 1.0):
            load_scenario(name, {a.path: a.value(unit)})


def test_parser_reads_tables_arrays_and_all_values_comments():
    text = """\
[board]
cadence_days = 28  # assumption: monthly
rule = "unanimity"  # 001 §47
[parties.x.weights]
# assumption (all values): judgement
finance = 1.0
local = 0.5
[[risk.levels]]
min_score = 0.01  # assumption: none given
[[risk.levels]]
min_score = 0.0   # stated
pool_share = 0.0  # an assumption: none given
"""
    marked = {m.path: m.reason for m in marked_fields(text)}
    assert marked == {
        "board.cadence_days": "monthly",
        "parties.x.weights.finance": "judgement",
        "parties.x.weights.local": "judgement",
        "risk.levels.0.min_score": "none given",
        "risk.levels.1.pool_share": "none given",
    }


def test_non_numbers_are_fixed_and_booleans_two_level():
    registry = build_registry("mid-notts")
    assert registry.get("parties.nhft.sector").kind == FIXED
    assert registry.get("membership.council_response_to_refusal").kind == FIXED
    flag = registry.get("board.mandate_covers_amendments")
    assert flag.kind == BOOLEAN and flag.value(0.2) is False and flag.value(0.7) is True
    assert registry.get("board.cadence_days").value(0.5) == 35  # integers are rounded
    # a config default that the documents do not give is registered though no file marks it
    assert registry.get("stream.economics.social_care_uplift").default == pytest.approx(0.2)


def test_cli_prints_the_table(capsys):
    assert main(["assumptions", "mid-notts"]) == 0
    out = capsys.readouterr().out
    assert "parties.council.loss_aversion" in out and "trust.initial" in out
    assert main(["assumptions", "no-such-alliance"]) == 2
    assert "built-in scenarios are" in capsys.readouterr().err
