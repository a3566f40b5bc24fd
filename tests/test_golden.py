"""Golden outputs: outcomes change only when a commit means them to (see ``golden_runs.py``)."""

import pytest

from tests.golden_runs import capture, case_name, cases, differences, load, path_of


@pytest.mark.parametrize("case", cases(), ids=case_name)
def test_outcomes_match_the_golden_files(case):
    assert path_of(case).exists(), f"no golden file for {case_name(case)}: run `make bless`"
    found = differences(load(case), capture(case))
    assert not found, (
        f"{case_name(case)} departs from its golden outputs (if the change is meant to change "
        "outcomes, run `make bless` and say why in the commit):\n" + "\n".join(found)
    )


def test_a_changed_outcome_is_caught():
    case = cases()[0]
    expected = load(case)
    actual = capture(case)
    actual["decisions"]["rows"][0][actual["decisions"]["columns"].index("tabled_day")] += 1
    actual["narrative"][3] += " (changed)"
    found = differences(expected, actual)
    assert any("decisions row 0 tabled_day" in f for f in found)
    assert any(f.startswith("narrative line 4") for f in found)
