"""The scenario's fields as data: a walk over the validated models and over a concrete scenario.

Each field of :class:`Scenario` says what it is (its pydantic ``description``), its type and
bounds, its unit and where its default comes from (``vocabulary.doc``: your alliance, a clause, a
setting). :func:`specs` walks the schema (``parties.*.budget_m``), :func:`values` a validated
scenario (``parties.council.budget_m``); the reference (``reference.py``), the assumptions
registry, ``alliance-sim new`` and ``check`` all read fields through here.
"""

from __future__ import annotations

import datetime as dt
import enum
import fnmatch
import json
import math
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import annotated_types as at
from pydantic import BaseModel, Field, RootModel
from pydantic.fields import FieldInfo

from .clauses import WHAT, Clauses
from .scenario import Scenario
from .vocabulary import DRAWN_KINDS, OBJECTIVES, YOURS, doc

#: Fields whose text must name an entry of a registry (or a word list): the allowed names.
NAMED = {
    "board.rule": ("decision rule", "DECISION_RULES"),
    "parties.*.kind": ("party kind", "PARTY_KINDS"),
    "board.prohibited_grounds": ("prohibited ground", "PROHIBITED_GROUNDS"),
    "matters.*.prohibited": ("prohibited ground", "PROHIBITED_GROUNDS"),
}


def registry_names(name: str) -> tuple[str, ...]:
    from .. import registry

    return getattr(registry, name).names()


@dataclass(frozen=True)
class Spec:
    """What the reference says of one field: where it is, what it may hold and why."""

    path: str  # dotted, ``*`` for a key or index you choose: ``parties.*.budget_m``
    name: str
    info: FieldInfo
    annotation: Any
    holder: type[BaseModel]

    @property
    def description(self) -> str:
        return self.info.description or ""

    @property
    def extra(self) -> dict:
        extra = self.info.json_schema_extra
        return extra if isinstance(extra, dict) else {}

    @property
    def unit(self) -> str:
        return str(self.extra.get("x-unit", ""))

    @property
    def source(self) -> str:
        return str(self.extra.get("x-source", ""))

    @property
    def required(self) -> bool:
        return self.info.is_required()

    def default(self) -> Any:
        return None if self.required else self.info.get_default(call_default_factory=True)

    def kind(self) -> str:
        """The type as a person writing TOML reads it."""
        return str(self.extra.get("x-type", "")) or _kind(self.annotation)

    def allowed(self) -> str:
        """What values it takes: the names allowed, or its bounds."""
        named = NAMED.get(self.path)
        if named is not None:
            return "one of " + ", ".join(registry_names(named[1]))
        words = _words(self.annotation)
        if words:
            return "one of " + ", ".join(words)
        for meta in self.info.metadata:
            pattern = getattr(meta, "pattern", None)
            if pattern and pattern.startswith("^(") and pattern.endswith(")$"):
                return "one of " + ", ".join(pattern[2:-2].split("|"))
        bounds = []
        for meta in self.info.metadata:
            for attr, sign in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
                value = getattr(meta, attr, None)
                if value is not None and not isinstance(meta, at.MinLen | at.MaxLen):
                    bounds.append(f"{sign} {number_text(value)}")
            if isinstance(meta, at.MinLen) and meta.min_length:
                bounds.append(f"at least {meta.min_length} item(s)")
        if self.path.endswith(".objectives") or self.path in ("matters.*.effects",):
            return "objectives: " + ", ".join(OBJECTIVES)
        return ", ".join(bounds)


def number_text(value: float) -> str:
    if isinstance(value, float) and math.isinf(value):
        return "-inf" if value < 0 else "inf"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _args(annotation: Any) -> tuple:
    return tuple(a for a in typing.get_args(annotation) if a not in (type(None), Ellipsis))


