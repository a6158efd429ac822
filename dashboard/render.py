"""Untrusted text in the dashboard: the one rule every page follows.

A value that came from a feed, a page or a file (title, outlet, author, source, text,
term) is data in every widget. presswatch.untrusted says how, per kind of output:

- Streamlit's Markdown (st.markdown, st.caption, st.metric's label and value, alerts,
  expander labels, help texts): ``md(value)``, escaped with Streamlit's own additions
  (colours, icons, emoji, LaTeX);
- plain widgets (st.text, selectbox and multiselect options): ``plain(value)``, bidi
  controls removed (``one_line`` for a single line);
- tables: ``table(frame)``, every text cell through ``plain`` (st.dataframe draws text,
  never Markdown, and no page gives a LinkColumn a value from the data);
- charts: ``chart_text(value)`` (plotly reads <a>, <b>, <br> in labels and hovers);
- HTML (st.html): ``highlight`` below, everything escaped.

tests/test_architecture.py checks the pages call Streamlit's Markdown widgets with
translated text and these helpers only; tests/test_dashboard.py and test_browser.py
render a hostile archive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from presswatch.formatting import Formatting
from presswatch.untrusted import html_text, markdown, one_line, plain, plotly_text, web_link

__all__ = ["chart_text", "markdown_link", "md", "numbers_shown_as", "one_line", "plain", "table"]


def md(value: object) -> str:
    """A value for a Streamlit widget that renders Markdown: shown literally."""
    return markdown(value)


def markdown_link(text: object, url: object) -> str:
    """Markdown of a title as a link to its original: the title shown literally, the
    address only when it is an http(s) link (javascript:, data: and the like are no link);
    without one, the title alone."""
    address = web_link(url)
    shown = md(text)
    return f"[{shown}]({address})" if address else shown


# Streamlit's Markdown background colours for a company's mention in a card's sentence, in
# the config's order of companies (no green or red: they say tone).
MARK_BACKGROUNDS = ["blue", "orange", "violet", "gray"]


def marked_sentence(sentence: str, spans: Iterable[tuple[int, int]], background: str) -> str:
    """Markdown of a sentence shown literally, each (start, end) span in bold on the
    Streamlit ``background`` colour (overlapping spans keep the first)."""
    out: list[str] = []
    cursor = 0
    for start, end in sorted(spans):
        if start < cursor or start >= end or end > len(sentence):
            continue
        out.append(md(sentence[cursor:start]))
        out.append(f"**:{background}-background[{md(sentence[start:end])}]**")
        cursor = end
    out.append(md(sentence[cursor:]))
    return "".join(out)


def chart_text(value: object) -> str:
    """A value for a plotly label, legend, annotation or hover: shown literally."""
    return plotly_text(value)


def table(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell as plain text (bidi controls removed)."""
    texts = [
        c
        for c in frame.columns
        if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype)
    ]
    if not texts:
        return frame
    return frame.assign(
        **{str(c): frame[c].map(lambda v: plain(v) if isinstance(v, str) else v) for c in texts}
    )


def numbers_shown_as(frame: pd.DataFrame, formats: dict[str, Callable[[Any], str]]) -> Styler:
    """A table (``table(frame)``) whose number columns in ``formats`` are shown as the
    interface writes them ("37,5 %", "+0,12") and stay numbers: a click on the header
    sorts them by value, not as text. Streamlit's own number formats know only the
    browser's locale, not the interface language; a Styler's display values are shown
    by st.dataframe (a column_config ``format`` would win over them: give none).

    For st.dataframe only, which draws every cell as text: the Styler does not escape, so
    never hand it to st.table, st.write or ``to_html``, where cell text could become HTML."""
    shown: dict[Any, str | Callable[[object], str] | None] = dict(formats)
    # A missing cell of any column shows empty, never "None" or "nan".
    return table(frame).style.format(na_rep="").format(shown, na_rep="")


def dates_shown_as(
    styler: Styler, column: str, kinds: list[str], formats: dict[str, Callable[[Any], str]]
) -> Styler:
    """A Styler (``numbers_shown_as``) whose ``column`` of dates shows each row's date as
    the formatter of its row's kind writes it (``formats[kinds[row]]``: to the day, the
    month, "first seen ..."; called with NaT for a missing date) and stays dates: a click
    on the header sorts them as dates (Streamlit sorts a date column by its ISO text), not
    as text. Give the column no column_config ``format``: it would win over these."""
    rows: dict[str, list[Any]] = {}
    for label, kind in zip(styler.index, kinds, strict=True):
        rows.setdefault(kind, []).append(label)
    # One format per kind, not per row: a Styler's format costs a lookup of its rows.
    for kind, labels in rows.items():
        written = formats[kind]
        styler = styler.format(
            written, subset=pd.IndexSlice[labels, [column]], na_rep=written(pd.NaT)
        )
    return styler


