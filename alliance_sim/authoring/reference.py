"""The reference of every scenario field: ``docs/SCENARIO.md`` and the JSON Schema.

Read from the validated models themselves (``fields.py``) and the assumptions registry, which
knows the plausible range of every assumed quantity (``assumptions.RULES``). A test keeps
``docs/SCENARIO.md`` current; ``alliance-sim schema`` prints the JSON Schema for editors that
complete and check TOML.
"""

from __future__ import annotations

from pydantic import BaseModel

from ..config.assumptions import FIXED, rule_for
from ..config.fields import NAMED, Spec, model_of, number_text, registry_names, specs, toml_value
from ..config.scenario import Scenario
from ..config.vocabulary import ASSUMED, SETTING, YOURS


def basis(spec: Spec) -> str:
    """Where the default comes from: your alliance, a clause, a setting, or an assumption
    with its plausible range (``assumptions.RULES``)."""
    rule = rule_for(spec.path)
    if spec.source == YOURS:
        assumed = f" (where you must assume it: {rule.why})" if rule is not None else ""
        return f"your alliance{assumed}"
    if rule is not None and rule.kind != FIXED:
        default = spec.default()
        span = ""
        if isinstance(default, int | float) and rule.bounds is not None:
            low, high = rule.bounds(float(default))
            if rule.kind == "integer":
                low, high = round(low), round(high)
            # a range relative to a zero default says nothing; its reason says how it scales
            if low != high:
                span = f", plausible {number_text(low)} to {number_text(high)}"
            if rule.kind == "boolean":
                span = ", either value"
        return f"assumption{span}: {rule.why}"
    source = spec.source
    if source == YOURS:
        return "your alliance"
    if source == SETTING:
        return "a setting (a choice to compare)"
    if source == ASSUMED or rule is not None:
        why = f": {rule.why}" if rule is not None else ""
        return f"assumption, not sampled{why}"
    if source:
        return f"the documents: {source}"
    return ""


# -- docs/SCENARIO.md ------------------------------------------------------------------------------
def default_text(spec: Spec) -> str:
    if spec.required:
        return "required"
    if "x-default" in spec.extra:
        return str(spec.extra["x-default"])
    default = spec.default()
    if (
        isinstance(default, dict)
        and default
        and all(isinstance(v, BaseModel) for v in default.values())
    ):
        return "see below"
    if isinstance(default, tuple) and default and isinstance(default[0], BaseModel):
        return f"{len(default)} entries"
    return toml_value(default)


def _keyed_defaults(spec: Spec) -> str:
    """For a field of a table of models by key with defaults (``stream.kinds``): each key's."""
    parent_path, _, field = spec.path.rpartition(".*.")
    if not parent_path:
        return ""
    for parent in specs():
        if parent.path == parent_path and not parent.required:
            default = parent.default()
            if isinstance(default, dict) and default:
                return "; ".join(
                    f"{getattr(k, 'value', k)} {toml_value(getattr(v, field))}"
                    for k, v in default.items()
                )
    return ""


INTRO = """\
# Scenario reference

Every field a scenario file (TOML) may hold: its type and allowed values, its unit, its default,
and where the default comes from: **your alliance** (a fact no default can know: give it), **the
documents** (a clause of the agreements in `../shared/seeds/`), **a setting** (a switch of the
model, or a design choice to compare in an experiment) or an **assumption** (no document gives
it; the plausible range is the one sensitivity analysis samples, `alliance-sim assumptions`).

Generated from the validated models in `alliance_sim/config/` by
`python -m alliance_sim.authoring.reference > docs/SCENARIO.md`; a test fails if it is stale.

## Writing a scenario file

- Start from `alliance-sim new my-alliance` (a copy of the generic `nhse-template`, every field
  written out and commented), or `--like mid-notts` and the other built-ins
  (`alliance-sim scenarios`). Check it with `alliance-sim check my-alliance.toml`: it prints the
  effective scenario (what each default became) and warns about what looks wrong.
- Money is in **£ millions** (`*_m` fields): £250k is `0.25`, £1.2bn is `1200`. Time is in
  **days**; `*_day` fields count days from `scenario.start` (day 0). Dates are written
  `2021-04-01`, without quotes. Shares and weights run from 0 to 1.
- `[parties.<key>]`: the key (`council`, `acute`) is yours; it names the party in `--set`
  overrides and experiment factors (`parties.council.membership`), and every table, narrative
  and figure shows the party's `name`.
- An optional field is unset with `none` (`transition_end = "none"`, or
  `--set scenario.transition_end=none`).
- A comment `# assumption: why` after a value marks it as an assumption (`# assumption why` and
  `# Assumption - why` work too); `# assumption [0.1, 0.3]: why` also gives its plausible range,
  where the registry has none. A comment line `# assumption (all values): why` marks every field
  of its table.
- Relative paths: an experiment's `scenario = "my-alliance.toml"` is read relative to the
  experiment file's folder; a path on the command line, relative to where you run the command.
- Editors: `alliance-sim schema > alliance-sim.schema.json`, then a first line
  `#:schema ./alliance-sim.schema.json` lets a TOML editor (e.g. Taplo, *Even Better TOML*)
  complete field names and check values as you type.
"""


