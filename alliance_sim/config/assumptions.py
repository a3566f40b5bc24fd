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
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .fields import pattern_matches, values

REAL, INTEGER, BOOLEAN, FIXED = "real", "integer", "boolean", "fixed"

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r'^\s*("[^"]+"|[A-Za-z0-9_-]+)\s*=\s*(.*)$')
#: "assumption" as a word, in any case, with or without a colon, a range or "(all values)".
_MARK = re.compile(
    r"\bassumptions?\b\s*(?:\[\s*(?P<low>[-+0-9.eE]+)\s*,\s*(?P<high>[-+0-9.eE]+)\s*\])?"
    r"\s*(?P<all>\(all values\))?\s*[:;,.\-–—]*\s*",
    re.IGNORECASE,
)
_TRIPLE = ('"' * 3, "'" * 3)


@dataclass(frozen=True)
class Marked:
    """A field a scenario file marks as an assumption, the comment that says why, and the
    plausible range the comment gives (``# assumption [0.1, 0.3]: why``), if any."""

    path: str
    reason: str
    low: float | None = None
    high: float | None = None


def _comment(line: str, in_string: str) -> tuple[str, str]:
    """The comment of a TOML line (the text after a ``#`` outside strings) and the delimiter of a
    multi-line string still open at its end, so that prose in a description is never read as a
    key or a comment."""
    i = 0
    while i < len(line):
        if in_string:
            end = line.find(in_string, i)
            if end < 0:
                return "", in_string
            i, in_string = end + 3, ""
            continue
        c = line[i]
        if line.startswith(_TRIPLE, i):
            in_string = line[i : i + 3]
            i += 3
        elif c in "\"'":
            j = i + 1
            while j < len(line) and line[j] != c:
                j += 2 if c == '"' and line[j] == "\\" else 1
            i = j + 1
        elif c == "#":
            return line[i + 1 :], ""
        else:
            i += 1
    return "", in_string


def _mark(comment: str) -> tuple[str, float | None, float | None, bool] | None:
    """(reason, low, high, whole table) if the comment marks an assumption, else None."""
    match = _MARK.search(comment)
    if match is None:
        return None
    reason = comment[match.end() :].strip()
    if reason.endswith(")") and reason.count(")") > reason.count("("):
        reason = reason[:-1].rstrip()  # "(an assumption; why)": the aside's own bracket
    if not reason:
        reason = comment[: match.start()].strip(" :;,.-–—")
    low, high = match.group("low"), match.group("high")
    try:
        bounds = (float(low), float(high)) if low is not None else (None, None)
    except ValueError:
        bounds = (None, None)
    return reason, bounds[0], bounds[1], match.group("all") is not None


def _key_lines(text: str) -> Iterator[tuple[str, str, tuple | None]]:
    """Each key of a scenario file's text: its dotted path, its inline comment, and the mark of
    its table (a comment line ``# assumption (all values): why``), if any. Items of ``[[array]]``
    tables are addressed by index (``risk.levels.0.min_score``)."""
    table, counts, table_mark = "", collections.Counter(), None
    open_string = ""
    for line in text.splitlines():
        was_open = open_string
        comment, open_string = _comment(line, open_string)
        if was_open:
            continue  # a line inside a multi-line string: prose, not a key
        header = _HEADER.match(line)
        if header:
            name = header.group(2).strip()
            if header.group(1) == "[[":
                table = f"{name}.{counts[name]}"
                counts[name] += 1
            else:
                table = name
            table_mark = None
            continue
        stripped = line.strip()
        if stripped.startswith("#"):
            mark = _mark(stripped[1:])
            if mark is not None and mark[3]:
                table_mark = mark
            continue
        key = _KEY.match(line)
        if key:
            name = key.group(1).strip('"')
            yield (f"{table}.{name}" if table else name), comment.strip(), table_mark


