"""Emerging terms on a real archive: the top terms of month pairs, to judge by hand.

Reads a collected SQLite archive (bench/RESULTS.md says how the corpus is collected), takes
each month given against the month before it, the articles that name any company (their
outlets with them; every article with --all-articles), with the archive's earlier months as
background (sampled as the Topics page does), and prints the top 20 emerging terms with
their article counts. The terms are printed, never written: they come from publisher text.

    python -m bench.eval_emerging --db /tmp/themes/after.db 2017-06 2017-11 2018-02 ...
"""

from __future__ import annotations

import argparse
import sqlite3

import pandas as pd

from presswatch import analytics


def month_articles(
    conn: sqlite3.Connection, month: str, *, all_articles: bool = False
) -> pd.DataFrame:
    """The articles naming a company (or, with ``all_articles``, every article) published
    in a month (YYYY-MM): text, outlet, author and stored language."""
    where = (
        "strftime('%Y-%m', a.published) = ?"
        if all_articles
        else "a.id IN (SELECT article_id FROM coverage WHERE strftime('%Y-%m', published) = ?)"
    )
    query = (
        "SELECT a.id, coalesce(a.title, '') || '\n' || a.text AS text, a.outlet,"
        f" coalesce(a.author, '') AS author, a.language FROM articles a WHERE {where}"
        " ORDER BY a.id"
    )
    return pd.read_sql_query(query, conn, params=(month,))


def background_articles(
    conn: sqlite3.Connection, months: tuple[str, str], *, all_articles: bool = False
) -> pd.DataFrame:
    """The archive's articles before both months (naming a company, or all) as the Topics
    page samples them (analytics.background_sample): text, outlet and month."""
    where = "a.published IS NOT NULL"
    if not all_articles:
        where += " AND a.id IN (SELECT article_id FROM coverage)"
    query = (
        "SELECT a.id, coalesce(a.title, '') || '\n' || a.text AS text, a.outlet,"
        f" a.published FROM articles a WHERE {where} ORDER BY a.id"
    )
    articles = pd.read_sql_query(query, conn)
    articles["published"] = pd.to_datetime(articles["published"], utc=True, format="ISO8601")
    first = pd.Period(min(months), "M").start_time.tz_localize("UTC")
    sample = analytics.background_sample(articles[["id", "published", "outlet"]], first)
    texts = dict(zip(articles["id"], articles["text"], strict=True))
    return sample.assign(text=[texts[i] for i in sample["id"]])


def previous_month(month: str) -> str:
    """The month before a YYYY-MM month."""
    return (pd.Period(month, "M") - 1).strftime("%Y-%m")


def main() -> None:
    """Print the top emerging terms of each month against the one before."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument(
        "--min-articles",
        type=int,
        default=None,
        help="the fewest articles a month needs (default: the Topics page's)",
    )
    parser.add_argument(
        "--all-articles",
        action="store_true",
        help="every article of the month, not only those naming a company",
    )
    parser.add_argument(
        "--no-background",
        action="store_true",
        help="leave the archive's earlier months out (as before session 15)",
    )
    parser.add_argument("months", nargs="+")
    args = parser.parse_args()
    with sqlite3.connect(args.db) as conn:
        for month in args.months:
            now = month_articles(conn, month, all_articles=args.all_articles)
            before = month_articles(conn, previous_month(month), all_articles=args.all_articles)
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
                    conn, (month, previous_month(month)), all_articles=args.all_articles
                ),
            )
            print(
                f"== {month} ({len(now)} articles) against {previous_month(month)} ({len(before)})"
            )
            for row in terms.itertuples():
                print(f"   {row.term} ({row.current}/{row.previous}, z {row.z:.1f})")


if __name__ == "__main__":
    main()
