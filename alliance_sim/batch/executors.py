"""Where chunks run: in this process, in a pool of worker processes, or on a Dask cluster.

All three share one contract, :meth:`Executor.run_cells`: given the cells' work (validated scenario
and identity columns) and the chunks to run, yield ``(chunk, {table: parquet bytes})`` as chunks
finish, in any order. The runner writes each result as it arrives, so memory holds only the chunks
in flight; the files are the same whatever the order, because each chunk has its own part file.

The validated scenarios are given to each pool worker once (the pool's initializer, inherited by
fork); on Dask each task carries its cell's scenario, so that a lost worker loses nothing. Both
survive a lost worker: see :class:`ProcessPoolExecutor` and :class:`DaskExecutor`.
"""

from __future__ import annotations

import concurrent.futures as cf
import gc
import multiprocessing as mp
import os
import pickle
import signal
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Protocol

from ..errors import InputError, RunFailed, echo, shorten
from . import replicate
from .design import Chunk
from .lifeline import die_with_parent
from .replicate import CellWork

Result = tuple[Chunk, dict[str, bytes]]


class Executor(Protocol):
    """Runs chunks and yields their results as they finish."""

    name: str
    workers: int

    def run_cells(self, works: Sequence[CellWork], chunks: Sequence[Chunk]) -> Iterator[Result]:
        """Run every chunk; yield ``(chunk, parts)`` as each one finishes.

        Raises :class:`RunFailed` (after yielding every chunk it could) when a chunk cannot be
        run however often it is retried; an error raised by the simulation itself propagates
        with a note naming the chunk.
        """
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
            try:
                parts = replicate.run_chunk(works[chunk.cell], chunk)
            except Exception as exc:
                _note_chunk(exc, works[chunk.cell], chunk)
                raise
            yield chunk, parts


_WORKS: Sequence[CellWork] = ()
_STARTED = None  # shared array: the replication each chunk (by slot) is on; -1 before it starts


def _init_worker(works: Sequence[CellWork], started, parent: int) -> None:
    global _WORKS, _STARTED
    _WORKS, _STARTED = works, started
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # Everything inherited (modules, the scenarios) lives as long as the worker: keep it out of
    # the collector's scans, which otherwise revisit it many times per replication.
    gc.freeze()


def _pool_task(chunk: Chunk, slot: int) -> Result:
    def on_replication(replication: int) -> None:
        _STARTED[slot] = replication

    _STARTED[slot] = chunk.start
    return chunk, replicate.run_chunk(_WORKS[chunk.cell], chunk, on_replication)


def describe_chunk(work: CellWork, chunk: Chunk) -> str:
    """``chunk c00001-r0000004-0000005 (design 1: a = 'x', replications 4-5)`` for messages."""
    labels = ", ".join(f"{k} = {echo(v, 40)}" for k, v in work.cell.labels)
    where = f"design {work.cell.design}" + (f": {labels}" if labels else "")
    return f"chunk {chunk.key} ({where}; replications {chunk.start}-{chunk.stop - 1})"


def _note_chunk(exc: BaseException, work: CellWork, chunk: Chunk) -> None:
    exc.add_note(f"while running {describe_chunk(work, chunk)}")


