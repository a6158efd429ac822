"""The Export page's report, apart from the loaders: only that page imports it.

The report's renderers bring python-pptx (and XlsxWriter, Pillow and lxml with it): a
module of their own keeps them out of the first page of a new server (a cold start).
"""

from __future__ import annotations

from datetime import date

from dashboard.data import get_config, open_store
from presswatch.report import build_report, period_between
from presswatch.report_render import render


def build_report_file(
    url: str, start: date, end: date, companies: tuple[str, ...], output: str, language: str
) -> bytes:
    """The Export page's report: `presswatch report` for the sidebar's period and companies."""
    config = get_config()
    made = build_report(open_store(url), config, period_between(start, end), companies)
    return render(made, language, output)
