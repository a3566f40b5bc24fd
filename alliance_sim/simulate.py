"""One run of one alliance design: ``simulate(scenario, seed)``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .config import Scenario
from .model import AllianceModel, RoomVote
from .result import SimulationResult
from .scenario import load_scenario


def simulate(
    scenario: Scenario | str | Path,
    seed: int | None = 0,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    room_vote: RoomVote | None = None,
) -> SimulationResult:
    """Simulate the alliance's whole term; the same seed always gives the same result."""
    config = load_scenario(scenario, overrides)
    return SimulationResult(AllianceModel(config, seed=seed, room_vote=room_vote).run())
