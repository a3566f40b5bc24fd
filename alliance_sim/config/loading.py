"""Loading scenarios: built-in TOML files shipped in ``alliance_sim/scenarios/``, or a user's file.

Overrides are dotted paths applied to the raw TOML before validation
(``parties.council.membership=associate``), so an override is checked exactly like the file.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import InputError, from_validation, shorten
from ..inputfile import InputFile, check_data, check_text, parse, read_bytes
from .scenario import Scenario

SCENARIO_DIR = "scenarios"


def builtin_names() -> list[str]:
    """Names of the scenarios shipped with the package, e.g. ``mid-notts``."""
    folder = resources.files("alliance_sim").joinpath(SCENARIO_DIR)
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def read_scenario_file(name_or_path: str | Path) -> InputFile:
    """A scenario's text, fingerprint and parsed TOML, by built-in name or path, read once.

    Built-in scenarios are read from the package like any file, so that their text is hashed too
    (a result depends on it as much as on a user's file).
    """
    text_name = str(name_or_path)
    if text_name in builtin_names():
        resource = resources.files("alliance_sim").joinpath(SCENARIO_DIR, f"{text_name}.toml")
        return parse(resource.read_bytes(), f"built-in scenario '{text_name}'", "scenario")
    path = Path(name_or_path)
    missing = f", and not a built-in scenario; built-in scenarios are {builtin_names()}"
    return parse(read_bytes(path, "scenario", missing), str(path), "scenario")


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``a.b.c=value``; the value is read as TOML (``0.5``, ``true``, ``[1, 2]``) or text."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise InputError(
            f"override '{shorten(text)}': expected the form dotted.path=value, "
            "e.g. parties.council.membership=associate."
        )
    check_text(raw, f"override '{shorten(key)}'")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key, value


#: Tables whose keys are ids the file itself chooses: an override may change an entry's fields but
#: not invent an entry, so a misspelt id is named as such (not as a new entry missing its fields).
KEYED_TABLES = {"parties": "party"}


def _known_key(data: dict[str, Any], parts: list[str], dotted: str, source: str) -> None:
    what = KEYED_TABLES.get(parts[0])
    table = data.get(parts[0])
    if what is None or len(parts) < 3 or not isinstance(table, dict) or parts[1] in table:
        return
    raise InputError(
        f"{source}: override `{shorten(dotted)}`: there is no {what} `{shorten(parts[1], 40)}`; "
        f"the {parts[0]} are {', '.join(table) or 'none'}."
    )


def apply_overrides(data: dict[str, Any], overrides: Mapping[str, Any], source: str) -> dict:
    """Return a copy of ``data`` with each dotted path set; list items are addressed by index."""
    data = copy.deepcopy(data)
    for dotted, value in overrides.items():
        node: Any = data
        parts = dotted.split(".")
        _known_key(data, parts, dotted, source)
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if isinstance(node, list):
                if not part.isdigit() or int(part) >= len(node):
                    raise InputError(
                        f"{source}: override `{shorten(dotted)}`: `{shorten('.'.join(parts[:i]))}` is a list of "
                        f"{len(node)} item(s); address an item by its index 0-{len(node) - 1}."
                    )
                part = int(part)
            elif not isinstance(node, dict):
                raise InputError(
                    f"{source}: override `{shorten(dotted)}`: `{shorten('.'.join(parts[:i]))}` is a "
                    f"value, not a table, so it has no field `{shorten(part)}`."
                )
            if last:
                node[part] = value
            else:
                if isinstance(node, dict) and part not in node:
                    node[part] = {}
                node = node[part]
    return data


def load_scenario(
    name_or_path: str | Path | Scenario | InputFile,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
) -> Scenario:
    """Load and validate a scenario by built-in name or TOML path, with dotted-path overrides.

    ``overrides`` is a mapping ``{"parties.council.membership": "associate"}`` or an iterable of
    ``"path=value"`` strings as given on the command line. An :class:`InputFile` already read
    (:func:`read_scenario_file`) is validated without reading the file again.
    """
    if isinstance(name_or_path, Scenario):
        if not overrides:
            return name_or_path
        source, data = (
            f"scenario '{name_or_path.scenario.name}'",
            name_or_path.model_dump(mode="json"),
        )
    else:
        file = name_or_path if isinstance(name_or_path, InputFile) else None
        file = file or read_scenario_file(name_or_path)
        source, data = file.source, file.data
    if overrides:
        if not isinstance(overrides, Mapping):
            overrides = dict(parse_override(o) for o in overrides)
        data = apply_overrides(data, overrides, source)
        check_data(data, f"{source} (with overrides)")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise from_validation(source, exc, Scenario) from None
