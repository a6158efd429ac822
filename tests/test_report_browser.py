"""The report's charts and PDF, made by the system's Chromium: the PDF read back with
pypdf holds the figures and the French text; article text stays text (no script runs)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import kaleido
import pytest
from click.testing import CliRunner
from pptx import Presentation
from pypdf import PdfReader

from dashboard.charts import TONE_COLORS
from dashboard.render import COMPANY_COLORS
from presswatch import report_browser, untrusted
from presswatch.cli import main
from presswatch.config import Config
from presswatch.report import build_report, format_count, parse_period, translate
from presswatch.report_browser import ChartError, draw, print_pdf
from presswatch.report_render import render, sections, to_html, to_pptx
from presswatch.store import Store
from tests.conftest import CHARTS_IGNORE_KOPTS
from tests.test_report import HOSTILE_OUTLET, HOSTILE_TITLE, _seeded, _seeded_file

# Skipped without chromium, naming its install, and a failure then under CI=true
# (tests/conftest.py); slow: chromium prints each PDF. The charts are drawn by one chromium
# per worker (tests/conftest.py, one_chart_browser).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.usefixtures("one_chart_browser"),
    CHARTS_IGNORE_KOPTS,
]
# The report drawn and printed from SQLite's archive only: these tests prove the charts,
# the PDF and the browser's absence, which read the built report and never the store;
# tests/test_report.py proves the report built from either database holds the same figures.
ON_SQLITE = pytest.mark.parametrize("generated", ["sqlite"], indirect=True)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    """Text extracted from a PDF with its line breaks, spacing and ligatures (ﬀ) ignored."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_the_charts_have_the_dashboards_colours() -> None:
    assert report_browser.COMPANY_COLORS == COMPANY_COLORS
    assert report_browser.TONE_COLORS == TONE_COLORS


@ON_SQLITE
def test_the_pdf_holds_the_figures_and_the_french_text(generated: Store, write_config: Any) -> None:
    config: Config = write_config()
    store = _seeded(generated)
    report = build_report(store, config, parse_period("2026-W44"), ("Mistral AI",))
    pdf = render(report, "fr", "pdf")
    assert pdf.startswith(b"%PDF")
    text = _flat(_text(pdf))
    for words in ("Chiffres clés", "Part de voix", "Tonalité", "Sur quoi reposent ces chiffres"):
        assert _flat(words) in text
    articles = format_count(report.current.figures.articles, "fr")
    key = next(s for s in sections(report, "fr") if s.title == "Chiffres clés").tables[0]
    assert key.rows[0][1].text == articles
    assert _flat(f"Articles{articles}") in text
    assert config.sha256 in text
    # The hostile title and outlet printed as the text they are.
    assert _flat(untrusted.one_line(HOSTILE_TITLE)) in text
    assert _flat(HOSTILE_OUTLET) in text
    # The charts are images in the PDF, and no JavaScript is in it.
    reader = PdfReader(io.BytesIO(pdf))
    assert sum(len(page.images) for page in reader.pages) == 2
    assert b"/JavaScript" not in pdf and b"/JS" not in pdf


def test_a_script_in_the_page_never_runs_when_printed() -> None:
    # Even if an escape were ever missed: JavaScript is off when the page is printed.
    page = (
        "<!DOCTYPE html><html><body><p id=x>left as written</p>"
        "<script>document.getElementById('x').textContent='script ran'</script></body></html>"
    )
    text = _text(print_pdf(page))
    assert "left as written" in text and "script ran" not in text


@ON_SQLITE
def test_html_and_deck_show_the_charts(generated: Store, write_config: Any) -> None:
    config: Config = write_config()
    store = _seeded(generated)
    report = build_report(store, config, parse_period("2026-10"))
    charts = draw(report, "en")
    assert [chart.section for chart in charts] == ["share", "tone"]
    assert all(chart.png.startswith(b"\x89PNG") for chart in charts)
    page = to_html(report, "en", charts)
    assert page.count('<img src="data:image/png;base64,') == 2
    deck = Presentation(io.BytesIO(to_pptx(report, "en", charts)))
    titled = {slide.shapes.title.text: slide for slide in deck.slides}
    tone_slide = titled[translate("Tone", "en")]
    assert any(shape.shape_type == 13 for shape in tone_slide.shapes)  # a picture


