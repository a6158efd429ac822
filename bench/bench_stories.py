"""Story grouping time: near-identical entries (a templated feed) beside distinct texts.

A templated feed (a job board, a stock ticker, a podcast's boilerplate notes) gives
thousands of entries that differ in a word or two: every one is a copy of every other.
Grouping must stay linear in the number of articles. Prints, for each size, the seconds
to assign stories to N near-identical entries and to N distinct texts (the floor), ratio
first, and how many stories each gave.

    python -m bench.bench_stories --sizes 2000 8000 20000

With ``--long N``, also times N distinct articles of 600 words (signed and assigned): the
cost of an article that is a copy of nothing, windows included.

With ``--firsts N``, also times the coverage's first-of-story flags on a SQLite archive of
N articles (``--copies`` articles per story, a company each): the set-based ``_mark_firsts`` of
the store beside the correlated subquery per row it replaced (the peer, kept here).

    python -m bench.bench_stories --sizes 2000 --firsts 20000
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from presswatch.analysis.stories import StoryIndex, signature
from presswatch.models import UNKNOWN_OUTLET, Article, Mention
from presswatch.store import Store
from presswatch.store.coverage import _mark_firsts, _undated_last
from presswatch.store.schema import coverage_table

WORDS = (
    "marché entreprise croissance données réseau projet équipe annonce clients produit "
    "service lancement stratégie recherche régulation gouvernement ministre président "
    "directeur année semaine selon depuis nouvelle premier grand modèle intelligence "
    "artificielle européenne startup investisseurs levée fonds contrat partenariat usine"
).split()


def templated(index: int) -> str:
    """An entry of a templated feed: the same 60 words but for a number and a name."""
    return (
        f"Offre numéro {index} : la société Exemple{index % 7} recrute un ingénieur logiciel "
        "pour son équipe de Paris, contrat à durée indéterminée, télétravail partiel possible, "
        "salaire selon profil, expérience de trois ans demandée en développement Python et "
        "bases de données, anglais courant, envoyez votre candidature avant la fin du mois "
        "par le formulaire du site, réponse sous deux semaines, entretiens en visioconférence."
    )


def distinct(picker: random.Random) -> str:
    """A text of 60 words drawn at random: no copy of any other."""
    return " ".join(picker.choice(WORDS) for _ in range(60))


def long_text(picker: random.Random) -> str:
    """An article of 600 words drawn from 5,000 invented ones: no copy of any other."""
    return " ".join(f"mot{picker.randrange(5000)}" for _ in range(600))


def grouping_seconds(texts: list[str]) -> tuple[float, int]:
    """Seconds to sign and assign every text, and the number of stories found."""
    index = StoryIndex()
    started = time.perf_counter()
    stories = {index.assign(f"a{i}", signature(text)) for i, text in enumerate(texts)}
    return time.perf_counter() - started, len(stories)


def subquery_per_row_mark_firsts(conn: sa.Connection, stories: Sequence[str]) -> None:
    """The first-of-story flags as session 12 set them: a correlated subquery per row and
    flag (the peer of the set-based statement, and the reference tests compare it with)."""
    c = coverage_table.c
    other = coverage_table.alias("other")
    for flag, same_outlet in (("story_first", False), ("outlet_first", True)):
        alike = [other.c.story_id == c.story_id, other.c.company == c.company]
        if same_outlet:
            unknown = sa.literal(UNKNOWN_OUTLET)
            alike.append(
                sa.func.coalesce(other.c.outlet, unknown) == sa.func.coalesce(c.outlet, unknown)
            )
        first = (
            sa.select(other.c.article_id)
            .where(*alike)
            .order_by(_undated_last(other.c.published), other.c.published, other.c.article_id)
            .limit(1)
            .correlate(coverage_table)
            .scalar_subquery()
        )
        is_first = c.article_id == first
        conn.execute(
            sa.update(coverage_table)
            .where(c.story_id.in_(stories), c[flag] != is_first)
            .values({flag: is_first})
        )


def firsts_seconds(size: int, copies: int) -> tuple[float, float]:
    """Seconds to set every story's flags (cleared first) with the store's set-based
    statement, then with the subquery per row, on an archive of ``size`` articles."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    articles = [
        Article(
            id=f"a{n}",
            source="Feed",
            entry_key=str(n),
            text="…",
            outlet=("Le Monde", "Les Échos", None)[n % 3],
            published=None if n % 11 == 0 else start + timedelta(hours=n % 977),
            date_precision=None if n % 11 == 0 else "datetime",
            story_id=f"s{n // copies}",
            mentions=(Mention("Mistral AI", "Mistral", "Mistral", "body", 0, 7, "…", "body"),),
        )
        for n in range(size)
    ]
    c = coverage_table.c
    timings = []
    with (
        tempfile.TemporaryDirectory() as folder,
        Store(f"sqlite:///{Path(folder) / 'firsts.db'}") as store,
    ):
        store.save_articles(articles)
        with store.engine.connect() as conn:
            stories = list(conn.execute(sa.select(c.story_id).distinct()).scalars())
        for mark in (_mark_firsts, subquery_per_row_mark_firsts):
            with store.engine.begin() as conn:
                conn.execute(sa.update(coverage_table).values(story_first=False))
                conn.execute(sa.update(coverage_table).values(outlet_first=False))
            started = time.perf_counter()
            with store.engine.begin() as conn:
                for at in range(0, len(stories), 500):  # as _refresh_coverage asks
                    mark(conn, stories[at : at + 500])
            timings.append(time.perf_counter() - started)
    return timings[0], timings[1]


def main() -> None:
    """Time both kinds of feed at each size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 8000, 20000])
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--long", type=int, nargs="*", default=[])
    parser.add_argument("--firsts", type=int, nargs="*", default=[])
    parser.add_argument("--copies", type=int, default=4, help="articles per story (--firsts)")
    args = parser.parse_args()
    picker = random.Random(args.seed)
    print("| entries | templated s | distinct s (floor) | ratio | stories templated / distinct |")
    print("|---|---|---|---|---|")
    for size in args.sizes:
        near, near_stories = grouping_seconds([templated(i) for i in range(size)])
        far, far_stories = grouping_seconds([distinct(picker) for _ in range(size)])
        print(
            f"| {size:,} | {near:.1f} | {far:.1f} | {near / far:.1f}x | "
            f"{near_stories:,} / {far_stories:,} |"
        )

    for size in args.long:
        seconds, stories = grouping_seconds([long_text(picker) for _ in range(size)])
        print(f"\n{size:,} distinct 600-word articles: {seconds:.1f} s, {stories:,} stories")
    if args.firsts:
        print()
        print("| articles | set-based s | subquery per row s (peer) | ratio |")
        print("|---|---|---|---|")
    for size in args.firsts:
        fast, slow = firsts_seconds(size, args.copies)
        print(f"| {size:,} | {fast:.2f} | {slow:.2f} | {slow / fast:.0f}x |")


if __name__ == "__main__":
    main()
