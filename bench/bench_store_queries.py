"""The dashboard's aggregate figures at 1 and 10 million mentions, on PostgreSQL and SQLite:
grouped by the database (the Store's figures over the coverage table and its daily
rollups, and the whole overview of presswatch/overview.py) beside the pandas path
(Frames.from_store, then analytics.py), in one run. Ratios first.

The archive is generated inside the database (seeded, 5 mentions per article, 6 companies,
500 outlets, a year of dates), so that 10 million rows take seconds to write rather than
an hour of inserts through Python. The pandas path loads every mention into memory; its
peak resident memory is printed beside its time. The Export and Coverage pages' queries
of a large view are timed after the figures.

    python -m bench.bench_store_queries --sizes 1000000 10000000
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
import yaml

from dashboard.view import load_since
from presswatch import overview
from presswatch.config import load_config
from presswatch.export import COLUMNS, export_rows, write_csv
from presswatch.models import Filters
from presswatch.store import Store
from tests import oracle, pgserver
from tests.oracle import Frames, apply_filters

MENTIONS_PER_ARTICLE = 5
YEAR_SECONDS = 365 * 86_400
COMPANIES = ["Mistral AI", "OpenAI", "Google DeepMind", "Meta AI", "Anthropic", "Aleph Alpha"]


def fill(store: Store, mentions: int) -> None:
    """Generate articles, mentions and tones inside the database.

    Articles are written in the order they were published, over a year, as a collector
    writes them, and so are their tones (session 6: grouped from the mentions without an
    order, each article's tones landed in a different page from its neighbours') (session 2 spread each article's day by n % 365, so that a month's rows were
    scattered across the whole table, which an archive written as it is collected is not).
    """
    articles = mentions // MENTIONS_PER_ARTICLE
    companies = ", ".join(f"'{c}'" for c in COMPANIES)
    if store.backend == "postgresql":
        series = f"generate_series(0, {articles - 1}) AS g(n)"
        numbers = "g.n"
        stamp = f"timestamp '2026-01-01' + (g.n * {YEAR_SECONDS // articles}) * interval '1 second'"
        pick = f"(ARRAY[{companies}])[1 + ((g.n * 7 + k.k) % 6)]"
        mention_source = (
            f"{series} CROSS JOIN generate_series(0, {MENTIONS_PER_ARTICLE - 1}) AS k(k)"
        )
        text_id = "'a' || g.n"
        outlet = "'outlet ' || (g.n % 500)"
        story = "'s' || (g.n / 3)"
    else:
        series = (
            f"(WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < "
            f"{articles - 1}) SELECT n FROM s) AS g"
        )
        numbers = "g.n"
        # With the microseconds SQLAlchemy writes: SQLite compares the stored text, and
        # '2026-11-30 00:00:00' sorts before the bound '2026-11-30 00:00:00.000000'.
        stamp = (
            f"datetime('2026-01-01', '+' || (g.n * {YEAR_SECONDS // articles}) || ' seconds')"
            " || '.000000'"
        )
        pick = (
            "CASE (g.n * 7 + k.k) % 6 "
            + " ".join(f"WHEN {i} THEN '{c}'" for i, c in enumerate(COMPANIES))
            + " END"
        )
        mention_source = (
            f"{series} CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 "
            "UNION ALL SELECT 3 UNION ALL SELECT 4) AS k"
        )
        text_id = "'a' || g.n"
        outlet = "'outlet ' || (g.n % 500)"
        story = "'s' || (g.n / 3)"
    with store.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO articles (id, title, text, outlet, published, date_precision, "
                "date_source, language, flags, content_hash, first_seen, updated_at, story_id) "
                f"SELECT {text_id}, 'Titre ' || {numbers}, 'texte', {outlet}, {stamp}, 'datetime', "
                f"'feed', 'fr', '', 'h', {stamp}, {stamp}, {story} FROM {series}"
            )
        )
        conn.execute(
            sa.text(
                'INSERT INTO mentions (article_id, company, alias, matched, kind, field, start, "end", '
                "sentence, prominence, tone_label) "
                f"SELECT {text_id}, {pick}, 'alias', 'alias', 'name', 'body', k.k * 10, k.k * 10 + 5, "
                f"'Une phrase qui cite la société.', 'body', 'neutral' FROM {mention_source}"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO tones (article_id, company, score, label, evidence) "
                "SELECT article_id, company, 0.1, CASE WHEN length(article_id) % 3 = 0 THEN "
                "'positive' WHEN length(article_id) % 3 = 1 THEN 'neutral' ELSE 'negative' END, "
                "'Une phrase.' FROM mentions GROUP BY article_id, company ORDER BY min(id)"
            )
        )
    store.rebuild_coverage()  # what analysis writes beside each article's mentions
    if store.backend == "postgresql":
        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))
    else:
        with store.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def in_sql(store: Store, start: datetime, end: datetime) -> dict[str, float]:
    """Each figure grouped by the database over the coverage table, for a 90-day period."""
    period = Filters(start=start.date(), end=(end - timedelta(days=1)).date())
    return {
        "daily mentions": timed(lambda: store.daily_counts(period)),
        "share of voice": timed(lambda: store.company_counts(period)),
        "tone": timed(lambda: store.tone_counts(period)),
        "top outlets": timed(lambda: store.outlet_counts(period)),
    }


def overview_in_database(
    store: Store, end: datetime, days: int | None, tracked: tuple[str, ...] = ("Mistral AI",)
) -> float:
    """The dashboard's whole overview for a view of ``days`` (None: all time), grouped by
    the database (presswatch.overview.from_database: both periods, spikes, outlets); with
    several ``tracked`` companies, their tone and top outlet count each article once (a
    query over the coverage rows rather than the rollups)."""
    last = (end - timedelta(days=1)).date()
    filters = (
        Filters() if days is None else Filters(start=last - timedelta(days=days - 1), end=last)
    )
    return timed(lambda: overview.build_overview(store, filters, list(tracked)))


def all_time_figures(store: Store) -> dict[str, float]:
    """Each query of the "All time" overview alone (the overview runs them side by side)."""
    everything, tracked = Filters(), Filters(companies=("Mistral AI",))
    return {
        "timeline": timed(lambda: store.daily_counts(everything)),
        "shares": timed(lambda: store.company_counts(everything)),
        "tone": timed(lambda: store.tone_counts(everything)),
        "articles": timed(lambda: store.article_counts(everything)),
        "top outlets": timed(lambda: store.outlet_counts(tracked)),
    }


def in_pandas(store: Store, start: datetime, end: datetime) -> tuple[float, float, int]:
    """Load every row (Frames.from_store), then the same figures with analytics.py."""
    started = time.perf_counter()
    frames = Frames.from_store(store)
    loaded = time.perf_counter() - started
    articles = frames.articles
    kept = articles[(articles["published"] >= start) & (articles["published"] < end)]
    mentions = frames.mentions[oracle.isin(frames.mentions["article_id"], kept["id"])]
    oracle.mentions_over_time(kept, mentions, "day")
    oracle.tone_over_time(
        kept, frames.tones[oracle.isin(frames.tones["article_id"], kept["id"])], "week"
    )
    oracle.share_of_voice(kept, mentions)
    oracle.top_outlets(kept, mentions)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return loaded, time.perf_counter() - started, peak


def in_window(store: Store, end: datetime, days: int) -> tuple[float, float, int]:
    """The dashboard's path for a bounded view: read only what the period needs
    (dashboard.view.load_since), filter to the period, then the same figures."""
    last = (end - timedelta(days=1)).date()
    first = last - timedelta(days=days - 1)
    started = time.perf_counter()
    frames = Frames.from_store(store, load_since(first, last))
    loaded = time.perf_counter() - started
    view = apply_filters(Filters(start=first, end=last), frames)
    oracle.mentions_over_time(view.articles, view.mentions, "day")
    oracle.tone_over_time(view.articles, view.tones, "week")
    oracle.share_of_voice(view.articles, view.mentions)
    oracle.top_outlets(view.articles, view.mentions)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return loaded, time.perf_counter() - started, peak


def export_window(store: Store, end: datetime, days: int, folder: Path) -> dict[str, float]:
    """The Export page over a bounded view (articles level), as it reads the database: its
    row count, its 200-row preview, and the CSV streamed as `presswatch export` and the
    page's button write it (seconds to the last byte; rows; megabytes)."""

    path = folder / "export-config.yaml"
    companies = [
        {"name": c, "role": "tracked" if i == 0 else "competitor"} for i, c in enumerate(COMPANIES)
    ]
    path.write_text(yaml.safe_dump({"database": store.display_url, "companies": companies}))
    config = load_config(path)
    last = (end - timedelta(days=1)).date()
    filters = Filters(start=last - timedelta(days=days - 1), end=last)
    figures = {"count": timed(lambda: store.export_count(filters))}
    figures["preview"] = timed(lambda: list(export_rows(store, filters, config, limit=200)))
    started = time.perf_counter()
    with (folder / "export.csv").open("wb") as sink:
        written = write_csv(COLUMNS["articles"], export_rows(store, filters, config), sink)
    figures["csv"] = time.perf_counter() - started
    figures["rows"], figures["megabytes"] = written.rows, written.size / 1_000_000
    return figures


