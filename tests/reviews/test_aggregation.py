"""Aggregation of experts' scores on worked examples; every expected number is worked out in the comments."""

from decimal import Decimal

import pytest

from reviews.aggregation import (
    combine,
    mean,
    needs_consensus,
    normalised_scores,
    outliers,
    rank,
    spread,
    to_points,
    trimmed_mean,
    zscores_by_expert,
)

FIVE = [70, 80, 85, 90, 99]


def test_mean_five_scores():
    # (70 + 80 + 85 + 90 + 99) / 5 = 424 / 5 = 84.8
    assert mean(FIVE) == 84.8


def test_mean_decimal_scores_as_float():
    # (80.5 + 90.25) / 2 = 85.375
    assert mean([Decimal("80.5"), Decimal("90.25")]) == 85.375


def test_mean_no_scores_value_error():
    with pytest.raises(ValueError, match="no scores"):
        mean([])


def test_trimmed_mean_five_scores_drops_highest_and_lowest():
    # drop 70 and 99: (80 + 85 + 90) / 3 = 85.0
    assert trimmed_mean(FIVE) == 85.0


def test_trimmed_mean_four_scores_plain_mean():
    # fewer than 5: nothing dropped, (70 + 80 + 90 + 100) / 4 = 85.0; trimming would have given 85.0 too,
    # so check with a lopsided set: (60 + 80 + 82 + 84) / 4 = 76.5 (trimmed would be 81.0)
    assert trimmed_mean([60, 80, 82, 84]) == 76.5


def test_trimmed_mean_ties_drop_one_each():
    # [60, 60, 80, 90, 90]: one 60 and one 90 go, (60 + 80 + 90) / 3 = 76.666... -> 76.67 reported
    assert to_points(trimmed_mean([60, 60, 80, 90, 90])) == Decimal("76.67")


# Three experts x four applications. X is lenient and spread out, Y strict, Z gives everyone 77.
#   X: 97, 89, 91, 83  mean 90, deviations 7, -1, 1, -7, variance (49 + 1 + 1 + 49) / 4 = 25, std 5
#      z = 1.4, -0.2, 0.2, -1.4
#   Y: 76, 70, 76, 70  mean 73, deviations 3, -3, 3, -3, variance 9, std 3, z = 1, -1, 1, -1
#   Z: 77 x 4          std 0, z = 0 x 4 (documented: no scale of its own)
SHEETS = {
    "X": {"a": 97, "b": 89, "c": 91, "d": 83},
    "Y": {"a": 76, "b": 70, "c": 76, "d": 70},
    "Z": {"a": 77, "b": 77, "c": 77, "d": 77},
}


def test_zscores_by_expert_hand_example():
    assert zscores_by_expert(SHEETS) == {
        "X": {"a": 1.4, "b": -0.2, "c": 0.2, "d": -1.4},
        "Y": {"a": 1.0, "b": -1.0, "c": 1.0, "d": -1.0},
        "Z": {"a": 0.0, "b": 0.0, "c": 0.0, "d": 0.0},
    }


def test_zscores_by_expert_single_score_zero():
    assert zscores_by_expert({"X": {"a": 93}}) == {"X": {"a": 0.0}}


def test_normalised_scores_hand_example():
    # Pool of all 12 scores: sum 360 + 292 + 308 = 960, mean 80.
    # Squared deviations from 80: X 17², 9², 11², 3² = 500; Y 4², 10², 4², 10² = 232; Z 3² x 4 = 36.
    # Variance 768 / 12 = 64, std 8. Normalised = 80 + 8 z:
    #   X: 80 + 11.2 = 91.2, 80 - 1.6 = 78.4, 81.6, 68.8;  Y: 88, 72, 88, 72;  Z: 80 x 4
    normalised = normalised_scores(SHEETS)

    result = {expert: {app: to_points(v) for app, v in scores.items()} for expert, scores in normalised.items()}

    assert result == {
        "X": {"a": Decimal("91.20"), "b": Decimal("78.40"), "c": Decimal("81.60"), "d": Decimal("68.80")},
        "Y": {"a": Decimal("88.00"), "b": Decimal("72.00"), "c": Decimal("88.00"), "d": Decimal("72.00")},
        "Z": {"a": Decimal("80.00"), "b": Decimal("80.00"), "c": Decimal("80.00"), "d": Decimal("80.00")},
    }


def test_outliers_low_score_flagged():
    # Ten experts: mean 762 / 10 = 76.2; squared deviations sum to 1463.6, variance 146.36, std 12.098;
    # the 40 has z = -36.2 / 12.098 = -2.99; the next farthest (82) has z = 5.8 / 12.098 = 0.48.
    scores = dict(zip([f"e{i}" for i in range(1, 11)], [80, 81, 79, 80, 82, 80, 81, 80, 79, 40], strict=True))

    assert outliers(scores) == {"e10"}


