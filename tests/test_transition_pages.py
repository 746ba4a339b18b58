"""Every transition of the application lifecycle that a rulebook gives to a person is reachable from a page.

The check is made on the code itself: the functions that perform a transition (`application.<transition>(…)`)
are found in the source, and each must be reachable through the call graph from the view of some URL of the
portal. Only the transitions listed in SWEEP_ONLY may lack a page: a periodic sweep performs them.
"""

import ast
import inspect
from collections import defaultdict
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

from applications.models import Application

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "awards", "applications", "reviews", "decisions", "revocation")

# Transitions a periodic sweep performs on a deadline column (the only ones allowed to have no page), with the
# sweep that performs them. The office also closes a name's notice by hand when it dismisses an objection raised
# against it after the notice ended (decisions.notice.notice_entry_release), so close_notice has a page too.
SWEEP_PERFORMED = {
    "close_notice": "decisions.notice.notice_sweep",
}


def _lifecycle_transitions() -> set[str]:
    return {transition.name for transition in Application._meta.get_field("state").get_all_transitions(Application)}


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or "management" in path.parts:
                continue
            yield path


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _call_graph():
    """Functions are (module, name) nodes. Returns: node -> the bare names it calls or passes on; bare name ->
    the nodes of that name (a call is followed to every function of its name, which over-approximates only
    across modules that reuse a name); transition -> the nodes that perform it."""
    calls = defaultdict(set)
    by_name = defaultdict(set)
    performs = defaultdict(set)
    transitions = _lifecycle_transitions()
    for path in _sources():
        module = _module(path)
        tree = ast.parse(path.read_text(), filename=str(path))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            node = (module, function.name)
            by_name[function.name].add(node)
            for inner in ast.walk(function):
                if isinstance(inner, ast.Call):
                    func = inner.func
                    if isinstance(func, ast.Name):
                        calls[node].add(func.id)
                    elif isinstance(func, ast.Attribute):
                        calls[node].add(func.attr)
                elif isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load):
                    # A function passed as a value (bulk_apply(items, service), a dispatch dict) is called too.
                    calls[node].add(inner.id)
                elif isinstance(inner, ast.Attribute) and isinstance(inner.ctx, ast.Load):
                    calls[node].add(inner.attr)
                    # `application.recommend()`, or `application.recommend` taken from a dispatch dict and called.
                    if (
                        inner.attr in transitions
                        and isinstance(inner.value, ast.Name)
                        and inner.value.id == "application"
                    ):
                        performs[inner.attr].add(node)
    return (calls, by_name), performs


def _views() -> set[tuple[str, str]]:
    nodes = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                callback = inspect.unwrap(pattern.callback)
                view_class = getattr(pattern.callback, "view_class", None)
                if view_class is not None:
                    nodes.update(
                        (view_class.__module__, name) for name, _ in inspect.getmembers(view_class, inspect.isfunction)
                    )
                nodes.add((callback.__module__, callback.__name__))

    walk(get_resolver().url_patterns)
    return nodes


def _reachable(start, graph) -> set[tuple[str, str]]:
    calls, by_name = graph
    seen, stack = set(), list(start)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for name in calls.get(node, ()):
            stack.extend(by_name.get(name, ()))
    return seen


def test_every_lifecycle_transition_is_performed_somewhere():
    _calls, performs = _call_graph()
    assert _lifecycle_transitions() - set(performs) == set()


def test_every_transition_without_a_page_is_performed_by_a_sweep():
    calls, performs = _call_graph()
    reached = _reachable(_views(), calls)
    without_page = {t: sorted(functions) for t, functions in performs.items() if not functions & reached}
    assert set(without_page) <= set(SWEEP_PERFORMED), without_page


def test_person_transitions_all_have_a_page():
    calls, performs = _call_graph()
    reached = _reachable(_views(), calls)
    person = _lifecycle_transitions() - set(SWEEP_PERFORMED)
    assert {t for t in person if not performs[t] & reached} == set()


def test_sweep_transitions_are_performed_by_their_sweep():
    calls, performs = _call_graph()
    for transition, sweep in SWEEP_PERFORMED.items():
        module, name = sweep.rsplit(".", 1)
        assert performs[transition] & _reachable({(module, name)}, calls), transition


def test_reachability_follows_calls_and_stops_where_no_view_calls():
    calls = {("m", "view"): {"service"}, ("m", "service"): {"helper"}, ("m", "orphan"): {"helper"}}
    by_name = {"service": {("m", "service")}, "helper": {("m", "helper")}, "orphan": {("m", "orphan")}}
    reached = _reachable({("m", "view")}, (calls, by_name))
    assert reached == {("m", "view"), ("m", "service"), ("m", "helper")}
