"""A Report (presswatch.report) as HTML, Markdown or PowerPoint, in English or French.

The report is first laid out once as sections of tables in the chosen language
(`sections`); each format then writes the same sections, so that the formats never
disagree. Article-derived values (titles, outlets, evidence, themes, source names) are
data: every cell goes through presswatch.untrusted for its output, and a link is written
only when it is http(s) (untrusted.web_link).
"""

from __future__ import annotations

import base64
import html
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
from babel.dates import format_date
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches, Pt

from presswatch import __version__, untrusted
from presswatch.analytics import MIN_ARTICLES_FOR_TONE_SHARE
from presswatch.models import UNKNOWN_OUTLET
from presswatch.report import (
    SPIKE_TITLES,
    TONES,
    TOP_THEMES,
    Report,
    format_count,
    format_day,
    format_points,
    format_share,
    format_signed,
    how_found,
    outlet_label,
    plural,
    tone_label,
    tone_table,
    translate,
)
from presswatch.report_browser import (
    OTHER_COLOR,
    Chart,
    ChartError,
    company_colors,
    draw,
    print_pdf,
)

log = logging.getLogger(__name__)

FORMATS = ("html", "md", "pptx", "pdf")
# Characters XML 1.0 cannot hold (python-pptx refuses them): control characters but tab
# and line breaks, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Rows of a table that fit on one slide.
ROWS_PER_SLIDE = 12


@dataclass(frozen=True)
class Cell:
    """One table cell: its text (data, never markup) and an optional http(s) link."""

    text: str
    link: str | None = None


@dataclass
class Table:
    """A table's header and rows, and (optionally) the bar chart a slide draws from it."""

    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    chart: tuple[str, list[tuple[str, float]]] | None = None  # series name, (label, value)
    empty: str = "Nothing to show for this period."  # said instead of a table without rows
    caption: str = ""  # a heading of its own, when a section has several tables


@dataclass
class Section:
    """One section of the report: a heading, notes, tables (one slide in PowerPoint)."""

    title: str
    notes: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    chart: str = ""  # the report_browser chart drawn for it ("share", "tone"), if any


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as dicts keyed by column."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def _cells(*values: Any) -> list[Cell]:
    return [value if isinstance(value, Cell) else Cell(str(value)) for value in values]


def report_title(report: Report, language: str) -> str:
    """The report's heading: Press report — companies — period."""
    t = _translator(language)
    names = ", ".join(report.companies) if report.companies else t("all companies")
    return f"{t('Press report')} — {names} — {report.current.period.label(language)}"


def _translator(language: str) -> Callable[..., str]:
    def t(text: str, **values: object) -> str:
        return translate(text, language, **values)

    return t


