"""From result files to the tables of a committee paper: one row per design, paired differences.

Everything is computed from the result folder alone (parts + manifest), streaming the large tables
part by part and keeping only per-run reductions, so a report can be rebuilt next month and memory
stays bounded however many runs there are.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import measures
from ..batch import stats
from ..batch.store import ResultStore
from ..errors import shorten
from ..survival import censored_onto, hist_median
from .risk import NetPositions, net_positions, risk_measures

UNIT = ["sample", "replication"]
ENDINGS = ("termination", "reconfiguration")
METRICS = {
    "stalemate_rate": "stalemate rate",
    "mean_days": "mean days to decision",
    "median_days": "median days to decision",
    "p90_days": "p90 days to decision",
    "km_median_days": "Kaplan-Meier median days (undecided censored)",
    "survived": "alliance survived the term",
}
#: The measures printed and put in the report's table (all of them go to differences.csv).
HEADLINE_METRICS = ("stalemate_rate", "mean_days", "km_median_days", "survived")
#: The measures of days to decision, in the order ``_day_measures`` computes them.
DAY_MEASURES = ("mean_days", "median_days", "p90_days")
#: The columns of a paired comparison's statistic, by name, in the order it returns them.
DIFFERENCE_COLUMNS = ("stalemate_rate", *DAY_MEASURES, "km_median_days", "survived")
assert set(DIFFERENCE_COLUMNS) == set(METRICS), "every compared measure has a name in METRICS"


@dataclass
class Reduced:
    """Per-run reductions of the result tables."""

    runs: pd.DataFrame
    days_values: np.ndarray
    days: pd.DataFrame  # cell, replication, days, count (decided matters)
    censored: pd.DataFrame  # cell, replication, days, count (matters left undecided)
    endings: pd.DataFrame  # cell, replication, terminated, reconfigured
    blocks: dict[int, Counter]
    coblocks: dict[int, Counter]
    nets: NetPositions | None
    trust: dict[int, dict[tuple[str, str], float]]


@dataclass
class Summary:
    """The experiment's statistics, as tables (also written as CSV next to the parts)."""

    label_columns: list[str]
    designs: pd.DataFrame
    differences: pd.DataFrame
    risk: pd.DataFrame | None
    days_values: np.ndarray
    days_hist: np.ndarray  # designs x values, pooled counts of decided matters
    censored_hist: np.ndarray | None  # designs x values, undecided matters on the same grid
    blocks: dict[int, dict[str, float]]  # design -> party -> blocks per run
    coblocks: dict[int, dict[tuple[str, str], float]]  # design -> pair -> joint blocks per run
    trust: dict[int, dict[tuple[str, str], float]]  # design -> pair -> mean end-of-term trust
    parties: dict[str, list[dict]]
    confidence: float
    notes: list[str] = field(default_factory=list)
    rules: dict[int, str] = field(default_factory=dict)  # design -> its decision rule

    def counterfactual_notes(self) -> list[str]:
        """One sentence per counterfactual decision rule some design uses, naming the designs and
        quoting the rule's source (``board/rules.py``): such a design is not what any alliance's
        document has."""
        from ..board.rules import counterfactual_note

        by_rule: dict[str, list[int]] = {}
        for design, rule in sorted(self.rules.items()):
            if counterfactual_note(rule):
                by_rule.setdefault(rule, []).append(design)
        return [
            f"{'Design' if len(ds) == 1 else 'Designs'} "
            f"{', '.join(self.design_name(d) for d in ds)}: {counterfactual_note(rule)}."
            for rule, ds in by_rule.items()
        ]

    def design_name(self, design: int) -> str:
        row = self.designs.loc[self.designs["design"] == design].iloc[0]
        return ", ".join(f"{c}={_fmt(row[c])}" for c in self.label_columns) or "baseline"

    def text(self) -> str:
        """The summary table printed at the end of ``alliance-sim run``."""
        pct = int(round(self.confidence * 100))
        header = [
            *self.label_columns,
            "runs",
            "stalemate rate",
            "mean days to decision",
            "median",
            "p90",
            "KM median",
            "open at end",
            "survived the term",
        ]
        rows = []
        for _, r in self.designs.iterrows():
            if r["runs"] <= 0:
                rows.append(
                    [*(_fmt(r[c]) for c in self.label_columns), "0", "", "", "", "", "", "", ""]
                )
                continue
            rows.append(
                [
                    *(_fmt(r[c]) for c in self.label_columns),
                    f"{int(r['runs'])}",
                    f"{r['stalemate_rate']:.1%} [{r['stalemate_lo']:.1%}, {r['stalemate_hi']:.1%}]",
                    f"{r['mean_days']:.1f} [{r['mean_days_lo']:.1f}, {r['mean_days_hi']:.1f}]",
                    f"{r['median_days']:.0f}",
                    f"{r['p90_days']:.0f}",
                    f"{_day(r['km_median_days'])} [{_day(r['km_median_days_lo'])}, "
                    f"{_day(r['km_median_days_hi'])}]",
                    f"{r.get('open_at_end_per_run', 0.0):.1f} a run",
                    f"{r['survived']:.1%} [{r['survived_lo']:.1%}, {r['survived_hi']:.1%}]",
                ]
            )
        lines = [
            f"Designs (brackets: {pct}% intervals; runs are the unit of replication). The stalemate "
            "rate is of the ordinary business put to the board's vote and settled (agreed or "
            "stalemated); days to decision run from first proposal to agreement of that business; "
            "'open at end' counts the business still before the board when the term ended, left "
            "out of both; void, reserved and withdrawn business and governance resolutions are "
            "counted apart. 'KM median' is the Kaplan-Meier median of days to decision over all "
            "that business, what was open at the end, stalemated or withdrawn counted as censored "
            "(undecided after the days it waited)."
        ]
        lines += _table(header, rows)
        lines += [f"  Counterfactual: {note}" for note in self.counterfactual_notes()]
        if not self.differences.empty:
            lines += ["", f"Paired differences on common random numbers ({pct}% intervals)"]
            drows = []
            shown = self.differences[self.differences["metric"].isin(HEADLINE_METRICS)]
            for _, d in shown.iterrows():
                fmt = _days if d["metric"].endswith("_days") else _pp
                drows.append(
                    [
                        f"{d['factor']}: {_fmt(d['level'])} - {_fmt(d['reference'])}",
                        d["context"] or "-",
                        METRICS[d["metric"]],
                        fmt(d["difference"]),
                        f"[{fmt(d['paired_lo'])}, {fmt(d['paired_hi'])}]",
                        f"[{fmt(d['unpaired_lo'])}, {fmt(d['unpaired_hi'])}]",
                    ]
                )
            lines += _table(
                ["comparison", "where", "measure", "difference", "paired", "unpaired"], drows
            )
        return "\n".join(lines)


