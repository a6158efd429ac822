"""A hostile archive for the dashboard's tests: outlets, titles, authors and texts that try
to become Markdown, HTML, plotly markup, LaTeX, Streamlit colours and icons, or to reorder
the text with bidi controls. Written for the tests (no publisher's text)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from presswatch.analysis.analyzer import Analyzer
from presswatch.config import Config
from presswatch.models import Article, make_article_id
from presswatch.store import Store

PHISH = "[Le Monde](https://evil.test/phish)"
LINKED = '<a href="https://evil.test/x">Libé</a>'
BOLD = "<b>Gras</b><br>Brisé"
STREAMLIT = r"$\LaTeX$ :red[rouge] :material/warning: :skull:"
RTL_TITLE = "Mistral AI : facture \u202egpj.exe\u202c à ouvrir"
AUTHOR = "<b>Auteur</b> [Claire](https://evil.test/a)"
# A secret in a source's address: the Sources page must mask it.
SECRET = "s3cr3t-t0k3n"
PRIVATE_FEED = f"http://reader:{SECRET}@127.0.0.1:9/feed.xml?token={SECRET}"

# What must never reach a Markdown widget unescaped, nor plotly as markup.
MARKUP = [
    "](https://evil",
    "<a ",
    "<a href",
    "<b>",
    "<br>Brisé",
    "$\\LaTeX$",
    ":red[",
    ":material/warning:",
    ":skull:",
]
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"


def hostile_config(write_config: Callable[..., Config]) -> Config:
    """A config with a topic the hostile texts name and a feed whose URL holds a token."""
    return write_config(
        sources=[{"name": "Private feed", "kind": "rss", "url": PRIVATE_FEED}],
        topics={"funding": ["levée de fonds"]},
    )


def _articles(now: datetime) -> Iterator[Article]:
    outlets = [PHISH, PHISH, PHISH, LINKED, BOLD, STREAMLIT]
    for number, outlet in enumerate(outlets):
        title = RTL_TITLE if number == 0 else f"Mistral AI et sa levée de fonds {outlet}"
        yield Article(
            id=make_article_id(f"https://news.test/{number}", "Feed", str(number)),
            source="Feed",
            entry_key=str(number),
            url=f"https://news.test/{number}",
            outlet=outlet,
            author=AUTHOR,
            title=title,
            text=(
                f"Mistral AI annonce une levée de fonds record. {outlet} {STREAMLIT} "
                f"{LINKED} {BOLD} \u202eOpenAI\u202c reste loin derrière Mistral AI."
            ),
            published=now - timedelta(days=1 + number % 3, hours=number),
            date_precision="datetime",
            language="fr",
        )


def fill_hostile_archive(config: Config, url: str) -> None:
    """Store the hostile articles, analysed, and the private feed's source row."""
    analyzer = Analyzer(config)
    with Store(url) as store:
        store.sync_sources((s.name, s.kind, s.location) for s in config.sources)
        store.save_articles([analyzer.analyse(a) for a in _articles(datetime.now(UTC))])


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside a JSON-like value (a plotly figure's spec)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def plotly_strings(spec: str) -> list[str]:
    """The strings of a plotly chart as Streamlit sends it."""
    return list(strings_in(json.loads(spec)))
