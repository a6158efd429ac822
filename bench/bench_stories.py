"""Story grouping time: near-identical entries (a templated feed) beside distinct texts.

A templated feed (a job board, a stock ticker, a podcast's boilerplate notes) gives
thousands of entries that differ in a word or two: every one is a copy of every other.
Grouping must stay linear in the number of articles. Prints, for each size, the seconds
to assign stories to N near-identical entries and to N distinct texts (the floor), ratio
first, and how many stories each gave.

    python -m bench.bench_stories --sizes 2000 8000 20000
"""

from __future__ import annotations

import argparse
import random
import time

from presswatch.analysis.stories import StoryIndex, signature

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


def grouping_seconds(texts: list[str]) -> tuple[float, int]:
    """Seconds to sign and assign every text, and the number of stories found."""
    index = StoryIndex()
    started = time.perf_counter()
    stories = {index.assign(f"a{i}", signature(text)) for i, text in enumerate(texts)}
    return time.perf_counter() - started, len(stories)


def main() -> None:
    """Time both kinds of feed at each size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 8000, 20000])
    parser.add_argument("--seed", type=int, default=20261203)
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


if __name__ == "__main__":
    main()
