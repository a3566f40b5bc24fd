"""Test functions with known sensitivity indices, as :class:`FunctionModel` models of the runner.

They run through the same pipeline as an alliance (sampling, cells and chunks, executors, the
store, the estimators); only the work a worker does is a function of the sampled values instead of
a simulated board. The functions live in an importable module so that worker processes find them.
"""

from __future__ import annotations

import math

import numpy as np

from alliance_sim.config.assumptions import REAL, Assumption, Registry
from alliance_sim.exploration.points import FunctionModel

#: Ishigami (a = 7, b = 0.1) over [-π, π]^3: analytical first-order and total indices.
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)
#: Sobol's G function: the smaller a_i, the more x_i matters (x5, x6 hardly at all).
G_A = (0.0, 1.0, 4.5, 9.0, 99.0, 99.0)


def registry(name: str, ranges: dict[str, tuple[float, float]]) -> Registry:
    """Inputs over ``ranges``; ``family.field`` paths make families, a plain name its own."""
    return Registry(
        name,
        tuple(
            Assumption(
                path,
                path.rpartition(".")[0] or path,
                REAL,
                (lo + hi) / 2,
                lo,
                hi,
                "test range",
                "test input",
            )  # fmt: skip
            for path, (lo, hi) in ranges.items()
        ),
    )


def ishigami(values: dict[str, float], rng: np.random.Generator) -> dict[str, float]:
    x1, x2, x3 = values["x1"], values["x2"], values["x3"]
    return {"y": math.sin(x1) + 7.0 * math.sin(x2) ** 2 + 0.1 * x3**4 * math.sin(x1)}


def sobol_g(values: dict[str, float], rng: np.random.Generator) -> dict[str, float]:
    y = 1.0
    for i, a in enumerate(G_A, start=1):
        y *= (abs(4.0 * values[f"x{i}"] - 2.0) + a) / (1.0 + a)
    return {"y": y}


def noisy_line(values: dict[str, float], rng: np.random.Generator) -> dict[str, float]:
    """x1 matters, x2 is a dummy; the noise is the replication's, the same at every point."""
    return {"y": 2.0 * values["x1"] + rng.normal()}


ISHIGAMI = FunctionModel(
    registry("ishigami", {f"x{i}": (-math.pi, math.pi) for i in (1, 2, 3)}), ishigami
)
SOBOL_G = FunctionModel(registry("sobol-g", {f"x{i}": (0.0, 1.0) for i in range(1, 7)}), sobol_g)
NOISY = FunctionModel(registry("noisy", {"x1": (0.0, 1.0), "x2": (0.0, 1.0)}), noisy_line)


def two_field_family(values: dict[str, float], rng: np.random.Generator) -> dict[str, float]:
    """A family of two fields, each worth 2 over its range: moving both across their whole ranges
    changes ``y`` by 4 (and ``down`` by −4); ``z`` is an inert field of its own family."""
    a, b = values["family.a"], values["family.b"]
    return {"y": 2.0 * a + 2.0 * b, "down": -(2.0 * a + 2.0 * b)}


FAMILY = FunctionModel(
    registry("family", {"family.a": (0.0, 1.0), "family.b": (0.0, 1.0), "other.z": (0.0, 1.0)}),
    two_field_family,
)
