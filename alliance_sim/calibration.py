"""Calibrating the KPI levels of each key result area from the scenario's own scores.

004 p.7 has the alliance agree "statements of gamebreaking, stretch, minimum, poor and failure for
each key result area", and p.8 calls game-breaking "off the scale, impossible to reach" though
"not infrequently, some of these are reached". No document gives a number. The simulator's
documented assumption: an area's thresholds are quantiles of its own score per period over many
runs of its scenario as written (200 seeds, 1000-1199, under the scenario's decision rule):
game-breaking at the 0.98 quantile, stretch 0.85, minimum 0.30, poor 0.10, failure below. Seeds
0-19, which the tests and reports use, are kept out of the calibration. Periods in which nothing in
the area had been realised yet (a score of exactly 0, early in the term) are left out: they say
nothing about how well the area performs, and in an area the alliance's business mostly costs
(choice, which shifts of care reduce a little) they would put "off the scale" at doing nothing.
The engine adds one rule of its own: a gain level is reached only by a score above zero (004 p.8,
gain after "better than expected performance"; see ``risk.RiskBook``).

Run ``python -m alliance_sim.calibration mid-notts`` to print each area's ``min_scores`` for the
scenario file; the scenario files say when their thresholds were calibrated this way.
"""

from __future__ import annotations

import argparse

import numpy as np

#: The quantile of its area's score each level's threshold sits at, best first (failure: none).
QUANTILES: tuple[float, ...] = (0.98, 0.85, 0.30, 0.10)
SEEDS = range(1000, 1200)


def quantile_thresholds(
    scores: np.ndarray, quantiles: tuple[float, ...] = QUANTILES, digits: int = 2
) -> list[float]:
    """Thresholds for one area from its scores (periods of many runs), best level first.

    Each is the quantile of the non-zero scores rounded to ``digits`` significant figures (none:
    all zero); the last level
    (failure) is reached by any score, so its threshold is minus infinity. Rounding keeps the
    order, so the thresholds never rise from one level to the next.
    """
    scores = np.asarray(scores, dtype=float)
    scores = scores[scores != 0.0]  # periods with nothing realised in the area yet
    q = np.quantile(scores, quantiles) if len(scores) else np.zeros(len(quantiles))
    out = [float(f"{v:.{digits}g}") for v in q]
    for j in range(1, len(out)):  # rounding must not reorder two close quantiles
        out[j] = min(out[j], out[j - 1])
    return [*out, float("-inf")]


def area_scores(name: str, seeds=SEEDS) -> dict[str, np.ndarray]:
    """Each result area's score in every period of the scenario ``name``, over ``seeds``."""
    from .config.loading import load_scenario
    from .model import AllianceModel

    config = load_scenario(name)
    names = tuple(a.name for a in config.risk.result_areas)
    rows = [p.scores for seed in seeds
            for p in AllianceModel(config, seed=seed, collect=False).run().risk.ledger.periods]  # fmt: skip
    scores = np.vstack(rows) if rows else np.zeros((0, len(names)))
    return {area: scores[:, a] for a, area in enumerate(names)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    args = parser.parse_args(argv)
    for area, scores in area_scores(args.scenario).items():
        thresholds = ", ".join(repr(v) if np.isfinite(v) else "-inf"
                               for v in quantile_thresholds(scores))  # fmt: skip
        print(f"{area}: min_scores = [{thresholds}]")


if __name__ == "__main__":
    main()
