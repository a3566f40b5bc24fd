"""One run of one alliance design: ``simulate(scenario, seed)``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from agents.voting import RoomVote

from .config import Scenario
from .config.loading import load_scenario
from .model import AllianceModel
from .result import SimulationResult


def simulate(
    scenario: Scenario | str | Path,
    seed: int | None = 0,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    room_vote: RoomVote | None = None,
    collect: bool = True,
) -> SimulationResult:
    """Simulate the alliance's whole term; the same seed always gives the same result.

    ``collect=False`` skips the meeting-by-meeting time series (experiments need none of it).
    """
    config = load_scenario(scenario, overrides)
    model = AllianceModel(config, seed=seed, room_vote=room_vote, collect=collect)
    return SimulationResult(model.run())
