"""Assign k experts to each application: exact optimum, greedy baseline, LP bound and a seeded random draw.

Pure code: ids in, pairs out. Nothing here touches the database, so the office's screens, the periodic tasks and
``bench/assignment.py`` all call the same functions, and the benchmark runs without Django settings.

The optimum is a min-cost flow (OR-tools ``SimpleMinCostFlow``)::

    source --k--> application --1--> expert --capacity--> sink

with one application -> expert arc per pair that is not a conflict. Every feasible assignment uses exactly k * n
application -> expert arcs, so minimising ``max_affinity - affinity`` per arc maximises the total affinity while
keeping all costs non-negative. Integer capacities give an integral optimum, so the flow *is* an assignment.

``lp_bound`` solves the same problem again as a linear program with SciPy's HiGHS, without sharing any code with
the flow. The constraint matrix of a bipartite transportation problem is totally unimodular, so the LP optimum
equals the integer optimum: ``solve_optimal(p).total_affinity == round(lp_bound(p))`` proves the flow optimal.

Pairs are sorted by the position of the application, then of the expert, in the problem's sequences, so ids need
not be mutually comparable and the same problem always yields the same tuple.
"""

from __future__ import annotations

import random
import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy import optimize, sparse

Pair = tuple[Hashable, Hashable]

# Random-draw tickets are drawn from [0, _TICKET_RANGE). The range is wide enough that two different assignments
# almost never tie on their ticket sum (so the draw does not depend on how the solver breaks ties) and small enough
# that OR-tools' cost scaling (cost * number of nodes) stays far inside int64.
_TICKET_RANGE = 2**30


@dataclass(frozen=True)
class AssignmentProblem:
    applications: Sequence[Hashable]
    experts: Sequence[Hashable]
    per_application: int
    capacity: Mapping[Hashable, int]
    """Every expert's remaining load limit; an expert missing from this mapping is a ValueError, not 0."""
    affinity: Mapping[Pair, int]
    """(application, expert) -> non-negative integer score; a missing pair scores 0."""
    conflicts: frozenset[Pair]
    """(application, expert) pairs that may never be assigned."""


@dataclass(frozen=True)
class AssignmentResult:
    pairs: tuple[Pair, ...]
    total_affinity: int
    solver: str
    seconds: float


class AssignmentInfeasible(Exception):
    """No assignment gives every application k non-conflicted experts within the experts' capacities.

    ``applications`` names the applications that cannot be served (empty when the shortfall is only in total
    capacity); ``needed`` and ``available`` are the places those applications require and the places their
    eligible experts can offer them, or, when none are named, the places the whole problem needs and all experts'
    capacity. ``needed > available`` always. Messages are in English for logs; a page should build its own
    translated text from these attributes.
    """

    def __init__(self, message: str, *, applications: Sequence[Hashable] = (), needed: int, available: int):
        super().__init__(message)
        self.applications = tuple(applications)
        self.needed = needed
        self.available = available


@dataclass(frozen=True)
class _Indexed:
    """The problem in positions: what every solver needs, validated once."""

    k: int
    n: int  # applications
    m: int  # experts
    capacity: tuple[int, ...]  # by expert position
    eligible: tuple[tuple[int, ...], ...]  # by application position: expert positions not in conflict
    affinity: dict[tuple[int, int], int]  # (application position, expert position) -> score, non-zero only


