"""Assumptions as data: every number of a scenario that the documents do not give, with its range.

The scenario files mark such fields with a comment ``# assumption: ...`` (a weights table is marked
once by ``# assumption (all values): ...``), and a few defaults of :mod:`alliance_sim.config` are
assumptions by their own docstring (the economics of an activity shift, 001 §34 gives only the
direction). This module turns both into a registry: for each field its dotted path, its default as
validated, a plausible low and high with the reason for that width, and the reason it is an
assumption (the file's own comment).

Ranges come from :data:`RULES`, one rule per *family* of fields (e.g. ``parties.*.loss_aversion``:
every party's loss aversion). A family is also what Morris screening moves as one group, so that
"all assumptions" of a thirteen-party alliance are screened in tens, not hundreds, of steps.

Fields that are not quantities are listed but never sampled (``kind = "fixed"``): text and lists
(a sector, excluded categories, the default pool split) are categories to compare as design
factors in ``[factors]``; dates (``scenario.start``/``end``) are varied through
``experiment.horizon_days``; a pair such as a stream's ``magnitude_m`` range through a factor
bundle. A boolean (``board.mandate_covers_amendments``) is sampled as a two-level factor: a unit
value below one half means false.
"""

from __future__ import annotations

import collections
import datetime as dt
import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError

REAL, INTEGER, BOOLEAN, FIXED = "real", "integer", "boolean", "fixed"

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r'^\s*("[^"]+"|[A-Za-z0-9_-]+)\s*=\s*(.*)$')


@dataclass(frozen=True)
class Marked:
    """A field a scenario file marks as an assumption, and the comment that says why."""

    path: str
    reason: str


def marked_fields(text: str) -> list[Marked]:
    """Fields marked ``# assumption:`` in a scenario file's text, as dotted paths.

    A line ``key = value  # ... assumption: why`` inside ``[table]`` marks ``table.key``; a comment
    line ``# assumption (all values): why`` marks every key of its table; items of ``[[array]]``
    tables are addressed by index (``risk.levels.0.min_score``).
    """
    table, counts, table_reason = "", collections.Counter(), ""
    out: list[Marked] = []
    for line in text.splitlines():
        header = _HEADER.match(line)
        if header:
            name = header.group(2).strip()
            if header.group(1) == "[[":
                table = f"{name}.{counts[name]}"
                counts[name] += 1
            else:
                table = name
            table_reason = ""
            continue
        stripped = line.strip()
        if stripped.startswith("#"):
            if "assumption (all values):" in stripped:
                table_reason = stripped.split("assumption (all values):", 1)[1].strip()
            continue
        key = _KEY.match(line)
        if not key:
            continue
        comment = line.split("#", 1)[1] if "#" in key.group(2) else ""
        name = key.group(1).strip('"')
        path = f"{table}.{name}" if table else name
        if "assumption:" in comment:
            out.append(Marked(path, comment.split("assumption:", 1)[1].strip()))
        elif table_reason:
            out.append(Marked(path, table_reason))
    return out


Bounds = Callable[[float], tuple[float, float]]


def scaled(low: float, high: float, floor: float = 0.0, ceiling: float = float("inf")) -> Bounds:
    """A range proportional to the default: ``default*low .. default*high``, clipped."""
    return lambda d: (max(floor, d * low), min(ceiling, d * high))


def around(delta: float, floor: float = 0.0, ceiling: float = 1.0) -> Bounds:
    """``default ± delta``, clipped to the field's own limits."""
    return lambda d: (max(floor, d - delta), min(ceiling, d + delta))


def between(low: float, high: float) -> Bounds:
    """The same absolute range whatever the default."""
    return lambda d: (low, high)


@dataclass(frozen=True)
class Rule:
    """How wide a family of assumptions may plausibly be, and why."""

    family: str  # dotted pattern, ``*`` for one path segment
    kind: str
    bounds: Bounds | None
    why: str
    always: bool = False  # a config default that is an assumption even where no file marks it


