"""Reading a user's TOML file (scenario or experiment) within stated limits.

Scenario and experiment files come from policy teams and workshop rooms, so a wrong file must give
one paragraph naming it, never a traceback: not UTF-8 (the byte offset is given), bigger than
``MAX_FILE_BYTES``, tables or arrays nested deeper than ``MAX_DEPTH`` (checked on the text before
it is parsed, since the parser recurses, and again on the parsed data, since dotted keys nest
too), or a text value longer than ``MAX_STRING`` characters. Every check runs before validation.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError, shorten

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 64
MAX_STRING = 10_000

LIMITS = (
    f"files up to {MAX_FILE_BYTES:,} bytes, tables and arrays nested at most {MAX_DEPTH} deep, "
    f"text values up to {MAX_STRING:,} characters"
)


@dataclass(frozen=True)
class InputFile:
    """A TOML file read and parsed: where from, its text, its fingerprint and its data."""

    source: str
    text: str
    sha256: str
    data: dict[str, Any]


def read_bytes(path: Path, kind: str, missing: str = "") -> bytes:
    """The file's bytes; one paragraph if it is missing, a folder or unreadable (``missing`` is
    added to the message of a missing file)."""
    try:
        return path.read_bytes()
    except IsADirectoryError:
        inside = sorted(p.name for p in path.glob("*.toml"))
        hint = f" (it holds {', '.join(inside[:6])})" if inside else ""
        raise InputError(
            f"{shorten(path)}: is a folder, not a {kind} file; give the path of the {kind} "
            f"file (TOML) itself{hint}."
        ) from None
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(f"{shorten(path)}: no such {kind} file{missing}.") from None
    except OSError as exc:
        raise InputError(
            f"{shorten(path)}: cannot read the {kind} file ({exc.strerror})."
        ) from None


def decode(raw: bytes, source: str, kind: str) -> str:
    """The file's text; refuses a file that is too big or not UTF-8, naming the byte offset."""
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(
            f"{source}: the {kind} file is {len(raw):,} bytes, more than the limit of "
            f"{MAX_FILE_BYTES:,} bytes; {kind} files are short TOML text ({LIMITS})."
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: not UTF-8 text (byte {raw[exc.start]:#04x} at byte offset {exc.start} "
            f"cannot be read); save the {kind} file as UTF-8 TOML."
        ) from None


# Strings and comments may hold brackets that do not nest anything, so they are skipped whole.
# A dotted key of more than MAX_DEPTH parts nests as deep as brackets do (and is slow to parse).
_TOKENS = re.compile(
    r'"""|\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]'
    # from the start of a word only, and without backtracking, so that a long word costs O(n)
    rf"|(?<![A-Za-z0-9_-])(?:[A-Za-z0-9_-]++[ \t]*+\.[ \t]*+){{{MAX_DEPTH},}}"
)


def check_text(text: str, source: str) -> None:
    """Refuse TOML text whose tables or arrays nest deeper than ``MAX_DEPTH`` (before parsing)."""
    depth = 0
    pos = 0
    while True:
        match = _TOKENS.search(text, pos)
        if match is None:
            return
        token = match.group()
        pos = match.end()
        if token in ('"""', "'''"):
            end = text.find(token, pos)
            if end < 0:
                return  # unterminated: the parser says where
            pos = end + 3
        elif token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                raise InputError(
                    f"{source}: tables or arrays are nested more than {MAX_DEPTH} deep (at line "
                    f"{line}); the limit is {MAX_DEPTH} levels."
                )
        elif token in "]}":
            depth = max(0, depth - 1)
        elif token[0] not in "\"'#":
            line = text.count("\n", 0, match.start()) + 1
            raise InputError(
                f"{source}: tables are nested more than {MAX_DEPTH} deep by a dotted key of more "
                f"than {MAX_DEPTH} parts (at line {line}); the limit is {MAX_DEPTH} levels."
            )


def check_data(data: Any, source: str) -> None:
    """Refuse data nested deeper than ``MAX_DEPTH`` or holding a text longer than ``MAX_STRING``.

    Walks with an explicit stack, so that no depth of input can exhaust Python's.
    """
    stack: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if len(path) > MAX_DEPTH:
            where = ".".join(path[:3])
            raise InputError(
                f"{source}: field `{shorten(where, 60)}…` is nested more than {MAX_DEPTH} deep; "
                f"the limit is {MAX_DEPTH} levels."
            )
        if isinstance(node, str):
            if len(node) > MAX_STRING:
                raise InputError(
                    f"{source}: field `{shorten('.'.join(path), 80) or '(top level)'}` is a text of "
                    f"{len(node):,} characters ({shorten(node, 40)!r}); the limit is "
                    f"{MAX_STRING:,} characters."
                )
        elif isinstance(node, Mapping):
            for key, value in node.items():
                if len(str(key)) > MAX_STRING:
                    raise InputError(
                        f"{source}: a field name of {len(str(key)):,} characters "
                        f"({shorten(str(key), 40)!r}); the limit is {MAX_STRING:,} characters."
                    )
                stack.append((value, (*path, str(key))))
        elif isinstance(node, list | tuple):
            stack.extend((value, (*path, str(i))) for i, value in enumerate(node))


def parse(raw: bytes, source: str, kind: str) -> InputFile:
    """Decode, check and parse a TOML file's bytes; every problem is an :class:`InputError`."""
    text = decode(raw, source, kind)
    check_text(text, source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        hint = (
            " Dates are written YYYY-MM-DD without quotes, e.g. start = 2021-04-01."
            if "date" in str(exc).lower()
            else ""
        )
        raise InputError(f"{source}: not valid TOML ({exc}); fix the syntax there.{hint}") from None
    check_data(data, source)
    return InputFile(source, text, hashlib.sha256(raw).hexdigest(), data)
