"""`presswatch report`: the dashboard's figures for a period, in French and English, as
HTML, Markdown and PowerPoint, with article text as data in every format."""

from __future__ import annotations

import ast
import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from pptx import Presentation

from presswatch import analytics, overview, untrusted
from presswatch.analysis.analyzer import Analyzer
from presswatch.analysis.nlp.sentiment import VaderBackend
from presswatch.cli import main
from presswatch.config import Config
from presswatch.models import Article, CompanyTone, Filters, Mention, MentionKey
from presswatch.report import (
    FRENCH,
    Period,
    ReportError,
    build_report,
    format_count,
    format_share,
    how_found,
    parse_period,
    placeholders,
    plural,
    translate,
)
from presswatch.report_browser import company_colors
from presswatch.report_render import sections, to_html, to_markdown, to_pptx
from presswatch.store import Store
from tests import oracle
from tests.conftest import CHARTS_IGNORE_KOPTS, COMPANIES
from tests.generated import generated_articles
from tests.oracle import Frames, apply_filters

ROOT = Path(__file__).resolve().parent.parent
TRACKED = ["Mistral AI"]
HOSTILE_TITLE = "<script>alert(1)</script> [x](javascript:alert(1)) **gras** <b>b</b>"
HOSTILE_OUTLET = '<img src=x onerror="alert(2)">'
HOSTILE_EVIDENCE = "Mistral AI <iframe src=javascript:alert(3)> [y](javascript:alert(4))"


def _hostile_articles() -> list[Article]:
    """An article of 28 October 2026 about Mistral AI whose every text field attacks, with
    three copies of its story, and a story of four copies with a web link: the two most
    picked-up stories of the week."""
    first = _hostile_article()
    copies = [
        replace(
            first,
            id=f"{story}-{n}",
            entry_key=f"{story}-{n}",
            outlet=f"Relais {n}",
            title=title,
            story_id=story,
            url=f"https://example.org/{story}/{n}",
            published=datetime(2026, 10, 28, 11 + n, tzinfo=UTC),
        )
        for story, title, numbers in (
            ("hostile-story", HOSTILE_TITLE, range(1, 4)),
            ("linked-story", "Mistral AI ouvre un bureau", range(4)),
        )
        for n in numbers
    ]
    return [first, *copies]


def _hostile_article() -> Article:
    sentence = HOSTILE_EVIDENCE
    return Article(
        id="hostile",
        source="Feed",
        entry_key="hostile",
        text=sentence,
        title=HOSTILE_TITLE,
        outlet=HOSTILE_OUTLET,
        url="javascript:alert(5)",
        language="fr",
        published=datetime(2026, 10, 28, 10, tzinfo=UTC),
        date_precision="datetime",
        story_id="hostile-story",
        mentions=(
            Mention(
                company="Mistral AI",
                alias="Mistral AI",
                matched="Mistral AI",
                field="body",
                start=0,
                end=10,
                sentence=sentence,
                prominence="body",
            ),
        ),
        company_tones=(CompanyTone("Mistral AI", 0.9, "positive", sentence),),
    )


# For the tests of how a built report is laid out and written (its words, its slides),
# which read the report and never the store: SQLite's archive only. The figures of a
# report built from either database are test_the_report_has_the_dashboards_figures_in_
# both_languages's, and the articles it picks test_a_hostile_article_is_text_in_every_
# format's, on both.
ON_SQLITE = pytest.mark.parametrize("generated", ["sqlite"], indirect=True)


def _seeded(store: Store) -> Store:
    """The report tests' archive, from a store holding the generated articles already
    (the `generated` fixture): a hostile article, a correction, a tone model, a mark."""
    store.save_articles(_hostile_articles())
    store.add_correction("a2", "positive", "Camille", company="Mistral AI")
    store.set_tone_model("press-test-model")
    mention = MentionKey("hostile", "Mistral AI", "body", 0, "Mistral AI")
    store.mark_mention(mention, "right", "Camille")
    return store


def _seeded_file(folder: Path) -> None:
    """The seeded archive in the SQLite file a test config names (data/test.db), for the
    tests that run the `report` command."""
    database = folder / "data" / "test.db"
    database.parent.mkdir(parents=True, exist_ok=True)
    with Store(f"sqlite:///{database}") as opened:
        opened.save_articles(generated_articles())
        _seeded(opened)


