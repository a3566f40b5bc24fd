"""The headline measures of a run, each defined once: what is counted, from when, over what.

A committee reads "stalemate rate" and "days to decision" as questions about the business the board
had to decide. So each matter is first put in one of three groups (``business``):

- ``ordinary``: business put to the board's vote: tabled for the board to decide (not void as a
  Prohibited Matter, 000 §3.3; not a commissioners' Reserved Matter, 000 §3.4; not withdrawn
  before the board took it, e.g. a proposer who is no member) and not a governance resolution;
- ``resolution``: a governance resolution about the alliance itself, raised by what happened
  (more time for transition and reconfiguration, 001 §40; the term's extension, 001 §40 / 002 §2.2;
  termination, 002 §6.2-6.3; removal of a partner, 002 §6.7): ``config.RESOLUTION_KINDS``;
- ``apart``: void, reserved, or withdrawn before the board took it: reported beside the measures,
  never inside them.

A transition matter tabled again after an extension (001 §40a) is one matter: its attempts are
counted (``attempts``), its clock runs from its first proposal and its outcome is its last
attempt's (``final``).

Who carries the risk is read from each party's net position over the term in each run: its loss
(the net below zero) and its gain (above zero). A party's share of losses pools those over the
runs compared, a ratio of sums (:func:`pooled_shares`), never a mean of per-run shares: a run in
which nobody lost would otherwise count as a 0% share for everyone. The loss–gain gap says, for
the member worst off, how much more of the losses it bears than it receives of the gains.

The definitions (``DEFINITIONS``) are the sentences the CLI, reports and docs print.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from .config.vocabulary import RESOLUTION_KINDS

if TYPE_CHECKING:
    from .records.matters import Matter

ORDINARY, RESOLUTION, APART = "ordinary", "resolution", "apart"
#: Outcomes of ordinary business that are the board's decision (the Kaplan–Meier's events).
EVENTS = ("agreed",)
#: Outcomes that leave business put to the board undecided: censored at the day they happened.
CENSORED = ("stalemate", "open_at_end", "withdrawn")
#: The settled outcomes a rate is taken over (business the term cut off is left out).
SETTLED = ("agreed", "stalemate")

DEFINITIONS = {
    "stalemate_rate": (
        "Stalemate rate: of the ordinary business put to the board's vote and settled within the "
        "term (agreed or stalemated), the share that ended in stalemate (001 §47); void, "
        "reserved, withdrawn and still-open business and governance resolutions are counted "
        "apart."
    ),
    "days_to_decision": (
        "Days to decision: for each piece of ordinary business the board agreed, the days from "
        "the day it was first proposed (notice given, 000 §3.2.1; for a transition matter tabled "
        "again, its first proposal) to the day of the board's agreement."
    ),
    "km_median_days": (
        "Kaplan–Meier median days to decision: the median of days to decision over all ordinary "
        "business put to the board's vote, counting the business stalemated, withdrawn or still "
        "open at the end of the term as undecided (censored) after the days it waited."
    ),
    "days_from_tabling": (
        "Days from tabling: the same agreements counted from the meeting that tabled them (a "
        "transition matter's last tabling) instead: shorter by the notice period and any wait "
        "for the agenda."
    ),
    "resolutions_refused": (
        "Resolutions refused: of the governance resolutions the board settled within the term "
        "(more time for transition, reconfiguration, the term's extension, termination, removal), "
        "the share refused."
    ),
    "survived": (
        "Survival: the share of runs in which the alliance was neither dissolved nor "
        "reconfigured before the end of its term."
    ),
    "net_m": (
        "Net position: a party's money from the alliance over the term, £m: the realised effects "
        "of the business adopted, its gain/pain share, its costs of taking part and of hosting, "
        "and policy shocks."
    ),
    "loss_share": (
        "Share of losses: of all the money the alliance's parties lost over the term (each "
        "party's net position below zero in each run, summed over the runs compared), the share "
        "this party lost; 0 for every party when none lost anything."
    ),
    "loss_gain_gap": (
        "Loss–gain gap: the largest, over the alliance's members, of a member's share of losses "
        "less its share of gains (gains pooled as losses are), in percentage points: 0 means no "
        "member bears a larger part of the losses than it receives of the gains; 40 pp means "
        "one member bears 40 points more of the losses than its part of the gains."
    ),
}


def business(matter: Matter) -> str:
    """``ordinary``, ``resolution`` or ``apart``: which measures the matter counts in."""
    if matter.kind in RESOLUTION_KINDS:
        return RESOLUTION
    if matter.outcome in ("void", "reserved"):
        return APART
    if matter.outcome == "withdrawn" and not matter.meetings:
        return APART  # withdrawn when tabled: the board never took it
    return ORDINARY


def final(matters: Iterable[Matter]) -> list[Matter]:
    """The tabled matters, each once: an attempt later tabled again is left for its last."""
    tabled = [m for m in matters if m.tabled_day >= 0]
    again = {m.previous for m in tabled if m.previous >= 0}
    return [m for m in tabled if m.idx not in again]


def days_to_decision(matter: Matter) -> int:
    """Days from the matter's first proposal to the day its fate was settled."""
    return matter.decided_day - matter.proposed_day


def days_from_tabling(matter: Matter) -> int:
    """Days from the meeting that tabled the matter (its last attempt) to its fate."""
    return matter.decided_day - matter.tabled_day


def rate(outcomes: list[str]) -> float:
    """Stalemated share of the settled (agreed or stalemated) ``outcomes``; nan with none."""
    agreed, stalemated = outcomes.count("agreed"), outcomes.count("stalemate")
    settled = agreed + stalemated
    return stalemated / settled if settled else float("nan")


def losses(net: np.ndarray) -> np.ndarray:
    """Each run's loss per party (£m, >= 0): its net position over the term below zero."""
    return np.clip(-np.asarray(net, dtype=float), 0.0, None)


def gains(net: np.ndarray) -> np.ndarray:
    """Each run's gain per party (£m, >= 0): its net position over the term above zero."""
    return np.clip(np.asarray(net, dtype=float), 0.0, None)


def pooled_shares(totals: np.ndarray) -> np.ndarray:
    """Each party's share of ``totals`` (last axis: parties; each already summed over the runs
    compared): the ``loss_share`` of pooled losses, or the share of pooled gains. 0 for every
    party where the total is 0."""
    totals = np.asarray(totals, dtype=float)
    whole = totals.sum(axis=-1, keepdims=True)
    return np.divide(totals, whole, out=np.zeros_like(totals), where=whole > 0)


def loss_gain_gap(loss_totals: np.ndarray, gain_totals: np.ndarray, members) -> np.ndarray:
    """``loss_gain_gap`` from pooled losses and gains (last axis: parties); ``members`` selects the
    parties it is the largest over (a boolean mask or indices). nan with no members."""
    gap = pooled_shares(loss_totals) - pooled_shares(gain_totals)
    gap = gap[..., members]
    if gap.shape[-1] == 0:
        return np.full(gap.shape[:-1], np.nan)
    return gap.max(axis=-1)
