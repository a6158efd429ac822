"""The dashboard with Streamlit's AppTest over a real store: pages, filters, safe text."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import re
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data import build_export_file
from dashboard.render import (
    COMPANY_COLORS,
    article_date,
    markdown_link,
    marked_sentence,
    md,
    period_name,
)
from presswatch.analysis.analyzer import analyse
from presswatch.analysis.matching import Matcher
from presswatch.analysis.stories import StoryIndex
from presswatch.collect import collect
from presswatch.config import Config, interface_language
from presswatch.drill import Drill
from presswatch.export import COLUMNS, export_rows, write_csv
from presswatch.formatting import Formatting, machine_timezone
from presswatch.models import Article, Filters, make_article_id
from presswatch.store import Store
from tests import hostile, oracle
from tests.conftest import SEEDED_SETTINGS
from tests.generated import generated_articles
from tests.test_stories import PICKUP, WIRE, article

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
TIMEOUT = 30


@pytest.fixture
def seeded(
    write_config: Callable[..., Config],
    seeds_dir: Path,
    seeded_archive: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Config, str]:
    config = write_config(**SEEDED_SETTINGS)
    database = config.base_dir / "data" / "test.db"
    database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(seeded_archive, database)
    url = f"sqlite:///{database}"
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    return config, url


def open_app(page: str | None = None) -> AppTest:
    """The dashboard after its first run: the Overview, or PAGE (``app_pages/NAME.py``)
    opened directly, as a link to it opens it (no Overview run before it)."""
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if page is not None:
        app.switch_page(page)
    app.run()
    assert not app.exception, app.exception
    return app


def test_overview_shows_timeline_and_share_of_voice(seeded: tuple[Config, str]) -> None:
    app = open_app()
    assert app.title[0].value == "Overview"
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Articles"] == "2"
    # One or two articles are no share of tone (it would read 0% or 100%).
    assert metrics["Positive / negative"] == "Too few"
    charts = app.get("plotly_chart")
    assert [c.key for c in charts] == ["timeline", "tone", "share_of_voice"]
    captions = " ".join(c.value for c in app.caption)
    assert "1 undated" in captions  # seed 000 is counted, not dropped
    assert "Tone model: press " in captions  # the model that gave the tones is named
    share = app.dataframe[0].value
    assert set(share["company"]) == {
        "Mistral AI",
        "OpenAI",
        "Google DeepMind",
        "Meta AI",
        "Aleph Alpha",
    }


def test_company_filter_changes_the_figures(seeded: tuple[Config, str]) -> None:
    app = open_app()
    app.multiselect(key="companies").set_value(["Aleph Alpha"]).run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Articles"] == "1"
    assert set(app.dataframe[0].value["company"]) == {"Aleph Alpha"}


def test_coverage_lists_both_seeds_and_shows_highlighted_text(seeded: tuple[Config, str]) -> None:
    app = open_app("app_pages/coverage.py")
    assert not app.exception, app.exception
    listing = app.dataframe[0].value
    assert len(listing) == 2
    assert "(undated)" in set(_displayed(app.dataframe[0])["date"])
    assert "La Tribune" in set(listing["outlet"])
    first = app.html[0].value
    assert "<mark" in first and "Mistral AI</mark>" in first
    assert "<h3>Mistral, le champion français" in first  # newest first: the dated seed

    _, url = seeded
    with Store(url) as store:
        undated = store.articles_frame().query("published.isna()")["id"].iloc[0]
    # Each article is a card; its button opens the full text below the cards.
    cards = _cards(app, "coverage")
    assert len(cards) == 2 and undated in cards
    shown = [m.value for m in app.markdown]
    assert any(m.startswith("Mistral, le champion français") for m in shown)  # no URL: no link
    # Each company's tone as a chip, the evidence sentence with the mention marked.
    assert ":red-badge[Aleph Alpha: negative]" in shown
    assert any(m.startswith("**:blue-background[Mistral AI]**, du nom") for m in shown)
    app.button(key=f"coverage_read_{undated}").click().run()
    second = app.html[0].value
    assert "Aleph Alpha</mark>" in second and "<h3>" not in second  # no invented title
    assert any("Date: unknown" in t.value for t in app.text)


def test_coverage_searches_the_titles_and_texts(seeded: tuple[Config, str]) -> None:
    """The search box narrows the list to the articles whose words match, in any case
    and accents; a search that only leaves words out says what to do."""
    app = open_app("app_pages/coverage.py")

    def titles(search: str) -> list[str]:
        app.text_input(key="search").set_value(search).run()
        assert not app.exception, app.exception
        if not app.dataframe:
            return []
        return [str(t)[:20] for t in app.dataframe[0].value["title"]]

    assert len(titles("")) == 2
    assert titles("NVIDIA") == ["Mistral, le champion"]
    assert titles("colossaux") == ["(untitled)"]
    assert len(titles("jeune pousse")) == 2  # in both
    assert titles('"pousse jeune"') == []
    assert "No article of this view matches" in app.info[0].value
    assert titles("jeune pousse -nvidia") == ["(untitled)"]
    assert any("match the search: 1" in c.value for c in app.caption)
    # The article shown is one of the articles found, the words found marked.
    assert "colossaux" in app.html[0].value
    assert titles("NVIDIA") == ["Mistral, le champion"]
    assert 'title="Search">Nvidia</mark>' in app.html[0].value
    titles("-nvidia")
    assert "only leaves words out" in app.error[0].value
    # The search is in the link, and a link's search fills the box.
    titles("colossaux")
    assert app.query_params["search"] in ("colossaux", ["colossaux"])
    shared = AppTest.from_file(APP, default_timeout=TIMEOUT)
    shared.query_params["search"] = "nvidia"
    shared.run()
    shared.switch_page("app_pages/coverage.py").run()
    assert not shared.exception, shared.exception
    assert shared.text_input(key="search").value == "nvidia"
    assert len(shared.dataframe[0].value) == 1


def test_untrusted_text_is_shown_as_text(
    write_config: Callable[..., Config], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config()
    url = f"sqlite:///{tmp_path / 'xss.db'}"
    hostile = Article(
        id=make_article_id(None, "Feed", "x"),
        source="Feed",
        entry_key="x",
        title="<img src=x onerror=alert(1)> Mistral AI",
        text="[x](javascript:alert(1)) <script>alert(2)</script> Mistral AI **bold**",
        outlet="<b>Outlet</b>",
        published=datetime(2024, 6, 1, tzinfo=UTC),
        date_precision="day",
    )
    with Store(url) as store:
        store.save_articles([analyse(hostile, Matcher(config.companies))])
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    app = open_app("app_pages/coverage.py")
    assert not app.exception, app.exception
    shown = app.html[0].value
    assert "<img" not in shown and "<script" not in shown and "<b>" not in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "[x](javascript:alert(1))" in shown  # shown literally, never a link
    assert "&lt;script&gt;" in shown


def test_empty_store_says_what_to_do(
    write_config: Callable[..., Config], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config()
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", f"sqlite:///{tmp_path / 'empty.db'}")
    app = open_app()
    assert "presswatch collect" in app.info[0].value


def test_a_broken_config_is_an_error_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "config.yaml"
    bad.write_text("companies: []\n", encoding="utf-8")
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(bad))
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert "Fix the configuration" in app.error[0].value


def test_republished_copies_are_grouped_on_coverage(
    write_config: Callable[..., Config], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config()
    url = f"sqlite:///{tmp_path / 'stories.db'}"
    index = StoryIndex()
    matcher = Matcher(config.companies)
    with Store(url) as store:
        store.save_articles(
            analyse(a, matcher, index)
            for a in [
                article("1", "agence", "Mistral AI lève 600 millions", WIRE),
                article("2", "regional", "Levée record pour Mistral AI", PICKUP),
            ]
        )
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    app = open_app()
    share = app.dataframe[0].value.set_index("company")
    assert share.loc["Mistral AI", "articles"] == 2 and share.loc["Mistral AI", "stories"] == 1
    app.switch_page("app_pages/coverage.py").run()
    assert [e.label for e in app.expander] == [
        "The listed articles as a table",
        "Republished stories (1)",
    ]
    assert set(app.dataframe[0].value["pickups"]) == {2}
    assert app.dataframe[1].value.iloc[0]["outlets"] == "agence, regional"
    # A search keeps the stories of which more than one copy matches.
    app.text_input(key="search").set_value("Lample").run()
    assert [e.label for e in app.expander][1:] == ["Republished stories (1)"]
    app.text_input(key="search").set_value("analystes").run()  # the wire copy's last words
    assert not app.exception, app.exception
    assert len(app.dataframe[0].value) == 1
    assert not any(e.label.startswith("Republished") for e in app.expander)


def tones_table(app: AppTest) -> Any:
    return next(d.value for d in app.dataframe if "evidence" in d.value.columns)


def test_a_tone_is_corrected_on_coverage(seeded: tuple[Config, str]) -> None:
    app = open_app("app_pages/coverage.py")
    tones = tones_table(app)
    assert "Mistral AI" in set(tones["company"])
    app.selectbox(key="correct_company").set_value("Mistral AI")
    app.selectbox(key="correct_label").set_value("negative")
    app.text_input(key="correct_author").set_value("Claire")
    next(b for b in app.button if b.label == "Save the correction").click().run()
    assert not app.exception, app.exception
    _, url = seeded
    with Store(url) as store:
        (row,) = store.corrections_frame().to_dict("records")
    assert (row["company"], row["label"], row["author"]) == ("Mistral AI", "negative", "Claire")
    app.run()
    tones = tones_table(app).set_index("company")
    assert tones.loc["Mistral AI", "tone"] == "negative"
    assert tones.loc["Mistral AI", "corrected_by"] == "Claire"


def test_topics_page(seeded: tuple[Config, str], write_config: Callable[..., Config]) -> None:
    app = open_app("app_pages/topics.py")
    assert not app.exception, app.exception
    assert app.title[0].value == "Topics"
    assert [c.key for c in app.get("plotly_chart")] == ["topics", "themes_over_time"]
    # The months are named in the interface language, and the sentences behind a bar
    # (shown as data) name the company.
    # Each bar's period named as the overview's axis and a clicked bar's list name it.
    labels = {x for trace in _chart(app, "themes_over_time") for x in trace["x"]}
    assert labels and all(re.fullmatch(r"[A-Z][a-z]{2} 2024", x) for x in labels), labels
    app.selectbox(key="theme_company").set_value("Mistral AI").run()
    app.selectbox(key="theme_topic").set_value("models").run()
    shown = next(d.value for d in app.dataframe if "sentence" in d.value.columns)
    assert len(shown) >= 1 and all("Mistral" in s for s in shown["sentence"])
    # The share of Mistral AI's articles carrying a key message, with its sentence.
    shares = next(d.value for d in app.dataframe if "message" in d.value.columns)
    (row,) = shares[shares["company"] == "Mistral AI"].to_dict("records")
    assert (row["message"], row["articles"]) == ("open models", 1) and "Mistral" in row["sentence"]
    # The seeds are from 2024: "All time" compares the archive's own last 30 days (not the
    # calendar's), which hold too few articles here, and the page says so.
    assert "2024" in " ".join(c.value for c in app.caption)
    assert "Too few articles in this period" in " ".join(i.value for i in app.info)


def test_topics_page_names_months_in_french(
    seeded: tuple[Config, str], write_config: Callable[..., Config]
) -> None:
    config, _ = seeded
    write_config(
        interface_language="fr",
        sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}],
        topics=config.topics,
    )
    app = open_app("app_pages/topics.py")
    assert not app.exception, app.exception
    labels = {x for trace in _chart(app, "themes_over_time") for x in trace["x"]}
    assert labels and all(FRENCH_MONTHS.fullmatch(x) for x in labels), labels
    # The sentences' dates: the day, as French writes it, in the configured zone.
    sentences = next(d for d in app.dataframe if "sentence" in d.value.columns)
    published = json.loads(sentences.proto.columns)["published"]
    assert (published["type_config"]["format"], published["type_config"]["timezone"]) == (
        "DD/MM/YYYY",
        machine_timezone(),
    )
    # A clicked bar's list names its period as the axis does.
    trace = _chart(app, "themes_over_time")[0]
    _click(app, "themes_over_time", trace, 0)
    assert any(f"· {trace['x'][0]}" in c.value for c in app.caption), trace["x"][0]


def test_export_page_offers_the_same_csv_as_the_command(seeded: tuple[Config, str]) -> None:
    config, url = seeded
    app = open_app("app_pages/export.py")
    assert not app.exception, app.exception
    assert app.title[0].value == "Export"
    sink = io.BytesIO()
    with Store(url) as store:
        written = write_csv(COLUMNS["articles"], export_rows(store, Filters(), config), sink)
    assert written.rows > 0
    assert app.text[0].value.startswith(f"{written.rows} rows")
    shown = app.dataframe[0].value
    assert len(shown) == written.rows and list(shown.columns) == COLUMNS["articles"]
    # Nothing is built until asked for; then the download buttons serve the command's CSV,
    # and its manifest carries that CSV's checksum.
    assert not app.get("download_button")
    app.button(key="export_prepare").click().run()
    assert not app.exception, app.exception
    assert len(app.get("download_button")) == 2
    _, served, _ = app.session_state["export_file"]
    assert served.data == sink.getvalue()
    expected = build_export_file(url, Filters(), "articles", ",", config.sha256)
    assert served.data == expected.data

    def undated(manifest: bytes) -> dict[str, object]:
        """A manifest without the moment it was written (the two were built apart)."""
        fields = json.loads(manifest)
        fields.pop("created_at")
        return dict(fields)

    assert undated(served.manifest) == undated(expected.manifest)
    assert json.loads(served.manifest)["csv_sha256"] == written.sha256
    # Other filters or another level: the prepared file is not theirs, no button offers it.
    app.selectbox(key="export_level").set_value("mentions").run()
    assert not app.exception
    assert "spokesperson" in app.dataframe[0].value.columns
    assert not app.get("download_button")


def test_outlets_and_sources_pages(seeded: tuple[Config, str]) -> None:
    app = open_app("app_pages/outlets.py")
    assert not app.exception, app.exception
    outlets = app.dataframe[0].value
    assert ("Mistral AI", "La Tribune") in set(
        zip(outlets["company"], outlets["outlet"], strict=True)
    )
    assert "(unknown)" in set(outlets["outlet"])  # seed 000 names no outlet
    prominence = app.dataframe[2].value.set_index("company")
    assert prominence.loc["Mistral AI", "lead"] >= 1
    # A bar of the outlets chart, the row of the unknown outlet and an author's row each
    # list the articles they count.
    bars = {trace["name"]: trace for trace in _chart(app, "outlets_chart")}
    mistral = bars["Mistral AI"]
    index = list(mistral["y"]).index("La Tribune")
    _click(app, "outlets_chart", mistral, index)
    assert len(_cards(app, "outlet_articles")) == mistral["x"][index] >= 1
    unknown = int(outlets.index[outlets["outlet"] == "(unknown)"][0])
    app.session_state["outlets_chart"] = {
        "selection": {"points": [], "point_indices": [], "box": [], "lasso": []}
    }
    app.session_state["outlets_table"] = {
        "selection": {"rows": [unknown], "columns": [], "cells": []}
    }
    app.run()
    assert len(_cards(app, "outlet_articles")) == outlets.loc[unknown, "articles"] >= 1
    authors = app.dataframe[1].value
    app.session_state["authors_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    assert len(_cards(app, "author_articles")) == authors.loc[0, "articles"] >= 1

    _, url = seeded
    with Store(url) as store:
        store.sync_sources(
            [
                ("Seeds", "files", "seeds"),
                ("Agence", "rss", "http://127.0.0.1/agence.xml"),
                ("Blog", "rss", "http://127.0.0.1/blog.xml"),
            ]
        )
        store.update_source_state("Blog", error="HTTP 503 from the server", consecutive_failures=4)
    app.switch_page("app_pages/sources.py").run()
    assert not app.exception, app.exception
    shown = app.dataframe[0].value
    sources = shown.set_index("name")
    assert sources.loc["Seeds", "health"] == "ok" and sources.loc["Seeds", "articles"] == 2
    assert shown["name"].iloc[0] == "Blog"  # failing first
    assert sources.loc["Agence", "error"] == ""  # an empty cell, never "None"
    app.text_input(key="sources_search").set_value("agence.XML").run()
    assert not app.exception, app.exception
    assert app.dataframe[0].value["name"].tolist() == ["Agence"]


def test_filters_come_from_and_go_to_the_url(seeded: tuple[Config, str]) -> None:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.query_params["company"] = ["Aleph Alpha"]
    app.query_params["outlet"] = ["La Tribune", "Nowhere"]
    app.run()
    assert not app.exception, app.exception
    assert app.multiselect(key="companies").value == ["Aleph Alpha"]
    assert app.multiselect(key="outlets").value == ["La Tribune"]  # unknown values dropped
    # Aleph Alpha is named only in the seed of unknown outlet: nothing left with La Tribune.
    assert "No mentions of the chosen companies" in app.info[0].value
    app.multiselect(key="outlets").set_value([]).run()
    assert {m.label: m.value for m in app.metric}["Articles"] == "1"
    assert app.query_params["company"] in (["Aleph Alpha"], "Aleph Alpha")
    assert "outlet" not in app.query_params


def test_a_bounded_period_lists_undated_articles_apart(seeded: tuple[Config, str]) -> None:
    app = open_app()
    app.selectbox(key="period").set_value("Custom").run()
    app.date_input(key="custom_period").set_value((date(2024, 3, 1), date(2024, 3, 31))).run()
    assert not app.exception, app.exception
    assert {m.label: m.value for m in app.metric}["Articles"] == "1"  # the March 2024 seed
    assert "1 undated (outside any period)" in " ".join(c.value for c in app.caption)
    app.switch_page("app_pages/coverage.py").run()
    assert app.expander[0].label.startswith("Undated articles (1)")
    # A search narrows the undated articles too.
    app.text_input(key="search").set_value("NVIDIA").run()
    assert not app.exception, app.exception
    assert not any(e.label.startswith("Undated") for e in app.expander)
    assert len(app.dataframe[0].value) == 1
    app.text_input(key="search").set_value("colossaux").run()
    assert app.expander[0].label.startswith("Undated articles (1)")
    assert "No article of this view matches" in app.info[0].value


def test_the_interface_speaks_french(
    write_config: Callable[..., Config], seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(
        sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}], interface_language="fr"
    )
    url = f"sqlite:///{config.base_dir / 'data' / 'test.db'}"
    with Store(url) as store:
        collect(config, store)
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    app = open_app()
    assert app.title[0].value == "Vue d'ensemble"
    labels = [m.label for m in app.metric]
    assert "Part de voix (articles) de Mistral AI" in labels and "Positifs / négatifs" in labels
    assert app.sidebar.header[0].value == "Filtres"
    assert app.selectbox(key="period").value == "All time"  # values stay stable in links
    assert set(app.dataframe[0].value["precision"]) == {"non vérifiée"}
    app.switch_page("app_pages/coverage.py").run()
    assert app.title[0].value == "Retombées"
    app.toggle(key="review").set_value(True).run()
    assert [b.label for b in app.button if b.key == "review_right_0"] == ["Juste"]


def test_the_locale_chooses_the_language_when_the_config_does_not(
    write_config: Callable[..., Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(interface_language=None)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert interface_language(config) == "fr"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert interface_language(config) == "en"
    assert interface_language(write_config(interface_language="fr")) == "fr"


def test_a_shorter_period_reads_less_and_keeps_working_with_a_chosen_outlet(
    seeded: tuple[Config, str],
) -> None:
    app = open_app()
    app.multiselect(key="outlets").set_value(["La Tribune"]).run()
    assert not app.exception, app.exception
    # A 7-day view reads only recent, undated and month-dated articles (both seeds are the
    # latter two: tests/test_store_aggregates.py checks what is left out).
    app.selectbox(key="period").set_value("Last 7 days").run()
    assert not app.exception, app.exception
    assert "No mentions" in " ".join(i.value for i in app.info), [i.value for i in app.info]
    app.selectbox(key="period").set_value("All time").run()
    assert not app.exception, app.exception
    assert app.multiselect(key="outlets").options == ["La Tribune"]


def test_recent_coverage_opens_on_the_last_30_days_and_a_link_keeps_its_period(
    seeded: tuple[Config, str],
) -> None:
    config, url = seeded
    recent = Article(
        id=make_article_id("https://journal.example.com/today", "Feed", "today"),
        source="Feed",
        entry_key="today",
        title="Mistral AI ouvre un bureau à Londres",
        text="Mistral AI ouvre un bureau à Londres, annonce la start-up.",
        published=datetime.now(UTC),
        date_precision="datetime",
        language="fr",
    )
    with Store(url) as store:
        store.save_articles([analyse(recent, Matcher(config.companies))])
    app = open_app()
    assert app.selectbox(key="period").value == "Last 30 days"
    assert {m.label: m.value for m in app.metric}["Articles"] == "1"  # the seeds are older
    shared = AppTest.from_file(APP, default_timeout=TIMEOUT)
    shared.query_params["period"] = "All time"
    shared.run()
    assert shared.selectbox(key="period").value == "All time"
    assert {m.label: m.value for m in shared.metric}["Articles"] == "3"


def test_every_page_reads_grouped_rows_only_and_shows_the_oracles_figures(
    write_config: Callable[..., Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No page loads the archive's rows into pandas (the frame readers refuse), and what
    the pages show is what the oracle computes from every row."""

    config = write_config()
    url = f"sqlite:///{config.base_dir / 'data' / 'test.db'}"
    with Store(url) as store:
        store.save_articles(generated_articles())
        store.sync_sources([("Feed", "rss", "http://127.0.0.1/feed.xml")])
        everything = oracle.Frames.from_store(store)
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("a page read the archive's rows into pandas")

    for reader in ("articles_frame", "mentions_frame", "tones_frame", "topics_frame"):
        monkeypatch.setattr(Store, reader, refuse)

    def page_tables(app: AppTest) -> list[Any]:
        texts = [c.value for c in app.caption] + [i.value for i in app.info]
        texts += [t.value for t in app.text] + [e.label for e in app.expander]
        return [d.value.to_dict("list") for d in app.dataframe] + texts

    def with_period(period: str, page: str | None = None) -> AppTest:
        """PAGE (the Overview by default) with the sidebar's period set: the sidebar is
        the same on every page."""
        app = open_app(page)
        app.selectbox(key="period").set_value(period).run()
        assert not app.exception, app.exception
        return app

    # The overview's share of voice for all time, then for two companies in French.
    app = with_period("All time")
    expected = oracle.share_of_voice(everything.articles, everything.mentions)
    shown = app.dataframe[0].value
    assert shown["company"].tolist() == expected["company"].tolist()
    assert shown["articles"].tolist() == expected["articles"].tolist()
    assert shown["stories"].tolist() == expected["stories"].tolist()
    app.multiselect(key="companies").set_value(["OpenAI", "Mistral AI"]).run()
    app.multiselect(key="languages").set_value(["fr"]).run()
    assert not app.exception, app.exception
    chosen = oracle.apply_filters(
        Filters(companies=("OpenAI", "Mistral AI"), languages=("fr",)), everything
    )
    expected = oracle.share_of_voice(chosen.articles, chosen.mentions)
    assert app.dataframe[0].value["mentions"].tolist() == expected["mentions"].tolist()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Articles"] == str(len(set(chosen.mentions["article_id"])))

    outlets = page_tables(with_period("All time", "app_pages/outlets.py"))
    expected_outlets = oracle.top_outlets(everything.articles, everything.mentions, top=10)
    assert outlets[0]["outlet"] == expected_outlets["outlet"].tolist()
    assert outlets[1]["author"]

    # All time: every article listed (undated ones last) and the republished stories;
    # the last 30 days: the undated articles apart.
    # The period chosen on the Overview (not the morning view's default, the last 30 days
    # here) holds on the page a user goes to next.
    carried = with_period("All time")
    carried.switch_page("app_pages/coverage.py").run()
    assert not carried.exception, carried.exception
    assert carried.selectbox(key="period").value == "All time"
    coverage = page_tables(carried)
    assert len(coverage[0]["title"]) == len(set(everything.mentions["article_id"])) == 300
    assert any("Republished stories" in str(part) for part in coverage)
    recent = page_tables(with_period("Last 30 days", "app_pages/coverage.py"))
    assert any("Undated articles (18)" in str(part) for part in recent)

    topics = page_tables(with_period("Last 30 days", "app_pages/topics.py"))
    # The sentences behind the first bar of the themes chart, each naming its company.
    assert topics[0]["sentence"], topics
    # Emerging terms compare the view's last 30 days (from the first day's midnight) with
    # the 30 days before, which lie outside the view's period but not outside the archive.
    caption = next(t for t in topics if isinstance(t, str) and "rose most" in t)
    current, previous = map(int, re.findall(r"\((\d+) articles\)", caption))
    now = datetime.now(UTC)
    about = [
        a.published
        for a in generated_articles()
        if a.published is not None and any(m.company == "Mistral AI" for m in a.mentions)
    ]
    first_day = datetime.combine(now.date() - timedelta(days=29), datetime.min.time(), UTC)
    window = (first_day - timedelta(days=30), first_day)
    assert previous == sum(window[0] <= p < window[1] for p in about) > 5, caption
    assert current > 0, caption

    sources = page_tables(open_app("app_pages/sources.py"))
    assert sources[0]["articles"] == [300]  # all time, whatever the period