def sections(report: Report, language: str) -> list[Section]:
    """The report laid out in a language: what every format writes."""
    t = _translator(language)
    now, before = report.current, report.previous
    companies = report.companies

    def change(current: float | None, previous: float | None, decimals: int = 0) -> str:
        if current is None or previous is None:
            return t("n/a")
        return format_signed(current - previous, language, decimals)

    def tone_pair(shares: tuple[float, float] | None) -> str:
        """Positive and negative shares as the dashboard's tone card shows them."""
        if shares is None:
            return t("too few")
        return f"{format_share(shares[0], language)} / {format_share(shares[1], language)}"

    def tone_change(now: tuple[float, float] | None, before: tuple[float, float] | None) -> str:
        if now is None or before is None:
            return t("n/a")
        return " / ".join(format_points(a - b, language) for a, b in zip(now, before, strict=True))

    def share_of_articles(share: pd.DataFrame, names: list[str]) -> float | None:
        own = share[share["company"].isin(names)]
        return None if share.empty else float(own["share_articles"].sum())

    intro = Section(
        report_title(report, language),
        notes=[
            t("Previous period: {period}", period=before.period.label(language)),
            t(
                "Made on {day} by presswatch {version}.",
                day=format_date(report.created_at.date(), "long", locale=language),
                version=__version__,
            ),
        ],
    )

    focus = report.focus
    key = Table([t("Figure"), t("This period"), t("Previous period"), t("Change")])
    key.rows.append(
        _cells(
            t("Articles"),
            format_count(now.figures.articles, language),
            format_count(before.figures.articles, language),
            change(now.figures.articles, before.figures.articles),
        )
    )
    key.rows.append(
        _cells(
            t("Mentions"),
            format_count(now.figures.mentions, language),
            format_count(before.figures.mentions, language),
            change(now.figures.mentions, before.figures.mentions),
        )
    )
    share_now = share_of_articles(now.figures.share, focus)
    share_before = share_of_articles(before.figures.share, focus)
    key.rows.append(
        _cells(
            f"{t('Share of articles')} ({', '.join(focus)})",
            format_share(share_now, language),
            format_share(share_before, language),
            format_points(share_now - share_before, language)
            if share_now is not None and share_before is not None
            else t("n/a"),
        )
    )
    tone_now, tone_before = now.figures.tone_shares(focus), before.figures.tone_shares(focus)
    key.rows.append(
        _cells(
            f"{t('Positive / negative')} ({', '.join(focus)})",
            tone_pair(tone_now),
            tone_pair(tone_before),
            tone_change(tone_now, tone_before),
        )
    )
    key_figures = Section(t("Key figures"), tables=[key])

    share = Table(
        [
            t("Company"),
            t("Articles"),
            t("Unique stories"),
            t("Mentions"),
            t("Share of articles"),
            t("Share of stories"),
            t("Share of mentions"),
            t("Change in share of articles"),
        ]
    )
    earlier = before.figures.share.set_index("company")
    for row in _records(now.figures.share):
        previous = (
            float(earlier.loc[row["company"], "share_articles"])
            if row["company"] in earlier.index
            else 0.0
        )
        share.rows.append(
            _cells(
                row["company"],
                format_count(int(row["articles"]), language),
                format_count(int(row["stories"]), language),
                format_count(int(row["mentions"]), language),
                format_share(row["share_articles"], language),
                format_share(row["share_stories"], language),
                format_share(row["share_mentions"], language),
                format_points(float(row["share_articles"]) - previous, language),
            )
        )
    share.chart = (
        t("Share of articles"),
        [
            (str(c), round(float(v), 1))
            for c, v in zip(
                now.figures.share["company"], now.figures.share["share_articles"], strict=True
            )
        ],
    )
    share_section = Section(
        t("Share of voice"),
        notes=[t("Copies of one story (wire copy, one piece under several URLs) count once.")],
        tables=[share],
        chart="share",
    )

    tones = Table(
        [
            t("Company"),
            t("Positive"),
            t("Neutral"),
            t("Negative"),
            t("Positive / negative"),
            t("Change"),
        ]
    )
    tones_now = tone_table(now.figures, companies)
    for row in _records(tones_now):
        counts = [format_count(int(row[tone]), language) for tone in TONES]
        tones.rows.append(
            _cells(
                row["company"],
                *counts,
                tone_pair(now.figures.tone_shares([row["company"]])),
                tone_change(
                    now.figures.tone_shares([row["company"]]),
                    before.figures.tone_shares([row["company"]]),
                ),
            )
        )
    tone_section = Section(
        t("Tone"),
        notes=[
            t(
                "Articles by their tone towards each company; positive / negative are their "
                "shares of the articles with a tone (none below {minimum} articles). A person's "
                "correction wins over the model.",
                minimum=MIN_ARTICLES_FOR_TONE_SHARE,
            )
        ],
        tables=[tones],
        chart="tone",
    )

    outlets = Table([t("Company"), t("Outlet"), t("Articles"), t("Unique stories")])
    for row in _records(now.outlets):
        outlets.rows.append(
            _cells(
                row["company"],
                outlet_label(row["outlet"], language),
                format_count(int(row["articles"]), language),
                format_count(int(row["stories"]), language),
            )
        )
    outlet_section = Section(t("Top outlets"), tables=[outlets])

    optional = []
    if not now.authors.empty:
        authors = Table([t("Company"), t("Author"), t("Articles"), t("Unique stories")])
        for row in _records(now.authors):
            authors.rows.append(
                _cells(
                    row["company"],
                    # The store's "(unknown)" for articles without an author, in words.
                    row["author"]
                    if isinstance(row["author"], str) and row["author"] not in ("", UNKNOWN_OUTLET)
                    else t("unknown author"),
                    format_count(int(row["articles"]), language),
                    format_count(int(row["stories"]), language),
                )
            )
        optional.append(Section(t("Top authors"), tables=[authors]))
    if not now.messages.empty:
        messages = Table(
            [
                t("Company"),
                t("Key message"),
                t("Articles"),
                t("Share of the company's articles"),
                t("Change"),
                t("Sentence carrying it"),
                t("Found by"),
            ]
        )
        earlier_messages = (
            before.messages.set_index(["company", "message"])["share"]
            if not before.messages.empty
            else pd.Series(dtype="float64")
        )
        for row in _records(now.messages):
            previous_share = float(earlier_messages.get((row["company"], row["message"]), 0.0))
            messages.rows.append(
                _cells(
                    row["company"],
                    row["message"],
                    format_count(int(row["articles"]), language),
                    format_share(float(row["share"]), language),
                    format_points(float(row["share"]) - previous_share, language),
                    row["sentence"] if isinstance(row["sentence"], str) else "",
                    how_found(row.get("phrasing"), row.get("similarity"), language),
                )
            )
        optional.append(
            Section(
                t("Key messages"),
                notes=[
                    t(
                        "Each key message's articles among the company's articles of the "
                        "period (the Topics page's figures), with a sentence that carries it."
                    )
                ],
                tables=[messages],
            )
        )

    if not report.spikes.empty:
        spikes = Table([t("Company"), t("Day"), t("Mentions"), t("Usual"), t("Articles behind it")])
        for row in _records(report.spikes.sort_values(["day", "company"])):
            ids = list(row["article_ids"])
            titles = [report.spike_titles.get(str(i)) or t("untitled") for i in ids[:SPIKE_TITLES]]
            if len(ids) > SPIKE_TITLES:
                titles.append(t("and {count} more", count=len(ids) - SPIKE_TITLES))
            spikes.rows.append(
                _cells(
                    row["company"],
                    format_date(pd.Timestamp(row["day"]).date(), "medium", locale=language),
                    format_count(int(row["mentions"]), language),
                    format_count(round(float(row["baseline"])), language),
                    " · ".join(titles),
                )
            )
        optional.append(
            Section(
                t("Spikes"),
                notes=[
                    t(
                        "Days when a company's mentions rose far above their usual level (the "
                        "Overview's detector), with the articles of that day."
                    )
                ],
                tables=[spikes],
            )
        )

    themes = Table([t("Company"), t("Theme"), t("Articles")])
    for _, group in now.themes.groupby("company", sort=True):
        for row in _records(group.head(TOP_THEMES)):
            themes.rows.append(
                _cells(row["company"], row["topic"], format_count(int(row["articles"]), language))
            )
    theme_section = Section(t("Themes"), tables=[themes])

    article_sections = []
    for company in companies:
        listed = Table(
            [
                t("Title"),
                t("Outlet"),
                t("Date"),
                t("Tone"),
                t("Pickups"),
                t("Evidence sentence"),
            ]
        )
        for row in _records(report.top_articles[company]):
            title = (
                row["title"] if isinstance(row["title"], str) and row["title"] else t("untitled")
            )
            listed.rows.append(
                _cells(
                    Cell(title, untrusted.web_link(row["url"])),
                    outlet_label(row["outlet"], language),
                    format_day(row["published"], row["date_precision"], language),
                    tone_label(row["tone"], language),
                    format_count(int(row["pickups"]), language),
                    row["evidence"] if isinstance(row["evidence"], str) else "",
                )
            )
        article_sections.append(
            Section(
                t("Top articles: {company}", company=company),
                notes=[
                    t(
                        "Most picked-up stories of the period first (one article per story), "
                        "then the newest."
                    )
                ],
                tables=[listed],
            )
        )

    basis = Table([t("Item"), t("Value")])
    basis.rows += [
        _cells(t("Period"), f"{now.period.code} ({now.period.label(language)})"),
        _cells(t("Companies"), ", ".join(report.companies) or t("all companies")),
        _cells(
            t("Undated articles left out"),
            plural(now.undated, "{count} article", "{count} articles", language),
        ),
        _cells(t("Tone model"), report.tone_model or t("none recorded")),
        _cells(t("Config"), report.config_path or t("none")),
        _cells(t("Config SHA-256"), report.config_sha256 or t("none")),
        _cells(t("Database"), report.database),
    ]
    sources = Table(
        [t("Source"), t("Kind"), t("Last success"), t("Collection gaps in the period")],
        empty="No source has been collected yet.",
    )
    for row in _records(report.sources):
        last = row["last_success"]
        sources.rows.append(
            _cells(
                row["name"],
                row["kind"] if isinstance(row["kind"], str) else "",
                t("never")
                if last is None or pd.isna(last)
                else format_date(pd.Timestamp(last).date(), "medium", locale=language),
                format_count(int(row["gaps"]), language) if row["gaps"] else t("none"),
            )
        )
    precision = Table(
        [t("Company"), t("Precision"), t("95% interval"), t("Mentions reviewed")],
        empty="No mention has been reviewed yet (presswatch review).",
        caption=t("Mention precision (reviewed)"),
    )
    for estimate in report.precision:
        if not estimate["reviewed"]:
            precision.rows.append(_cells(estimate["company"], t("not reviewed"), "", "0"))
            continue
        low, high = estimate["interval_95"]
        precision.rows.append(
            _cells(
                estimate["company"],
                format_share(100 * estimate["precision"], language),
                f"{format_share(100 * low, language)} – {format_share(100 * high, language)}",
                format_count(int(estimate["reviewed"]), language),
            )
        )
    basis_section = Section(
        t("What the figures rest on"),
        notes=[
            t(
                "Figures are those of the dashboard for the same filters: articles that "
                "mention a company and are dated in the period; undated articles are outside "
                "any period."
            )
        ],
        tables=[basis, precision],
    )
    sources_section = Section(t("What the figures rest on: sources"), tables=[sources])
    return [
        intro,
        key_figures,
        share_section,
        tone_section,
        outlet_section,
        theme_section,
        *optional,
        *article_sections,
        sources_section,
        basis_section,
    ]


