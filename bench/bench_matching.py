"""Matching throughput: presswatch's Matcher beside one compiled regex of all aliases (floor).

50 companies with 5 aliases each, over generated French and English articles (seeded) with
planted mentions in varied case, accents and elisions. Checks that every planted mention is
found and none is invented, then prints articles per second for both, ratio first.

    python -m bench.bench_matching --articles 100000
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections import Counter

from presswatch.analysis.matching import Matcher
from presswatch.config import CompanyConfig

FRENCH = (
    "le la les un une des du de et est sont dans pour par sur avec que qui ne pas plus au "
    "aux ce cette ces son sa ses leur nous vous ils elle été être marché entreprise société "
    "croissance économie numérique données réseau projet équipe annonce milliards millions "
    "euros clients produit service lancement stratégie développement recherche français "
    "européen régulation gouvernement ministre président directeur général année semaine "
    "mardi jeudi selon depuis après avant très aussi encore déjà toujours nouvelle nouveau "
    "premier première grand grande petite petit intelligence artificielle générative modèle"
).split()
ENGLISH = (
    "the a an of and is are was were in on for with that which who not it its this these "
    "by from at as be been has have had but or their they we market company growth economy "
    "digital data network project team announcement billion million dollars customers "
    "product service launch strategy development research european regulation government "
    "minister president chief executive year week tuesday thursday according since after "
    "before very also still already always new first large small artificial intelligence"
).split()
SYLLABLES = [
    "zor",
    "vex",
    "quin",
    "tar",
    "lum",
    "bri",
    "nov",
    "kel",
    "dra",
    "fen",
    "mor",
    "sil",
    "tek",
    "var",
    "pho",
    "gri",
    "zan",
    "cor",
    "vel",
    "trix",
]


def make_companies(rng: random.Random, count: int = 50, aliases: int = 5) -> list[CompanyConfig]:
    """Companies with invented names that collide with no word of the generated text."""
    used: set[str] = set()

    def name() -> str:
        while True:
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
            if word not in used:
                used.add(word)
                return word.capitalize()

    companies = []
    for index in range(count):
        base = name()
        names = [f"{base} {rng.choice(['AI', 'Labs', 'Systems', 'Tech'])}", base]
        names += [name() for _ in range(aliases - 2)]
        companies.append(
            CompanyConfig(
                name=names[0], role="tracked" if index == 0 else "competitor", aliases=names[1:]
            )
        )
    return companies


def variant(rng: random.Random, alias: str) -> str:
    """How an alias may be written: case changed, or after a French elision."""
    choice = rng.random()
    if choice < 0.2:
        return alias.upper()
    if choice < 0.4:
        return alias.lower()
    if choice < 0.55:
        return "d’" + alias
    if choice < 0.65:
        return "l'" + alias
    return alias


def make_articles(
    rng: random.Random, companies: list[CompanyConfig], count: int, words: int = 250
) -> tuple[list[str], list[Counter[str]]]:
    """Articles and, for each, how many mentions of each company were planted."""
    texts: list[str] = []
    planted: list[Counter[str]] = []
    for _ in range(count):
        vocabulary = FRENCH if rng.random() < 0.6 else ENGLISH
        tokens = rng.choices(vocabulary, k=words)
        expected: Counter[str] = Counter()
        for _ in range(rng.randint(0, 4)):
            company = rng.choice(companies)
            alias = rng.choice([company.name, *(a.alias for a in company.aliases)])
            tokens.insert(rng.randrange(len(tokens)), variant(rng, alias))
            expected[company.name] += 1
        # Sentences of about 20 words, in paragraphs.
        out = []
        for index, token in enumerate(tokens):
            out.append(token)
            if index % 20 == 19:
                out[-1] += "."
            if index % 80 == 79:
                out[-1] += "\n"
        texts.append(" ".join(out))
        planted.append(expected)
    return texts, planted


def main() -> None:
    """Run the benchmark and print a results block for bench/RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    companies = make_companies(rng)
    texts, planted = make_articles(rng, companies, args.articles)
    matcher = Matcher(companies)
    all_aliases = sorted({a.alias for c in companies for a in c.all_aliases}, key=len, reverse=True)
    floor = re.compile(r"\b(?:" + "|".join(map(re.escape, all_aliases)) + r")\b", re.IGNORECASE)

    started = time.perf_counter()
    floor_hits = sum(len(floor.findall(text)) for text in texts)
    floor_seconds = time.perf_counter() - started

    # A stronger floor: the text lower-cased first, then a case-sensitive regex, which
    # Python's re runs much faster than IGNORECASE over a large alternation.
    lowered = re.compile(r"\b(?:" + "|".join(re.escape(a.lower()) for a in all_aliases) + r")\b")
    started = time.perf_counter()
    lowered_hits = sum(len(lowered.findall(text.lower())) for text in texts)
    lowered_seconds = time.perf_counter() - started

    started = time.perf_counter()
    results = [matcher.find(None, text) for text in texts]
    matcher_seconds = time.perf_counter() - started

    missed = invented = 0
    for expected, mentions in zip(planted, results, strict=True):
        found = Counter(m.company for m in mentions)
        missed += sum((expected - found).values())
        invented += sum((found - expected).values())
    total = sum(sum(c.values()) for c in planted)
    best_floor = min(floor_seconds, lowered_seconds)
    print(f"ratio matcher/fastest floor: {matcher_seconds / best_floor:.2f}x (goal: <= 3x)")
    print(f"ratio matcher/IGNORECASE floor: {matcher_seconds / floor_seconds:.2f}x")
    print(f"articles: {len(texts)}, companies: {len(companies)}, aliases: {len(all_aliases)}")
    print(
        f"presswatch Matcher: {matcher_seconds:.1f} s, {len(texts) / matcher_seconds:,.0f} articles/s"
    )
    print(
        f"floor, one IGNORECASE regex: {floor_seconds:.1f} s, {len(texts) / floor_seconds:,.0f} articles/s"
    )
    print(
        f"floor, lower() + one regex:  {lowered_seconds:.1f} s, {len(texts) / lowered_seconds:,.0f} articles/s"
    )
    print(
        f"planted mentions: {total}, missed: {missed}, invented: {invented}, floor hits: {floor_hits} / {lowered_hits}"
    )


if __name__ == "__main__":
    main()
