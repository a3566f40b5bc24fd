"""Who carries the risk: per-party and per-kind measures from the runs' money ledger.

The ``ledger`` table (one row per party per accounting period per run: ``party``, ``kind``,
``membership``, ``net_m`` ...) is reduced, part by part, to each party's net position over the
term in each run. From those, per design:

- expected net position: mean over runs (£m);
- probability of a loss: share of runs with a net position below zero, with a Wilson interval;
- tail loss: mean of the worst ``tail`` share of runs (5% by default), i.e. the expected shortfall;
- share of downside borne: the party's losses as a share of all parties' losses, summed over runs
  (``measures.DEFINITIONS["loss_share"]``, as the sensitivity stages and the design search read it);
- share of upside received: the same for gains.

A party whose downside share is well above its upside share carries risk it is not paid for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import measures
from ..batch.stats import wilson

UNIT = ["cell", "design", "sample", "replication"]


@dataclass
class NetPositions:
    """Each run's net position per party (£m), kept compact: one row per run, a column per party.

    ``wide`` has the unit columns (``cell``, ``design``, ``sample``, ``replication``) then one
    float column per party (missing where a party is not in that design's alliance); ``parties``
    has one row per design and party with its ``kind`` and ``membership``, in ledger order.
    """

    wide: pd.DataFrame
    parties: pd.DataFrame

    def __len__(self) -> int:
        return len(self.wide)


def net_positions(parts) -> NetPositions:
    """Reduce ledger parts (pyarrow Tables or DataFrames) to each run's net position per party.

    Parts need ``cell``, ``design``, ``sample``, ``replication``, ``party`` and ``net_m``, and may
    have ``kind`` and ``membership`` (the last value in a run counts: a party admitted mid-term
    counts with its final membership).
    """
    import pyarrow as pa

    keys = UNIT + ["party"]
    frames, info = [], []
    for part in parts:
        table = part if isinstance(part, pa.Table) else pa.Table.from_pandas(part)
        if not table.num_rows:
            continue
        extra = [c for c in ("kind", "membership") if c in table.column_names]
        grouped = table.group_by(keys, use_threads=False).aggregate(
            [("net_m", "sum")] + [(c, "last") for c in extra]
        )
        frame = grouped.to_pandas()
        frames.append(frame.pivot(index=UNIT, columns="party", values="net_m_sum"))
        meta = frame[["design", "party"]].copy()
        meta["kind"] = frame["kind_last"] if "kind" in extra else ""
        meta["membership"] = frame["membership_last"] if "membership" in extra else ""
        info.append(meta.drop_duplicates(["design", "party"], keep="last"))
    if not frames:
        empty = pd.DataFrame(columns=UNIT)
        return NetPositions(empty, pd.DataFrame(columns=["design", "party", "kind", "membership"]))
    wide = pd.concat(frames).sort_index(level=["cell", "replication"])
    wide.columns = [str(c) for c in wide.columns]
    parties = pd.concat(info, ignore_index=True).drop_duplicates(["design", "party"], keep="last")
    return NetPositions(wide.reset_index(), parties.reset_index(drop=True))


def _measures(net: pd.DataFrame, level: str, tail: float, confidence: float) -> list[dict]:
    """``net`` is runs x names (a column per party or kind); one row of measures per column."""
    values_all = net.to_numpy(dtype=float)
    # the one definition of a share of losses (and of gains): ``measures.pooled_shares``
    down = measures.pooled_shares(measures.losses(values_all).sum(axis=0))
    up = measures.pooled_shares(measures.gains(values_all).sum(axis=0))
    runs = len(net)
    worst = max(1, math.ceil(tail * runs))
    rows = []
    for j, name in enumerate(net.columns):
        values = values_all[:, j]
        losses = int((values < 0).sum())
        lo, hi = wilson(losses, runs, confidence)
        rows.append(
            {
                "level": level,
                "name": name,
                "runs": runs,
                "expected_net_m": float(values.mean()),
                "p_loss": losses / runs if runs else float("nan"),
                "p_loss_lo": lo,
                "p_loss_hi": hi,
                "tail_loss_m": float(np.sort(values)[:worst].mean()),
                "downside_share": float(down[j]),
                "upside_share": float(up[j]),
            }
        )
    return rows


def risk_measures(
    nets: NetPositions, designs: list[dict], tail: float = 0.05, confidence: float = 0.95
) -> pd.DataFrame:
    """Per design, per party and per kind: expected net, P(loss), tail loss, risk shares."""
    rows: list[dict] = []
    wide = nets.wide
    for design, frame in wide.groupby("design", sort=True):
        info = nets.parties[nets.parties["design"] == design].set_index("party")
        order = [p for p in info.index if p in frame.columns]
        by_party = frame[order].fillna(0.0)
        labels = designs[int(design)] if int(design) < len(designs) else {}
        for row in _measures(by_party, "party", tail, confidence):
            row["kind"] = str(info.at[row["name"], "kind"])
            row["membership"] = str(info.at[row["name"], "membership"])
            rows.append({"design": int(design), **labels, **row})
        kinds = info.loc[order, "kind"].astype(str)
        by_kind = pd.DataFrame(
            {
                kind: by_party[list(kinds.index[kinds == kind])].sum(axis=1)
                for kind in dict.fromkeys(kinds)
            }
        )
        for row in _measures(by_kind, "kind", tail, confidence):
            row["kind"] = row["name"]
            row["membership"] = ""
            rows.append({"design": int(design), **labels, **row})
    return pd.DataFrame(rows)
