"""Registries of the things users name in scenario and experiment files.

A scenario names a party's kind (``parties.<id>.kind``) and the board's decision rule
(``board.rule``). Each name is looked up in a registry filled by the module that implements it
(``agents/`` registers party kinds, ``board/rules.py`` decision rules), so adding one touches only that
module; the scenario schema, the CLI's help and the workshop's choices read the registries. An
unknown name is an input error that lists the names allowed, never a silent default.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries of one sort, in the order they were registered."""

    def __init__(self, what: str, home: str) -> None:
        self.what = what
        #: the module whose import registers the entries (imported on first look-up, so that a
        #: scenario can be validated before anything else of the engine is loaded)
        self.home = home
        self._entries: dict[str, T] = {}
        self._loaded = False

    @property
    def entries(self) -> dict[str, T]:
        if not self._loaded:
            self._loaded = True
            importlib.import_module(self.home)
        return self._entries

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator: ``@PARTY_KINDS.register("council")`` on the class that implements it."""

        def add(entry: T) -> T:
            if name in self._entries:
                raise ValueError(f"{self.what} '{name}' is registered twice")
            self._entries[name] = entry
            return entry

        return add

    def __getitem__(self, name: str) -> T:
        try:
            return self.entries[str(name)]
        except KeyError:
            raise ValueError(self.unknown(name)) from None

    def __contains__(self, name: object) -> bool:
        return str(name) in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def names(self) -> tuple[str, ...]:
        return tuple(self.entries)

    def items(self):
        return self.entries.items()

    def unknown(self, name: object) -> str:
        from .errors import echo

        return f"{echo(str(name))} is not a known {self.what}; allowed: {', '.join(self.entries)}"

    def check(self, name: str) -> str:
        """``name`` if registered; else a ValueError listing what is (for pydantic validators)."""
        if str(name) not in self.entries:
            raise ValueError(self.unknown(name))
        return str(name)


#: Kinds of party (``agents/``): commissioner, provider, vcse, council.
PARTY_KINDS: Registry[type] = Registry("party kind", "agents")
#: Decision rules of the board (``board/rules.py``): unanimity, best_for_service, qualified_majority.
DECISION_RULES: Registry[type] = Registry("decision rule", "alliance_sim.board.rules")
#: Grounds on which a decision is prohibited (``board/prohibited.py``): breach, commissioner_money.
PROHIBITED_GROUNDS: Registry = Registry("prohibited ground", "alliance_sim.board.prohibited")
