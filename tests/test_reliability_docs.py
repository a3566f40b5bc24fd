"""The README's reliability section names, for each guarantee, tests that exist.

Each row of the section's table is a guarantee and the tests that prove it, written as
``tests/<file>.py::<test>`` (or ``::<test>`` for another test of the file named before it, or a
whole ``tests/<file>.py``): a test renamed or removed must not leave a guarantee resting on a name.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?(?:::(\w+))?`")


def section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Reliability\n")
    return text[start : text.index("\n## ", start + 1)]


def test_every_guarantee_names_tests_that_exist():
    rows = [line for line in section().splitlines() if line.startswith("| **")]
    # resume (run, analysis, search), workers, lost workers, locks, inputs, whole files, write
    # failures, bad input
    assert len(rows) == 10
    for row in rows:
        guarantee, proof = row.strip("|").rsplit("|", 1)
        named = [m for m in REFERENCE.finditer(proof) if m.group(1) or m.group(2)]
        assert named, f"no test named for: {guarantee[:60]}"
        file = None
        for match in named:
            file = match.group(1) or file
            assert file is not None, f"`::{match.group(2)}` follows no file in: {proof}"
            source = (ROOT / file).read_text(encoding="utf-8")
            if match.group(2):
                assert f"def {match.group(2)}(" in source, f"{file}::{match.group(2)}"
