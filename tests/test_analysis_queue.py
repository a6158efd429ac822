"""Analysis as a stage of its own: collection stores articles first, analysis catches up."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from presswatch.analysis.analyzer import Analyzer, analyse_pending
from presswatch.analysis.nlp.sentiment import ToneLabel, VaderBackend
from presswatch.analysis.nlp.targets import Target
from presswatch.collect import collect
from presswatch.config import Config
from presswatch.models import Article, make_article_id
from presswatch.store import Store
from presswatch.store.schema import coverage_table
from tests.test_dashboard import open_app


def clip(key: str, text: str) -> Article:
    """A stored-as-collected article: no analysis yet."""
    return Article(
        id=make_article_id(None, "Clips", key),
        source="Clips",
        entry_key=key,
        title=f"Dépêche {key}",
        text=text,
        published=datetime(2026, 11, 30, tzinfo=UTC),
        date_precision="day",
        language="fr",
    )


def covered(store: Store) -> set[str]:
    """The articles with a row in the coverage the figures read."""
    return set(store.read_frame(sa.select(coverage_table.c.article_id))["article_id"])


def test_collection_stores_then_analyses_with_progress(
    write_config: Callable[..., Config], store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    for index in range(5):
        (folder / f"{index}.txt").write_text(
            f"Dépêche {index}\nMistral AI signe un accord avec le client {index}.", "utf-8"
        )
    config = write_config(sources=[{"name": "Clips", "kind": "files", "path": "clips"}])
    seen: list[tuple[int, int]] = []
    summary = collect(config, store, on_analysis=lambda done, waiting: seen.append((done, waiting)))
    assert summary.new == 5 and len(summary.analysed_ids) == 5 and summary.pending == 0
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)  # announced, then done
    assert store.count_pending_analysis() == 0
    assert len(store.mentions_frame()) == 5
    # A second run with nothing new analyses nothing.
    again = collect(config, store)
    assert again.analysed_ids == [] and store.count_pending_analysis() == 0


def test_queued_articles_wait_outside_the_figures_until_analysed(
    write_config: Callable[..., Config], store: Store
) -> None:
    analyzer = Analyzer(write_config())
    articles = [clip(str(i), f"Mistral AI recrute {i} ingénieurs à Paris.") for i in range(3)]
    counts = store.save_articles(articles, queue=True)
    assert counts.new == 3 and store.count_pending_analysis() == 3
    assert store.mentions_frame().empty and covered(store) == set()
    # One batch at a time, the longest waiting first; a stop leaves the rest queued.
    halt = threading.Event()
    done = analyse_pending(store, analyzer, batch=2, progress=lambda _: halt.set(), stop=halt)
    assert len(done) == 2 and store.count_pending_analysis() == 1
    done += analyse_pending(store, analyzer)
    assert sorted(done) == sorted(a.id for a in articles)
    assert store.count_pending_analysis() == 0
    assert covered(store) == {a.id for a in articles}


def test_an_article_edited_after_it_was_read_is_analysed_in_its_new_text(
    write_config: Callable[..., Config], store: Store
) -> None:
    analyzer = Analyzer(write_config())
    first = clip("e", "Mistral AI recrute à Paris.")
    store.save_articles([first], queue=True)
    ((read, digest),) = store.queued_articles(10)
    edited = dataclasses.replace(first, text="OpenAI et Mistral AI recrutent à Paris.")
    store.save_articles([edited], queue=True)
    # The analysis of the old text is not written: the new text waits in the queue.
    assert store.finish_analysis([(analyzer.analyse(read), digest)]) == []
    assert store.count_pending_analysis() == 1
    analyse_pending(store, analyzer)
    assert set(store.mentions_frame()["company"]) == {"Mistral AI", "OpenAI"}
    # An article no longer queued (another worker finished it) is not written twice.
    assert store.finish_analysis([(analyzer.analyse(read), digest)]) == []
    assert len(store.mentions_frame()) == 2


def test_the_dashboard_says_how_many_articles_wait(
    write_config: Callable[..., Config], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config()
    url = f"sqlite:///{config.base_dir / 'data' / 'test.db'}"
    with Store(url) as store:
        store.save_articles([clip(str(i), "Mistral AI lève des fonds.") for i in range(3)])
        store.save_articles([clip("q", "Mistral AI recrute.")], queue=True)
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    app = open_app()
    captions = " ".join(c.value for c in app.sidebar.caption)
    assert "Articles still being analysed: 1 (in no figure yet)" in captions


class FailingOn(VaderBackend):
    """Vader, but the model breaks on any sentence holding ``marker`` (as a model bug met by
    one text would), and counts its calls."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker = marker
        self.calls: list[int] = []

    def classify_targets(
        self, targets: Sequence[Target], language: str | None
    ) -> list[tuple[float, ToneLabel]]:
        self.calls.append(len(targets))
        if any(self.marker in t.sentence for t in targets):
            raise ValueError("a bug met by one sentence")
        return super().classify_targets(targets, language)


def test_an_article_whose_analysis_fails_never_blocks_the_queue(
    write_config: Callable[..., Config], store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    analyzer = Analyzer(write_config(), tone=FailingOn("Grenoble"))
    texts = {
        "a": "Mistral AI ouvre un bureau à Lyon.",
        "bad": "Mistral AI ouvre un bureau à Grenoble.",
        "b": "Mistral AI ouvre un bureau à Lille.",
    }
    articles = [clip(key, text) for key, text in texts.items()]
    store.save_articles(articles, queue=True)
    done = analyse_pending(store, analyzer)
    assert len(done) == 3 and store.count_pending_analysis() == 0
    # The bad article is stored without analysis; the others keep theirs and their tone.
    assert set(store.mentions_frame()["article_id"]) == {articles[0].id, articles[2].id}
    assert "analysing article" in caplog.text and "failed" in caplog.text
    assert articles[1].id in caplog.text


def test_a_batch_of_articles_is_toned_in_one_call_per_language(
    write_config: Callable[..., Config], store: Store
) -> None:
    backend = FailingOn("(never)")
    analyzer = Analyzer(write_config(), tone=backend)
    french = [clip(f"fr{i}", f"Mistral AI ouvre son bureau numéro {i} à Lyon.") for i in range(5)]
    english = [
        dataclasses.replace(
            clip(f"en{i}", f"Mistral AI opens office number {i} in London."), language="en"
        )
        for i in range(4)
    ]
    store.save_articles([*french, *english], queue=True)
    analyse_pending(store, analyzer)
    # Two calls (French, English) for nine articles, each with every article's target.
    assert sorted(backend.calls) == [4, 5]
    tones = store.mentions_frame().groupby("article_id")["tone_label"].first()
    assert len(tones) == 9 and tones.notna().all()
