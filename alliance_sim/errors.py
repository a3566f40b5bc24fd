"""Errors about the user's input, worded for the person who wrote the file.

Every message is one paragraph naming the file, the field and what is allowed; the CLI prints it
and exits with code 2, never a traceback.
"""

from __future__ import annotations

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


def _describe(error: dict, root: type[BaseModel] | None = None) -> str:
    kind = error["type"]
    msg = error["msg"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        holder = _model_at(root, tuple(error["loc"][:-1]))
        if holder is not None:
            allowed = ", ".join(holder.model_fields)
            return f"is not a known field; allowed fields here are: {allowed}"
        return "is not a known field (check the spelling against the documented fields)"
    if kind == "missing":
        return "is required but missing"
    if kind == "enum":
        return f"has value {echo(error.get('input'))}; allowed values are {ctx.get('expected')}"
    if kind.startswith("greater_than") or kind.startswith("less_than"):
        return f"has value {echo(error.get('input'))}; it must be {msg.lower().removeprefix('input should be ')}"
    if msg.startswith("Value error, "):
        return msg.removeprefix("Value error, ")
    return f"has value {echo(error.get('input'))}: {msg}"


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
