"""A narrative people read (issue 24 §9): referrals grouped, home bodies named, plain grammar, brief."""

from __future__ import annotations

import re

import pytest

from alliance_sim import builtin_names, simulate
from alliance_sim.cli import main

from .builders import START


@pytest.mark.parametrize("name", builtin_names())
def test_referrals_of_a_matter_read_as_one_line(name):
    result = simulate(name, seed=1)
    events = result.events
    referred = events[events["event"] == "referred"]
    on_notice = referred[referred["text"].str.startswith("Referred on notice")]
    groups = on_notice.groupby(["matter_id", "day"]).size()
    lines = [x for x in result.narrative().splitlines() if "Referred on notice:" in x]
    assert len(lines) == len(groups)  # one line per matter and day, however many members refer
    if name in ("mid-notts", "walsall"):  # there several members refer together: not vacuous
        assert (groups > 1).any()
    for (matter, _), count in groups.items():
        if count > 1:
            line = next(x for x in lines if f"Referred on notice: {matter} " in x)
            assert f"the representatives of {count} members" in line


@pytest.mark.parametrize("name", builtin_names())
def test_plain_possessives(name):
    text = simulate(name, seed=1).narrative()
    assert not re.search(r"s's\b", text), re.search(r".{40}s's\b.{20}", text).group()


def test_a_home_body_left_unnamed_is_not_the_alliance_board(tmp_path):
    path = tmp_path / "two.toml"
    path.write_text(
        f"""\
[scenario]
name = "two"
start = {START.isoformat()}
end = 2021-01-01
[parties.ccg]
name = "Riverside CCG"
kind = "commissioner"
budget_m = 100.0
authority = {{ threshold_m = 0.1 }}
[parties.trust]
name = "Riverside Trustees"
kind = "vcse"
budget_m = 2.0
authority = {{ threshold_m = 0.1 }}
""",
        encoding="utf-8",
    )
    text = simulate(path, seed=1).narrative()
    assert "Riverside CCG's board approves" in text or "Riverside CCG's board rejects" in text
    assert "Riverside Trustees' board" in text and "Trustees's" not in text
    assert not re.search(r"^\s+Board (approves|rejects)", text, re.M)


BRIEF_STARTS = ("Agreed:", "Stalemate:", "Blocked:", "Not agreed:", "Void:", "Reserved:",
                "Withdrawn:", "Still open:", "Terminated:", "Transition", "Term:", "Membership:")  # fmt: skip


def test_brief_narrative_keeps_decisions_and_blocks_only(capsys):
    full = simulate("mid-notts", seed=1).narrative()
    assert main(["simulate", "mid-notts", "--seed", "1", "--brief"]) == 0
    brief = capsys.readouterr().out.split("\nSummary:")[0]
    lines = [x for x in brief.splitlines() if x.strip()]
    body = [x.strip() for x in lines if not x.startswith("Board meeting")]
    assert body and all(x.startswith(BRIEF_STARTS) for x in body), [
        x for x in body if not x.startswith(BRIEF_STARTS)
    ][:3]
    agreed = [x.strip() for x in full.splitlines() if x.strip().startswith("Agreed:")]
    assert agreed == [x for x in body if x.startswith("Agreed:")]
    assert len(lines) * 5 < len(full.splitlines())
