"""What one run produced, as pandas tables built on first use, plus a fast summary.

``decisions``, ``votes``, ``events`` and ``timeseries`` are DataFrames (issue #2 §7); building them
and wording the reasons costs more than the run itself, so it happens only when asked for.
``summary()`` reads the raw records directly, for experiments that run thousands of replications.
"""

from __future__ import annotations

from functools import cached_property

import networkx as nx
import numpy as np
import pandas as pd

from . import measures
from .business.risk import KPI_COLUMNS, LEDGER_COLUMNS, risk_summary
from .model import AllianceModel
from .reasons import event_text, terms_text, vote_reason
from .records.events import Ev
from .survival import kaplan_meier
from .text import date_of

OUTCOMES = ("agreed", "stalemate", "void", "reserved", "withdrawn", "open_at_end")


class SimulationResult:
    """Tables and summary of one simulated term of one alliance."""

    def __init__(self, model: AllianceModel) -> None:
        self.model = model
        self.scenario = model.scenario
        self.seed = model.seed

    def summary(self) -> dict[str, float]:
        """The run's headline measures (``measures.DEFINITIONS``) and the counts beside them.

        ``stalemate_rate`` is over the ordinary business put to the board's vote and settled
        (agreed or stalemated); ``median_days``, ``p90_days`` and ``mean_days`` are days from
        first proposal to agreement of that business; ``km_median_days`` is the Kaplan–Meier
        median over all of it, the business left undecided censored (``survival.py``), so a run
        that leaves its slow business open does not look faster for it. Governance resolutions
        (``resolutions``, ``resolutions_refused``) and void, reserved and withdrawn business are
        counted apart. A transition matter tabled again counts once (``measures.final``).
        """
        matters = measures.final(self.model.matters)
        ordinary = [m for m in matters if measures.business(m) == measures.ORDINARY]
        waited = [measures.days_to_decision(m) for m in ordinary]
        decided = [m.outcome in measures.EVENTS for m in ordinary]
        days = np.array([d for d, ok in zip(waited, decided, strict=True) if ok])
        out: dict[str, float] = {"matters": len(matters)}
        for outcome in OUTCOMES:
            out[outcome] = sum(m.outcome == outcome for m in matters)
        outcomes = [m.outcome for m in ordinary]
        out["business"] = len(ordinary)
        out["business_agreed"] = outcomes.count("agreed")
        out["business_stalemated"] = outcomes.count("stalemate")
        out["stalemate_rate"] = measures.rate(outcomes)
        out["mean_days"] = float(days.mean()) if len(days) else float("nan")
        out["median_days"] = float(np.median(days)) if len(days) else float("nan")
        out["p90_days"] = float(np.percentile(days, 90)) if len(days) else float("nan")
        out["km_median_days"] = kaplan_meier(waited, decided).median() if ordinary else float("nan")
        resolved = [m.outcome for m in matters if measures.business(m) == measures.RESOLUTION]
        out["resolutions"] = resolved.count("agreed") + resolved.count("stalemate")
        out["resolutions_refused"] = resolved.count("stalemate")
        out["referrals"] = sum(m.referrals for m in matters)
        out["amendments"] = sum(m.amendments for m in matters)
        transition = [how for _, how in self.model.transition.outcomes]
        out["extended"] = transition.count("extended")
        out["reconfigured"] = transition.count("reconfigured")
        out["terminated"] = int(self.model.terminated_day is not None)
        # The extension of the agreement's term (001 §40; 002 §2.2): 1 agreed, 0 refused, NaN
        # where the document gives none or the board did not decide it within the term.
        extension = self.model.term.extension
        out["term_extended"] = float("nan") if not extension else float(extension == "extended")
        out["resigned"] = self.model.roster.resignations
        out["alliance_net_m"] = float(self.model.risk.ledger.cumulative.sum())
        return out

    def records(self) -> dict[str, dict[str, list]]:
        """This run's rows for experiment result files, as columns, without any wording.

        ``runs`` has one row (the summary); ``decisions`` one row per tabled matter; ``ledger`` one
        per party per period; ``kpi`` one per key result area per period; ``risk`` one per party;
        ``network`` one per pair of parties (trust at the end of the term). The experiment runner adds its own design and replication columns.
        """
        model = self.model
        keys = [p.key for p in model.parties]
        tabled = measures.final(model.matters)
        decisions = {
            "matter_id": [m.id for m in tabled],
            "kind": [str(m.kind) for m in tabled],
            "business": [measures.business(m) for m in tabled],
            "proposer": [keys[m.proposer] for m in tabled],
            "magnitude_m": [m.magnitude for m in tabled],
            "transition": [m.transition for m in tabled],
            "attempts": [m.generation + 1 for m in tabled],
            "proposed_day": [m.proposed_day for m in tabled],
            "tabled_day": [m.tabled_day for m in tabled],
            "decided_day": [m.decided_day for m in tabled],
            "days_to_decision": [measures.days_to_decision(m) for m in tabled],
            "days_from_tabling": [measures.days_from_tabling(m) for m in tabled],
            "meetings": [m.meetings for m in tabled],
            "referrals": [m.referrals for m in tabled],
            "amendments": [m.amendments for m in tabled],
            "outcome": [m.outcome for m in tabled],
            "blockers": [";".join(keys[i] for i in m.blockers) for m in tabled],
        }
        runs = {k: [v] for k, v in self.summary().items()}
        ledger = self._ledger_columns()
        kpi = self._kpi_columns()
        risk = {"party": keys, "kind": [p.kind for p in model.parties],
                "membership_end": [p.membership.value for p in model.parties]}  # fmt: skip
        risk.update({k: v.tolist() for k, v in self._risk_arrays().items()})
        T = model.trust.T
        a, b = np.triu_indices(len(keys), k=1)
        network = {
            "a": [keys[i] for i in a.tolist()],
            "b": [keys[j] for j in b.tolist()],
            "trust": ((T[a, b] + T[b, a]) / 2).tolist(),
        }
        return {"runs": runs, "decisions": decisions, "ledger": ledger, "kpi": kpi, "risk": risk,
                "network": network}  # fmt: skip

    def _ledger_columns(self) -> dict[str, list]:
        rows = self.model.risk.ledger.rows
        cols = {name: [r[j] for r in rows] for j, name in enumerate(LEDGER_COLUMNS)}
        keys = [p.key for p in self.model.parties]
        kinds = [p.kind for p in self.model.parties]
        cols["party"] = [keys[i] for i in cols["party_index"]]
        cols["kind"] = [kinds[i] for i in cols["party_index"]]
        del cols["party_index"]
        return cols

    def _kpi_columns(self) -> dict[str, list]:
        rows = self.model.risk.ledger.kpi_rows
        return {name: [r[j] for r in rows] for j, name in enumerate(KPI_COLUMNS)}

    def _risk_arrays(self) -> dict[str, np.ndarray]:
        return risk_summary(self.model.risk.ledger.net_matrix())

    @cached_property
    def ledger(self) -> pd.DataFrame:
        """One row per party per period: direct effect, gain/pain share, cost, net (£m)."""
        frame = pd.DataFrame(self._ledger_columns())
        front = ["period", "start_day", "end_day", "party", "kind", "membership"]
        return frame[front + [c for c in frame.columns if c not in front]]

    @cached_property
    def kpi(self) -> pd.DataFrame:
        """One row per key result area per period: its score and KPI level (004 p.7)."""
        return pd.DataFrame(self._kpi_columns(), columns=list(KPI_COLUMNS))

    @cached_property
    def risk(self) -> pd.DataFrame:
        """Per-party risk over the run: expected net position, P(loss), tail loss, shares."""
        model = self.model
        frame = pd.DataFrame(self._risk_arrays())
        frame.insert(0, "party", [p.key for p in model.parties])
        frame.insert(1, "name", [p.name for p in model.parties])
        frame.insert(2, "membership", [p.membership.value for p in model.parties])
        return frame

    @property
    def network(self) -> nx.Graph:
        """The relationship network at the end of the run (GraphML-exportable)."""
        return self.model.network

    @property
    def transition_outcomes(self) -> list[tuple[int, str]]:
        return list(self.model.transition.outcomes)

    def blocks_by_party(self) -> dict[str, int]:
        """How many times each party was among a matter's blockers."""
        counts = dict.fromkeys((p.key for p in self.model.parties), 0)
        for e in self.model.log.of_kind(Ev.BLOCKED):
            for i in e.blockers:
                counts[self.model.parties[i].key] += 1
        return counts

    @cached_property
    def decisions(self) -> pd.DataFrame:
        model = self.model
        rows = []
        for m in measures.final(model.matters):
            rows.append(
                {
                    "matter_id": m.id,
                    "kind": str(m.kind),
                    "business": measures.business(m),
                    "title": m.title,
                    "proposer": model.parties[m.proposer].key,
                    "magnitude_m": m.magnitude,
                    "transition": m.transition,
                    "attempts": m.generation + 1,
                    "proposed_day": m.proposed_day,
                    "tabled_day": m.tabled_day,
                    "decided_day": m.decided_day,
                    "days_to_decision": measures.days_to_decision(m),
                    "days_from_tabling": measures.days_from_tabling(m),
                    "meetings": m.meetings,
                    "referrals": m.referrals,
                    "amendments": m.amendments,
                    "outcome": m.outcome,
                    "blockers": ";".join(model.parties[i].key for i in m.blockers),
                    "terms": ";".join(
                        f"{n}={v:.4g}" for n, v in zip(m.term_names, m.x, strict=True)
                    ),
                }
            )
        return pd.DataFrame(rows)

    @cached_property
    def votes(self) -> pd.DataFrame:
        model = self.model
        rows = [
            {
                "day": v.day,
                "date": date_of(model, v.day),
                "meeting": v.meeting,
                "matter_id": model.matters[v.matter].id,
                "party": model.parties[v.party].key,
                "vote": v.vote,
                "cast_by": v.by,
                "surplus": v.s,
                "own_financial_m": v.F,
                "system_m": v.sys,
                "reason": vote_reason(model, v),
            }
            for v in model.log.votes
        ]
        return pd.DataFrame(rows)

    @cached_property
    def events(self) -> pd.DataFrame:
        model = self.model
        ordered = sorted(enumerate(model.log.events), key=lambda ie: (ie[1].day, ie[0]))
        rows = [
            {
                "day": e.day,
                "date": date_of(model, e.day),
                "meeting": e.meeting,
                "event": e.kind.name.lower(),
                "matter_id": model.matters[e.matter].id if e.matter >= 0 else "",
                "party": model.parties[e.party].key if e.party >= 0 else "",
                "text": event_text(model, e),
            }
            for _, e in ordered
        ]
        return pd.DataFrame(rows)

    @cached_property
    def timeseries(self) -> pd.DataFrame:
        """Mesa's DataCollector series, one row per meeting: the board's figures, the alliance's
        total net position and number of full members, then each party's net position and
        membership (``net_m:<party>``, ``membership:<party>``)."""
        frame = self.model.collected()
        frame.index.name = "meeting"
        nets = [c for c in frame.columns if c.startswith("net_m:")]
        codes = [c for c in frame.columns if c.startswith("membership:")]
        figures = frame.drop(columns=nets + codes)
        figures["alliance_surplus_m"] = frame[nets].sum(axis=1)
        figures["full_members"] = (frame[codes] == "full").sum(axis=1)
        return figures.join(frame[nets + codes])

    def narrative(self, votes: bool = True) -> str:
        """The meeting-by-meeting story, each vote with its reason under the matter it concerns."""
        model = self.model
        cast: dict[int, list[str]] = {}
        for v in model.log.votes if votes else ():
            if v.vote == "referred":  # the referral event already says so
                continue
            lines = cast.setdefault(v.seq, [])
            if not lines or lines[-1][0] != v.matter:
                m = model.matters[v.matter]
                lines.append((v.matter, f"    Votes on {m.id} ({terms_text(m, v.x)}):"))
            lines.append((v.matter, "      - " + vote_reason(model, v)))
        lines: list[str] = []
        for seq, e in enumerate(model.log.events):
            lines.extend(text for _, text in cast.get(seq, []))
            if e.kind is Ev.MEETING:
                lines.extend(("", event_text(model, e)))
            else:
                lines.append("  " + event_text(model, e))
        lines.extend(text for _, text in cast.get(len(model.log.events), []))
        return "\n".join(lines).strip()