# -- HTML ------------------------------------------------------------------------------------

# No outside request (no font, script, image or style from elsewhere) and no script at all,
# even if an escape were ever missed.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;"
    "color:#111827}table{border-collapse:collapse;margin:0.5rem 0 1.5rem;width:100%}"
    "th,td{border:1px solid #d1d5db;padding:0.3rem 0.5rem;text-align:left;vertical-align:top}"
    "th{background:#f3f4f6}.note{color:#4b5563}h3{font-size:1rem}"
    "figure{margin:0 0 1.5rem}img{max-width:100%}"
    "@media print{body{margin:0;max-width:none}section{break-inside:auto}"
    "tr,figure{break-inside:avoid}h2{break-after:avoid}}"
)


def _html_cell(cell: Cell, tag: str) -> str:
    text = untrusted.html_text(untrusted.one_line(cell.text))
    if cell.link:
        href = html.escape(cell.link, quote=True)
        text = f'<a href="{href}" rel="noopener noreferrer">{text}</a>'
    return f"<{tag}>{text}</{tag}>"


def _html_chart(chart: Chart) -> str:
    """A chart as an image inside the page (a data: URL: no outside request)."""
    data = base64.b64encode(chart.png).decode("ascii")
    alt = html.escape(untrusted.one_line(chart.title), quote=True)
    return f'<figure><img src="data:image/png;base64,{data}" alt="{alt}"></figure>'