R = Rule
#: One rule per family of assumed fields; order matters only for readability.
RULES: tuple[Rule, ...] = (
    R("scenario.start", FIXED, None, "a date: vary the term with experiment.horizon_days"),
    R("scenario.end", FIXED, None, "a date: vary the term with experiment.horizon_days"),
    R("board.cadence_days", INTEGER, between(14, 56), "fortnightly to two-monthly boards"),
    R("board.first_meeting_day", INTEGER, between(0, 42), "first board in the first six weeks"),
    R("board.notice_days", INTEGER, between(5, 28), "one working week to four weeks' notice"),
    R(
        "board.mandate_covers_amendments",
        BOOLEAN,
        between(0, 1),
        "000 §3.2 and 002 §5.4 leave it open: both readings are plausible",
    ),
    R(
        "board.commissioner_headroom_share",
        REAL,
        between(0.0, 0.02),
        "000 §3.3 c forbids only 'further monies': how much headroom the agreed contract values "
        "leave is open, from none to two per cent of the commissioners' budgets a year",
        always=True,
    ),
    R("parties.*.sector", FIXED, None, "a category: compare sectors as a design factor"),
    R("parties.*.membership", FIXED, None, "a design choice: compare it in [factors]"),
    R("parties.*.home_body.name", FIXED, None, "a name, not a quantity"),
    R(
        "parties.*.authority.excluded_categories",
        FIXED,
        None,
        "a list of categories: compare delegations as a factor bundle",
    ),
    R(
        "parties.*.budget_m",
        REAL,
        scaled(0.8, 1.25),
        "budgets in scope are order-of-magnitude estimates: a fifth either way",
    ),
    R(
        "parties.*.risk_tolerance_m",
        REAL,
        scaled(0.5, 2.0),
        "no document gives risk appetite in £: half to twice the estimate",
    ),
    R(
        "parties.*.loss_aversion",
        REAL,
        scaled(0.75, 1.33, floor=1.0),
        "a quarter either way, never below 1 (losses loom at least as large as gains)",
    ),
    R(
        "parties.*.best_for_service",
        REAL,
        around(0.15),
        "±0.15 on the 0-1 scale: the documents say only more or less aligned",
    ),
    R(
        "parties.*.weights.*",
        REAL,
        around(0.2),
        "priorities are judgements: ±0.2 on the 0-1 scale, one step of a five-point scale",
    ),
    R(
        "parties.*.authority.threshold_m",
        REAL,
        scaled(0.5, 2.0),
        "delegated limits are not published: half to twice the estimate",
    ),
    R(
        "parties.*.home_body.cadence_days",
        INTEGER,
        scaled(0.75, 1.5, floor=14),
        "calendars vary: three quarters to one and a half times the usual interval",
    ),
    R(
        "parties.*.home_body.first_meeting_day",
        INTEGER,
        around(14, floor=0, ceiling=120),
        "a staggered calendar: two weeks either way",
    ),
    R(
        "parties.*.home_body.notice_days",
        INTEGER,
        scaled(0.5, 2.0, floor=3),
        "papers circulated half to twice as far ahead",
    ),
    R(
        "parties.*.home_body.own_interest_bias",
        REAL,
        around(0.2),
        "±0.2: the documents say only that a home body's view 'may differ'",
    ),
    R(
        "stream.kinds.*.rate_per_year",
        REAL,
        scaled(0.5, 2.0),
        "no document gives arrival rates: half to twice",
    ),
    R("stream.kinds.*.magnitude_m", FIXED, None, "a pair (low, high): vary it as a factor bundle"),
    R(
        "stream.conflict_share",
        REAL,
        between(0.0, 0.25),
        "002 §6.1 gives no frequency: from no conflicts to one matter in four",
    ),
    R(
        "stream.economics.commissioner_saving",
        REAL,
        between(0.15, 0.35),
        "tariff saved net of reinvestment, a tenth either way",
        always=True,
    ),
    R(
        "stream.economics.acute_margin_loss",
        REAL,
        between(0.08, 0.25),
        "acute contribution margins run from under a tenth to a quarter",
        always=True,
    ),
    R(
        "stream.economics.community_margin_gain",
        REAL,
        between(0.02, 0.10),
        "community margins are thin",
        always=True,
    ),
    R(
        "stream.economics.social_care_uplift",
        REAL,
        between(0.10, 0.30),
        "001 §55 fears demand shifted onto the council; no figure: half to one and a half times",
        always=True,
    ),
    R(
        "stream.economics.vcse_gain",
        REAL,
        between(0.0, 0.05),
        "from no prevention grants to two and a half times the default",
        always=True,
    ),
    R(
        "stream.economics.ambulance_income_loss",
        REAL,
        between(0.0, 0.1),
        "001 §22, 37: avoided conveyances cost the ambulance trust income; no figure: none to five "
        "times the default",
        always=True,
    ),
    R(
        "stream.economics.capitation_relief",
        REAL,
        between(0.0, 1.0),
        "001 §30: capitation pays for outcomes, not treatments; how much of the lost activity "
        "income it removes is open: none to all",
        always=True,
    ),
    R("risk.scheme.day", INTEGER, between(0, 182), "004 p.15 'early': from day one to six months"),
    R(
        "risk.scheme.deadline_days",
        INTEGER,
        between(91, 365),
        "no document gives a time to agree a scheme: one quarter to a year",
    ),
    R(
        "stream.economics.capitation_horizon_years",
        REAL,
        between(0.5, 2.5),
        "001 §30, 43a give no horizon for valuing a capitated budget: from half a year of "
        "expected shifts to half a three-year term",
        always=True,
    ),
    R(
        "stream.economics.outcome_value",
        REAL,
        between(0.25, 0.65),
        "a £-equivalent of service users' value is contested: ±0.2",
        always=True,
    ),
    R(
        "stream.economics.uncertainty",
        REAL,
        between(0.2, 0.5),
        "001 §33: risk 'difficult to assess'; sd a fifth to a half of the mean",
        always=True,
    ),
    R("risk.period_days", INTEGER, between(30, 182), "monthly to half-yearly KPI reporting"),
    R("risk.default_split", FIXED, None, "a rule, not a quantity: compare splits as a factor"),
    R(
        "risk.combine",
        FIXED,
        None,
        "a rule, not a quantity: compare average and weakest as a factor",
    ),
    R(
        "risk.demand_growth",
        REAL,
        between(0.0, 0.01),
        "no growth to 1% a year of budgets in scope",
    ),
    R(
        "risk.participation_cost_m",
        REAL,
        scaled(0.5, 2.0),
        "a quarter to one FTE of senior time a year",
    ),
    R(
        "risk.participation_cost_max_share",
        REAL,
        between(0.02, 0.5),
        "a small body's cost of a seat at the board: from 2% to half of its budget in scope",
    ),
    R(
        "risk.associate_cost_share",
        REAL,
        between(0.2, 0.7),
        "associates attend and speak (001 §35): a fifth to most of a member's cost",
    ),
    R(
        "risk.funding_shocks_per_year",
        REAL,
        between(0.1, 0.5),
        "one policy shock every ten to every two years",
    ),
    R("risk.funding_shock_share", REAL, scaled(0.5, 2.0), "half to twice the mean cost"),
    R(
        "membership.council_response_to_refusal",
        FIXED,
        None,
        "a choice between two rights (001 §39): compare it as a factor",
    ),
    R(
        "membership.withdraw_below_tolerances",
        REAL,
        between(1.0, 4.0),
        "a member leaves after a loss of one to four times its tolerance",
    ),
    R(
        "host.admin_cost_m",
        REAL,
        between(0.0, 1.0),
        "002 §6.4 gives no sum: from nothing to a larger programme office",
    ),
    R("host.recovery", FIXED, None, "a rule, not a quantity: compare splits as a factor"),
    R(
        "membership.resign_below_tolerances",
        REAL,
        between(2.0, 8.0),
        "a partner resigns (002 §6.6) after a loss of two to eight times its tolerance",
    ),
    R(
        "membership.resignation_notice_days",
        INTEGER,
        between(30, 182),
        "one to six months' notice (002 §6.6 states none; 001 §39, 42 give one and three)",
    ),
    R(
        "membership.removal_after_stalemates",
        INTEGER,
        between(2, 6),
        "a removal proposed after two to six matters a partner's blocks stalemated (002 §6.7)",
    ),
    R(
        "term.extension_years",
        REAL,
        between(1.0, 5.0),
        "an extension of one to five years (001 §40 offers seven, 002 §2.2 gives no length)",
    ),
    R(
        "term.extension_considered_days",
        INTEGER,
        between(91, 365),
        "considered three months to a year before the end (002 §2.2: at least six months)",
    ),
    R(
        "term.dispute_after_stalemates",
        INTEGER,
        between(1, 5),
        "a dispute after one to five stalemates between the same members (002 §6.3)",
    ),
    R(
        "term.force_majeure_per_year",
        REAL,
        between(0.0, 0.05),
        "no basis in the documents: from none to one event in twenty years (002 §6.2)",
    ),
    R("trust.initial", REAL, between(0.3, 0.8), "from wary to established partners (004 p.15)"),
    R("trust.agree_gain", REAL, between(0.01, 0.04), "half to twice the default"),
    R("trust.block_loss", REAL, between(0.015, 0.06), "half to twice the default"),
    R("trust.unshared_loss", REAL, between(0.01, 0.04), "half to twice the default"),
    R("trust.min_concession", REAL, between(0.25, 0.75), "a quarter to three quarters of the way"),
    R(
        "trust.rep_turnover_per_year",
        REAL,
        between(0.05, 0.30),
        "a representative serves ~3 to ~20 years",
    ),
    R("trust.reset_share", REAL, between(0.25, 0.75), "a new representative keeps 1/4 to 3/4"),
    R("escalation.extension_days", INTEGER, between(91, 365), "three months to a year"),
    R("escalation.decision_days", INTEGER, between(42, 182), "six weeks to six months"),
    R(
        "escalation.continuation_value_m",
        REAL,
        scaled(0.5, 2.0),
        "half to twice a year of agreed business",
    ),
)