WALKTHROUGH = """\
## New-user walk-through

Two walk-throughs, each modelling a fictional alliance from the README and this page and asking
whether the council should join as a full member or an associate. An engineer of the project
("Harbourside": an ICB place team, the city council, an acute trust, a mental-health trust and a
hospice; four years) took about 15 minutes from `new` to an answer. Someone who had not read the
code ("Harbour Bay": a CCG, the county council with £200k of authority and a 6-weekly committee,
an acute trust, a community and mental-health trust and a voluntary-sector body; four years; a
scheme agreed at the start, shared by budgets) had a validated scenario within a minute of
starting to edit and the answer, with intervals, under 3 minutes later (80 replications a
design). What they stumbled on, and what to do:

- **Dropping a party** means deleting all four of its tables (`[parties.<key>]`, `.weights`,
  `.authority`, `.home_body`); anything else that names its key (`risk.scheme.shares`,
  `host.party`, `stream.admission_subjects`, `trust.relationships`) must go too, and `check` names
  what still does. Adding one: copy a similar party's four tables under a new key.
- **The comments after values are the built-in's reasons**, written for its own numbers (a
  threshold "the largest business the alliance draws ... 1% of the £621m in scope" stops being
  true when your budgets differ). When you replace a value, replace its comment with where your
  figure comes from; keep the word `assumption` only if it still is one, so that `alliance-sim
  assumptions` and sensitivity analysis vary what is really unknown. Any comment that contains the
  word `assumption` marks its value as one, even after your own note.
- **Who refers to a home body is yours to set.** In the template only the council's representative
  refers (the others hold authority above any matter and exclude no category), so time to
  decision hangs on the council alone. If your partners must take business to their own boards,
  give them an `authority.threshold_m` and `authority.excluded_categories` of their own.
- **Your risk/reward scheme**: `[risk.scheme]` says whether there is one and how it comes about.
  `status = "agreed"` with `shares = { ccg = 0.5, council = 0.2, acute = 0.3 }` (party keys, any
  scale) pools from day 0; `"negotiated"` has `proposer` table it on `day` for the board to agree
  unanimously within `deadline_days`; `"none"` pools nothing; `"transition"` only with a
  `scenario.transition_end`. A transition period (and the escalation that follows a missed
  deadline, 001 §40) happens only when `scenario.transition_end` is given. Switching the template
  from `"negotiated"` to `"agreed"` takes the scheme out of the business, and with it the largest
  matter the template's £6.5m authority limits were sized to: `check` then warns that a limit is
  above any matter; set your own.
- **What can end your alliance early.** Survival falls below 100% only through what the file
  provides: a missed `scenario.transition_end` and its escalation (001 §40-41), members leaving
  (`membership.leaving`), removal (`membership.removal_after_stalemates`), disputes
  (`term.dispute_after_stalemates`) or force majeure (`term.force_majeure_per_year`). With none
  of them, as in the template, survival is 100% by construction and a difference in it means
  nothing.
- **Why unanimity may never stall.** A service change's terms include transition funding, paid by
  the commissioners to the party a shift costs (the council, or the community provider); the
  chair proposes terms every member prefers whenever they exist, so where the commissioners can
  pay a blocker enough, nothing stalemates and the cost shows in their net position instead.
- **A party with two kinds of service** (a community and mental-health trust) has one `sector`:
  choose its larger part, since the sector sets the party's role in each shift of activity.
- **The experiment needs a `question`** for its answer to come first (`question = "Should the
  council join as a full member or as an associate?"`); its `scenario` path is relative to the
  experiment file's folder, and results go to `results/<name>/` under the folder you run it from
  (or `--out DIR`).
- **Reading the answer**: the net position is money over the whole term (£m), "bears N% of all the
  parties' losses" is its share of every loss any party made, and paired differences compare the
  designs on the same simulated futures; [GLOSSARY.md](GLOSSARY.md) defines each measure and unit.
- Fixed after the walk-through: `check` printed a table's header again after its sub-tables and
  wrote array items as `[risk.levels.0]` (it now prints each table once, as TOML); the
  differences table printed `-0.0 pp`; figures labelled designs "membership: full" without the
  party (they now name it); `amendment_step` was described as a share 0-1 though it allows up to 2.
"""


