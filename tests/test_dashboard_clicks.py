"""Every number is one click from its articles: the overview's cards, Prominence, key
messages, republished stories, undated articles and the Sources counts, with AppTest over
a real store. Each list is checked against the articles the number counts, as pandas (the
oracle) or the store's own tables say, never against ids written here."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from dashboard.articles import PLACES
from dashboard.i18n import FRENCH
from presswatch.analysis.analyzer import analyse
from presswatch.analysis.matching import Matcher
from presswatch.analysis.stories import StoryIndex
from presswatch.analytics import PLACEABLE, company_tones
from presswatch.config import Config
from presswatch.models import UNKNOWN_OUTLET, Article, CompanyTone, Filters
from presswatch.store import Store
from presswatch.store.schema import article_sources_table, messages_table
from tests import hostile, oracle, test_dashboard
from tests.conftest import COMPANIES
from tests.test_dashboard import MARKDOWN_ELEMENTS, SEEDED_SETTINGS, _cards, open_app
from tests.test_stories import PICKUP, WIRE, article

# The seeded copy of tests/test_dashboard.py (fixtures register under their own names);
# the archive it copies is conftest's, shared by both modules.
seeded = test_dashboard.seeded

# "3 articles: Mistral AI · La Tribune. Choose another row to change the list."
LISTED = re.compile(r"^(\d+) articles?: (.*)\. (?:Click|Choose) ")


def _listed(app: AppTest) -> tuple[int, str]:
    """The one open list's count of articles and what it says it counts."""
    found = [m for c in app.caption if (m := LISTED.match(c.value))]
    assert len(found) == 1, [c.value for c in app.caption]
    return int(found[0].group(1)), found[0].group(2)


def _select(app: AppTest, key: str, rows: list[int], cells: list[Any] | None = None) -> None:
    """Select a table's row (or cell) as the browser's click does."""
    app.session_state[key] = {"selection": {"rows": rows, "columns": [], "cells": cells or []}}
    app.run()
    assert not app.exception, app.exception


def dated(piece: Article, published: datetime) -> Article:
    """The article published then, to the second."""
    return dataclasses.replace(piece, published=published, date_precision="datetime")


def _frames(url: str) -> oracle.Frames:
    """Every stored row, in pandas, under the view's filters (all time, every company)."""
    with Store(url) as store:
        everything = oracle.Frames.from_store(store)
    names = tuple(sorted(set(everything.mentions["company"])))
    return oracle.apply_filters(Filters(companies=names), everything)


def test_each_overview_card_lists_the_articles_it_counts(seeded: tuple[Config, str]) -> None:
    _, url = seeded
    with Store(url) as store:  # a person's correction: the tone card counts it
        first = store.articles_frame()["id"].iloc[0]
        store.add_correction(first, "negative", "Claire", company="Mistral AI")
    frames = _frames(url)
    app = open_app()
    app.selectbox(key="period").set_value("All time").run()
    assert not app.exception, app.exception
    shown = {m.label: m.value for m in app.metric}
    mentioned = set(frames.mentions["article_id"])
    mistral = frames.mentions[frames.mentions["company"] == "Mistral AI"]
    tones = company_tones(frames.tones, frames.corrections)
    toned = tones[(tones["company"] == "Mistral AI") & tones["tone"].isin(["positive", "negative"])]
    # The card names the first known outlet of the tracked company's top outlets.
    outlets = oracle.top_outlets(frames.articles, mistral)
    top = outlets[outlets["outlet"] != UNKNOWN_OUTLET].iloc[0]
    assert shown["Top outlet"] == top["outlet"]
    outlet_of = dict(zip(frames.articles["id"], frames.articles["outlet"], strict=True))
    expected = {
        "articles": mentioned,
        "mentions": mentioned,
        "share": set(mistral["article_id"]),
        "tone": set(toned["article_id"]),
        "outlet": {a for a in mistral["article_id"] if outlet_of[a] == top["outlet"]},
    }
    assert int(shown["Articles"]) == len(mentioned)
    assert expected["tone"] and first in expected["tone"]
    without_outlet = set(frames.articles.loc[frames.articles["outlet"].isna(), "id"])
    assert without_outlet & mentioned  # a seed has no outlet: its card says so
    for card, articles in expected.items():
        app.button(key=f"card_{card}").click().run()
        assert not app.exception, app.exception
        count, _ = _listed(app)
        assert count == len(articles), card
        assert set(_cards(app, "card_articles")) == articles, card
        sources = [c.value.split(" · ")[0] for c in app.caption if " · " in c.value]
        assert "nan" not in sources, card
        assert sources.count("(unknown outlet)") >= min(len(without_outlet & articles), 1), card
    # What the timeline cannot place: the articles known to the month, the undated.
    notes = next(c.value for c in app.caption if c.value.startswith("Not on this chart"))
    precision = {
        a: p if isinstance(p, str) else "undated"
        for a, p in zip(frames.articles["id"], frames.articles["date_precision"], strict=True)
    }
    relevant = frames.articles[frames.articles["id"].isin(mentioned)]
    placed = PLACEABLE[oracle.choose_frequency(relevant)]
    unplaced: dict[str, set[str]] = {}
    for article_id in mentioned:
        if precision[article_id] not in placed:
            unplaced.setdefault(precision[article_id], set()).add(article_id)
    assert "undated" in unplaced  # a seed has no date
    buttons = {b.key for b in app.button if b.key and b.key.startswith("card_unplaced_")}
    assert buttons == {f"card_unplaced_{kind}" for kind in unplaced}
    for kind, articles in unplaced.items():
        app.button(key=f"card_unplaced_{kind}").click().run()
        assert not app.exception, app.exception
        count, what = _listed(app)
        assert count == len(articles) and set(_cards(app, "unplaced_articles")) == articles
        assert what.startswith("not on the chart") and f"{count} " in notes
    # The open card's button closes its list.
    app.button(key=f"card_unplaced_{kind}").click().run()
    assert not any(LISTED.match(c.value) for c in app.caption)
    assert _cards(app, "card_articles") == []