CONFIG_REASON = (
    "a default of alliance_sim/config/stream.py; the documents give the direction of the effect, "
    "not its size (001 §34, 55)"
)


@dataclass(frozen=True)
class Assumption:
    """One assumed field: where it is, its value in the scenario and its plausible range."""

    path: str
    family: str
    kind: str
    default: Any
    low: float | None
    high: float | None
    why_range: str
    reason: str

    @property
    def sampled(self) -> bool:
        return self.kind != FIXED

    def value(self, unit: float) -> Any:
        """The field's value at ``unit`` in [0, 1] of its range (what a sampler draws)."""
        if self.kind == BOOLEAN:
            return bool(unit >= 0.5)
        x = self.low + unit * (self.high - self.low)
        return int(round(x)) if self.kind == INTEGER else float(x)

    def contains_default(self) -> bool:
        if not self.sampled:
            return True
        default = float(self.default)
        return self.low <= default <= self.high


@dataclass(frozen=True)
class Registry:
    """The assumptions of one scenario, in file order then config defaults."""

    scenario: str
    entries: tuple[Assumption, ...]

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def sampled(self) -> list[Assumption]:
        return [a for a in self.entries if a.sampled]

    def families(self) -> dict[str, list[Assumption]]:
        """Sampled assumptions by family, in order of first appearance."""
        out: dict[str, list[Assumption]] = {}
        for a in self.sampled():
            out.setdefault(a.family, []).append(a)
        return out

    def get(self, path: str) -> Assumption:
        for a in self.entries:
            if a.path == path:
                return a
        raise KeyError(path)


