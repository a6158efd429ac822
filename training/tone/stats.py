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

HERE = Path(__file__).resolve().parent
FILES = ("fr.jsonl", "fr_test.jsonl", "en.jsonl", "en_test.jsonl")
TONES = ("positive", "negative", "neutral")
TOPICS = ("funding", "launch", "partnership", "lawsuit", "regulation", "layoffs",
          "outage", "security", "results", "ranking", "comparison", "quote",
          "passing", "appointment", "acquisition", "controversy", "award",
          "strike", "recall", "other")
MAX_SHARED = 0.70


def load(folder: Path = HERE) -> dict[str, list[dict]]:
    """Read every JSONL file of the set, keyed by file name."""
    out: dict[str, list[dict]] = {}
    for name in FILES:
        path = folder / name
        out[name] = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip()] if path.exists() else []
    return out


def word_count(sentence: str) -> int:
    """Count the whitespace-separated tokens that hold a letter or a digit."""
    return sum(1 for tok in sentence.split() if re.search(r"\w", tok))


def word_set(sentence: str) -> frozenset[str]:
    """Lower-cased set of the sentence's words (letters and digits runs)."""
    return frozenset(re.findall(r"\w+", sentence.lower()))


def shared_share(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the shorter sentence's words that the other sentence also holds."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def near_duplicates(rows: list[dict], limit: float = MAX_SHARED) -> list[tuple[str, str, float]]:
    """Pairs of rows (ids) whose sentences share more than `limit` of their words."""
    sets = [(r["id"], word_set(r["sentence"])) for r in rows]
    found = []
    for (ia, a), (ib, b) in itertools.combinations(sets, 2):
        if len(a & b) > limit * min(len(a), len(b)):
            found.append((ia, ib, round(shared_share(a, b), 2)))
    return found


def row_problems(row: dict) -> list[str]:
    """Format errors of one row: fields, word count, tones, topic, names found in the sentence."""
    errs = []
    if set(row) != {"id", "language", "sentence", "targets", "topic"}:
        errs.append("fields")
    if row.get("language") not in ("fr", "en") or not str(row.get("id", "")).startswith(f"{row.get('language')}-"):
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


def summary(data: dict[str, list[dict]]) -> tuple[str, bool]:
    """Markdown tables of counts per language, label and topic, and the checks' outcome."""
    lines: list[str] = []
    ok = True
    langs = ("fr", "en")
    by_lang = {lg: data[f"{lg}.jsonl"] + data[f"{lg}_test.jsonl"] for lg in langs}
    everything = by_lang["fr"] + by_lang["en"]

    lines += ["| language | train rows | test rows | rows | targets | positive | negative | neutral |",
              "|---|---|---|---|---|---|---|---|"]
    for lg in langs + ("all",):
        rows = everything if lg == "all" else by_lang[lg]
        train = len(data["fr.jsonl"]) + len(data["en.jsonl"]) if lg == "all" else len(data[f"{lg}.jsonl"])
        test = len(rows) - train
        tones = Counter(t["tone"] for r in rows for t in r["targets"])
        n = sum(tones.values())
        cells = " | ".join(f"{tones[t]} ({pct(tones[t], n)})" for t in TONES)
        lines.append(f"| {lg} | {train} | {test} | {len(rows)} | {n} | {cells} |")

    lines += ["", "| topic | fr | en | all |", "|---|---|---|---|"]
    for topic in TOPICS:
        c = [sum(r["topic"] == topic for r in by_lang[lg]) for lg in langs]
        lines.append(f"| {topic} | {c[0]} | {c[1]} | {sum(c)} |")

    lines += ["", "| language | rows naming 2+ companies | rows with opposite tones (positive and negative) |",
              "|---|---|---|"]
    for lg in langs + ("all",):
        rows = everything if lg == "all" else by_lang[lg]
        multi = sum(len(r["targets"]) > 1 for r in rows)
        opp = sum({"positive", "negative"} <= {t["tone"] for t in r["targets"]} for r in rows)
        lines.append(f"| {lg} | {multi} ({pct(multi, len(rows))}) | {opp} ({pct(opp, len(rows))}) |")

    problems = [(r["id"], e) for r in everything for e in row_problems(r)]
    ids = Counter(r["id"] for r in everything)
    problems += [(i, "duplicate id") for i, n in ids.items() if n > 1]
    dups = near_duplicates(everything)
    ok = not problems and not dups
    lines += ["", f"Format check: {len(problems)} problem(s) in {len(everything)} rows "
              "(fields, 8 to 45 words, tone and topic values, every company string found in its sentence).",
              f"Near-duplicate check: {len(dups)} pair(s) of sentences where more than "
              f"{MAX_SHARED:.0%} of the shorter sentence's words occur in the other."]
    for i, e in problems[:50]:
        lines.append(f"- {i}: {e}")
    for a, b, s in dups[:50]:
        lines.append(f"- {a} / {b}: {s}")
    return "\n".join(lines), ok


def main() -> int:
    """Print the summary of the set beside this script; return 1 if a check fails."""
    text, ok = summary(load())
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
