"""Writing your own alliance (issue 24 §1, 2): `new`, `check`, `schema` and docs/SCENARIO.md."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from alliance_sim import builtin_names, load_scenario
from alliance_sim.authoring.checks import check
from alliance_sim.authoring.reference import json_schema, markdown
from alliance_sim.authoring.template import write
from alliance_sim.cli import main
from alliance_sim.config.assumptions import build_registry, rule_for
from alliance_sim.config.fields import leaf_specs

ROOT = Path(__file__).resolve().parents[1]


def test_scenario_reference_is_current():
    """docs/SCENARIO.md is what the models say now: regenerate it with
    `python -m alliance_sim.authoring.reference > docs/SCENARIO.md`."""
    assert (ROOT / "docs" / "SCENARIO.md").read_text(encoding="utf-8") == markdown()


def test_every_field_says_what_it_is_its_unit_and_where_it_comes_from():
    for spec in leaf_specs():
        assert spec.description, f"{spec.path} has no description"
        if spec.kind().startswith(("number", "whole number")):
            assert spec.unit, f"{spec.path} is a quantity without a unit"
        assert spec.source or rule_for(spec.path) is not None, (
            f"{spec.path}: neither a source (yours, a clause, a setting) nor an assumption rule"
        )


def test_reference_names_units_defaults_and_assumption_ranges():
    text = markdown()
    row = next(line for line in text.splitlines() if line.startswith("| `budget_m`"))
    assert "£m a year" in row and "your alliance" in row
    row = next(line for line in text.splitlines() if line.startswith("| `cadence_days`"))
    assert "assumption, plausible 14 to 56" in row and "`28`" in row
    assert "| `withdrawal_notice_days` |" in text and "001 §42" in text


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return -1e308 if value < 0 else 1e308
    return value


def test_json_schema_accepts_every_built_in_and_refuses_a_bad_value():
    jsonschema = pytest.importorskip("jsonschema")
    from alliance_sim.config.loading import read_scenario_file

    schema = json_schema()
    validator = jsonschema.Draft202012Validator(schema)
    for name in builtin_names():
        data = _jsonable(read_scenario_file(name).data)
        assert not list(validator.iter_errors(data)), name
    data = _jsonable(read_scenario_file("mid-notts").data)
    data["parties"]["council"]["kind"] = "parish"
    data["parties"]["council"]["colour"] = "red"
    data["scenario"]["transition_end"] = "none"
    errors = {e.message for e in validator.iter_errors(data)}
    assert any("parish" in e for e in errors) and any("colour" in e for e in errors), errors
    assert len(errors) == 2


def test_schema_command_prints_json(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$defs"]["Party"]["properties"]["budget_m"]["x-unit"] == "£m a year"


@pytest.mark.parametrize("like", ["nhse-template", "mid-notts", "walsall", "lambeth-ipsa"])
def test_new_file_is_the_built_in_under_a_new_name(tmp_path, like):
    path = tmp_path / "riverside.toml"
    path.write_text(write("riverside", like), encoding="utf-8")
    mine, theirs = load_scenario(path), load_scenario(like)
    assert mine.scenario.name == "riverside"
    assert mine.model_dump(exclude={"scenario"}) == theirs.model_dump(exclude={"scenario"})
    # the same assumptions, with the same ranges: nothing lost or invented by writing it out
    a, b = build_registry(path), build_registry(like)
    assert sorted((x.path, x.low, x.high, x.kind) for x in a) == sorted(
        (x.path, x.low, x.high, x.kind) for x in b
    )
    assert check(path).findings == []


def test_new_file_comments_every_field(tmp_path):
    text = write("riverside")
    line = next(x for x in text.splitlines() if x.startswith("budget_m = "))
    assert "£m a year" in line and "default 0.0" in line and "assumption" in line
    line = next(x for x in text.splitlines() if x.startswith("withdrawal_notice_days = "))
    assert "001 §42" in line and "days" in line
    line = next(x for x in text.splitlines() if x.startswith("kind = "))
    assert "one of commissioner, council, provider, vcse" in line


def test_new_command_writes_and_refuses_to_overwrite(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "riverside"]) == 0
    assert (tmp_path / "riverside.toml").is_file()
    assert main(["new", "riverside"]) == 2
    assert "exists already" in capsys.readouterr().err
    assert main(["new", "other", "--like", "nowhere"]) == 2
    assert "built-in" in capsys.readouterr().err
    assert main(["check", "riverside.toml", "--strict"]) == 0
    out = capsys.readouterr().out
    assert "No warnings." in out and "budget_m = 250.0" in out


def test_built_ins_pass_check_without_warnings():
    for name in builtin_names():
        assert check(name).findings == [], name


NEW_USER = """\
[scenario]
name = "riverside"
start = 2024-04-01
end = 2029-03-31

