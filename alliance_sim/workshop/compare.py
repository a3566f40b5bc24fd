"""Two histories of one alliance side by side: two designs under one seed, or the room vs no room.

Both runs face the same business (the matter stream is drawn from its own generator, independent of
the design), so any difference in what happened is the design's (or the room's) doing.
:func:`first_divergence` finds the first meeting whose records differ; :func:`matter_differences`
lists the matters that ended differently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..model import AllianceModel
from ..reasons import terms_text
from ..text import date_of
from . import records
from .design import Design

#: Terms closer than this count as the same (they are shown to two decimals).
TERMS_TOLERANCE = 5e-3


def run_design(design: Design) -> AllianceModel:
    """The design's whole term under its seed, with no room."""
    return AllianceModel(design.load(), seed=design.seed).run()


def _event_key(model: AllianceModel, e) -> tuple:
    matter = model.matters[e.matter].id if e.matter >= 0 else ""
    party = model.parties[e.party].key if e.party >= 0 else ""
    return ("event", int(e.kind), matter, party, int(e.day), records.discrete_data(e))


def _vote_key(model: AllianceModel, v) -> tuple:
    return ("vote", model.matters[v.matter].id, model.parties[v.party].key, v.vote, v.by)


def meeting_record(model: AllianceModel, meeting: int) -> list[tuple[tuple, str]]:
    """What happened at one meeting as (comparable key, sentence) pairs, in log order.

    A referral's vote has no sentence of its own (its "Referred" event says it all).
    """
    out: list[tuple[float, tuple, str]] = []
    for seq, e in enumerate(records.events(model)):
        if e.meeting == meeting:
            out.append((seq, _event_key(model, e), records.event_sentence(model, e)))
    for v in records.votes(model):
        if v.meeting == meeting:
            text = "" if v.vote == "referred" else records.vote_sentence(model, v)
            out.append((v.seq - 0.5, _vote_key(model, v), text))
    out.sort(key=lambda t: t[0])
    return [(key, text) for _, key, text in out]


@dataclass
class Divergence:
    """The first meeting at which two histories differ, and what only each of them saw there."""

    meeting: int
    date_a: str
    date_b: str
    only_a: list[str]
    only_b: list[str]


def first_divergence(a: AllianceModel, b: AllianceModel) -> Divergence | None:
    """The first meeting whose events or votes differ between the runs, or None if none do."""
    for meeting in range(1, max(a.steps, b.steps) + 1):
        rec_a, rec_b = meeting_record(a, meeting), meeting_record(b, meeting)
        keys_a = [k for k, _ in rec_a]
        keys_b = [k for k, _ in rec_b]
        if keys_a == keys_b:
            continue
        set_a, set_b = set(keys_a), set(keys_b)
        return Divergence(
            meeting=meeting,
            date_a=_meeting_date(a, meeting),
            date_b=_meeting_date(b, meeting),
            only_a=[t for k, t in rec_a if k not in set_b and t],
            only_b=[t for k, t in rec_b if k not in set_a and t],
        )
    return None


def _meeting_date(model: AllianceModel, meeting: int) -> str:
    if 1 <= meeting <= len(model.meeting_days):
        return date_of(model, model.meeting_days[meeting - 1])
    return ""


def outcome_text(model: AllianceModel, idx: int) -> str:
    """A matter's fate so far: "agreed on 22 Jul 2016", "open", "not yet before the board"."""
    m = model.matters[idx]
    if m.tabled_day < 0:
        return "not yet before the board"
    if not m.outcome:
        return "open"
    return f"{m.outcome} on {date_of(model, m.decided_day)}"


@dataclass
class MatterDifference:
    matter_id: str
    title: str
    a: str
    b: str


