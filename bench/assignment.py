"""Benchmark the expert assignment: exact min-cost flow against a greedy baseline and an independent LP bound.

1,000 applications x 5 experts from a pool of 300, ~3% of pairs in conflict, affinity from industry match, every
expert taking at most 20 applications. Exits 1 if the optimum is below greedy or differs from the LP bound.

    .venv/bin/python bench/assignment.py [--seed 2026]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

# Run as a plain script from the repository root, without Django settings.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reviews.assignment import (  # noqa: E402
    AssignmentInfeasible,
    AssignmentProblem,
    lp_bound,
    solve_greedy,
    solve_optimal,
)

APPLICATIONS = 1000
EXPERTS = 300
PER_APPLICATION = 5
CAPACITY = 20
CONFLICT_RATE = 0.03
INDUSTRIES = 20
TARGET_SECONDS = 5.0


def build(seed: int) -> AssignmentProblem:
    """Each application has one industry and each expert one to three; a match scores 6-10, a related field 1-5."""
    rng = random.Random(seed)
    applications = [f"A{i:04d}" for i in range(APPLICATIONS)]
    experts = [f"E{j:03d}" for j in range(EXPERTS)]
    app_industry = {a: rng.randrange(INDUSTRIES) for a in applications}
    expert_industries = {e: set(rng.sample(range(INDUSTRIES), rng.randint(1, 3))) for e in experts}
    affinity = {}
    conflicts = set()
    for a in applications:
        for e in experts:
            if app_industry[a] in expert_industries[e]:
                affinity[(a, e)] = rng.randint(6, 10)
            elif rng.random() < 0.10:
                affinity[(a, e)] = rng.randint(1, 5)
            if rng.random() < CONFLICT_RATE:
                conflicts.add((a, e))
    return AssignmentProblem(
        applications=applications,
        experts=experts,
        per_application=PER_APPLICATION,
        capacity=dict.fromkeys(experts, CAPACITY),
        affinity=affinity,
        conflicts=frozenset(conflicts),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    problem = build(args.seed)
    print(f"reproduce: .venv/bin/python bench/assignment.py --seed {args.seed}")
    print(
        f"instance: {APPLICATIONS} applications x k={PER_APPLICATION} from {EXPERTS} experts (capacity {CAPACITY} "
        f"each), {len(problem.conflicts)} conflicted pairs ({len(problem.conflicts) / (APPLICATIONS * EXPERTS):.1%}), "
        f"{len(problem.affinity)} pairs with non-zero affinity"
    )

    started = time.perf_counter()
    optimal = solve_optimal(problem)
    optimal_seconds = time.perf_counter() - started
    verdict = "within" if optimal_seconds < TARGET_SECONDS else "OVER"
    print(
        f"optimal (min-cost flow): {optimal_seconds:.3f} s wall, validation + graph + solve "
        f"({verdict} the {TARGET_SECONDS:.0f} s target), total affinity {optimal.total_affinity}"
    )

    started = time.perf_counter()
    try:
        greedy = solve_greedy(problem)
    except AssignmentInfeasible as exc:
        greedy = None
        print(f"greedy: {time.perf_counter() - started:.3f} s, stuck: {exc}")
    else:
        gap = optimal.total_affinity - greedy.total_affinity
        print(f"greedy: {time.perf_counter() - started:.3f} s, total affinity {greedy.total_affinity} (optimum +{gap})")

    started = time.perf_counter()
    bound = lp_bound(problem)
    equal = optimal.total_affinity == round(bound)
    print(
        f"LP bound (scipy HiGHS): {time.perf_counter() - started:.3f} s, {bound:.6f}; "
        f"optimum == round(bound): {'yes' if equal else 'NO'}"
    )

    failures = []
    if greedy is not None and optimal.total_affinity < greedy.total_affinity:
        failures.append("optimum below greedy")
    if not equal:
        failures.append("optimum differs from the LP bound")
    if failures:
        print("FAIL: " + "; ".join(failures))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
