"""Rule 10: bad input gets one clear paragraph naming the file and the field; the CLI exits 2.

Issue #2 "Bad input": unknown field, wrong type, weight outside [0, 1], unknown party in a
reference, a membership value that does not exist, malformed TOML -- each one message naming the
file, the field path and what is allowed; exit code 2; no traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alliance_sim import InputError, load_scenario
from alliance_sim.cli import main

VALID = """\
[scenario]
name = "tiny"
start = 2020-01-01
end = 2021-01-01

[board]
rule = "unanimity"

[parties.ccg]
name = "The CCG"
kind = "commissioner"

[parties.council]
name = "The Council"
kind = "council"
membership = "full"

[parties.council.weights]
outcomes = 0.5

[[matters]]
id = "m1"
kind = "service_change"
proposer = "ccg"

[matters.impacts.council]
mean_m = -1.0

[matters.ideals.ccg.share]
ideal = 0.3

[[matters.terms]]
name = "share"

[stream]
enabled = false
"""

#: (case, replace this, with this, the field path the message must name, what is allowed)
CASES = [
    ("unknown field", 'kind = "council"', 'kind = "council"\ncolour = "red"',
     "parties.council.colour", None),
    ("wrong type", 'kind = "council"', 'kind = "council"\nbudget_m = "lots"',
     "parties.council.budget_m", "number"),
    ("weight above 1", "outcomes = 0.5", "outcomes = 1.5",
     "parties.council.weights.outcomes", "1"),
    ("weight below 0", "outcomes = 0.5", "outcomes = -0.1",
     "parties.council.weights.outcomes", "0"),
    ("unknown membership", 'membership = "full"', 'membership = "honorary"',
     "parties.council.membership", "associate"),
    ("unknown kind", 'kind = "council"', 'kind = "parish"', "parties.council.kind", "provider"),
    ("unknown proposer", 'proposer = "ccg"', 'proposer = "nhs_england"',
     r"matters[0].proposer", "council"),
    ("unknown party in impacts", "[matters.impacts.council]", "[matters.impacts.trust]",
     r"matters[0].impacts.trust", "council"),
    ("unknown party in ideals", "[matters.ideals.ccg.share]", "[matters.ideals.trust.share]",
     r"matters[0].ideals.trust", "council"),
]  # fmt: skip


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "alliance.toml"
    path.write_text(text, encoding="utf-8")
    return path


def path_named(message: str, field: str) -> bool:
    """The field path, written `a.b[0].c` (or with the index as `.0.`)."""
    return field in message or field.replace("[", ".").replace("]", "") in message


def test_valid_file_loads(tmp_path):
    s = load_scenario(write(tmp_path, VALID))
    assert set(s.parties) == {"ccg", "council"}


@pytest.mark.parametrize(
    ("case", "old", "new", "field", "allowed"), CASES, ids=[c[0] for c in CASES]
)
def test_load_scenario_error(tmp_path, case, old, new, field, allowed):
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(InputError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "\n" not in message.strip()  # one paragraph
    assert str(path) in message
    assert path_named(message, field), message
    assert "(top level)" not in message
    if allowed is not None:
        assert allowed in message, message


@pytest.mark.parametrize(
    ("case", "old", "new", "field", "allowed"), CASES, ids=[c[0] for c in CASES]
)
def test_cli_error_exit_2(tmp_path, capsys, case, old, new, field, allowed):
    path = write(tmp_path, VALID.replace(old, new, 1))
    code = main(["simulate", str(path), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 2
    assert str(path) in err
    assert path_named(err, field), err
    assert "Traceback" not in out + err


def test_unknown_field_message_says_what_is_allowed(tmp_path):
    # "naming the file, the field path and what is allowed": for a misspelt field, the allowed
    # fields (here a party's, e.g. budget_m) should be listed.
    path = write(tmp_path, VALID.replace('kind = "council"', 'kind = "council"\nbudget = 5.0', 1))
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert "budget_m" in str(info.value), str(info.value)


def test_malformed_toml(tmp_path, capsys):
    path = write(tmp_path, VALID.replace('name = "tiny"', 'name = "tiny', 1))
    with pytest.raises(InputError) as info:
        load_scenario(path)
    message = str(info.value)
    assert str(path) in message and "TOML" in message
    assert re.search(r"line \d+", message), message
    assert "\n" not in message.strip()
    assert main(["simulate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert str(path) in err and "Traceback" not in out + err


def test_missing_file(tmp_path, capsys):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(InputError, match="nowhere.toml"):
        load_scenario(path)
    assert main(["simulate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "mid-notts" in err  # says what is allowed: the built-in names


# -- overrides -----------------------------------------------------------------------------------


def test_override_membership_works():
    s = load_scenario("mid-notts", ["parties.council.membership=associate"])
    assert str(s.parties["council"].membership) == "associate"
    s = load_scenario("mid-notts", {"parties.council.membership": "associate"})
    assert str(s.parties["council"].membership) == "associate"


def test_override_via_cli_changes_the_run(capsys):
    assert main(["simulate", "mid-notts", "--quiet", "--seed", "1",
                 "--set", "parties.council.membership=associate"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "Summary" in out


def test_override_value_is_read_as_toml():
    s = load_scenario(
        "mid-notts", ["board.cadence_days=14", "parties.council.best_for_service=0.9"]
    )
    assert s.board.cadence_days == 14
    assert s.parties["council"].best_for_service == 0.9


BAD_OVERRIDES = [
    ("parties.council.membership=honorary", "parties.council.membership", "associate"),
    ("parties.council.colour=red", "parties.council.colour", None),
    ("parties.council.weights.outcomes=2", "parties.council.weights.outcomes", "1"),
    ("board.rule=consensus", "board.rule", "unanimity"),
    ("board.rule.kind=x", "board.rule", None),
    ("parties.council.membership", None, "dotted.path=value"),
]


@pytest.mark.parametrize(
    ("override", "field", "allowed"), BAD_OVERRIDES, ids=[b[0] for b in BAD_OVERRIDES]
)
def test_bad_override(capsys, override, field, allowed):
    with pytest.raises(InputError) as info:
        load_scenario("mid-notts", [override])
    message = str(info.value)
    assert "\n" not in message.strip()
    if field:
        assert field in message, message
    if allowed:
        assert allowed in message, message
    assert main(["simulate", "mid-notts", "--quiet", "--set", override]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("alliance-sim: ") and "Traceback" not in out + err


def test_override_through_a_value_names_the_missing_field():
    # `board.rule` is a value, not a table: the message must name the field asked for ("kind").
    with pytest.raises(InputError) as info:
        load_scenario("mid-notts", ["board.rule.kind=x"])
    message = str(info.value)
    assert "`kind`" in message, message
    assert "{part}" not in message, message


def test_negative_seed_is_bad_input(capsys):
    # A seed must be a non-negative integer; saying so is the CLI's job, not a traceback's.
    code = main(["simulate", "mid-notts", "--quiet", "--seed", "-1"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "seed" in err and "Traceback" not in out + err


def test_out_path_that_is_a_file(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    assert main(["simulate", "mid-notts", "--quiet", "--out", str(target)]) == 2
    out, err = capsys.readouterr()
    assert str(target) in err and "Traceback" not in out + err


# -- issue 24 §7: errors that point ---------------------------------------------------------------
#: pydantic's own wording, which must never reach the person who wrote the file
PYDANTIC_WORDS = ("Input should", "String should", "Value error", "Field required", "pydantic",
                  "valid dictionary", "instance of")  # fmt: skip

MORE_CASES = [
    ("date in another format", "start = 2020-01-01", 'start = "01/02/2020"', "scenario.start",
     "YYYY-MM-DD"),
    ("impossible date", "start = 2020-01-01", 'start = "2020-13-01"', "scenario.start",
     "YYYY-MM-DD"),
    ("missing end", "end = 2021-01-01\n", "", "scenario.end", "required"),
    ("end before start", "end = 2021-01-01", "end = 2019-01-01", "scenario.end",
     "not after scenario.start (2020-01-01)"),
    ("a word not allowed", "enabled = false", 'enabled = false\n[risk]\ndefault_split = "half"',
     "risk.default_split", "'none', 'budget' or 'equal'"),
    ("text for a number", 'kind = "council"', 'kind = "council"\nrisk_tolerance_m = "some"',
     "parties.council.risk_tolerance_m", "a number"),
    ("fraction for a whole number", 'rule = "unanimity"', 'rule = "unanimity"\ncadence_days = 2.5',
     "board.cadence_days", "a whole number"),
    ("text for a list", 'kind = "council"',
     'kind = "council"\n[parties.council.authority]\nexcluded_categories = "financial"',
     "parties.council.authority.excluded_categories", "a list"),
    ("number for a table", "[parties.council.weights]\noutcomes = 0.5", "weights = 3",
     "parties.council.weights", "a table"),
    ("text for true/false", "enabled = false", 'enabled = "perhaps"', "stream.enabled",
     "true or false"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "old", "new", "field", "allowed"), MORE_CASES, ids=[c[0] for c in MORE_CASES]
)
def test_errors_point_in_plain_words(tmp_path, capsys, case, old, new, field, allowed):
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    assert main(["simulate", str(path), "--quiet"]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "Traceback" not in out + err  # one paragraph
    assert str(path) in err and path_named(err, field) and allowed in err, err
    assert not any(word in err.replace(str(path), "FILE") for word in PYDANTIC_WORDS), err


def test_no_pydantic_wording_in_any_bad_input_of_this_file(tmp_path):
    for case in CASES + MORE_CASES:
        path = write(tmp_path, VALID.replace(case[1], case[2], 1))
        with pytest.raises(InputError) as info:
            load_scenario(path)
        message = str(info.value).replace(str(path), "FILE")
        assert not any(word in message for word in PYDANTIC_WORDS), message


def test_unknown_party_in_an_override_names_the_known_ones():
    with pytest.raises(InputError) as info:
        load_scenario("mid-notts", ["parties.counci.membership=associate"])
    message = str(info.value)
    assert "no party `counci`" in message and "council" in message and "sfh" in message
    assert "required but missing" not in message


def test_none_unsets_an_optional_field_in_a_file_and_with_set(tmp_path):
    s = load_scenario(
        "mid-notts", ["scenario.transition_end=none", "risk.scheme.status=negotiated"]
    )
    assert s.scenario.transition_end is None
    text = VALID.replace("end = 2021-01-01", 'end = 2021-01-01\ntransition_end = "none"')
    assert load_scenario(write(tmp_path, text)).scenario.transition_end is None
    # a field where "none" is a value of its own keeps it
    assert str(load_scenario("mid-notts", ["parties.team.membership=none"]).parties[
        "team"].membership) == "none"  # fmt: skip


def test_a_reader_that_goes_away_ends_the_output_quietly():
    import subprocess
    import sys

    child = subprocess.Popen(
        [sys.executable, "-m", "alliance_sim.cli", "simulate", "mid-notts", "--seed", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout.readline()  # like `| head -1`: read a line, then stop reading
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    import alliance_sim

    assert capsys.readouterr().out.strip() == f"alliance-sim {alliance_sim.__version__}"
