"""The layers hold: no import cycles, collectors and analysis know nothing of the store's
insides or the dashboard, and project imports stand at the top of their modules."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("presswatch", "collectors", "dashboard")
# The command line imports lazily so that `presswatch --help` answers at once.
LAZY_ALLOWED = {"presswatch.cli"}


def module_files() -> dict[str, Path]:
    """Every module of the project's packages by its dotted name."""
    modules: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


MODULES = module_files()


def _imported(node: ast.Import | ast.ImportFrom, module: str) -> Iterator[str]:
    """The project modules an import statement runs: the named module, its packages, and
    with ``from package import name`` the submodule ``name`` when there is one."""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".")[: -node.level or None]
            base = ".".join([*package, base] if base else package)
        targets = [base]
        targets += [f"{base}.{alias.name}" for alias in node.names]
    for target in targets:
        parts = target.split(".")
        for end in range(1, len(parts) + 1):
            name = ".".join(parts[:end])
            if name in MODULES:
                yield name


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, *, in_function: bool = False) -> Iterator[tuple[ast.stmt, bool]]:
    """Every import statement and whether it runs inside a function (not at import)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, in_function
        elif isinstance(node, ast.If) and _is_type_checking(node):
            continue  # never runs
        else:
            inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            yield from _imports(node, in_function=inner)


def import_graph() -> tuple[dict[str, set[str]], list[str]]:
    """Module-level project imports per module, and the project imports inside functions."""
    graph: dict[str, set[str]] = {}
    lazy: list[str] = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges: set[str] = set()
        for node, in_function in _imports(tree):
            assert isinstance(node, ast.Import | ast.ImportFrom)
            found = set(_imported(node, module)) - {module}
            if in_function and found:
                lazy.append(f"{module}:{node.lineno} imports {', '.join(sorted(found))}")
            elif not in_function:
                edges |= found
        graph[module] = edges
    return graph, lazy


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), or self-loops."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_the_module_imports_have_no_cycle() -> None:
    graph, _ = import_graph()
    assert find_cycles(graph) == []


def test_project_imports_are_at_the_top_of_their_modules() -> None:
    _, lazy = import_graph()
    assert [line for line in lazy if line.split(":")[0] not in LAZY_ALLOWED] == []


def test_collectors_and_analysis_import_neither_the_store_nor_the_dashboard() -> None:
    graph, _ = import_graph()
    for module in MODULES:
        if module.startswith("collectors") or module.startswith("presswatch.analysis.nlp"):
            forbidden = [
                m
                for m in reachable(graph, module)
                if m.startswith(("presswatch.store", "presswatch.aggregates", "dashboard"))
            ]
            assert forbidden == [], module
    # Only the collection run and the registry know the collectors.
    for module in MODULES:
        if module.startswith("presswatch.analysis"):
            assert not any(m.startswith("collectors") for m in reachable(graph, module)), module


def test_the_checker_sees_a_cycle() -> None:
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
