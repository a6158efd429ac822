"""Teasers and their full texts grouped into one story: real pairs and synthetic ones.

Real pairs, read where they are (publisher text never enters the project): feed entries of
../shared/corpus/feeds/real whose summary is a teaser of their own full content (30 to 120
words, half of its 4-word shingles or more found in a content of 250 words or more), and
saved pages of ../shared/corpus/html whose meta description is such a teaser of the page's
text (trafilatura). Synthetic pairs: 600-word texts of random words, the teaser their first
40 to 80 words or a passage of that length further in, plus 10-word generic lines found in
many texts. Every teaser and full text goes into one StoryIndex (shuffled, so either comes
first); prints the pairs grouped and the texts merged into a story of another article.

    python -m bench.eval_teasers
"""

from __future__ import annotations

import argparse
import html
import random
import re
from pathlib import Path

import feedparser
import trafilatura

from presswatch.analysis import stories
from presswatch.analysis.nlp.text import fold
from presswatch.analysis.stories import StoryIndex, signature

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
_WORD = re.compile(r"\w+")
_TAG = re.compile(r"<[^>]+>")

# (article key, title, teaser, full text)
Pair = tuple[str, str, str, str]


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _is_teaser_of(teaser: str, full: str) -> bool:
    """The pair's definition, exact (no MinHash): a teaser of 30 to 120 words, half of its
    shingles or more in a full text of 250 words or more."""
    short, long = _words(teaser), _words(full)
    if not 30 <= len(short) <= 120 or len(long) < 250:
        return False
    grams = {tuple(short[i : i + 4]) for i in range(len(short) - 3)}
    found = {tuple(long[i : i + 4]) for i in range(len(long) - 3)}
    return len(grams & found) >= len(grams) / 2


def feed_pairs() -> list[Pair]:
    """Entries whose summary is a teaser of their own content."""
    pairs = []
    for path in sorted((CORPUS / "feeds" / "real").rglob("*")):
        if not path.is_file():
            continue
        for n, entry in enumerate(feedparser.parse(path.read_bytes()).entries):
            teaser = html.unescape(_TAG.sub(" ", entry.get("summary", "") or ""))
            full = html.unescape(
                _TAG.sub(" ", " ".join(c.get("value", "") for c in entry.get("content", [])))
            )
            if _is_teaser_of(teaser, full):
                key = entry.get("link") or f"{path}#{n}"
                pairs.append((key, entry.get("title", "") or "", teaser, full))
    return pairs


def page_pairs() -> list[Pair]:
    """Saved pages whose meta description is a teaser of their text."""
    pairs = []
    for path in sorted((CORPUS / "html").rglob("*.htm*")):
        page = path.read_text(encoding="utf-8", errors="replace")
        text = trafilatura.extract(page) or ""
        meta = trafilatura.extract_metadata(page)
        teaser = (meta.description if meta else None) or ""
        if _is_teaser_of(teaser, text):
            pairs.append((str(path), (meta.title if meta else None) or "", teaser, text))
    return pairs


def synthetic_pairs(picker: random.Random, count: int) -> list[Pair]:
    """600-word texts of random words, each with a teaser of 40 to 80 of its words (its
    first ones for half the pairs, a passage further in for the others)."""
    vocabulary = [f"mot{n}" for n in range(3000)]
    pairs = []
    for n in range(count):
        words = [picker.choice(vocabulary) for _ in range(600)]
        length = picker.randint(40, 80)
        start = 0 if n % 2 == 0 else picker.randint(50, 400)
        title = f"Titre {n} " + " ".join(picker.choice(vocabulary) for _ in range(6))
        pairs.append((f"s{n}", title, " ".join(words[start : start + length]), " ".join(words)))
    return pairs


def grouped(pairs: list[Pair], picker: random.Random, generic: int = 0) -> tuple[int, int]:
    """(pairs grouped, texts put in a story of another article), every text in one index.

    With ``generic``, each full text also has a near miss, an article of its own: 20 of
    the full text's words (a quoted sentence) among 40 others."""
    texts = []
    for key, title, teaser, full in pairs:
        texts.append((key, "teaser", title, teaser))
        texts.append((key, "full", title, full))
        if generic:
            words = full.split()
            at = picker.randint(0, len(words) - 20)
            other = [f"autre{picker.randint(0, 5000)}" for _ in range(40)]
            quoted = " ".join(other[:20] + words[at : at + 20] + other[20:])
            texts.append((f"{key}-near", "near", f"Autre {key}", quoted))
    # Short generic lines, each also inside many of the full texts' stories' subject.
    for n in range(generic):
        texts.append(
            (f"g{n}", "generic", "Mistral AI", "Mistral AI lève des fonds pour ses modèles ouverts")
        )
    picker.shuffle(texts)
    index = StoryIndex()
    story: dict[tuple[str, str], str] = {}
    owner: dict[str, str] = {}  # story -> the article key that founded it
    wrong = 0
    for n, (key, kind, title, text) in enumerate(texts):
        found = index.assign(f"t{n}", signature(text, title))
        story[(key, kind)] = found
        if owner.setdefault(found, key) != key:
            wrong += 1
    together = sum(story[(key, "teaser")] == story[(key, "full")] for key, *_ in pairs)
    return together, wrong


def main() -> None:
    """Print one line per kind of pair for bench/RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--synthetic", type=int, default=200)
    parser.add_argument(
        "--containment", type=float, nargs="*", default=[], help="CONTAINMENT values to try"
    )
    args = parser.parse_args()
    kinds = [
        ("feed summary / content", feed_pairs(), 0),
        ("page description / text", page_pairs(), 0),
        (
            "synthetic, with near misses and 20 generic lines",
            synthetic_pairs(random.Random(args.seed), args.synthetic),
            20,
        ),
    ]
    print("| containment | pairs | count | grouped | texts merged into another article's story |")
    print("|---|---|---|---|---|")
    for threshold in args.containment or [stories.CONTAINMENT]:
        stories.CONTAINMENT = threshold  # read by StoryIndex at each comparison
        for name, pairs, generic in kinds:
            together, wrong = grouped(pairs, random.Random(args.seed), generic)
            print(f"| {threshold} | {name} | {len(pairs)} | {together} | {wrong} |")


if __name__ == "__main__":
    main()
