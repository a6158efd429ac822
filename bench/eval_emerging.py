"""Emerging terms on a real archive: the top terms of period pairs, to judge by hand.

Reads a collected SQLite archive (bench/RESULTS.md says how the corpus is collected), takes
each period given (a month, 2017-06, or an ISO week, 2017-W23) against the one before it,
the articles that name any company (their outlets with them; every article with
--all-articles), with the archive's earlier articles as background (sampled as the Topics
page does), and prints the top 20 emerging terms with their article counts. The terms are
printed, never written: they come from publisher text.

    python -m bench.eval_emerging --db /tmp/themes/after.db 2017-06 2017-11 2018-W05 ...
    python -m bench.eval_emerging --db ARCHIVE --weeks 20   # the weeks of 20+ articles
"""

from __future__ import annotations

import argparse
import re
import sqlite3
from datetime import date, timedelta

import pandas as pd

from presswatch import analytics

_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def period_bounds(period: str) -> tuple[date, date]:
    """The first day of a period (YYYY-MM, or an ISO week YYYY-Www) and the day after it."""
    week = _WEEK.fullmatch(period)
    if week:
        first = date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1)
        return first, first + timedelta(days=7)
    month = pd.Period(period, "M")
    return month.start_time.date(), (month + 1).start_time.date()


def previous_period(period: str) -> str:
    """The period before a month (YYYY-MM) or an ISO week (YYYY-Www), spelled the same."""
    if _WEEK.fullmatch(period):
        year, week, _ = (period_bounds(period)[0] - timedelta(days=7)).isocalendar()
        return f"{year}-W{week:02d}"
    return (pd.Period(period, "M") - 1).strftime("%Y-%m")


def period_articles(
    conn: sqlite3.Connection, period: str, *, all_articles: bool = False
) -> pd.DataFrame:
    """The articles naming a company (or, with ``all_articles``, every article) published
    in a period (YYYY-MM or YYYY-Www): text, outlet, author and stored language."""
    first, after = period_bounds(period)
    where = (
        "a.published >= ? AND a.published < ?"
        if all_articles
        else "a.id IN (SELECT article_id FROM coverage WHERE published >= ? AND published < ?)"
    )
    query = (
        "SELECT a.id, coalesce(a.title, '') || '\n' || a.text AS text, a.outlet,"
        f" coalesce(a.author, '') AS author, a.language FROM articles a WHERE {where}"
        " ORDER BY a.id"
    )
    return pd.read_sql_query(query, conn, params=(first.isoformat(), after.isoformat()))


def background_articles(
    conn: sqlite3.Connection, first: date, *, all_articles: bool = False
) -> pd.DataFrame:
    """The archive's articles published before ``first`` (naming a company, or all) as
    the Topics page samples them (analytics.background_sample): text, outlet and month."""
    where = "a.published IS NOT NULL"
    if not all_articles:
        where += " AND a.id IN (SELECT article_id FROM coverage)"
    query = (
        "SELECT a.id, coalesce(a.title, '') || '\n' || a.text AS text, a.outlet,"
        f" a.published FROM articles a WHERE {where} ORDER BY a.id"
    )
    articles = pd.read_sql_query(query, conn)
    articles["published"] = pd.to_datetime(articles["published"], utc=True, format="ISO8601")
    start = pd.Timestamp(first, tz="UTC")
    sample = analytics.background_sample(articles[["id", "published", "outlet"]], start)
    texts = dict(zip(articles["id"], articles["text"], strict=True))
    return sample.assign(text=[texts[i] for i in sample["id"]])


def busy_weeks(conn: sqlite3.Connection, least: int, *, all_articles: bool = False) -> list[str]:
    """The ISO weeks (YYYY-Www) with at least ``least`` articles (naming a company, or
    all), oldest first, but the week the archive was collected in: undated entries are
    stamped with it."""
    query = (
        "SELECT published FROM articles WHERE published IS NOT NULL"
        if all_articles
        else "SELECT DISTINCT article_id, published FROM coverage WHERE published IS NOT NULL"
    )
    published = pd.to_datetime(
        pd.read_sql_query(query, conn)["published"], utc=True, format="ISO8601"
    )
    calendar = published.dt.isocalendar()
    weeks = calendar["year"].astype(str) + "-W" + calendar["week"].astype(str).str.zfill(2)
    counts = weeks.value_counts()
    collected = weeks[published.idxmax()] if not published.empty else None
    return sorted(w for w, n in counts.items() if n >= least and w != collected)


def main() -> None:
    """Print the top emerging terms of each period against the one before."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument(
        "--min-articles",
        type=int,
        default=None,
        help="the fewest articles a period needs (default: the Topics page's)",
    )
    parser.add_argument(
        "--all-articles",
        action="store_true",
        help="every article of the period, not only those naming a company",
    )
    parser.add_argument(
        "--no-background",
        action="store_true",
        help="leave the archive's earlier articles out (as before session 15)",
    )
    parser.add_argument(
        "--weeks",
        type=int,
        metavar="N",
        help="add every ISO week of at least N articles (not the week of the collection)",
    )
    parser.add_argument("periods", nargs="*", help="months (2017-06) or ISO weeks (2017-W23)")
    args = parser.parse_args()
    with sqlite3.connect(args.db) as conn:
        periods = list(args.periods)
        if args.weeks is not None:
            periods += busy_weeks(conn, args.weeks, all_articles=args.all_articles)
        if not periods:
            parser.error("name a month or an ISO week, or give --weeks N")
        for period in periods:
            earlier = previous_period(period)
            now = period_articles(conn, period, all_articles=args.all_articles)
            before = period_articles(conn, earlier, all_articles=args.all_articles)
            terms = analytics.emerging_terms(
                now["text"],
                before["text"],
                current_outlets=now["outlet"],
                previous_outlets=before["outlet"],
                authors=pd.concat([now["author"], before["author"]]),
                current_languages=now["language"],
                previous_languages=before["language"],
                min_articles=args.min_articles,
                background=None
                if args.no_background
                else background_articles(
                    conn, period_bounds(earlier)[0], all_articles=args.all_articles
                ),
            )
            print(f"== {period} ({len(now)} articles) against {earlier} ({len(before)})")
            for row in terms.itertuples():
                print(f"   {row.written} ({row.current}/{row.previous}, z {row.z:.1f})")


if __name__ == "__main__":
    main()
