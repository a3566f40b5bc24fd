"""A whole scenario: its name and dates, and every section, checked against one another (the
parties a matter, the host or a relationship names must exist).
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator, model_validator

from .board import Board
from .clauses import Clauses
from .matters import MatterSpec
from .membership import MembershipRules
from .parties import Party
from .risk import Host, Risk
from .stream import Stream
from .term import Escalation, TermRules
from .trust import Trust
from .vocabulary import DATE, MOST_YEARS, RESERVED_KINDS, YOURS, Strict, doc, reference_error

MINE = doc(source=YOURS)


class ScenarioMeta(Strict):
    name: str = Field(
        description="a short name for the alliance (results and reports show it)",
        json_schema_extra=MINE,
    )
    title: str = Field("", description="a one-line title", json_schema_extra=MINE)
    description: str = Field(
        "", description="what the alliance is, for readers", json_schema_extra=MINE
    )
    sources: tuple[str, ...] = Field(
        (), description="the documents and clauses the file draws on", json_schema_extra=MINE
    )
    start: dt.date = Field(
        description="the first day of the agreement's term; days are counted from it",
        json_schema_extra=doc(DATE, YOURS),
    )
    end: dt.date = Field(
        description="the last day of its term: the simulation ends here",
        json_schema_extra=doc(DATE, YOURS),
    )
    transition_end: dt.date | None = Field(
        None,
        description="the deadline for the transition matters (001 §43) and, when it is missed, "
        "the escalation to an extension, a reconfiguration or termination (001 §40); none: no "
        "transition",
        json_schema_extra=doc(DATE, YOURS),
    )

    @model_validator(mode="after")
    def _ordered(self) -> ScenarioMeta:
        if self.end <= self.start:
            raise reference_error(
                "scenario.end",
                f"is {self.end.isoformat()}, not after scenario.start ({self.start.isoformat()}); "
                "the term runs from start to end",
            )
        if (self.end - self.start).days > MOST_YEARS * 366:
            raise reference_error(
                "scenario.end",
                f"is {(self.end - self.start).days:,} days after scenario.start; a term may run at "
                f"most {MOST_YEARS} years",
            )
        if self.transition_end is not None and not self.start <= self.transition_end <= self.end:
            raise reference_error(
                "scenario.transition_end",
                f"is {self.transition_end.isoformat()}, outside the term "
                f"({self.start.isoformat()} to {self.end.isoformat()}); write `none` for no "
                "transition deadline",
            )
        return self


class Scenario(Strict):
    """A whole alliance: who is in it, how its board decides and what comes before it."""

    scenario: ScenarioMeta = Field(description="the alliance's name and term")
    board: Board = Field(Board(), description="the Alliance Leadership Board's procedure")
    parties: dict[str, Party] = Field(
        description="the organisations, each under a key of your choosing (e.g. "
        "[parties.council]); the key names the party in overrides and experiments"
    )
    matters: tuple[MatterSpec, ...] = Field(
        (), description="matters written out by hand, besides the generated stream"
    )
    stream: Stream = Field(Stream(), description="the business generated over the term")
    risk: Risk = Field(Risk(), description="outcomes, KPI levels and the risk/reward pool")
    membership: MembershipRules = Field(
        MembershipRules(), description="how members join and leave over the term"
    )
    trust: Trust = Field(Trust(), description="trust between the parties")
    escalation: Escalation = Field(
        Escalation(), description="what follows a missed transition deadline (001 §40-43)"
    )
    host: Host = Field(Host(), description="the host partner and its recovered costs (002 §6.4)")
    term: TermRules = Field(
        TermRules(), description="the term's extension and its ending early (001 §40; 002 §6)"
    )
    clauses: Clauses = Field(
        Clauses(),
        description="the alliance's own clause for each rule the model applies, as its reasons "
        "cite it; a rule left out cites nothing",
    )

    @field_validator("parties")
    @classmethod
    def _some_parties(cls, value: dict[str, Party]) -> dict[str, Party]:
        if not value:
            raise ValueError("an alliance needs at least one party")
        return value

    @model_validator(mode="after")
    def _references_known(self) -> Scenario:
        known = set(self.parties)
        allowed = f"it must be one of the parties: {sorted(known)}"
        seen: set[str] = set()
        for n, m in enumerate(self.matters):
            if m.id in seen:
                raise reference_error(f"matters[{n}].id", f"matter id '{m.id}' is used twice")
            seen.add(m.id)
            if (m.kind in RESERVED_KINDS and not self.stream.reserved_matters
                    and not self.stream.commissioning_outside_board):  # fmt: skip
                raise reference_error(
                    f"matters[{n}].kind",
                    f"matter '{m.id}' is a Reserved Matter ({m.kind}), but stream.reserved_matters "
                    "is false: this alliance's commissioners hold none (002 §3.5)",
                )
            refs = [("proposer", m.proposer)] + ([("subject", m.subject)] if m.subject else [])
            refs += [(f"conflicts[{j}]", ref) for j, ref in enumerate(m.conflicts)]
            for table in ("impacts", "ideals", "pool_shares"):
                refs += [(f"{table}.{ref}", ref) for ref in getattr(m, table)]
            for field, ref in refs:
                if ref not in known:
                    raise reference_error(
                        f"matters[{n}].{field}", f"names party '{ref}', which is unknown; {allowed}"
                    )
            grounds = self.board.prohibited_grounds
            if m.prohibited and m.prohibited not in grounds:
                raise reference_error(
                    f"matters[{n}].prohibited",
                    f"names the ground '{m.prohibited}', which this agreement does not have; it "
                    f"must be one of board.prohibited_grounds: {list(grounds)}",
                )
        if self.host.party and self.host.party not in known:
            raise reference_error(
                "host.party", f"names party '{self.host.party}', which is unknown; {allowed}"
            )
        for n, ref in enumerate(self.stream.admission_subjects):
            if ref not in known:
                raise reference_error(
                    f"stream.admission_subjects[{n}]",
                    f"names party '{ref}', which is unknown; {allowed}",
                )
        scheme = self.risk.scheme
        for ref in scheme.shares:
            if ref not in known:
                raise reference_error(
                    f"risk.scheme.shares.{ref}", f"names party '{ref}', which is unknown; {allowed}"
                )
        if scheme.proposer and scheme.proposer not in known:
            raise reference_error(
                "risk.scheme.proposer",
                f"names party '{scheme.proposer}', which is unknown; {allowed}",
            )
        if scheme.status == "agreed" and not sum(scheme.shares.values()) > 0:
            raise reference_error(
                "risk.scheme.shares",
                "gives no share above 0, which an agreed scheme needs: write each full member's "
                "share of the pool, e.g. shares = { ccg = 0.5, council = 0.2, acute = 0.3 }",
            )
        if scheme.status == "transition" and (
            self.scenario.transition_end is None or not self.stream.transition_matters
        ):
            raise reference_error(
                "risk.scheme.status",
                "is 'transition', a scheme agreed as a transition activity (001 §43c), which "
                "needs scenario.transition_end and stream.transition_matters; use 'negotiated' "
                "or 'agreed' for a scheme without a transition",
            )
        if scheme.status == "negotiated" and scheme.day >= self.horizon_days:
            raise reference_error(
                "risk.scheme.day", f"must fall within the term (before day {self.horizon_days})"
            )
        for n, rel in enumerate(self.trust.relationships):
            for field in ("a", "b"):
                ref = getattr(rel, field)
                if ref not in known:
                    raise reference_error(
                        f"trust.relationships[{n}].{field}",
                        f"names party '{ref}', which is unknown; {allowed}",
                    )
        return self

    @property
    def horizon_days(self) -> int:
        return (self.scenario.end - self.scenario.start).days

    def day_of(self, date: dt.date) -> int:
        return (date - self.scenario.start).days
