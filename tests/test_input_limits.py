"""Issue #12, finding 5: every bad input file is one paragraph and exit 2, never a traceback.

Not UTF-8 (file and byte offset named), nested deeper than the stated limit (arrays, inline
tables, dotted keys, in a scenario, an experiment or an override), files and texts over the
stated sizes, and an inline-table factor level; a long value is shortened when echoed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance_sim.cli import main
from alliance_sim.inputfile import MAX_DEPTH, MAX_FILE_BYTES, MAX_STRING
from tests.test_bad_input import VALID

EXPERIMENT = """\
[experiment]
name = "limits"
scenario = "{scenario}"
replications = 2
seed = 1
horizon_days = 60
"""


def refused(capsys, args: list[str]) -> str:
    """Run the CLI; it must exit 2 with one paragraph on stderr and no traceback."""
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "RecursionError" not in err
    assert err.startswith("alliance-sim: ") and err.count("\n") == 1, err[:2000]
    assert len(err) < 1200, f"{len(err)} characters: {err[:300]}…"
    return err


def scenario_file(tmp_path: Path, data: bytes, name: str = "alliance.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def experiment_for(tmp_path: Path, scenario: Path, extra: str = "") -> Path:
    path = tmp_path / "limits.toml"
    path.write_text(EXPERIMENT.format(scenario=scenario.name) + extra, encoding="utf-8")
    return path


def test_scenario_not_utf8_names_file_and_byte_offset(tmp_path, capsys):
    raw = VALID.encode().replace(b'"The CCG"', b'"The CCG \xe9tude"')
    path = scenario_file(tmp_path, raw)
    offset = raw.index(b"\xe9")
    err = refused(capsys, ["simulate", str(path), "--quiet"])
    assert str(path) in err and f"byte offset {offset}" in err and "UTF-8" in err
    # the same file read through an experiment
    err = refused(
        capsys, ["run", str(experiment_for(tmp_path, path)), "--out", str(tmp_path / "o")]
    )
    assert str(path) in err and f"byte offset {offset}" in err


def test_experiment_not_utf8(tmp_path, capsys):
    path = tmp_path / "e.toml"
    raw = b'[experiment]\nname = "caf\xe9"\n'
    path.write_bytes(raw)
    err = refused(capsys, ["run", str(path), "--out", str(tmp_path / "o")])
    offset = raw.index(b"\xe9")
    assert str(path) in err and f"byte offset {offset}" in err


@pytest.mark.parametrize(
    "nested",
    [
        "deep = " + "[" * 5000 + "]" * 5000,
        "deep = " + "{ a = " * 5000 + "1" + " }" * 5000,
        "a" + ".a" * 5000 + " = 1",  # dotted keys nest without a bracket
    ],
    ids=["arrays", "inline tables", "dotted keys"],
)
def test_excessive_nesting_states_the_limit(tmp_path, capsys, nested):
    path = scenario_file(tmp_path, (VALID + "\n[stream.extra]\n" + nested + "\n").encode())
    err = refused(capsys, ["simulate", str(path), "--quiet"])
    assert str(path) in err and f"nested more than {MAX_DEPTH} deep" in err

    experiment = tmp_path / "e.toml"
    experiment.write_text(EXPERIMENT.format(scenario="mid-notts") + nested + "\n")
    err = refused(capsys, ["run", str(experiment), "--out", str(tmp_path / "o")])
    assert str(experiment) in err and f"limit is {MAX_DEPTH}" in err


def test_nesting_in_an_override(capsys):
    value = "[" * 5000 + "]" * 5000
    err = refused(capsys, ["simulate", "mid-notts", "--set", f"board.rule={value}"])
    assert f"nested more than {MAX_DEPTH} deep" in err


def test_nesting_within_the_limit_is_an_ordinary_field_error(tmp_path, capsys):
    nested = "deep = " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2)
    path = scenario_file(tmp_path, (VALID + "\n[stream.extra]\n" + nested + "\n").encode())
    err = refused(capsys, ["simulate", str(path), "--quiet"])
    assert "stream.extra" in err and "nested" not in err


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path, capsys):
    text = VALID.replace('name = "The CCG"', 'name = "The CCG ' + "[" * 200 + '"')
    path = scenario_file(tmp_path, text.encode())
    assert main(["simulate", str(path), "--quiet"]) == 0
    assert "stalemate rate" in capsys.readouterr().out


def test_oversized_file_states_the_limit(tmp_path, capsys):
    padding = ("# " + "x" * 98 + "\n") * (MAX_FILE_BYTES // 100 + 1)
    path = scenario_file(tmp_path, (VALID + padding).encode())
    err = refused(capsys, ["simulate", str(path), "--quiet"])
    assert str(path) in err and f"{MAX_FILE_BYTES:,} bytes" in err


def test_long_text_is_refused_and_not_echoed_whole(tmp_path, capsys):
    title = "T" * (MAX_STRING * 5)
    text = VALID.replace('name = "tiny"', f'name = "tiny"\ntitle = "{title}"')
    path = scenario_file(tmp_path, text.encode())
    err = refused(capsys, ["simulate", str(path), "--quiet"])
    assert "scenario.title" in err and f"{MAX_STRING:,} characters" in err and "…" in err
    experiment = experiment_for(tmp_path, Path("mid-notts"))
    experiment.write_text(
        experiment.read_text().replace("[experiment]\n", f'[experiment]\ntitle = "{title}"\n')
    )
    err = refused(capsys, ["run", str(experiment), "--out", str(tmp_path / "o")])
    assert "experiment.title" in err and "…" in err


def test_a_bad_long_value_is_shortened_in_the_message(capsys):
    err = refused(capsys, ["simulate", "mid-notts", "--set", "board.rule=" + "u" * 5000])
    assert "board.rule" in err and "u" * 79 not in err and "…" in err


def test_inline_table_factor_level_is_one_short_paragraph(tmp_path, capsys):
    experiment = tmp_path / "e.toml"
    experiment.write_text(
        EXPERIMENT.format(scenario="mid-notts")
        + '\n[factors]\n"board.rule" = ["unanimity", { rule = "best_for_service" }]\n'
    )
    err = refused(capsys, ["run", str(experiment), "--out", str(tmp_path / "o")])
    assert "factor `board.rule` level 2 is a table" in err and "bundle" in err
    assert len(err) < 500 and "input_value" not in err and "pydantic" not in err


def test_a_huge_bare_word_is_refused_quickly(tmp_path, capsys):
    # a long unquoted word is invalid TOML; reading it must stay linear in its length
    path = scenario_file(tmp_path, (VALID + "\njunk = " + "a" * 900_000 + "\n").encode())
    err = refused(capsys, ["simulate", str(path), "--quiet"])
    assert str(path) in err and "not valid TOML" in err