def _validate(problem: AssignmentProblem) -> _Indexed:
    k = problem.per_application
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"per_application must be an integer of at least 1, got {k!r}")
    app_pos = _positions(problem.applications, "application")
    exp_pos = _positions(problem.experts, "expert")

    unknown = [e for e in problem.capacity if e not in exp_pos]
    if unknown:
        raise ValueError(f"capacity names unknown experts: {_names(unknown)}")
    missing = [e for e in problem.experts if e not in problem.capacity]
    if missing:
        raise ValueError(f"capacity is missing for experts: {_names(missing)}")
    capacity = []
    for expert in problem.experts:
        cap = problem.capacity[expert]
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 0:
            raise ValueError(f"capacity of expert {expert!r} must be a non-negative integer, got {cap!r}")
        capacity.append(cap)

    affinity: dict[tuple[int, int], int] = {}
    for pair, score in problem.affinity.items():
        a, e = _pair_positions(pair, app_pos, exp_pos, "affinity")
        if isinstance(score, bool) or not isinstance(score, int) or score < 0:
            raise ValueError(f"affinity of {pair!r} must be a non-negative integer, got {score!r}")
        if score:
            affinity[(a, e)] = score

    conflicted: set[tuple[int, int]] = set()
    for pair in problem.conflicts:
        conflicted.add(_pair_positions(pair, app_pos, exp_pos, "conflicts"))

    eligible = tuple(
        tuple(e for e in range(len(problem.experts)) if (a, e) not in conflicted) for a in range(len(app_pos))
    )
    return _Indexed(
        k=k,
        n=len(app_pos),
        m=len(exp_pos),
        capacity=tuple(capacity),
        eligible=eligible,
        affinity=affinity,
    )


def _positions(ids: Sequence[Hashable], kind: str) -> dict[Hashable, int]:
    positions: dict[Hashable, int] = {}
    for i, id_ in enumerate(ids):
        if id_ in positions:
            raise ValueError(f"{kind} {id_!r} appears twice")
        positions[id_] = i
    return positions


def _pair_positions(pair, app_pos, exp_pos, field: str) -> tuple[int, int]:
    try:
        application, expert = pair
    except (TypeError, ValueError):
        raise ValueError(f"{field} key {pair!r} is not an (application, expert) pair") from None
    if application not in app_pos:
        raise ValueError(f"{field} names unknown application {application!r}")
    if expert not in exp_pos:
        raise ValueError(f"{field} names unknown expert {expert!r}")
    return app_pos[application], exp_pos[expert]


def _names(ids) -> str:
    return ", ".join(repr(i) for i in ids)


def _check_counts(problem: AssignmentProblem, ix: _Indexed) -> None:
    """Refuse the two plain shortfalls with a message the office can act on, before any solver runs."""
    short = [(problem.applications[a], sum(1 for e in ix.eligible[a] if ix.capacity[e] > 0)) for a in range(ix.n)]
    short = [(app, count) for app, count in short if count < ix.k]
    needed = ix.k * ix.n
    available = sum(ix.capacity)
    parts = []
    if short:
        listed = ", ".join(f"{app!r} ({count})" for app, count in short)
        parts.append(
            f"{len(short)} application(s) cannot get {ix.k} non-conflicted experts with capacity left "
            f"(eligible experts in brackets): {listed}"
        )
    if available < needed:
        parts.append(
            f"total expert capacity {available} is short of the {needed} places needed "
            f"({ix.n} applications x {ix.k} experts), short by {needed - available}"
        )
    if short:
        # Each expert reviews an application at most once, so an application can use at most its eligible count.
        needed, available = ix.k * len(short), sum(count for _, count in short)
    if parts:
        raise AssignmentInfeasible(
            "; ".join(parts) + ".",
            applications=[app for app, _ in short],
            needed=needed,
            available=available,
        )


def _flow(ix: _Indexed, cost: dict[tuple[int, int], int]) -> tuple[list[tuple[int, int]], dict]:
    """Max flow at min cost over the eligible pairs; returns the used pairs and what the shortfall analysis needs."""
    source, sink = 0, 1 + ix.n + ix.m
    app_node = 1
    exp_node = 1 + ix.n

    pair_tails, pair_heads, pair_costs, pair_index = [], [], [], []
    for a in range(ix.n):
        for e in ix.eligible[a]:
            pair_tails.append(app_node + a)
            pair_heads.append(exp_node + e)
            pair_costs.append(cost.get((a, e), 0))
            pair_index.append((a, e))
    n_pairs = len(pair_index)

    tails = np.concatenate(
        [np.full(ix.n, source), np.asarray(pair_tails, dtype=np.int64), exp_node + np.arange(ix.m)]
    ).astype(np.int32)
    heads = np.concatenate(
        [app_node + np.arange(ix.n), np.asarray(pair_heads, dtype=np.int64), np.full(ix.m, sink)]
    ).astype(np.int32)
    capacities = np.concatenate(
        [np.full(ix.n, ix.k), np.ones(n_pairs, dtype=np.int64), np.asarray(ix.capacity, dtype=np.int64)]
    ).astype(np.int64)
    costs = np.concatenate(
        [np.zeros(ix.n, dtype=np.int64), np.asarray(pair_costs, dtype=np.int64), np.zeros(ix.m, dtype=np.int64)]
    ).astype(np.int64)

    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    needed = ix.k * ix.n
    smcf.set_node_supply(source, needed)
    smcf.set_node_supply(sink, -needed)
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status!r}")

    flows = smcf.flows(arcs)
    pair_flows = flows[ix.n : ix.n + n_pairs]
    used = [pair_index[i] for i in np.flatnonzero(pair_flows)]
    return used, {
        "max_flow": int(smcf.maximum_flow()),
        "app_flows": flows[: ix.n],
        "pair_index": pair_index,
        "pair_flows": pair_flows,
    }


