"""The product's caches keyed by their arguments are emptied before each test
(ARGUMENT_CACHES in tests/conftest.py), so that pytest-testmon links each test to the
cached bodies it runs; a new one must be added there, or named in KEPT_CACHES with why."""

from __future__ import annotations

import ast
from pathlib import Path

from presswatch.models import Filters
from presswatch.store import conditions
from tests.conftest import ARGUMENT_CACHES, KEPT_CACHES

ROOT = Path(__file__).resolve().parent.parent
CACHES = {"cache", "lru_cache"}


def _is_cache(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute):
        return target.attr in CACHES
    return isinstance(target, ast.Name) and target.id in CACHES


def cached_functions(package: Path) -> dict[str, bool]:
    """Module-level functions under ``package`` memoised by functools -> whether they take
    parameters (a cache of a function without any holds one value: a loader)."""
    found: dict[str, bool] = {}
    for path in sorted(package.rglob("*.py")):
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and any(map(_is_cache, node.decorator_list)):
                arguments = node.args
                found[f"{module}.{node.name}"] = bool(
                    arguments.posonlyargs
                    or arguments.args
                    or arguments.kwonlyargs
                    or arguments.vararg
                    or arguments.kwarg
                )
    return found


def test_every_cache_with_arguments_is_emptied_or_kept_with_a_reason() -> None:
    found = cached_functions(ROOT / "presswatch")
    listed = {f"{f.__module__}.{f.__qualname__}" for f in ARGUMENT_CACHES}
    with_arguments = {name for name, takes in found.items() if takes}
    assert not with_arguments - listed - set(KEPT_CACHES), "add them to ARGUMENT_CACHES"
    assert listed <= set(found) and set(KEPT_CACHES) <= set(found), "stale names"
    assert "presswatch.store.conditions._scope" in with_arguments  # the walk sees them


def test_the_scan_tells_loaders_from_caches_with_arguments(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "mod.py").write_text(
        "import functools\nfrom functools import cache, lru_cache\n"
        "@cache\ndef loader(): ...\n"
        "@lru_cache(maxsize=8)\ndef keyed(x): ...\n"
        "@functools.lru_cache(maxsize=1)\ndef keyed_too(*, x): ...\n"
        "def plain(x): ...\n",
        encoding="utf-8",
    )
    assert cached_functions(package) == {
        "pkg.mod.loader": False,
        "pkg.mod.keyed": True,
        "pkg.mod.keyed_too": True,
    }


def test_each_test_finds_the_caches_empty() -> None:
    assert all(cached.cache_info().currsize == 0 for cached in ARGUMENT_CACHES)
    conditions.scope(Filters(languages=("fr",)))
    assert conditions._scope.cache_info().currsize == 1
