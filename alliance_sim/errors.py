"""Errors about the user's input, worded for the person who wrote the file.

Every message is one paragraph naming the file, the field and what is allowed; the CLI prints it
and exits with code 2, never a traceback.
"""

from __future__ import annotations

import re
import types
import typing

from pydantic import BaseModel, ValidationError


class InputError(Exception):
    """Bad input: a scenario, override or experiment file the user can fix (exit code 2)."""


class RunFailed(Exception):
    """The run could not finish for a reason outside the input, e.g. a worker process that keeps
    dying on the same chunk; what was already written is kept (exit code 3)."""


class WriteFailed(RunFailed):
    """The results folder would not take a file (a full disk, a file-size limit, a read-only
    folder): every file already written is whole and kept (exit code 3, as any run that could
    not finish)."""


#: Longest echo of a user's value in a message; longer ones end in an ellipsis.
ECHO = 80
#: Most problems listed from one validation; the rest are counted.
MOST_PROBLEMS = 6


def shorten(text: object, limit: int = ECHO) -> str:
    """``text`` as a string of at most ``limit`` characters, cut with "…" where it was longer."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def echo(value: object, limit: int = ECHO) -> str:
    """A user's value as it would be written (``repr``), shortened for a message."""
    return shorten(repr(value), limit)


def _location(loc: tuple) -> str:
    parts: list[str] = []
    for item in loc:
        if item == "[key]":
            parts.append(" (a key)")
        elif isinstance(item, int):
            parts.append(f"[{item}]")
        elif parts:
            parts.append(f".{item}")
        else:
            parts.append(str(item))
    return "".join(parts) or "(top level)"


def _model_at(root: type[BaseModel] | None, loc: tuple) -> type[BaseModel] | None:
    """The pydantic model that holds the field at ``loc`` (to list what is allowed there)."""
    node: typing.Any = root
    for part in loc:
        while True:  # unwrap dict[str, X], tuple[X, ...], X | None down to a model
            origin = typing.get_origin(node)
            if origin in (dict, tuple, list, typing.Union, types.UnionType):
                args = [a for a in typing.get_args(node) if a not in (type(None), Ellipsis)]
                node = args[-1] if args else None
                if origin in (dict, tuple, list):
                    break
            else:
                break
        if isinstance(part, int) or part == "[key]":
            continue
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = node.model_fields.get(str(part))
            if field is None:
                return node
            node = field.annotation
        else:
            # dict keys (party ids, matter kinds) sit between models
            continue
    return node if isinstance(node, type) and issubclass(node, BaseModel) else None


#: What a value of each kind must look like, in the words of someone writing a TOML file (pydantic's
#: own wording, "Input should be a valid ...", never reaches the user).
KINDS = {
    "float": "a number, e.g. 1.5",
    "int": "a whole number, e.g. 28",
    "bool": "true or false (no quotes)",
    "date": "a date written YYYY-MM-DD without quotes, e.g. 2021-04-01",
    "string": 'a text in quotes, e.g. "Riverside"',
    "list": 'a list in square brackets, e.g. ["financial", "policy"]',
    "table": "a table: a [section] of its own or { key = value, ... }",
}
_KIND_OF_TYPE = {
    "float_parsing": "float", "float_type": "float",
    "int_parsing": "int", "int_type": "int", "int_from_float": "int",
    "int_parsing_size": "int",
    "bool_parsing": "bool", "bool_type": "bool",
    "date_parsing": "date", "date_type": "date", "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date", "datetime_parsing": "date",
    "string_type": "string", "string_unicode": "string",
    "tuple_type": "list", "list_type": "list", "set_type": "list", "iterable_type": "list",
    "dict_type": "table", "model_type": "table", "model_attributes_type": "table",
    "dataclass_type": "table",
}  # fmt: skip
_ALTERNATIVES = re.compile(r"^\^\(([\w|-]+)\)\$$")


def _allowed_by_pattern(pattern: str) -> str | None:
    """``^(a|b|c)$`` as "a, b or c"; None for a pattern that is not a list of words."""
    match = _ALTERNATIVES.match(pattern)
    if not match:
        return None
    words = [f"'{w}'" for w in match.group(1).split("|")]
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]


def _plain(msg: str) -> str:
    """Whatever pydantic wording is left, rephrased: "Input should be X" reads "must be X"."""
    msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    for prefix in ("Input should be ", "String should be ", "Value should be "):
        if msg.startswith(prefix):
            return "must be " + msg.removeprefix(prefix)
    for prefix in ("String should ", "List should ", "Tuple should ", "Dictionary should "):
        if msg.startswith(prefix):
            return "must " + msg.removeprefix(prefix)
    return msg


def _describe(error: dict, root: type[BaseModel] | None = None) -> str:
    kind = error["type"]
    msg = error["msg"]
    ctx = error.get("ctx") or {}
    given = f"has value {echo(error.get('input'))}"
    if kind == "extra_forbidden":
        holder = _model_at(root, tuple(error["loc"][:-1]))
        if holder is not None:
            allowed = ", ".join(holder.model_fields)
            return f"is not a known field; allowed fields here are: {allowed}"
        return "is not a known field (check the spelling against the documented fields)"
    if kind == "missing":
        return "is required but missing"
    if kind in ("enum", "literal_error"):
        return f"{given}; allowed values are {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        allowed = _allowed_by_pattern(str(ctx.get("pattern", "")))
        if allowed:
            return f"{given}; allowed values are {allowed}"
        return f"{given}; it must be written as {ctx.get('pattern')}"
    if kind == "finite_number":  # inf and nan are valid TOML, but no quantity of an alliance
        return f"{given}; it must be a finite number, e.g. 1.5 (not inf or nan)"
    if kind in _KIND_OF_TYPE:
        what = KINDS[_KIND_OF_TYPE[kind]]
        detail = ctx.get("error")
        why = f" ({detail})" if detail and _KIND_OF_TYPE[kind] == "date" else ""
        return f"{given}{why}; it must be {what}"
    if kind in ("too_short", "too_long"):
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        side = "at least" if kind == "too_short" else "at most"
        return f"{given}; it must have {side} {bound} item(s)"
    if kind.startswith("greater_than") or kind.startswith("less_than"):
        return f"{given}; it {_plain(msg)}"
    if msg.startswith("Value error, "):
        return msg.removeprefix("Value error, ")
    return f"{given}: {_plain(msg)}"


def from_validation(
    source: str, exc: ValidationError, root: type[BaseModel] | None = None
) -> InputError:
    """Turn pydantic's report into one readable paragraph naming each bad field.

    ``root`` is the model that was validated, so an unknown field can be answered with the
    fields that are allowed in its place.
    """
    problems: list[str] = []
    for error in exc.errors():
        if error["type"] == "reference":
            ctx = error["ctx"]
            problem = f"field `{ctx['path']}` {ctx['message']}"
        else:
            loc = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
            problem = f"field `{shorten(_location(loc))}` {_describe(error, root)}"
        if problem not in problems:
            problems.append(problem)
    more = len(problems) - MOST_PROBLEMS
    listed = problems[:MOST_PROBLEMS] + ([f"and {more} more problem(s)"] if more > 0 else [])
    return InputError(f"{source}: " + "; ".join(listed) + ".")
