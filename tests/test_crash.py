"""A collection killed with SIGKILL leaves a consistent database, and the next run completes
it: killed while storing articles, and killed while analysing them."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from presswatch.config import Config
from presswatch.store import Store

# Each test kills a real collector process with SIGKILL.
pytestmark = pytest.mark.slow

# Articles neither analysed (no mention: each one names Mistral AI) nor waiting for it.
LOST = (
    "SELECT count(*) FROM articles a WHERE NOT EXISTS "
    "(SELECT 1 FROM mentions m WHERE m.article_id = a.id) AND NOT EXISTS "
    "(SELECT 1 FROM analysis_queue q WHERE q.article_id = a.id)"
)


def test_kill_9_mid_run_loses_nothing_and_duplicates_nothing(
    write_config: Callable[..., Config], tmp_path: Path
) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    count = 3000
    for index in range(count):
        (folder / f"{index:05d}.txt").write_text(
            f"Dépêche {index}\nMistral AI signe l’accord numéro {index} avec un client.",
            encoding="utf-8",
        )
    # vader: this is about what a kill leaves, not about tone, and it keeps the runs short.
    config = write_config(
        sources=[{"name": "Clips", "kind": "files", "path": "clips"}], tone={"backend": "vader"}
    )
    database = tmp_path / "data" / "test.db"
    command = [sys.executable, "-m", "presswatch.cli", "collect", "--config", str(config.path)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        if database.exists():
            try:
                with sqlite3.connect(database, timeout=1) as conn:
                    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.Error:
                stored = 0
            if stored > 0:
                break
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)  # in the middle of writing, or just after
    process.wait()

    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        partial = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        lost = conn.execute(LOST).fetchone()[0]
    assert 0 < partial <= count
    assert lost == 0  # every article stored is analysed or waits in the queue

    # Killed again, this time while the analysis stage works through the queue.
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    analysed = waiting = 0
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with sqlite3.connect(database, timeout=1) as conn:
                analysed = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
                waiting = conn.execute("SELECT count(*) FROM analysis_queue").fetchone()[0]
        except sqlite3.Error:
            continue
        if analysed > 0 and waiting > 0:
            break
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute(LOST).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM analysis_queue").fetchone()[0] > 0
        # An article's analysis and its leaving the queue are one transaction.
        assert (
            conn.execute(
                "SELECT count(*) FROM mentions m JOIN analysis_queue q"
                " ON q.article_id = m.article_id"
            ).fetchone()[0]
            == 0
        )

    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    with Store(f"sqlite:///{database}") as store:
        articles = store.articles_frame()
        mentions = store.mentions_frame()
        assert store.count_pending_analysis() == 0
    assert len(articles) == count and articles["id"].is_unique
    assert mentions.groupby("article_id").size().eq(1).all() and len(mentions) == count
