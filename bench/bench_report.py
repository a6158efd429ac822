"""`presswatch report` over a month of about 10,000 articles (issue 27's goal: under 30 s).

The archive is bench_store_queries' generated year (5 mentions per article, 6 companies,
500 outlets) on SQLite, sized so that a month holds about 10,000 articles; the report of
one month is built (both periods' figures and each company's top articles), then written
in each format and language. The floor is the goal itself: 30 s for figures and one format.

    python -m bench.bench_report --articles-per-month 10000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml

from bench.bench_store_queries import COMPANIES, MENTIONS_PER_ARTICLE, fill
from presswatch.config import load_config
from presswatch.report import build_report, parse_period
from presswatch.report_render import FORMATS, write_report
from presswatch.store import Store

GOAL_SECONDS = 30.0


def main() -> None:
    """Fill a SQLite archive, then time a month's report and each format."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles-per-month", type=int, default=10_000)
    parser.add_argument("--period", default="2026-06")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        companies = [
            {"name": name, "role": "tracked" if n == 0 else "competitor"}
            for n, name in enumerate(COMPANIES)
        ]
        (root / "config.yaml").write_text(
            yaml.safe_dump({"database": "bench.db", "companies": companies, "sources": []}),
            encoding="utf-8",
        )
        config = load_config(root / "config.yaml")
        with Store(f"sqlite:///{root / 'bench.db'}") as store:
            fill(store, options.articles_per_month * 12 * MENTIONS_PER_ARTICLE)
            started = time.perf_counter()
            report = build_report(store, config, parse_period(options.period))
            figures = time.perf_counter() - started
        print(
            f"{options.period}: {report.current.figures.articles} articles, "
            f"{report.current.figures.mentions} mentions; figures {figures:.1f} s"
        )
        writing = []
        for language in ("fr", "en"):
            for output in FORMATS:
                started = time.perf_counter()
                write_report(report, language, output, root / f"report.{language}.{output}")
                writing.append(time.perf_counter() - started)
                print(f"  {output} {language}: {writing[-1]:.2f} s")
        total = figures + max(writing)
        verdict = "within" if total < GOAL_SECONDS else "OVER"
        print(f"figures + slowest format: {total:.1f} s, {verdict} the {GOAL_SECONDS:.0f} s goal")


if __name__ == "__main__":
    main()
