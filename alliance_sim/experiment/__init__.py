"""Policy experiments: designs compared over many replications, with statistics and a report."""

from .runner import ExperimentResults, run_experiment
from .search import SearchResults, run_search
from .spec import load_experiment

__all__ = ["ExperimentResults", "SearchResults", "load_experiment", "run_experiment", "run_search"]
