"""alliance-sim: a multi-agent negotiation simulator for health and social care alliances."""

from .config import Scenario
from .errors import InputError
from .model import AllianceModel
from .result import SimulationResult
from .scenario import builtin_names, load_scenario
from .simulate import simulate

__version__ = "0.1.0"

__all__ = [
    "AllianceModel",
    "InputError",
    "Scenario",
    "SimulationResult",
    "builtin_names",
    "load_scenario",
    "run_experiment",
    "simulate",
]


def __getattr__(name: str):
    # The experiment runner pulls in dask, pyarrow and scipy; importing alliance_sim stays cheap
    # (and a lighter heap keeps the garbage collector fast in single runs).
    if name == "run_experiment":
        from .experiment import run_experiment

        return run_experiment
    raise AttributeError(f"module 'alliance_sim' has no attribute {name!r}")
