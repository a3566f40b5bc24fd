"""Done when (issue 24): the Riverside alliance built from `alliance-sim new`, edited only in its
documented fields, passes `check` with no warning, simulates, runs a full-vs-associate experiment,
and the report's first paragraph names the council's net positions with intervals.

Riverside is fictional: a CCG, the council, an acute trust, a community trust and two
voluntary-sector bodies; a five-year term, a monthly board, the council's representative holding
£250k of delegated authority, and a risk/reward scheme its members agreed before the term
(``[risk.scheme]``), with no transition period.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from alliance_sim.cli import main


def set_value(text: str, table: str, key: str, value: str) -> str:
    """Change one value under ``[table]`` as a person in an editor would, keeping its comment."""
    start = text.index(f"\n[{table}]\n")
    line = re.compile(rf"^{re.escape(key)} = .*?(  #.*)?$", re.M)
    match = line.search(text, start)
    assert match is not None, (table, key)
    comment = match.group(1) or ""
    return text[: match.start()] + f"{key} = {value}{comment}" + text[match.end() :]


def drop_party(text: str, key: str, before: str) -> str:
    """Delete a party's tables (from ``[parties.key]`` to the next party's)."""
    start = text.index(f"\n[parties.{key}]\n")
    end = text.index(f"\n[parties.{before}]\n")
    return text[:start] + text[end:]


def copy_party(text: str, key: str, new: str, before: str) -> str:
    """A second party like ``key``: its tables copied under a new key, before ``before``."""
    start = text.index(f"\n[parties.{key}]\n")
    end = text.index(f"\n[parties.{before}]\n")
    block = text[start:end].replace(f"[parties.{key}", f"[parties.{new}")
    return text[:end] + block + text[end:]


def riverside(folder: Path) -> Path:
    assert main(["new", str(folder / "riverside")]) == 0
    path = folder / "riverside.toml"
    text = path.read_text(encoding="utf-8")
    text = set_value(text, "scenario", "title", '"Riverside alliance (fictional)"')
    text = set_value(text, "scenario", "start", "2024-04-01")
    text = set_value(text, "scenario", "end", "2029-03-31")
    text = drop_party(
        text, "mh_trust", "vcse"
    )  # and the GP federation after it: Riverside has none
    text = copy_party(text, "vcse", "carers", "council")
    edits = {
        "ccg": ('"Riverside Clinical Commissioning Group"', "310.0", '"Riverside CCG Governing Body"'),
        "acute_trust": ('"Riverside Hospitals NHS Foundation Trust"', "240.0",
                        '"Riverside Hospitals Board of Directors"'),
        "community_trust": ('"Riverside Community Health NHS Trust"', "60.0",
                            '"Riverside Community Health Trust Board"'),
        "vcse": ('"Riverside Voluntary Action"', "1.5", '"Riverside Voluntary Action Trustees"'),
        "carers": ('"Riverside Carers Centre"', "0.8", '"Riverside Carers Centre Trustees"'),
        "council": ('"Riverside Council"', "70.0", '"Adult Social Care and Health Committee"'),
    }  # fmt: skip
    for key, (name, budget, home) in edits.items():
        text = set_value(text, f"parties.{key}", "name", name)
        text = set_value(text, f"parties.{key}", "budget_m", budget)
        text = set_value(text, f"parties.{key}.home_body", "name", home)
    for key in ("vcse", "carers"):  # small bodies: their representatives decide up to £0.5m
        text = set_value(text, f"parties.{key}.authority", "threshold_m", "0.5")
    text = set_value(text, "parties.council.authority", "threshold_m", "0.25")
    text = set_value(
        text,
        "parties.council.authority",
        "excluded_categories",
        '["strategic", "policy", "resource", "financial"]',
    )
    text = set_value(text, "parties.council.home_body", "cadence_days", "42")
    # Riverside's members agreed their gain/loss shares before the term began: no transition
    text = set_value(text, "risk.scheme", "status", '"agreed"')
    text = set_value(
        text,
        "risk.scheme",
        "shares",
        "{ ccg = 0.4, acute_trust = 0.3, community_trust = 0.1, council = 0.2 }",
    )
    path.write_text(text, encoding="utf-8")
    return path


EXPERIMENT = """\
[experiment]
name = "riverside_council"
title = "Riverside Council as a full or an associate member"
question = "Should Riverside Council join the Riverside alliance as a full member or as an associate?"
scenario = "riverside.toml"   # relative to this file's folder
replications = 8
seed = 2024
[factors]
"parties.council.membership" = ["full", "associate"]
[statistics]
bootstrap = 200
"""


def test_riverside_from_new_to_an_answered_question(tmp_path, capsys, monkeypatch):
    path = riverside(tmp_path)
    capsys.readouterr()
    assert main(["check", str(path), "--strict"]) == 0  # valid, and not one warning
    out = capsys.readouterr().out
    assert "No warnings." in out and "6 parties, term 2024-04-01 to 2029-03-31" in out

    assert main(["simulate", str(path), "--seed", "1", "--brief"]) == 0
    out, err = capsys.readouterr()
    assert "warning" not in err
    assert "Riverside Council" in out and "Summary: Riverside alliance" in out
    # the scheme it declared is in force from day 0, and nothing brings a transition or its
    # escalation the file never asked for
    assert "shared gains and pains by the scheme they agreed" in out
    assert not re.search(r"transition (?!funding)|dissolv|escalat", out, re.I), out

    (tmp_path / "experiment.toml").write_text(EXPERIMENT, encoding="utf-8")
    monkeypatch.chdir("/")  # the scenario is found relative to the experiment file, not here
    out_dir = tmp_path / "results"
    code = main(["run", str(tmp_path / "experiment.toml"), "--workers", "1", "--no-progress",
                 "--out", str(out_dir)])  # fmt: skip
    assert code == 0
    terminal = capsys.readouterr().out
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    first = re.search(r"<p[^>]*>(.*?)</p>", html, re.S).group(1)
    money = r"−?£\d+\.\d\dm \[−?\d+\.\d\d, −?\d+\.\d\d\]"
    positions = rf"Riverside Council&#x27;s expected net position over the term is {money} as a full member and {money} as an associate"
    assert re.search(positions, first), first
    assert "Should Riverside Council join" in first and "of all the parties&#x27; losses" in first
    # the terminal summary opens with the same answer
    assert re.search(positions.replace("&#x27;", "'"), " ".join(terminal.split()))

    # the same tables as one workbook for spreadsheets, parties by name, the answer on a sheet
    capsys.readouterr()
    assert main(["report", str(out_dir), "--xlsx"]) == 0
    with zipfile.ZipFile(out_dir / "summary.xlsx") as book:
        sheets = book.read("xl/workbook.xml").decode("utf-8")
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    assert 'name="Answer"' in sheets
    assert "Should Riverside Council join" in strings and "Riverside Council" in strings
    for key in ("ccg", "acute_trust", "community_trust", "carers"):  # names, never keys
        assert f">{key}<" not in strings, key
