"""Counts and checks for the presswatch tone rows (training/tone/*.jsonl).

Run: python training/tone/stats.py   (prints a Markdown summary; exit 1 if a check fails)
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

Row = dict[str, Any]

HERE = Path(__file__).resolve().parent
FILES = ("fr.jsonl", "fr_test.jsonl", "en.jsonl", "en_test.jsonl")
LANGS = ("fr", "en")
TONES = ("positive", "negative", "neutral")
TOPICS = (
    "funding", "launch", "partnership", "lawsuit", "regulation", "layoffs", "outage",
    "security", "results", "ranking", "comparison", "quote", "passing", "appointment",
    "acquisition", "controversy", "award", "strike", "recall", "other",
)  # fmt: skip
FIELDS = {"id", "language", "sentence", "targets", "topic"}
MAX_SHARED = 0.70


def load(folder: Path = HERE) -> dict[str, list[Row]]:
    """Read every JSONL file of the set, keyed by file name (missing files give no rows)."""
    out: dict[str, list[Row]] = {}
    for name in FILES:
        path = folder / name
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        out[name] = [json.loads(line) for line in text.splitlines() if line.strip()]
    return out


def word_count(sentence: str) -> int:
    """Count the whitespace-separated tokens that hold a letter or a digit."""
    return sum(1 for tok in sentence.split() if re.search(r"\w", tok))


def word_set(sentence: str) -> frozenset[str]:
    """Lower-cased set of the sentence's words (runs of letters and digits)."""
    return frozenset(re.findall(r"\w+", sentence.lower()))


def shared_share(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the shorter sentence's words that the other sentence also holds."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def near_duplicates(rows: list[Row], limit: float = MAX_SHARED) -> list[tuple[str, str, float]]:
    """Pairs of rows (ids) whose sentences share more than `limit` of their words."""
    sets = [(str(r["id"]), word_set(r["sentence"])) for r in rows]
    found = []
    for (ia, a), (ib, b) in itertools.combinations(sets, 2):
        if len(a & b) > limit * min(len(a), len(b)):
            found.append((ia, ib, round(shared_share(a, b), 2)))
    return found


def row_problems(row: Row) -> list[str]:
    """Format errors of one row: fields, id, word count, tones, topic, names in the sentence."""
    errs = []
    if set(row) != FIELDS:
        return ["fields"]
    lang = row["language"]
    if lang not in LANGS or not str(row["id"]).startswith(f"{lang}-"):
        errs.append("language/id")
    if not 8 <= word_count(row["sentence"]) <= 45:
        errs.append(f"{word_count(row['sentence'])} words")
    if row["topic"] not in TOPICS:
        errs.append(f"topic {row['topic']}")
    names = [t["company"] for t in row["targets"]]
    if not names or len(set(names)) != len(names):
        errs.append("targets empty or repeated")
    for t in row["targets"]:
        if t["tone"] not in TONES:
            errs.append(f"tone {t['tone']}")
        if t["company"] not in row["sentence"]:
            errs.append(f"company not in sentence: {t['company']}")
    return errs


def pct(part: int, whole: int) -> str:
    """Format part/whole as a percentage with no decimals."""
    return f"{100 * part / whole:.0f} %" if whole else "n/a"


def by_language(data: dict[str, list[Row]]) -> dict[str, list[Row]]:
    """Rows per language (train then test) and under "all" every row."""
    out = {lg: data[f"{lg}.jsonl"] + data[f"{lg}_test.jsonl"] for lg in LANGS}
    out["all"] = [r for lg in LANGS for r in out[lg]]
    return out


def label_table(data: dict[str, list[Row]]) -> list[str]:
    """Markdown table: rows per split and target tones per language."""
    groups = by_language(data)
    lines = [
        "| language | train rows | test rows | rows | targets | positive | negative | neutral |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for lg, rows in groups.items():
        train = sum(len(data[f"{x}.jsonl"]) for x in LANGS if lg in (x, "all"))
        tones = Counter(t["tone"] for r in rows for t in r["targets"])
        n = sum(tones.values())
        cells = " | ".join(f"{tones[t]} ({pct(tones[t], n)})" for t in TONES)
        lines.append(f"| {lg} | {train} | {len(rows) - train} | {len(rows)} | {n} | {cells} |")
    return lines


def topic_table(data: dict[str, list[Row]]) -> list[str]:
    """Markdown table: rows per topic and language."""
    groups = by_language(data)
    lines = ["| topic | fr | en | all |", "|---|---|---|---|"]
    for topic in TOPICS:
        c = [sum(r["topic"] == topic for r in groups[lg]) for lg in (*LANGS, "all")]
        lines.append(f"| {topic} | {c[0]} | {c[1]} | {c[2]} |")
    return lines


def multi_table(data: dict[str, list[Row]]) -> list[str]:
    """Markdown table: rows naming two or more companies, and rows with opposite tones."""
    lines = [
        "| language | rows naming 2+ companies | rows with a positive and a negative target |",
        "|---|---|---|",
    ]
    for lg, rows in by_language(data).items():
        multi = sum(len(r["targets"]) > 1 for r in rows)
        opp = sum({"positive", "negative"} <= {t["tone"] for t in r["targets"]} for r in rows)
        n = len(rows)
        lines.append(f"| {lg} | {multi} ({pct(multi, n)}) | {opp} ({pct(opp, n)}) |")
    return lines


def check_lines(data: dict[str, list[Row]]) -> tuple[list[str], bool]:
    """Outcome of the format and near-duplicate checks, and whether both passed."""
    everything = by_language(data)["all"]
    problems = [(str(r["id"]), e) for r in everything for e in row_problems(r)]
    ids = Counter(str(r["id"]) for r in everything)
    problems += [(i, "duplicate id") for i, n in ids.items() if n > 1]
    dups = near_duplicates(everything)
    lines = [
        f"Format check: {len(problems)} problem(s) in {len(everything)} rows (fields, 8 to 45 "
        "words, tone and topic values, every company string found in its sentence).",
        f"Near-duplicate check: {len(dups)} pair(s) of sentences where more than "
        f"{MAX_SHARED:.0%} of the shorter sentence's words occur in the other.",
    ]
    lines += [f"- {i}: {e}" for i, e in problems[:50]]
    lines += [f"- {a} / {b}: {s}" for a, b, s in dups[:50]]
    return lines, not problems and not dups


def summary(data: dict[str, list[Row]]) -> tuple[str, bool]:
    """The whole Markdown summary, and whether the checks passed."""
    checks, ok = check_lines(data)
    parts = [label_table(data), topic_table(data), multi_table(data), checks]
    return "\n\n".join("\n".join(p) for p in parts), ok


def main() -> int:
    """Print the summary of the set beside this script; return 1 if a check fails."""
    text, ok = summary(load())
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
