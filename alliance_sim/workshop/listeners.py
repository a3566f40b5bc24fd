"""The pages following a room, and how a change reaches them.

A change is announced after the room's lock is released, and each page is told off the thread
that made the change (a small shared pool): the table that voted gets its own confirmation
first, instead of waiting while every other page of the room is redrawn in its thread. A page
told of three changes while it is still drawing the first draws once more, from the room as it
then is (the latest state is all a page shows).

Each page also says whether it is still connected, which is how the room knows which devices
are present (a seat whose device is away can be given up; the facilitator sees who is there).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

CONNECTED, AWAY, CLOSED = "connected", "away", "closed"

Dispatch = Callable[[Callable[[], None]], object]

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def pooled(task: Callable[[], None]) -> None:
    """Run ``task`` on the shared announcing threads."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="room-announce")
    _pool.submit(task)


def inline(task: Callable[[], None]) -> None:
    """Run ``task`` at once, in the caller's thread (tests without a browser)."""
    task()


class Listener:
    """One page: what to call on a change, whose device it is, whether it is still there.

    ``delay`` (seconds) lets a burst of changes gather before the page is drawn once for all of
    them: the facilitator's screen, while thirty tables vote, is drawn a few times, not thirty.
    """

    def __init__(
        self, call: Callable[[], None], device: str, state: Callable[[], str], delay: float = 0.0
    ) -> None:
        self.call = call
        self.device = device
        self.state = state
        self.delay = delay
        self._lock = threading.Lock()
        self._dirty = False
        self._running = False

    def poke(self, dispatch: Dispatch) -> None:
        with self._lock:
            self._dirty = True
            if self._running:
                return
            self._running = True
        if self.delay:
            timer = threading.Timer(self.delay, dispatch, (self._drain,))
            timer.daemon = True
            timer.start()
        else:
            dispatch(self._drain)

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._dirty:
                    self._running = False
                    return
                self._dirty = False
            try:
                self.call()
            except Exception:  # noqa: BLE001 - a closed browser tab must not stop the others
                pass


class Listeners:
    """Every page following one room."""

    def __init__(self, dispatch: Dispatch = pooled) -> None:
        self.dispatch = dispatch
        self._lock = threading.Lock()
        self._items: dict[int, Listener] = {}
        self._next = 0

    def add(
        self,
        call: Callable[[], None],
        device: str = "",
        state: Callable[[], str] | None = None,
        delay: float = 0.0,
    ) -> Callable[[], None]:
        """Follow the room; returns the function that stops following it."""
        with self._lock:
            token = self._next
            self._next += 1
            self._items[token] = Listener(call, device, state or (lambda: CONNECTED), delay)

        def remove() -> None:
            with self._lock:
                self._items.pop(token, None)

        return remove

    def announce(self) -> None:
        for listener in self._live():
            listener.poke(self.dispatch)

    def present(self) -> set[str]:
        """The devices with a page connected now."""
        return {item.device for item in self._live() if item.state() == CONNECTED}

    def _live(self) -> list[Listener]:
        """The listeners, without those of pages closed for good (forgotten here)."""
        with self._lock:
            items = list(self._items.items())
        closed = [token for token, item in items if item.state() == CLOSED]
        if closed:
            with self._lock:
                for token in closed:
                    self._items.pop(token, None)
        return [item for token, item in items if token not in closed]
