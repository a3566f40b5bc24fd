"""A design search's findings in words a committee paper can use.

What a recommended design changes ("give Nottinghamshire County Council's representative delegated
authority up to £1m, the board meets every 4 weeks with 3 weeks' notice") is worded from the
levers' dotted paths and values, never from parsed English; what it does ("stalemate −4.0 pp
[−5.1, −2.9]") from the paired-difference records, sorted into what is better, what is worse (the
trade-offs) and what shows no clear change. A design that relies on a counterfactual lever value
(a decision rule no alliance document has, pooling before a scheme is agreed) says so, with the
source, wherever it is worded. A path this module does not know is worded plainly as the path and
its value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..batch.spec import Bundle

if TYPE_CHECKING:  # pragma: no cover
    from .space import Problem

RULES = {
    "unanimity": "unanimity",
    "best_for_service": "a Best for Service vote",
    "qualified_majority": "a qualified majority",
}
MINUS = "\u2212"


def money(x: float) -> str:
    """£ millions as a committee writes them: £250k, £1m, £2.5m."""
    if abs(x) < 1:
        return f"£{x * 1000:,.0f}k"
    return f"£{x:,.1f}m".replace(".0m", "m")


def period(days: int) -> str:
    if days % 7 == 0:
        weeks = days // 7
        return "week" if weeks == 1 else f"{weeks} weeks"
    return f"{days} days"


def notice(days: int) -> str:
    if days % 7 == 0 and days:
        weeks = days // 7
        return "1 week's notice" if weeks == 1 else f"{weeks} weeks' notice"
    return f"{days} days' notice"


def _signed(x: float, fmt: str) -> str:
    """``fmt`` of ``|x|`` with a typographic sign: +4.0 pp, −4.0 pp."""
    if not np.isfinite(x):
        return "n/a"
    return ("+" if x >= 0 else MINUS) + fmt.format(abs(x))


def change_phrase(path: str, value: Any, was: Any, parties: dict[str, str], homes: dict) -> str:
    """One lever's new value in words (``was``: the current design's value)."""
    parts = path.split(".")
    if parts[0] == "board":
        field = parts[-1]
        if field == "cadence_days":
            return f"the board meets every {period(int(value))}"
        if field == "notice_days":
            return f"business is tabled with {notice(int(value))}"
        if field == "rule":
            from ..registry import DECISION_RULES

            rule = DECISION_RULES[str(value)]
            aside = (
                " (a counterfactual: no alliance document has it)" if rule.counterfactual else ""
            )
            return f"the board decides by {RULES.get(str(value), value)}{aside}"
        if field == "qualified_majority":
            return f"a qualified majority means {float(value):.0%} of full members"
    if path == "risk.default_split":
        if value == "none":
            return "nothing is pooled until a risk/reward scheme is agreed"
        how = "in proportion to budgets" if value == "budget" else "equally"
        return (
            f"gains and losses are shared {how} until a risk/reward scheme is agreed "
            "(a counterfactual: no alliance document pools before a scheme is agreed)"
        )
    if parts[0] == "parties" and len(parts) >= 3:
        who = parties.get(parts[1], parts[1])
        field = ".".join(parts[2:])
        if field == "membership":
            return f"{who} becomes {'a' if value == 'full' else 'an'} {value} member"
        if field == "authority.threshold_m":
            verb = "raise" if was is not None and float(value) > float(was) else "set"
            verb = "lower" if was is not None and float(value) < float(was) else verb
            return f"{verb} {who}'s delegated authority to {money(float(value))}"
        if field == "authority.excluded_categories":
            refers = ", ".join(value) if value else "nothing"
            return f"{who}'s representative refers {refers} to its home body"
        home = homes.get(parts[1], f"{who}'s home body")
        if field == "home_body.cadence_days":
            return f"{home} meets every {period(int(value))}"
        if field == "home_body.notice_days":
            return f"{home} takes papers with {notice(int(value))}"
        if field == "best_for_service":
            return f"{who} weighs the system's interest at {float(value):.2f}"
    return f"`{path}` = {value!r}"


def describe_changes(problem: Problem, params: dict[str, Any]) -> list[str]:
    """What the design changes from the current one, lever by lever (unchanged ones left out)."""
    scenario = problem.baseline().scenario
    parties = {k: p.name for k, p in scenario.parties.items()}
    homes = {k: p.home_body.name for k, p in scenario.parties.items()}
    out = []
    for lever in problem.levers:
        value = params.get(lever.name)
        was = problem.baseline_values.get(lever.name)
        if value is None or _same(value, was):
            continue
        if isinstance(lever.spec, Bundle):
            out.append(f"{lever.name} {value}")
        else:
            out.append(change_phrase(lever.name, value, was, parties, homes))
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return bool(np.isclose(float(a), float(b)))
    return a == b


def join_changes(changes: list[str]) -> str:
    if not changes:
        return "Keep the current design"
    text = changes[0][0].upper() + changes[0][1:]
    rest = changes[1:]
    if not rest:
        return text
    return text + ", " + ", ".join(rest[:-1]) + (", " if len(rest) > 1 else "") + "and " + rest[-1]


def counterfactuals(scenario) -> list[str]:
    """Each counterfactual choice a design's scenario makes, as a sentence with its source: its
    decision rule (``board/rules.py``), and pooling before a scheme is agreed
    (``risk.default_split`` budget or equal), citing the alliance's own clause for sharing by an
    agreed scheme (``[clauses]`` ``risk_sharing``) where it has one."""
    from ..board.rules import counterfactual_note
    from ..config.clauses import Clause

    notes = [counterfactual_note(scenario.board.rule)]
    split = scenario.risk.default_split
    if split != "none":
        how = "in proportion to budgets" if split == "budget" else "equally"
        notes.append(
            f"sharing gains and losses {how} before a risk/reward scheme is agreed "
            f"(risk.default_split = {split}) is a counterfactual: the alliance's members share "
            f"only by a scheme they have agreed{scenario.clauses.cite(Clause.RISK_SHARING)}"
        )
    return [n for n in notes if n]


LABELS = {
    "stalemate_rate": "stalemate",
    "mean_days": "days to decision",
    "km_median_days": "Kaplan–Meier median days",
    "survival": "survival",
    "loss_gain_gap": "worst member's loss−gain gap",
}


def measure_label(key: str, parties: dict[str, str]) -> str:
    if key in LABELS:
        return LABELS[key]
    kind, _, party = key.partition(":")
    who = parties.get(party, party)
    return f"{who}'s loss share" if kind == "loss_share" else f"{who}'s expected net"


def format_value(key: str, x: float, signed: bool = False) -> str:
    """A measure's value (or difference, ``signed``) in its unit: pp, days or £m."""
    if key in ("stalemate_rate", "survival", "loss_gain_gap") or key.startswith("loss_share:"):
        return _signed(x * 100, "{:.1f} pp") if signed else f"{x:.1%}"
    if key in ("mean_days", "km_median_days"):
        return _signed(x, "{:.1f} d") if signed else f"{x:.1f}"
    text = _signed(x, "£{:.2f}m")
    return text if signed or x < 0 else text.removeprefix("+")


