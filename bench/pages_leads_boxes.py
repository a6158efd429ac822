"""Saved pages: leads kept and related-content boxes removed, against trafilatura alone.

For each saved page of ../shared/corpus/html (or FOLDER), "before" is trafilatura's text
with the options presswatch used until issue 25, "after" is collectors.pagetext. Counted:
lines that open a box ("Lire aussi", "Read more", "Related"...) left in the text, pages
whose lead was put back first (and from where), pages refused (template, script). The
numbers only point at pages to read: the judgement is a person's, on a listed sample
(bench/RESULTS.md). The pages stay where they are: publisher text never enters the project.

    python -m bench.pages_leads_boxes [FOLDER] [--show NAME]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import trafilatura

from collectors.pagetext import _BOX_OPENING, extract_page
from presswatch.analysis.nlp.text import fold

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "html"


def box_lines(text: str) -> int:
    """Lines of a text that open a related-content box."""
    return sum(1 for line in text.split("\n") if _BOX_OPENING.match(fold(line.strip())))


def before_text(page: bytes) -> str:
    """The text trafilatura gave with presswatch's options before issue 25."""
    document = trafilatura.bare_extraction(
        page, with_metadata=True, include_comments=False, include_tables=False
    )
    values = document.as_dict() if document is not None else {}
    return str(values.get("text") or "")


def main() -> None:
    """Print a per-folder table for bench/RESULTS.md (and one page's texts with --show)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--show", help="print before/after first lines of pages named so")
    args = parser.parse_args()
    totals: dict[str, Counter[str]] = {}
    started = time.perf_counter()
    for path in sorted(args.folder.resolve().glob("*/*.htm*")):
        data = path.read_bytes()
        before = before_text(data)
        after = extract_page(data)
        counts = totals.setdefault(path.parent.name, Counter())
        counts["pages"] += 1
        counts["box lines before"] += box_lines(before)
        counts["box lines after"] += box_lines(after.text or "")
        counts["refused"] += after.text is None
        counts[f"lead from {after.lead_origin}"] += bool(after.lead_origin)
        counts["boxes removed"] += after.boxes_removed
        if args.show and args.show in path.name:
            print(
                f"## {path.name}\nbefore: {before[:300]!r}\nafter:  {(after.text or after.why)[:300]!r}"
            )
    seconds = time.perf_counter() - started
    columns = [
        "pages",
        "box lines before",
        "box lines after",
        "boxes removed",
        "lead from structure",
        "lead from description",
        "refused",
    ]
    print("| folder | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    every: Counter[str] = Counter()
    for name, counts in totals.items():
        every.update(counts)
        print(f"| {name} | " + " | ".join(str(counts[c]) for c in columns) + " |")
    print("| all | " + " | ".join(str(every[c]) for c in columns) + " |")
    print(f"\n{every['pages']} pages in {seconds:.1f} s (both extractions)")


if __name__ == "__main__":
    main()