def rule_for(path: str) -> Rule | None:
    parts = path.split(".")
    for rule in RULES:
        pattern = rule.family.split(".")
        if len(pattern) == len(parts) and all(
            fnmatch.fnmatchcase(p, q) for p, q in zip(parts, pattern, strict=True)
        ):
            return rule
    return None


def family_of(rule: Rule) -> str:
    """The Morris group of a rule: weights of all parties screen as one family."""
    return (
        rule.family.removesuffix(".*")
        if rule.family.startswith("parties.*.weights")
        else (rule.family)
    )


def _lookup(data: Any, path: str) -> Any:
    node = data
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def scenario_text(name_or_path: str | Path) -> tuple[str, str]:
    """The source name and TOML text of a built-in scenario or a scenario file."""
    from .loading import builtin_names

    name = str(name_or_path)
    if name in builtin_names():
        resource = resources.files("alliance_sim").joinpath("scenarios", f"{name}.toml")
        return f"built-in scenario '{name}'", resource.read_text(encoding="utf-8")
    path = Path(name)
    try:
        return str(path), path.read_text(encoding="utf-8")
    except OSError:
        raise InputError(
            f"{name}: no such scenario file, and not a built-in scenario; built-in scenarios are "
            f"{builtin_names()}."
        ) from None