def _fmt(value) -> str:
    if isinstance(value, float | np.floating):
        return f"{value:.4g}"
    return shorten(value, 40)  # a level is a user's text: it must not stretch the table


def _day(x: float) -> str:
    return f"{x:.0f}" if np.isfinite(x) else "not reached"


def _pp(x: float) -> str:
    return f"{x * 100:+.1f} pp" if np.isfinite(x) else "n/a"


def _days(x: float) -> str:
    return f"{x:+.1f} d" if np.isfinite(x) else "n/a"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    out = ["  " + line, "  " + "  ".join("-" * w for w in widths)]
    out += ["  " + "  ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=True)) for r in rows]
    return out


# ---------------------------------------------------------------- reduction


def reduce_store(store: ResultStore) -> Reduced:
    """Read every part once, keeping per-run reductions only."""
    runs = store.read_table("runs")
    cell_design = dict(zip(runs["cell"], runs["design"], strict=False))
    day_frames, censored_frames, ending_frames = [], [], []
    blocks: dict[int, Counter] = {}
    coblocks: dict[int, Counter] = {}
    columns = ["cell", "replication", "days_to_decision", "outcome", "business", "blockers",
               "kind"]  # fmt: skip
    tables = store.tables()
    if "decisions" in tables:
        import pyarrow as pa
        import pyarrow.compute as pc

        decided_set = pa.array(list(measures.EVENTS))
        censored_set = pa.array(list(measures.CENSORED))
        for part in store.iter_arrow("decisions", columns):
            # ordinary business agreed is the KM's events; left undecided, its censored times
            ordinary = part.filter(pc.equal(part["business"], measures.ORDINARY))
            for value_set, frames in ((decided_set, day_frames), (censored_set, censored_frames)):
                chosen = ordinary.filter(pc.is_in(ordinary["outcome"], value_set=value_set))
                counts = chosen.group_by(
                    ["cell", "replication", "days_to_decision"], use_threads=False
                ).aggregate([("outcome", "count")])
                frames.append(
                    counts.rename_columns(
                        ["cell", "replication", "days_to_decision", "count"]
                    ).to_pandas()
                )
            if "kind" in part.column_names:
                ended = part.filter(
                    pc.and_(
                        pc.equal(part["outcome"], "agreed"),
                        pc.is_in(part["kind"], value_set=pa.array(list(ENDINGS))),
                    )
                )
                if ended.num_rows:
                    frame = ended.select(["cell", "replication", "kind"]).to_pandas()
                    flags = pd.crosstab([frame["cell"], frame["replication"]], frame["kind"])
                    ending_frames.append(flags.reset_index())
            if "blockers" in part.column_names:
                _count_blocks(part, cell_design, blocks, coblocks)
    days, censored = (
        (
            pd.concat(frames, ignore_index=True)
            if frames
            else pd.DataFrame(columns=["cell", "replication", "days_to_decision", "count"])
        ).rename(columns={"days_to_decision": "days"})
        for frames in (day_frames, censored_frames)
    )
    endings = runs[["cell", "replication"]].copy()
    if ending_frames:
        found = pd.concat(ending_frames, ignore_index=True).groupby(["cell", "replication"]).sum()
        endings = endings.merge(found.reset_index(), on=["cell", "replication"], how="left")
    for kind, column in zip(ENDINGS, ("terminated", "reconfigured"), strict=True):
        if column in runs.columns:  # the runs say so themselves
            endings[column] = runs[column].to_numpy() > 0
        elif kind in endings.columns:
            endings[column] = endings[kind].fillna(0).to_numpy() > 0
        else:
            endings[column] = False
    endings = endings[["cell", "replication", "terminated", "reconfigured"]]
    nets = None
    if "ledger" in tables:
        cols = ["cell", "design", "sample", "replication", "party", "kind", "membership", "net_m"]
        nets = net_positions(store.iter_arrow("ledger", cols))
    trust: dict[int, dict[tuple[str, str], float]] = {}
    if "network" in tables:
        frames = [
            part.group_by(["design", "a", "b"], use_threads=False)
            .aggregate([("trust", "sum"), ("trust", "count")])
            .to_pandas()
            for part in store.iter_arrow("network", ["design", "a", "b", "trust"])
        ]
        if frames:
            sums = pd.concat(frames).groupby(["design", "a", "b"]).sum()
            mean = sums["trust_sum"] / sums["trust_count"]
            for (design, a, b), value in mean.items():
                trust.setdefault(int(design), {})[(a, b)] = float(value)
    values = np.sort(days["days"].unique()).astype(float) if len(days) else np.zeros(0)
    return Reduced(runs, values, days, censored, endings, blocks, coblocks, nets, trust)


def _count_blocks(part, cell_design: dict, blocks: dict, coblocks: dict) -> None:
    """Add one decisions part's blocks per party, and joint blocks per pair, per design."""
    import pyarrow.compute as pc

    blocked = part.filter(pc.not_equal(part["blockers"], ""))
    if not blocked.num_rows:
        return
    frame = pd.DataFrame(
        {
            "design": pd.Series(blocked["cell"].to_numpy()).map(cell_design).fillna(-1),
            "who": blocked["blockers"].to_pandas().str.split(";"),
        }
    )
    single = frame.explode("who")
    for (design, who), n in single.groupby(["design", "who"]).size().items():
        blocks.setdefault(int(design), Counter())[who] += int(n)
    several = frame[frame["who"].str.len() > 1]
    for design, who in zip(several["design"], several["who"], strict=True):
        coblocks.setdefault(int(design), Counter()).update(itertools.combinations(sorted(who), 2))


def _hist(reduced: Reduced, units: pd.DataFrame, censored: bool = False) -> np.ndarray:
    """(len(units), V) counts of decided matters per run, in the order of ``units``; with
    ``censored``, of the matters left undecided, each put on the grid of decision days where
    the Kaplan–Meier estimate is unchanged (``survival.censored_onto``)."""
    hist = np.zeros((len(units), len(reduced.days_values)), dtype=np.int64)
    days = reduced.censored if censored else reduced.days
    if not len(units) or not len(days):
        return hist
    span = int(max(units["replication"].max(), days["replication"].max())) + 1
    unit_key = units["cell"].to_numpy(np.int64) * span + units["replication"].to_numpy(np.int64)
    day_key = days["cell"].to_numpy(np.int64) * span + days["replication"].to_numpy(np.int64)
    order = np.argsort(unit_key)
    found = np.searchsorted(unit_key, day_key, sorter=order)
    found = np.clip(found, 0, len(unit_key) - 1)
    rows = order[found]
    ok = unit_key[rows] == day_key
    at = days["days"].to_numpy(dtype=float)
    if censored:
        cols = censored_onto(reduced.days_values, at)
        ok &= cols >= 0  # censored before any decision: never at risk at one
    else:
        cols = np.searchsorted(reduced.days_values, at)
    np.add.at(hist, (rows[ok], cols[ok]), days["count"].to_numpy(dtype=np.int64)[ok])
    return hist


def _settled(units: pd.DataFrame) -> np.ndarray:
    """Ordinary business per run the board settled by its vote (agreed or stalemated): the
    stalemate rate's denominator (``measures.DEFINITIONS``)."""
    return units["business_agreed"].to_numpy() + units["business_stalemated"].to_numpy()


def _survived(units: pd.DataFrame) -> np.ndarray:
    """1 for each run in which the alliance was neither terminated nor reconfigured, else 0."""
    ended = units["terminated"].to_numpy(bool) | units["reconfigured"].to_numpy(bool)
    return (~ended).astype(np.int64)


def _per_run_columns(runs: pd.DataFrame, labels: list[str]) -> list[str]:
    """Numeric columns of the runs table that are results (not identity or design labels)."""
    skip = {"cell", "design", "sample", "replication", "seed", *labels}
    skip |= {"stalemate_rate", "mean_days", "median_days", "p90_days", "km_median_days"}  # pooled
    return [
        c
        for c in runs.columns
        if c not in skip
        and pd.api.types.is_numeric_dtype(runs[c])
        and not pd.api.types.is_bool_dtype(runs[c])
    ]


def _day_measures(values: np.ndarray, pooled: np.ndarray) -> np.ndarray:
    """Mean, median and p90 of days to decision for each row of pooled histograms."""
    return np.column_stack(
        [
            stats.hist_mean(values, pooled),
            stats.hist_quantile(values, pooled, 0.5),
            stats.hist_quantile(values, pooled, 0.9),
        ]
    )


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng([seed, *key])


# ---------------------------------------------------------------- statistics


def summarize(store: ResultStore, reduced: Reduced | None = None) -> Summary:
    """Statistics of every design, paired differences, risk measures; from the folder alone."""
    manifest = store.manifest
    reduced = reduced or reduce_store(store)
    settings = _statistics_settings(store)
    confidence, draws = settings["confidence"], settings["bootstrap"]
    seed = int(manifest["bootstrap_seed"])
    label_columns = list(manifest["factors"])
    per_run = _per_run_columns(reduced.runs, label_columns + list(manifest.get("uncertain", [])))
    designs_labels: list[dict] = manifest["designs"]
    notes: list[str] = []

    per_design: dict[int, pd.DataFrame] = {}
    hists: dict[int, np.ndarray] = {}
    chists: dict[int, np.ndarray] = {}
    rows = []
    for d, labels in enumerate(designs_labels):
        units = _design_units(reduced, d)
        per_design[d] = units
        hists[d] = _hist(reduced, units)
        chists[d] = _hist(reduced, units, censored=True)
        row: dict = {"design": d, **labels, "runs": len(units)}
        if len(units):
            row.update(_stalemate_columns(units, confidence))
            row.update(_days_columns(reduced.days_values, hists[d], draws, _rng(seed, 1, d),
                                     confidence))  # fmt: skip
            row.update(_km_columns(reduced.days_values, hists[d], chists[d], draws,
                                   _rng(seed, 3, d), confidence))  # fmt: skip
            row.update({f"mean_{c}": float(units[c].mean()) for c in per_run})
            row.update(_survival_columns(units, confidence))
        rows.append(row)

    differences = _differences(
        manifest, per_design, hists, chists, reduced.days_values, draws, seed, confidence
    )
    risk = None
    if reduced.nets is not None and len(reduced.nets):
        risk = risk_measures(reduced.nets, designs_labels, settings["tail"], confidence)
    else:
        notes.append(
            "The runs recorded no money ledger, so per-party risk measures are not available."
        )
    n_designs = max(len(designs_labels), 1)
    days_hist = np.vstack([hists[d].sum(axis=0) for d in range(n_designs)]) if hists else None
    censored_hist = np.vstack([chists[d].sum(axis=0) for d in range(n_designs)]) if chists else None
    _release_arrow_memory()
    if manifest.get("finished") is None:
        done, total = manifest.get("runs_done", 0), manifest.get("runs_total", 0)
        notes.append(f"The experiment is incomplete: {done} of {total} runs are in these results.")
    return Summary(
        label_columns=label_columns,
        designs=pd.DataFrame(rows),
        differences=differences,
        risk=risk,
        days_values=reduced.days_values,
        days_hist=days_hist,
        censored_hist=censored_hist,
        blocks=_per_run_rates(reduced.blocks, per_design, n_designs),
        coblocks=_per_run_rates(reduced.coblocks, per_design, n_designs),
        trust=reduced.trust,
        parties=manifest.get("parties", {}),
        confidence=confidence,
        notes=notes,
        rules=_design_rules(manifest),
    )


def _design_rules(manifest: dict) -> dict[int, str]:
    """Each design's decision rule: as the runner recorded it, else (results written before it
    did) the level of a ``board.rule`` factor."""
    if "rules" in manifest:
        return {int(d): str(rule) for d, rule in manifest["rules"].items()}
    return {d: str(labels["board.rule"]) for d, labels in enumerate(manifest["designs"])
            if "board.rule" in labels}  # fmt: skip


def _design_units(reduced: Reduced, design: int) -> pd.DataFrame:
    """One design's runs in (sample, replication) order, with how each run ended."""
    runs = reduced.runs
    units = runs[runs["design"] == design].sort_values(UNIT).reset_index(drop=True)
    return units.drop(columns=["terminated", "reconfigured"], errors="ignore").merge(
        reduced.endings, on=["cell", "replication"], how="left"
    )


def _stalemate_columns(units: pd.DataFrame, confidence: float) -> dict:
    """The stalemate rate over the matters the board settled (clustered Wilson interval), the
    share of runs with any stalemate, and what the term left open."""
    matters = _settled(units).astype(float)
    stalemates = units["business_stalemated"].to_numpy(dtype=float)
    rate, lo, hi, deff = stats.clustered_wilson(stalemates, matters, confidence)
    any_k = int((stalemates > 0).sum())
    any_lo, any_hi = stats.wilson(any_k, len(units), confidence)
    open_at_end = float(units["open_at_end"].mean()) if "open_at_end" in units else 0.0
    settled = float(units["resolutions"].sum()) if "resolutions" in units else 0.0
    refused = float(units["resolutions_refused"].sum()) if settled else float("nan")
    return dict(
        open_at_end_per_run=open_at_end,
        resolutions_refused=refused / settled if settled else float("nan"),
        resolutions_per_run=settled / len(units),
        matters=int(matters.sum()),
        matters_per_run=float(matters.mean()),
        stalemate_rate=rate,
        stalemate_lo=lo,
        stalemate_hi=hi,
        design_effect=deff,
        any_stalemate=any_k / len(units),
        any_stalemate_lo=any_lo,
        any_stalemate_hi=any_hi,
    )


def _days_columns(values, hist, draws: int, rng, confidence: float) -> dict:
    """Mean, median and p90 days to decision of decided matters, with bootstrap intervals over
    runs (``hist``: one histogram of days per run)."""
    pooled = _day_measures(values, hist.sum(axis=0)[None, :])[0]
    out = {name: float(v) for name, v in zip(DAY_MEASURES, pooled, strict=True)}
    resampled = hist if len(hist) < 4096 else hist.astype(np.float64)
    bounds = stats.bootstrap(lambda w: _day_measures(values, w @ resampled), len(hist), draws,
                             rng, confidence)  # fmt: skip
    for name, (lo, hi) in zip(DAY_MEASURES, bounds, strict=True):
        out.update({f"{name}_lo": lo, f"{name}_hi": hi})
    return out


def _km_columns(values, hist, chist, draws: int, rng, confidence: float) -> dict:
    """Kaplan–Meier median of days to decision over every tabled matter, those left undecided
    censored (``survival.py``), with a bootstrap interval over runs (matters of one run share a
    board, so Greenwood's independent-matter interval would be too narrow); the share of matters
    left undecided beside it."""
    events, censored = hist.sum(axis=0), chist.sum(axis=0)
    point = float(hist_median(values, events, censored)[0]) if len(values) else float("nan")
    out = {"km_median_days": point, "km_median_days_lo": float("nan"),
           "km_median_days_hi": float("nan")}  # fmt: skip
    if len(values):
        e = hist if len(hist) < 4096 else hist.astype(np.float64)
        c = chist if len(chist) < 4096 else chist.astype(np.float64)
        [(lo, hi)] = stats.bootstrap(lambda w: hist_median(values, w @ e, w @ c), len(hist), draws,
                                     rng, confidence)  # fmt: skip
        out.update(km_median_days_lo=lo, km_median_days_hi=hi)
    return out


def _survival_columns(units: pd.DataFrame, confidence: float) -> dict:
    alive = _survived(units)
    lo, hi = stats.wilson(int(alive.sum()), len(units), confidence)
    return dict(
        survived=float(alive.mean()),
        survived_lo=lo,
        survived_hi=hi,
        terminated=float(units["terminated"].mean()),
        reconfigured=float(units["reconfigured"].mean()),
    )


def _per_run_rates(counts: dict, per_design: dict, n_designs: int) -> dict:
    """Counts per design and party (blocks, joint blocks) as a rate per run."""
    return {
        d: {p: c / max(len(per_design.get(d, [])), 1) for p, c in counts.get(d, {}).items()}
        for d in range(n_designs)
    }


def _release_arrow_memory() -> None:
    """Hand pyarrow's freed buffers back to the system (its allocator keeps them otherwise)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _statistics_settings(store: ResultStore) -> dict:
    from ..batch.spec import Statistics, parse_experiment

    copy = store.root / "experiment.toml"
    if copy.is_file():
        spec = parse_experiment(copy.read_text(encoding="utf-8"), str(copy))
        return spec.statistics.model_dump()
    return Statistics().model_dump()


def comparisons(factors: dict[str, list]) -> list[tuple[str, int, int, int, str, str]]:
    """(factor, reference design, other design, level index, context, short context) per pair.

    Each level of a factor is compared with the factor's first level, at every combination of
    the other factors' levels; the design index follows the full factorial's order.
    """
    names = list(factors)
    sizes = [len(v) for v in factors.values()]
    index = {combo: i for i, combo in enumerate(itertools.product(*(range(s) for s in sizes)))}
    out = []
    for f, name in enumerate(names):
        others = [j for j in range(len(names)) if j != f]
        for rest in itertools.product(*(range(sizes[j]) for j in others)):
            levels = [
                (names[j], factors[names[j]][lvl]) for j, lvl in zip(others, rest, strict=True)
            ]
            context = ", ".join(f"{n}={_fmt(v)}" for n, v in levels)
            short = ", ".join(f"{n.split('.')[-1]}={_fmt(v)}" for n, v in levels)
            for level in range(1, sizes[f]):
                base = [0] * len(names)
                for j, lvl in zip(others, rest, strict=True):
                    base[j] = lvl
                ref = list(base)
                ref[f] = 0
                alt = list(base)
                alt[f] = level
                out.append((name, index[tuple(ref)], index[tuple(alt)], level, context, short))
    return out


def _differences(manifest, per_design, hists, chists, values, draws, seed, confidence
                 ) -> pd.DataFrame:  # fmt: skip
    factors = manifest["factors"]
    rows = []
    for n, (name, ref, alt, level, context, short) in enumerate(comparisons(factors)):
        a, b = per_design.get(ref), per_design.get(alt)
        if a is None or b is None or not len(a) or not len(b):
            continue
        pairs = (
            a[UNIT + ["cell"]]
            .reset_index()
            .merge(b[UNIT + ["cell"]].reset_index(), on=UNIT, suffixes=("_a", "_b"))
        )
        ia, ib = pairs["index_a"].to_numpy(), pairs["index_b"].to_numpy()
        m = len(pairs)
        if m < 2:
            continue
        kind = np.int64 if m < 4096 else np.float64  # the dtype of the resample counts
        matters = np.vstack([_settled(a).astype(kind)[ia], _settled(b).astype(kind)[ib]])
        stale = np.vstack([a["business_stalemated"].to_numpy(kind)[ia],
                           b["business_stalemated"].to_numpy(kind)[ib]])  # fmt: skip
        hh = (hists[ref][ia].astype(kind), hists[alt][ib].astype(kind))
        cc = (chists[ref][ia].astype(kind), chists[alt][ib].astype(kind))
        alive = np.vstack([_survived(a)[ia], _survived(b)[ib]]).astype(kind)

        def statistic(weights, side, stale=stale, matters=matters, hh=hh, cc=cc, alive=alive):
            rate = (weights @ stale[side]) / (weights @ matters[side])
            survived = (weights @ alive[side]) / weights.sum(axis=1)
            decided = weights @ hh[side]
            days = _day_measures(values, decided)
            km = hist_median(values, decided, weights @ cc[side])
            return np.column_stack([rate, days, km, survived])

        ones = np.ones((1, m))
        at_a, at_b = statistic(ones, 0)[0], statistic(ones, 1)[0]
        diffs = stats.paired_difference(statistic, m, draws, _rng(seed, 2, n), confidence)
        for k, (metric, diff) in enumerate(zip(DIFFERENCE_COLUMNS, diffs, strict=True)):
            rows.append(
                {
                    "factor": name,
                    "level": factors[name][level],
                    "reference": factors[name][0],
                    "context": context,
                    "where": short,
                    "metric": metric,
                    "design_a": ref,
                    "design_b": alt,
                    "pairs": m,
                    "value_a": float(at_a[k]),
                    "value_b": float(at_b[k]),
                    "difference": diff.estimate,
                    "paired_lo": diff.paired[0],
                    "paired_hi": diff.paired[1],
                    "unpaired_lo": diff.unpaired[0],
                    "unpaired_hi": diff.unpaired[1],
                }
            )
    return pd.DataFrame(rows)


def write_tables(summary: Summary, root) -> list:
    """summary.csv, differences.csv and (with a ledger) risk.csv in the result folder."""
    from pathlib import Path

    from ..batch.files import atomic_write_text

    root = Path(root)
    written = []
    for name, frame in (
        ("summary.csv", summary.designs),
        ("differences.csv", summary.differences),
        ("risk.csv", summary.risk),
    ):
        if frame is None:
            continue
        written.append(atomic_write_text(root / name, frame.to_csv(index=False)))
    return written