class ProcessPoolExecutor:
    """Runs chunks in ``workers`` processes; at most a few chunks per worker are in flight.

    A worker that dies (killed, out of memory, a crash in native code) breaks the whole pool, so
    the chunks it held are rerun on a fresh pool. The chunks that had started when it broke are
    suspects: each is rerun alone, so that a chunk that breaks the pool on its own is known to be
    the cause; one that does so ``retries + 1`` times stops the run with :class:`RunFailed` naming
    it and the seed it was on. Chunks that had not started go back in the queue unblamed.
    """

    name = "processes"

    def __init__(self, workers: int, in_flight_per_worker: int = 3, retries: int = 2) -> None:
        self.workers = workers
        self.in_flight = max(1, workers * in_flight_per_worker)
        self.retries = retries

    def run_cells(self, works: Sequence[CellWork], chunks: Sequence[Chunk]) -> Iterator[Result]:
        if not chunks:
            return
        methods = mp.get_all_start_methods()
        context = mp.get_context("fork" if "fork" in methods else "spawn")
        slots = {chunk.key: i for i, chunk in enumerate(chunks)}
        started = context.RawArray("q", [-1] * len(chunks))
        queue: deque[Chunk] = deque(chunks)  # to run, in order
        alone: deque[Chunk] = deque()  # suspects of a broken pool: run one at a time
        crashes: dict[str, int] = {}
        failed: list[tuple[Chunk, int]] = []  # (chunk, the replication it was on)
        unexplained = 0
        while queue or alone:
            pool = cf.ProcessPoolExecutor(
                max_workers=min(self.workers, len(queue) + len(alone)),
                mp_context=context,
                initializer=_init_worker,
                initargs=(list(works), started, os.getpid()),
            )
            try:
                lost = yield from self._drain(pool, works, queue, alone, started, slots)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
            if not lost:
                continue
            suspects = [c for c in lost if started[slots[c.key]] >= 0]
            queue.extendleft(
                sorted((c for c in lost if c not in suspects), key=lambda c: c.key, reverse=True)
            )
            if len(suspects) == 1:
                (chunk,) = suspects
                crashes[chunk.key] = crashes.get(chunk.key, 0) + 1
                if crashes[chunk.key] > self.retries:
                    # given up on; the other chunks still run, so that all they hold is kept
                    failed.append((chunk, started[slots[chunk.key]]))
                    suspects = []
            elif not suspects:
                unexplained += 1
                if unexplained > self.retries:
                    raise RunFailed(
                        f"worker processes died {unexplained} times before running any chunk "
                        "(out of memory, or killed?); the chunks already finished are kept, and "
                        "running the same command again resumes from them."
                    )
            alone.extend(suspects)
        if failed:
            chunk, replication = failed[0]
            raise RunFailed(self._keeps_failing(works, chunk, replication, len(failed) - 1))

    def _drain(self, pool, works, queue, alone, started, slots):
        """Run chunks on one pool until all are done (returns []) or it breaks (returns the
        chunks it lost: those in flight)."""
        pending: dict[cf.Future, Chunk] = {}

        def submit(chunk: Chunk) -> None:
            started[slots[chunk.key]] = -1
            pending[pool.submit(_pool_task, chunk, slots[chunk.key])] = chunk

        def top_up() -> None:
            if alone:
                if not pending:
                    submit(alone.popleft())
                return
            while queue and len(pending) < self.in_flight:
                submit(queue.popleft())

        lost: list[Chunk] = []
        try:
            top_up()
            while pending:
                done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: pending[f].key):
                    chunk = pending.pop(future)
                    try:
                        result = future.result()
                    except cf.process.BrokenProcessPool:
                        lost.append(chunk)
                        continue
                    except Exception as exc:
                        _note_chunk(exc, works[chunk.cell], chunk)
                        raise
                    yield result
                if lost:
                    return lost + list(pending.values())
                top_up()
            return lost
        finally:
            for future in pending:
                future.cancel()

    def _keeps_failing(
        self, works: Sequence[CellWork], chunk: Chunk, replication: int, others: int
    ) -> str:
        work = works[chunk.cell]
        seed = chunk.seeds[replication - chunk.start]
        tries = self.retries + 1
        also = f" ({others} other chunk(s) failed the same way)" if others else ""
        return (
            f"{describe_chunk(work, chunk)} was the only chunk running each of the {tries} times "
            f"a worker process died, the last time at replication {replication} (seed {seed})"
            f"{also}; the worker died without a Python error (killed, out of memory, or a crash in "
            "native code). Every other chunk finished and is kept; running the same command again "
            "resumes and retries it. To look into it, simulate that replication alone with "
            f"`alliance-sim simulate` and --seed {seed} and this design's settings."
        )


