"""Every word the dashboard shows goes through the translation table, and French has it."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from dashboard.i18n import FRENCH, translate

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard"
# Streamlit calls whose first argument a person reads, and column labels.
SHOWN = {
    "title",
    "header",
    "subheader",
    "caption",
    "info",
    "warning",
    "error",
    "success",
    "button",
    "download_button",
    "metric",
    "selectbox",
    "multiselect",
    "text_input",
    "radio",
    "date_input",
    "expander",
    "tabs",
    "toggle",
    "checkbox",
    "form_submit_button",
    "text_area",
    "number_input",
    "slider",
}
COLUMNS = {
    "Column",
    "TextColumn",
    "NumberColumn",
    "DatetimeColumn",
    "DateColumn",
    "LinkColumn",
    "ListColumn",
    "ProgressColumn",
    "CheckboxColumn",
    "SelectboxColumn",
}


def calls() -> list[tuple[str, ast.Call]]:
    found = []
    for path in sorted(DASHBOARD.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                found.append((path.name, node))
    return found


def name_of(call: ast.Call) -> str | None:
    return getattr(call.func, "attr", None) or getattr(call.func, "id", None)


def test_no_text_is_shown_without_going_through_the_translation() -> None:
    bare = []
    for file, call in calls():
        candidates: list[ast.expr] = []
        if name_of(call) in SHOWN | COLUMNS and call.args:
            candidates.append(call.args[0])
        for keyword in call.keywords:
            if keyword.arg == "column_config" and isinstance(keyword.value, ast.Dict):
                candidates.extend(v for v in keyword.value.values if v is not None)
            if keyword.arg in ("help", "label", "placeholder"):
                candidates.append(keyword.value)
        for node in candidates:
            literal = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if (literal and str(node.value).strip()) or isinstance(node, ast.JoinedStr):
                bare.append(f"{file}:{node.lineno}: {ast.unparse(node)[:70]}")
    assert bare == []


def test_every_translated_text_has_its_french_with_the_same_placeholders() -> None:
    texts = set()
    for _file, call in calls():
        if name_of(call) in ("t", "translate") and call.args:
            first = call.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                texts.add(first.value)
    assert len(texts) > 80
    missing = sorted(text for text in texts if text not in FRENCH)
    assert missing == []

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    differing = [k for k, v in FRENCH.items() if fields(k) != fields(v)]
    assert differing == []


def test_placeholders_are_filled_in_either_language() -> None:
    text = "Republished stories ({count})"
    assert translate(text, "en", count=3) == "Republished stories (3)"
    assert translate(text, "fr", count=3) == "Histoires reprises (3)"
    assert translate("Not in the table", "fr") == "Not in the table"