def marked_fields(text: str) -> list[Marked]:
    """Fields marked as assumptions in a scenario file's text, as dotted paths.

    A line ``key = value  # ... assumption: why`` inside ``[table]`` marks ``table.key`` (the
    colon is optional, any case: ``# Assumption - why``); ``# assumption [low, high]: why`` also
    gives the plausible range; a comment line ``# assumption (all values): why`` marks every key of
    its table.
    """
    out: list[Marked] = []
    for path, comment, table_mark in _key_lines(text):
        mark = _mark(comment) if comment else None
        mark = mark or table_mark
        if mark is not None:
            out.append(Marked(path, mark[0], mark[1], mark[2]))
    return out


def inline_comments(text: str) -> dict[str, str]:
    """The comment written after each key of a scenario file, by dotted path; a key with none in
    a table marked ``# assumption (all values): why`` has ``assumption: why``."""
    out = {}
    for path, comment, table_mark in _key_lines(text):
        if comment:
            out[path] = comment
        elif table_mark is not None:
            out[path] = f"assumption: {table_mark[0]}"
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
    #: whether a default the file leaves is in use in this scenario (``data``: the validated
    #: scenario as JSON; ``path``: the field): a host's costs where there is no host, or the
    #: deadline of a kind of business never drawn, are no assumption the scenario makes
    when: Callable[[dict, str], bool] | None = None
    #: why it is assumed, for an ``always`` rule (default: ``CONFIG_REASON``)
    reason: str = ""


def nonzero(data: dict, path: str) -> bool:
    """In use when not zero: a zero default says the agreement has no such clause."""
    return bool(lookup(data, path))


def drawn(data: dict, path: str) -> bool:
    """A kind of business is in use when the stream draws it."""
    kind = path.split(".")[2]
    stream = data["stream"]
    if kind == "admission" and not stream["admission_subjects"]:
        return False  # no one to admit: no admission is ever proposed
    return stream["enabled"] and stream["kinds"][kind]["rate_per_year"] > 0


def hosted(data: dict, path: str) -> bool:
    return bool(data["host"]["party"])


def leaving_by(how: str) -> Callable[[dict, str], bool]:
    return lambda data, path: data["membership"]["leaving"] == how


def with_transition(data: dict, path: str) -> bool:
    return data["scenario"]["transition_end"] is not None


def negotiated(data: dict, path: str) -> bool:
    """A scheme's day and deadline matter only where the board negotiates it."""
    return data["risk"]["scheme"]["status"] == "negotiated"


def provider(data: dict, path: str) -> bool:
    return data["parties"][path.split(".")[1]]["kind"] == "provider"


def when_set(field: str) -> Callable[[dict, str], bool]:
    """In use when another field (a dotted path) is not zero."""
    return lambda data, path: bool(lookup(data, field))