def _dask_task(payload: bytes, chunk: Chunk) -> Result:
    work = pickle.loads(payload)
    return chunk, replicate.run_chunk(work, chunk)


class DaskExecutor:
    """Runs chunks on a Dask distributed cluster given its scheduler address (or a ``Client``).

    Each task carries its own inputs (the cell's work, pickled once per cell), so any worker can
    run or rerun it: a worker lost mid-run takes nothing with it that the scheduler cannot send
    again. The scheduler reruns a lost worker's tasks elsewhere; a task that raises is retried
    ``retries`` times; a task that keeps killing workers ends the run with :class:`RunFailed`.
    """

    name = "dask"

    def __init__(self, scheduler, in_flight: int | None = None, retries: int = 2) -> None:
        self.scheduler = scheduler
        self.in_flight = in_flight
        self.retries = retries
        self.workers = 0

    def _client(self):
        from distributed import Client

        if not isinstance(self.scheduler, str):
            return self.scheduler, False
        try:
            return Client(self.scheduler, timeout="10s", set_as_default=False), True
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(
                f"--scheduler {shorten(self.scheduler)}: cannot reach a Dask scheduler at that "
                f"address ({exc}); start one with `dask scheduler` and `dask worker ADDRESS`, or "
                "leave out --scheduler to run on this machine."
            ) from None

    def check_reachable(self) -> None:
        """Refuse an address no scheduler answers, before a run writes anything."""
        client, own = self._client()
        if own:
            client.close()

    def run_cells(self, works: Sequence[CellWork], chunks: Sequence[Chunk]) -> Iterator[Result]:
        if not chunks:
            return
        from distributed import KilledWorker, as_completed

        client, own = self._client()
        futures: dict = {}
        try:
            threads = sum(client.nthreads().values()) or 1
            self.workers = threads
            limit = self.in_flight or max(4, 3 * threads)
            payloads = {c: pickle.dumps(works[c]) for c in sorted({c.cell for c in chunks})}
            todo = iter(chunks)

            def submit(chunk: Chunk):
                future = client.submit(
                    _dask_task, payloads[chunk.cell], chunk, pure=False, retries=self.retries
                )
                futures[future] = chunk
                return future

            first = [submit(c) for _, c in zip(range(limit), todo, strict=False)]
            running = as_completed(first, loop=client.loop)
            lost: list[Chunk] = []  # chunks that killed every worker that tried them
            for future in running:
                chunk = futures.pop(future)
                try:
                    result = future.result()
                except KilledWorker:
                    lost.append(chunk)
                    result = None
                except Exception as exc:
                    _note_chunk(exc, works[chunk.cell], chunk)
                    raise
                future.release()
                if result is not None:
                    yield result
                nxt = next(todo, None)
                if nxt is not None:
                    running.add(submit(nxt))
            if lost:
                also = f" ({len(lost) - 1} other chunk(s) too)" if len(lost) > 1 else ""
                raise RunFailed(
                    f"{describe_chunk(works[lost[0].cell], lost[0])} killed every Dask worker "
                    f"that ran it{also} (killed, out of memory, or a crash in native code). Every "
                    "other chunk finished and is kept; running the same command again resumes "
                    "and retries it."
                )
        finally:
            if futures:
                client.cancel(list(futures))
            if own:
                client.close()


def make_executor(workers: int | None = None, scheduler=None) -> Executor:
    """``scheduler`` picks Dask (refused at once if no scheduler answers there); else ``workers``
    processes (default all cores; 1 = in-process)."""
    if scheduler is not None:
        executor = DaskExecutor(scheduler)
        executor.check_reachable()
        return executor
    if workers is not None and workers < 1:
        raise InputError(f"--workers {workers}: give a number of worker processes of at least 1.")
    n = workers or available_cores()
    return SequentialExecutor() if n == 1 else ProcessPoolExecutor(n)
