"""No secret printed, logged or stored: a feed's user:pass@ and ?token=, a database password."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from presswatch.cli import main
from presswatch.config import Config
from presswatch.store import Store
from tests.conftest import FeedServer, Route

PASSWORD = "pa55w0rd-feed"
TOKEN = "t0k3n-s3cr3t"


@pytest.mark.slow
def test_a_feeds_credentials_and_token_are_masked_everywhere(
    write_config: Callable[..., Config], feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.routes["/private.xml?token=" + TOKEN] = Route(status=403)
    host = feed_server.base_url.removeprefix("http://")
    url = f"http://reader:{PASSWORD}@{host}/private.xml?token={TOKEN}"
    config = write_config(sources=[{"name": "Private", "kind": "rss", "url": url}])
    args = ["--config", str(config.path)]

    # A real process, with -v: httpx logs every URL it asks at INFO.
    collected = subprocess.run(
        [sys.executable, "-m", "presswatch.cli", "-v", "collect", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert feed_server.requests, collected.stderr  # the feed was asked, with its token
    output = collected.stdout + collected.stderr
    assert "FAILED       Private: the server answered 403" in output, output
    assert "HTTP Request: GET" in output  # the log is there, masked
    assert "reader:***@" in output and "token=***" in output
    assert PASSWORD not in output and TOKEN not in output, output

    with Store(f"sqlite:///{tmp_path / 'data' / 'test.db'}") as store:
        errors = store.sources_frame()["error"].tolist()
        events = store.source_events_frame()["error"].dropna().tolist()
        runs = store.runs_frame(limit=1)
    assert errors and events and all("token=***" in e for e in errors + events)
    stored = json.dumps([errors, events, runs.astype(str).to_dict("records")])
    assert PASSWORD not in stored and TOKEN not in stored

    runner = CliRunner()
    listed = runner.invoke(main, ["sources", *args])
    assert "Private [rss] FAILING" in listed.output
    assert PASSWORD not in listed.output and TOKEN not in listed.output

    out = tmp_path / "export.csv"
    assert runner.invoke(main, ["export", *args, "--out", str(out)]).exit_code == 0
    manifest = (tmp_path / "export.manifest.json").read_text(encoding="utf-8")
    assert "token=***" in manifest
    assert PASSWORD not in manifest and TOKEN not in manifest


def test_check_config_masks_the_database_password(
    write_config: Callable[..., Config],
) -> None:
    config = write_config(database=f"postgresql+psycopg://press:{PASSWORD}@db.invalid/press")
    result = CliRunner().invoke(main, ["check-config", "--config", str(config.path)])
    assert result.exit_code == 0, result.output
    assert "postgresql+psycopg://press:***@db.invalid/press" in result.output
    assert PASSWORD not in result.output