def test_the_share_of_voice_shows_each_companys_precision(seeded: tuple[Config, str]) -> None:
    from presswatch.models import MentionKey

    _, url = seeded
    with Store(url) as store:
        mention = store.mentions_frame().query("company == 'Mistral AI'").iloc[0]
        key = MentionKey(
            mention["article_id"],
            "Mistral AI",
            mention["field"],
            int(mention["start"]),
            mention["matched"],
        )
        store.mark_mention(key, "right", "Léa", at=datetime(2026, 12, 1, 10, tzinfo=UTC))
    app = open_app()
    share = app.dataframe[0].value.set_index("company")
    assert share.loc["Mistral AI", "precision"] == "1.00 (0.21–1.00), 1 reviewed, 2026-12-01"
    assert share.loc["OpenAI", "precision"] == "not reviewed"
    mentions = next(m for m in app.metric if m.label == "Mentions")
    # Markdown, escaped (dashboard/render.py): it reads the same.
    assert md("Mistral AI: 1.00 (0.21–1.00), 1 reviewed, 2026-12-01") in mentions.help


def test_the_review_panel_marks_mentions_and_the_figures_follow(
    seeded: tuple[Config, str],
) -> None:
    _, url = seeded
    with Store(url) as store:
        before = store.company_counts(Filters()).set_index("company")["mentions"]
    app = open_app("app_pages/coverage.py")
    assert not any(b.key and b.key.startswith("review_") for b in app.button)  # asked for
    app.toggle(key="review").set_value(True).run()
    assert not app.exception, app.exception
    app.selectbox(key="review_company").set_value("Mistral AI").run()
    assert any("Precision of Mistral AI: not reviewed" in t.value for t in app.text)
    assert any("[[" in t.value and "]]" in t.value for t in app.text)  # the match, marked
    app.button(key="review_wrong_0").click().run()  # no name: nothing saved, and it says why
    assert "Give your name" in app.error[0].value
    with Store(url) as store:
        assert store.mention_reviews_frame().empty
    app.text_input(key="review_author").set_value("Camille").run()
    app.button(key="review_wrong_0").click().run()
    assert not app.exception, app.exception
    with Store(url) as store:
        (mark,) = store.mention_reviews_frame().to_dict("records")
        after = store.company_counts(Filters()).set_index("company")["mentions"]
    assert (mark["verdict"], mark["reviewer"], mark["company"]) == (
        "wrong",
        "Camille",
        "Mistral AI",
    )
    assert after["Mistral AI"] == before["Mistral AI"] - 1
    assert any("Precision of Mistral AI: 0.00 (0.00–0.79), 1 reviewed" in t.value for t in app.text)
    assert any("Marked wrong." in c.value for c in app.caption)
    # The latest verdict wins; a mark can be removed.
    app.button(key="review_right_0").click().run()
    with Store(url) as store:
        assert store.mention_reviews_frame()["verdict"].tolist() == ["right"]
    assert any("1.00 (0.21–1.00), 1 reviewed" in t.value for t in app.text)
    app.button(key="review_remove_0").click().run()
    with Store(url) as store:
        assert store.mention_reviews_frame().empty
    # The overview's share of voice follows a wrong mark at once.
    app.button(key="review_wrong_1").click().run()
    app.switch_page("app_pages/overview.py").run()
    share = app.dataframe[0].value.set_index("company")
    assert share.loc["Mistral AI", "mentions"] == before["Mistral AI"] - 1
    assert share.loc["Mistral AI", "precision"].startswith("0.00 (0.00–0.79), 1 reviewed, ")


