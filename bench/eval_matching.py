"""Mention matching on the press development set: precision and recall per company.

Collects the shared corpus as ../shared/eval/press/README.md describes (the real feeds
served from 127.0.0.1:8765, the saved pages read by a files source) with its config, then
reads which (article title, company) pairs got a mention and compares them with the
person's labels of matching_dev.csv:

- precision: of the labelled pairs presswatch matched, the share labelled `true` or
  `missed` (`false`, `boilerplate` and `parent` are wrong matches);
- recall: of the pairs labelled `true` or `missed`, the share presswatch matched.

The labelled text stays in ../shared; only counts are printed.

    python -m bench.eval_matching
"""

from __future__ import annotations

import argparse
import csv
import functools
import http.server
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

import yaml

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
WRONG = {"false", "boilerplate", "parent"}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No line per request."""


def serve(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    """The corpus's feeds on 127.0.0.1:``port``, in a thread."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def matched_pairs(
    config_path: Path, work: Path, port: int, companies: Path | None = None
) -> set[tuple[str, str]]:
    """Collect the corpus with presswatch and return its (title, company) mention pairs."""
    text = config_path.read_text(encoding="utf-8").replace("127.0.0.1:8765", f"127.0.0.1:{port}")
    config = yaml.safe_load(text)
    if companies is not None:
        config["companies"] = yaml.safe_load(companies.read_text(encoding="utf-8"))["companies"]
    database = work / "dev.db"
    config["database"] = str(database)
    for source in config["sources"]:
        if source.get("kind") == "files":
            source["path"] = str(SHARED / "corpus" / "html")
    written = work / "config.yaml"
    written.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    command = [sys.executable, "-m", "presswatch.cli", "collect", "--config", str(written)]
    subprocess.run(command, check=False, capture_output=True)
    with sqlite3.connect(database) as conn:
        rows = conn.execute(
            "SELECT DISTINCT a.title, m.company FROM mentions m JOIN articles a"
            " ON a.id = m.article_id"
        ).fetchall()
    return {(str(title or "").strip(), str(company)) for title, company in rows}


def main() -> None:
    """Collect, compare with the labels, print precision and recall."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--companies",
        type=Path,
        help="a YAML file whose `companies` replace the dev config's (a config as a user writes)",
    )
    parser.add_argument(
        "--errors",
        action="store_true",
        help="also list the wrong and the missed pairs (company, label, the annotator's note)",
    )
    args = parser.parse_args()
    press = SHARED / "eval" / "press"
    server = serve(SHARED / "corpus" / "feeds", args.port)
    try:
        with tempfile.TemporaryDirectory() as folder:
            found = matched_pairs(
                press / "config_dev.yaml", Path(folder), args.port, args.companies
            )
    finally:
        server.shutdown()
    with (press / "matching_dev.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    labels = [(r["title"].strip(), r["company"], r["label"]) for r in rows]
    counts: Counter[str] = Counter()
    per_company: dict[str, Counter[str]] = {}
    for title, company, label in labels:
        hit = (title, company) in found
        key = f"{label}_{'matched' if hit else 'unmatched'}"
        counts[key] += 1
        per_company.setdefault(company, Counter())[key] += 1

    def figures(c: Counter[str]) -> tuple[float | None, float | None, int, int]:
        # A `missed` pair that is matched now is a right match like a `true` one.
        found_true = c["true_matched"] + c["missed_matched"]
        matched = found_true + sum(c[f"{w}_matched"] for w in WRONG)
        relevant = found_true + c["true_unmatched"] + c["missed_unmatched"]
        precision = found_true / matched if matched else None
        recall = found_true / relevant if relevant else None
        return precision, recall, matched, relevant

    def show(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    precision, recall, matched, relevant = figures(counts)
    print(f"{len(labels)} labelled pairs; {len(found)} (title, company) pairs matched")
    print(f"precision {show(precision)} of {matched} matched; recall {show(recall)} of {relevant}")
    print("| company | precision | matched | recall | relevant |")
    print("|---|---|---|---|---|")
    for company in sorted(per_company):
        p, r, m, n = figures(per_company[company])
        print(f"| {company} | {show(p)} | {m} | {show(r)} | {n} |")
    if args.errors:
        # To the terminal only: the notes quote the corpus, which stays out of the project.
        for row in rows:
            hit = (row["title"].strip(), row["company"]) in found
            wrong = hit and row["label"] in WRONG
            missed = not hit and row["label"] in ("true", "missed")
            if wrong or missed:
                kind = "wrong" if wrong else "missed"
                print(f"{kind}\t{row['company']}\t{row['label']}\t{row['note']}")


if __name__ == "__main__":
    main()
