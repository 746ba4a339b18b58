"""Expert assignment: the exact optimum, the greedy baseline, the LP bound that proves the optimum, the random draw."""

import random
from collections import Counter

import pytest

from reviews.assignment import (
    AssignmentInfeasible,
    AssignmentProblem,
    lp_bound,
    random_draw,
    solve_greedy,
    solve_optimal,
)


def problem(applications, experts, k, capacity, affinity=None, conflicts=()):
    return AssignmentProblem(
        applications=applications,
        experts=experts,
        per_application=k,
        capacity=capacity,
        affinity=affinity or {},
        conflicts=frozenset(conflicts),
    )


def random_problem(seed, *, n=60, m=30, k=3, conflict_rate=0.05):
    """n applications x m experts, capacities 4-10 (about 210 places for 180 needed), sparse affinities 0-10."""
    rng = random.Random(seed)
    applications = list(range(n))
    experts = [f"e{j}" for j in range(m)]
    affinity = {(a, e): rng.randint(1, 10) for a in applications for e in experts if rng.random() < 0.3}
    conflicts = {(a, e) for a in applications for e in experts if rng.random() < conflict_rate}
    capacity = {e: rng.randint(4, 10) for e in experts}
    return problem(applications, experts, k, capacity, affinity, conflicts)


def assert_valid(p, result):
    by_app = Counter(a for a, _ in result.pairs)
    assert by_app == dict.fromkeys(p.applications, p.per_application)
    assert len(set(result.pairs)) == len(result.pairs)
    assert not set(result.pairs) & p.conflicts
    load = Counter(e for _, e in result.pairs)
    assert all(load[e] <= p.capacity[e] for e in p.experts)
    assert result.total_affinity == sum(p.affinity.get(pair, 0) for pair in result.pairs)


# Two applications, k = 2, experts x (capacity 1), y (2), z (1): the 4 places needed use every place, so both
# applications get y and one gets x, the other z.
#   affinity  x  y  z
#   A         5  4  0
#   B         6  1  0
# Greedy serves A first with its best two, x and y (9), leaving B with y and z (1): total 10.
# The optimum gives x to B instead: A {y, z} = 4, B {x, y} = 7, total 11 (the other split, A {x, y} B {y, z}, is 10).
HAND = problem(
    ["A", "B"],
    ["x", "y", "z"],
    2,
    {"x": 1, "y": 2, "z": 1},
    {("A", "x"): 5, ("A", "y"): 4, ("B", "x"): 6, ("B", "y"): 1},
)


def test_solve_optimal_hand_example_beats_greedy():
    optimal = solve_optimal(HAND)
    greedy = solve_greedy(HAND)

    assert optimal.pairs == (("A", "y"), ("A", "z"), ("B", "x"), ("B", "y"))
    assert optimal.total_affinity == 11
    assert optimal.solver == "ortools.SimpleMinCostFlow"
    assert greedy.pairs == (("A", "x"), ("A", "y"), ("B", "y"), ("B", "z"))
    assert greedy.total_affinity == 10
    assert lp_bound(HAND) == pytest.approx(11.0, abs=1e-9)


def test_solve_optimal_pairs_follow_input_order():
    # Ids need not be comparable with each other; the order given is the order returned.
    p = problem([2, "b", 1], ["z", 0], 1, {"z": 2, 0: 2}, {(2, 0): 1, (1, "z"): 3, ("b", 0): 2})

    assert solve_optimal(p).pairs == ((2, 0), ("b", 0), (1, "z"))


def test_solve_optimal_conflict_never_assigned():
    # A's best expert x is in conflict; A must take y and z even though x has room.
    p = problem(["A"], ["x", "y", "z"], 2, {"x": 5, "y": 5, "z": 5}, {("A", "x"): 10, ("A", "y"): 1}, {("A", "x")})

    result = solve_optimal(p)

    assert result.pairs == (("A", "y"), ("A", "z"))
    assert result.total_affinity == 1


def test_solve_optimal_capacity_respected():
    # Everyone prefers x, who can take one application only.
    p = problem(["A", "B", "C"], ["x", "y"], 1, {"x": 1, "y": 2}, {(a, "x"): 9 for a in "ABC"})

    result = solve_optimal(p)

    assert Counter(e for _, e in result.pairs) == {"x": 1, "y": 2}
    assert result.total_affinity == 9


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_solve_optimal_random_instance_equals_lp_bound(seed):
    p = random_problem(seed)

    optimal = solve_optimal(p)
    bound = lp_bound(p)

    assert_valid(p, optimal)
    assert bound == pytest.approx(round(bound), abs=1e-6)
    assert optimal.total_affinity == round(bound)
    assert solve_greedy(p).total_affinity <= optimal.total_affinity


def test_solve_optimal_application_short_of_experts_infeasible():
    # B is in conflict with x and y, and z has no capacity left: B has 1 eligible expert for k = 2.
    p = problem(
        ["A", "B"], ["w", "x", "y", "z"], 2, {"w": 2, "x": 2, "y": 2, "z": 0}, conflicts={("B", "x"), ("B", "y")}
    )

    with pytest.raises(AssignmentInfeasible) as excinfo:
        solve_optimal(p)

    assert excinfo.value.applications == ("B",)
    assert (excinfo.value.needed, excinfo.value.available) == (2, 1)
    assert "1 application(s) cannot get 2 non-conflicted experts with capacity left" in str(excinfo.value)
    assert "'B' (1)" in str(excinfo.value)


