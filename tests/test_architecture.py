"""The engine's shape (issue 10): Mesa-idiomatic outputs, one-way data flow, no import circle."""

from __future__ import annotations

import ast
import copy
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import pytest

from alliance_sim import AllianceModel, builtin_names, simulate
from alliance_sim.model import FIGURES

ROOT = Path(__file__).resolve().parent.parent
ENGINE_PACKAGES = ("alliance_sim", "agents")


def test_batch_run_gives_numeric_columns():
    rows = mesa.batch_run(
        AllianceModel,
        parameters={
            "scenario": "walsall",
            "seed": [1, 2],
            "overrides": [{"board.rule": "unanimity"}, {"board.rule": "best_for_service"}],
        },
        display_progress=False,
    )
    frame = pd.DataFrame(rows)
    # runs x parties (agent rows at the last step): four partners and a prospective one
    assert len(frame) == 2 * 2 * 5
    for column in (*FIGURES, "net_m"):
        assert pd.api.types.is_numeric_dtype(frame[column]), column
    assert set(frame["membership"]) <= {"full", "associate", "none"}
    # each run's figures are its own: the two rules' runs differ
    rule = frame["overrides"].map(lambda o: o["board.rule"])
    by_rule = frame.groupby(rule)[["agreed", "stalemated", "mean_trust", "net_m"]].sum()
    assert not np.allclose(by_rule.loc["unanimity"], by_rule.loc["best_for_service"])


def test_model_vars_dataframe_is_one_number_per_column():
    model = AllianceModel("mid-notts", seed=3).run()
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == list(FIGURES)
    assert len(frame) == model.steps
    assert all(pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns)
    assert frame["agreed"].is_monotonic_increasing
    agents = model.datacollector.get_agent_vars_dataframe()
    assert len(agents) == model.steps * len(model.parties)
    last = agents.xs(model.steps, level="Step")["net_m"].to_numpy()
    np.testing.assert_allclose(last, model.risk.ledger.cumulative)


def test_experiment_runs_collect_no_time_series():
    model = AllianceModel("mid-notts", seed=3, collect=False).run()
    assert model.datacollector.get_model_vars_dataframe().empty


def _state(model: AllianceModel) -> list:
    """Everything a run keeps that a reader could disturb, copied."""
    out = [model.trust.T.copy(), model.risk.ledger.cumulative.copy(), model.roster.values]
    for m in model.matters:
        out.append((m.outcome, m.decided_day, m.x.copy(), None if m.bfs is None else m.bfs.copy(),
                    m.mandated, dict(m.pending), m.blockers, m.stale))  # fmt: skip
    return out


@pytest.mark.parametrize("name", builtin_names())
def test_reading_a_run_changes_nothing_in_it(name):
    result = simulate(name, seed=2)
    before = copy.deepcopy(_state(result.model))
    result.narrative()
    for table in ("decisions", "votes", "events", "timeseries", "ledger", "risk"):
        getattr(result, table)
    result.summary()
    result.records()
    after = _state(result.model)
    for a, b in zip(before, after, strict=True):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            for x, y in zip(a, b, strict=True) if isinstance(a, tuple) else [(a, b)]:
                if isinstance(x, np.ndarray):
                    np.testing.assert_array_equal(x, y)
                else:
                    assert x == y


def _imports(path: Path, package: str, typing_too: bool = True) -> set[str]:
    """Modules of the engine that ``path`` imports; ``typing_too``: with those under
    ``if TYPE_CHECKING:`` (names for annotations, not a dependency at run time)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if not typing_too:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                node.body = []
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    here = parts if path.name == "__init__.py" else parts[:-1]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            names = [name] + [f"{name}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        out.update(n for n in names if n.split(".")[0] in ENGINE_PACKAGES)
    return out


def _engine_modules() -> dict[str, Path]:
    mods = {}
    for package in ENGINE_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).with_suffix("").parts
            if "workshop" in rel or "experiment" in rel or "commands" in rel:
                continue  # readers of the engine, not the engine
            name = ".".join(rel[:-1] if rel[-1] == "__init__" else rel)
            mods[name] = path
    return mods


def _with_packages(modules: set[str]) -> set[str]:
    """Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first: those count too."""
    out = set(modules)
    for m in modules:
        parts = m.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return out


def test_no_import_circle_among_engine_modules():
    """At run time (imports for annotations aside), counting the package inits each import
    runs: ``import agents`` first, or ``alliance_sim`` first, both work."""
    mods = _engine_modules()
    graph = {
        name: {m for m in _with_packages(_imports(path, name, typing_too=False))
               if m in mods and m != name and not name.startswith(m + ".")}
        for name, path in mods.items()
    }  # fmt: skip
    seen: dict[str, int] = {}

    def visit(node, stack):
        seen[node] = 1
        for nxt in sorted(graph[node]):
            if seen.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                raise AssertionError("import circle: " + " -> ".join(cycle))
            if nxt not in seen:
                visit(nxt, stack + [nxt])
        seen[node] = 2

    for node in sorted(graph):
        if node not in seen:
            visit(node, [node])
    assert "agents" in graph["alliance_sim.model"]  # the walk sees package inits


def test_board_membership_and_transition_know_nothing_of_the_model():
    mods = _engine_modules()
    for name in ("alliance_sim.board.procedure", "alliance_sim.board.membership",
                 "alliance_sim.agreement.transition", "alliance_sim.business.risk",
                 "alliance_sim.board.trust"):  # fmt: skip
        assert "alliance_sim.model" not in _imports(mods[name], name), name
