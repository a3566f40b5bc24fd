"""``alliance-sim scenarios`` and ``alliance-sim simulate``: one alliance, one seed, the whole story."""

from __future__ import annotations

import argparse
from pathlib import Path

import networkx as nx

from ..board.rules import counterfactual_note, rules_help
from ..config import Clause
from ..config.loading import builtin_names, load_scenario
from ..errors import InputError, shorten
from ..registry import DECISION_RULES, PARTY_KINDS
from ..simulation import simulate


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scenarios", help="list the built-in scenarios")
    p.set_defaults(func=list_scenarios)

    p = sub.add_parser("simulate", help="simulate one alliance over its term and tell the story")
    p.add_argument(
        "scenario", help="built-in scenario name (see `alliance-sim scenarios`) or TOML file"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario field, e.g. parties.council.membership=associate (repeatable); "
        + rules_help().replace("%", "%%"),
    )
    p.add_argument(
        "--out", type=Path, help="write decisions, votes, events, timeseries as CSV here"
    )
    p.add_argument("--quiet", action="store_true", help="print the summary only, not the narrative")
    p.add_argument(
        "--no-votes", action="store_true", help="leave individual votes out of the narrative"
    )
    p.set_defaults(func=run_simulate)


def list_scenarios(args: argparse.Namespace) -> int:
    for name in builtin_names():
        meta = load_scenario(name).scenario
        print(f"{name:15s} {shorten(meta.title, 120)}")
        print(f"{'':15s} {meta.start} to {meta.end}; sources: {', '.join(meta.sources)}")
    print("\nDecision rules (board.rule):")
    for name, rule in DECISION_RULES.items():
        mark = " [counterfactual: no alliance document has it]" if rule.counterfactual else ""
        print(f"  {name:20s} {rule.source}{mark}")
    print(f"\nKinds of party (parties.<id>.kind): {', '.join(PARTY_KINDS.names())}")
    return 0


def summary_text(result) -> str:
    s = result.summary()
    blocks = {k: v for k, v in result.blocks_by_party().items() if v}
    lines = [
        f"Summary: {shorten(result.scenario.scenario.title or result.scenario.scenario.name, 120)} "
        f"(seed {result.seed})",
        f"  matters tabled        {s['matters']}",
        f"  ordinary business     {s['business']} put to the board's vote: agreed "
        f"{s['business_agreed']}, stalemated {s['business_stalemated']}",
        f"  stalemate rate        {_share(s['stalemate_rate'])} of the ordinary business settled "
        "(agreed or stalemated; still open at the end left out)",
        f"  days to decision      median {_day(s['median_days'])}, p90 {_day(s['p90_days'])} "
        "from first proposal to agreement",
        f"  censored view         {_km_text(result)}",
        f"  resolutions refused   {s['resolutions_refused']} of {s['resolutions']} governance "
        "resolutions settled (extensions, reconfiguration, termination, removal)",
        f"  counted apart         void {s['void']}, reserved {s['reserved']}, withdrawn "
        f"{s['withdrawn']}, still open at the end {s['open_at_end']}",
        f"  referrals to home bodies {s['referrals']}, amendments {s['amendments']}",
        "  blocks by party       "
        + (
            ", ".join(f"{k} {v}" for k, v in sorted(blocks.items(), key=lambda kv: -kv[1]))
            or "none"
        ),
    ]
    note = counterfactual_note(result.scenario.board.rule)
    if note:
        lines.append(f"  decision rule         {note}")
    risk = result.risk
    lines.append("")
    pooled = result.model.risk.shares is not None
    shared = "full members shared gains and pains by the scheme they agreed"
    clause = result.scenario.clauses.of(Clause.RISK_SHARING)
    lines.append(
        "Risk by party over the term (£m; "
        + (
            f"{shared}{', ' + clause if clause else ''}):"
            if pooled
            else "no risk/reward scheme was agreed, so each kept its own effects):"
        )
    )
    lines.append(
        f"  {'party':24s} {'member':9s} {'net':>7s} {'P(loss)':>8s} {'tail':>7s} "
        f"{'downside':>9s} {'upside':>7s}"
    )
    for row in risk.itertuples():
        lines.append(
            f"  {row.party[:24]:24s} {row.membership:9s} {row.expected_net_m:7.2f} "
            f"{row.prob_loss:8.0%} {row.tail_loss_m:7.2f} {row.downside_share:9.0%} "
            f"{row.upside_share:7.0%}"
        )
    outcomes = result.transition_outcomes
    if result.model.transition_day is not None or outcomes:
        told = ", ".join(f"{how} on day {day}" for day, how in outcomes) or "none needed"
        lines.append(f"  transition escalations: {told}")
    term = result.model.term
    if result.scenario.term.extension_years > 0:
        lines.append(
            f"  extension of the term ({result.scenario.term.extension_years:g} years): "
            f"{term.extension or 'not decided within the term'} (the run still ends with the term)"
        )
    if result.model.terminated_day is not None:
        lines.append(f"  terminated on day {result.model.terminated_day}")
    return "\n".join(lines)


def _km_text(result) -> str:
    """The Kaplan–Meier median of days to decision with its Greenwood (log-log) 95% interval,
    the ordinary business the board left undecided censored (``survival.py``)."""
    from .. import measures
    from ..survival import kaplan_meier

    matters = [m for m in measures.final(result.model.matters)
               if measures.business(m) == measures.ORDINARY]  # fmt: skip
    if not matters:
        return "no ordinary business put to the board"
    km = kaplan_meier([measures.days_to_decision(m) for m in matters],
                      [m.outcome in measures.EVENTS for m in matters])  # fmt: skip
    lo, hi = km.median_interval(0.95)
    return (f"Kaplan-Meier median {_day(km.median())} days [95%: {_day(lo)}, {_day(hi)}], the "
            f"{_matters(int(km.censored.sum()))} stalemated, withdrawn or still open censored")  # fmt: skip


def _day(x: float) -> str:
    return "not reached" if x != x else f"{x:.0f}"


def _share(x: float) -> str:
    return "n/a" if x != x else f"{x:.1%}"


def _matters(n: int) -> str:
    return f"{n} matter" if n == 1 else f"{n} matters"


def run_simulate(args: argparse.Namespace) -> int:
    if args.out and args.out.exists() and not args.out.is_dir():
        raise InputError(f"--out {args.out}: is a file; give a folder for the tables.")
    result = simulate(args.scenario, seed=args.seed, overrides=args.overrides)
    if not args.quiet:
        print(result.narrative(votes=not args.no_votes))
        print()
    print(summary_text(result))
    if args.out:
        try:
            args.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"--out {args.out}: cannot create the folder ({exc.strerror})."
            ) from None
        names = ("decisions", "votes", "events", "timeseries", "ledger", "kpi", "risk")
        for name in names:
            getattr(result, name).to_csv(args.out / f"{name}.csv", index=name == "timeseries")
        nx.write_graphml(result.network, args.out / "network.graphml")
        listed = ", ".join(f"{n}.csv" for n in names)
        print(f"\nTables written to {args.out}/ ({listed}, network.graphml)")
    return 0