def to_html(report: Report, language: str, charts: list[Chart] | None = None) -> str:
    """The report as one self-contained HTML page, with its charts when given (report
    _browser.draw)."""
    return sections_html(sections(report, language), language, charts)


def sections_html(laid: list[Section], language: str, charts: list[Chart] | None = None) -> str:
    """Sections (the first one's title heads the page) as one self-contained HTML page."""
    drawn = {chart.section: chart for chart in charts or []}
    parts = []
    for number, section in enumerate(laid):
        tag = "h1" if number == 0 else "h2"
        parts.append(f"<section><{tag}>{untrusted.html_text(section.title)}</{tag}>")
        parts += [f'<p class="note">{untrusted.html_text(note)}</p>' for note in section.notes]
        for table in section.tables:
            if table.caption:
                parts.append(f"<h3>{untrusted.html_text(table.caption)}</h3>")
            if not table.rows:
                empty = translate(table.empty, language)
                parts.append(f'<p class="note">{untrusted.html_text(empty)}</p>')
                continue
            head = "".join(_html_cell(Cell(h), "th") for h in table.headers)
            body = "".join(
                "<tr>" + "".join(_html_cell(cell, "td") for cell in row) + "</tr>"
                for row in table.rows
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        if section.chart in drawn:
            parts.append(_html_chart(drawn[section.chart]))
        parts.append("</section>")
    title = untrusted.html_text(laid[0].title)
    return (
        f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f"<title>{title}</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(parts)}</body></html>\n"
    )


# -- Markdown --------------------------------------------------------------------------------


def _markdown_cell(cell: Cell) -> str:
    text = untrusted.markdown(cell.text)
    # web_link has quoted every character that could end a link's destination.
    return f"[{text}]({cell.link})" if cell.link else text


def to_markdown(report: Report, language: str) -> str:
    """The report as Markdown (CommonMark with GFM tables), every value escaped."""
    return sections_markdown(sections(report, language), language)


def sections_markdown(laid: list[Section], language: str) -> str:
    """Sections as Markdown (CommonMark with GFM tables), every value escaped."""
    lines: list[str] = []
    for number, section in enumerate(laid):
        lines += [("# " if number == 0 else "## ") + untrusted.markdown(section.title), ""]
        for note in section.notes:
            lines += [untrusted.markdown(note), ""]
        for table in section.tables:
            if table.caption:
                lines += ["### " + untrusted.markdown(table.caption), ""]
            if not table.rows:
                lines += [
                    untrusted.markdown(translate(table.empty, language)),
                    "",
                ]
                continue
            lines.append("| " + " | ".join(untrusted.markdown(h) for h in table.headers) + " |")
            lines.append("|" + "---|" * len(table.headers))
            for row in table.rows:
                lines.append("| " + " | ".join(_markdown_cell(cell) for cell in row) + " |")
            lines.append("")
    return "\n".join(lines)


# -- PowerPoint ------------------------------------------------------------------------------


def office_text(value: Any) -> str:
    """A value as the text of a slide: plain, on one line, without what XML cannot hold."""
    return _NOT_XML.sub("", untrusted.one_line(value))


def _add_table(slide: Any, table: Table, top: int, height: int, width: int, language: str) -> None:
    empty = translate(table.empty, language)
    rows = table.rows or [[Cell(empty)] + [Cell("")] * (len(table.headers) - 1)]
    shape = slide.shapes.add_table(
        len(rows) + 1, len(table.headers), Inches(0.4), top, width, height
    )
    grid = shape.table
    # Columns as wide as what they hold (a title or a sentence wider than a count), within
    # bounds so that no column vanishes and none takes the whole slide.
    needs = [
        min(max(len(text) for text in [header] + [row[n].text for row in rows]), 60) + 6
        for n, header in enumerate(table.headers)
    ]
    for n, need in enumerate(needs):
        grid.columns[n].width = int(width * need / sum(needs))
    for column, header in enumerate(table.headers):
        grid.cell(0, column).text = office_text(header)
    for r, row in enumerate(rows, start=1):
        for column, cell in enumerate(row):
            frame = grid.cell(r, column).text_frame
            frame.text = office_text(cell.text)
            if cell.link:
                frame.paragraphs[0].runs[0].hyperlink.address = cell.link
    for r in range(len(rows) + 1):
        for column in range(len(table.headers)):
            for paragraph in grid.cell(r, column).text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(10)


ROW_HEIGHT = Inches(0.33)
MARGIN = Inches(0.4)


def _title(slide: Any, text: str, width: int, size: int) -> None:
    """The slide's title placeholder across the slide (the default template is 4:3)."""
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = MARGIN, Inches(0.25), width, Inches(1.0)
    title.text = office_text(text)
    for paragraph in title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(size)


def _add_chart(
    slide: Any,
    chart: tuple[str, list[tuple[str, float]]],
    box: tuple[int, ...],
    colors: dict[str, str] | None = None,
) -> None:
    """A bar chart of shares (percent) from zero, first category on top, values labelled,
    each bar in its company's dashboard colour."""
    data = CategoryChartData()  # type: ignore[no-untyped-call]
    data.categories = [office_text(label) for label, _ in chart[1]]
    values = [value for _, value in chart[1]]
    data.add_series(office_text(chart[0]), values)  # type: ignore[no-untyped-call]
    drawn = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *box, data).chart
    drawn.has_legend = False
    # From zero: an axis starting at the smallest share would make a small gap look large.
    drawn.value_axis.minimum_scale = 0
    drawn.category_axis.reverse_order = True
    plot = drawn.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = "0.0"
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.font.size = Pt(11)
    for point, (label, _) in zip(plot.series[0].points, chart[1], strict=False):
        point.format.fill.solid()
        shade = (colors or {}).get(label, OTHER_COLOR).lstrip("#")
        point.format.fill.fore_color.rgb = RGBColor.from_string(shade)  # type: ignore[no-untyped-call]


