"""`presswatch dashboard`'s server: Streamlit, the first page's modules imported first.

Streamlit runs a page's script only when someone opens it, so the first reader of a new
server used to wait for the imports of the whole stack (pandas, SQLAlchemy and the store,
the analytics, plotly, Babel, pydantic and the config) before the first chart. Imported
here, before the server listens, they are in memory when the first page runs: the same
modules, since Streamlit runs the pages in this process.
"""

from __future__ import annotations

import sys

from streamlit.web import cli as streamlit_cli

# Not dashboard.data nor dashboard.view: their Streamlit caches belong to the runtime,
# which starts below. What they import is here.
import dashboard.charts
import presswatch.analysis.nlp.sentiment
import presswatch.export
import presswatch.overview
import presswatch.review
import presswatch.search

PRELOADED = (
    dashboard.charts,
    presswatch.analysis.nlp.sentiment,
    presswatch.export,
    presswatch.overview,
    presswatch.review,
    presswatch.search,
)


def main() -> None:
    """Run `streamlit run` with this process's arguments (the app's path and options)."""
    sys.argv = ["streamlit", "run", *sys.argv[1:]]
    streamlit_cli.main()


if __name__ == "__main__":
    main()