def _same(left: pd.DataFrame, right: pd.DataFrame, keys: list[str], name: str) -> None:
    if left.empty and right.empty:
        return
    pd.testing.assert_frame_equal(
        left.sort_values(keys).reset_index(drop=True),
        right.sort_values(keys).reset_index(drop=True),
        check_dtype=False,
        obj=name,
    )


def view_of(filters: Filters, everything: Frames) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The oracle's articles and mentions under the filters."""
    view = apply_filters(filters, everything)
    return view.articles, view.mentions


def _table(laid: list[Any], title: str) -> Any:
    return next(section for section in laid if section.title == title).tables[0]


PERIODS = ["2026-W44", "2026-10", "2026-10-20..2026-10-31"]


@pytest.mark.parametrize("period_code", PERIODS)
@pytest.mark.parametrize("companies", [(), ("OpenAI",)])
def test_the_report_has_the_dashboards_figures_in_both_languages(
    generated: Store, write_config: Any, period_code: str, companies: tuple[str, ...]
) -> None:
    config: Config = write_config()
    store = _seeded(generated)
    period = parse_period(period_code)
    report = build_report(store, config, period, companies)
    everything = Frames.from_store(store)
    for mine, chosen in ((report.current, period), (report.previous, period.previous())):
        filters = Filters(start=chosen.start, end=chosen.end, companies=companies)
        name = f"{chosen.code} {companies}"
        assert mine.filters == filters
        # The dashboard's Overview loader for the same filters.
        dashboard = overview.build_overview(store, filters, TRACKED)
        assert mine.figures.articles == dashboard.current.articles, name
        assert mine.figures.mentions == dashboard.current.mentions, name
        _same(mine.figures.share, dashboard.current.share, ["company"], name)
        _same(mine.figures.tones, dashboard.current.tones, ["company", "tone"], name)
        assert mine.undated == dashboard.undated, name
        # The Outlets and Topics pages' loaders.
        _same(mine.outlets, store.outlet_counts(filters, top=5), ["company", "outlet"], name)
        _same(mine.themes, store.topic_counts(filters), ["company", "topic"], name)
        # Top authors: the Outlets page's loader by author, and the oracle.
        _same(
            mine.authors,
            oracle.top_outlets(*view_of(filters, everything), by="author", top=5),
            ["company", "author"],
            name,
        )
        # And the oracle, every row in pandas: the figures are right, not merely the same.
        view = apply_filters(filters, everything)
        expected_share = oracle.share_of_voice(view.articles, view.mentions)
        _same(mine.figures.share, expected_share, ["company"], name)
        expected_articles = view.articles[
            oracle.isin(view.articles["id"], view.mentions["article_id"])
        ]
        assert mine.figures.articles == len(expected_articles), name
    assert report.current.figures.articles > 0
    if period.kind == "week":  # a week's previous period is the dashboard's own
        dashboard = overview.build_overview(store, report.current.filters, TRACKED)
        assert dashboard.previous is not None
        assert report.previous.figures.articles == dashboard.previous.articles

    # Top articles: the Coverage page's most picked-up stories by their first copy, then
    # the newest single copies; one per story.
    for company in report.companies:
        top = report.top_articles[company]
        own = replace(report.current.filters, companies=(company,))
        stories, _ = store.republished_stories(own, 5)
        assert list(top["pickups"][: len(stories)]) == list(stories["pickups"]), company
        assert list(top["title"][: len(stories)]) == list(stories["title"]), company
        assert (top["pickups"][len(stories) :] == 1).all(), company
        assert len(top) == min(
            5, report.current.figures.share.set_index("company").loc[company, "stories"]
        )
        ids = set(top["article_id"])
        assert set(store.coverage_of_articles(ids)["company"]) >= {company}
    share = analytics.share_from_counts(store.company_counts(report.current.filters))
    assert not report.current.authors.empty
    for language in ("en", "fr"):
        laid = sections(report, language)
        authors = _table(laid, translate("Top authors", language))
        unknown = translate("unknown author", language)
        assert [(r[0].text, r[1].text) for r in authors.rows] == [
            (company, unknown if author == "(unknown)" else author)
            for company, author in zip(
                report.current.authors["company"], report.current.authors["author"], strict=True
            )
        ]
        assert any(r[1].text == unknown for r in authors.rows)
        table = _table(laid, translate("Share of voice", language))
        markdown = to_markdown(report, language)
        assert [row[0].text for row in table.rows] == list(share["company"])
        for row, expected in zip(table.rows, share.to_dict("records"), strict=True):
            assert row[1].text == format_count(int(expected["articles"]), language)
            assert row[2].text == format_count(int(expected["stories"]), language)
            assert row[4].text == format_share(expected["share_articles"], language)
            line = "| " + " | ".join(untrusted.markdown(cell.text) for cell in row) + " |"
            assert line in markdown
        key = _table(laid, translate("Key figures", language))
        articles = format_count(report.current.figures.articles, language)
        assert key.rows[0][1].text == articles
        assert key.rows[0][2].text == format_count(report.previous.figures.articles, language)