R = Rule
#: One rule per family of assumed fields; order matters only for readability.
RULES: tuple[Rule, ...] = (
    R("scenario.start", FIXED, None, "a date: vary the term with experiment.horizon_days"),
    R("scenario.end", FIXED, None, "a date: vary the term with experiment.horizon_days"),
    R("board.cadence_days", INTEGER, between(14, 56), "fortnightly to two-monthly boards"),
    R("board.max_agenda", INTEGER, between(8, 16), "no document limits the agenda: 8 to 16 items"),
    R(
        "board.amendment_step",
        REAL,
        between(0.5, 1.0),
        "001 §47 asks the board to find a solution, not how fast: half to the whole way",
    ),
    R(
        "board.chair_proposes_after",
        INTEGER,
        between(2, 5),
        "001 §47 gives no number of rounds: two to five blocks before the chair decides",
    ),
    R(
        "board.smallest_amendment",
        REAL,
        between(0.001, 0.02),
        "the smallest change a board paper would show: a tenth of a percent to two percent",
    ),
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
    R(
        "parties.*.sector",
        FIXED,
        None,
        "a category: compare sectors as a design factor",
        when=provider,
    ),
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
        when=lambda data, path: data["stream"]["enabled"],
    ),
    R(
        "stream.kinds.*.magnitude_m",
        FIXED,
        None,
        "a pair (low, high): vary it as a factor bundle",
        when=drawn,
    ),
    R(
        "stream.kinds.*.deadline_days",
        INTEGER,
        scaled(0.5, 1.5, floor=30),
        "no document sets a deadline: half to one and a half times the default",
        when=drawn,
    ),
    R(
        "stream.conflict_share",
        REAL,
        between(0.0, 0.25),
        "002 §6.1 gives no frequency: from no conflicts to one matter in four",
        when=nonzero,
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
    R(
        "risk.scheme.day",
        INTEGER,
        between(0, 182),
        "004 p.15 'early': from day one to six months",
        when=negotiated,
    ),
    R(
        "risk.scheme.deadline_days",
        INTEGER,
        between(91, 365),
        "no document gives a time to agree a scheme: one quarter to a year",
        when=negotiated,
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
    R(
        "stream.economics.prohibited_share",
        REAL,
        between(0.0, 0.06),
        "000 §3.3 gives no rate of business that would breach the law: none to twice the default",
        always=True,
    ),
    R(
        "stream.economics.urgent_share",
        REAL,
        between(0.1, 0.4),
        "000 §3.5 gives no share of urgent Reserved Matters: half to twice the default",
        always=True,
        when=lambda data, path: data["stream"]["reserved_matters"],
    ),
    R("risk.period_days", INTEGER, between(30, 182), "monthly to half-yearly KPI reporting"),
    R(
        "risk.outcome_noise",
        REAL,
        between(0.5, 1.5),
        "how far realised effects stray from what each matter states (001 §33: risk 'difficult "
        "to assess'): half to one and a half times",
    ),
    R(
        "risk.levels",
        FIXED,
        None,
        "004 pp.6-8 names the KPI levels but gives no thresholds or fractions: compare schemes "
        "as a factor",
        always=True,
        reason="the KPI levels' thresholds and pooled fractions: 004 gives none",
    ),
    R(
        "risk.result_areas",
        FIXED,
        None,
        "the key result areas and their thresholds are a table: compare them as a factor",
        always=True,
        reason="which objectives each key result area covers and its thresholds (calibrated by "
        "python -m alliance_sim.calibration SCENARIO): the documents give none",
    ),
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
    R(
        "risk.funding_shock_share",
        REAL,
        scaled(0.5, 2.0),
        "half to twice the mean cost",
        when=when_set("risk.funding_shocks_per_year"),
    ),
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
        when=leaving_by("policy_change"),
    ),
    R(
        "host.admin_cost_m",
        REAL,
        between(0.0, 1.0),
        "002 §6.4 gives no sum: from nothing to a larger programme office",
        when=hosted,
    ),
    R(
        "host.recovery",
        FIXED,
        None,
        "a rule, not a quantity: compare splits as a factor",
        when=hosted,
    ),
    R(
        "membership.resign_below_tolerances",
        REAL,
        between(2.0, 8.0),
        "a partner resigns (002 §6.6) after a loss of two to eight times its tolerance",
        when=leaving_by("resignation"),
    ),
    R(
        "membership.resignation_notice_days",
        INTEGER,
        between(30, 182),
        "one to six months' notice (002 §6.6 states none; 001 §39, 42 give one and three)",
        when=leaving_by("resignation"),
    ),
    R(
        "membership.removal_after_stalemates",
        INTEGER,
        between(2, 6),
        "a removal proposed after two to six matters a partner's blocks stalemated (002 §6.7)",
        when=nonzero,
    ),
    R(
        "term.extension_years",
        REAL,
        between(1.0, 5.0),
        "an extension of one to five years (001 §40 offers seven, 002 §2.2 gives no length)",
        when=nonzero,
    ),
    R(
        "term.extension_considered_days",
        INTEGER,
        between(91, 365),
        "considered three months to a year before the end (002 §2.2: at least six months)",
        when=when_set("term.extension_years"),
    ),
    R(
        "term.dispute_after_stalemates",
        INTEGER,
        between(1, 5),
        "a dispute after one to five stalemates between the same members (002 §6.3)",
        when=nonzero,
    ),
    R(
        "term.force_majeure_per_year",
        REAL,
        between(0.0, 0.05),
        "no basis in the documents: from none to one event in twenty years (002 §6.2)",
        when=nonzero,
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
    R(
        "trust.reset_share",
        REAL,
        between(0.25, 0.75),
        "a new representative keeps 1/4 to 3/4",
        when=when_set("trust.rep_turnover_per_year"),
    ),
    R(
        "escalation.extension_days",
        INTEGER,
        between(91, 365),
        "three months to a year",
        when=with_transition,
    ),
    R(
        "escalation.decision_days",
        INTEGER,
        between(42, 182),
        "six weeks to six months",
        when=with_transition,
    ),
    R(
        "escalation.continuation_value_m",
        REAL,
        scaled(0.5, 2.0),
        "half to twice a year of agreed business",
        when=with_transition,
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
    written: bool = True  # the file gives the value (False: a default it never wrote)
    ranged: bool = True  # False: a quantity marked as assumed with no range known

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


#: Rules for a whole table (the KPI levels): every field under it is one fixed assumption.
def _table_rules() -> tuple[Rule, ...]:
    return tuple(r for r in RULES if r.kind == FIXED and r.family in ("risk.levels",
                                                                      "risk.result_areas"))  # fmt: skip


def rule_for(path: str) -> Rule | None:
    """The rule of a field, by its dotted path; a field inside a table ruled as a whole (the KPI
    levels) falls under that table's rule."""
    for rule in RULES:
        if pattern_matches(rule.family, path):
            return rule
    for rule in _table_rules():
        if path.startswith(rule.family + "."):
            return rule
    return None


def table_of(path: str) -> str:
    """The registry path of a field: a field inside a table ruled as a whole is the table."""
    for rule in _table_rules():
        if path.startswith(rule.family + "."):
            return rule.family
    return path


def family_of(rule: Rule) -> str:
    """The Morris group of a rule: weights of all parties screen as one family."""
    return (
        rule.family.removesuffix(".*")
        if rule.family.startswith("parties.*.weights")
        else (rule.family)
    )


def lookup(data: Any, path: str) -> Any:
    node = data
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def written(data: Any, path: str) -> bool:
    """Whether the file (with its overrides) gives the field at ``path`` itself."""
    try:
        lookup(data, path)
    except (KeyError, IndexError, ValueError, TypeError):
        return False
    return True


def scenario_text(name_or_path: str | Path) -> tuple[str, str]:
    """The source name and TOML text of a built-in scenario or a scenario file."""
    from .loading import read_scenario_file

    file = read_scenario_file(name_or_path)
    return file.source, file.text


DEFAULT_REASON = "not in the file: alliance-sim's default ({what})"


def build_registry(
    name_or_path: str | Path, overrides: Mapping[str, Any] | Iterable[str] | None = None
) -> Registry:
    """The registry of a scenario: every field the file marks as an assumption, then every
    assumed field it leaves to a default (listed with that default, its range and why), then the
    config defaults that are assumptions even where the file writes them unmarked."""
    from .loading import apply_overrides, load_scenario, parse_override, read_scenario_file

    file = read_scenario_file(name_or_path)
    scenario = load_scenario(file, overrides)
    data = scenario.model_dump(mode="json")
    raw = file.data
    if overrides:
        if not isinstance(overrides, Mapping):
            overrides = dict(parse_override(o) for o in overrides)
        raw = apply_overrides(raw, overrides, file.source)
    entries: list[Assumption] = []
    seen: set[str] = set()
    for mark in marked_fields(file.text):
        path = table_of(mark.path)
        if path in seen or not written(data, path):
            continue
        seen.add(path)
        entries.append(_entry(path, rule_for(path), lookup(data, path), mark.reason, mark=mark))
    for leaf in values(scenario):
        path = table_of(leaf.path)
        rule = rule_for(path)
        if rule is None or path in seen or written(raw, path) or not _in_use(rule, data, path):
            continue
        seen.add(path)
        what = leaf.spec.description or "a default"
        if path != leaf.path:
            what = f"the default {path.rsplit('.', 1)[-1].replace('_', ' ')}"
        entry = _entry(path, rule, lookup(data, path), DEFAULT_REASON.format(what=what), False)
        if entry.low is None or entry.low != entry.high:  # a rate of nothing assumes nothing
            entries.append(entry)
    for rule in RULES:
        if rule.always and rule.family not in seen and _in_use(rule, data, rule.family):
            reason = rule.reason or CONFIG_REASON
            entries.append(_entry(rule.family, rule, lookup(data, rule.family), reason))
    return Registry(str(name_or_path), tuple(entries))


def _in_use(rule: Rule, data: dict, path: str) -> bool:
    return rule.when is None or rule.when(data, path)


def _entry(
    path: str,
    rule: Rule | None,
    default: Any,
    reason: str,
    written: bool = True,
    mark: Marked | None = None,
) -> Assumption:
    family = family_of(rule) if rule is not None else path
    why = rule.why if rule is not None else "no range: the registry has no rule for this field"
    quantity = isinstance(default, int | float) and not isinstance(default, bool)
    if mark is not None and mark.low is not None and quantity:
        low, high = sorted((mark.low, mark.high))
        kind = INTEGER if isinstance(default, int) else REAL
        return Assumption(path, path, kind, default, low, high, "the range the file gives",
                          reason, written)  # fmt: skip
    if rule is None:
        return Assumption(path, family, FIXED, default, None, None, why, reason, written,
                          ranged=not quantity)  # fmt: skip
    if isinstance(default, dt.date | str | list | dict) or rule.kind == FIXED:
        if isinstance(default, list) and path in ("risk.levels", "risk.result_areas"):
            default = _table_summary(default)
        return Assumption(path, family, FIXED, default, None, None, why, reason, written)
    if rule.kind == BOOLEAN:
        return Assumption(path, family, BOOLEAN, default, 0.0, 1.0, why, reason, written)
    low, high = rule.bounds(float(default))
    if rule.kind == INTEGER:
        low, high = float(round(low)), float(round(high))
    if low == high:  # e.g. a rate of nothing: a range of one value is nothing to sample
        return Assumption(path, family, FIXED, default, low, high,
                          f"{why} (here a single value)", reason, written)  # fmt: skip
    return Assumption(path, family, rule.kind, default, low, high, why, reason, written)


def _table_summary(rows: list) -> str:
    names = [str(r.get("name", "?")) for r in rows if isinstance(r, dict)]
    return f"{len(rows)} entries: {', '.join(names)}"


#: The widest value shown in the table's column; a longer one is given in full beneath.
VALUE_WIDTH = 24


def format_table(registry: Registry, width: int = 100) -> str:
    """The registry as plain text for the terminal: one line of figures per assumption, and its
    reasons in full beneath it, wrapped to ``width``."""
    import textwrap

    rows = [("path", "value", "low", "high", "kind", "from")]
    for a in registry:
        low = "" if a.low is None else f"{a.low:g}"
        high = "" if a.high is None else f"{a.high:g}"
        default = f"{a.default:g}" if isinstance(a.default, float) else str(a.default)
        shown = default if len(default) <= VALUE_WIDTH else default[: VALUE_WIDTH - 1] + "…"
        rows.append((a.path, shown, low, high, a.kind, "file" if a.written else "default"))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(rows[0], widths, strict=True)).rstrip()]
    for a, r in zip(registry, rows[1:], strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        value = str(a.default)
        notes = [("value", value)] if len(value) > VALUE_WIDTH else []
        notes += [("why assumed", a.reason), ("why this range", a.why_range)]
        for label, text in notes:
            if text:
                lines += textwrap.wrap(f"{label}: {text}", width, initial_indent="    ",
                                       subsequent_indent="      ")  # fmt: skip
    families = registry.families()
    unwritten = sum(not a.written for a in registry)
    lines.append(
        f"\n{len(registry)} assumptions ({unwritten} of them defaults the file does not write), "
        f"{len(registry.sampled())} sampled in {len(families)} families (Morris groups); "
        f"{len(registry) - len(registry.sampled())} fixed (categories, dates, lists, tables: "
        "compare them as design factors)."
    )
    unranged = [a.path for a in registry if not a.ranged]
    if unranged:
        lines.append(
            f"No range for {', '.join(unranged)}: give one in the comment, "
            "`# assumption [low, high]: why`."
        )
    return "\n".join(lines)