def _explain_shortfall(problem: AssignmentProblem, ix: _Indexed, detail: dict) -> AssignmentInfeasible:
    """Name the applications on the source side of a minimum cut: together they need more than their experts give.

    After a maximum flow, the applications still reachable from the source in the residual graph form a set S
    whose demand k * |S| exceeds what their eligible experts can supply, each expert offering at most
    min(remaining capacity, number of applications in S it may review). That is Hall's condition failing.
    """
    needed = ix.k * ix.n
    app_flows = detail["app_flows"]
    by_app: dict[int, list[tuple[int, int]]] = {}
    by_exp: dict[int, list[tuple[int, int]]] = {}
    for (a, e), f in zip(detail["pair_index"], detail["pair_flows"], strict=True):
        by_app.setdefault(a, []).append((e, int(f)))
        by_exp.setdefault(e, []).append((a, int(f)))

    seen_apps = {a for a in range(ix.n) if app_flows[a] < ix.k}
    seen_exps: set[int] = set()
    stack_apps = list(seen_apps)
    stack_exps: list[int] = []
    while stack_apps or stack_exps:
        if stack_apps:
            a = stack_apps.pop()
            for e, f in by_app.get(a, ()):
                if f == 0 and e not in seen_exps:
                    seen_exps.add(e)
                    stack_exps.append(e)
        else:
            e = stack_exps.pop()
            for a, f in by_exp.get(e, ()):
                if f == 1 and a not in seen_apps:
                    seen_apps.add(a)
                    stack_apps.append(a)

    members = sorted(seen_apps)
    offered = 0
    for e in range(ix.m):
        reach = sum(1 for a, _ in by_exp.get(e, ()) if a in seen_apps)
        offered += min(ix.capacity[e], reach)
    apps = [problem.applications[a] for a in members]
    group_need = ix.k * len(members)
    return AssignmentInfeasible(
        f"only {detail['max_flow']} of the {needed} places can be filled (short by {needed - detail['max_flow']}): "
        f"applications {_names(apps)} need {group_need} expert places between them, but the experts they may use "
        f"can offer only {offered} (each reviews an application at most once, within their remaining capacity).",
        applications=apps,
        needed=group_need,
        available=offered,
    )


def _result(problem: AssignmentProblem, ix: _Indexed, used, solver: str, started: float) -> AssignmentResult:
    used = sorted(used)
    return AssignmentResult(
        pairs=tuple((problem.applications[a], problem.experts[e]) for a, e in used),
        total_affinity=sum(ix.affinity.get(p, 0) for p in used),
        solver=solver,
        seconds=time.perf_counter() - started,
    )


def _solve_flow(
    problem: AssignmentProblem, ix: _Indexed, cost: dict[tuple[int, int], int], solver: str, started: float
) -> AssignmentResult:
    used, detail = _flow(ix, cost)
    if detail["max_flow"] < ix.k * ix.n:
        raise _explain_shortfall(problem, ix, detail)
    return _result(problem, ix, used, solver, started)