def test_outliers_five_scores_population_z_cannot_exceed_two():
    # [80, 80, 80, 80, 40]: mean 72, variance (4 x 64 + 1024) / 5 = 256, std 16, z of the 40 = -32 / 16 = -2.0,
    # which is not above 2. With n scores no population |z| exceeds sqrt(n - 1), here sqrt(4) = 2.
    scores = {"a": 80, "b": 80, "c": 80, "d": 80, "e": 40}

    assert outliers(scores, method="population") == set()
    assert outliers(scores, threshold=1.99, method="population") == {"e"}


def test_outliers_five_scores_leave_one_out_flags_the_lone_score():
    # The same scores measured against the others: the 40 is 40 below the others' mean 80, std of all 16:
    # z = -2.5, flagged. Each 80 is 10 above the others' mean (80 * 3 + 40) / 4 = 70: z = 0.625, not flagged.
    scores = {"a": 80, "b": 80, "c": 80, "d": 80, "e": 40}

    assert outliers(scores) == {"e"}


def test_outliers_five_close_scores_none():
    # [80, 81, 79, 80, 82]: std 1.02; the 82 is 2 above the others' mean 80: z = 1.96, not above 2.
    assert outliers({"a": 80, "b": 81, "c": 79, "d": 80, "e": 82}) == set()


def test_outliers_unknown_method_refused():
    with pytest.raises(ValueError):
        outliers({"a": 1, "b": 2, "c": 3}, method="median")


def test_outliers_fewer_than_three_scores_none():
    assert outliers({"a": 90, "b": 10}, threshold=0.5) == set()


def test_outliers_zero_std_none():
    assert outliers({"a": 80, "b": 80, "c": 80}, threshold=0.0) == set()


def test_spread_max_minus_min():
    assert spread([72, 80, 85]) == 13.0


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        pytest.param([72, 80, 85], False, id="spread-13-below-15"),
        pytest.param([70, 80, 85], False, id="spread-15-equal-not-above"),
        pytest.param([70, 80, 86], True, id="spread-16-above-15"),
    ],
)
def test_needs_consensus_spread_threshold(scores, expected):
    assert needs_consensus(scores, max_spread=15) is expected


WEIGHTS = {"material": Decimal("0.4"), "onsite": Decimal("0.3"), "defence": Decimal("0.3")}


def test_combine_weights_four_three_three():
    # 0.4 x 80 + 0.3 x 90 + 0.3 x 70 = 32 + 27 + 21 = 80.0
    assert combine({"material": 80, "onsite": 90, "defence": 70}, WEIGHTS) == 80.0


def test_combine_fractional_results():
    # 0.4 x 85.5 + 0.3 x 78.25 + 0.3 x 90 = 34.2 + 23.475 + 27 = 84.675 -> 84.68 reported (half up)
    total = combine({"material": 85.5, "onsite": 78.25, "defence": 90}, WEIGHTS)

    assert to_points(total) == Decimal("84.68")


def test_combine_float_weights_summing_to_one():
    # 0.1 + 0.2 + 0.7 is 1 once read as decimals, although 0.1 + 0.2 != 0.3 in binary floating point.
    assert combine({"a": 100, "b": 100, "c": 100}, {"a": 0.1, "b": 0.2, "c": 0.7}) == 100.0


def test_combine_weights_not_one_value_error():
    with pytest.raises(ValueError, match="stage weights must sum to 1, they sum to 0.9"):
        combine({"material": 80, "onsite": 90}, {"material": Decimal("0.6"), "onsite": Decimal("0.3")})


def test_combine_missing_stage_value_error():
    with pytest.raises(ValueError, match="no result for weighted stage\\(s\\): 'defence'"):
        combine({"material": 80, "onsite": 90}, WEIGHTS)


def test_combine_unweighted_stage_value_error():
    with pytest.raises(ValueError, match="no weight for stage\\(s\\): 'survey'"):
        combine({"material": 80, "onsite": 90, "defence": 70, "survey": 95}, WEIGHTS)


def test_combine_negative_weight_value_error():
    with pytest.raises(ValueError, match="must not be negative: 'b'"):
        combine({"a": 80, "b": 90}, {"a": Decimal("1.5"), "b": Decimal("-0.5")})


def test_rank_ties_share_rank_and_skip():
    # 90 first; two at 85 share 2nd, listed by id; 80 is 4th (competition ranking 1, 2, 2, 4)
    assert rank({"d": 80, "c": 85, "a": 90, "b": 85}) == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


def test_rank_compares_reported_points():
    # 0.1 + 0.2 = 0.30000000000000004 in floats, but both totals are reported as 0.30 and so share rank 1.
    assert rank({"y": 0.3, "x": 0.1 + 0.2, "z": 0.29}) == [("x", 1), ("y", 1), ("z", 3)]


def test_rank_empty():
    assert rank({}) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [(84.125, "84.13"), (2.675, "2.68"), (85, "85.00"), (Decimal("76.666"), "76.67"), (-0.005, "-0.01")],
)
def test_to_points_half_up(value, expected):
    assert to_points(value) == Decimal(expected)
