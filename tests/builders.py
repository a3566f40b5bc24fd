"""Small hand-built alliances for rule tests, and hand calculations of the board's calendar.

Scenarios are plain dicts validated with ``Scenario.model_validate`` and the generated stream is
always off, so every matter before the board is written out in the test and its outcome can be
worked out by hand. Calendar helpers enumerate meeting days directly rather than reusing any of the
engine's own arithmetic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from alliance_sim import AllianceModel, Scenario
from alliance_sim.config import Membership
from alliance_sim.records.events import Ev, Event, Vote
from alliance_sim.records.matters import Matter

START = dt.date(2020, 1, 1)

#: Dynamics that arrive after issue 2 -- new representatives, funding shocks that make members
#: withdraw, a council leaving when its provider is refused -- are random or change membership in
#: mid-term, so they are switched off here to leave the board protocol as the only thing deciding
#: what happens. A section or field the schema no longer has is an error, not a silent no-op.
QUIET = {
    "trust": {"rep_turnover_per_year": 0.0},
    "risk": {"funding_shocks_per_year": 0.0},
    "membership": {"council_response_to_refusal": "stay"},
}


def quiet_sections() -> dict[str, dict[str, Any]]:
    for section, fields in QUIET.items():
        info = Scenario.model_fields.get(section)
        known = getattr(info.annotation, "model_fields", {}) if info is not None else {}
        missing = sorted(set(fields) - set(known))
        if info is None or missing:
            raise KeyError(f"QUIET names {section}.{missing or ''}, which Scenario no longer has")
    return {section: dict(fields) for section, fields in QUIET.items()}


def party(kind: str = "provider", membership: str = "full", **fields: Any) -> dict[str, Any]:
    """One party; authority defaults to £1m with no excluded categories (so magnitude 0 never refers)."""
    out: dict[str, Any] = {"name": fields.pop("name", f"{kind} party"), "kind": kind}
    out["membership"] = membership
    out.update(fields)
    return out


def matter(id: str, proposer: str, **fields: Any) -> dict[str, Any]:
    """One hand-written matter; kind defaults to a service change with no terms."""
    out: dict[str, Any] = {"id": id, "kind": "service_change", "proposer": proposer}
    out.update(fields)
    return out


def gains(**impacts: float) -> dict[str, dict[str, float]]:
    """Certain (sd 0) financial impacts per party, e.g. ``gains(a=1.0, b=-2.0)``."""
    return {key: {"mean_m": value} for key, value in impacts.items()}


def scenario_dict(
    parties: dict[str, dict[str, Any]],
    matters: Iterable[dict[str, Any]] = (),
    *,
    days: int = 730,
    **board: Any,
) -> dict[str, Any]:
    """A scenario over ``days`` days from ``START`` with the generated stream switched off."""
    return {
        "scenario": {"name": "test", "start": START, "end": START + dt.timedelta(days=days)},
        "board": board,
        "parties": parties,
        "matters": list(matters),
        "stream": {"enabled": False},
        **quiet_sections(),
    }


def build(
    parties: dict[str, dict[str, Any]],
    matters: Iterable[dict[str, Any]] = (),
    *,
    days: int = 730,
    **board: Any,
) -> Scenario:
    return Scenario.model_validate(scenario_dict(parties, matters, days=days, **board))


def run(scenario: Scenario | dict, seed: int = 0, room_vote=None) -> AllianceModel:
    if isinstance(scenario, dict):
        scenario = Scenario.model_validate(scenario)
    return AllianceModel(scenario, seed=seed, room_vote=room_vote).run()


# -- reading a finished model ------------------------------------------------------------------


def get_matter(model: AllianceModel, matter_id: str) -> Matter:
    (found,) = [m for m in model.matters if m.id == matter_id]
    return found


def votes_on(model: AllianceModel, matter_id: str) -> list[Vote]:
    idx = get_matter(model, matter_id).idx
    return [v for v in model.log.votes if v.matter == idx]


def events_on(model: AllianceModel, matter_id: str, kind: Ev | None = None) -> list[Event]:
    idx = get_matter(model, matter_id).idx
    return [e for e in model.log.events if e.matter == idx and (kind is None or e.kind is kind)]


def key(model: AllianceModel, index: int) -> str:
    return model.parties[index].key


def referrals(model: AllianceModel, matter_id: str) -> dict[str, int]:
    """{party key: the day its home body will answer} for every referral of the matter."""
    return {
        key(model, e.party): int(e.answer_day) for e in events_on(model, matter_id, Ev.REFERRED)
    }


def home_answers(model: AllianceModel, matter_id: str) -> dict[str, tuple[int, bool]]:
    """{party key: (day its home body answered, whether it approved)} for the matter."""
    return {
        key(model, e.party): (int(e.day), bool(e.approved))
        for e in events_on(model, matter_id, Ev.HOME_DECISION)
    }


def full_member_keys(scenario: Scenario) -> set[str]:
    return {k for k, p in scenario.parties.items() if p.membership is Membership.FULL}


def attendee_keys(scenario: Scenario) -> set[str]:
    return {k for k, p in scenario.parties.items() if p.membership is not Membership.NONE}


# -- the calendar, by hand ---------------------------------------------------------------------


def board_days(scenario: Scenario) -> list[int]:
    """Every board meeting day of the term, enumerated from first meeting and cadence."""
    b = scenario.board
    horizon = (scenario.scenario.end - scenario.scenario.start).days
    days, d = [], b.first_meeting_day
    while d <= horizon:
        days.append(d)
        d += b.cadence_days
    return days


def tabling_day(scenario: Scenario, arrival_day: int) -> int | None:
    """The first board meeting at least ``notice_days`` after the matter was proposed."""
    notice = scenario.board.notice_days
    return next((d for d in board_days(scenario) if d >= arrival_day + notice), None)


def home_answer_day(scenario: Scenario, party_key: str, referred_on: int) -> int:
    """The first meeting of the party's home body that has the papers ``notice_days`` ahead."""
    hb = scenario.parties[party_key].home_body
    d = hb.first_meeting_day
    while d < referred_on + hb.notice_days:
        d += hb.cadence_days
    return d


def first_board_meeting_after(scenario: Scenario, day: int) -> int | None:
    """The first board meeting strictly after ``day``."""
    return next((d for d in board_days(scenario) if d > day), None)


def refers(scenario: Scenario, party_key: str, magnitude: float, categories: Iterable[str]) -> bool:
    """Whether the party's representative lacks delegated authority (000 §3.2.3)."""
    auth = scenario.parties[party_key].authority
    excluded = {str(c) for c in auth.excluded_categories}
    return magnitude > auth.threshold_m or bool(excluded & {str(c) for c in categories})
