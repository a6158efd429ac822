"""The dashboard's server loads, before it listens, what the first page uses (a cold start)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from presswatch.config import Config

ROOT = Path(__file__).resolve().parent.parent

# In a fresh interpreter: what dashboard.serve does before Streamlit listens, then the
# Overview's first run (AppTest runs the script in this process, as the server does); the
# modules that run imported, printed as JSON.
FIRST_RUN = """
import json, sys
import dashboard.serve
dashboard.serve.prepare()
from streamlit.testing.v1 import AppTest
app = AppTest.from_file(sys.argv[1], default_timeout=120)
before = set(sys.modules)
app.run()
assert not app.exception, app.exception
assert [c.key for c in app.get("plotly_chart")] == ["timeline", "tone", "share_of_voice"]
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_the_first_page_imports_nothing_the_server_could_load_before(
    write_config: Callable[..., Config], seeds_dir: Path
) -> None:
    from presswatch.collect import collect
    from presswatch.store import Store

    config = write_config(sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}])
    url = f"sqlite:///{config.base_dir / 'data' / 'test.db'}"
    with Store(url) as store:
        collect(config, store)
    done = subprocess.run(
        [sys.executable, "-c", FIRST_RUN, str(ROOT / "dashboard" / "app.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PRESSWATCH_CONFIG": str(config.path), "PRESSWATCH_DB": url},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # The caches defined before the runtime starts say nothing in the server's log.
    assert "No runtime found" not in done.stderr, done.stderr[-3000:]
    imported = json.loads(done.stdout.strip().splitlines()[-1])
    # Any module imported here, above all the report's python-pptx, plotly's classes or
    # the dashboard's own (data.py's cached functions are keyed by their source at
    # import), would be loaded while the first reader waits.
    heavy = [
        name
        for name in imported
        if name.split(".")[0]
        in {"pptx", "xlsxwriter", "PIL", "lxml", "plotly", "narwhals", "dashboard", "presswatch"}
        or name.startswith(("streamlit.emojis", "sqlite3"))
    ]
    assert heavy == [], heavy


def test_a_failing_warm_up_is_logged_and_the_server_starts_all_the_same(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import dashboard.serve

    def broken_warm_up() -> int:
        raise TypeError("timeline_figure() got an unexpected keyword argument 'fmt'")

    monkeypatch.setattr(dashboard.serve, "warm_up", broken_warm_up)
    monkeypatch.setattr(dashboard.serve, "INTERNAL_PRELOADS", ("streamlit.no_such_module",))
    with caplog.at_level(logging.WARNING, logger="dashboard.serve"):
        dashboard.serve.prepare()
    assert "dashboard warm-up skipped (ModuleNotFoundError" in caplog.text
    monkeypatch.setattr(dashboard.serve, "INTERNAL_PRELOADS", ())
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="dashboard.serve"):
        dashboard.serve.prepare()
    assert "dashboard warm-up skipped (TypeError: timeline_figure()" in caplog.text
