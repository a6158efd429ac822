"""`presswatch dashboard`'s server: Streamlit, the first page's modules imported first.

Streamlit runs a page's script only when someone opens it, so the first reader of a new
server used to wait for the imports of the whole stack (pandas, SQLAlchemy and the store,
the analytics, plotly, Babel, pydantic and the config) before the first chart. Imported
here, before the server listens, they are in memory when the first page runs: the same
modules, since Streamlit runs the pages in this process.

Some modules load only when first used (plotly's trace and layout classes and their
validators, narwhals' pandas support, the sqlite3 driver, Streamlit's emoji table for the
page icon): ``warm_up`` uses them once on made-up rows, so that the first page finds them
loaded too.
"""

from __future__ import annotations

import importlib
import logging
import sqlite3
import sys

import pandas as pd
import plotly.io
import plotly.subplots
import streamlit.delta_generator
from streamlit.web import cli as streamlit_cli

# Not dashboard.data nor dashboard.view: their Streamlit caches belong to the runtime,
# which starts below. What they import is here.
import dashboard.charts
import presswatch.analysis.nlp.sentiment
import presswatch.export
import presswatch.overview
import presswatch.review
import presswatch.search
from presswatch.formatting import Formatting

PRELOADED = (
    dashboard.charts,
    presswatch.analysis.nlp.sentiment,
    presswatch.export,
    presswatch.overview,
    presswatch.review,
    presswatch.search,
    plotly.subplots,
    sqlite3,
)
# Modules inside pyarrow and Streamlit that the first page loads, not public APIs: a
# release that renames one costs only this speed-up (see ``prepare``), never the server.
INTERNAL_PRELOADS = (
    "pyarrow.pandas_compat",
    "streamlit.emojis",
    "streamlit.material_icon_names",
    # pandas loads these on the first pivot_table and to_dict (the Overview's tone counts,
    # plotly's figure), Streamlit its magic's helpers on the first script run.
    "pandas.core.reshape.reshape",
    "pandas.core.methods.to_dict",
    "streamlit.runtime.scriptrunner.magic_funcs",
)
# The dashboard's own modules that hold Streamlit caches (articles and view import data),
# fragments or components (first_chart). Their import was the first run's largest:
# Streamlit keys each of data.py's cached functions by its source.
CACHING_MODULES = (
    "dashboard.access",
    "dashboard.articles",
    "dashboard.first_chart",
    "dashboard.i18n",
    "dashboard.view",
)
LOG = logging.getLogger(__name__)


def warm_up() -> int:
    """Draw the first page's charts once on made-up rows (the timeline as bars and as
    lines) and serialise them as Streamlit does, so that the classes they use are loaded;
    the characters sent."""
    companies = ["A", "B"]
    fmt = Formatting()
    figures = []
    for count in (2, dashboard.charts.MAX_PERIODS_FOR_BARS + 1):
        months = pd.date_range("2024-01-01", periods=count, freq="MS")
        timeline = pd.DataFrame(
            {
                "period": list(months) * 2,
                "company": [c for c in companies for _ in months],
                "mentions": [n % 3 for n in range(2 * count)],
                "articles": [n % 2 for n in range(2 * count)],
            }
        )
        figures.append(dashboard.charts.timeline_figure(timeline, companies, "month", fmt=fmt))
    tone_timeline = timeline.assign(
        positive=timeline["articles"],
        negative=0,
        total=timeline["articles"] * 4,
        positive_share=[25.0 if a else float("nan") for a in timeline["articles"]],
        negative_share=[0.0 if a else float("nan") for a in timeline["articles"]],
    )
    tones = pd.DataFrame(
        {"company": companies, "positive": [1, 1], "neutral": [0, 1], "negative": [0, 1]}
    )
    share = pd.DataFrame(
        {
            "company": companies,
            "articles": [1, 3],
            "stories": [1, 2],
            "mentions": [1, 5],
            "share_articles": [25.0, 75.0],
            "share_stories": [100 / 3, 200 / 3],
            "share_mentions": [100 / 6, 500 / 6],
        }
    )
    figures.append(dashboard.charts.tone_figure(tones, tone_timeline, companies, "month", fmt=fmt))
    figures.append(dashboard.charts.share_of_voice_figure(share, companies, fmt=fmt))
    return sum(len(plotly.io.to_json(figure, validate=False)) for figure in figures)


def import_caching_modules() -> None:
    """Import CACHING_MODULES before the runtime starts.

    A Streamlit cache checks its parameters when its function is defined (a remark only on
    persist="disk" with a ttl; no cache here persists), against the runtime's storage,
    else against memory storage with a warning "No runtime found", silenced here for these
    imports. Its storage is made on its first call, once the runtime runs."""
    checks = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = checks.level
    checks.setLevel(logging.ERROR)
    try:
        for name in CACHING_MODULES:
            importlib.import_module(name)
    finally:
        checks.setLevel(level)


def prepare() -> None:
    """What the server does before it listens: the warm-up, and Streamlit's REPL check.

    All of it only saves the first reader some time: whatever fails here is logged and the
    server starts all the same."""
    try:
        for name in INTERNAL_PRELOADS:
            importlib.import_module(name)
        import_caching_modules()
        warm_up()
    except Exception as error:  # a speed-up must never keep the dashboard from starting
        # To the server's log, not the page (LOG.log: the i18n check reads .warning as st's).
        LOG.log(
            logging.WARNING,
            "dashboard warm-up skipped (%s: %s); the first page loads slower",
            type(error).__name__,
            error,
        )
    # A private Streamlit flag (guarded: a release without it only loses the saving).
    # Streamlit's first element of a process checks, by walking the stack and reading every
    # frame's source, whether it runs in a REPL, to warn that it is not under `streamlit
    # run`: this process is `streamlit run`, so the check is marked done.
    if hasattr(streamlit.delta_generator, "_use_warning_has_been_displayed"):
        streamlit.delta_generator._use_warning_has_been_displayed = True


def main() -> None:
    """Run `streamlit run` with this process's arguments (the app's path and options)."""
    prepare()
    sys.argv = ["streamlit", "run", *sys.argv[1:]]
    streamlit_cli.main()


if __name__ == "__main__":
    main()
