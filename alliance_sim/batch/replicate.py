"""One chunk of work: run replications of one cell and return each table as Parquet bytes.

This is the only code that runs on workers (processes or Dask). It knows nothing of executors or
files: it takes the cell's validated scenario and the chunk, and returns ``{table: bytes}``. Every
row gets the identity columns ``cell``, ``design``, ``sample``, one column per factor and uncertain
parameter (named by its dotted path), ``replication`` and ``seed`` (``columns.py``), before the
run's own columns. ``seed`` is text: seeds are 63-bit, and a pandas row read (``iloc``,
``iterrows``) of a row with float columns would turn an integer column into floats, which keep 53
bits.
The tables are those of ``SimulationResult.records()`` (runs, decisions, ledger, kpi, risk, network).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ..config import Scenario
from .columns import CELL, RUN
from .design import Cell, Chunk


class Work(Protocol):
    """What a worker runs for one cell; executors call :func:`run_chunk` on any such work."""

    cell: Cell

    def run(
        self, chunk: Chunk, on_replication: Callable[[int], None] | None = None
    ) -> dict[str, bytes]:
        """Run replications ``chunk.start..chunk.stop-1``; Parquet bytes per table."""
        ...


@dataclass(frozen=True)
class CellWork:
    """What a worker needs for a cell: its identity columns and its validated scenario."""

    cell: Cell
    scenario: Scenario
    #: the tables to return (None: all); a design search needs only runs, decisions and risk
    tables: tuple[str, ...] | None = None

    def run(
        self, chunk: Chunk, on_replication: Callable[[int], None] | None = None
    ) -> dict[str, bytes]:
        return simulate_chunk(self, chunk, on_replication)


def table_bytes(columns: dict[str, list]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(pa.table(columns), sink, compression="zstd", compression_level=1)
    return sink.getvalue()


def run_chunk(
    work: Work, chunk: Chunk, on_replication: Callable[[int], None] | None = None
) -> dict[str, bytes]:
    """Run one chunk of any cell's work (an alliance's, or a sensitivity stage's sample points).

    ``on_replication(r)`` is called before replication ``r`` starts (so that a worker that dies can
    be reported with the seed it was running).
    """
    return work.run(chunk, on_replication)


def simulate_chunk(
    work: CellWork, chunk: Chunk, on_replication: Callable[[int], None] | None = None
) -> dict[str, bytes]:
    """Simulate replications ``chunk.start..chunk.stop-1`` of one cell; Parquet bytes per table."""
    from ..simulation import simulate

    cell = work.cell
    identity: dict[str, Any] = dict(zip(CELL, (cell.index, cell.design, cell.sample), strict=True))
    identity.update(cell.labels)
    tables: dict[str, dict[str, list]] = {}
    counts: dict[str, int] = {}
    for replication, seed in zip(range(chunk.start, chunk.stop), chunk.seeds, strict=True):
        if on_replication is not None:
            on_replication(replication)
        result = simulate(work.scenario, seed=seed, collect=False)
        records = result.records()
        del result
        for name, columns in records.items():
            if work.tables is not None and name not in work.tables:
                continue
            n = len(next(iter(columns.values()))) if columns else 0
            table = tables.get(name)
            if table is None:
                table = {k: [] for k in (*identity, *RUN)}
                tables[name] = table
                counts[name] = 0
            # seed as text: a float row read would round it
            run = zip(RUN, (replication, str(seed)), strict=True)
            for key, value in (*identity.items(), *run):
                table[key].extend([value] * n)
            for key, values in columns.items():
                column = table.get(key)
                if column is None:  # a column first seen now: earlier rows lack it
                    column = table[key] = [None] * counts[name]
                column.extend(values)
            counts[name] += n
            for column in table.values():  # a column missing from this run's records
                if len(column) < counts[name]:
                    column.extend([None] * (counts[name] - len(column)))
    return {name: table_bytes(columns) for name, columns in tables.items() if counts[name]}
