"""The Export page offers `presswatch report` for the sidebar's period and companies: an
AppTest drives it and compares the served bytes with the command's."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from dashboard.render import md
from presswatch.cli import main
from presswatch.collect import collect
from presswatch.config import Config
from presswatch.report import parse_period, period_between
from presswatch.store import Store
from tests.conftest import CHARTS_IGNORE_KOPTS
from tests.test_dashboard import open_app


@pytest.fixture
def archive(
    write_config: Callable[..., Config], seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Config:
    config = write_config(sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}])
    url = f"sqlite:///{config.base_dir / 'data' / 'test.db'}"
    with Store(url) as store:
        collect(config, store)
    monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
    monkeypatch.setenv("PRESSWATCH_DB", url)
    return config


def test_a_sidebar_period_is_a_week_a_month_or_days() -> None:
    assert period_between(date(2024, 3, 1), date(2024, 3, 31)) == parse_period("2024-03")
    assert period_between(date(2024, 3, 18), date(2024, 3, 24)) == parse_period("2024-W12")
    assert period_between(date(2024, 3, 2), date(2024, 3, 31)).kind == "range"


@pytest.mark.usefixtures("one_chart_browser")
@CHARTS_IGNORE_KOPTS
def test_the_export_page_serves_the_commands_report(archive: Config, tmp_path: Path) -> None:
    app = open_app("app_pages/export.py")
    assert not app.exception, app.exception
    # All time is no period to report on: the page says what to choose.
    assert not app.get("download_button")
    assert any("Choose a period" in info.value for info in app.info)

    app.sidebar.selectbox(key="period").set_value("Custom").run()
    app.sidebar.date_input(key="custom_period").set_value(
        (date(2024, 3, 1), date(2024, 3, 31))
    ).run()
    assert not app.exception, app.exception
    # The period as the caption's Markdown writes it (escaped: shown as 2024-03).
    assert any(md("2024-03") in caption.value for caption in app.caption)
    app.selectbox(key="report_format").set_value("md").run()
    app.selectbox(key="report_language").set_value("fr").run()
    assert not app.get("download_button") or all(
        button.proto.label != "Download the report" for button in app.get("download_button")
    )
    app.button(key="report_prepare").click().run()
    assert not app.exception, app.exception
    _, served = app.session_state["report_file"]

    out = tmp_path / "revue.md"
    arguments = ["report", "--config", str(archive.path), "--period", "2024-03"]
    result = CliRunner().invoke(main, [*arguments, "--lang", "fr", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert served == out.read_bytes()
    assert "Revue de presse" in served.decode("utf-8") and "mars 2024" in served.decode("utf-8")

    # Another format: the prepared Markdown is not offered for it; a deck once prepared.
    app.selectbox(key="report_format").set_value("pptx").run()
    labels = [button.proto.label for button in app.get("download_button")]
    assert "Download the report" not in labels
    app.button(key="report_prepare").click().run()
    assert not app.exception, app.exception
    _, deck = app.session_state["report_file"]
    slides = Presentation(io.BytesIO(deck)).slides
    assert slides[0].shapes.title.text.startswith("Revue de presse")
