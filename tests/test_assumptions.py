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


# -- issue 24 §4: every assumed value the scenario uses --------------------------------------------
def test_any_form_of_the_mark_is_read():
    text = """\
[board]
cadence_days = 28  # assumption monthly
notice_days = 7    # Assumption - a week
max_agenda = 12    # ASSUMPTION
first_meeting_day = 0
description = "a # in a string, and assumption: in a string"
[parties.x]
budget_m = 3.0  # 004 p.12 (an assumption; a guess)
best_for_service = 0.5  # assumption [0.2, 0.8]: as a peer
"""
    marked = {m.path: (m.reason, m.low, m.high) for m in marked_fields(text)}
    assert marked == {
        "board.cadence_days": ("monthly", None, None),
        "board.notice_days": ("a week", None, None),
        "board.max_agenda": ("", None, None),
        "parties.x.budget_m": ("a guess", None, None),
        "parties.x.best_for_service": ("as a peer", 0.2, 0.8),
    }


TINY = """\
[scenario]
name = "tiny"
start = 2024-04-01
end = 2027-03-31

[parties.ccg]
name = "CCG"
kind = "commissioner"
budget_m = 100.0  # assumption: the in-scope budget

[parties.trust]
name = "Trust"
kind = "provider"
sector = "acute"
budget_m = 80.0
"""


def test_defaults_the_file_never_wrote_are_listed_with_range_and_reason(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    registry = build_registry(path)
    cadence = registry.get("parties.trust.home_body.cadence_days")
    assert not cadence.written and cadence.default == 28 and (cadence.low, cadence.high) == (21, 42)
    assert "not in the file" in cadence.reason
    assert registry.get("parties.ccg.budget_m").written
    # what the file writes without a mark is its author's fact, not an assumption
    assert "parties.trust.budget_m" not in {a.path for a in registry}
    # a default not in use in this scenario is no assumption it makes
    paths = {a.path for a in registry}
    assert "host.admin_cost_m" not in paths and "escalation.decision_days" not in paths
    assert "stream.kinds.agreement_variation.deadline_days" not in paths  # never drawn
    assert "board.max_agenda" in paths and "risk.outcome_noise" in paths
    # before issue 24, an unmarked file listed only the stream's economics
    assert len(registry) > 60


def test_morris_screens_every_family_including_the_defaults(tmp_path):
    from alliance_sim.batch.stages import SensitivityStage
    from alliance_sim.exploration.sampling import choose_factors

    path = tmp_path / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    registry = build_registry(path)
    stage = SensitivityStage(name="screening", method="morris", trajectories=2)
    factors = choose_factors(registry, stage, None, set())
    screened = {a.path for f in factors for a in f.members}
    assert screened == {a.path for a in registry.sampled()}
    assert "parties.trust.home_body.own_interest_bias" in screened
    assert "board.chair_proposes_after" in screened


def test_the_table_prints_every_reason_in_full(capsys):
    assert main(["assumptions", "mid-notts"]) == 0
    out = capsys.readouterr().out
    # a reason of over 60 characters, once cut there, is printed whole (wrapped)
    reason = (
        "001 §55 fears demand shifted onto the council; no figure: half to one and a half times"
    )
    assert reason in " ".join(out.split())
    assert "defaults the file does not write" in out