def build_registry(name_or_path: str | Path) -> Registry:
    """The registry of a scenario: every marked field plus the config defaults that are assumed."""
    from .loading import load_scenario

    source, text = scenario_text(name_or_path)
    data = load_scenario(name_or_path).model_dump(mode="json")
    entries: list[Assumption] = []
    seen: set[str] = set()
    for mark in marked_fields(text):
        rule = rule_for(mark.path)
        if rule is None:
            raise InputError(
                f"{source}: field `{mark.path}` is marked `assumption:` but no rule in "
                "alliance_sim/config/assumptions.py RULES says how wide it may be; add one."
            )
        entries.append(_entry(mark.path, rule, _lookup(data, mark.path), mark.reason))
        seen.add(mark.path)
    for rule in RULES:
        if rule.always and rule.family not in seen:
            entries.append(_entry(rule.family, rule, _lookup(data, rule.family), CONFIG_REASON))
    return Registry(str(name_or_path), tuple(entries))


def _entry(path: str, rule: Rule, default: Any, reason: str) -> Assumption:
    if isinstance(default, dt.date | str | list | dict) or rule.kind == FIXED:
        return Assumption(path, family_of(rule), FIXED, default, None, None, rule.why, reason)
    if rule.kind == BOOLEAN:
        return Assumption(path, family_of(rule), BOOLEAN, default, 0.0, 1.0, rule.why, reason)
    low, high = rule.bounds(float(default))
    if rule.kind == INTEGER:
        low, high = float(round(low)), float(round(high))
    return Assumption(path, family_of(rule), rule.kind, default, low, high, rule.why, reason)


def format_table(registry: Registry, width: int = 60) -> str:
    """The registry as a plain-text table for the terminal."""
    rows = [("path", "default", "low", "high", "kind", "why this range / why assumed")]
    for a in registry:
        low = "" if a.low is None else f"{a.low:g}"
        high = "" if a.high is None else f"{a.high:g}"
        default = a.default if not isinstance(a.default, float) else f"{a.default:g}"
        why = f"{a.why_range}; {a.reason}" if a.reason else a.why_range
        rows.append((a.path, str(default), low, high, a.kind, why[:width]))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for r in rows:
        lines.append(
            "  ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=True)) + "  " + r[5]
        )
    families = registry.families()
    lines.append(
        f"\n{len(registry)} assumptions, {len(registry.sampled())} sampled in "
        f"{len(families)} families (Morris groups); {len(registry) - len(registry.sampled())} "
        "fixed (categories, dates, lists: compare them as design factors)."
    )
    return "\n".join(lines)
