"""Conformance: the file collector over saved real pages (../shared/corpus/html by default).

Counts how many pages yield a title, a date, an outlet and a body of reasonable length, per
folder. The pages stay where they are: publisher text never enters the project.

    python -m bench.conformance_html [FOLDER]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from collectors import CollectContext
from collectors.files import collect_folder
from presswatch.config import FilesSourceConfig

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "html"
MIN_BODY = 500


def main() -> None:
    """Collect every page and print a table for bench/RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    folder: Path = args.folder.resolve()
    rows = []
    totals: Counter[str] = Counter()
    started = time.perf_counter()
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        source = FilesSourceConfig(name=sub.name, kind="files", path=str(sub), glob="**/*.htm*")
        result = collect_folder(source, CollectContext(state=None, base_dir=folder))
        counts: Counter[str] = Counter(pages=result.entries_seen, failed=len(result.problems))
        for article in result.articles:
            counts["articles"] += 1
            counts["title"] += bool(article.title)
            counts["date"] += article.published is not None
            counts["outlet"] += bool(article.outlet)
            counts["body"] += len(article.text) >= MIN_BODY
            counts["french"] += article.language == "fr"
        totals.update(counts)
        rows.append((sub.name, counts))
        for problem in result.problems[:5]:
            print(f"  {sub.name}: {problem}")
    seconds = time.perf_counter() - started
    header = "| folder | pages | articles | title | date | outlet | body >= 500 chars | French | failed |"
    print(header)
    print("|" + "---|" * 9)
    for name, c in [*rows, ("all", totals)]:
        print(
            f"| {name} | {c['pages']} | {c['articles']} | {c['title']} | {c['date']} | "
            f"{c['outlet']} | {c['body']} | {c['french']} | {c['failed']} |"
        )
    print(f"\n{totals['pages']} pages in {seconds:.1f} s ({totals['pages'] / seconds:.1f} pages/s)")


if __name__ == "__main__":
    main()