def test_the_article_view_says_where_its_date_comes_from() -> None:
    """A collection time is said to be one, never shown as the publication date; a date
    says whether the feed, the page or the file gave it; in English and French."""
    from dashboard.i18n import translate
    from dashboard.render import date_line
    from presswatch.formatting import Formatting

    when = datetime(2026, 11, 22, 9, 5, tzinfo=UTC)

    def english(text: str, /, **values: object) -> str:
        return translate(text, "en", **values)

    def french(text: str, /, **values: object) -> str:
        return translate(text, "fr", **values)

    paris = Formatting("fr", "Europe/Paris")
    collected = date_line(when, "datetime", "first_seen", english)
    assert collected == "Date: unknown, first seen Nov 22, 2026, 9:05:00\u202fAM (UTC)"
    # In French and the configured zone, the zone named: never an ISO timestamp.
    assert date_line(when, "datetime", "first_seen", french, paris) == (
        "Date\u202f: inconnue, vu pour la première fois le 22 nov. 2026, 10:05:00 (Europe/Paris)"
    )
    assert date_line(when, "day", "feed", english) == "Date: Nov 22, 2026 (from the feed)"
    assert date_line(when, "day", "page", french, paris) == (
        "Date\u202f: 22 nov. 2026 (tirée des métadonnées de la page)"
    )
    assert date_line(None, None, None, english) == "Date: unknown"