def coverage_page(store: Store, end: datetime, days: int | None) -> dict[str, float]:
    """The Coverage page of a large view (days None: all time), as it reads the database:
    the newest 1,000 articles, how many there are, the undated ones and the republished
    stories (grouped only when asked)."""
    last = (end - timedelta(days=1)).date()
    filters = (
        Filters() if days is None else Filters(start=last - timedelta(days=days - 1), end=last)
    )
    return {
        "newest 1,000": timed(lambda: store.coverage_listing(filters, 1000)),
        "count": timed(lambda: store.article_counts(filters)),
        "undated": timed(lambda: store.undated_listing(filters, 1000)),
        "republished stories": timed(lambda: store.republished_stories(filters, 1000)),
    }


def main() -> None:
    """Fill each backend at each size, time both paths, print a block for RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--pandas-up-to", type=int, default=10_000_000)
    args = parser.parse_args()
    start, end = datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC)
    lines = []
    with pgserver.throwaway() as server, tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        for size in args.sizes:
            for backend in ("postgresql", "sqlite"):
                if backend == "postgresql":
                    with admin.connect() as conn:
                        conn.execute(sa.text(f"CREATE DATABASE q{size}"))
                    url = sa.engine.make_url(server).set(database=f"q{size}")
                    address = url.render_as_string(hide_password=False)
                else:
                    address = f"sqlite:///{folder / f'q{size}.db'}"
                with Store(address) as store:
                    filled = timed(lambda store=store, size=size: fill(store, size))  # type: ignore[misc]
                    sql = in_sql(store, start, end)
                    total = sum(sql.values())
                    detail = ", ".join(f"{k} {v:.2f} s" for k, v in sql.items())
                    line = f"{size:>10,} mentions  {backend:<10}  SQL {total:6.2f} s ({detail})"
                    if size <= args.pandas_up_to:
                        loaded, whole, peak = in_pandas(store, start, end)
                        line += (
                            f"\n{'':>21}{backend:<10}  pandas {whole:6.2f} s (load {loaded:.2f} s, "
                            f"peak RSS {peak:,} MB): SQL is {whole / total:.1f}x faster"
                        )
                    month = overview_in_database(store, end, 30)
                    year = overview_in_database(store, end, None)
                    line += (
                        f"\n{'':>21}{backend:<10}  overview in the database: 30 days "
                        f"{month:6.2f} s, all time {year:6.2f} s"
                    )
                    # Best of 3 each, alternating: neither gets the other's warm cache alone.
                    ratios = []
                    for days in (30, None):
                        runs: dict[tuple[str, ...], list[float]] = {}
                        for _ in range(3):
                            for tracked in (("Mistral AI",), ("Mistral AI", "OpenAI")):
                                runs.setdefault(tracked, []).append(
                                    overview_in_database(store, end, days, tracked)
                                )
                        one, two = (min(times) for times in runs.values())
                        ratios.append(f"{two / one:.2f}x ({two:.2f} / {one:.2f} s)")
                    line += (
                        f"\n{'':>21}{backend:<10}  overview, two tracked companies / one: "
                        f"30 days {ratios[0]}, all time {ratios[1]}"
                    )
                    figures = all_time_figures(store)
                    line += "\n{:>21}{:<10}  all time, one query at a time: {}".format(
                        "", backend, ", ".join(f"{k} {v:.2f} s" for k, v in figures.items())
                    )
                    loaded, whole, peak = in_window(store, end, 30)
                    line += (
                        f"\n{'':>21}{backend:<10}  dashboard's 30-day view in pandas "
                        f"{whole:6.2f} s (load {loaded:.2f} s, peak RSS {peak:,} MB): the "
                        f"database is {whole / month:.1f}x faster"
                    )
                    page = export_window(store, end, 30, folder)
                    line += (
                        f"\n{'':>21}{backend:<10}  Export page, 30-day view: rows counted "
                        f"{page['count']:.2f} s, first 200 rows {page['preview']:.2f} s, CSV "
                        f"(articles) {page['csv']:6.2f} s ({page['rows']:,.0f} rows, "
                        f"{page['megabytes']:.0f} MB)"
                    )
                    for days, name in ((30, "30-day view"), (None, "all time")):
                        parts = coverage_page(store, end, days)
                        line += "\n{:>21}{:<10}  Coverage page, {}: {}".format(
                            "", backend, name, ", ".join(f"{k} {v:.2f} s" for k, v in parts.items())
                        )
                    line += f"  [generated in {filled:.0f} s]"
                    print(line, flush=True)
                    lines.append(line)
        admin.dispose()


if __name__ == "__main__":
    main()
