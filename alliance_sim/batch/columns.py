"""The columns the result tables name for themselves, which no factor, bundle or lever may take.

A factor, bundle or lever becomes a column of the tables it labels, named by its dotted path or
its bundle's name. One named like a column a table already has would overwrite it or be
overwritten: a factor ``seed`` crashed the workers, a bundle ``membership`` doubled the ledger's
column, a lever ``design`` broke the join of ``candidates.csv`` with ``recommendations.csv``. The
builders of the tables take their own columns' names from here, and :func:`check_names` refuses
every clashing name, naming the file and the field, before anything runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import InputError, shorten

#: The first columns of every row of a run table (``runs``, ``decisions``, ``ledger``...): the
#: cell, its design and its sample point of the uncertain parameters; each factor's column comes
#: next, then :data:`RUN`.
CELL = ("cell", "design", "sample")
RUN = ("replication", "seed")
#: Each row of a sensitivity stage's ``runs``: one run at one sample point.
POINT = (*CELL, "point", *RUN)
#: The design search: ``candidates.csv`` (every design tried), ``front.csv`` (the designs
#: re-evaluated) and ``recommendations.csv`` (each recommended design's differences).
CANDIDATE = ("trial", "generation", "design")
CANDIDATE_FLAGS = ("simulated", "worst_member_shortfall_m", "feasible", "duplicate", "pareto",
                   "confirmed")  # fmt: skip
FRONT = ("role", "design", "runs", "feasible", "recommended", "counterfactual")
RECOMMENDATION = ("rank", "design", "changes", "counterfactual", "runs")

_OWN = {
    "the run tables": (*CELL, *RUN),
    "a sensitivity stage's runs": POINT,
    "candidates.csv": (*CANDIDATE, *CANDIDATE_FLAGS),
    "front.csv": FRONT,
    "recommendations.csv": RECOMMENDATION,
}


def reserved() -> dict[str, str]:
    """Each name the result tables keep for a column of their own, and the first table using it."""
    out: dict[str, str] = {}
    for table, names in _OWN.items():
        for name in names:
            out.setdefault(name, table)
    return out


def record_columns(scenarios: Iterable[Any]) -> dict[str, str]:
    """The columns runs of these scenarios record, by the table that records them.

    A model's tables have all their columns before it runs, so they are read from unrun models.
    """
    from ..model import AllianceModel
    from ..result import SimulationResult

    out: dict[str, str] = {}
    for scenario in scenarios:
        records = SimulationResult(AllianceModel(scenario, seed=0, collect=False)).records()
        for table, columns in records.items():
            for name in columns:
                out.setdefault(name, f"the runs' `{table}` table")
    return out


def check_names(
    names: Iterable[tuple[str, str]], source: str, scenarios: Iterable[Any],
    also: dict[str, str] | None = None,
) -> None:  # fmt: skip
    """Refuse a factor, bundle or lever (``(field, name)`` pairs) named like a result column.

    ``also`` adds names the file itself gives columns (a search's objectives).
    """
    names = list(names)
    if not names:
        return
    taken = {**record_columns(scenarios), **(also or {}), **reserved()}
    for field, name in names:
        table = taken.get(name)
        if table is not None:
            raise InputError(
                f"{source}: field `{shorten(field)}`: `{shorten(name)}` is the name of a column "
                f"{table} already has, so its values would be mixed with that column's; give it "
                f"another name (names the results keep: {', '.join(reserved())}, and each "
                "measure a run records)."
            )
