"""The press backend's embedding cache: fewer texts embedded, the same tones."""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np
import pytest

from presswatch.analysis.analyzer import Analyzer
from presswatch.analysis.nlp.sentiment import (
    EmbeddingCache,
    PressBackend,
    embed,
    press_texts,
)
from presswatch.analysis.nlp.targets import Target
from presswatch.config import Config
from presswatch.models import Article

# Written for these tests.
WIRE = (
    "Mistral AI lève 600 millions d'euros, tandis qu'Aleph Alpha licencie la moitié de ses équipes."
)
OTHERS = [
    "Qonto ouvre un bureau à Milan pour accompagner les PME italiennes.",
    "Shares of Nokia fell after the company cut its outlook for the year.",
    "Spotify won praise from critics for its redesigned app, according to early reviews.",
]


def target(sentence: str, company: str, *others: str) -> Target:
    """The target of ``company`` in ``sentence``, the other names given."""

    def spans(name: str) -> tuple[tuple[int, int], ...]:
        start = sentence.index(name)
        return ((start, start + len(name)),)

    return Target(sentence, spans(company), tuple(s for o in others for s in spans(o)))


def batch() -> list[Target]:
    """Targets of a batch: two companies in one sentence, and the same target twice."""
    return [
        target(WIRE, "Mistral AI", "Aleph Alpha"),
        target(WIRE, "Aleph Alpha", "Mistral AI"),
        target(OTHERS[0], "Qonto"),
        target(OTHERS[1], "Nokia"),
        target(OTHERS[2], "Spotify"),
        target(WIRE, "Mistral AI", "Aleph Alpha"),
    ]


def test_cached_tones_equal_uncached_tones() -> None:
    uncached = PressBackend(cache_size=0).classify_targets(batch(), None)
    cached = PressBackend()
    first = cached.classify_targets(batch(), None)
    again = cached.classify_targets(batch(), None)  # every text from the cache
    for results in (first, again):
        assert [label for _, label in results] == [label for _, label in uncached]
        np.testing.assert_allclose(
            [score for score, _ in results], [score for score, _ in uncached], atol=1e-6
        )
    distinct = {text for t in batch() for text in press_texts(t)}
    assert cached.embeddings.misses == len(distinct)  # each text embedded once, ever
    assert cached.embeddings.hits == len(distinct)  # the second batch, all of it


def test_the_cache_keeps_at_most_its_size_and_the_latest_texts() -> None:
    cache = EmbeddingCache(size=2)
    first = cache.embed(["un", "deux", "trois", "un"])
    assert first.shape == (4, 384)
    np.testing.assert_array_equal(first[0], first[3])
    assert cache.misses == 3 and cache.hits == 1
    again = cache.embed(["trois"])  # among the two kept
    np.testing.assert_array_equal(again[0], first[2])
    assert cache.misses == 3
    cache.embed(["un"])  # evicted: embedded again
    assert cache.misses == 4
    assert cache.embed([]).shape == (0, 384)


def test_a_wire_copy_in_a_later_batch_is_not_embedded_again(
    write_config: Callable[..., Config],
) -> None:
    companies = [
        {"name": "Mistral AI", "role": "tracked"},
        *({"name": name} for name in ("Aleph Alpha", "Qonto", "Nokia", "Spotify")),
    ]
    config = write_config(companies=companies)
    articles = [
        Article(id=str(i), source="Feed", entry_key=str(i), title=None, text=text, language=lang)
        for i, (text, lang) in enumerate(
            [(f"{WIRE} {OTHERS[0]}", "fr"), (OTHERS[1], "en"), (f"{OTHERS[0]} {WIRE}", "fr")]
        )
    ]
    plain = Analyzer(config, PressBackend(cache_size=0))
    cached_backend = PressBackend()
    cached = Analyzer(config, cached_backend)
    expected = plain.analyse_many(articles)
    # Two batches, as the analysis stage reads its queue: the copy arrives in the second.
    results = cached.analyse_many(articles[:2])
    embedded = cached_backend.embeddings.misses
    results += cached.analyse_many(articles[2:])
    assert cached_backend.embeddings.misses == embedded  # its sentences were all seen
    for want, got in zip(expected, results, strict=True):
        assert isinstance(want, Article) and isinstance(got, Article)
        assert [(t.company, t.label) for t in got.company_tones] == [
            (t.company, t.label) for t in want.company_tones
        ]
        np.testing.assert_allclose(
            [m.tone_score or 0.0 for m in got.mentions],
            [m.tone_score or 0.0 for m in want.mentions],
            atol=1e-6,
        )


def test_the_engine_threads_wait_asleep_unless_the_user_chose(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    embed(["Qonto ouvre un bureau à Milan."])
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    embed(["Qonto ouvre un bureau à Milan."])
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"
