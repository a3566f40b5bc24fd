"""A whole scenario: its name and dates, and every section, checked against one another (the
parties a matter, the host or a relationship names must exist).
"""

from __future__ import annotations

import datetime as dt

from pydantic import field_validator, model_validator

from .board import Board
from .clauses import Clauses
from .matters import MatterSpec
from .membership import MembershipRules
from .parties import Party
from .risk import Host, Risk
from .stream import Stream
from .term import Escalation, TermRules
from .trust import Trust
from .vocabulary import MOST_YEARS, RESERVED_KINDS, Strict, reference_error


class ScenarioMeta(Strict):
    name: str
    title: str = ""
    description: str = ""
    sources: tuple[str, ...] = ()
    start: dt.date = dt.date(2016, 4, 1)
    end: dt.date = dt.date(2019, 3, 31)
    transition_end: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ScenarioMeta:
        if self.end <= self.start:
            raise ValueError("scenario.end must be after scenario.start")
        if (self.end - self.start).days > MOST_YEARS * 366:
            raise ValueError(
                f"scenario.end is {(self.end - self.start).days:,} days after scenario.start; "
                f"a term may run at most {MOST_YEARS} years"
            )
        if self.transition_end is not None and not self.start <= self.transition_end <= self.end:
            raise ValueError("scenario.transition_end must fall within the term")
        return self


class Scenario(Strict):
    """A whole alliance: who is in it, how its board decides and what comes before it."""

    scenario: ScenarioMeta
    board: Board = Board()
    parties: dict[str, Party]
    matters: tuple[MatterSpec, ...] = ()
    stream: Stream = Stream()
    risk: Risk = Risk()
    membership: MembershipRules = MembershipRules()
    trust: Trust = Trust()
    escalation: Escalation = Escalation()
    host: Host = Host()
    term: TermRules = TermRules()
    clauses: Clauses = Clauses()

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
                "risk.scheme.shares", "an agreed scheme needs shares for its full members"
            )
        if scheme.status == "transition" and (
            self.scenario.transition_end is None or not self.stream.transition_matters
        ):
            raise reference_error(
                "risk.scheme.status",
                "a scheme agreed as a transition activity (001 §43c) needs scenario.transition_end "
                "and stream.transition_matters; use 'negotiated' or 'agreed' for a scheme without a "
                "transition",
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
