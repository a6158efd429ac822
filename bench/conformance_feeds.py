"""Conformance: the RSS collector's parser over real and conformance feeds.

Runs presswatch's feed parsing over every file of ../shared/corpus/feeds (feedparser's own
test cases, real snapshots) beside feedparser itself, and checks: no crash; every entry
feedparser finds in a well-formed feed is kept (or skipped and counted, when it has no id,
link or title); every ill-formed feed is flagged; every feed read by the fast path
(collectors.fastfeed) gives the same articles, field by field, and the same problems as
feedparser's reading. feedparser reads no JSON Feed: for a JSON body the reference is what
Python's json module finds (the items; ill-formed when it is no strict JSON or names no
jsonfeed.org version). Exit 1 on a violation (a CI step).

    python -m bench.conformance_feeds [FOLDER]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections import Counter
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import feedparser

from collectors import CollectContext, CollectResult
from collectors.fastfeed import read_entries
from collectors.jsonfeed import looks_like_json
from collectors.rss import parse_feed, prepare_body
from presswatch.models import Article

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "feeds"
NOW = datetime(2026, 11, 22, tzinfo=UTC)


def _first_difference(fast: CollectResult, slow: CollectResult) -> str:
    """The first field where two readings of a feed differ, or '' when they are equal."""
    if (fast.status, fast.title, fast.entries_seen) != (slow.status, slow.title, slow.entries_seen):
        return f"status, title or count: {fast.status, fast.title, fast.entries_seen} != " + str(
            (slow.status, slow.title, slow.entries_seen)
        )
    if fast.problems != slow.problems:
        return f"problems {fast.problems[:2]} != {slow.problems[:2]}"
    if len(fast.articles) != len(slow.articles):
        return f"{len(fast.articles)} articles != {len(slow.articles)}"
    for number, (mine, theirs) in enumerate(zip(fast.articles, slow.articles, strict=True)):
        for name in (f.name for f in fields(Article) if f.compare):
            if getattr(mine, name) != getattr(theirs, name):
                mine_value = str(getattr(mine, name))[:80]
                their_value = str(getattr(theirs, name))[:80]
                return f"entry {number + 1} {name}: {mine_value!r} != {their_value!r}"
    return ""


def _json_reference(data: bytes) -> tuple[int, bool]:
    """How many items a JSON Feed holds by Python's json module (0 when it is none), and
    whether it is ill-formed: not strict JSON, or without a jsonfeed.org version."""
    try:
        document = json.loads(data)
    except ValueError:
        try:
            document, ill_formed = json.loads(data, strict=False), True
        except ValueError:
            return 0, True
    else:
        ill_formed = False
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        return 0, True
    version = str(document.get("version") or "")
    return len(document["items"]), ill_formed or "jsonfeed.org/version/1" not in version


def main() -> None:
    """Check every feed file and print the counts for bench/RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    files = sorted(p for p in args.folder.rglob("*") if p.is_file())
    counts: Counter[str] = Counter()
    violations: list[str] = []
    context = CollectContext(state=None, base_dir=args.folder, now=NOW)
    started = time.perf_counter()
    warnings.simplefilter("ignore")
    for path in files:
        data = path.read_bytes()
        counts["files"] += 1
        reference = feedparser.parse(data)
        expected, ill_formed = len(reference.entries), bool(reference.bozo)
        if looks_like_json(data, {}):
            expected, ill_formed = _json_reference(data)
            counts["JSON"] += 1
        try:
            result = parse_feed(data, path.name, context)
        except Exception as exc:  # a crash is exactly what this script looks for
            violations.append(f"{path}: crashed: {exc.__class__.__name__}: {exc}")
            counts["crashed"] += 1
            continue
        if read_entries(prepare_body(data)[0], {}) is not None:
            counts["fast path"] += 1
            slow = parse_feed(data, path.name, context, fast=False)
            difference = _first_difference(result, slow)
            if difference:
                violations.append(f"{path}: the fast path differs from feedparser: {difference}")
            else:
                counts["fast path, same articles as feedparser"] += 1
        skipped = sum("skipped" in p for p in result.problems)
        kept = len(result.articles)
        counts["entries (feedparser)"] += expected
        counts["entries kept"] += kept
        counts["entries skipped (no id, link or title)"] += skipped
        if result.status == "failed":
            counts["failed (no entries)"] += 1
            if expected:
                violations.append(f"{path}: failed but feedparser found {expected} entries")
        if ill_formed:
            counts["ill-formed"] += 1
            flagged = (
                result.status == "failed"
                or any("ill_formed_feed" in a.flags for a in result.articles)
                or not result.articles
            )
            counts["ill-formed and flagged"] += flagged
            if not flagged:
                violations.append(f"{path}: ill-formed but not flagged")
        else:
            counts["well-formed"] += 1
        if kept + skipped != expected and result.status != "failed":
            violations.append(
                f"{path}: feedparser found {expected}, kept {kept} + skipped {skipped}"
            )
    seconds = time.perf_counter() - started
    print("| measure | count |")
    print("|---|---|")
    for key in [
        "files",
        "well-formed",
        "ill-formed",
        "JSON",
        "ill-formed and flagged",
        "failed (no entries)",
        "crashed",
        "entries (feedparser)",
        "entries kept",
        "entries skipped (no id, link or title)",
        "fast path",
        "fast path, same articles as feedparser",
    ]:
        print(f"| {key} | {counts[key]} |")
    print(f"\n{counts['files']} files in {seconds:.1f} s; violations: {len(violations)}")
    for line in violations[:200]:
        print(f"  {line}")
    sys.exit(1 if violations else 0)


if __name__ == "__main__":
    main()