def to_pptx(report: Report, language: str, charts: list[Chart] | None = None) -> bytes:
    """The report as a PowerPoint deck: one slide per section, editable text and tables,
    share of voice as a native chart; the other charts given (report_browser.draw) as
    images, as the dashboard draws them."""
    drawn = {chart.section: chart for chart in charts or [] if chart.section != "share"}
    deck = Presentation()
    slide_width, slide_height = Inches(13.333), Inches(7.5)
    deck.slide_width, deck.slide_height = slide_width, slide_height
    width = int(slide_width - 2 * MARGIN)
    laid = sections(report, language)
    for number, section in enumerate(laid):
        if number == 0:
            slide = deck.slides.add_slide(deck.slide_layouts[0])
            _title(slide, section.title, width, 36)
            slide.shapes.title.top, slide.shapes.title.height = Inches(2.0), Inches(2.0)
            subtitle = slide.placeholders[1]
            subtitle.left, subtitle.top, subtitle.width = MARGIN, Inches(4.2), width
            subtitle.text = "\n".join(office_text(n) for n in section.notes)
            continue
        slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
        _title(slide, section.title, width, 28)
        top = int(Inches(1.3))
        if section.notes:
            box = slide.shapes.add_textbox(MARGIN, top, width, Inches(0.5))
            box.text_frame.word_wrap = True
            box.text_frame.text = " ".join(office_text(n) for n in section.notes)
            box.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
            top = int(Inches(1.9))
        for table in section.tables:
            shown = replace(table, rows=table.rows[:ROWS_PER_SLIDE])
            height = int(ROW_HEIGHT * (max(len(shown.rows), 1) + 1))
            _add_table(slide, shown, top, height, width, language)
            top += height + int(Inches(0.3))
            if table.chart and table.chart[1]:
                room = int(slide_height - top - Inches(0.2))
                palette = company_colors(report.all_companies or report.companies)
                _add_chart(slide, table.chart, (MARGIN, top, int(width * 0.6), room), palette)
                top += room
        if section.chart in drawn:
            room = int(slide_height - top - Inches(0.2))
            if room > Inches(1.5):
                picture = io.BytesIO(drawn[section.chart].png)
                slide.shapes.add_picture(picture, MARGIN, top, height=room)
    sink = io.BytesIO()
    deck.save(sink)
    return sink.getvalue()