# One hue per company slot, in the config's order of companies, on every page: a strong
# shade for charts and a light tint of the same hue to mark its mentions in a text. No
# green or red: they say positive and negative tone (dashboard/charts.py's TONE_COLORS).
COMPANY_COLORS = [
    "#2563eb",  # blue
    "#ea580c",  # orange
    "#7c3aed",  # violet
    "#0891b2",  # cyan
    "#db2777",  # pink
    "#ca8a04",  # amber
    "#475569",  # slate
    "#78716c",  # stone
]
PALETTE = ["#bfdbfe", "#fed7aa", "#ddd6fe", "#a5f3fc", "#fbcfe8", "#fef08a", "#e2e8f0", "#e7e5e4"]
# A company the config no longer names (its articles are still stored).
OTHER_COMPANY_COLOR = "#9ca3af"
# The words a search found (no company has it).
SEARCH_COLOR = "#f5d0fe"


def highlight(text: str, spans: Iterable[tuple[int, int, str]], colors: dict[str, str]) -> str:
    """HTML of ``text`` with each (start, end, company) span in a <mark>; all text escaped.

    Overlapping spans keep the first one. The result holds no markup but our own marks and
    line breaks: an article's ``<img onerror=...>`` or markdown link shows as plain text.
    """
    out: list[str] = []
    cursor = 0
    for start, end, company in sorted(spans):
        if start < cursor or start >= end or end > len(text):
            continue
        out.append(_escape(text[cursor:start]))
        color = colors.get(company, PALETTE[-1])
        out.append(
            f'<mark style="background:{color};color:#111;padding:0 2px;border-radius:3px" '
            f'title="{html_text(company)}">{_escape(text[start:end])}</mark>'
        )
        cursor = end
    out.append(_escape(text[cursor:]))
    return "".join(out)


def _escape(fragment: str) -> str:
    return html_text(fragment).replace("\n", "<br>")


def article_html(title_html: str | None, body_html: str) -> str:
    """A readable block from two fragments that ``highlight`` made safe: title, then text."""
    heading = f"<h3>{title_html}</h3>" if title_html else ""
    return f'<div style="line-height:1.6">{heading}<div>{body_html}</div></div>'


def company_colors(companies: list[str]) -> dict[str, str]:
    """Each company's chart colour, by its place in the config's order of companies (pass
    every configured company, not the chosen ones, so that a filter never repaints one)."""
    return {name: COMPANY_COLORS[i % len(COMPANY_COLORS)] for i, name in enumerate(companies)}


def company_mark_colors(companies: list[str]) -> dict[str, str]:
    """Each company's highlight tint in a text: the light shade of its chart colour."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(companies)}


# Where an article's date comes from, as the article view says it (translated by the view).
DATE_ORIGINS = {
    "feed": "from the feed",
    "page": "from the page's metadata",
    "metadata": "from the file's metadata",
    "export": "from the exported file",
}


def date_line(
    published: Any,
    precision: Any,
    source: str | None,
    t: Callable[..., str],
    fmt: Formatting | None = None,
) -> str:
    """The article view's date, in the interface's language and time zone: its value and
    where it comes from; a collection time is said to be one ("date unknown, first seen
    ..."), never shown as the publication date."""
    fmt = fmt or Formatting()
    if source == "first_seen":
        return t("Date: unknown, first seen {when}", when=fmt.datetime(published))
    date = fmt.date(published, precision if isinstance(precision, str) else None)
    if not date:
        return t("Date: {date}", date=t("unknown"))
    origin = DATE_ORIGINS.get(source or "")
    if origin is None:
        return t("Date: {date}", date=date)
    return t("Date: {date} ({origin})", date=date, origin=t(origin))


def period_name(first_day: Any, unit: str, fmt: Formatting) -> str:
    """A chart's period as a reader names it ("mars 2024", "12 mars 2024"): the locale's
    formatting, as the chart's own axis and hover name it."""
    return fmt.period(first_day, unit)


def article_date(published: Any, precision: Any, fmt: Formatting) -> str:
    """An article's date as its card shows it ("25 juil. 2024", "juil. 2024"; empty when
    undated): the day of a dated moment is the day in the configured time zone."""
    if not isinstance(precision, str) or published is None or pd.isna(published):
        return ""
    if precision == "datetime":
        moment = pd.Timestamp(published)
        if moment.tzinfo is None:
            # The store keeps UTC.
            moment = moment.tz_localize("UTC")
        return fmt.day(moment.tz_convert(fmt.zone))
    if precision in ("day", "month", "year"):
        return fmt.date(published, precision)
    return ""
