"""The answer first: an experiment's question answered in one paragraph, with its numbers.

A committee reads the first paragraph. For each factor of the experiment, the comparison that
answers the question is worded from the summary's own tables, never from new arithmetic: each
level against the factor's first, at the first level of the other factors (and, where the first
factor has only two settings of the others, at both: "does the answer depend on the rule?").
Where the first factor concerns one party (``parties.council.membership``), its money comes first:
its expected net position over the term and its share of all losses borne, in each design with
an interval, and the paired difference. Then the board: days to decision, the stalemate rate and
the alliance's survival, each difference with its paired interval. Then the caveats: the
counterfactual decision rules, what the designs assume and whether their robustness was run.
Parties are named as their scenario names them, never by their keys.
"""

from __future__ import annotations

import html
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .summary import Summary, comparisons
from .words import PARTY_PATH as _PARTY_PATH
from .words import setting


@dataclass(frozen=True)
class Answer:
    """The question and its answer, as sentences."""

    question: str
    sentences: tuple[str, ...]
    caveats: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join((*self.sentences, *self.caveats))

    def html(self) -> str:
        return (
            f"<p class='answer'><b>Question.</b> {html.escape(self.question)} "
            f"<b>Answer.</b> {html.escape(self.text)}</p>"
        )


def _money(x: float) -> str:
    if not np.isfinite(x):
        return "n/a"
    return f"{'−' if x < 0 else ''}£{abs(x):.2f}m"


