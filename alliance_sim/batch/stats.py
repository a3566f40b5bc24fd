"""Statistics a committee paper can defend: Wilson and bootstrap intervals, paired differences.

The unit of replication is one run (one simulated term). Matters within a run are not independent,
so every interval treats the run as the unit: the stalemate rate's Wilson interval uses the
effective number of matters (Kish design effect from the between-run variation), and bootstrap
intervals resample whole runs. Paired differences between two designs resample the *pairs* of runs
that share a seed (common random numbers): the futures both designs faced are held fixed, which is
what makes paired intervals far narrower than unpaired ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

Array = np.ndarray


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile, 1.959964 for 95%."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(k: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``k / n`` (``nan`` bounds when ``n == 0``)."""
    if n <= 0:
        return float("nan"), float("nan")
    z = z_value(confidence)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def design_effect(successes: Array, trials: Array) -> float:
    """Kish design effect of a ratio ``sum(successes) / sum(trials)`` over clusters (>= 1)."""
    successes = np.asarray(successes, dtype=float)
    trials = np.asarray(trials, dtype=float)
    m = len(trials)
    total = trials.sum()
    if m < 2 or total <= 0:
        return 1.0
    p = successes.sum() / total
    if p <= 0 or p >= 1:
        return 1.0
    residual = successes - p * trials
    var_ratio = m / (m - 1) * np.sum(residual**2) / total**2
    var_binomial = p * (1 - p) / total
    return float(max(1.0, var_ratio / var_binomial))


def clustered_wilson(
    successes: Array, trials: Array, confidence: float = 0.95
) -> tuple[float, float, float, float]:
    """Rate, Wilson interval on the effective sample size, and the design effect used."""
    successes = np.asarray(successes, dtype=float)
    trials = np.asarray(trials, dtype=float)
    total = trials.sum()
    if total <= 0:
        return float("nan"), float("nan"), float("nan"), 1.0
    p = successes.sum() / total
    deff = design_effect(successes, trials)
    n_eff = total / deff
    lo, hi = wilson(p * n_eff, n_eff, confidence)
    return float(p), lo, hi, deff