[parties.ccg]
name = "Riverside CCG"
kind = "commissioner"

[parties.acute]
name = "Riverside Hospitals Trust"
kind = "provider"

[parties.council]
name = "Riverside Council"
kind = "council"
budget_m = 60.0
authority = { threshold_m = 250000 }
[parties.council.home_body]
name = "Adult Social Care Committee"
"""


def test_check_warns_about_what_means_nothing(tmp_path, capsys):
    path = tmp_path / "mine.toml"
    path.write_text(NEW_USER, encoding="utf-8")
    found = {f.path: f.message for f in check(path).findings}
    assert "parties.ccg.budget_m" in found and "no budget" in found["parties.ccg.budget_m"]
    assert "parties.acute.sector" in found and "community" in found["parties.acute.sector"]
    assert "£250k is 0.25" in found["parties.council.authority.threshold_m"]
    assert "parties.acute.home_body" in found and "parties.council.home_body" not in found
    assert main(["check", str(path), "--strict"]) == 1
    out = capsys.readouterr().out
    assert "budget_m = 0.0  # default" in out  # the effective scenario: what each default became


def test_check_warns_about_an_override_orders_of_magnitude_off():
    found = check("mid-notts", ["parties.council.authority.threshold_m=250000"]).findings
    text = " ".join(str(f) for f in found)
    assert "1,000,000 times the value it replaces" in text and "£250k is 0.25" in text
    assert check("mid-notts", ["parties.council.authority.threshold_m=0.5"]).findings == []


def test_check_warns_about_an_assumption_without_a_range(tmp_path):
    path = tmp_path / "mine.toml"
    # a field no rule covers, marked as assumed: listed, never sampled, and warned about
    path.write_text(NEW_USER + "[board]\nqualified_majority = 0.8  # assumption\n", "utf-8")
    found = {f.path: f.message for f in check(path).findings}
    assert "no plausible range" in found["board.qualified_majority"]
    # ... unless the comment gives the range
    path.write_text(
        NEW_USER + "[board]\nqualified_majority = 0.8  # assumption [0.6, 0.9]: a guess\n", "utf-8"
    )
    assert "board.qualified_majority" not in {f.path for f in check(path).findings}
    entry = build_registry(path).get("board.qualified_majority")
    assert (entry.low, entry.high, entry.sampled, entry.reason) == (0.6, 0.9, True, "a guess")


def test_simulate_prints_the_warnings_on_stderr(tmp_path, capsys):
    path = tmp_path / "mine.toml"
    path.write_text(NEW_USER.replace("threshold_m = 250000", "threshold_m = 0.25"), "utf-8")
    assert main(["simulate", str(path), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "parties.ccg.budget_m" in err and "alliance-sim check" in err


def test_unnamed_home_body_is_named_after_its_party(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(NEW_USER, encoding="utf-8")
    s = load_scenario(path)
    assert s.parties["acute"].home_body.name == "Riverside Hospitals Trust's board"
    assert s.parties["council"].home_body.name == "Adult Social Care Committee"


def test_check_prints_the_effective_scenario_as_toml_each_table_once(capsys):
    """The walk-through found `[parties.ccg]` printed again after its sub-tables and array items
    written `[risk.levels.0]`: each table is printed once, arrays of tables as TOML writes them."""
    assert main(["check", "nhse-template"]) == 0
    out = capsys.readouterr().out
    body = out.split("alliance-sim's default):\n", 1)[1].split("\n\nAssumptions:", 1)[0]
    headers = [line for line in body.splitlines() if line.startswith("[")]
    tables = [h for h in headers if not h.startswith("[[")]
    assert len(tables) == len(set(tables)), "a table printed twice"
    assert headers.count("[[risk.levels]]") == 5 and not any(".0]" in h for h in headers)
    council = body.split("[parties.council]\n", 1)[1].split("\n[", 1)[0]
    assert "source = " in council  # a table's own values come before its sub-tables


def test_clauses_are_written_and_checked_key_by_key(tmp_path):
    """[clauses] is a table of the rules its alliance has a clause for: `new` writes those keys
    (never pydantic's `root`), and the file it writes loads with the same citations."""
    text = write("mine", like="walsall")
    section = text.split("\n[clauses]\n", 1)[1]
    assert "root =" not in section and 'notice = "002 §5.4.1"' in section
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path).clauses == load_scenario("walsall").clauses
