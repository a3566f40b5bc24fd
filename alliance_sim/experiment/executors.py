"""Where chunks run: in this process, in a pool of worker processes, or on a Dask cluster.

All three share one contract, :meth:`Executor.run_cells`: given the cells' work (validated scenario
and identity columns) and the chunks to run, yield ``(chunk, {table: parquet bytes})`` as chunks
finish, in any order. The runner writes each result as it arrives, so memory holds only the chunks
in flight; the files are the same whatever the order, because each chunk has its own part file.

The validated scenarios are sent to each worker once (a process-pool initializer; a Dask scatter),
not with every task.
"""

from __future__ import annotations

import concurrent.futures as cf
import gc
import multiprocessing as mp
import os
import signal
from collections.abc import Iterator, Sequence
from typing import Protocol

from ..errors import InputError
from . import replicate
from .design import Chunk
from .replicate import CellWork

Result = tuple[Chunk, dict[str, bytes]]


class Executor(Protocol):
    """Runs chunks and yields their results as they finish."""

    name: str
    workers: int

    def run_cells(self, works: Sequence[CellWork], chunks: Sequence[Chunk]) -> Iterator[Result]:
        """Run every chunk; yield ``(chunk, parts)`` as each one finishes."""
        ...


def available_cores() -> int:
    """Cores this process may use (respects CPU affinity where the platform has it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class SequentialExecutor:
    """Runs chunks one after another in this process (``--workers 1``)."""

    name = "sequential"
    workers = 1

    def run_cells(self, works: Sequence[CellWork], chunks: Sequence[Chunk]) -> Iterator[Result]:
        for chunk in chunks:
            yield chunk, replicate.run_chunk(works[chunk.cell], chunk)


_WORKS: Sequence[CellWork] = ()


def _init_worker(works: Sequence[CellWork]) -> None:
    global _WORKS
    _WORKS = works
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # Everything inherited (modules, the scenarios) lives as long as the worker: keep it out of
    # the collector's scans, which otherwise revisit it many times per replication.
    gc.freeze()


def _pool_task(chunk: Chunk) -> Result:
    return chunk, replicate.run_chunk(_WORKS[chunk.cell], chunk)


class ProcessPoolExecutor:
    """Runs chunks in ``workers`` processes; at most a few chunks per worker are in flight."""

    name = "processes"

    def __init__(self, workers: int, in_flight_per_worker: int = 3) -> None:
        self.workers = workers
        self.in_flight = max(1, workers * in_flight_per_worker)

    def run_cells(self, works: Sequence[CellWork], chunks: Sequence[Chunk]) -> Iterator[Result]:
        if not chunks:
            return
        methods = mp.get_all_start_methods()
        context = mp.get_context("fork" if "fork" in methods else "spawn")
        pool = cf.ProcessPoolExecutor(
            max_workers=min(self.workers, len(chunks)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(list(works),),
        )
        todo = iter(chunks)
        pending: set[cf.Future] = set()
        try:
            for chunk in todo:
                pending.add(pool.submit(_pool_task, chunk))
                if len(pending) >= self.in_flight:
                    break
            while pending:
                done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: f.result()[0].key):
                    yield future.result()
                    nxt = next(todo, None)
                    if nxt is not None:
                        pending.add(pool.submit(_pool_task, nxt))
        finally:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)


def _dask_task(work: CellWork, chunk: Chunk) -> Result:
    return chunk, replicate.run_chunk(work, chunk)


class DaskExecutor:
    """Runs chunks on a Dask distributed cluster given its scheduler address (or a ``Client``)."""

    name = "dask"

    def __init__(self, scheduler, in_flight: int | None = None) -> None:
        self.scheduler = scheduler
        self.in_flight = in_flight
        self.workers = 0

    def _client(self):
        from distributed import Client

        if not isinstance(self.scheduler, str):
            return self.scheduler, False
        try:
            return Client(self.scheduler, timeout="10s", set_as_default=False), True
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(
                f"--scheduler {self.scheduler}: cannot reach a Dask scheduler at that address "
                f"({exc}); start one with `dask scheduler` and `dask worker ADDRESS`, or leave "
                "out --scheduler to run on this machine."
            ) from None

    def run_cells(self, works: Sequence[CellWork], chunks: Sequence[Chunk]) -> Iterator[Result]:
        if not chunks:
            return
        from distributed import as_completed

        client, own = self._client()
        futures: list = []
        try:
            threads = sum(client.nthreads().values()) or 1
            self.workers = threads
            limit = self.in_flight or max(4, 3 * threads)
            cells = sorted({c.cell for c in chunks})
            scattered = dict(
                zip(cells, client.scatter([works[c] for c in cells], broadcast=True), strict=True)
            )
            todo = iter(chunks)

            def submit(chunk: Chunk):
                future = client.submit(_dask_task, scattered[chunk.cell], chunk, pure=False)
                futures.append(future)
                return future

            first = [submit(c) for _, c in zip(range(limit), todo, strict=False)]
            running = as_completed(first, loop=client.loop)
            for future in running:
                result = future.result()
                futures.remove(future)
                future.release()
                yield result
                nxt = next(todo, None)
                if nxt is not None:
                    running.add(submit(nxt))
        finally:
            if futures:
                client.cancel(futures)
            if own:
                client.close()


def make_executor(workers: int | None = None, scheduler=None) -> Executor:
    """``scheduler`` picks Dask; else ``workers`` processes (default all cores; 1 = in-process)."""
    if scheduler is not None:
        return DaskExecutor(scheduler)
    if workers is not None and workers < 1:
        raise InputError(f"--workers {workers}: give a number of worker processes of at least 1.")
    n = workers or available_cores()
    return SequentialExecutor() if n == 1 else ProcessPoolExecutor(n)
