"""Time of emerging terms on a generated month, this tree beside a git revision's code.

Generated articles (sentences written for this benchmark, English, French and German,
with names drawn from lists) for a period and the one before, as many as the Topics page
reads at most (2,000 each), and a background of 1,000: ``analytics.emerging_terms`` is
timed in a fresh process per tree (best of ``--repeat`` runs; the first run loads the
dictionaries and is left out), and the terms of both trees are compared.
``--before REV`` times the code of a git revision too (``git archive`` to a temporary
folder): the ratio is the figure, as the machine is shared.

``--page``: the same texts stored in a SQLite archive (the period in the last 30 days, the
one before, the background older), and the Topics page run with Streamlit's AppTest: its
first run, then a rerun (what every widget change on the page costs).

    python -m bench.bench_emerging --before 88fbe53
    python -m bench.bench_emerging --page --articles 1000 --before 19c905a
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path

from bench.trees import export_revision, measure_in

ROOT = Path(__file__).resolve().parent.parent
# Sentences written for this benchmark; {N} is a name, {P} a place.
SENTENCES = [
    "The {N} team said on Tuesday that the new device would ship in {P} next month.",
    "Officials in {P} asked {N} to explain how the data of its users is stored.",
    "Analysts expect {N} to report a wide range of results after a difficult quarter.",
    "Law enforcement agencies in {P} met {N} engineers about the security flaw.",
    "Why the {N} Deal Is Bigger Than It Looks",
    "Customers of {N} in {P} complained about the price of the new plan.",
    "La société {N} a annoncé lundi l'ouverture d'un bureau à {P}.",
    "Selon le maire de {P}, le projet de {N} créera deux cents emplois.",
    "Les syndicats de {N} dénoncent une hausse des cadences dans l'usine de {P}.",
    "Die Regierung in {P} prüft die Pläne von {N} für ein neues Werk.",
    "Nach Kritik an den Kosten will {N} die Preise in {P} senken.",
]
NAMES = [
    "Helios", "Kestrel Labs", "Zorbak", "Nimbus Audio", "Vireo", "Quasar", "Orbital Games",
    "Delta Freight", "Lumen Bank", "Tim Roe", "Claire Martin", "Justice Department",
    "Fairfax County", "Sentinel", "Aster Motors", "Borealis", "Cinder Health", "Pavo",
]  # fmt: skip
PLACES = [
    "New York", "La Rochelle", "Köln", "Leeds", "Lyon", "Loudoun County", "Oslo", "Porto",
    "San Diego", "Le Mans", "Bergen", "Nantes",
]  # fmt: skip
# Names new in the current period: what should emerge.
NEW_NAMES = ["Halcyon Drive", "Marlin Pay", "Tessera", "Ondine Robotics", "Kairos Vote"]


def _article(rng: random.Random, names: list[str], sentences: int) -> str:
    parts = [
        rng.choice(SENTENCES).format(N=rng.choice(names), P=rng.choice(PLACES))
        for _ in range(sentences)
    ]
    return parts[0] + "\n" + " ".join(parts[1:])


def generate(articles: int, seed: int = 16) -> dict[str, list[str | None]]:
    """A period, the one before and a background: texts and outlets, as JSON-able lists."""
    rng = random.Random(seed)
    outlets = [f"Outlet {n}" for n in range(40)]
    data: dict[str, list[str | None]] = {}
    for key, names, count in (
        ("now", NAMES + NEW_NAMES, articles),
        ("before", NAMES, articles),
        ("background", NAMES, 1000),
    ):
        data[key] = [_article(rng, names, rng.randint(4, 14)) for _ in range(count)]
        data[f"{key}_outlets"] = [rng.choice(outlets) for _ in range(count)]
        data[f"{key}_languages"] = [
            rng.choice(["en", "en", "fr", "de", None]) for _ in range(count)
        ]
    data["background_months"] = [f"2020-{1 + n % 12:02d}" for n in range(1000)]
    return data


def measure(data_path: str, repeat: int) -> None:
    """In this process: time emerging_terms on the generated data, print JSON."""
    import inspect

    import pandas as pd

    from presswatch import analytics

    data = json.loads(Path(data_path).read_text(encoding="utf-8"))
    background = pd.DataFrame(
        {
            "text": data["background"],
            "outlet": data["background_outlets"],
            "month": data["background_months"],
        }
    )
    kwargs = {
        "current_outlets": pd.Series(data["now_outlets"], dtype=object),
        "previous_outlets": pd.Series(data["before_outlets"], dtype=object),
        "background": background,
    }
    if "current_languages" in inspect.signature(analytics.emerging_terms).parameters:
        kwargs["current_languages"] = pd.Series(data["now_languages"], dtype=object)
        kwargs["previous_languages"] = pd.Series(data["before_languages"], dtype=object)
    times = []
    terms: list[str] = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        found = analytics.emerging_terms(
            pd.Series(data["now"], dtype=object),
            pd.Series(data["before"], dtype=object),
            **kwargs,  # type: ignore[arg-type]
        )
        times.append(time.perf_counter() - start)
        terms = found["term"].tolist()
    print(json.dumps({"seconds": min(times[1:]), "terms": terms}))


def write_store(data: dict[str, list[str | None]], folder: Path) -> Path:
    """The generated texts as a SQLite archive about the tracked company, and its config."""
    from datetime import UTC, datetime, timedelta

    import yaml

    from presswatch.models import Article, Mention
    from presswatch.store import Store

    config = folder / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "database": str(folder / "archive.db"),
                "interface_language": "en",
                "companies": [{"name": "Helios", "role": "tracked"}],
                "sources": [],
            }
        ),
        encoding="utf-8",
    )
    today = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    articles = []
    for key, first_day, days in (("now", 0, 30), ("before", 30, 30), ("background", 60, 700)):
        texts = data[key]
        for n, text in enumerate(texts):
            body = f"Helios. {text}"
            published = today - timedelta(days=first_day + n * days // len(texts), minutes=n)
            articles.append(
                Article(
                    id=f"{key}{n}",
                    source="Feed",
                    entry_key=f"{key}{n}",
                    title="",
                    text=body,
                    outlet=data[f"{key}_outlets"][n],
                    language=data[f"{key}_languages"][n],
                    published=published,
                    date_precision="datetime",
                    mentions=(
                        Mention("Helios", "Helios", "Helios", "text", 0, 6, "Helios.", "lead"),
                    ),
                )
            )
    with Store(f"sqlite:///{folder / 'archive.db'}") as store:
        store.save_articles(articles)
    return config


def measure_page(config: str, repeat: int) -> None:
    """In this process: the Topics page's first run and its best rerun, as JSON."""

    from streamlit.testing.v1 import AppTest

    os.environ["PRESSWATCH_CONFIG"] = config
    app = AppTest.from_file(str(Path.cwd() / "dashboard" / "app.py"), default_timeout=900)
    app.run()
    start = time.perf_counter()
    app.switch_page("app_pages/topics.py").run()
    first = time.perf_counter() - start
    reruns = []
    for _ in range(repeat):
        start = time.perf_counter()
        app.run()
        reruns.append(time.perf_counter() - start)
    terms = next((d.value["term"].tolist() for d in app.dataframe if "term" in d.value.columns), [])
    print(json.dumps({"seconds": min(reruns), "first": first, "terms": terms}))


