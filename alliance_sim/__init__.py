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
    "simulate",
]