def test_solve_optimal_total_capacity_short_infeasible():
    # 4 applications x 2 experts = 8 places, 3 + 2 + 2 = 7 offered.
    p = problem(["A", "B", "C", "D"], ["x", "y", "z"], 2, {"x": 3, "y": 2, "z": 2})

    with pytest.raises(AssignmentInfeasible) as excinfo:
        solve_optimal(p)

    assert excinfo.value.applications == ()
    assert (excinfo.value.needed, excinfo.value.available) == (8, 7)
    assert "total expert capacity 7 is short of the 8 places needed (4 applications x 2 experts), short by 1" in str(
        excinfo.value
    )


def test_solve_optimal_group_short_of_experts_infeasible():
    # Each count check passes (every application has 2 eligible experts; 1 + 1 + 3 + 3 = 8 places for 6 needed),
    # but A and B may use only x and y, so they need 4 places where x and y offer 2 (Hall's condition fails).
    # C is served by z and w and is not part of the explanation.
    p = problem(
        ["A", "B", "C"],
        ["x", "y", "z", "w"],
        2,
        {"x": 1, "y": 1, "z": 3, "w": 3},
        conflicts={("A", "z"), ("A", "w"), ("B", "z"), ("B", "w"), ("C", "x"), ("C", "y")},
    )

    with pytest.raises(AssignmentInfeasible) as excinfo:
        solve_optimal(p)

    assert excinfo.value.applications == ("A", "B")
    assert (excinfo.value.needed, excinfo.value.available) == (4, 2)
    assert str(excinfo.value) == (
        "only 4 of the 6 places can be filled (short by 2): applications 'A', 'B' need 4 expert places between "
        "them, but the experts they may use can offer only 2 (each reviews an application at most once, within "
        "their remaining capacity)."
    )


def test_lp_bound_infeasible_raises():
    p = problem(["A", "B", "C"], ["x", "y", "z"], 2, {"x": 1, "y": 1, "z": 6}, conflicts={("A", "z"), ("B", "z")})

    with pytest.raises(AssignmentInfeasible, match="LP relaxation is infeasible"):
        lp_bound(p)


def test_solve_greedy_stuck_where_optimum_is_not():
    # Greedy gives x to A (affinity 5); B may not have y, so B is left with nobody. The optimum is A-y, B-x.
    p = problem(["A", "B"], ["x", "y"], 1, {"x": 1, "y": 1}, {("A", "x"): 5}, {("B", "y")})

    with pytest.raises(AssignmentInfeasible, match="stuck at application 'B'") as excinfo:
        solve_greedy(p)

    assert excinfo.value.applications == ("B",)
    assert solve_optimal(p).pairs == (("A", "y"), ("B", "x"))


def test_random_draw_same_seed_same_pairs():
    p = random_problem(7)

    first = random_draw(p, seed=20260314)
    second = random_draw(p, seed=20260314)

    assert first.pairs == second.pairs
    assert first.solver == "random_draw(seed=20260314)"


def test_random_draw_different_seed_different_pairs():
    p = random_problem(7)

    assert random_draw(p, seed=1).pairs != random_draw(p, seed=2).pairs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_draw_respects_conflicts_and_capacity(seed):
    p = random_problem(seed, conflict_rate=0.2)

    assert_valid(p, random_draw(p, seed=seed))


def test_random_draw_tight_problem_still_found():
    # The only valid assignment: A-y, B-x. A draw that let A pick first could take x and strand B.
    p = problem(["A", "B"], ["x", "y"], 1, {"x": 1, "y": 1}, conflicts={("B", "y")})

    assert {random_draw(p, seed=s).pairs for s in range(10)} == {(("A", "y"), ("B", "x"))}


def test_random_draw_seed_not_integer_value_error():
    with pytest.raises(ValueError, match="seed must be an integer, got '7'"):
        random_draw(HAND, seed="7")


def test_random_draw_infeasible_raises():
    p = problem(["A", "B"], ["x"], 1, {"x": 1})

    with pytest.raises(AssignmentInfeasible, match="total expert capacity 1 is short of the 2 places needed"):
        random_draw(p, seed=1)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"per_application": 0}, "per_application must be an integer of at least 1, got 0"),
        ({"capacity": {"x": -1, "y": 1}}, "capacity of expert 'x' must be a non-negative integer, got -1"),
        ({"capacity": {"x": 1}}, "capacity is missing for experts: 'y'"),
        ({"capacity": {"x": 1, "y": 1, "q": 1}}, "capacity names unknown experts: 'q'"),
        ({"affinity": {("Z", "x"): 1}}, "affinity names unknown application 'Z'"),
        ({"affinity": {("A", "q"): 1}}, "affinity names unknown expert 'q'"),
        ({"affinity": {("A", "x"): -2}}, r"affinity of \('A', 'x'\) must be a non-negative integer, got -2"),
        ({"affinity": {("A", "x"): 1.5}}, "must be a non-negative integer, got 1.5"),
        ({"conflicts": frozenset({("Z", "x")})}, "conflicts names unknown application 'Z'"),
        ({"conflicts": frozenset({("A", "q")})}, "conflicts names unknown expert 'q'"),
        ({"applications": ["A", "A"]}, "application 'A' appears twice"),
        ({"experts": ["x", "y", "x"]}, "expert 'x' appears twice"),
    ],
)
@pytest.mark.parametrize("solve", [solve_optimal, solve_greedy, lp_bound, lambda p: random_draw(p, seed=1)])
def test_solvers_invalid_problem_value_error(changes, message, solve):
    fields = {
        "applications": ["A"],
        "experts": ["x", "y"],
        "per_application": 1,
        "capacity": {"x": 1, "y": 1},
        "affinity": {},
        "conflicts": frozenset(),
    } | changes

    with pytest.raises(ValueError, match=message):
        solve(AssignmentProblem(**fields))
