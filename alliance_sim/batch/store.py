"""Result files that are never lost: Parquet parts written atomically, and a manifest.

Layout of ``results/<experiment>/``::

    manifest.json          hashes of every input file, package version, seeds, cells, progress, sessions
    experiment.toml        a copy of the experiment file that made these results
    .lock                  locked by the process writing here (see ``lock.py``)
    runs/part-c00000-r0000000-0000049.parquet      one row per run
    decisions/part-...parquet                      one row per matter tabled
    <other tables>/part-...parquet                 whatever else the runs record (e.g. ledger)

Each chunk of work writes one part per table, each through a temporary file renamed into place
(``os.replace``), the ``runs`` part last: a chunk is finished exactly when its ``runs`` part
exists. Resuming skips finished chunks and recomputes the rest, overwriting any partial parts, so
the files end equal to those of an uninterrupted run. Parts are read back in name order, which is
(cell, replication) order, whatever order they were written in. Every input file's sha256 is
recorded, so that a resume against a changed experiment or scenario file is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from .design import Chunk, Design
from .files import TEMP_GLOB, atomic_write

MANIFEST = "manifest.json"
COPY = "experiment.toml"
COMMIT_TABLE = "runs"
OUTPUTS = ("summary.csv", "differences.csv", "risk.csv", "report.html")
#: 2: the manifest lists every input file's hash (``inputs``).
FORMAT = 2


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def package_version() -> str:
    from .. import __version__

    return __version__


class ResultStore:
    """One experiment's result folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.manifest: dict[str, Any] = {}
        self._chunks_by_cell: dict[int, int] = {}
        self._done_by_cell: dict[int, int] = {}
        self._last_write = 0.0

    # ------------------------------------------------------------------ reading

    @classmethod
    def existing(cls, root: str | Path) -> ResultStore:
        """Open a folder of finished (or partial) results, for reports and notebooks."""
        store = cls(root)
        path = store.root / MANIFEST
        if not path.is_file():
            raise InputError(
                f"{root}: no {MANIFEST} here, so these are not experiment results; give the "
                "folder that `alliance-sim run` wrote (e.g. results/full_vs_associate)."
            )
        try:
            store.manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: cannot read the manifest ({exc}).") from None
        return store

    def tables(self) -> list[str]:
        """Names of the tables that have at least one part, ``runs`` first."""
        if not self.root.is_dir():
            return []
        names = [
            p.name for p in self.root.iterdir() if p.is_dir() and any(p.glob("part-*.parquet"))
        ]
        return sorted(names, key=lambda n: (n != COMMIT_TABLE, n != "decisions", n))

    def part_files(self, table: str) -> list[Path]:
        return sorted((self.root / table).glob("part-*.parquet"))

    def iter_arrow(self, table: str, columns: list[str] | None = None) -> Iterator:
        """Each part of a table as a pyarrow Table (only the ``columns`` it has), in order."""
        import pyarrow.parquet as pq

        for path in self.part_files(table):
            part = pq.ParquetFile(path)
            use = None
            if columns is not None:
                present = set(part.schema_arrow.names)
                use = [c for c in columns if c in present]
            yield part.read(columns=use, use_threads=False)
            part.close()

    def iter_parts(self, table: str, columns: list[str] | None = None) -> Iterator:
        """Each part of a table as a pandas DataFrame, in (cell, replication) order."""
        for part in self.iter_arrow(table, columns):
            yield part.to_pandas()

    def read_table(self, table: str, columns: list[str] | None = None):
        """A whole table as one pandas DataFrame, rows in (cell, replication) order."""
        import pandas as pd
        import pyarrow as pa
        import pyarrow.parquet as pq

        files = self.part_files(table)
        if not files:
            raise KeyError(f"no table '{table}' in {self.root}; tables: {self.tables()}")
        parts = [pq.read_table(f, columns=columns) for f in files]
        frame = pa.concat_tables(parts, promote_options="permissive").to_pandas()
        return frame.reset_index(drop=True) if isinstance(frame, pd.DataFrame) else frame

    def done_chunks(self) -> set[str]:
        """Keys of the chunks whose results are all on disk."""
        folder = self.root / COMMIT_TABLE
        if not folder.is_dir():
            return set()
        return {
            p.name.removeprefix("part-").removesuffix(".parquet") for p in folder.glob("part-*")
        }

    # ------------------------------------------------------------------ writing

    def _clear(self) -> None:
        """Remove what a previous run wrote here (only files this package writes)."""
        for name in (MANIFEST, COPY, *OUTPUTS):
            (self.root / name).unlink(missing_ok=True)
        shutil.rmtree(self.root / "figures", ignore_errors=True)
        for table in self.tables():
            shutil.rmtree(self.root / table)

    def prepare(
        self, design: Design, fresh: bool = False, executor: str = "", scenarios=None
    ) -> None:
        """Start or resume: refuse results of a different experiment file unless ``fresh``."""
        experiment = design.experiment
        path = self.root / MANIFEST
        old: dict[str, Any] | None = None
        if path.is_file():
            try:
                old = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                old = {}
        inputs = design_inputs(design)
        if old is not None and not fresh:
            self._check_resumable(old, inputs)
        if fresh:
            self._clear()
            old = None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{self.root}: cannot create the results folder ({exc}).") from None
        for stale in self.root.glob(TEMP_GLOB):
            stale.unlink(missing_ok=True)

        chunks = design.chunks()
        done = self.done_chunks()
        self._chunks_by_cell = {}
        self._done_by_cell = {}
        for chunk in chunks:
            self._chunks_by_cell[chunk.cell] = self._chunks_by_cell.get(chunk.cell, 0) + 1
            if chunk.key in done:
                self._done_by_cell[chunk.cell] = self._done_by_cell.get(chunk.cell, 0) + 1
        session = {"started": _now(), "executor": executor, "runs_done_before": 0}
        session["runs_done_before"] = sum(c.size for c in chunks if c.key in done)
        if old:
            manifest = old
            manifest["sessions"].append(session)
        else:
            spec = experiment.spec
            scenarios = scenarios if scenarios is not None else design.scenarios()
            manifest = {
                "format": FORMAT,
                "experiment": {
                    "name": experiment.name,
                    "file": str(experiment.path),
                    "sha256": experiment.sha256,
                    "title": spec.experiment.title,
                    "question": spec.experiment.question,
                },
                "package_version": package_version(),
                "inputs": inputs,
                "master_seed": spec.experiment.seed,
                "bootstrap_seed": design.bootstrap_seed,
                "replications": design.replications,
                "chunk_size": design.chunk_size,
                "factors": {f.name: list(f.levels) for f in design.factors},
                "uncertain": design.uncertain,
                "designs": design.design_labels(),
                "cells": [
                    {
                        "cell": c.index,
                        "design": c.design,
                        "sample": c.sample,
                        "scenario": c.scenario,
                        "labels": dict(c.labels),
                    }
                    for c in design.cells
                ],
                "parties": _parties(design, scenarios),
                "rules": _rules(design, scenarios),
                "replication_seeds": design.seeds,
                "started": session["started"],
                "finished": None,
                "sessions": [session],
            }
            atomic_write(self.root / COPY, experiment.text.encode("utf-8"))
        manifest.update(
            runs_total=design.total_runs,
            chunks_total=len(chunks),
            finished=None,
        )
        self.manifest = manifest
        self._update(force=True)

    def _check_resumable(self, old: dict[str, Any], inputs: list[dict[str, str]]) -> None:
        """Refuse to add runs to results made from other inputs or by another package version."""
        again = "run again with --fresh to discard them and start over, or with --out to keep both"
        if old.get("format") != FORMAT:
            raise InputError(
                f"{self.root}: these results were written in another format (format "
                f"{old.get('format')}, this alliance-sim writes {FORMAT}), so they cannot be "
                f"resumed; {again}."
            )
        if old.get("package_version") != package_version():
            raise InputError(
                f"{self.root}: these results were made by alliance-sim "
                f"{old.get('package_version')}, this is {package_version()}; results of two "
                f"versions must not be mixed; {again}."
            )
        before = {i["role"]: i for i in old.get("inputs", [])}
        for now in inputs:
            was = before.get(now["role"])
            if was is None or was["sha256"] != now["sha256"]:
                what = "experiment file" if now["role"] == "experiment" else "scenario"
                then = was["sha256"][:12] if was else "not used"
                raise InputError(
                    f"{self.root}: the {what} {now['file']} has changed since these results were "
                    f"made (sha256 {then}, now {now['sha256'][:12]}), so new runs would be mixed "
                    f"with runs of the old version; {again}."
                )
        gone = sorted(set(before) - {i["role"] for i in inputs})
        if gone:
            raise InputError(
                f"{self.root}: these results also used {before[gone[0]]['file']}, which the "
                f"experiment no longer uses; {again}."
            )

    def write_chunk(self, chunk: Chunk, parts: dict[str, bytes]) -> None:
        """Write one chunk's parts atomically, ``runs`` last (the chunk's commit point)."""
        if COMMIT_TABLE not in parts:
            raise ValueError(f"chunk {chunk.key} returned no '{COMMIT_TABLE}' table")
        name = f"part-{chunk.key}.parquet"
        for table in sorted(parts, key=lambda t: t == COMMIT_TABLE):
            folder = self.root / table
            folder.mkdir(exist_ok=True)
            atomic_write(folder / name, parts[table])
        done = self._done_by_cell.get(chunk.cell, 0) + 1
        self._done_by_cell[chunk.cell] = done
        tables = set(self.manifest.get("tables", [])) | set(parts)
        self.manifest["tables"] = sorted(tables, key=lambda n: (n != COMMIT_TABLE, n))
        self._update(force=done == self._chunks_by_cell.get(chunk.cell))

    def _update(self, force: bool = False) -> None:
        """Rewrite the manifest's progress (at most once a second unless a cell just finished)."""
        now = time.monotonic()
        if not force and now - self._last_write < 1.0:
            return
        self._last_write = now
        done = self.done_chunks()
        cells_done = [
            c for c, n in sorted(self._chunks_by_cell.items()) if self._done_by_cell.get(c) == n
        ]
        self.manifest.update(
            chunks_done=len(done),
            cells_done=cells_done,
            runs_done=sum(self._run_count(k) for k in done),
            updated=_now(),
        )
        atomic_write(self.root / MANIFEST, json.dumps(self.manifest, indent=1).encode("utf-8"))

    @staticmethod
    def _run_count(key: str) -> int:
        first, last = key.split("-r")[1].split("-")
        return int(last) - int(first) + 1

    def finish(self) -> None:
        """Mark the run complete, if every chunk is on disk."""
        self._update(force=True)
        if self.manifest["chunks_done"] == self.manifest["chunks_total"]:
            stamp = _now()
            self.manifest["finished"] = stamp
            self.manifest["sessions"][-1]["finished"] = stamp
            self._update(force=True)

    def interrupted(self) -> None:
        """Note in the manifest that this session stopped early, if the disk still takes it (a
        run stopped by a full disk must report the disk, not fail again writing this note)."""
        self.manifest["sessions"][-1]["interrupted"] = _now()
        try:
            self._update(force=True)
        except OSError:
            pass


