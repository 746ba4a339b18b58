"""Turn experts' scores into stage results, flags and a ranking. Pure functions over plain mappings.

Numbers: every function computes in ``float`` (scores arrive as int, float or Decimal and are converted), with
``math.fsum`` / ``statistics`` for sums and standard deviations so identical scores give a standard deviation of
exactly 0. ``to_points`` turns a float into the ``Decimal`` with two places, rounded half up, that is stored and
shown; ``rank`` compares totals at that same precision, so two totals that print the same share a rank.

All standard deviations are population standard deviations (divide by n): the experts who scored are the whole
group being described, not a sample of it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Hashable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

Number = int | float | Decimal

TRIM_FROM = 5
"""Trim the highest and the lowest score only when at least this many experts scored."""

WEIGHT_TOLERANCE = 1e-9


def to_points(value: Number) -> Decimal:
    """The reported score: two decimal places, half up, from the float's shortest repr (84.125 -> 84.13)."""
    return Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _floats(scores: Iterable[Number]) -> list[float]:
    values = [float(s) for s in scores]
    if not values:
        raise ValueError("no scores")
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"scores must be finite numbers, got {values!r}")
    return values


def mean(scores: Iterable[Number]) -> float:
    values = _floats(scores)
    return math.fsum(values) / len(values)


def trimmed_mean(scores: Iterable[Number]) -> float:
    """Drop one highest and one lowest score when there are 5 or more; otherwise the plain mean."""
    values = sorted(_floats(scores))
    if len(values) >= TRIM_FROM:
        values = values[1:-1]
    return math.fsum(values) / len(values)


def _zscores(values: Mapping[Hashable, float]) -> dict[Hashable, float]:
    """(x - mean) / population std; every z is 0.0 when there is one value or the std is 0 (no spread to scale)."""
    if len(values) < 2:
        return dict.fromkeys(values, 0.0)
    centre = statistics.fmean(values.values())
    std = statistics.pstdev(values.values())
    if std == 0:
        return dict.fromkeys(values, 0.0)
    return {key: (x - centre) / std for key, x in values.items()}


def zscores_by_expert(
    sheets: Mapping[Hashable, Mapping[Hashable, Number]],
) -> dict[Hashable, dict[Hashable, float]]:
    """Normalise each expert's scores against that expert's own mean and population std.

    ``sheets`` is expert -> application -> score. An expert who scored one application, or gave every application
    the same score, has no scale of their own: each of their z-scores is 0.0, i.e. "average for this expert".
    """
    return {expert: _zscores({app: float(s) for app, s in scores.items()}) for expert, scores in sheets.items()}


def normalised_scores(
    sheets: Mapping[Hashable, Mapping[Hashable, Number]],
) -> dict[Hashable, dict[Hashable, float]]:
    """Per-expert z-scores rescaled to read like points: ``pool_mean + pool_std * z``.

    ``pool_mean`` and ``pool_std`` are the mean and population std of every score in ``sheets`` (all experts, all
    applications). A lenient expert's 90 and a strict expert's 75 both become ``pool_mean + pool_std * z`` for
    their own z, so each expert's scale is replaced by the pool's. An expert with z = 0.0 throughout (one score, or
    all scores equal) contributes the pool mean for each application.
    """
    everything = [float(s) for scores in sheets.values() for s in scores.values()]
    if not everything:
        return {expert: {} for expert in sheets}
    pool_mean = statistics.fmean(everything)
    pool_std = statistics.pstdev(everything)
    return {
        expert: {app: pool_mean + pool_std * z for app, z in zs.items()}
        for expert, zs in zscores_by_expert(sheets).items()
    }


def outliers(
    scores_by_expert: Mapping[Hashable, Number], *, threshold: float = 2.0, method: str = "leave_one_out"
) -> set[Hashable]:
    """Experts whose score for one application lies more than ``threshold`` standard deviations away.

    ``method="leave_one_out"`` (the default) measures each score against the mean of the OTHER experts' scores,
    in units of the population std of all scores: z = (x - mean_others) / std_all. The plain population z
    (``method="population"``) cannot exceed sqrt(n - 1), so with the usual 5 experts it could never pass 2 and
    the "|z| > 2" rule would flag nothing; measured against the others, one score far from four agreeing ones
    reaches n / sqrt(n - 1) = 2.5 and is flagged. None are flagged with fewer than 3 scores or a std of 0.
    """
    if len(scores_by_expert) < 3:
        return set()
    values = {expert: float(s) for expert, s in scores_by_expert.items()}
    if method == "population":
        zs = _zscores(values)
        return {expert for expert, z in zs.items() if abs(z) > threshold}
    if method != "leave_one_out":
        raise ValueError(f"unknown outlier method {method!r}")
    std = statistics.pstdev(values.values())
    if std == 0:
        return set()
    total, n = math.fsum(values.values()), len(values)
    return {expert for expert, x in values.items() if abs(x - (total - x) / (n - 1)) / std > threshold}


def spread(scores: Iterable[Number]) -> float:
    values = _floats(scores)
    return max(values) - min(values)


def needs_consensus(scores: Iterable[Number], *, max_spread: Number) -> bool:
    """True when the spread is strictly above ``max_spread``: a spread equal to the threshold is accepted."""
    return spread(scores) > float(max_spread)


def combine(stage_results: Mapping[Hashable, Number], weights: Mapping[Hashable, Number]) -> float:
    """Weighted sum of stage results. Every weighted stage needs a result and every result a weight.

    Weights are non-negative and sum to 1 within 1e-9 (summed as Decimal, so 0.4 + 0.3 + 0.3 is exactly 1).
    """
    total_weight = sum((Decimal(str(w)) for w in weights.values()), Decimal(0))
    if abs(total_weight - 1) > Decimal(str(WEIGHT_TOLERANCE)):
        raise ValueError(f"stage weights must sum to 1, they sum to {total_weight}")
    negative = [stage for stage, w in weights.items() if Decimal(str(w)) < 0]
    if negative:
        raise ValueError(f"stage weights must not be negative: {', '.join(map(repr, negative))}")
    missing = [stage for stage in weights if stage not in stage_results]
    if missing:
        raise ValueError(f"no result for weighted stage(s): {', '.join(map(repr, missing))}")
    unweighted = [stage for stage in stage_results if stage not in weights]
    if unweighted:
        raise ValueError(f"no weight for stage(s): {', '.join(map(repr, unweighted))}")
    return math.fsum(float(w) * float(stage_results[stage]) for stage, w in weights.items())


def rank(totals: Mapping[Hashable, Number]) -> list[tuple[Hashable, int]]:
    """Competition ranking (1, 2, 2, 4), best first; equal totals share a rank and are listed by id.

    Totals are compared as ``to_points`` (two places), the precision the office publishes, so float noise such
    as 0.1 + 0.2 against 0.3 never splits a tie. Ids must be mutually orderable.
    """
    points = {app: to_points(total) for app, total in totals.items()}
    ordered = sorted(points, key=lambda app: (-points[app], app))
    ranking = []
    for position, app in enumerate(ordered, start=1):
        if position > 1 and points[app] == points[ordered[position - 2]]:
            ranking.append((app, ranking[-1][1]))
        else:
            ranking.append((app, position))
    return ranking
