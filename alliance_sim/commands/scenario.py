"""``alliance-sim new``, ``check`` and ``schema``: write your own alliance, check it, describe it.

``new NAME --like BUILT-IN`` writes every field of a built-in alliance, commented, under your
name; ``check FILE`` validates a file, prints the effective scenario (what each default became)
and warns about what is valid but suspicious; ``schema`` prints the JSON Schema editors use to
complete and check the TOML. ``simulate`` and ``run`` print the same warnings before they start.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from ..errors import InputError, shorten

WIDTH = 100


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "new",
        help="write a new scenario file, every field written out and commented",
        description="Write NAME.toml: a built-in alliance's every field under your name, each "
        "with its unit, allowed values, default and where it comes from (yours, a clause, a "
        "setting or an assumption). Replace the parties, budgets, home bodies, authority and "
        "term with your alliance's, then run `alliance-sim check NAME.toml`.",
    )
    p.add_argument("name", help="the new scenario's name; the file is NAME.toml (or NAME, if it "
                   "ends in .toml)")  # fmt: skip
    p.add_argument(
        "--like",
        default="nhse-template",
        metavar="BUILT-IN",
        help="the built-in alliance to start from (default nhse-template, a generic alliance "
        "after the NHS England template; see `alliance-sim scenarios`)",
    )
    p.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    p.set_defaults(func=new_command)

    p = sub.add_parser(
        "check",
        help="validate a scenario file, print its effective values and warn about suspicious ones",
        description="Validate a scenario (a file or a built-in name, with --set overrides), print "
        "the effective scenario (every field; '# default' marks what the file leaves to "
        "alliance-sim, '# --set' what an override gave) and warn about what is valid but "
        "suspicious: a party with no budget, a kind and sector that disagree, a delegated "
        "authority above the party's budget, a --set value orders of magnitude from the value "
        "it replaces, an assumption with no range. Exit 0, or 1 with --strict and a warning.",
    )
    p.add_argument("scenario", help="scenario TOML file or built-in name")
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a field as simulate does (repeatable)",
    )
    p.add_argument("--quiet", action="store_true", help="the warnings only")
    p.add_argument("--strict", action="store_true", help="exit 1 if there is any warning")
    p.set_defaults(func=check_command)

    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of scenario files (for editors)",
        description="Print the JSON Schema of a scenario file. Save it (alliance-sim schema > "
        "alliance-sim.schema.json) and start your file with `#:schema "
        "./alliance-sim.schema.json` for a TOML editor (Taplo, Even Better TOML) to complete "
        "fields and check values.",
    )
    p.set_defaults(func=schema_command)


def new_command(args: argparse.Namespace) -> int:
    from ..authoring.template import write
    from ..config.loading import builtin_names

    if args.like not in builtin_names():
        raise InputError(
            f"--like {shorten(args.like)}: not a built-in scenario; built-in scenarios are "
            f"{builtin_names()}."
        )
    path = Path(args.name if args.name.endswith(".toml") else f"{args.name}.toml")
    name = path.stem
    if not name or not all(c.isalnum() or c in "-_." for c in name):
        raise InputError(
            f"new {shorten(args.name)}: give a name of letters, digits, '-', '_' or '.', e.g. "
            "riverside or riverside-2024."
        )
    if path.exists() and not args.force:
        raise InputError(
            f"{path}: the file exists already; give another name, or --force to overwrite it."
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(write(name, args.like), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the file ({exc.strerror}).") from None
    print(f"Wrote {path}: every field of {args.like} under the name '{name}', commented.")
    print(f"Edit it (docs/SCENARIO.md describes every field), then: alliance-sim check {path}")
    return 0


def check_command(args: argparse.Namespace) -> int:
    from ..authoring.checks import check

    checked = check(args.scenario, args.overrides)
    s = checked.scenario
    meta = s.scenario
    print(
        f"{checked.source}: valid. {meta.title or meta.name}: {len(s.parties)} parties, term "
        f"{meta.start.isoformat()} to {meta.end.isoformat()}, board rule {s.board.rule}."
    )
    if not args.quiet:
        print("\nThe effective scenario ('# default': not in the file, alliance-sim's default):")
        print(effective_text(checked))
    registry = checked.registry
    defaults = sum(not a.written for a in registry)
    print(
        f"\nAssumptions: {len(registry)} ({defaults} of them defaults the file does not write), "
        f"{len(registry.families())} families for sensitivity analysis; "
        f"`alliance-sim assumptions {args.scenario}` lists each with its range and why."
    )
    found = checked.findings
    if not found:
        print("No warnings.")
        return 0
    print(f"{len(found)} warning(s):")
    for finding in found:
        print(_wrapped(f"- {finding}"))
    return 1 if args.strict else 0


def _wrapped(text: str) -> str:
    return "\n".join(textwrap.wrap(text, WIDTH, subsequent_indent="    "))


def effective_text(checked) -> str:
    """Every field of the validated scenario as TOML, each table once, marking what the file
    does not write."""
    from ..authoring.template import by_table, table_header
    from ..config.assumptions import written
    from ..config.fields import toml_key, toml_value

    tables = by_table(checked.scenario)
    arrays = {path.rpartition(".")[0] for path in tables if path.rpartition(".")[2].isdigit()}
    lines: list[str] = []
    for table, leaves in tables.items():
        lines.append(table_header(table, arrays))
        for leaf in leaves:
            mark = ""
            if leaf.path in checked.overrides:
                mark = "  # --set"
            elif not written(checked.raw, leaf.path):
                mark = "  # default"
            value = shorten(toml_value(leaf.value), 200)
            lines.append(f"  {toml_key(leaf.spec.name)} = {value}{mark}")
    return "\n".join(lines)


def warn(name_or_path, overrides=None) -> None:
    """Print a scenario's warnings on stderr before a command uses it (``simulate``, ``run``)."""
    from ..authoring.checks import check

    checked = check(name_or_path, overrides)
    for finding in checked.findings:
        print(_wrapped(f"alliance-sim: warning: {checked.source}: {finding}"), file=sys.stderr)
    if checked.findings:
        print(
            f"alliance-sim: `alliance-sim check {name_or_path}` explains these warnings.",
            file=sys.stderr,
        )


def schema_command(args: argparse.Namespace) -> int:
    from ..authoring.reference import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0
