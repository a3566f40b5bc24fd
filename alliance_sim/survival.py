"""Days to decision as censored times: the Kaplan–Meier product-limit estimator, with Greenwood's
variance, for the time business waits from its first proposal to the board's decision.

Why censored: the mean of decided matters alone rewards a design that leaves its slow business
undecided (issue 11 §1). A matter the board has not decided when it leaves the board's hands is
still informative: its decision, had there been one, would have taken longer than the days it
had waited. So each piece of ordinary business put to the board's vote (``measures.py``) is one
observation of its days from first proposal:

- **events** (``measures.EVENTS``): ``agreed``, the board's decision on that day;
- **censored** (``measures.CENSORED``): ``open_at_end`` (still before the board when the term
  ended: the term, not the board, stopped the clock), ``stalemate`` (no decision by the deadline,
  001 §47: the board stopped trying, so the time to a decision is only known to exceed the days it
  tried) and ``withdrawn`` (the proposer left or the alliance was dissolved: the matter left the
  board undecided).

Void, reserved and withdrawn-when-tabled business was never the board's to decide by vote, and
governance resolutions are a measure of their own: none is an observation here.

Treating a stalemate as censored estimates the time to decision *had the board kept trying*, on
the assumption that matters censored at a day would have gone on like those still open then
(independent censoring). Stalemated matters are the hard ones, so this reading is optimistic; the
stalemate rate, reported beside it, is the other half of the picture (a competing-risks view,
cumulative incidence of decision vs stalemate, is the alternative reading and is not computed).

The estimator (Kaplan & Meier 1958): at each distinct time ``t_i`` with ``d_i`` events among the
``n_i`` matters still at risk (time ``>= t_i``), ``S(t) = prod_{t_i <= t} (1 - d_i / n_i)``. Ties:
events at ``t_i`` come before censorings at ``t_i`` (a matter censored at ``t_i`` is counted at
risk there), the usual convention. Greenwood's variance: ``Var S(t) = S(t)^2 sum_{t_i <= t} d_i /
(n_i (n_i - d_i))``. Pointwise intervals use the log(-log) transform (Kalbfleisch & Prentice), which
keeps them in [0, 1]; the median's interval is where those bands cross one half (Brookmeyer &
Crowley 1982). The median is the smallest time with ``S(t) <= 0.5`` (the inverted CDF, so without
censoring it is ``numpy.quantile(days, 0.5, method="inverted_cdf")``), ``nan`` if never reached.

Greenwood treats matters as independent; matters of one run share a board, so experiments put
intervals on the KM median by resampling whole runs instead (``experiment/summary.py``), using
:func:`hist_median` on pooled counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np


@dataclass(frozen=True)
class KaplanMeier:
    """The product-limit estimate at each distinct time observed (event or censoring)."""

    times: np.ndarray  # distinct times, ascending
    at_risk: np.ndarray  # n_i: observations with time >= t_i
    events: np.ndarray  # d_i
    censored: np.ndarray  # c_i
    survival: np.ndarray  # S(t_i): share still undecided just after t_i
    variance: np.ndarray  # Greenwood's variance of S(t_i)

    def median(self) -> float:
        """Smallest time with ``S(t) <= 0.5``; ``nan`` if the curve never gets there."""
        return _first_at_or_below(self.times, self.survival, 0.5)

    def bands(self, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise log(-log) interval of ``S(t_i)`` (lower, upper)."""
        z = NormalDist().inv_cdf(0.5 + confidence / 2)
        s = self.survival
        lower, upper = s.copy(), s.copy()
        inside = (s > 0) & (s < 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_s = np.log(s[inside])
            se = np.sqrt(self.variance[inside]) / np.abs(s[inside] * log_s)
        lower[inside] = s[inside] ** np.exp(z * se)
        upper[inside] = s[inside] ** np.exp(-z * se)
        return lower, upper

    def median_interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """Where the pointwise bands cross one half: the lower band first (the interval's low
        end), the upper band later (its high end); ``nan`` for an end the band never reaches
        (not estimable from these data)."""
        lower, upper = self.bands(confidence)
        return (
            _first_at_or_below(self.times, lower, 0.5),
            _first_at_or_below(self.times, upper, 0.5),
        )


def kaplan_meier(days, decided) -> KaplanMeier:
    """The estimate from one observation per matter: its days, and whether it was decided (an
    event) or left undecided (censored)."""
    days = np.asarray(days, dtype=float)
    decided = np.asarray(decided, dtype=bool)
    times, inverse = np.unique(days, return_inverse=True)
    events = np.bincount(inverse, weights=decided, minlength=len(times))
    censored = np.bincount(inverse, weights=~decided, minlength=len(times))
    return from_counts(times, events, censored)


def from_counts(times, events, censored) -> KaplanMeier:
    """The estimate from counts of events and censorings at each of ``times`` (ascending)."""
    times = np.asarray(times, dtype=float)
    events = np.asarray(events, dtype=float)
    censored = np.asarray(censored, dtype=float)
    at_risk = _at_risk(events, censored)
    survival = _survival(events, at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(events > 0, events / (at_risk * (at_risk - events)), 0.0)
        total = np.cumsum(terms)  # infinite once every matter at risk is decided: S is then 0
        variance = np.where(survival > 0, survival**2 * total, 0.0)  # S = 0: no spread left
    return KaplanMeier(times, at_risk, events, censored, survival, variance)


def hist_median(values: np.ndarray, events: np.ndarray, censored: np.ndarray) -> np.ndarray:
    """KM median of each row of pooled counts ``(..., V)`` over sorted ``values`` (one row per
    bootstrap resample): the same estimator, vectorised; ``nan`` where never reached."""
    events = np.atleast_2d(events).astype(float)
    censored = np.atleast_2d(censored).astype(float)
    if not len(values):
        return np.full(events.shape[:-1], np.nan)
    survival = _survival(events, _at_risk(events, censored))
    below = survival <= 0.5 + 1e-12
    out = values[below.argmax(axis=-1)].astype(float)
    out[~below.any(axis=-1)] = np.nan
    return out


def censored_onto(values: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Where censorings at ``days`` go on a grid of event times ``values`` (sorted) without
    changing the estimate: at the last event time at or before each (a matter censored between
    two event times is at risk for the earlier only); -1 for one before the first event time,
    which is never at risk at an event and can be left out."""
    return np.searchsorted(values, np.asarray(days, dtype=float), side="right") - 1


def _at_risk(events: np.ndarray, censored: np.ndarray) -> np.ndarray:
    """n_i = observations at times >= t_i (events and censorings at t_i included)."""
    both = events + censored
    return np.flip(np.cumsum(np.flip(both, axis=-1), axis=-1), axis=-1)


def _survival(events: np.ndarray, at_risk: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(at_risk > 0, events / at_risk, 0.0)
    return np.cumprod(1.0 - hazard, axis=-1)


def _first_at_or_below(times: np.ndarray, curve: np.ndarray, level: float) -> float:
    hit = np.flatnonzero(curve <= level + 1e-12)
    return float(times[hit[0]]) if len(hit) else float("nan")
