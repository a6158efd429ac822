"""Time of saving analysed articles (``Store.save_articles``), this tree beside a git
revision's code, on SQLite and on PostgreSQL.

A collection's writes, generated: ``--batches`` batches of ``--batch`` articles (a feed's
worth each), six companies, a quarter of the articles naming none, stories of three
copies spread over consecutive batches (so that a story's first rows move), and every
fifth batch saving again, edited, five articles of the batch before (an update: its
analyses replaced, its coverage rows taken out of the rollups and put back). Each tree
saves the same batches into a new archive in a fresh process (``git archive`` of the
revision to a temporary folder), the trees interleaved ``--repeat`` times; the best of
each is printed, CPU time of the saving process first (the machine is shared: its
wall time swells with the load), and whether both trees stored the same coverage and
rollups (a digest of the four tables).

    python -m bench.bench_save --before 5cc242f
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.trees import export_revision, measure_in

ROOT = Path(__file__).resolve().parent.parent
COMPANIES = ["Mistral AI", "OpenAI", "Anthropic", "Google DeepMind", "Meta", "Aleph Alpha"]
OUTLETS = ["Le Monde", "Les Échos", "La Tribune", None, "Reuters", "BFM Business"]
LABELS = ["positive", "neutral", "negative"]


def batches(count: int, size: int) -> list[list[object]]:
    """The batches of articles to save, the same for every tree (a fixed seed)."""
    from presswatch.models import Article, CompanyTone, Mention, Topic

    rng = random.Random(20261204)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    made: list[list[object]] = []
    previous: list[Article] = []
    for number in range(count):
        batch: list[Article] = []
        for index in range(size):
            serial = number * size + index
            named = rng.sample(COMPANIES, rng.choice([0, 1, 1, 1, 2, 3]))
            mentions = tuple(
                Mention(
                    company, company, company, "text", 10 * k, 10 * k + 5, f"phrase {k}", "body"
                )
                for company in named
                for k in range(rng.randint(1, 3))
            )
            batch.append(
                Article(
                    id=f"a{serial}",
                    source=f"Feed {serial % 5}",
                    entry_key=str(serial),
                    text=f"texte {serial}",
                    title=f"titre {serial}",
                    outlet=OUTLETS[serial % len(OUTLETS)],
                    language=rng.choice(["fr", "fr", "en"]),
                    published=None if serial % 17 == 0 else start + timedelta(hours=serial),
                    date_precision=None if serial % 17 == 0 else "datetime",
                    # Three copies of a story, a batch apart: a later copy may be earlier.
                    story_id=f"s{(serial // 3) + (index % 3) * size}",
                    mentions=mentions,
                    company_tones=tuple(
                        CompanyTone(company, rng.uniform(-1, 1), rng.choice(LABELS), "…")
                        for company in named
                    ),
                    topics=tuple(Topic("funding", "fonds", "phrase", company) for company in named),
                )
            )
        if number % 5 == 4 and previous:
            # Edited: another text and another tone, the same id.
            edited = [
                Article(
                    **{
                        **{f: getattr(a, f) for f in ("id", "source", "entry_key", "title")},
                        **{f: getattr(a, f) for f in ("outlet", "language", "published")},
                        "date_precision": a.date_precision,
                        "story_id": a.story_id,
                        "text": f"{a.text} modifié",
                        "mentions": a.mentions[:1],
                        "company_tones": tuple(
                            CompanyTone(t.company, -t.score, rng.choice(LABELS), "…")
                            for t in a.company_tones[:1]
                        ),
                    }
                )
                for a in previous[:5]
            ]
            batch = batch + edited
        made.append(list(batch))
        previous = batch
    return made


def digest(store: object) -> str:
    """A hash of the coverage table and its three rollups, rows in a fixed order."""
    import sqlalchemy as sa

    from presswatch.store.schema import (
        coverage_table,
        daily_articles_table,
        daily_coverage_table,
        daily_outlets_table,
    )

    hashed = hashlib.sha256()
    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        for table in (
            coverage_table,
            daily_coverage_table,
            daily_articles_table,
            daily_outlets_table,
        ):
            columns = sorted(table.c, key=lambda column: column.name)
            for row in conn.execute(sa.select(*columns).order_by(*columns)):
                hashed.update(repr(tuple(row)).encode())
    return hashed.hexdigest()[:16]


def measure(url: str, count: int, size: int) -> None:
    """Save the batches into the archive at ``url``; print CPU and wall seconds as JSON."""
    from presswatch.store import Store

    made = batches(count, size)
    with Store(url) as store:
        # The first batch builds what a process builds once (statements, caches): a
        # collection saves many batches per process.
        store.save_articles(made[0])  # type: ignore[arg-type]
        cpu, wall = time.process_time(), time.perf_counter()
        for batch in made[1:]:
            store.save_articles(batch)  # type: ignore[arg-type]
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(json.dumps({"cpu": cpu, "wall": wall, "digest": digest(store)}))


def tree_of(revision: str, folder: Path) -> Path:
    """The package and tests of a git revision, in a folder, with this tree's benchmarks
    (the revision may predate them)."""
    return export_revision(
        revision, folder, ("presswatch", "tests"), ("bench_save.py", "bench_reading.py")
    )


def run(root: Path, url: str, count: int, size: int) -> dict[str, object]:
    """One measure of a tree's code in a fresh process."""
    return measure_in(
        root,
        "bench.bench_save",
        ["--measure", url, "--batches", str(count), "--batch", str(size)],
    )


