"""Errors about the user's input, worded for the person who wrote the file.

Every message is one paragraph naming the file, the field and what is allowed; the CLI prints it
and exits with code 2, never a traceback.
"""

from __future__ import annotations

from pydantic import ValidationError


class InputError(Exception):
    """Bad input: a scenario, override or experiment file the user can fix."""


def _location(loc: tuple) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif parts:
            parts.append(f".{item}")
        else:
            parts.append(str(item))
    return "".join(parts) or "(top level)"


def _describe(error: dict) -> str:
    kind = error["type"]
    msg = error["msg"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return "is not a known field (check the spelling against the documented fields)"
    if kind == "missing":
        return "is required but missing"
    if kind == "enum":
        return f"has value {error.get('input')!r}; allowed values are {ctx.get('expected')}"
    if kind.startswith("greater_than") or kind.startswith("less_than"):
        return f"has value {error.get('input')!r}; it must be {msg.lower().removeprefix('input should be ')}"
    if msg.startswith("Value error, "):
        return msg.removeprefix("Value error, ")
    return f"has value {error.get('input')!r}: {msg}"


def from_validation(source: str, exc: ValidationError) -> InputError:
    """Turn pydantic's report into one readable paragraph naming each bad field."""
    problems = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
        problems.append(f"field `{_location(loc)}` {_describe(error)}")
    return InputError(f"{source}: " + "; ".join(problems) + ".")