def render(report: Report, language: str, output: str, *, charts: bool = True) -> bytes:
    """The report's bytes in a format (html, md, pptx, pdf); HTML, PDF and PowerPoint with
    their charts (drawn by the system's Chromium) unless ``charts`` is False."""
    drawn: list[Chart] = []
    if charts and output == "pdf":
        drawn = draw(report, language)
    elif charts and output in ("html", "pptx"):
        try:
            drawn = draw(report, language)
        except ChartError as exc:
            # The figures and tables are the report: a machine without a browser still
            # gets them (share of voice stays a native chart in the deck).
            log.warning("the %s report is written without its chart images: %s", output, exc)
    if output == "pptx":
        return to_pptx(report, language, drawn)
    if output == "html":
        return to_html(report, language, drawn).encode("utf-8")
    if output == "pdf":
        return print_pdf(to_html(report, language, drawn))
    if output == "md":
        return to_markdown(report, language).encode("utf-8")
    raise ValueError(f"report format '{output}': use one of {', '.join(FORMATS)}")


def write_report(
    report: Report, language: str, output: str, path: Path, *, charts: bool = True
) -> Path:
    """Write the report in a format (html, md, pptx, pdf) to a file, atomically."""
    data = render(report, language, output, charts=charts)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    temporary.write_bytes(data)
    temporary.replace(path)
    return path
