"""Golden outputs: every built-in alliance under every decision rule on three seeds, stored small.

Each case's decisions, votes (with their reasons), ledger, KPI levels, risk table, time series and narrative
are kept as one gzipped JSON file in ``tests/golden/``; ``test_golden.py`` re-runs the case and
compares it exactly (text equal, numbers within 1e-9). A change that is *meant* to change outcomes
re-blesses them with ``make bless`` (``python -m tests.golden_runs --bless``) and says why in its
commit message; any other change that moves them is a regression.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
from pathlib import Path

import alliance_sim
from alliance_sim.registry import DECISION_RULES

GOLDEN_DIR = Path(__file__).parent / "golden"
RULES = DECISION_RULES.names()
SEEDS = (1, 2, 3)
TABLES = ("decisions", "votes", "ledger", "kpi", "risk", "timeseries")
TOLERANCE = 1e-9


def cases() -> list[tuple[str, str, int]]:
    return [(s, r, seed) for s in alliance_sim.builtin_names() for r in RULES for seed in SEEDS]


def case_name(case: tuple[str, str, int]) -> str:
    scenario, rule, seed = case
    return f"{scenario}-{rule}-{seed}"


def path_of(case: tuple[str, str, int]) -> Path:
    return GOLDEN_DIR / f"{case_name(case)}.json.gz"


def _plain(value):
    """JSON-safe values: numpy scalars as Python numbers, NaN as the string 'nan'."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return value


def capture(case: tuple[str, str, int]) -> dict:
    """What the case produces now: each table as columns and rows, the narrative as lines."""
    scenario, rule, seed = case
    result = alliance_sim.simulate(scenario, seed=seed, overrides={"board.rule": rule})
    out: dict = {"case": case_name(case)}
    for name in TABLES:
        frame = getattr(result, name)
        if name == "timeseries":
            frame = frame.reset_index()
        out[name] = {
            "columns": [str(c) for c in frame.columns],
            "rows": [[_plain(v) for v in row] for row in frame.itertuples(index=False)],
        }
    out["narrative"] = result.narrative().splitlines()
    return out


def load(case: tuple[str, str, int]) -> dict:
    with gzip.open(path_of(case), "rt", encoding="utf-8") as f:
        return json.load(f)


def differences(expected: dict, actual: dict, limit: int = 10) -> list[str]:
    """Where ``actual`` departs from ``expected``, at most ``limit`` lines of it, readably."""
    out: list[str] = []
    for name in TABLES:
        want, got = expected[name], actual[name]
        if want["columns"] != got["columns"]:
            out.append(f"{name}: columns {want['columns']} became {got['columns']}")
            continue
        if len(want["rows"]) != len(got["rows"]):
            out.append(f"{name}: {len(want['rows'])} rows became {len(got['rows'])}")
        for i, (a, b) in enumerate(zip(want["rows"], got["rows"], strict=False)):
            for column, x, y in zip(want["columns"], a, b, strict=True):
                if not _same(x, y):
                    out.append(f"{name} row {i} {column}: {x!r} became {y!r}")
                    break
            if len(out) >= limit:
                return out
    want, got = expected["narrative"], actual["narrative"]
    for i, (a, b) in enumerate(zip(want, got, strict=False)):
        if a != b:
            out.append(f"narrative line {i + 1}:\n  was {a}\n  now {b}")
            break
    if len(want) != len(got):
        out.append(f"narrative: {len(want)} lines became {len(got)}")
    return out[:limit]


def _same(x, y) -> bool:
    if isinstance(x, float) or isinstance(y, float):
        if not isinstance(x, int | float) or not isinstance(y, int | float):
            return False
        return abs(x - y) <= TOLERANCE * max(1.0, abs(x))
    return x == y


def bless() -> None:
    GOLDEN_DIR.mkdir(exist_ok=True)
    for case in cases():
        data = json.dumps(capture(case), separators=(",", ":"), ensure_ascii=False)
        # mtime=0: the same outcomes give the same bytes, so git sees no change
        with open(path_of(case), "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            f.write(data.encode("utf-8"))
        print(f"blessed {path_of(case).relative_to(GOLDEN_DIR.parent.parent)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bless", action="store_true", help="rewrite the golden files from now")
    args = parser.parse_args()
    if args.bless:
        bless()
        return
    changed = [case_name(c) for c in cases() if differences(load(c), capture(c))]
    print("\n".join(changed) or "golden outputs unchanged")


if __name__ == "__main__":
    main()
