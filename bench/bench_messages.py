"""What finding key messages by meaning costs an analysis: E5 texts embedded and time.

Builds N articles (seeded) of three to six sentences from the project's tone rows
(training/tone/, press-style sentences naming companies), configures the companies they
name and config.yaml's key messages, and analyses them in batches as the analysis stage
does (press tone backend). First with similarity on and an empty embedding cache: counts
the texts E5 embedded for the tone (the distinct clauses and close-ups of the targets)
and for the messages (the phrasings). Then both settings again on the warm cache (no text
embedded), so the time difference is the similarity's own work, side by side.

    python -m bench.bench_messages --articles 1000
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from pathlib import Path

from presswatch.analysis.analyzer import ANALYSIS_BATCH, Analyzer
from presswatch.analysis.nlp.sentiment import PressBackend
from presswatch.config import Config, load_config, parse_config
from presswatch.models import Article

ROOT = Path(__file__).resolve().parent.parent
ROWS = ROOT / "training" / "tone"


def articles(count: int, seed: int) -> tuple[list[Article], list[str]]:
    """``count`` articles of three to six tone rows of one language, and the 60 companies
    they name most."""
    picker = random.Random(seed)
    by_language = {
        code: [json.loads(line) for line in (ROWS / f"{code}.jsonl").open(encoding="utf-8")]
        for code in ("fr", "en")
    }
    named: Counter[str] = Counter()
    out = []
    for index in range(count):
        language = picker.choice(("fr", "en"))
        rows = picker.sample(by_language[language], picker.randint(3, 6))
        named.update(t["company"] for row in rows for t in row["targets"])
        text = " ".join(row["sentence"].rstrip(".") + "." for row in rows)
        key = f"a{index}"
        out.append(Article(id=key, source="bench", entry_key=key, text=text, language=language))
    return out, [name for name, _ in named.most_common(60)]


def analyse(analyzer: Analyzer, batch: list[Article]) -> tuple[float, int]:
    """Seconds to analyse the articles in analysis-stage batches, and messages found."""
    started = time.perf_counter()
    found = 0
    for first in range(0, len(batch), ANALYSIS_BATCH):
        for result in analyzer.analyse_many(batch[first : first + ANALYSIS_BATCH]):
            assert not isinstance(result, Exception), result
            found += len(result.messages)
    return time.perf_counter() - started, found


def main() -> None:
    """Run the measure and print it, ratios first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    batch, companies = articles(args.articles, args.seed)
    messages = load_config(ROOT / "config.yaml").messages

    def config(similarity: bool) -> Config:
        return parse_config(
            {
                "companies": [{"name": companies[0], "role": "tracked"}]
                + [{"name": name} for name in companies[1:]],
                "messages": messages,
                "message_similarity": similarity,
            }
        )

    tone = PressBackend()
    on = Analyzer(config(True), tone=tone)
    cold, found_on = analyse(on, batch)
    tone_texts = tone.embeddings.misses
    assert on.similarity is not None
    phrasings = on.similarity.embedded
    off = Analyzer(config(False), tone=tone)
    warm_off, found_off = analyse(off, batch)
    warm_on, _ = analyse(on, batch)
    print(f"{args.articles} articles, {len(companies)} companies, {phrasings} phrasings")
    print(
        f"E5 texts embedded: tone {tone_texts}, messages {phrasings} "
        f"(+{100 * phrasings / tone_texts:.2f}%); none again on the warm cache: "
        f"{tone.embeddings.misses - tone_texts}"
    )
    print(
        f"warm cache, similarity on / off: {warm_on / warm_off:.2f}x "
        f"({warm_on:.1f} s / {warm_off:.1f} s); first analysis, cold cache: {cold:.1f} s"
    )
    print(f"messages found: {found_on} with similarity, {found_off} by lemmas only")


if __name__ == "__main__":
    main()
