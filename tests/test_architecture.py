"""The engine's shape (issues 10, 20): Mesa-idiomatic outputs, one-way data flow, no import
circle among modules or packages, even for annotations."""

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


def _imports(path: Path) -> set[str]:
    """Modules of ``alliance_sim/`` and ``agents/`` that ``path`` imports, wherever the import
    stands: at the top, inside a function, or under ``if TYPE_CHECKING:`` (a name for an
    annotation is still a dependency of the reader's picture); relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    here = parts[:-1]  # the package a relative import starts from (an __init__'s own package)
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


def _modules() -> dict[str, Path]:
    """Every module of ``alliance_sim/`` and ``agents/`` by dotted name (a package by its own)."""
    mods = {}
    for package in ENGINE_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).with_suffix("").parts
            mods[".".join(rel[:-1] if rel[-1] == "__init__" else rel)] = path
    return mods


def _with_packages(modules: set[str]) -> set[str]:
    """Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first: those count too."""
    out = set(modules)
    for m in modules:
        parts = m.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    return {
        name: {m for m in _with_packages(_imports(path))
               if m in mods and m != name and not name.startswith(m + ".")}
        for name, path in mods.items()
    }  # fmt: skip


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of the graph (its nodes in order, the first again at the end), or None."""
    seen: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> list[str] | None:
        seen[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if seen.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in seen and (found := visit(nxt, stack + [nxt])):
                return found
        seen[node] = 2
        return None

    for node in sorted(graph):
        if node not in seen and (found := visit(node, [node])):
            return found
    return None


def test_no_import_circle_among_modules_not_even_for_annotations():
    """Every module of alliance_sim/ and agents/, counting imports under ``TYPE_CHECKING`` and
    inside functions, and the package inits each import runs: a shared type or helper sits below
    all its users."""
    graph = _graph()
    circle = _circle(graph)
    assert circle is None, "import circle: " + " -> ".join(circle)
    assert "agents" in graph["alliance_sim.model"]  # the walk sees package inits
    assert "alliance_sim.records.matters" in graph["agents.base"]  # ... and TYPE_CHECKING blocks


def _room(module: str) -> str:
    """The package a module is drawn in: agents/, a subpackage of alliance_sim/, or, for a module
    at the top of alliance_sim/, the module itself."""
    parts = module.split(".")
    if parts[0] == "agents":
        return "agents"
    if len(parts) > 1 and (ROOT / parts[0] / parts[1]).is_dir():
        return ".".join(parts[:2])
    return module


def test_packages_import_one_way():
    """Taken a package at a time (config, records, board, business, agreement, the experiment
    packages...), imports still run one way: no package imports one that imports it back."""
    rooms: dict[str, set[str]] = {}
    for name, outs in _graph().items():
        rooms.setdefault(_room(name), set()).update(_room(m) for m in outs)
    for room, outs in rooms.items():
        outs.discard(room)
    circle = _circle(rooms)
    assert circle is None, "packages import each other: " + " -> ".join(circle)


def test_no_package_holds_more_than_fifteen_modules():
    for folder in [ROOT / p for p in ENGINE_PACKAGES] + [
        d for p in ENGINE_PACKAGES for d in (ROOT / p).rglob("*") if (d / "__init__.py").is_file()
    ]:
        modules = [f for f in folder.glob("*.py") if f.name != "__init__.py"]
        assert len(modules) <= 15, f"{folder.relative_to(ROOT)}: {len(modules)} modules"


def test_board_membership_and_transition_know_nothing_of_the_model():
    mods = _modules()
    for name in ("alliance_sim.board.procedure", "alliance_sim.board.membership",
                 "alliance_sim.agreement.transition", "alliance_sim.business.risk",
                 "alliance_sim.board.trust"):  # fmt: skip
        assert "alliance_sim.model" not in _imports(mods[name]), name
