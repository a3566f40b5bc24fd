"""Sets of parties as bitmasks (bit ``i`` is party ``i``), for the board's hot path.

A meeting asks the same questions of every matter: who votes, who is waiting for a home body, who
has a mandate, whose authority covers it, who is content (000 §3.2; 001 §35, 47). With a dozen
parties those are a handful of integer operations on masks, where a loop over members or numpy's
per-call overhead costs many times more; a mask grows by one bit per party, so cost stays linear.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def mask_of(parties: Iterable[int]) -> int:
    mask = 0
    for p in parties:
        mask |= 1 << p
    return mask


_MEMBERS: dict[int, list[int]] = {}


def members(mask: int) -> list[int]:
    """The parties in ``mask``, in index order (a list shared by every caller: never change it).

    The same few masks (the voters, a blocker, the voters less the recused) come up again and
    again, so each is unpacked once."""
    out = _MEMBERS.get(mask)
    if out is None:
        out, rest = [], mask
        while rest:
            low = rest & -rest
            out.append(low.bit_length() - 1)
            rest ^= low
        if len(_MEMBERS) < 4096:
            _MEMBERS[mask] = out
    return out


def positive(values: np.ndarray) -> int:
    """The parties whose value is above zero."""
    mask = 0
    for i, v in enumerate(values.tolist()):
        if v > 0:
            mask |= 1 << i
    return mask


def row_masks(table: np.ndarray) -> list[int]:
    """One mask per row of a boolean table (rows x parties)."""
    if not len(table):
        return []
    packed = np.packbits(table, axis=1, bitorder="little")
    width = packed.shape[1]
    raw = packed.tobytes()
    return [int.from_bytes(raw[i * width : (i + 1) * width], "little") for i in range(len(packed))]