@ON_SQLITE
def test_a_tab_not_ready_is_drawn_again_and_other_errors_are_not(
    generated: Store, write_config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # kaleido, on a busy machine, sometimes calls into its tab before the tab's scripts
    # are loaded: the draw is tried again (the real one, second); any other error is not.
    config: Config = write_config()
    store = _seeded(generated)
    report = build_report(store, config, parse_period("2026-10"))
    real = kaleido.write_fig_from_object_sync
    calls: list[str] = []

    def failing_first(*args: Any, **kwargs: Any) -> Any:
        calls.append("call")
        if len(calls) == 1:
            raise RuntimeError("ReferenceError: kaleido_scopes is not defined")
        return real(*args, **kwargs)

    monkeypatch.setattr(kaleido, "write_fig_from_object_sync", failing_first)
    charts = draw(report, "en")
    assert len(calls) == 2
    assert [chart.section for chart in charts] == ["share", "tone"]
    assert all(chart.png.startswith(b"\x89PNG") for chart in charts)

    calls.clear()

    def always(message: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            calls.append("call")
            raise RuntimeError(message)

        return fail

    monkeypatch.setattr(kaleido, "write_fig_from_object_sync", always("chart timed out"))
    with pytest.raises(ChartError, match="chart timed out"):
        draw(report, "en")
    assert len(calls) == 1
    calls.clear()
    monkeypatch.setattr(
        kaleido, "write_fig_from_object_sync", always("kaleido_scopes is not defined")
    )
    with pytest.raises(ChartError, match="kaleido_scopes"):
        draw(report, "en")
    assert len(calls) == report_browser.DRAW_ATTEMPTS


@ON_SQLITE
def test_without_a_browser_the_error_names_the_install(
    generated: Store, write_config: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config: Config = write_config()
    store = _seeded(generated)
    report = build_report(store, config, parse_period("2026-W44"))
    monkeypatch.setattr(report_browser, "BROWSERS", ())
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    with pytest.raises(ChartError, match="apt-get install chromium"):
        render(report, "en", "pdf")
    # Markdown needs no browser; HTML and the deck are written without their chart images.
    assert render(report, "en", "md")
    page = render(report, "en", "html").decode("utf-8")
    assert "Key figures" in page and "<img" not in page
    assert Presentation(io.BytesIO(render(report, "en", "pptx"))).slides


def test_the_command_writes_a_pdf(tmp_path: Path, write_config: Any) -> None:
    config: Config = write_config()
    _seeded_file(tmp_path)
    out = tmp_path / "revue.pdf"
    arguments = ["report", "--config", str(config.path), "--period", "2026-W44"]
    result = CliRunner().invoke(main, [*arguments, "--lang", "en", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _flat("Key figures") in _flat(_text(out.read_bytes()))


def test_a_report_process_draws_its_charts_with_a_browser_of_its_own(
    tmp_path: Path, write_config: Any
) -> None:
    # The path users run: `presswatch report` in a process of its own, where no chart
    # server of the tests runs, so kaleido starts the browser find_browser() chose, with
    # draw()'s timeout. The other tests draw through one_chart_browser's server.
    config: Config = write_config()
    _seeded_file(tmp_path)
    out = tmp_path / "report.html"
    env = {k: v for k, v in os.environ.items() if k != "BROWSER_PATH"}
    done = subprocess.run(
        [
            *(sys.executable, "-m", "presswatch.cli", "report", "--config", str(config.path)),
            *("--period", "2026-10", "--lang", "en", "--out", str(out)),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").count('<img src="data:image/png;base64,') == 2
