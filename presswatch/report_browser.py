"""What a report needs a browser for: its charts as PNG images, and its PDF.

The charts are drawn by plotly and exported by its own static export.
plotly's static export (kaleido >= 1) drives the Chrome or Chromium installed on the
machine (Debian's /usr/bin/chromium; BROWSER_PATH overrides the choice) and never
downloads one. The charts are those of the dashboard's overview, in its colours: share of
voice as three stacked bars of 100% (by articles, unique stories, mentions), and each
company's articles by tone. Every label from the data goes through untrusted.plotly_text,
so that plotly never reads an outlet's or a company's name as markup.

The PDF is the report's HTML printed by the same browser, headless, under a
Content-Security-Policy that forbids every script and outside request (put first in the
page whatever the page says: chromium cannot print with JavaScript switched off).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from presswatch import untrusted
from presswatch.errors import PresswatchError
from presswatch.report import TONES, Report, tone_table, translate

# The dashboard's colours (dashboard/render.py COMPANY_COLORS, dashboard/charts.py
# TONE_COLORS), which the product layer cannot import: tests/test_report_browser.py holds
# them equal.
COMPANY_COLORS = [
    "#2563eb",
    "#ea580c",
    "#7c3aed",
    "#0891b2",
    "#db2777",
    "#ca8a04",
    "#475569",
    "#78716c",
]
OTHER_COLOR = "#9ca3af"
TONE_COLORS = {"positive": "#16a34a", "neutral": "#9ca3af", "negative": "#dc2626"}
# Where Debian and other systems put the browser, first found wins.
BROWSERS = ("/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/google-chrome")
INSTALL_HINT = "install it with `apt-get install chromium` (or set BROWSER_PATH to a Chrome)"
WIDTH, HEIGHT = 1000, 420
# How long one chart may take to draw (kaleido's default is 90 s).
DRAW_SECONDS = 180
# Draws tried when kaleido calls into its tab before the tab's scripts are loaded, which
# happens once in a while on a busy machine ("kaleido_scopes is not defined"): the next
# browser start draws the charts.
DRAW_ATTEMPTS = 3
_TAB_NOT_READY = "kaleido_scopes is not defined"


class ChartError(PresswatchError):
    """The charts or the PDF cannot be made: no browser to draw them with."""


@dataclass(frozen=True)
class Chart:
    """One chart of a report: which section it illustrates, its title and PNG bytes."""

    section: str  # "share" or "tone"
    title: str
    png: bytes


def find_browser() -> str:
    """The Chrome or Chromium to print and draw with, or a ChartError naming the install."""
    chosen = os.environ.get("BROWSER_PATH")
    if chosen and Path(chosen).exists():
        return chosen
    for candidate in (*BROWSERS, shutil.which("chromium"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    raise ChartError(f"No Chromium or Chrome found to draw the report's charts: {INSTALL_HINT}")


def company_colors(companies: list[str]) -> dict[str, str]:
    """Each company's colour by its place in the config's order (as the dashboard paints)."""
    return {name: COMPANY_COLORS[i % len(COMPANY_COLORS)] for i, name in enumerate(companies)}


def figures(report: Report, language: str) -> list[tuple[str, str, Any]]:
    """The report's plotly figures: (section, title, figure), none for an empty period."""
    # plotly loads in a second: only when charts are drawn.
    import plotly.graph_objects as go

    def t(text: str) -> str:
        return translate(text, language)

    label = untrusted.plotly_text
    colors = company_colors(report.all_companies or report.companies)
    share = report.current.figures.share
    made: list[tuple[str, str, Any]] = []
    layout: dict[str, Any] = {
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        "legend_title_text": "",
        "template": "plotly_white",
        "font": {"family": "DejaVu Sans, sans-serif", "size": 14},
    }
    if not share.empty:
        measures = [
            ("articles", t("Share of articles")),
            ("stories", t("Share of stories")),
            ("mentions", t("Share of mentions")),
        ]
        figure = go.Figure()
        for row in share.to_dict("records"):
            values = [float(row[f"share_{column}"]) for column, _ in measures]
            figure.add_trace(
                go.Bar(
                    x=values,
                    y=[label(name) for _, name in measures],
                    orientation="h",
                    name=label(row["company"]),
                    marker_color=colors.get(str(row["company"]), OTHER_COLOR),
                    text=[f"{v:.0f}%" if v >= 5 else "" for v in values],
                    textposition="inside",
                    insidetextanchor="middle",
                )
            )
        title = t("Share of voice")
        figure.update_xaxes(title_text=label(t("Share of voice")) + " (%)", range=[0, 100])
        figure.update_yaxes(autorange="reversed")
        figure.update_layout(
            **layout, barmode="stack", title_text=label(title), legend_traceorder="normal"
        )
        made.append(("share", title, figure))
    tones = tone_table(report.current.figures, report.companies)
    if not tones.empty and int(tones[list(TONES)].to_numpy().sum()) > 0:
        figure = go.Figure()
        for tone in TONES:
            figure.add_trace(
                go.Bar(
                    x=tones[tone].astype(int).tolist(),
                    y=[label(name) for name in tones["company"]],
                    orientation="h",
                    name=label(t(tone.capitalize())),
                    marker_color=TONE_COLORS[tone],
                )
            )
        title = t("Tone")
        figure.update_xaxes(title_text=label(t("Articles")))
        figure.update_yaxes(autorange="reversed")
        figure.update_layout(**layout, barmode="stack", title_text=label(title))
        made.append(("tone", title, figure))
    return made


