"""The Topics page's emerging terms over a real SQLite store, with Streamlit's AppTest:
computed once per period's articles, read in each article's stored language."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from presswatch import analytics
from presswatch.config import Config
from presswatch.models import Article, Mention
from presswatch.store import Store

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")

# Sentences written for this test: a new name in this period, German common nouns
# (stored as German), and quiet news before.
NOW_EN = "Mistral AI showed the Kestrel Orbiter assistant to banks in Paris on {day}."
NOW_FR = "Mistral AI présente l'assistant Kestrel Orbiter aux banques, a-t-on appris le {day}."
NOW_DE = "Die Regierung lobt Mistral AI: der Datenschutz der Bürger sei gewahrt, sagt die Zeitung."
BEFORE = "Mistral AI hired engineers and opened an office, the company said on {day}."


def _article(n: int, text: str, published: datetime, language: str) -> Article:
    start = text.index("Mistral AI")
    return Article(
        id=f"t{n}",
        source="Feed",
        entry_key=str(n),
        title=f"Dépêche {n}",
        text=text,
        outlet=f"Outlet {n % 6}",
        language=language,
        published=published,
        date_precision="datetime",
        mentions=(
            Mention(
                "Mistral AI", "Mistral AI", "Mistral AI", "text", start, start + 10, text, "body"
            ),
        ),
    )


@pytest.fixture
def archive(write_config: Callable[..., Config], monkeypatch: pytest.MonkeyPatch) -> str:
    """A store with 24 articles about the tracked company in the last 30 days and 20 in
    the 30 days before."""
    config = write_config()
    url = f"sqlite:///{config.base_dir / 'data' / 'test.db'}"
    today = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    articles = []
    for n in range(24):
        day = today - timedelta(days=n)
        text, language = [(NOW_EN, "en"), (NOW_FR, "fr"), (NOW_DE, "de")][n % 3]
        articles.append(_article(n, text.format(day=day.date()), day, language))
    for n in range(20):
        day = today - timedelta(days=31 + n)
        articles.append(_article(100 + n, BEFORE.format(day=day.date()), day, "en"))
    with Store(url) as store:
        store.save_articles(articles)
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    return url


def test_topics_page_computes_emerging_terms_once_per_period(
    archive: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The terms are computed on the first run and read from the cache on a rerun (a
    widget changed elsewhere on the page); German nouns stored as German are no terms."""
    calls: list[int] = []
    real = analytics.emerging_terms

    def counted(*args: Any, **kwargs: Any) -> pd.DataFrame:
        calls.append(len(args[0]))
        return real(*args, **kwargs)

    monkeypatch.setattr(analytics, "emerging_terms", counted)
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    app.switch_page("app_pages/topics.py").run()
    assert not app.exception, app.exception
    shown = next(d.value for d in app.dataframe if "term" in d.value.columns)
    terms = shown["term"].tolist()
    assert any("kestrel orbiter" in t for t in terms), terms
    # Shown as the texts write it, not in lower case: the lower-case key is hidden.
    table = next(d for d in app.dataframe if "term" in d.value.columns)
    config = json.loads(table.proto.columns)
    assert config["term"].get("hidden") is True, config
    assert config["written"]["label"] == "Term"
    written = dict(zip(shown["term"], shown["written"], strict=True))
    assert any("Kestrel Orbiter" in written[t] for t in terms if "kestrel orbiter" in t), written
    assert not {"regierung", "datenschutz", "zeitung"} & set(terms)
    assert calls == [24]
    app.run()
    assert not app.exception, app.exception
    again = next(d.value for d in app.dataframe if "term" in d.value.columns)
    assert again["term"].tolist() == terms
    assert calls == [24]


def test_an_emerging_term_row_lists_the_articles_holding_it(archive: str) -> None:
    """A term's row opens the period's articles holding it: as many as its "This period"
    count, exactly those whose text holds its words in a row."""
    from tests.test_dashboard import _cards
    from tests.test_dashboard_clicks import _listed, _select

    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    app.switch_page("app_pages/topics.py").run()
    assert not app.exception, app.exception
    shown = next(d.value for d in app.dataframe if "term" in d.value.columns)
    assert len(shown) >= 1
    start = datetime.now(UTC) - timedelta(days=30)
    with Store(archive) as store:
        dated = store.articles_frame()
        ids = [str(i) for i in dated.loc[dated["published"] >= start, "id"]]
        texts = store.texts(ids)
    for row, (term, written, count) in enumerate(
        zip(shown["term"], shown["written"], shown["current"], strict=True)
    ):
        _select(app, "emerging_table", [row])
        listed_count, what = _listed(app)
        words = r"\W+".join(re.escape(w) for w in term.split())
        holding = {
            str(i)
            for i, text in texts.items()
            if re.search(rf"(?<!\w){words}(?!\w)", text, re.IGNORECASE)
        }
        assert listed_count == count == len(holding) >= 2, term
        assert set(_cards(app, "term_articles")) == holding, term
        # The same words, as written: the words of three letters or more are the term's.
        assert re.findall(r"[^\W\d_]{3,}", written.lower()) == term.split(), (written, term)
        assert what == f"holding the term {written} in this period"
