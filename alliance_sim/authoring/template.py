"""A new scenario file, written out in full and commented: ``alliance-sim new NAME --like X``.

The file is a built-in alliance's effective scenario (every field, defaults included) under the
new name. Above the first appearance of each field it says what the field is; after every value,
its unit, what it allows and its default, then where the value comes from: *yours* (a fact of
your alliance to replace), a clause of the documents, a setting, or ``assumption: why`` (the
built-in's own reason where it gives one). What is marked ``assumption`` is what
``alliance-sim assumptions`` lists and sensitivity analysis samples, so a value you replace with
a fact of your alliance should lose that word.
"""

from __future__ import annotations

import datetime as dt
import textwrap

from ..config.assumptions import FIXED, inline_comments, rule_for, written
from ..config.fields import Spec, Value, toml_key, toml_value, values
from ..config.loading import load_scenario, read_scenario_file
from ..config.scenario import Scenario
from ..config.vocabulary import ASSUMED, SETTING, YOURS
from .reference import default_text

WIDTH = 99

HEADER = """\
# {name}: a scenario file of alliance-sim,
# written by `alliance-sim new {name} --like {like}`.
#
# Every field of the built-in '{like}' is written out under the new name: replace the parties,
# their budgets, sectors, home bodies and delegated authority, the term and the board with your
# own, and say in [risk.scheme] whether your alliance has a risk/reward scheme ("agreed" with its
# shares, "negotiated" early, or "none"). A transition period, and the escalation when its
# deadline is missed, come only with a scenario.transition_end.
# The comment after a value is the built-in's reason for it: replace it with yours.
# Above a field's first appearance: what it is. After each value: its unit, what it allows and
# its default; then where the value comes from: "yours" (a fact of your alliance: replace it),
# a clause of the documents, "a setting" (a choice to compare), or "assumption: why". Values
# marked assumption are what `alliance-sim assumptions` lists and sensitivity analysis varies:
# when you put a fact of your alliance in their place, write where it comes from instead.
#
# Money is in £ millions (£250k is 0.25), time in days (day 0 is scenario.start), dates are
# YYYY-MM-DD; an optional field is unset with "none". Check the file with
#     alliance-sim check {name}.toml
# Every field is described in docs/SCENARIO.md (`alliance-sim schema` gives editors a schema).
"""


def _inline(spec: Spec, value: Value, comment: str, data: dict, given: bool) -> str:
    """The comment after a value: unit, allowed values and default, then its basis."""
    facts = [spec.unit, spec.allowed()]
    default = default_text(spec)
    if default == "required":
        facts.append("required")
    elif default != "see below":
        facts.append(f"default {default}")
    head = "; ".join(f for f in facts if f)
    if not comment:
        comment = _basis(spec, value, data, given)
    return f"{head} | {comment}" if head else comment


def _basis(spec: Spec, value: Value, data: dict, given: bool) -> str:
    """Where a value comes from when the built-in file says nothing of it (``given``: the file
    writes the value, without a comment)."""
    rule = rule_for(value.path)
    source = spec.source
    if given and source != YOURS:
        return "as the built-in gives it"
    if rule is not None and rule.when is not None and not rule.when(data, value.path):
        return "alliance-sim's default, not in use in this scenario"
    quantity = isinstance(value.value, int | float) and not isinstance(value.value, bool)
    if rule is not None and rule.kind != FIXED and quantity and rule.bounds is not None:
        low, high = rule.bounds(float(value.value))
        if low == high:  # e.g. a rate of nothing: there is nothing to assume
            return "alliance-sim's default, not in use in this scenario"
    if rule is not None and rule.kind != FIXED and source != YOURS:
        return f"assumption: alliance-sim's default; {rule.why}"
    if source == YOURS:
        return "yours"
    if source == SETTING:
        return "a setting"
    if source == ASSUMED or rule is not None:
        why = rule.why if rule is not None else "the documents give none"
        return f"assumption (listed, not sampled): {why}"
    return f"the documents: {source}" if source else "a setting"


def table_header(table: str, arrays: set[str]) -> str:
    """The TOML header of a concrete table path: ``[parties.council.authority]``, or
    ``[[risk.levels]]`` for an item of an array of tables."""
    parts = table.split(".")
    shown = [p for p in parts if not p.isdigit()]
    name = ".".join(toml_key(p) for p in shown)
    if parts[-1].isdigit() and ".".join(parts[:-1]) in arrays:
        return f"[[{name}]]"
    return f"[{name}]"


def by_table(scenario: Scenario) -> dict[str, list[Value]]:
    """A scenario's values grouped under their tables, each table once, in file order: TOML
    needs a table's values together, before any of its sub-tables."""
    tables: dict[str, list[Value]] = {}
    for leaf in values(scenario):
        tables.setdefault(leaf.path.rpartition(".")[0], []).append(leaf)
    return tables


def write(name: str, like: str = "nhse-template") -> str:
    """The text of a new scenario file called ``name``, with every field of ``like``."""
    file = read_scenario_file(like)
    scenario = load_scenario(file)
    data = scenario.model_dump()
    data["scenario"] = {
        **data["scenario"],
        "name": name,
        "title": f"{name} (written from {like}: describe your alliance)",
        "description": "",
        "sources": [],
    }
    scenario = Scenario.model_validate(data)
    data = scenario.model_dump(mode="json")
    comments = inline_comments(file.text)
    for kept in ("scenario.name", "scenario.title", "scenario.description", "scenario.sources"):
        comments.pop(kept, None)
    tables = by_table(scenario)
    arrays = {path.rpartition(".")[0] for path in tables if path.rpartition(".")[2].isdigit()}
    lines = [HEADER.format(name=name, like=like)]
    described: set[str] = set()
    # a table's values are grouped under its header before any of its sub-tables, as TOML
    # requires: each table is first met at its first value, before the sub-tables of its model
    for table, leaves in tables.items():
        lines.append("")
        lines.append(table_header(table, arrays))
        for leaf in leaves:
            spec = leaf.spec
            if spec.path not in described:
                described.add(spec.path)
                about = spec.description[:1].upper() + spec.description[1:].rstrip(".")
                lines += textwrap.wrap(
                    f"{about}.", WIDTH, initial_indent="# ", subsequent_indent="# "
                )
            value = toml_value(leaf.value)
            if isinstance(leaf.value, dt.date):
                value = leaf.value.isoformat()
            key = toml_key(spec.name)
            given = written(file.data, leaf.path)
            inline = _inline(spec, leaf, comments.get(leaf.path, ""), data, given)
            lines.append(f"{key} = {value}  # {inline}")
    return "\n".join(lines).rstrip() + "\n"