def draw(report: Report, language: str) -> list[Chart]:
    """The report's charts as PNG images, all drawn by one browser start."""
    chosen = figures(report, language)
    if not chosen:
        return []
    browser = find_browser()
    # kaleido comes with plotly's static export: loaded only when charts are drawn.
    import kaleido

    previous = os.environ.get("BROWSER_PATH")
    os.environ["BROWSER_PATH"] = browser  # kaleido's browser finder reads it
    try:
        with tempfile.TemporaryDirectory(prefix="presswatch-charts-") as folder:
            paths = [Path(folder) / f"{n}.png" for n in range(len(chosen))]
            specs = [
                {
                    "fig": figure,
                    "path": path,
                    "opts": {"format": "png", "width": WIDTH, "height": HEIGHT, "scale": 1},
                }
                for (_, _, figure), path in zip(chosen, paths, strict=True)
            ]
            for attempt in range(1, DRAW_ATTEMPTS + 1):
                try:
                    # plotly.io.write_images drops a chart that fails without a word:
                    # kaleido itself raises instead (cancel_on_error), and waits longer
                    # on a busy machine.
                    kaleido.write_fig_from_object_sync(
                        specs, kopts={"timeout": DRAW_SECONDS}, cancel_on_error=True
                    )
                    break
                except Exception as exc:  # kaleido's errors name no common base class
                    if _TAB_NOT_READY not in str(exc) or attempt == DRAW_ATTEMPTS:
                        raise
            return [
                Chart(section, title, path.read_bytes())
                for (section, title, _), path in zip(chosen, paths, strict=True)
            ]
    except Exception as exc:  # kaleido's errors name no common base class
        raise ChartError(f"The report's charts could not be drawn ({exc}); {INSTALL_HINT}") from exc
    finally:
        if previous is None:
            os.environ.pop("BROWSER_PATH", None)
        else:
            os.environ["BROWSER_PATH"] = previous


# Debian's chromium headless, as root, and without the background requests to Google that
# a closed network refuses (the tests and benchmarks start it with the same flags).
HEADLESS_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Printing also leaves out extensions and the printed header and footer (path and date).
PRINT_ARGS = [
    *HEADLESS_ARGS,
    "--disable-extensions",
    "--no-pdf-header-footer",
    "--print-to-pdf-no-header",
]
PRINT_SECONDS = 120
# The first element of every printed page: no script, no request but inline styles and
# data: images. A <meta> before <html> opens the head, where the policy holds.
PRINT_POLICY = (
    '<!DOCTYPE html><meta http-equiv="Content-Security-Policy" '
    "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
)
_DOCTYPE = re.compile(r"^\s*<!doctype[^>]*>", re.IGNORECASE)


def print_pdf(page: str) -> bytes:
    """An HTML page printed to PDF by headless Chromium, no script run, nothing fetched."""
    browser = find_browser()
    with tempfile.TemporaryDirectory(prefix="presswatch-pdf-") as folder:
        source = Path(folder) / "report.html"
        source.write_text(PRINT_POLICY + _DOCTYPE.sub("", page, count=1), encoding="utf-8")
        target = Path(folder) / "report.pdf"
        command = [
            browser,
            *PRINT_ARGS,
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            # The browser found on the machine, fixed arguments and our own temporary file.
            done = subprocess.run(  # noqa: S603
                command, capture_output=True, text=True, timeout=PRINT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ChartError(
                f"{browser} did not print the report within {PRINT_SECONDS} s; "
                "try again, or write --format html and print it from a browser"
            ) from exc
        if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            last = (done.stderr or "").strip().splitlines()[-3:]
            raise ChartError(
                f"{browser} could not print the report to PDF (exit {done.returncode}: "
                f"{' '.join(last)}); {INSTALL_HINT}"
            )
        return target.read_bytes()