def run(root: Path, data_path: Path, repeat: int, *, page: bool = False) -> dict[str, object]:
    """Measure one tree in a fresh process."""
    flag = "--measure-page" if page else "--measure"
    return measure_in(root, "bench.bench_emerging", [flag, str(data_path), "--repeat", str(repeat)])


def main() -> None:
    """Generate the periods, time this tree (and a revision's), print the ratio first."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--before", help="a git revision to time too")
    parser.add_argument("--page", action="store_true", help="time the Topics page (AppTest)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--measure-page", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.repeat)
        return
    if args.measure_page:
        measure_page(args.measure_page, args.repeat)
        return
    with tempfile.TemporaryDirectory() as temp:
        data_path = Path(temp) / "data.json"
        data = generate(args.articles)
        data_path.write_text(json.dumps(data), encoding="utf-8")
        if args.page:
            data_path = write_store(data, Path(temp))
        trees = [("this tree", ROOT)]
        if args.before:
            # The revision may predate this benchmark: it runs with this file.
            old = export_revision(
                args.before,
                Path(temp),
                ("bench", "presswatch", "dashboard"),
                ("bench_emerging.py",),
            )
            trees.insert(0, (f"before ({args.before})", old))
        results = [
            (label, run(root, data_path, args.repeat, page=args.page)) for label, root in trees
        ]
        seconds = [float(str(figures["seconds"])) for _, figures in results]
        terms = [figures["terms"] for _, figures in results]
        if len(results) == 2:
            print(
                f"{results[0][0]} / this tree: {seconds[0] / seconds[1]:.2f}x;"
                f" same terms: {terms[0] == terms[1]}"
            )
        for (label, figures), took, found in zip(results, seconds, terms, strict=True):
            first = f" (page's first run {float(str(figures['first'])):.2f} s)" if args.page else ""
            print(f"{label}: {took:.2f} s{first}, {len(found)} terms")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