def design_inputs(design: Design) -> list[dict[str, str]]:
    """Every file a result depends on, with its sha256: the experiment file and each scenario.

    ``role`` is what the file is to this experiment (``experiment``, ``scenario:<reference>``), so
    a resume compares like with like even if a file moved.
    """
    experiment = design.experiment
    out = [{"role": "experiment", "file": str(experiment.path), "sha256": experiment.sha256}]
    for ref, file in design.inputs.items():
        out.append({"role": f"scenario:{ref}", "file": file.source, "sha256": file.sha256})
    return out


def _parties(design: Design, scenarios=None) -> dict[str, list[dict[str, str]]]:
    """Each design's parties (kind, membership, name), for plots that need no scenario file."""
    scenarios = scenarios if scenarios is not None else design.scenarios()
    out: dict[str, list[dict[str, str]]] = {}
    for cell, scenario in zip(design.cells, scenarios, strict=True):
        if str(cell.design) in out:
            continue
        out[str(cell.design)] = [
            {"key": k, "name": p.name, "kind": str(p.kind), "membership": str(p.membership)}
            for k, p in scenario.parties.items()
        ]
    return out


def _rules(design: Design, scenarios) -> dict[str, str]:
    """Each design's decision rule (``board.rule``), so that the report can label the designs that
    use a counterfactual rule whether a factor, a bundle or the scenario itself chose it."""
    return {str(cell.design): str(scenario.board.rule)
            for cell, scenario in zip(design.cells, scenarios, strict=True)}  # fmt: skip