def test_a_collection_time_shows_as_first_seen_in_the_coverage_page(
    write_config: Callable[..., Config], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config()
    url = f"sqlite:///{tmp_path / 'first_seen.db'}"
    undated = Article(
        id=make_article_id(None, "Feed", "u"),
        source="Feed",
        entry_key="u",
        title="Mistral AI ouvre un bureau",
        text="Mistral AI ouvre un bureau à Lyon.",
        published=datetime(2024, 6, 3, 7, 45, tzinfo=UTC),
        date_precision="datetime",
        date_source="first_seen",
    )
    with Store(url) as store:
        store.save_articles([analyse(undated, Matcher(config.companies))])
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    monkeypatch.setenv("TZ", "UTC")
    app = open_app("app_pages/coverage.py")
    assert not app.exception, app.exception
    assert list(_displayed(app.dataframe[0])["date"]) == ["first seen Jun 3, 2024"]
    # A moment names its time zone (no timezone in this config: the machine's, TZ here).
    shown = "Date: unknown, first seen Jun 3, 2024, 7:45:00\u202fAM (UTC)"
    assert any(shown in t.value for t in app.text)


def test_the_coverage_table_sorts_its_dates_as_dates_and_writes_them_in_french(
    write_config: Callable[..., Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The listing's date column holds the dates (Streamlit sorts a date column by date),
    each shown as far as it is known, in French and in the configured zone: a moment, a
    month, a year, a collection time, none."""
    config = write_config(interface_language="fr", timezone="Europe/Paris")
    url = f"sqlite:///{config.base_dir / 'data' / 'test.db'}"
    generated = generated_articles(60)
    seen = dataclasses.replace(
        generated[1],
        id="seen",
        entry_key="seen",
        title="Vu à la collecte",
        published=datetime(2026, 10, 2, 23, 30, tzinfo=UTC),
        date_precision="datetime",
        date_source="first_seen",
    )
    with Store(url) as store:
        store.save_articles([*generated, seen])
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    app = open_app("app_pages/coverage.py")
    app.selectbox(key="period").set_value("All time").run()
    assert not app.exception, app.exception
    element = next(d for d in app.dataframe if "pickups" in d.value.columns)
    dates, shown = element.value["date"], _displayed(element).set_axis(element.value.index)
    assert isinstance(dates.dtype, pd.DatetimeTZDtype)
    french = Formatting("fr", "Europe/Paris")
    by_title = {a.title: a for a in [*generated, seen]}
    kinds = set()
    for title, date_shown, value in zip(element.value["title"], shown["date"], dates, strict=True):
        article = by_title[title]
        if article.published is None:
            expected, kind = "(non daté)", "undated"
        elif article.date_source == "first_seen":
            # 23:30 UTC on 2 October is 3 October in Paris.
            expected, kind = "vu le 3 oct. 2026", "first seen"
        else:
            expected = french.date(article.published, article.date_precision)
            kind = str(article.date_precision)
        assert date_shown == expected, (title, date_shown)
        assert pd.isna(value) if article.published is None else value == article.published
        kinds.add(kind)
    assert kinds == {"datetime", "month", "year", "first seen", "undated"}
    assert any(
        re.fullmatch(r"\d{1,2} oct\. 2026, [\d:]+ \(Europe/Paris\)", t) for t in shown["date"]
    )
    # By date, not as text: "9 oct." comes before "10 oct.", which text would put first.
    dated = element.value.assign(shown=shown["date"]).dropna(subset=["date"])
    chronological = dated.sort_values("date")["shown"].tolist()
    assert chronological != sorted(chronological)
    column = json.loads(element.proto.columns)["date"]
    assert column["label"] == "Date" and "format" not in column.get("type_config", {})


def test_a_hostile_archive_is_shown_as_text_on_every_page(
    write_config: Callable[..., Config], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outlets, titles, authors and texts that try to become Markdown (Streamlit's colours,
    icons and LaTeX included), plotly markup or reordered text are data in every widget;
    a source's token is masked. The browser test checks the same archive's DOM."""
    config = hostile.hostile_config(write_config)
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    hostile.fill_hostile_archive(config, url)
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    app = open_app()
    metrics = {m.label: m.value for m in app.metric}
    # The top outlet is shown, escaped: the Markdown renders it as the same characters.
    assert metrics["Top outlet"] == "\\[Le Monde\\](https\\:\u200b//evil\\.test/phish)"
    pages = ["overview", "coverage", "topics", "outlets", "sources", "export"]
    seen: dict[str, int] = {}
    for page in pages:
        if page != "overview":
            app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception, (page, app.exception)
        markdown = [
            *(e.value for kind in MARKDOWN_ELEMENTS for e in getattr(app, kind)),
            *(m.label for m in app.metric),
            *(str(m.value) for m in app.metric),
            *(e.label for e in app.expander),
        ]
        for text in markdown:
            # A backslash before a character makes it literal in Markdown (md() escapes).
            assert not any(
                re.search(r"(?<!\\)" + re.escape(bad), text) for bad in hostile.MARKUP
            ), (page, text)
        plain = [
            *(t.value for t in app.text),
            *(o for s in app.selectbox for o in s.options),
            *(o for s in app.multiselect for o in s.options),
            *(str(cell) for d in app.dataframe for cell in d.value.to_numpy().ravel()),
        ]
        for chart in app.get("plotly_chart"):
            strings = hostile.plotly_strings(chart.proto.spec)
            plain += strings
            for text in strings:
                assert "<a " not in text and "<b>" not in text and "<br>Brisé" not in text, text
        for text in markdown + plain:
            assert not any(c in text for c in hostile.BIDI), (page, text)
            assert hostile.SECRET not in text, (page, text)
        seen[page] = len(markdown) + len(plain)
    assert all(seen.values()), seen
    # The data is there, as text: the outlet in the Outlets table, the masked address.
    app.switch_page("app_pages/outlets.py").run()
    assert hostile.PHISH in set(app.dataframe[0].value["outlet"])
    app.switch_page("app_pages/sources.py").run()
    locations = set(app.dataframe[0].value["location"])
    assert any("token=***" in str(location) for location in locations), locations


MARKDOWN_ELEMENTS = [
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "info",
    "warning",
    "error",
    "success",
]


def _chart(app: AppTest, key: str) -> list[dict[str, Any]]:
    """The traces of a plotly chart as Streamlit sends it, their arrays decoded (plotly
    sends numbers as typed base64 arrays)."""
    chart = next(c for c in app.get("plotly_chart") if c.key == key)
    return [_decoded(trace) for trace in json.loads(chart.proto.spec)["data"]]


def _displayed(element: Any) -> pd.DataFrame:
    """A table's cells as the browser shows them: its Styler's display values (the
    interface's number formats), the cells themselves where it has none."""
    import pyarrow

    values = element.proto.arrow_data.styler.display_values
    shown = pyarrow.ipc.open_stream(values).read_all().to_pandas()
    return shown.set_axis(element.value.columns, axis=1)


def _decoded(value: Any) -> Any:
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    if isinstance(value, dict):
        return {k: _decoded(v) for k, v in value.items()}
    return value


def _dated(key: str, outlet: str, title: str, text: str, published: datetime) -> Article:
    return dataclasses.replace(
        article(key, outlet, title, text), published=published, date_precision="day"
    )


@pytest.fixture
def sparse(
    write_config: Callable[..., Config], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Config:
    """Google DeepMind covered in April 2012 and September 2015 only; one September 2015
    piece names Mistral AI 22 times, three others name OpenAI once each."""
    config = write_config()
    url = f"sqlite:///{tmp_path / 'sparse.db'}"
    repeated = " ".join(f"Mistral AI détaille le point numéro {n}." for n in range(22))
    pieces = [
        _dated(
            "dm1",
            "quotidien",
            "Un laboratoire de recherche",
            "Google DeepMind présente ses travaux sur le jeu de go.",
            datetime(2012, 4, 10, 9, tzinfo=UTC),
        ),
        _dated(
            "dm2",
            "hebdo",
            "Un nouveau bureau",
            "Google DeepMind ouvre un bureau dans une grande ville.",
            datetime(2015, 9, 14, 9, tzinfo=UTC),
        ),
        _dated("m1", "economie", "Un long entretien", repeated, datetime(2015, 9, 15, tzinfo=UTC)),
        *(
            _dated(
                f"o{n}",
                f"site{n}",
                f"Une annonce {n}",
                f"OpenAI publie la note technique numéro {n} sur un sujet différent.",
                datetime(2015, 9, 16 + n, 9, tzinfo=UTC),
            )
            for n in range(3)
        ),
    ]
    index, matcher = StoryIndex(), Matcher(config.companies)
    with Store(url) as store:
        store.save_articles(analyse(a, matcher, index) for a in pieces)
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    return config


def test_the_overview_draws_empty_months_at_zero_and_heads_with_articles(
    sparse: Config,
) -> None:
    app = open_app()
    timeline = {trace["name"]: trace for trace in _chart(app, "timeline")}
    deepmind = timeline["Google DeepMind"]
    # April 2012 to September 2015: 42 months, the 40 without coverage at 0, never a line
    # running at the last value across them.
    assert len(deepmind["x"]) == len(deepmind["y"]) == 42
    assert deepmind["y"].count(0) == 40
    assert all(isinstance(y, int) for y in deepmind["y"])
    # A marker only where there is coverage.
    assert [size > 0 for size in deepmind["marker"]["size"]].count(True) == 2
    # The headline share of voice counts articles: 1 of the companies' 6, whatever the 22
    # mentions (the share by mentions, beside it, is above 80%).
    share = app.dataframe[0].value.set_index("company")
    assert share.loc["Mistral AI", "mentions"] >= 20
    metric = next(m for m in app.metric if m.label == "Share of voice (articles) of Mistral AI")
    assert metric.value == "17%"
    # The table's shares are numbers (a click on the header sorts them by value, not as
    # text: "9.5%" after "88.0%"), shown as the interface writes them (Babel).
    assert all(
        pd.api.types.is_float_dtype(share[c])
        for c in ("share_articles", "share_stories", "share_mentions")
    )
    by_mentions = share.loc["Mistral AI", "share_mentions"]
    assert by_mentions > 80
    shown = _displayed(app.dataframe[0]).set_index("company")
    assert shown.loc["Mistral AI", "share_mentions"] == f"{by_mentions:.1f}%"
    assert shown.loc["Mistral AI", "share_articles"] == "16.7%"
    exact = 100 * share.loc["Mistral AI", "mentions"] / share["mentions"].sum()
    assert f"by mentions: {exact:.0f}%" in metric.help
    measures = {trace["name"]: trace for trace in _chart(app, "share_of_voice")}
    assert measures["Mistral AI"]["y"][0] == "By articles"
    assert measures["Mistral AI"]["customdata"][0][:2] == ["1 of 6 articles", "16.7%"]


def test_a_company_has_one_colour_on_every_page(sparse: Config) -> None:
    expected = {name: COMPANY_COLORS[n] for n, name in enumerate(c.name for c in sparse.companies)}

    def colours(app: AppTest, key: str) -> dict[str, str]:
        return {
            trace["name"]: trace["marker"]["color"]
            for trace in _chart(app, key)
            if trace.get("name") in expected
        }

    app = open_app()
    timeline, share = colours(app, "timeline"), colours(app, "share_of_voice")
    app.switch_page("app_pages/outlets.py").run()
    assert not app.exception, app.exception
    outlets = colours(app, "outlets_chart")
    assert set(timeline) == set(outlets) == {"Mistral AI", "OpenAI", "Google DeepMind"}
    for company in timeline:
        assert timeline[company] == share[company] == outlets[company] == expected[company]
    # Choosing one company never repaints it: its colour is its place in the config.
    app.multiselect(key="companies").set_value(["Google DeepMind"]).run()
    assert colours(app, "outlets_chart") == {"Google DeepMind": expected["Google DeepMind"]}


def _click(app: AppTest, key: str, trace: dict[str, Any], index: int) -> None:
    """Select one point of a chart as the browser's click does (Streamlit's event: the
    trace's number in the figure, the point's, its coordinates and customdata)."""
    point = {
        "curve_number": _chart(app, key).index(trace),
        "point_number": index,
        "point_index": index,
        "x": trace["x"][index],
        "y": trace["y"][index],
        "customdata": trace["customdata"][index],
    }
    app.session_state[key] = {
        "selection": {"points": [point], "point_indices": [index], "box": [], "lasso": []}
    }
    app.run()
    assert not app.exception, app.exception


def _cards(app: AppTest, key: str) -> list[str]:
    """The articles listed as cards under a chart: their "Read" buttons' article ids."""
    prefix = f"{key}_read_"
    return [b.key[len(prefix) :] for b in app.button if b.key and b.key.startswith(prefix)]


def test_a_clicked_bar_lists_the_articles_it_counts(sparse: Config) -> None:
    app = open_app()
    timeline = {trace["name"]: trace for trace in _chart(app, "timeline")}
    openai = timeline["OpenAI"]
    # The month of OpenAI's three articles, and a month without any.
    busy = max(range(len(openai["y"])), key=lambda i: openai["customdata"][i][0])
    assert openai["customdata"][busy][0] == 3
    _click(app, "timeline", openai, busy)
    assert len(_cards(app, "timeline_articles")) == 3
    titles = [m.value for m in app.markdown if "Une annonce" in m.value]
    assert sorted(t[: t.index("]") + 1] for t in titles) == [f"[Une annonce {n}]" for n in range(3)]
    assert any(c.value.startswith("3 articles: OpenAI · Sep 2015") for c in app.caption)
    # A card's button opens the article's full text, its mentions marked.
    app.button(key=f"timeline_articles_read_{_cards(app, 'timeline_articles')[0]}").click().run()
    assert not app.exception, app.exception
    full = app.html[0].value
    assert "OpenAI</mark> publie la note technique" in full and "<h3>Une annonce" in full
    empty = openai["y"].index(0)
    _click(app, "timeline", openai, empty)
    assert _cards(app, "timeline_articles") == []
    assert any(c.value.startswith("0 articles: OpenAI") for c in app.caption)
    # A share of voice segment, and a row of its table, list the company's articles.
    share = {trace["name"]: trace for trace in _chart(app, "share_of_voice")}
    _click(app, "share_of_voice", share["Google DeepMind"], 0)
    assert len(_cards(app, "share_articles")) == 2
    app.session_state["share_of_voice"] = {
        "selection": {"points": [], "point_indices": [], "box": [], "lasso": []}
    }
    table = app.dataframe[0].value
    row = table.index[table["company"] == "OpenAI"][0]
    app.session_state["share_table"] = {
        "selection": {"rows": [int(row)], "columns": [], "cells": []}
    }
    app.run()
    assert len(_cards(app, "share_articles")) == int(table.loc[row, "articles"]) == 3


def _listed(app: AppTest) -> int:
    """The count of articles the open list says it holds ("3 articles: OpenAI · ...")."""
    said = [c.value for c in app.caption if "Click elsewhere on the chart" in c.value]
    assert len(said) == 1, said
    return int(said[0].split(" ")[0])


@pytest.mark.slow  # a click is a run of the page: some forty of them
def test_every_chart_of_the_overview_lists_what_each_clicked_point_counts(
    write_config: Callable[..., Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trace carries its group once, a point what varies: a click on a point of the
    timeline (a spike's too), of each tone panel and of the share of voice lists exactly as
    many articles as the point counts, a period without coverage included."""
    config = write_config()
    url = f"sqlite:///{config.base_dir / 'data' / 'test.db'}"
    with Store(url) as store:
        store.save_articles(generated_articles(120))
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    app = open_app()
    app.selectbox(key="period").set_value("All time").run()
    assert not app.exception, app.exception
    timeline = {trace["name"]: trace for trace in _chart(app, "timeline")}
    clicked: dict[str, set[str]] = {"timeline": set(), "tone": set(), "share_of_voice": set()}
    for key in clicked:
        for trace in _chart(app, key):
            counts = [row[0] if isinstance(row, list) else 0 for row in trace["customdata"]]
            busiest = max(range(len(counts)), key=lambda n: counts[n])
            # The busiest point, the last, and a period without coverage.
            points = {busiest, len(counts) - 1, *([counts.index(0)] if 0 in counts else [])}
            for index in sorted(points):
                _click(app, key, trace, index)
                if key == "share_of_voice":  # "12 of 40 articles": the company's articles
                    expected = int(trace["customdata"][0][0].split(" ")[0])
                elif trace["name"] == "Spike":  # the company's articles of that day
                    company = timeline[trace["customdata"][index][0]]
                    day = company["x"].index(trace["x"][index])
                    expected = company["customdata"][day][0]
                elif trace.get("orientation") == "h":  # the tone totals: a count per company
                    expected = trace["x"][index]
                else:  # articles of the period (and tone), or the period's total when too few
                    expected = counts[index]
                assert _listed(app) == expected, (key, trace["name"], index)
                clicked[key].add(trace["name"])
        app.session_state[key] = {
            "selection": {"points": [], "point_indices": [], "box": [], "lasso": []}
        }
        app.run()
    named = {"Mistral AI", "OpenAI", "Aleph Alpha"}  # the generated articles' companies
    assert clicked["timeline"] == {"Spike", *named} and clicked["share_of_voice"] == named
    assert {"positive", "negative", "neutral", "Too few articles"} <= clicked["tone"]


def test_a_card_links_only_to_web_addresses_and_marks_text_as_data() -> None:
    link = markdown_link("Un [titre](x)", "https://example.com/a b(c)")
    assert link == f"[{md('Un [titre](x)')}](https://example.com/a%20b%28c%29)"
    for hostile_url in ("javascript:alert(1)", "data:text/html,x", None, "//example.com"):
        assert markdown_link("Titre", hostile_url) == "Titre"
    marked = marked_sentence("Selon **Mistral AI**, :red[oui].", [(8, 18)], "blue")
    assert marked == (md("Selon **") + "**:blue-background[Mistral AI]**" + md("**, :red[oui]."))


def test_a_figure_is_drawn_once_per_set_of_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rerun with the same inputs gets the figure already drawn; any input that changes
    (a frame's cell, the unit, the language, a colour) draws it again; few are kept."""
    from collections import OrderedDict

    import plotly.graph_objects as go

    from dashboard import charts
    from dashboard.charts import KEPT_FIGURES, drawn_once

    # The process's kept figures (other tests' pages) are not this test's.
    monkeypatch.setattr(charts, "_kept", OrderedDict())

    drawn: list[str] = []

    def build(frame: pd.DataFrame, unit: str, *, t: Any, colors: dict[str, str]) -> go.Figure:
        drawn.append(unit)
        return go.Figure(go.Bar(x=frame["x"], name=t(unit), marker_color=colors["A"]))

    def english(text: str, /, **values: object) -> str:
        return text

    def draw(
        frame: pd.DataFrame, unit: str = "day", language: str = "en", colour: str = "red"
    ) -> go.Figure:
        return drawn_once(build, frame, unit, t=english, language=language, colors={"A": colour})

    frame = pd.DataFrame({"x": ["a", "b"]})
    first = draw(frame)
    assert draw(frame.copy()) is first and len(drawn) == 1
    changed = [
        draw(frame.assign(x=["a", "c"])),
        draw(frame, unit="week"),
        draw(frame, language="fr"),
        draw(frame, colour="blue"),
    ]
    assert len(drawn) == 5 and all(figure is not first for figure in changed)
    for n in range(KEPT_FIGURES):
        draw(frame, unit=f"unit {n}")
    assert draw(frame) is not first  # pushed out by newer ones: drawn again
    assert len(charts._kept) == KEPT_FIGURES
    # An input that cannot be compared is drawn every time.
    before = len(drawn)
    for _ in range(2):
        drawn_once(build, frame, "day", t=english, language="en", colors=_Unpicklable())
    assert len(drawn) == before + 2


class _Unpicklable(dict[str, str]):
    def __init__(self) -> None:
        super().__init__(A="red")

    def __reduce__(self) -> Any:
        raise TypeError("not comparable")


def test_cards_and_drilled_periods_are_written_in_the_readers_locale_and_zone() -> None:
    """A card's date and a drilled period's name come from Formatting: the interface
    language's names, and a dated moment's day in the configured time zone."""
    paris = Formatting("fr", "Europe/Paris")
    # 22:30 UTC on 25 July is already 26 July in Paris.
    assert article_date(pd.Timestamp("2024-07-25 22:30"), "datetime", paris) == "26 juil. 2024"
    assert article_date(pd.Timestamp("2024-07-25 22:30"), "datetime", Formatting()) == (
        "Jul 25, 2024"
    )
    assert article_date(pd.Timestamp("2024-02-01"), "month", paris) == "févr. 2024"
    assert article_date(pd.Timestamp("2024-02-01"), "year", paris) == "2024"
    assert article_date(None, "day", paris) == ""
    assert period_name(pd.Timestamp("2024-02-01"), "month", paris) == "févr. 2024"
    assert period_name(pd.Timestamp("2024-02-05"), "week", Formatting()) == "Feb 5, 2024"


def test_a_clicked_theme_lists_the_articles_it_counts(seeded: tuple[Config, str]) -> None:
    app = open_app("app_pages/topics.py")
    assert not app.exception, app.exception
    clicked = 0
    for key, cards in (("topics", "topic_articles"), ("themes_over_time", "theme_articles")):
        for trace in _chart(app, key):
            counts = trace["x"] if key == "topics" else trace["y"]
            for index, count in enumerate(counts):
                _click(app, key, trace, index)
                assert len(_cards(app, cards)) == count, (key, trace["name"], index)
                if key == "themes_over_time":
                    # The list names the period as the bar's axis does ("Feb 2024").
                    assert any(f"· {trace['x'][index]}" in c.value for c in app.caption)
                clicked += 1
        app.session_state[key] = {
            "selection": {"points": [], "point_indices": [], "box": [], "lasso": []}
        }
    assert clicked >= 3


def test_the_cards_come_a_page_at_a_time(
    write_config: Callable[..., Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config()
    url = f"sqlite:///{config.base_dir / 'data' / 'test.db'}"
    with Store(url) as store:
        store.save_articles(generated_articles(60))
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    app = open_app("app_pages/coverage.py")
    app.selectbox(key="period").set_value("All time").run()
    assert not app.exception, app.exception
    first = _cards(app, "coverage")
    assert len(first) == 20
    listed = len(app.dataframe[0].value)
    app.number_input(key="coverage_page").set_value(3).run()
    assert not app.exception, app.exception
    third = _cards(app, "coverage")
    assert len(third) == listed - 40 > 0 and not set(first) & set(third)
    assert any(c.value == f"Articles 41 to {listed} of {listed}" for c in app.caption)


# English that a French page must not show: words of the interface, English month names
# before a year, a decimal point in a percentage, an ISO timestamp.
ENGLISH_ON_A_FRENCH_PAGE = [
    # ("positive" is French too.)
    re.compile(r"\b(unknown|Unknown|negative|neutral|failing|disabled|Prepared|Share of)\b"),
    re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b"),
    re.compile(r"\d\.\d+ ?%"),
    re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
    re.compile(r"(?<!\()UTC"),
]
# What a chart shows a reader: labels, texts, hovers, titles (not its coordinates, trace
# types or legend groups).
SHOWN_CHART_KEYS = {"text", "ticktext", "hovertemplate", "name", "customdata", "title"}


def _shown_in_chart(node: Any, shown: bool = False) -> list[str]:
    if isinstance(node, str):
        # A point's drill (the last customdata value, JSON) is what a click lists, never
        # shown: no hover template reads it.
        is_drill = node.startswith("{") and Drill.from_key(node) is not None
        return [node] if shown and not is_drill else []
    if isinstance(node, dict):
        return [
            s for k, v in node.items() for s in _shown_in_chart(v, shown or k in SHOWN_CHART_KEYS)
        ]
    if isinstance(node, list):
        return [s for item in node for s in _shown_in_chart(item, shown)]
    return []


FRENCH_MONTHS = re.compile(
    r"\b(janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4}\b"
)


def test_the_french_pages_show_no_english_and_name_months_in_french(
    write_config: Callable[..., Config], seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every text a French page shows (widgets, tables' text, charts' labels and hovers)
    is French: Babel's month names and decimal commas, times in the configured zone."""
    config = write_config(
        sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}],
        topics={"funding": ["levée de fonds", "lever des fonds"]},
        interface_language="fr",
        timezone="Europe/Paris",
    )
    url = f"sqlite:///{config.base_dir / 'data' / 'test.db'}"
    with Store(url) as store:
        collect(config, store)
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    app = open_app()
    months: set[str] = set()
    for page in ["overview", "coverage", "topics", "outlets", "sources", "export"]:
        if page != "overview":
            app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception, (page, app.exception)
        if page == "export":
            # The French spreadsheet mode by default, the filters in words, not JSON.
            assert app.selectbox(key="export_locale").value == "fr"
            assert any("filtres\u202f: aucun (tous les articles)" in t.value for t in app.text)
            assert "score_tonalité" in app.dataframe[0].value.columns
            app.button(key="export_prepare").click().run()
            _, served, _ = app.session_state["export_file"]
            assert served.data.decode("utf-8-sig").startswith("date;précision_date;")
        shown = [
            *(e.value for kind in MARKDOWN_ELEMENTS for e in getattr(app, kind)),
            *(m.label for m in app.metric),
            *(str(m.value) for m in app.metric),
            *(t.value for t in app.text),
            *(
                str(cell)
                for d in app.dataframe
                for column in d.value.columns
                if d.value[column].dtype == object
                for cell in d.value[column]
            ),
            # Numbers as the tables show them ("16,7 %").
            *(
                str(cell)
                for d in app.dataframe
                if d.proto.arrow_data.styler.display_values
                for cell in _displayed(d).to_numpy().ravel()
            ),
        ]
        for chart in app.get("plotly_chart"):
            strings = _shown_in_chart(json.loads(chart.proto.spec))
            shown += strings
            months |= {m.group(0) for s in strings for m in FRENCH_MONTHS.finditer(s)}
        for text in shown:
            for english in ENGLISH_ON_A_FRENCH_PAGE:
                assert not english.search(text), (page, english.pattern, text)
    # The seeds are dated: the timelines' axes name their months in French.
    assert months, "no French month name on any chart"


def test_french_tables_sort_numbers_by_value_and_write_them_in_french(
    write_config: Callable[..., Config], seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The share of voice table and an article's tone scores are numbers (sorted by value),
    shown in French; the sidebar's count of articles waiting for analysis is grouped in
    French."""
    config = write_config(
        sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}], interface_language="fr"
    )
    url = f"sqlite:///{config.base_dir / 'data' / 'test.db'}"
    with Store(url) as store:
        collect(config, store)
        store.save_articles(generated_articles(1234), queue=True)
        assert store.count_pending_analysis() == 1234
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    app = open_app()
    waiting = [c.value for c in app.sidebar.caption if "1" in c.value]
    assert any("1\u202f234" in c for c in waiting), waiting
    assert not any("1,234" in c for c in waiting), waiting
    # The queued articles are recent: the seeds, from 2024, are in "All time".
    app.selectbox(key="period").set_value("All time").run()
    share = app.dataframe[0]
    assert pd.api.types.is_float_dtype(share.value["share_articles"])
    shown = _displayed(share)
    for value, text in zip(share.value["share_articles"], shown["share_articles"], strict=True):
        assert text == Formatting("fr").percent(value, 1) and text.endswith("\u00a0%"), text
    app.switch_page("app_pages/coverage.py").run()
    assert not app.exception, app.exception
    tones = next(d for d in app.dataframe if "evidence" in d.value.columns)
    assert pd.api.types.is_float_dtype(tones.value["tone_score"])
    scores = _displayed(tones)["tone_score"]
    assert all(re.fullmatch(r"[+-]\d,\d\d", text) for text in scores), list(scores)
    # Nobody corrected these tones: the cells are empty, not "None".
    assert tones.value["corrected_by"].isna().all()
    assert set(_displayed(tones)["corrected_by"]) == {""}