def test_the_tracked_companys_cards_list_nothing_when_the_view_leaves_it_out(
    seeded: tuple[Config, str],
) -> None:
    """The share and tone cards count the tracked company as far as the view's companies
    go: a view of its competitors only shows 0 and lists no article behind it."""
    app = open_app()
    app.selectbox(key="period").set_value("All time").run()
    app.multiselect(key="companies").set_value(["OpenAI", "Anthropic"]).run()
    assert not app.exception, app.exception
    for card in ("share", "tone"):
        app.button(key=f"card_{card}").click().run()
        assert not app.exception, app.exception
        assert _cards(app, "card_articles") == [], card
        assert not any(
            m and int(m.group(1)) > 0 for c in app.caption if (m := LISTED.match(c.value))
        )


def test_the_cards_of_two_tracked_companies_count_each_article_once(
    write_config: Callable[..., Config], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two tracked companies: an article with a tone towards both counts once on the tone
    card, as its list lists it, and the top outlet is the one with most articles naming
    either, each once (not the top of one of them, nor a sum counting an article twice)."""
    companies = [
        {**company, "role": "tracked"} if company["name"] == "OpenAI" else company
        for company in COMPANIES
    ]
    config = write_config(companies=companies)
    assert [c.name for c in config.tracked] == ["Mistral AI", "OpenAI"]
    url = f"sqlite:///{tmp_path / 'two.db'}"
    index, matcher = StoryIndex(), Matcher(config.companies)
    both = "Mistral AI et OpenAI publient chacun un modèle."
    pieces = [  # key, outlet, text, each company's tone
        ("1", "journal", both, {"Mistral AI": "positive", "OpenAI": "negative"}),
        (
            "2",
            "journal",
            both + " Deux annonces.",
            {"Mistral AI": "positive", "OpenAI": "positive"},
        ),
        ("3", "gazette", "Mistral AI recrute.", {"Mistral AI": "positive"}),
        ("4", "gazette", "OpenAI ouvre un bureau.", {"OpenAI": "neutral"}),
        ("5", "gazette", "OpenAI change de direction.", {"OpenAI": "neutral"}),
        ("6", "revue", "Google DeepMind publie un article.", {"Google DeepMind": "positive"}),
    ]
    published = datetime.now(UTC) - timedelta(days=400)
    made = {
        key: dated(article(key, outlet, f"Article {key}", text), published)
        for key, outlet, text, _ in pieces
    }
    with Store(url) as store:
        store.save_articles(
            dataclasses.replace(
                analyse(made[key], matcher, index),
                company_tones=tuple(CompanyTone(c, 0.0, t, "") for c, t in tones.items()),
            )
            for key, _, _, tones in pieces
        )
        # A person's correction wins: article 3 was positive to the model.
        store.add_correction(made["3"].id, "negative", "Claire", company="Mistral AI")
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    frames = _frames(url)
    tracked = ["Mistral AI", "OpenAI"]
    tones = company_tones(frames.tones, frames.corrections)
    own = tones[tones["company"].isin(tracked)]
    positive = set(own.loc[own["tone"] == "positive", "article_id"])
    negative = set(own.loc[own["tone"] == "negative", "article_id"])
    # One article per company would say 3 positive of 6: the card must not.
    assert (own["tone"] == "positive").sum() > len(positive) and len(own) > own[
        "article_id"
    ].nunique()
    mine = frames.mentions[frames.mentions["company"].isin(tracked)]
    outlet_of = dict(zip(frames.articles["id"], frames.articles["outlet"], strict=True))
    per_outlet: dict[str, set[str]] = {}
    for article_id in mine["article_id"]:
        per_outlet.setdefault(outlet_of[article_id], set()).add(article_id)
    top = min(per_outlet, key=lambda name: (-len(per_outlet[name]), name))
    # Mistral AI's own top outlet (and a sum counting article 1 twice) is another one.
    mistral = mine[mine["company"] == "Mistral AI"]
    assert oracle.top_outlets(frames.articles, mistral).iloc[0]["outlet"] != top

    app = open_app()
    app.selectbox(key="period").set_value("All time").run()
    assert not app.exception, app.exception
    cards = {m.label: m for m in app.metric}
    tone = cards["Positive / negative"]
    assert tone.help.startswith(
        f"{len(positive)} positive and {len(negative)} negative of "
        f"{own['article_id'].nunique()} articles with a tone towards Mistral AI, OpenAI, each "
        "article once (articles positive towards one and negative towards another, counted "
        f"in both: {len(positive & negative)};"
    ), tone.help
    assert tone.value == (
        f"{100 * len(positive) / own['article_id'].nunique():.0f}% / "
        f"{100 * len(negative) / own['article_id'].nunique():.0f}%"
    )
    app.button(key="card_tone").click().run()
    assert not app.exception, app.exception
    count, _ = _listed(app)
    # The list is the positive and the negative articles, each once: an article positive
    # towards one and negative towards the other is in both counts, listed once.
    assert set(_cards(app, "card_articles")) == positive | negative
    assert count == len(positive) + len(negative) - len(positive & negative) == 3
    assert cards["Top outlet"].value == top
    assert cards["Top outlet"].help.startswith(f"{len(per_outlet[top])} articles about ")
    app.button(key="card_outlet").click().run()
    assert not app.exception, app.exception
    count, what = _listed(app)
    assert count == len(per_outlet[top]) and set(_cards(app, "card_articles")) == per_outlet[top]
    assert what == f"Mistral AI, OpenAI · {top}"


def test_a_prominence_count_lists_the_articles_of_those_mentions(
    seeded: tuple[Config, str],
) -> None:
    _, url = seeded
    frames = _frames(url)
    app = open_app("app_pages/outlets.py")
    app.selectbox(key="period").set_value("All time").run()
    assert not app.exception, app.exception
    table = next(
        d.value for d in app.dataframe if list(d.value.columns)[1:] == ["title", "lead", "body"]
    )
    clicked = 0
    for row, company in enumerate(table["company"]):
        mine = frames.mentions[frames.mentions["company"] == company]
        for place in ("title", "lead", "body"):
            _select(app, "prominence_table", [], [(row, place)])
            count, what = _listed(app)
            behind = set(mine.loc[mine["prominence"] == place, "article_id"])
            # The cell counts mentions; the list, the articles that carry them.
            assert (int(table.loc[row, place]) > 0) == bool(behind)
            assert count == len(behind) and set(_cards(app, "prominence_articles")) == behind
            assert what == f"{company} · mentioned in the {place}"
            clicked += 1
        _select(app, "prominence_table", [row])
        assert set(_cards(app, "prominence_articles")) == set(mine["article_id"])
    assert clicked >= 6


def test_a_key_message_row_lists_the_articles_that_carry_it(seeded: tuple[Config, str]) -> None:
    _, url = seeded
    app = open_app("app_pages/topics.py")
    app.selectbox(key="period").set_value("All time").run()
    assert not app.exception, app.exception
    shares = next(d.value for d in app.dataframe if "message" in d.value.columns)
    assert len(shares) >= 1
    m = messages_table.c
    with Store(url) as store, store.engine.connect() as conn:
        for row, (company, message) in enumerate(
            zip(shares["company"], shares["message"], strict=True)
        ):
            carried = {
                r.article_id
                for r in conn.execute(
                    sa.select(m.article_id).where(m.company == company, m.message == message)
                )
            }
            _select(app, "messages_table", [row])
            count, what = _listed(app)
            assert count == shares.loc[row, "articles"] == len(carried) >= 1
            assert set(_cards(app, "message_articles")) == carried
            assert what == f"{company} · {message}"


def test_sources_counts_list_the_articles_each_source_found(seeded: tuple[Config, str]) -> None:
    _, url = seeded
    app = open_app("app_pages/sources.py")
    assert not app.exception, app.exception
    sources = app.dataframe[0].value
    links = article_sources_table.c
    for row, name in enumerate(sources["name"]):
        with Store(url) as store, store.engine.connect() as conn:
            found = {
                r.article_id
                for r in conn.execute(sa.select(links.article_id).where(links.source == name))
            }
        _select(app, "sources_table", [row])
        count, what = _listed(app)
        assert count == sources.loc[row, "articles"] == len(found) >= 1
        assert set(_cards(app, "source_articles")) == found
        assert what == f"found by {name}, all time"


def test_a_republished_story_lists_its_copies_and_an_undated_row_opens_its_article(
    write_config: Callable[..., Config], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config()
    url = f"sqlite:///{tmp_path / 'stories.db'}"
    index, matcher = StoryIndex(), Matcher(config.companies)
    undated = article("3", "blog", "Un billet sans date sur Mistral AI", "Mistral AI recrute.")
    # The story's copies are of yesterday: in the last 7 days, which leave the undated apart.
    yesterday = datetime.now(UTC) - timedelta(days=1)
    with Store(url) as store:
        store.save_articles(
            analyse(a, matcher, index)
            for a in [
                dated(article("1", "agence", "Mistral AI lève 600 millions", WIRE), yesterday),
                dated(article("2", "regional", "Levée record pour Mistral AI", PICKUP), yesterday),
                undated,
            ]
        )
        articles = store.articles_frame()
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    app = open_app("app_pages/coverage.py")
    app.selectbox(key="period").set_value("All time").run()
    assert not app.exception, app.exception
    stories = next(
        d.value
        for d in app.dataframe
        if "pickups" in d.value.columns and "outlets" in d.value.columns
    )
    _select(app, "republished_table", [0])
    count, what = _listed(app)
    copies = articles.groupby("story_id")["id"].apply(set)
    (story,) = [ids for ids in copies if len(ids) > 1]
    assert count == stories.loc[0, "pickups"] == len(story) == 2
    assert set(_cards(app, "story_articles")) == story
    assert what.startswith("the copies of the story ")
    # The search narrows a story's copies as it narrows its pickups.
    app.text_input(key="search").set_value("Lample").run()
    assert not app.exception, app.exception
    _select(app, "republished_table", [0])
    assert _listed(app)[0] == 2

    # A bounded period leaves the undated article apart; its row opens its full text.
    app.text_input(key="search").set_value("").run()
    app.selectbox(key="period").set_value("Last 7 days").run()
    assert not app.exception, app.exception
    table = next(d for d in app.dataframe if d.key == "undated_table")
    row = list(table.value["title"]).index(undated.title)
    assert "Un billet sans date" not in app.html[0].value  # the newest dated one, first
    app.session_state["undated_table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    app.run()
    assert not app.exception, app.exception
    assert "<h3>Un billet sans date sur <mark" in app.html[0].value
    # A card's button chooses another article: the row seen before no longer wins.
    read = next(b for b in app.button if b.key and b.key.startswith("coverage_read_"))
    read.click().run()
    assert not app.exception, app.exception
    assert "Un billet sans date" not in app.html[0].value


def test_the_lists_speak_the_interface_language(
    seeded: tuple[Config, str], write_config: Callable[..., Config]
) -> None:
    """The places a list names are in the translation table, and a list
    opened in French says so in French."""
    for text in PLACES.values():
        assert text in FRENCH, text
    write_config(**SEEDED_SETTINGS, interface_language="fr")
    app = open_app()
    app.button(key="card_share").click().run()
    assert not app.exception, app.exception
    said = [c.value for c in app.caption if "Cliquez à nouveau sur le bouton" in c.value]
    assert len(said) == 1 and said[0].startswith(("1 article\u202f: ", "2 articles\u202f: ")), said
    assert next(b for b in app.button if b.key == "card_share").label == "Les articles"


def _no_markup(app: AppTest, where: str) -> int:
    """Every Markdown text of the page shows hostile values literally; how many there are."""
    texts = [
        *(e.value for kind in MARKDOWN_ELEMENTS for e in getattr(app, kind)),
        *(b.label for b in app.button),
    ]
    for text in texts:
        assert not any(re.search(r"(?<!\\)" + re.escape(bad), text) for bad in hostile.MARKUP), (
            where,
            text,
        )
        assert not any(c in text for c in hostile.BIDI), (where, text)
    return len(texts)


def test_the_lists_of_a_hostile_archive_show_its_text_as_data(
    write_config: Callable[..., Config], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a list says it counts names outlets, stories and sources from the data: they
    are shown literally, as the cards are."""
    config = hostile.hostile_config(write_config)
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    hostile.fill_hostile_archive(config, url)
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    app = open_app()
    app.selectbox(key="period").set_value("All time").run()
    app.button(key="card_outlet").click().run()
    assert not app.exception, app.exception
    count, what = _listed(app)
    assert count >= 1 and "evil" in what
    _no_markup(app, "overview")
    app.switch_page("app_pages/outlets.py").run()
    _select(app, "prominence_table", [], [(0, "body")])
    _listed(app)
    _no_markup(app, "outlets")
    app.switch_page("app_pages/sources.py").run()
    _select(app, "sources_table", [0])
    _listed(app)
    _no_markup(app, "sources")


def test_an_undated_row_opens_its_article_when_the_period_lists_no_other(
    write_config: Callable[..., Config], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config()
    url = f"sqlite:///{tmp_path / 'undated.db'}"
    index, matcher = StoryIndex(), Matcher(config.companies)
    undated = article("3", "blog", "Un billet sans date sur Mistral AI", "Mistral AI recrute.")
    old = dated(
        article("1", "agence", "Un ancien article", "Mistral AI lève des fonds."),
        datetime(2020, 1, 6, tzinfo=UTC),
    )
    german = dataclasses.replace(
        article("2", "zeitung", "Mistral AI sammelt Geld ein", "Mistral AI sammelt Geld ein."),
        language="de",
    )
    with Store(url) as store:
        store.save_articles(
            analyse(dataclasses.replace(a, language=a.language or "fr"), matcher, index)
            for a in [old, undated, german]
        )
        store.set_figure_languages(["fr"])
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    app = open_app("app_pages/coverage.py")
    app.selectbox(key="period").set_value("Last 7 days").run()
    assert not app.exception, app.exception
    assert "No articles mention the chosen companies" in app.info[0].value
    assert not app.html
    _select(app, "undated_table", [0])
    assert "<h3>Un billet sans date sur <mark" in app.html[0].value
    # Once per choice: a rerun (another widget, a closed dialog) does not open it again.
    app.run()
    assert not app.exception, app.exception
    assert not app.html
    # Another table's row then opens its article alone: one dialog per run.
    _select(app, "other_languages_table", [0])
    assert (
        [h.value for h in app.html if "<h3>" in h.value]
        == [h.value for h in app.html if "sammelt Geld ein" in h.value and "<h3>" in h.value]
        != []
    )


def test_a_row_of_the_other_languages_opens_its_article(
    write_config: Callable[..., Config], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The articles in a language the figures leave out are counted in their expander's
    label: a row opens the article's text."""
    config = write_config()
    url = f"sqlite:///{tmp_path / 'languages.db'}"
    index, matcher = StoryIndex(), Matcher(config.companies)
    french = article("1", "journal", "Mistral AI lève des fonds", "Mistral AI lève des fonds.")
    german = dataclasses.replace(
        article("2", "zeitung", "Mistral AI sammelt Geld ein", "Mistral AI sammelt Geld ein."),
        language="de",
    )
    with Store(url) as store:
        store.save_articles(
            analyse(dataclasses.replace(a, language=a.language or "fr"), matcher, index)
            for a in [french, german]
        )
        store.set_figure_languages(["fr"])
        listed = store.other_language_articles()
    assert [a["title"] for a in listed] == [german.title]
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    app = open_app("app_pages/coverage.py")
    assert not app.exception, app.exception
    assert any(e.label.startswith("Articles in other languages (1)") for e in app.expander)
    assert not any("sammelt" in h.value for h in app.html)
    _select(app, "other_languages_table", [0])
    assert any("<h3><mark" in h.value and "sammelt Geld ein" in h.value for h in app.html)