def effect_phrase(row: dict, parties: dict[str, str]) -> str:
    key = row["measure"]
    return (
        f"{measure_label(key, parties)} {format_value(key, row['difference'], True)} "
        f"[{format_value(key, row['paired_lo'], True)}, "
        f"{format_value(key, row['paired_hi'], True)}]"
    )


def recommendation_words(
    changes: list[str], rows: list[dict], notes: list[str], parties: dict[str, str]
) -> str:
    """The design's changes, then its effects sorted into better, worse (the trade-offs) and no
    clear change, then any counterfactual it relies on (``notes``): "Give ...: better: days to
    decision −20.2 d [−20.7, −19.6]; worse (the trade-off): survival −6.0 pp [−9.2, −3.2]; no clear
    change: ...; counterfactual: ..."; ``rows`` are the paired-difference records with a verdict."""
    groups = {"better": [], "worse": [], "no clear change": [], "": []}
    for row in rows:
        groups[row.get("verdict", "")].append(effect_phrase(row, parties))
    parts = []
    if groups["better"]:
        parts.append("better: " + ", ".join(groups["better"]))
    if groups["worse"]:
        parts.append("worse (the trade-off): " + ", ".join(groups["worse"]))
    if groups["no clear change"]:
        parts.append("no clear change: " + ", ".join(groups["no clear change"]))
    if groups[""]:
        parts.append("also " + ", ".join(groups[""]))
    if notes:
        parts.append("counterfactual: " + "; ".join(notes))
    return f"{join_changes(changes)}: " + "; ".join(parts)
