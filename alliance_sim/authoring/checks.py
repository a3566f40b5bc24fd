"""What is suspicious in a valid scenario: the values that pass validation but mean nothing, or
something other than the writer meant (``alliance-sim check``; ``simulate`` and ``run`` print
the same warnings).

A scenario can be valid and still empty of meaning: every party with no budget, an acute trust
without a sector (treated as a community provider), a £250,000m delegated authority typed for
£250k. Each check names the field, what it makes the model do, and what to write instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..config.assumptions import Registry
from ..config.fields import spec_of
from ..config.scenario import Scenario
from ..registry import PARTY_KINDS
from ..text import money

#: An authority limit up to this multiple of the largest matter is the largest matter rounded up
#: ("it decides everything alone"), not a unit mistake.
ROUNDED_UP = 1.5
#: A --set value this many times larger (or smaller) than the value it replaces is suspicious.
MAGNITUDE = 100.0


@dataclass(frozen=True)
class Finding:
    """One warning about one field."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def largest_matter(scenario: Scenario) -> float:
    """The largest size (£m a year) a matter of this scenario can have: the matters written out,
    the stream's largest draws, and the business it proposes once (a negotiated scheme's pool,
    the transition activities), sized as the stream sizes them."""
    from ..business.stream import stream_builder

    stream = scenario.stream
    sizes = [m.magnitude_m for m in scenario.matters]
    b = stream_builder(scenario, {key: i for i, key in enumerate(scenario.parties)})
    if scenario.risk.scheme.status == "negotiated":
        sizes.append(b.scheme_pool)
    if stream.enabled:
        sizes += [k.magnitude_m[1] for k in stream.kinds.values() if k.rate_per_year > 0]
        if stream.transition_matters and scenario.scenario.transition_end is not None:
            sizes.append(b.transition_size)
            if scenario.risk.scheme.status == "transition":
                sizes.append(b.scheme_pool)
    return max(sizes, default=0.0)


def _parties(scenario: Scenario, raw: Mapping[str, Any]) -> Iterable[Finding]:
    biggest = largest_matter(scenario)
    raw_parties = raw.get("parties", {}) if isinstance(raw, Mapping) else {}
    for key, party in scenario.parties.items():
        where = f"parties.{key}"
        if party.budget_m <= 0:
            yield Finding(
                f"{where}.budget_m",
                f"{party.name} has no budget in scope (0): its share of the business, of the "
                "risk/reward pool and of the costs of taking part are sized by budgets, so it "
                "counts for nothing; give its yearly spending or income on the alliance's "
                "services in £m a year",
            )
        kind = PARTY_KINDS[party.kind]
        if party.sector not in kind.sectors:
            allowed = ", ".join(str(s) for s in kind.sectors)
            yield Finding(
                f"{where}.sector",
                f"{party.name} is a {party.kind} with sector '{party.sector}': "
                f"{kind.sectors_why}; give one of {allowed}",
            )
        limit = party.authority.threshold_m
        if party.budget_m > 0 and limit > party.budget_m and limit > ROUNDED_UP * biggest:
            yield Finding(
                f"{where}.authority.threshold_m",
                f"{party.name}'s representative may decide matters up to {money(limit)} alone, "
                f"more than its whole budget in scope ({money(party.budget_m)} a year) and than "
                f"any matter this alliance draws (at most {money(biggest)}); money is in £m "
                "(£250k is 0.25); to let it decide everything alone, give the largest matter's "
                "size",
            )
        given = raw_parties.get(key, {}) if isinstance(raw_parties, Mapping) else {}
        if isinstance(given, Mapping) and "home_body" not in given:
            home = party.home_body
            yield Finding(
                f"{where}.home_body",
                f"not given, so {party.name}'s representative refers to '{home.name}', meeting "
                f"every {home.cadence_days} days from day {home.first_meeting_day} with "
                f"{home.notice_days} days' notice (the defaults); give its real board or "
                "committee and calendar",
            )


def _overrides(
    base: Scenario, overrides: Mapping[str, Any], raw: Mapping[str, Any]
) -> Iterable[Finding]:
    """An override far from the value it replaces: a unit mistake more often than a design."""
    from ..config.assumptions import lookup

    data = base.model_dump(mode="json")
    for path, value in overrides.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        try:
            before = lookup(data, path)
        except (KeyError, IndexError, ValueError, TypeError):
            continue
        if isinstance(before, bool) or not isinstance(before, int | float) or not before:
            continue
        ratio = abs(value / before) if value else 0.0
        if ratio >= MAGNITUDE or 0 < ratio <= 1 / MAGNITUDE:
            spec = spec_of(path)
            unit = f" ({spec.unit})" if spec is not None and spec.unit else ""
            how = (
                f"{ratio:,.0f} times the value it replaces"
                if ratio >= 1
                else f"a {1 / ratio:,.0f}th of the value it replaces"
            )
            hint = " (money is in £m: £250k is 0.25)" if unit.startswith(" (£m") else ""
            yield Finding(
                path,
                f"--set gives {value:g}{unit}, {how} ({before:g}): is it in the field's "
                f"unit?{hint}",
            )


def _assumptions(registry: Registry) -> Iterable[Finding]:
    for a in registry:
        if not a.ranged:
            yield Finding(
                a.path,
                "marked as an assumption, but no plausible range is known, so sensitivity "
                "analysis cannot vary it; give one in the comment: `# assumption [low, high]: "
                "why`",
            )


def findings(
    scenario: Scenario,
    raw: Mapping[str, Any],
    registry: Registry | None = None,
    base: Scenario | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """Every warning about a validated scenario. ``raw`` is the file's data as written (with the
    overrides applied), ``base`` the scenario without the overrides."""
    out = list(_parties(scenario, raw))
    if overrides and base is not None:
        out += list(_overrides(base, overrides, raw))
    if registry is not None:
        out += list(_assumptions(registry))
    return out


@dataclass(frozen=True)
class Checked:
    """A scenario file checked: the validated scenario, its data as written and the warnings."""

    source: str
    scenario: Scenario
    raw: dict[str, Any]
    overrides: dict[str, Any]
    registry: Registry
    findings: list[Finding]


def check(name_or_path, overrides: Mapping[str, Any] | Iterable[str] | None = None) -> Checked:
    """Validate a scenario (by built-in name or path, with ``--set`` overrides) and find what is
    suspicious in it; a bad file raises :class:`InputError` as loading does."""
    from ..config.assumptions import build_registry
    from ..config.loading import apply_overrides, load_scenario, parse_override, read_scenario_file

    file = read_scenario_file(name_or_path)
    given = overrides or {}
    if not isinstance(given, Mapping):
        given = dict(parse_override(o) for o in given)
    scenario = load_scenario(file, given or None)
    base = load_scenario(file) if given else scenario
    raw = apply_overrides(file.data, given, file.source) if given else file.data
    registry = build_registry(name_or_path, given or None)
    found = findings(scenario, raw, registry, base, given)
    return Checked(file.source, scenario, raw, dict(given), registry, found)