def main() -> None:
    """Time both trees on both databases, interleaved; print the ratios first."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", type=int, default=60)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", help="a git revision to time too")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.batches, args.batch)
        return
    import sqlalchemy as sa

    from tests import pgserver

    with tempfile.TemporaryDirectory() as temp:
        trees = [("this tree", ROOT)]
        if args.before:
            trees.insert(0, (f"before ({args.before})", tree_of(args.before, Path(temp))))
        with contextlib.ExitStack() as stack:
            server = None if args.no_postgres else stack.enter_context(pgserver.throwaway())
            results: dict[tuple[str, str], list[dict[str, object]]] = {}
            for round_number in range(args.repeat):
                for number, (label, root) in enumerate(trees):
                    name = f"bench_save_{round_number}_{number}"
                    urls = {"sqlite": f"sqlite:///{Path(temp) / f'{name}.db'}"}
                    if server is not None:
                        engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
                        with engine.connect() as conn:
                            conn.execute(sa.text(f"CREATE DATABASE {name}"))
                        engine.dispose()
                        address = sa.engine.make_url(server).set(database=name)
                        urls["postgresql"] = address.render_as_string(hide_password=False)
                    for database, url in urls.items():
                        figures = run(root, url, args.batches, args.batch)
                        results.setdefault((label, database), []).append(figures)
    load = os.getloadavg()[0]
    print(
        f"{args.batches} batches of {args.batch} articles (every fifth with 5 edited), "
        f"best of {args.repeat}, load {load:.1f} at the end"
    )
    databases = sorted({database for _, database in results})
    for database in databases:
        best = {
            label: (
                min(float(str(f["cpu"])) for f in results[(label, database)]),
                min(float(str(f["wall"])) for f in results[(label, database)]),
                {str(f["digest"]) for f in results[(label, database)]},
            )
            for label, _ in trees
        }
        labels = [label for label, _ in trees]
        if len(labels) == 2:
            before, after = best[labels[0]], best[labels[1]]
            print(
                f"{database}: before / this tree, CPU {before[0] / after[0]:.2f}x, "
                f"wall {before[1] / after[1]:.2f}x; same coverage and rollups: "
                f"{len(before[2] | after[2]) == 1}"
            )
        for label in labels:
            cpu, wall, digests = best[label]
            print(
                f"  {label}: CPU {cpu:.2f} s, wall {wall:.2f} s, "
                f"{1000 * cpu / (args.batches - 1):.1f} ms of CPU a batch, digest {sorted(digests)}"
            )


if __name__ == "__main__":
    main()