def _signed_money(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{'−' if x < 0 else '+'}£{abs(x):.2f}m"


def _interval(lo: float, hi: float, digits: int = 2, scale: float = 1.0, signed=False) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "[n/a]"

    def one(v: float) -> str:
        v *= scale
        if round(v, digits) == 0:
            return f"{0:.{digits}f}"  # no "−0.0"
        sign = ("+" if v > 0 else "−") if signed else ("−" if v < 0 else "")
        return f"{sign}{abs(v):.{digits}f}"

    return f"[{one(lo)}, {one(hi)}]"


def _pct(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:.0%}"


def subject_party(factor: str, bundle_paths: dict[str, list[str]]) -> str | None:
    """The one party a factor is about (every path it sets is ``parties.<key>....``), if any."""
    matches = [_PARTY_PATH.match(p) for p in bundle_paths.get(factor, [factor])]
    keys = {m.group(1) for m in matches if m}
    return keys.pop() if all(matches) and len(keys) == 1 else None


@dataclass(frozen=True)
class Chosen:
    """One comparison that answers the question: a factor's level against its first, with the
    other factors' levels it is made at."""

    factor: str
    ref: int
    alt: int
    level: int
    others: tuple[tuple[str, object], ...]


def chosen_comparisons(factors: dict[str, list]) -> list[Chosen]:
    """Every factor's levels against its first, at the first level of the other factors; the
    first factor also at every setting of the others when there are only two."""
    names = list(factors)
    sizes = [len(v) for v in factors.values()]
    combos = list(itertools.product(*(range(n) for n in sizes)))  # design index -> levels
    settings = int(np.prod(sizes[1:])) if len(sizes) > 1 else 1
    chosen = []
    for name, ref, alt, level, _context, _short in comparisons(factors):
        f = names.index(name)
        others = tuple(
            (names[j], factors[names[j]][combos[ref][j]]) for j in range(len(names)) if j != f
        )
        at_baseline = all(combos[ref][j] == 0 for j in range(len(names)) if j != f)
        if at_baseline or (f == 0 and settings <= 2):
            chosen.append(Chosen(name, ref, alt, level, others))
    return chosen


def _context_words(others, summary: Summary) -> str:
    parts = []
    for path, value in others:
        if path == "board.rule":
            parts.append(f"under the {value} rule")
        elif path.endswith(".membership"):
            match = _PARTY_PATH.match(path)
            who = summary.party_name(match.group(1)) if match else "the party"
            parts.append(f"with {who} {setting(path, value, summary).removeprefix('with ')}")
        else:
            parts.append(setting(path, value, summary))
    return " and ".join(parts)


def _risk_row(risk: pd.DataFrame, design: int, party: str) -> pd.Series | None:
    rows = risk[(risk["design"] == design) & (risk["level"] == "party") & (risk["name"] == party)]
    return None if rows.empty else rows.iloc[0]


def _diff(summary: Summary, factor: str, ref: int, alt: int, metric: str) -> pd.Series | None:
    d = summary.differences
    if d is None or d.empty:
        return None
    rows = d[(d["factor"] == factor) & (d["design_a"] == ref) & (d["design_b"] == alt)
             & (d["metric"] == metric)]  # fmt: skip
    return None if rows.empty else rows.iloc[0]


def _party_diff(summary: Summary, ref: int, alt: int, party: str, measure: str):
    d = summary.party_differences
    if d is None or d.empty:
        return None
    rows = d[(d["design_a"] == ref) & (d["design_b"] == alt) & (d["party"] == party)
             & (d["measure"] == measure)]  # fmt: skip
    return None if rows.empty else rows.iloc[0]


def _money_sentence(summary: Summary, party: str, c: Chosen, a: str, b: str) -> str:
    """The party's expected net position and share of losses in both designs, with intervals."""
    risk = summary.risk
    if risk is None:
        return ""
    ra, rb = _risk_row(risk, c.ref, party), _risk_row(risk, c.alt, party)
    if ra is None or rb is None:
        return ""
    text = (
        f"{summary.party_name(party)}'s expected net position over the term is "
        f"{_money(ra['expected_net_m'])} {_interval(ra['expected_net_lo'], ra['expected_net_hi'])}"
        f" {a} and {_money(rb['expected_net_m'])} "
        f"{_interval(rb['expected_net_lo'], rb['expected_net_hi'])} {b}"
    )
    net = _party_diff(summary, c.ref, c.alt, party, "net_m")
    if net is not None:
        text += (
            f" ({_signed_money(net['difference'])} "
            f"{_interval(net['paired_lo'], net['paired_hi'], signed=True)}, paired)"
        )
    return text + (
        f", and it bears {_pct(ra['downside_share'])} "
        f"{_interval(ra['downside_share_lo'], ra['downside_share_hi'], 0, 100)} of all the "
        f"parties' losses {a} and {_pct(rb['downside_share'])} "
        f"{_interval(rb['downside_share_lo'], rb['downside_share_hi'], 0, 100)} {b}"
    )


def _changes(summary: Summary, c: Chosen, party: str | None) -> list[tuple[str, str]]:
    """The paired differences that answer it: the party's net position (when the comparison is
    not the first factor's, whose money is told in full), days, stalemate, survival."""
    parts = []
    if party is not None:
        net = _party_diff(summary, c.ref, c.alt, party, "net_m")
        if net is not None:
            parts.append((
                f"{summary.party_name(party)}'s net position",
                f"{_signed_money(net['difference'])} "
                f"{_interval(net['paired_lo'], net['paired_hi'], signed=True)}",
            ))  # fmt: skip
    for metric, what, unit in (
        ("mean_days", "the mean time to decision", " days"),
        ("stalemate_rate", "the stalemate rate", " pp"),
        ("survived", "the alliance's survival of its term", " pp"),
    ):
        d = _diff(summary, c.factor, c.ref, c.alt, metric)
        if d is None or not np.isfinite(d["difference"]):
            continue
        if d["difference"] == d["paired_lo"] == d["paired_hi"] == 0:
            continue  # the same in every pair of runs (no alliance ended in either): nothing to say
        scale = 100.0 if unit == " pp" else 1.0
        value = d["difference"] * scale
        sign = "" if round(value, 1) == 0 else "+" if value > 0 else "−"
        parts.append((
            what,
            f"{sign}{abs(value):.1f}{unit} "
            f"{_interval(d['paired_lo'], d['paired_hi'], 1, scale, signed=True)}",
        ))  # fmt: skip
    return parts


def _joined(parts: list[str]) -> str:
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def compose(summary: Summary, manifest: dict, bundle_paths: dict[str, list[str]] | None = None,
            robustness: str = "") -> Answer:  # fmt: skip
    """The answer to the experiment's question, from its summary tables."""
    experiment = manifest.get("experiment", {})
    question = " ".join(str(experiment.get("question") or experiment.get("title") or "").split())
    question = question or "What do the designs change?"
    factors = manifest.get("factors", {})
    names = list(factors)
    subject = subject_party(names[0], bundle_paths or {}) if names else None
    pct = int(round(summary.confidence * 100))
    sentences: list[str] = []
    for c in chosen_comparisons(factors):
        a = setting(c.factor, factors[c.factor][0], summary)
        b = setting(c.factor, factors[c.factor][c.level], summary)
        where = _context_words(c.others, summary)
        lead = f"{where}, " if where else ""
        first = c.factor == names[0]
        money = _money_sentence(summary, subject, c, a, b) if subject and first else ""
        changes = _changes(summary, c, None if first else subject)
        if not money and not changes:
            continue
        sentence = lead + (f"{money}; " if money else "")
        if changes:
            (what, value), rest = changes[0], [f"{w} by {v}" for w, v in changes[1:]]
            sentence += f"{b} rather than {a}, " + _joined([f"{what} changes by {value}", *rest])
        sentences.append(sentence[0].upper() + sentence[1:].rstrip("; ") + ".")
    if not sentences:
        sentences.append(_single_design(summary))
    caveats = [
        f"Brackets hold {pct}% intervals over {_runs(summary)} runs per design; 'paired' "
        "differences compare the designs on the same futures (common random numbers)."
    ]
    caveats += _rule_caveats(summary)
    caveats.append(_assumption_caveat(manifest, robustness))
    return Answer(question, tuple(sentences), tuple(c for c in caveats if c))


def _runs(summary: Summary) -> str:
    runs = summary.designs["runs"].to_numpy() if "runs" in summary.designs else np.zeros(0)
    runs = runs[runs > 0]
    if not len(runs):
        return "no"
    return f"{int(runs.min()):,}" if runs.min() == runs.max() else f"{int(runs.min()):,}+"


def _single_design(summary: Summary) -> str:
    r = summary.designs.iloc[0]
    if r.get("runs", 0) <= 0:
        return "No runs are in these results yet."
    return (
        f"The stalemate rate is {r['stalemate_rate']:.1%} "
        f"{_interval(r['stalemate_lo'], r['stalemate_hi'], 1, 100)}%, the mean days to decision "
        f"{r['mean_days']:.1f} {_interval(r['mean_days_lo'], r['mean_days_hi'], 1)} and the "
        f"alliance survives its term in {r['survived']:.0%} "
        f"{_interval(r['survived_lo'], r['survived_hi'], 0, 100)}% of runs."
    )


def _rule_caveats(summary: Summary) -> list[str]:
    from ..board.rules import counterfactual_note

    rules = sorted({rule for rule in summary.rules.values() if counterfactual_note(rule)})
    return [
        f"The {rule} rule is a counterfactual: no alliance's document has it (admissions, the "
        "risk/reward scheme and reconfigurations stay unanimous under it)."
        for rule in rules
    ]


def _assumption_caveat(manifest: dict, robustness: str) -> str:
    uncertain = manifest.get("uncertain") or []
    named = ", ".join(dict.fromkeys(str(c.get("scenario", "")) for c in manifest.get("cells", [])))
    if robustness:
        return robustness
    if uncertain:
        return (
            f"The figures average over plausible values of {', '.join(uncertain)} (a Latin "
            "hypercube); every other assumption of the scenario stays at its value (`alliance-sim "
            f"assumptions {named}`), and no robustness run over all of them was made here."
        )
    return (
        f"Every assumption of the scenario stays at its value (`alliance-sim assumptions {named}` "
        "lists them); which of them decide this answer, and whether it holds over their plausible "
        "ranges, is what a robustness run shows ([[sensitivity]] stages, README 'Which "
        "assumptions drive the findings'): none was run here."
    )


def answer_for(store, summary: Summary) -> Answer:
    """The answer for a result folder: its manifest, and the bundles of its experiment file (the
    paths each bundle sets tell which party it is about)."""
    from ..batch.spec import Bundle, parse_experiment
    from ..batch.store import COPY

    bundles: dict[str, list[str]] = {}
    copy = store.root / COPY
    if copy.is_file():
        spec = parse_experiment(copy.read_text(encoding="utf-8"), str(copy))
        bundles = {n: list(f.set) for n, f in spec.factors.items() if isinstance(f, Bundle)}
    return compose(summary, store.manifest, bundles)


def wrapped(answer: Answer, width: int = 100) -> str:
    """The answer for the terminal: the question, then the answer, as paragraphs."""
    import textwrap

    return "\n".join(
        [
            *textwrap.wrap(f"Question. {answer.question}", width),
            *textwrap.wrap(f"Answer. {answer.text}", width),
        ]
    )
