"""Factors and their levels in words a committee reads: a factor's dotted path as what it is
("Nottinghamshire County Council's membership"), a level as a phrase ("as an associate"), parties
by the names their scenarios give them, never by their keys.

Everything here takes the summary only for its ``party_name``: the names come from the results'
manifest, so a report rebuilt later names parties as the run did.
"""

from __future__ import annotations

import re
from typing import Protocol

PARTY_PATH = re.compile(r"^parties\.([^.]+)\.")


class Names(Protocol):
    def party_name(self, key: str) -> str: ...


def short_name(path: str) -> str:
    """The last part of a factor's path in words: ``threshold_m`` is "threshold (£m)"."""
    last = path.split(".")[-1]
    for suffix, unit in (("_m", " (£m)"), ("_days", " (days)")):
        if last.endswith(suffix):
            return last.removesuffix(suffix).replace("_", " ") + unit
    return last.replace("_", " ")


def factor_words(path: str, summary: Names) -> str:
    """A factor's dotted path in words, the party by its name: ``parties.council.membership`` is
    "Nottinghamshire County Council's membership"."""
    if path == "board.rule":
        return "the board's decision rule"
    if path == "scenario":
        return "the alliance"
    match = PARTY_PATH.match(path)
    rest = path[match.end() :] if match else path
    words = (
        rest.replace("_m", " (£m)")
        .replace("_days", " (days)")
        .replace("home_body.", "home body's ")
        .replace("authority.", "delegated authority ")
        .replace(".", " ")
        .replace("_", " ")
    )
    if match:
        return f"{summary.party_name(match.group(1))}'s {words}"
    return words


def level_words(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def setting(path: str, value, summary: Names) -> str:
    """A factor's level as a phrase: "as an associate", "under unanimity", "with ... 14"."""
    if path.endswith(".membership"):
        return {"full": "as a full member", "associate": "as an associate"}.get(
            str(value), f"with membership {value}"
        )
    if path == "board.rule":
        return f"under {value}"
    match = PARTY_PATH.match(path)
    who = summary.party_name(match.group(1)) if match else ""
    if match and path.endswith(".home_body.cadence_days"):
        return f"with {who}'s home body meeting every {level_words(value)} days"
    if match and path.endswith(".authority.threshold_m"):
        return f"with {who}'s delegated limit at £{level_words(value)}m"
    if path == "board.cadence_days":
        return f"with the board meeting every {level_words(value)} days"
    return f"with {factor_words(path, summary)} {level_words(value)}"