def resample_weights(m: int, draws: int, rng: np.random.Generator, batch: int = 256) -> Iterator:
    """Bootstrap resamples of ``m`` units as count matrices (``batch x m``), in batches.

    Row *i* counts how often each unit was drawn in resample *i* (``m`` draws with replacement).
    For up to a few thousand units the counts are integers: products with integer data then use
    numpy's own loops rather than a multi-threaded BLAS, several times faster on small matrices;
    above that they are floats, for BLAS.
    """
    batch = max(1, min(batch, 500_000 // max(m, 1)))  # bounded memory for many runs
    left = draws
    while left > 0:
        b = min(batch, left)
        picks = rng.integers(0, m, size=(b, m), dtype=np.int64) + (np.arange(b) * m)[:, None]
        counts = np.bincount(picks.ravel(), minlength=b * m).reshape(b, m)
        yield counts if m < 4096 else counts.astype(float)  # large: BLAS is faster
        left -= b


def hist_quantile(values: Array, counts: Array, q: float) -> Array:
    """Quantile ``q`` (inverted CDF: smallest value with cumulative share >= q) of histograms.

    ``values`` are sorted distinct values; ``counts`` is ``(..., len(values))``. Matches
    ``numpy.quantile(data, q, method="inverted_cdf")`` on the expanded data.
    """
    counts = np.atleast_2d(counts)
    cum = np.cumsum(counts, axis=-1)
    total = cum[..., -1:]
    idx = (cum >= q * total - 1e-9 * total).argmax(axis=-1)
    out = values[idx].astype(float)
    out[total[..., 0] <= 0] = np.nan
    return out


@dataclass(frozen=True)
class Interval:
    estimate: float
    lo: float
    hi: float


def _percentile_bounds(samples: Array, confidence: float) -> tuple[float, float]:
    samples = samples[~np.isnan(samples)]
    if not len(samples):
        return float("nan"), float("nan")
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(samples, [alpha, 1 - alpha])
    return float(lo), float(hi)


def bootstrap(
    statistic: Callable[[Array], Array],
    m: int,
    draws: int,
    rng: np.random.Generator,
    confidence: float = 0.95,
) -> list[tuple[float, float]]:
    """Percentile bootstrap intervals of statistics of resampled units.

    ``statistic(weights)`` takes a ``(b, m)`` matrix of resample counts (how often each unit was
    drawn) and returns ``b`` values, or a ``(b, k)`` array for ``k`` statistics at once; one
    interval per statistic is returned.
    """
    values = np.vstack(
        [np.atleast_2d(np.asarray(statistic(w)).T).T for w in resample_weights(m, draws, rng)]
    )
    return [_percentile_bounds(values[:, k], confidence) for k in range(values.shape[1])]


def quantile_interval(
    values: Array, hist: Array, q: float, draws: int, rng: np.random.Generator, confidence=0.95
) -> Interval:
    """Quantile ``q`` of pooled histograms (one row per run) with a run-level bootstrap interval."""
    point = float(hist_quantile(values, hist.sum(axis=0), q)[0])
    [(lo, hi)] = bootstrap(
        lambda w: hist_quantile(values, w @ hist, q), len(hist), draws, rng, confidence
    )
    return Interval(point, lo, hi)


def hist_mean(values: Array, counts: Array) -> Array:
    """Mean of histograms ``(..., V)`` over sorted ``values`` (``nan`` where empty)."""
    counts = np.atleast_2d(counts)
    total = counts.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (counts @ values) / total


# ---------------------------------------------------------------- paired differences


@dataclass(frozen=True)
class Difference:
    estimate: float
    paired: tuple[float, float]
    unpaired: tuple[float, float]


def paired_difference(
    statistic: Callable[[Array, int], Array],
    m: int,
    draws: int,
    rng: np.random.Generator,
    confidence: float = 0.95,
) -> list[Difference]:
    """Differences ``stat(B) - stat(A)`` with paired and unpaired bootstrap intervals.

    ``statistic(weights, side)`` returns, for design ``side`` (0 = A, 1 = B), a ``(b, k)`` array:
    ``k`` statistics for each row of resample counts over the ``m`` pairs (one call serves
    several measures, so each resample is drawn once). Paired: both sides share each resample of
    pairs, so the futures both designs faced stay together. Unpaired: each side is resampled on
    its own, as if the designs had been run on independent seeds. Returns one
    :class:`Difference` per statistic.
    """
    ones = np.ones((1, m))
    estimate = np.atleast_2d(statistic(ones, 1) - statistic(ones, 0))[0]
    paired = np.vstack(
        [
            np.atleast_2d((statistic(w, 1) - statistic(w, 0)).T).T
            for w in resample_weights(m, draws, rng)
        ]
    )
    unpaired = np.vstack(
        [
            np.atleast_2d((statistic(w1, 1) - statistic(w0, 0)).T).T
            for w0, w1 in zip(
                resample_weights(m, draws, rng), resample_weights(m, draws, rng), strict=True
            )
        ]
    )
    return [
        Difference(
            float(estimate[k]),
            _percentile_bounds(paired[:, k], confidence),
            _percentile_bounds(unpaired[:, k], confidence),
        )
        for k in range(len(estimate))
    ]


def ratio_statistic(successes: Array, trials: Array) -> Callable[[Array, int], Array]:
    """``sum(w * s) / sum(w * n)`` for each design side; arrays are ``(2, m)``."""

    def stat(weights: Array, side: int) -> Array:
        return (weights @ successes[side]) / (weights @ trials[side])

    return stat


def mean_statistic(x: Array) -> Callable[[Array, int], Array]:
    """Weighted mean of a per-run value for each design side; ``x`` is ``(2, m)``."""

    def stat(weights: Array, side: int) -> Array:
        return (weights @ x[side]) / weights.sum(axis=1)

    return stat
