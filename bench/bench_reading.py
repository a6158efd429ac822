"""Time of a transaction of reads on PostgreSQL (``Store.reading``), this tree beside a git
revision's code: ``--reads`` transactions, each reading one row of the meta table (what a
small list or a drilled number costs beyond its own query), in a fresh process per tree,
the trees interleaved ``--repeat`` times on one server; the best of each, ratio first.

    python -m bench.bench_reading --before 5cc242f
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from bench.bench_save import tree_of
from bench.trees import measure_in

ROOT = Path(__file__).resolve().parent.parent


def measure(url: str, reads: int) -> None:
    """Run the reads against the archive at ``url``; print CPU and wall seconds as JSON."""
    import sqlalchemy as sa

    from presswatch.store import Store

    with Store(url) as store:
        query = sa.text("SELECT value FROM meta WHERE key = 'schema_version'")
        for _ in range(20):  # the pool's connections opened, the statements compiled
            with store.reading() as conn:
                conn.execute(query).all()
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(reads):
            with store.reading() as conn:
                conn.execute(query).all()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(json.dumps({"cpu": cpu, "wall": wall}))


def main() -> None:
    """Time both trees, interleaved, on one server; print the ratios first."""

    import sqlalchemy as sa

    from tests import pgserver

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", help="a git revision to time too")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.reads)
        return
    with tempfile.TemporaryDirectory() as temp, pgserver.throwaway() as server:
        trees = [("this tree", ROOT)]
        if args.before:
            trees.insert(0, (f"before ({args.before})", tree_of(args.before, Path(temp))))
        engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE bench_reading"))
        engine.dispose()
        url = sa.engine.make_url(server).set(database="bench_reading")
        address = url.render_as_string(hide_password=False)
        results: dict[str, list[dict[str, object]]] = {}
        for _ in range(args.repeat):
            for label, root in trees:
                figures = measure_in(
                    root, "bench.bench_reading", ["--measure", address, "--reads", str(args.reads)]
                )
                results.setdefault(label, []).append(figures)
    best = {
        label: (
            min(float(r["cpu"]) for r in runs),  # type: ignore[arg-type]
            min(float(r["wall"]) for r in runs),  # type: ignore[arg-type]
        )
        for label, runs in results.items()
    }
    print(f"{args.reads} reads, best of {args.repeat}, load {os.getloadavg()[0]:.1f} at the end")
    labels = [label for label, _ in trees]
    if len(labels) == 2:
        before, after = best[labels[0]], best[labels[1]]
        print(
            f"before / this tree: CPU {before[0] / after[0]:.2f}x, wall {before[1] / after[1]:.2f}x"
        )
    for label in labels:
        cpu, wall = best[label]
        print(
            f"  {label}: {1e6 * cpu / args.reads:.0f} us of CPU, "
            f"{1e6 * wall / args.reads:.0f} us of wall a read"
        )


if __name__ == "__main__":
    main()
