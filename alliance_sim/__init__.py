"""alliance-sim: a multi-agent negotiation simulator for health and social care alliances."""

from .config import Scenario
from .config.loading import builtin_names, load_scenario
from .errors import InputError

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

#: Loaded on first use: the engine imports the party agents (``agents/``), which import this
#: package's configuration, and the experiment runner pulls in dask, pyarrow and scipy; importing
#: alliance_sim stays cheap and free of import cycles.
_LAZY = {
    "AllianceModel": ".model",
    "SimulationResult": ".result",
    "simulate": ".simulation",
    "run_experiment": ".experiment.runner",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'alliance_sim' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