def solve_optimal(problem: AssignmentProblem) -> AssignmentResult:
    """The assignment with the greatest total affinity; ``seconds`` covers validation, graph building and solving."""
    started = time.perf_counter()
    ix = _validate(problem)
    _check_counts(problem, ix)
    top = max(ix.affinity.values(), default=0)
    cost = {(a, e): top - ix.affinity.get((a, e), 0) for a in range(ix.n) for e in ix.eligible[a]}
    return _solve_flow(problem, ix, cost, "ortools.SimpleMinCostFlow", started)


def random_draw(problem: AssignmentProblem, *, seed: int) -> AssignmentResult:
    """A reproducible random assignment that respects conflicts and capacities, ignoring affinity.

    ``random.Random(seed)`` draws one ticket for every (application, expert) pair, walking applications then
    experts in the problem's order (conflicted pairs draw too, so adding a conflict does not reshuffle the rest);
    the draw is the valid assignment with the smallest ticket sum. Drawing expert by expert instead can leave a
    late application with fewer than k eligible experts although a valid assignment exists; this way the draw
    fails only when no valid assignment exists at all. Keep the seed: it reproduces the draw exactly.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    started = time.perf_counter()
    ix = _validate(problem)
    _check_counts(problem, ix)
    rng = random.Random(seed)
    tickets = {(a, e): rng.randrange(_TICKET_RANGE) for a in range(ix.n) for e in range(ix.m)}
    return _solve_flow(problem, ix, tickets, f"random_draw(seed={seed})", started)


def solve_greedy(problem: AssignmentProblem) -> AssignmentResult:
    """Baseline for the benchmark: each application in turn takes its k best experts with capacity left.

    Ties go to the expert listed first. Greedy can get stuck where the optimum does not; it then raises
    AssignmentInfeasible naming the application it could not serve.
    """
    started = time.perf_counter()
    ix = _validate(problem)
    _check_counts(problem, ix)
    left = list(ix.capacity)
    used = []
    for a in range(ix.n):
        free = [e for e in ix.eligible[a] if left[e] > 0]
        if len(free) < ix.k:
            app = problem.applications[a]
            raise AssignmentInfeasible(
                f"greedy assignment is stuck at application {app!r}: only {len(free)} of the {ix.k} experts it "
                "needs have capacity left.",
                applications=[app],
                needed=ix.k,
                available=len(free),
            )
        free.sort(key=lambda e: (-ix.affinity.get((a, e), 0), e))
        for e in free[: ix.k]:
            left[e] -= 1
            used.append((a, e))
    return _result(problem, ix, used, "greedy", started)


def lp_bound(problem: AssignmentProblem) -> float:
    """The optimum of the LP relaxation, solved with HiGHS independently of the flow.

    Variables x[a, e] for every pair (conflicts fixed to 0 through their bounds): maximise sum affinity * x subject
    to sum_e x[a, e] == k for each application, sum_a x[a, e] <= capacity for each expert, 0 <= x <= 1.
    """
    ix = _validate(problem)
    n, m, k = ix.n, ix.m, ix.k
    eligible = np.zeros((n, m), dtype=bool)
    for a in range(n):
        eligible[a, list(ix.eligible[a])] = True
    c = np.zeros(n * m)  # x[a, e] is column a * m + e
    for (a, e), score in ix.affinity.items():
        c[a * m + e] = -score
    columns = np.arange(n * m)
    a_eq = sparse.csr_array((np.ones(n * m), (columns // m, columns)), shape=(n, n * m))
    a_ub = sparse.csr_array((np.ones(n * m), (columns % m, columns)), shape=(m, n * m))
    bounds = np.column_stack([np.zeros(n * m), eligible.ravel().astype(float)])
    res = optimize.linprog(
        c,
        A_ub=a_ub,
        b_ub=np.asarray(ix.capacity, dtype=float),
        A_eq=a_eq,
        b_eq=np.full(n, float(k)),
        bounds=bounds,
        method="highs",
    )
    if res.status == 2:
        raise AssignmentInfeasible(
            f"the LP relaxation is infeasible: {n} applications x {k} experts cannot be placed within the "
            f"capacities and conflicts ({sum(ix.capacity)} places in total).",
            needed=n * k,
            available=sum(ix.capacity),
        )
    if res.status != 0:
        raise RuntimeError(f"linprog failed: {res.message}")
    return float(-res.fun)
