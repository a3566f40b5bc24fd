"""Per-scenario data that every replication of a scenario shares, kept beside the scenario.

A validated scenario is immutable input; what the engine compiles from it once (the parties'
decision arrays, the stream's roles, the transition matters' effects, home-body calendars) lives
here, keyed by the scenario object itself, so that thousands of replications of one design share
one copy and the scenario is never written to. The cache keeps the most recently used scenarios
alive (so their identities stay valid) and forgets the oldest.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: Scenarios whose compiled data is kept; an experiment runs each cell's replications together.
KEEP = 64

_cache: OrderedDict[int, tuple[object, dict[str, Any]]] = OrderedDict()


def derived(scenario: object, name: str, build: Callable[[Any], T]) -> T:
    """``build(scenario)``, computed once per scenario object and shared by its replications."""
    key = id(scenario)
    entry = _cache.get(key)
    if entry is None or entry[0] is not scenario:
        entry = _cache[key] = (scenario, {})
        if len(_cache) > KEEP:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(key)
    data = entry[1]
    value = data.get(name)
    if value is None:
        value = data[name] = build(scenario)
    return value