def matter_differences(a: AllianceModel, b: AllianceModel) -> list[MatterDifference]:
    """Matters whose outcome, decision date or agreed terms differ between two runs."""
    by_id_b = {m.id: m for m in b.matters}
    rows = []
    seen = set()
    for ma in a.matters:
        seen.add(ma.id)
        mb = by_id_b.get(ma.id)
        if mb is None:
            if ma.tabled_day >= 0:
                rows.append(MatterDifference(ma.id, ma.title, _fate(a, ma), "never raised"))
            continue
        if ma.tabled_day < 0 and mb.tabled_day < 0:
            continue
        same = (
            ma.outcome == mb.outcome
            and ma.decided_day == mb.decided_day
            and len(ma.x) == len(mb.x)
            and all(abs(p - q) < TERMS_TOLERANCE for p, q in zip(ma.x, mb.x, strict=True))
        )
        if not same:
            rows.append(MatterDifference(ma.id, ma.title, _fate(a, ma), _fate(b, mb)))
    for mb in b.matters:
        if mb.id not in seen and mb.tabled_day >= 0:
            rows.append(MatterDifference(mb.id, mb.title, "never raised", _fate(b, mb)))
    return rows


def _fate(model: AllianceModel, m) -> str:
    text = outcome_text(model, m.idx)
    if m.k and m.outcome == "agreed":
        text += f" ({terms_text(m, m.x)})"
    return text


#: (label, summary key, format) for the side-by-side summary. Agreed, stalemated and the rate are
#: the board's business as ``measures`` counts it (ordinary business put to its vote); governance
#: resolutions, reserved and void matters are counted apart, as in every report.
SUMMARY_ROWS = (
    ("Matters tabled", "matters", "{:.0f}"),
    ("Business agreed", "business_agreed", "{:.0f}"),
    ("Business stalemated", "business_stalemated", "{:.0f}"),
    ("Stalemate rate", "stalemate_rate", "{:.0%}"),
    ("Resolutions settled", "resolutions", "{:.0f}"),
    ("Resolutions refused", "resolutions_refused", "{:.0f}"),
    ("Decided by commissioners (reserved)", "reserved", "{:.0f}"),
    ("Void (prohibited)", "void", "{:.0f}"),
    ("Median days to decision", "median_days", "{:.0f}"),
    ("Referrals to home bodies", "referrals", "{:.0f}"),
    ("Amendments", "amendments", "{:.0f}"),
)


def summary_table(a: AllianceModel, b: AllianceModel) -> list[tuple[str, str, str]]:
    """(label, value in a, value in b) for the headline figures of two runs."""
    sa, sb = records.summary(a), records.summary(b)

    def fmt(value: float, pattern: str) -> str:
        return "–" if isinstance(value, float) and math.isnan(value) else pattern.format(value)

    rows = [("Meetings held", str(a.steps), str(b.steps))]
    rows += [(label, fmt(sa[key], f), fmt(sb[key], f)) for label, key, f in SUMMARY_ROWS]
    dissolved = (records.dissolved_at(a), records.dissolved_at(b))
    if any(d is not None for d in dissolved):
        rows.append(
            tuple(["Alliance dissolved"] + [f"at meeting {d}" if d else "no" for d in dissolved])
        )
    blocks_a = records.blocks_by_party(a)
    blocks_b = records.blocks_by_party(b)
    for p in a.parties:
        if blocks_a.get(p.key) or blocks_b.get(p.key):
            rows.append(
                (f"Blocks by {p.name}", str(blocks_a.get(p.key, 0)), str(blocks_b.get(p.key, 0)))
            )
    return rows


@dataclass
class Comparison:
    """Two designs of one alliance under one seed, run to the end of the term."""

    design_a: Design
    design_b: Design
    a: AllianceModel
    b: AllianceModel

    @classmethod
    def run(cls, design_a: Design, design_b: Design) -> Comparison:
        return cls(design_a, design_b, run_design(design_a), run_design(design_b))

    @property
    def divergence(self) -> Divergence | None:
        return first_divergence(self.a, self.b)

    @property
    def differences(self) -> list[MatterDifference]:
        return matter_differences(self.a, self.b)

    @property
    def summary(self) -> list[tuple[str, str, str]]:
        return summary_table(self.a, self.b)


def default_contrast(design: Design) -> Design:
    """The comparison a facilitator most often wants: the council full member vs associate."""
    base = design.base
    council = next((k for k, p in base.parties.items() if str(p.kind) == "council"), None)
    if council is None:
        return design.replace(
            rule="best_for_service" if design.rule == "unanimity" else "unanimity"
        )
    now = design.membership.get(council, "full")
    return design.with_party(council, membership="associate" if now == "full" else "full")
