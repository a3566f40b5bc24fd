"""Policy experiments: designs compared over many replications, with statistics and a report."""

from .runner import ExperimentResults, run_experiment
from .spec import load_experiment

__all__ = ["ExperimentResults", "load_experiment", "run_experiment"]