def markdown() -> str:
    """``docs/SCENARIO.md``: one table per section, one row per field."""
    lines = [INTRO, WALKTHROUGH]
    sections: dict[str, list[Spec]] = {}
    titles: dict[str, str] = {}
    for spec in specs():
        sub, how = model_of(spec.annotation)
        if sub is not None:
            key = spec.path if how == "table" else f"{spec.path}.*"
            titles[key] = spec.description
            continue
        section = spec.path.rpartition(".")[0] or "(top level)"
        sections.setdefault(section, []).append(spec)
    for section, rows in sections.items():
        shown = _toml_header(section)
        lines.append(f"## `{shown}`\n")
        if titles.get(section):
            lines.append(titles[section][0].upper() + titles[section][1:] + ".\n")
        lines.append("| field | type, allowed values | unit | default | from | what it is |")
        lines.append("|---|---|---|---|---|---|")
        for spec in rows:
            kind = spec.kind()
            allowed = spec.allowed()
            default = default_text(spec)
            if default == "see below":
                default = "by kind"
            keyed = _keyed_defaults(spec)
            what = spec.description
            if keyed:
                what += f". Defaults by kind: {keyed}"
            cells = [
                f"`{spec.name}`",
                kind + (f"; {allowed}" if allowed else ""),
                spec.unit,
                f"`{default}`"
                if default not in ("required", "by kind") and "x-default" not in spec.extra
                else default,
                basis(spec),
                what,
            ]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _toml_header(section: str) -> str:
    """How a file writes the table a section's fields sit in: ``[parties.<key>.authority]``,
    ``[[risk.levels]]``."""
    if section == "(top level)":
        return section
    arrays = {s.path for s in specs() if model_of(s.annotation)[1] == "array"}
    parts = section.split(".")
    shown, path = [], ""
    for part in parts:
        path = f"{path}.{part}" if path else part
        if part == "*":
            if path[:-2] in arrays:
                continue
            shown.append("<key>")
        else:
            shown.append(part)
    text = ".".join(shown)
    return (
        f"[[{text}]]"
        if section.removesuffix(".*") in arrays and section.endswith(".*")
        else f"[{text}]"
    )


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


# -- JSON Schema ---------------------------------------------------------------------------------
def json_schema() -> dict:
    """The scenario's JSON Schema: pydantic's, with the registries' names as enums (a party's
    kind, the decision rule) and ``"none"`` allowed wherever a field is optional."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "alliance-sim scenario"
    schema["description"] = (
        "A scenario file of alliance-sim (TOML). Money in £m, time in days; see docs/SCENARIO.md."
    )
    defs = schema.get("$defs", {})
    for path, (_, registry_name) in NAMED.items():
        model_name = {"board": "Board", "parties": "Party", "matters": "MatterSpec"}[
            path.split(".")[0]
        ]
        prop = defs.get(model_name, {}).get("properties", {}).get(path.rsplit(".", 1)[-1])
        if prop is None:
            continue
        names = list(registry_names(registry_name))
        if prop.get("type") == "array":
            prop["items"] = {"enum": names}
        elif path.startswith("matters"):
            prop["enum"] = ["", *names]
        else:
            prop["enum"] = names
    for definition in defs.values():
        for prop in definition.get("properties", {}).values():
            options = prop.get("anyOf")
            if options and {"type": "null"} in options:
                options.append({"const": "none"})
    return schema


if __name__ == "__main__":  # pragma: no cover - the docs are regenerated by hand
    import sys

    sys.stdout.write(markdown())
