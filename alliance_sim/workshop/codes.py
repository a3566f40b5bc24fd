"""Room codes: four letters a projector cannot confuse, drawn for a new room and checked when typed.

A code is the name of a room's state file, so nothing typed reaches the file system unchecked:
a typed code (or ``?room=`` in an address) is read with case, spaces and dashes ignored, and
anything that is not four code letters gets a message saying what a code looks like.
"""

from __future__ import annotations

import secrets

#: No I, L, O (read as 1 and 0), no digits.
CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 4
#: How much of a bad code a message repeats (a pasted paragraph is not echoed back in full).
SHOWN = 12


class CodeError(ValueError):
    """Not a room code; the message says what one looks like."""


def parse_code(text: object) -> str:
    """The room code in ``text`` (``"abc d"`` is ``ABCD``), or :class:`CodeError`."""
    typed = str(text)
    code = "".join(ch for ch in typed.upper() if ch not in " -\t")
    if len(code) == CODE_LENGTH and all(ch in CODE_LETTERS for ch in code):
        return code
    shown = typed.strip()
    if len(shown) > SHOWN:
        shown = f"{shown[:SHOWN]}… ({len(shown)} characters)"
    what = f"'{shown}' is not a room code" if shown else "No room code was given"
    raise CodeError(
        f"{what}: a room code is {CODE_LENGTH} letters, as shown on the facilitator's screen "
        "(no digits, and no I, L or O)."
    )


def new_code() -> str:
    """A fresh code (a name, not a simulation draw: from the system's randomness)."""
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
