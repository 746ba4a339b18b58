"""The shape the conventions ask for (CONVENTIONS.md, "Reading data" and "Lists"), checked on the source of every
views module of the project's apps: a view reads through its app's selectors, never `Model.objects` nor
`get_object_or_404(Model, …)`, and pages a list with `accounts.listing.paginate`, never a `Paginator` of its own.

A views module is `views.py`, `views_*.py` or any module of a `views/` package of an installed app that lives in
this project. The check walks the syntax tree, so a comment or a string that mentions `.objects` does not count.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR).resolve()

# A views module that may still read directly, with the reason. Keep it short: every entry is a debt to pay.
ALLOWED_DIRECT_READS: dict[str, str] = {}

# The shortcuts that fetch by model: their first argument must be a selector's queryset, never a model class.
_FETCH_SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def views_modules() -> list[Path]:
    found = set()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if ROOT not in path.parents or ".venv" in path.parts:
            continue
        found.update(path.glob("views.py"))
        found.update(path.glob("views_*.py"))
        found.update(path.glob("views/*.py"))
    return sorted(found)


@dataclass(frozen=True)
class Read:
    line: int
    what: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.what}"


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def direct_reads(source: str) -> list[Read]:
    """Every `X.objects` and every `get_object_or_404(Model, …)` (a class name as the first argument) in `source`."""
    reads = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            reads.append(Read(node.lineno, f"{ast.unparse(node)}"))
        elif isinstance(node, ast.Call) and _name(node.func) in _FETCH_SHORTCUTS and node.args:
            first = _name(node.args[0])
            if first[:1].isupper():
                reads.append(Read(node.lineno, f"{_name(node.func)}({first}, …)"))
    return sorted(reads, key=lambda read: read.line)


def own_paginators(source: str) -> list[Read]:
    """Every `Paginator(…)` built in `source`, and every import of it."""
    reads = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _name(node.func) == "Paginator":
            reads.append(Read(node.lineno, "Paginator(…)"))
        elif isinstance(node, ast.ImportFrom) and any(alias.name == "Paginator" for alias in node.names):
            reads.append(Read(node.lineno, f"from {node.module} import Paginator"))
    return sorted(reads, key=lambda read: read.line)


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


MODULES = views_modules()


def test_views_modules_found():
    names = {_relative(path) for path in MODULES}
    assert {
        "accounts/views.py",
        "applications/views.py",
        "decisions/views.py",
        "decisions/views_public.py",
        "reviews/views/expert.py",
        "reviews/views/office.py",
        "reviews/views/records.py",
        "revocation/views.py",
        "revocation/aftercare/views.py",
    } <= names


def test_allow_list_names_existing_modules_with_a_reason():
    names = {_relative(path) for path in MODULES}
    for name, reason in ALLOWED_DIRECT_READS.items():
        assert name in names, f"{name} is allowed but is not a views module any more: drop it from the list"
        assert len(reason.split()) >= 4, f"{name}: say why it may read directly"


@pytest.mark.parametrize("path", MODULES, ids=_relative)
def test_views_read_through_selectors(path):
    if _relative(path) in ALLOWED_DIRECT_READS:
        pytest.skip(ALLOWED_DIRECT_READS[_relative(path)])
    reads = direct_reads(path.read_text(encoding="utf-8"))
    assert not reads, f"{_relative(path)} reads directly; move these into the app's selectors.py:\n" + "\n".join(
        map(str, reads)
    )


@pytest.mark.parametrize("path", MODULES, ids=_relative)
def test_views_page_with_the_one_listing(path):
    found = own_paginators(path.read_text(encoding="utf-8"))
    assert not found, f"{_relative(path)} pages by hand; use accounts.listing.paginate:\n" + "\n".join(map(str, found))


# --- the check itself ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Application.objects.filter(pk=1)", ["Application.objects"]),
        ("x = models.Application.objects.all()", ["models.Application.objects"]),
        ("get_object_or_404(Edition, pk=pk)", ["get_object_or_404(Edition, …)"]),
        ("shortcuts.get_object_or_404(services.DecisionStep, pk=pk)", ["get_object_or_404(DecisionStep, …)"]),
        ("get_object_or_404(selectors.cases_for(user=u), pk=pk)", []),
        ("get_object_or_404(cases, pk=pk)", []),
        ("# Application.objects in a comment\ntext = 'Model.objects'", []),
        ("application.files.all()", []),
    ],
)
def test_direct_reads_found(source, expected):
    assert [read.what for read in direct_reads(source)] == expected


def test_own_paginators_found():
    source = "from django.core.paginator import Paginator\npage = Paginator(rows, 50).get_page(1)\n"
    assert [str(read) for read in own_paginators(source)] == [
        "line 1: from django.core.paginator import Paginator",
        "line 2: Paginator(…)",
    ]
