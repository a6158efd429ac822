"""The product's functools caches are emptied before each test (EMPTIED_CACHES in
tests/conftest.py), so that pytest-testmon links each test to the cached bodies it runs;
a new cache must be added there, or named in KEPT_CACHES with the reason."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from presswatch.models import Filters
from presswatch.store import conditions
from tests.conftest import EMPTIED_CACHES, KEPT_CACHES, empty_caches

ROOT = Path(__file__).resolve().parent.parent
FUNCTOOLS_CACHES = {"cache", "lru_cache"}


class _CacheFinder(ast.NodeVisitor):
    """The qualified names of a module's functions memoised by functools: decorated (any
    nesting, `def` or `async def`), or wrapped at module level (`f = functools.cache(g)`),
    whatever the names functools and its caches were imported under."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.scope: list[str] = []
        self.cache_names = set(FUNCTOOLS_CACHES)  # imported by name, maybe renamed
        self.functools_names = {"functools"}  # the module, maybe renamed
        self.found: list[str] = []

    def _is_cache(self, node: ast.expr) -> bool:
        target = node.func if isinstance(node, ast.Call) else node
        if isinstance(target, ast.Name):
            return target.id in self.cache_names
        return (
            isinstance(target, ast.Attribute)
            and target.attr in FUNCTOOLS_CACHES
            and isinstance(target.value, ast.Name)
            and target.value.id in self.functools_names
        )

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == "functools":
                self.functools_names.add(alias.asname or alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module == "functools":
            for alias in node.names:
                if alias.name in FUNCTOOLS_CACHES:
                    self.cache_names.add(alias.asname or alias.name)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if any(map(self._is_cache, node.decorator_list)):
            self.found.append(".".join([self.module, *self.scope, node.name]))
        self.scope += [node.name, "<locals>"]
        self.generic_visit(node)
        del self.scope[-2:]

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    def visit_Assign(self, node: ast.Assign) -> None:
        wrapped = isinstance(node.value, ast.Call) and self._is_cache(node.value)
        if wrapped and not self.scope:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.found.append(f"{self.module}.{target.id}")
        self.generic_visit(node)


def cached_functions(*packages: Path) -> set[str]:
    """The qualified names of the functions memoised by functools in these packages."""
    found: set[str] = set()
    for package in packages:
        for path in sorted(package.rglob("*.py")):
            module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
            finder = _CacheFinder(module.removesuffix(".__init__"))
            finder.visit(ast.parse(path.read_text(encoding="utf-8")))
            found.update(finder.found)
    return found


def test_every_cache_is_emptied_or_kept_with_a_reason() -> None:
    found = cached_functions(ROOT / "presswatch", ROOT / "dashboard")
    emptied = {f"{f.__module__}.{f.__qualname__}" for f in EMPTIED_CACHES}
    assert not found - emptied - set(KEPT_CACHES), "add them to EMPTIED_CACHES or KEPT_CACHES"
    assert emptied | set(KEPT_CACHES) <= found, "stale names"
    assert not emptied & set(KEPT_CACHES)
    assert {"presswatch.store.conditions._scope", "dashboard.i18n._french"} <= found


def test_the_scan_finds_every_way_of_writing_a_cache(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "mod.py").write_text(
        "import functools as ft\nfrom functools import cache, lru_cache as memo, wraps\n"
        "@cache\ndef loader(): ...\n"
        "@memo(maxsize=8)\ndef keyed(x): ...\n"
        "@ft.lru_cache(maxsize=1)\nasync def fetched(*, x): ...\n"
        "class Box:\n    @ft.cache\n    def method(self): ...\n"
        "def outer():\n    @cache\n    def inner(): ...\n"
        "wrapped = ft.cache(len)\n"
        "@wraps(len)\ndef plain(x): ...\n",
        encoding="utf-8",
    )
    assert cached_functions(package) == {
        "pkg.mod.loader",
        "pkg.mod.keyed",
        "pkg.mod.fetched",
        "pkg.mod.Box.method",
        "pkg.mod.outer.<locals>.inner",
        "pkg.mod.wrapped",
    }


def test_the_caches_are_emptied_before_each_test(request: pytest.FixtureRequest) -> None:
    assert "caches_emptied" in request.fixturenames  # autouse: every test has it
    conditions.scope(Filters(languages=("fr",)))
    assert conditions._scope.cache_info().currsize == 1
    empty_caches()
    assert all(cached.cache_info().currsize == 0 for cached in EMPTIED_CACHES)
