"""``alliance-sim new``, ``check`` and ``schema``: write, check and describe a scenario file."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    return None