def _optional(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    return origin in (typing.Union, types.UnionType) and type(None) in typing.get_args(annotation)


def _words(annotation: Any) -> list[str]:
    """The values an enum (or a list of one) allows."""
    for candidate in (annotation, *_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            values = [str(v.value) for v in candidate]
            if candidate.__name__ == "MatterKind":
                values = [v for v in values if v in {str(k) for k in DRAWN_KINDS}] or values
            return values
    return []


def _kind(annotation: Any) -> str:
    if _optional(annotation):
        return _kind(_args(annotation)[0]) + ", or none"
    origin = typing.get_origin(annotation)
    if origin is tuple:
        args = typing.get_args(annotation)
        if len(args) == 2 and args[1] is not Ellipsis:
            return "pair [low, high]"
        return f"list of {_kind(args[0])}s" if args else "list"
    if origin is dict:
        return "table"
    if annotation is bool:
        return "true/false"
    if annotation is int:
        return "whole number"
    if annotation is float:
        return "number"
    if annotation is dt.date:
        return "date"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "word"
    if annotation is str:
        return "text"
    return getattr(annotation, "__name__", str(annotation))


def model_of(annotation: Any) -> tuple[type[BaseModel] | None, str]:
    """The model a field holds, and how: ``"table"``, ``"keyed"`` (a table of them by key) or
    ``"array"`` (an array of tables)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, "table"
    origin = typing.get_origin(annotation)
    args = _args(annotation)
    if origin is dict and args and isinstance(args[-1], type) and issubclass(args[-1], BaseModel):
        return args[-1], "keyed"
    if origin is tuple and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0], "array"
    return None, ""


#: A key of ``[clauses]`` as the reference and the template describe it: a table of its own keys
#: (the rules), each optional, rather than pydantic's one ``root`` field.
_CITATION = dict(
    doc(source=YOURS),
    **{
        "x-type": 'text (your agreement\'s clause, e.g. "002 §5.4.1"), or { lesson = "004 p.15" }',
        "x-default": "left out: cites nothing",
    },
)


def _keyed_fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """The keys of a table whose keys are a fixed list (``[clauses]``: one per rule), as fields;
    empty for any other model."""
    if model is not Clauses:
        return {}
    return {
        str(key): Field(
            None, description=f"the clause that says {what}", json_schema_extra=_CITATION
        )
        for key, what in WHAT.items()
    }


def _fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    keyed = _keyed_fields(model)
    if keyed or issubclass(model, RootModel):
        return keyed
    return dict(model.model_fields)


def specs(model: type[BaseModel] = Scenario, prefix: str = "") -> Iterator[Spec]:
    """Every field of the scenario, tables included, in the order a file writes them."""
    for name, info in _fields(model).items():
        path = f"{prefix}.{name}" if prefix else name
        sub, how = model_of(info.annotation)
        yield Spec(path, name, info, info.annotation, model)
        if sub is not None:
            yield from specs(sub, path if how == "table" else f"{path}.*")


def leaf_specs() -> list[Spec]:
    """The fields that hold values (not tables of fields)."""
    return [s for s in specs() if model_of(s.annotation)[0] is None]


def pattern_matches(pattern: str, path: str) -> bool:
    """Whether a dotted ``path`` (``parties.council.budget_m``) fits a ``pattern`` with ``*`` for
    one segment (``parties.*.budget_m``); a pattern's ``*`` also stands for itself."""
    parts, want = path.split("."), pattern.split(".")
    return len(want) == len(parts) and all(
        fnmatch.fnmatchcase(p, q) for p, q in zip(parts, want, strict=True)
    )


def spec_of(path: str) -> Spec | None:
    """The field at a concrete dotted path (``parties.council.budget_m``), or None."""
    for spec in leaf_specs():
        if pattern_matches(spec.path, path):
            return spec
    return None


# -- a concrete scenario, field by field ----------------------------------------------------------
@dataclass(frozen=True)
class Value:
    """One field of a validated scenario: its concrete path, value and what the reference says."""

    path: str
    value: Any
    spec: Spec


def values(scenario: BaseModel, prefix: str = "", pattern: str = "") -> Iterator[Value]:
    """Every leaf of a validated scenario in file order, with its concrete dotted path."""
    model = type(scenario)
    if isinstance(scenario, RootModel):
        fields = _keyed_fields(model)
        for key, value in scenario.root.items():
            name = str(getattr(key, "value", key))
            info = fields[name]
            yield Value(
                f"{prefix}.{name}", value, Spec(f"{pattern}.{name}", name, info, str, model)
            )
        return
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        abstract = f"{pattern}.{name}" if pattern else name
        value = getattr(scenario, name)
        sub, how = model_of(info.annotation)
        if sub is None:
            yield Value(path, value, Spec(abstract, name, info, info.annotation, model))
        elif how == "table":
            yield from values(value, path, abstract)
        elif how == "keyed":
            for key, item in value.items():
                yield from values(item, f"{path}.{key}", f"{abstract}.*")
        else:
            for i, item in enumerate(value):
                yield from values(item, f"{path}.{i}", f"{abstract}.*")


def toml_value(value: Any) -> str:
    """A value as TOML writes it (None as ``"none"``, which unsets an optional field)."""
    if value is None:
        return '"none"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return json.dumps(str(value.value), ensure_ascii=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, BaseModel):
        return toml_value(value.model_dump())
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }"
    return json.dumps(str(value), ensure_ascii=False)


def toml_key(key: str) -> str:
    bare = key and all(c.isalnum() or c in "_-" for c in key) and key.isascii()
    return key if bare else json.dumps(key, ensure_ascii=False)
