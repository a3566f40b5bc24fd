"""Re-running one world an experiment sampled: the ``alliance-sim simulate`` command that repeats it.

A world is a scenario, the design's settings (its factors' levels and the file's ``[set]`` and
``horizon_days``), for a sensitivity stage the sample point's value of every varied assumption,
and a replication's seed. Seeds are 63-bit integers; the runs tables store them as text so that no
reader turns them into floats (a float keeps 53 bits). :func:`world` rebuilds the settings from the
experiment file and the stage's ``sample.parquet`` (its unit values, mapped as the sampler did),
so ``alliance-sim simulate SCENARIO --seed SEED --set PATH=VALUE ...`` gives the very same run.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError


@dataclass(frozen=True)
class World:
    """One sampled world: what ``alliance-sim simulate`` needs to run it again."""

    scenario: str
    seed: int
    overrides: dict[str, Any]

    def arguments(self) -> list[str]:
        """``simulate`` and its arguments, each ``--set`` value written as TOML."""
        out = ["simulate", self.scenario, "--seed", str(self.seed)]
        for path, value in self.overrides.items():
            out += ["--set", f"{path}={toml_value(value)}"]
        return out

    def command(self) -> str:
        return "alliance-sim " + shlex.join(self.arguments())


def toml_value(value: Any) -> str:
    """``value`` as ``--set`` reads it back (``config.loading.parse_override``): exactly."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value)  # strings quoted, lists as arrays: TOML reads both as written


def world(
    experiment_path: str | Path,
    replication: int,
    design: int = 0,
    stage: str | None = None,
    point: int = 0,
    results: str | Path | None = None,
) -> World:
    """The world of ``replication`` of ``design`` (and, for a sensitivity ``stage``, of sample
    ``point``, read from ``<results>/<stage>/sample.parquet``)."""
    import pandas as pd

    from ..batch.design import build_design
    from ..batch.spec import load_experiment
    from ..config.assumptions import build_registry

    experiment = load_experiment(experiment_path)
    base = build_design(experiment)
    cells = [c for c in base.cells if c.design == design and c.sample == 0]
    if not cells:
        raise InputError(f"{experiment.source}: there is no design {design}.")
    if not 0 <= replication < len(base.seeds):
        raise InputError(
            f"{experiment.source}: there is no replication {replication}; it runs "
            f"{len(base.seeds)} (0 to {len(base.seeds) - 1})."
        )
    cell = cells[0]
    overrides = dict(cell.overrides)
    if stage is not None:
        root = Path(results) if results is not None else Path("results") / experiment.name
        path = root / stage / "sample.parquet"
        if not path.is_file():
            raise InputError(f"{path}: no sample here; run the experiment first.")
        sample = pd.read_parquet(path)
        if not 0 <= point < len(sample):
            raise InputError(f"{path}: there is no point {point}; it has {len(sample)}.")
        registry = build_registry(cell.scenario)
        for column in sample.columns:
            if column.startswith("u:"):
                field = column.removeprefix("u:")
                overrides[field] = registry.get(field).value(float(sample.at[point, column]))
    return World(cell.scenario, base.seeds[replication], overrides)
