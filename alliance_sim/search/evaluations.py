"""Per-run measures of each candidate design, simulated once and cached on disk.

Each candidate of a phase (the search's seeds, the selection seeds or the reporting seeds) is one cell of
the shared executors, its runs cut into chunks; the measures of a design are written to
``evaluations/<phase>/<design>.parquet`` when its last chunk arrives, so a re-run or a resumed
study never simulates a design twice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..batch.design import Cell, Chunk
from ..batch.executors import Executor
from ..batch.files import atomic_write
from ..batch.replicate import CellWork
from . import objectives as obj
from .space import Candidate, Problem

EVALUATIONS = "evaluations"
SEARCH = "search"
CONFIRM = "confirm"  # the selection seeds: choose the recommendations
REPORT = "report"  # the reporting seeds: every number a recommendation reports


class Evaluations:
    """Per-run measures of each design, cached on disk by design and phase (never run twice)."""

    def __init__(self, root: Path, problem: Problem, executor: Executor) -> None:
        self.root = root / EVALUATIONS
        self.problem = problem
        self.executor = executor
        self.runs_done = 0

    def _path(self, phase: str, key: str) -> Path:
        return self.root / phase / f"{key}.parquet"

    def cached(self, phase: str, key: str) -> bool:
        return self._path(phase, key).is_file()

    def _read(self, phase: str, key: str) -> obj.RunMeasures:
        import pyarrow.parquet as pq

        table = pq.read_table(self._path(phase, key), use_threads=False)
        return obj.RunMeasures.from_columns({c: table[c].to_numpy() for c in table.column_names})

    def _write(self, phase: str, key: str, measures: obj.RunMeasures) -> None:
        import io

        import pyarrow as pa
        import pyarrow.parquet as pq

        folder = self.root / phase
        folder.mkdir(parents=True, exist_ok=True)
        sink = io.BytesIO()
        pq.write_table(pa.table(measures.columns()), sink, compression="zstd")
        atomic_write(self._path(phase, key), sink.getvalue())

    def run(
        self, candidates: list[Candidate], phase: str, on_runs: Callable[[int], None]
    ) -> dict[str, obj.RunMeasures]:
        """Measures of every candidate on the phase's seeds: from disk, or simulated now."""
        seeds = {SEARCH: self.problem.seeds, CONFIRM: self.problem.confirm_seeds,
                 REPORT: self.problem.report_seeds}[phase]  # fmt: skip
        out: dict[str, obj.RunMeasures] = {}
        todo: list[Candidate] = []
        for c in candidates:
            if c.key in out or any(t.key == c.key for t in todo):
                continue
            if self.cached(phase, c.key):
                out[c.key] = self._read(phase, c.key)
            else:
                todo.append(c)
        works = [
            CellWork(
                Cell(i, i, 0, self.problem.scenario_ref, (), c.overrides),
                c.scenario,
                tables=obj.TABLES,
            )
            for i, c in enumerate(todo)
        ]
        size = min(self.problem.chunk_size, len(seeds))
        chunks = [
            Chunk(i, start, min(start + size, len(seeds)), tuple(seeds[start : start + size]))
            for i in range(len(todo))
            for start in range(0, len(seeds), size)
        ]
        per_cell = -(-len(seeds) // size)
        parts: dict[int, list[obj.RunMeasures]] = {}
        for chunk, tables in self.executor.run_cells(works, chunks):
            got = parts.setdefault(chunk.cell, [])
            got.append(obj.measure_chunk(tables))
            self.runs_done += chunk.size
            on_runs(chunk.size)
            if len(got) == per_cell:
                measures = obj.RunMeasures.concat(parts.pop(chunk.cell))
                key = todo[chunk.cell].key
                self._write(phase, key, measures)
                out[key] = measures
        return out