def test_numbers_and_plurals_follow_the_language() -> None:
    assert plural(1, "{count} article", "{count} articles", "fr") == "1 article"
    assert plural(2, "{count} article", "{count} articles", "fr") == "2 articles"
    assert plural(0, "{count} article", "{count} articles", "fr") == "0 article"
    assert plural(0, "{count} article", "{count} articles", "en") == "0 articles"
    assert plural(1, "{count} article", "{count} articles", "en") == "1 article"
    assert format_share(12.46, "en") == "12.5%"
    assert format_share(12.46, "fr") == "12,5\u202f%"
    assert format_count(12345, "fr") == "12\u202f345"
    assert parse_period("2024-W12") == Period("week", date(2024, 3, 18), date(2024, 3, 24))
    assert parse_period("2024-03").previous() == Period(
        "month", date(2024, 2, 1), date(2024, 2, 29)
    )
    assert parse_period("2024-03-01..2024-03-31").previous().start == date(2024, 1, 30)
    assert parse_period("2024-03").label("fr") == "mars 2024"
    for bad in ("2024-W60", "2024-13", "2024-03-31..2024-03-01", "last week"):
        with pytest.raises(ReportError, match="--period"):
            parse_period(bad)


def _translated_texts() -> set[str]:
    texts = set()
    for name in ("report.py", "report_render.py", "alerts.py"):
        tree = ast.parse((ROOT / "presswatch" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            arguments = node.args[:1] if called in ("t", "translate") else []
            if called == "plural":
                arguments = node.args[1:3]
            # A table's words for "no rows" are translated where they are said.
            arguments += [k.value for k in node.keywords if k.arg == "empty"]
            for argument in arguments:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    texts.add(argument.value)
    return texts


def test_every_report_text_has_its_french_with_the_same_placeholders() -> None:
    texts = _translated_texts()
    assert len(texts) > 40
    assert sorted(text for text in texts if text not in FRENCH) == []
    assert [k for k, v in FRENCH.items() if placeholders(k) != placeholders(v)] == []


@ON_SQLITE
def test_a_french_report_has_no_english_word(generated: Store, write_config: Any) -> None:
    config: Config = write_config()
    store = _seeded(generated)
    report = build_report(store, config, parse_period("2026-W44"))
    english = to_markdown(report, "en")
    french = to_markdown(report, "fr")
    # Each interface text that French says otherwise: shown in English, absent in French.
    distinct = [k for k, v in FRENCH.items() if k != v and not placeholders(k)]
    shown = [text for text in distinct if untrusted.markdown(text) in english]
    assert len(shown) > 20
    leaked = [text for text in shown if re.search(rf"\b{re.escape(text)}\b", french)]
    assert leaked == []
    assert "semaine 44 de 2026" in french and "week 44 of 2026" in english


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


SAFE_TAGS = {"html", "head", "meta", "title", "style", "body", "section", "h1", "h2", "h3", "p"}
SAFE_TAGS |= {"table", "thead", "tbody", "tr", "th", "td", "a"}


def _check_html(page: str) -> None:
    parsed = _Tags()
    parsed.feed(page)
    assert {tag for tag, _ in parsed.tags} <= SAFE_TAGS
    links = [attrs.get("href") or "" for tag, attrs in parsed.tags if tag == "a"]
    assert all(link.startswith(("http://", "https://")) for link in links)
    assert not any(key.startswith("on") for _, attrs in parsed.tags for key in attrs)
    text = "".join(parsed.text)
    # Shown as the text it is (HTML cells are one line: whitespace is kept).
    assert untrusted.one_line(HOSTILE_TITLE) in text
    assert HOSTILE_OUTLET in text and HOSTILE_EVIDENCE in text


# On both databases: the articles a report picks (the hostile one, a story's copies), their
# evidence sentence and address are read from the store.
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_hostile_article_is_text_in_every_format(
    generated: Store, write_config: Any, language: str
) -> None:
    config: Config = write_config()
    store = _seeded(generated)
    report = build_report(store, config, parse_period("2026-W44"), ("Mistral AI",))
    listed = report.top_articles["Mistral AI"]
    # The test exercises the hostile article (first copy of its story) and a linked one.
    assert {"hostile", "linked-story-0"} <= set(listed["article_id"])

    page = to_html(report, language)
    _check_html(page)
    assert "default-src 'none'" in page  # no outside request, no script

    # Markdown rendered as CommonMark: the same text, no tag, no javascript: link.
    markdown = to_markdown(report, language)
    rendered = MarkdownIt("commonmark").enable("table").render(markdown)
    _check_html(f"<html><body>{rendered}</body></html>")
    assert "javascript:" not in "".join(re.findall(r'href="([^"]*)"', rendered))

    deck = Presentation(io.BytesIO(to_pptx(report, language)))
    texts, addresses = [], []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        texts.append(cell.text)
                        for paragraph in cell.text_frame.paragraphs:
                            for run in paragraph.runs:
                                if run.hyperlink.address:
                                    addresses.append(run.hyperlink.address)
    assert untrusted.one_line(HOSTILE_TITLE) in texts
    assert HOSTILE_OUTLET in texts
    assert all(address.startswith(("http://", "https://")) for address in addresses)
    assert addresses  # the seeded articles' own links are kept


@ON_SQLITE
def test_the_deck_reads_back_one_slide_per_section(generated: Store, write_config: Any) -> None:
    config: Config = write_config()
    store = _seeded(generated)
    report = build_report(store, config, parse_period("2026-10"))
    for language in ("en", "fr"):
        laid = sections(report, language)
        deck = Presentation(io.BytesIO(to_pptx(report, language)))
        slides = list(deck.slides)
        assert len(slides) == len(laid)
        assert [s.shapes.title.text for s in slides] == [
            untrusted.one_line(section.title) for section in laid
        ]
        share_slide = slides[[s.title for s in laid].index(translate("Share of voice", language))]
        tables = [shape.table for shape in share_slide.shapes if shape.has_table]
        charts = [shape.chart for shape in share_slide.shapes if shape.has_chart]
        assert len(tables) == 1 and len(charts) == 1
        header = [cell.text for cell in tables[0].rows[0].cells]
        assert header[0] == translate("Company", language)
        first = [cell.text for cell in tables[0].rows[1].cells]
        top = report.current.figures.share.iloc[0]
        assert first[0] == top["company"]
        assert first[1] == format_count(int(top["articles"]), language)
        assert list(charts[0].plots[0].categories) == list(report.current.figures.share["company"])
        # Each bar in its company's dashboard colour (by the config's order of companies).
        palette = company_colors([c["name"] for c in COMPANIES])
        series = charts[0].plots[0].series[0]
        shades = [f"#{point.format.fill.fore_color.rgb}".lower() for point in series.points]
        assert shades == [palette[c] for c in report.current.figures.share["company"]]
        last = slides[-1]
        basis = [
            cell.text
            for shape in last.shapes
            if shape.has_table
            for cell in shape.table.iter_cells()
        ]
        assert "press-test-model" in basis and config.sha256 in basis
        # Each company's mention precision as reviewed (one right mark for Mistral AI).
        precision = [
            [cell.text for cell in row.cells]
            for shape in last.shapes
            if shape.has_table
            for row in shape.table.rows
        ]
        mistral = ["Mistral AI", format_share(100.0, language)]
        assert any(row[:2] == mistral and row[3] == "1" for row in precision)
        assert any(row[:2] == ["OpenAI", translate("not reviewed", language)] for row in precision)


@pytest.mark.usefixtures("one_chart_browser")
@CHARTS_IGNORE_KOPTS
def test_the_command_writes_each_format(tmp_path: Path, write_config: Any) -> None:
    config: Config = write_config()
    _seeded_file(tmp_path)
    runner = CliRunner()
    for extension in ("html", "md", "pptx"):
        out = tmp_path / f"report.{extension}"
        arguments = ["report", "--config", str(config.path), "--period", "2026-W44"]
        result = runner.invoke(main, [*arguments, "--lang", "fr", "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    assert "Chiffres clés" in (tmp_path / "report.md").read_text(encoding="utf-8")
    bad = runner.invoke(
        main, ["report", "--config", str(config.path), "--period", "2026-13", "--out", "x.md"]
    )
    assert bad.exit_code == 1 and "--period 2026-13" in bad.output
    unknown = runner.invoke(
        main,
        [
            *("report", "--config", str(config.path), "--period", "2026-10"),
            *("--company", "Nobody", "--out", str(tmp_path / "x.md")),
        ],
    )
    assert unknown.exit_code != 0 and not (tmp_path / "x.md").exists()


def test_the_report_of_an_empty_period_says_so(generated: Store, write_config: Any) -> None:
    config: Config = write_config()
    store = _seeded(generated)
    report = build_report(store, config, parse_period("2020-W01"))
    assert report.current.figures.articles == 0
    assert "Rien à montrer pour cette période" in to_markdown(report, "fr")
    assert replace(report.current.filters, start=None, end=None) == Filters()
    Presentation(io.BytesIO(to_pptx(report, "fr")))  # an empty deck still opens


def test_key_messages_are_the_topics_pages_with_their_change(
    store: Store, write_config: Any
) -> None:
    config: Config = write_config(
        messages={"open models": ["modèles ouverts", "open weights"]}, topics={}
    )
    analyzer = Analyzer(config, tone=VaderBackend())
    written = [
        ("o1", date(2026, 10, 27), "Mistral AI défend les modèles ouverts devant la presse."),
        ("o2", date(2026, 10, 28), "Mistral AI présente un nouveau bureau à Lyon."),
        ("o3", date(2026, 10, 20), "Mistral AI présente un nouveau bureau à Nice."),
    ]
    store.save_articles(
        [
            analyzer.analyse(
                Article(
                    id=key,
                    source="Clips",
                    entry_key=key,
                    title=f"Dépêche {key}",
                    text=text,
                    published=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
                    date_precision="datetime",
                    language="fr",
                )
            )
            for key, day, text in written
        ]
    )
    report = build_report(store, config, parse_period("2026-W44"), ("Mistral AI",))
    expected = store.message_shares(report.current.filters)
    _same(report.current.messages, expected, ["company", "message"], "messages")
    assert list(expected["share"]) == [50.0]
    for language in ("en", "fr"):
        table = _table(sections(report, language), translate("Key messages", language))
        row = [cell.text for cell in table.rows[0]]
        assert row[:4] == ["Mistral AI", "open models", "1", format_share(50.0, language)]
        # Week 43 had no article carrying it: +50 points.
        assert row[4].startswith("+50")
        assert "modèles ouverts" in row[5]
        # Found by its phrasing (the vader backend embeds no clause: lemmas only).
        assert row[6] == how_found("modèles ouverts", None, language)
        assert row[6] in ("phrasing “modèles ouverts”", "formulation « modèles ouverts »")


def test_spikes_are_the_overviews_with_the_articles_behind_them(
    store: Store, write_config: Any
) -> None:
    config: Config = write_config(topics={})
    analyzer = Analyzer(config, tone=VaderBackend())

    def clip(key: str, day: int, hour: int) -> Article:
        return Article(
            id=key,
            source="Clips",
            entry_key=key,
            title=f"Mistral AI, épisode {key}",
            text=f"Mistral AI publie une note ({key}).",
            published=datetime(2026, 10, day, hour, tzinfo=UTC),
            date_precision="datetime",
            language="fr",
        )

    # One article a day through October, then eight on the 28th.
    daily = [clip(f"d{day}", day, 9) for day in range(1, 32)]
    burst = [clip(f"s{n}", 28, 10 + n) for n in range(8)]
    store.save_articles([analyzer.analyse(a) for a in daily + burst])
    report = build_report(store, config, parse_period("2026-10"), ("Mistral AI",))
    shown = overview.build_overview(store, report.current.filters, TRACKED)
    _same(
        report.spikes.drop(columns=["article_ids"]),
        shown.spikes.drop(columns=["article_ids"]),
        ["company", "day"],
        "spikes",
    )
    assert list(report.spikes["day"]) == [pd.Timestamp("2026-10-28")]
    for language in ("en", "fr"):
        table = _table(sections(report, language), translate("Spikes", language))
        (row,) = [[cell.text for cell in r] for r in table.rows]
        assert row[0] == "Mistral AI" and row[2] == format_count(18, language)
        named = row[4].split(" · ")
        assert len(named) == 4 and named[-1] == translate("and {count} more", language, count=6)
        assert all(title.startswith("Mistral AI, épisode ") for title in named[:3])
