"""Full-text search at archive size, on SQLite and PostgreSQL: the search index beside a
scan of every text (LIKE, the floor a database without an index gives), in one run.
Ratios first.

The archive is made of real texts: the entries of ../shared/corpus/feeds/real and the
pages of ../shared/corpus/html, read with presswatch's own collectors, cycled to the
number of articles asked for (each copy its own id, date and title). They are read at
run time and never copied into the project. Also measured: what the index costs the
writes (the same articles saved with and without it) and building it for an archive
stored before it existed (the migration).

    python -m bench.bench_search --articles 100000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from collectors import CollectContext
from collectors.files import collect_folder
from collectors.rss import parse_feed
from presswatch.config import FilesSourceConfig
from presswatch.models import Article, Filters, Mention
from presswatch.search import parse_search
from presswatch.store import Store
from presswatch.store.conditions import scope
from presswatch.store.schema import articles_table, coverage_table
from presswatch.store.search import drop_index
from tests import pgserver

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
# A common word, a rarer one, accents typed or not, a phrase, an exclusion.
SEARCHES = [
    "entreprise",
    "gouvernement",
    "societe",
    "société",
    '"intelligence artificielle"',
    "président -ministre",
]


def corpus_texts() -> list[tuple[str, str]]:
    """(title, text) of every feed entry and page of the corpus with some text."""
    texts: list[tuple[str, str]] = []
    context = CollectContext(state=None, base_dir=CORPUS)
    for path in sorted((CORPUS / "feeds" / "real").rglob("*")):
        if path.is_file():
            for article in parse_feed(path.read_bytes(), path.name, context).articles:
                texts.append((article.title or "", article.text))
    for folder in sorted(p for p in (CORPUS / "html").iterdir() if p.is_dir()):
        source = FilesSourceConfig(
            name=folder.name, kind="files", path=str(folder), glob="**/*.htm*"
        )
        for article in collect_folder(source, CollectContext(state=None, base_dir=CORPUS)).articles:
            texts.append((article.title or "", article.text))
    return [(title, text) for title, text in texts if len(text) >= 100]


def archive(texts: list[tuple[str, str]], count: int) -> list[Article]:
    """``count`` articles cycling through the texts, spread over a year, each naming a
    company (so that it is in the coverage the search narrows)."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    articles = []
    for n in range(count):
        title, text = texts[n % len(texts)]
        mention = Mention(
            company="Mistral AI",
            alias="Mistral AI",
            matched="Mistral AI",
            field="body",
            start=0,
            end=10,
            sentence="…",
            prominence="body",
        )
        articles.append(
            Article(
                id=f"a{n}",
                source="Corpus",
                entry_key=str(n),
                title=f"{title} ({n})",
                text=text,
                outlet=f"outlet {n % 50}",
                language="fr",
                published=start + timedelta(seconds=n * (365 * 86_400 // count)),
                date_precision="datetime",
                mentions=(mention,),
            )
        )
    return articles


def timed_save(store: Store, articles: list[Article]) -> float:
    """Seconds to save the articles, 500 to a write as a collection run does."""
    started = time.perf_counter()
    for first in range(0, len(articles), 500):
        store.save_articles(articles[first : first + 500])
    return time.perf_counter() - started


def like_scan(store: Store, text: str, filters: Filters) -> int:
    """The floor: the view's articles whose title or text hold every word, found by
    reading every text (LIKE, case-insensitive on PostgreSQL; no accent folding)."""
    found = parse_search(text)
    assert found is not None
    a, c = articles_table.c, coverage_table.c
    operator = "ilike" if store.backend == "postgresql" else "like"
    conditions = []
    for phrase in found.required:
        pattern = f"%{' '.join(phrase)}%"
        conditions.append(
            sa.or_(getattr(a.title, operator)(pattern), getattr(a.text, operator)(pattern))
        )
    for phrase in found.excluded:
        pattern = f"%{' '.join(phrase)}%"
        conditions.append(
            sa.not_(sa.or_(getattr(a.title, operator)(pattern), getattr(a.text, operator)(pattern)))
        )
    matching = sa.select(a.id).where(*conditions)
    query = sa.select(sa.func.count(sa.distinct(c.article_id))).where(
        *scope(filters), c.article_id.in_(matching)
    )
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def measure(backend: str, plain_url: str, indexed_url: str, articles: list[Article]) -> None:
    """Save the archive without then with the index, build it by migration, time searches."""
    with Store(plain_url) as plain:
        with plain.engine.begin() as conn:
            drop_index(conn)
        without = timed_save(plain, articles)
        with plain.engine.begin() as conn:
            conn.execute(sa.text("UPDATE meta SET value = '10' WHERE key = 'schema_version'"))
        started = time.perf_counter()
        plain.migrate()
        migration = time.perf_counter() - started
    with Store(indexed_url) as indexed:
        with_index = timed_save(indexed, articles)
        print(
            f"{backend:<10}  writes with the index {with_index:6.2f} s, without "
            f"{without:6.2f} s ({with_index / without:.2f}x); index built for the "
            f"stored archive (migration 10 -> 11) {migration:.2f} s"
        )
        views = {"all time": Filters(), "since Nov 1": Filters(start=date(2026, 11, 1))}
        for view, filters in views.items():
            for text in SEARCHES:
                parsed = parse_search(text)
                assert parsed is not None
                started = time.perf_counter()
                count = indexed.search_count(filters, parsed)
                listing = indexed.coverage_listing(filters, 1000, parsed)
                indexed_time = time.perf_counter() - started
                started = time.perf_counter()
                scanned = like_scan(indexed, text, filters)
                scan_time = time.perf_counter() - started
                print(
                    f"{backend:<10}  {view:<11}  {text:<28} index {indexed_time:6.3f} s "
                    f"({count:,} found, {len(listing):,} listed), LIKE scan "
                    f"{scan_time:6.3f} s ({scanned:,}): {scan_time / indexed_time:5.1f}x"
                )


def main() -> None:
    """Build the archive on both backends, time writes, migration and searches."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    texts = corpus_texts()
    articles = archive(texts, args.articles)
    words = sum(len(text.split()) for _, text in texts) / len(texts)
    print(
        f"{args.articles:,} articles cycling {len(texts):,} real texts "
        f"({words:.0f} words each on average)"
    )
    with pgserver.throwaway() as server, tempfile.TemporaryDirectory() as folder:
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        urls = []
        for name in ("plain", "indexed"):
            with admin.connect() as conn:
                conn.execute(sa.text(f"CREATE DATABASE {name}"))
            urls.append(
                sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
            )
        admin.dispose()
        measure("postgresql", urls[0], urls[1], articles)
        measure(
            "sqlite", f"sqlite:///{folder}/plain.db", f"sqlite:///{folder}/indexed.db", articles
        )


if __name__ == "__main__":
    main()
