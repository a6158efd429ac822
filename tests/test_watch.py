"""The scheduled collector in a subprocess: new entries stored, SIGTERM, one collector per DB."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import presswatch.watch as watch_module
from presswatch.cli import main
from presswatch.config import Config
from presswatch.errors import StoreError
from presswatch.lock import collector_lock
from presswatch.store import Store
from presswatch.watch import Watcher
from tests.conftest import FeedServer, Inbox, Receiver, Route, alert_settings
from tests.processes import logged_output, presswatch_logged, wait_for


def rss(items: list[str]) -> bytes:
    body = "".join(
        f"<item><title>{t}</title><link>https://journal.example.com/{i}</link>"
        f"<guid>g{i}</guid><description>{t} : Mistral AI.</description></item>"
        for i, t in enumerate(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Journal</title>{body}</channel></rss>'.encode()


def start_watcher(config: Config, name: str, **popen: Any) -> subprocess.Popen[str]:
    """`presswatch watch` writing its output to files beside the config (NAME.out, NAME.err):
    a pipe read only once the watcher has stopped can fill up and block it under load."""
    return presswatch_logged("watch", config.path, name, **popen)


def watcher_output(config: Config, name: str) -> tuple[str, str]:
    """What the watcher started as NAME wrote to its standard output and error."""
    return logged_output(config.path, name)


@pytest.mark.slow
def test_watcher_collects_new_entries_stops_on_sigterm_and_is_alone(
    write_config: Callable[..., Config], feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.routes["/feed.xml"] = Route(rss(["Premier article"]))
    config = write_config(
        sources=[
            {"name": "Journal", "kind": "rss", "url": feed_server.url("/feed.xml"), "every": "2s"}
        ]
    )
    database = tmp_path / "data" / "test.db"

    def stored() -> int:
        if not database.exists():
            return 0
        with Store(f"sqlite:///{database}") as store:
            return store.count_articles()

    watcher = start_watcher(config, "watcher")
    try:
        assert wait_for(lambda: stored() == 1, 30), "the first entry was not stored"
        feed_server.routes["/feed.xml"] = Route(rss(["Premier article", "Deuxième article"]))
        assert wait_for(lambda: stored() == 2, 60), "an entry added while running was not stored"

        second = start_watcher(config, "second")
        second.wait(timeout=30)
        _out, err = watcher_output(config, "second")
        assert second.returncode == 1
        assert "another collector (pid" in err and "already collects into this database" in err

        started = time.monotonic()
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(timeout=15)
        out, err = watcher_output(config, "watcher")
        assert watcher.returncode == 0, err
        assert time.monotonic() - started < 10
        assert "Stopped after" in out
        assert "Journal: 1 new" in out  # one log line per source per run
    finally:
        if watcher.poll() is None:
            watcher.kill()
    assert stored() == 2


@pytest.mark.slow
def test_a_stalled_source_holds_neither_the_others_articles_nor_the_stop(
    write_config: Callable[..., Config], feed_server: FeedServer, tmp_path: Path
) -> None:
    # A server trickling its headers (200 s of them) kept the healthy feed's articles
    # unwritten until it ended, and SIGTERM waited for it too.
    feed_server.routes["/feed.xml"] = Route(rss(["Premier article"]))
    feed_server.routes["/stalled.xml"] = Route(
        rss(["Jamais écrit"]), header_trickle=0.5, header_pad=400
    )
    config = write_config(
        sources=[
            {"name": "Journal", "kind": "rss", "url": feed_server.url("/feed.xml"), "every": "2s"},
            {
                "name": "Stalled",
                "kind": "rss",
                "url": feed_server.url("/stalled.xml"),
                "every": "2s",
            },
        ]
    )
    database = tmp_path / "data" / "test.db"

    def stored() -> int:
        if not database.exists():
            return 0
        with Store(f"sqlite:///{database}") as store:
            return store.count_articles()

    watcher = start_watcher(config, "watcher")
    try:
        assert wait_for(lambda: stored() == 1, 40), "the healthy feed waited for the stalled one"
        assert any(path == "/stalled.xml" for path, _ in feed_server.requests)
        started = time.monotonic()
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(timeout=60)
        stopped_after = time.monotonic() - started
        assert watcher.returncode == 0, watcher_output(config, "watcher")[1]
        # Within 2 s on an idle machine; the bound leaves room for a shared one, and is far
        # below the 200 s the stalled server would take.
        assert stopped_after < 6, f"stopped {stopped_after:.1f} s after SIGTERM"
    finally:
        if watcher.poll() is None:
            watcher.kill()
    assert stored() == 1


def test_collect_refuses_while_a_collector_holds_the_database(
    write_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = write_config()
    url = f"sqlite:///{tmp_path / 'data' / 'test.db'}"
    with collector_lock(url):
        result = CliRunner().invoke(main, ["collect", "--config", str(config.path)])
    assert result.exit_code == 1
    assert "already collects into this database" in result.output
    assert CliRunner().invoke(main, ["collect", "--config", str(config.path)]).exit_code == 0


def test_a_database_error_is_retried_not_fatal(
    write_config: Callable[..., Config],
    feed_server: FeedServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    feed_server.routes["/feed.xml"] = Route(rss(["Premier article"]))
    config = write_config(
        sources=[
            {"name": "Journal", "kind": "rss", "url": feed_server.url("/feed.xml"), "every": "1h"}
        ]
    )
    real_collect = watch_module.collect
    calls: list[str] = []

    def flaky_collect(*args: object, **kwargs: object) -> object:
        calls.append("call")
        if len(calls) == 1:
            raise StoreError("database is locked")
        return real_collect(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(watch_module, "collect", flaky_collect)
    monkeypatch.setattr(watch_module, "RETRY_FIRST", timedelta(seconds=0.1))
    with Store(f"sqlite:///{tmp_path / 'w.db'}") as store:
        watcher = Watcher(config, store)
        thread = threading.Thread(target=watcher.run)
        thread.start()
        assert wait_for(lambda: store.count_articles() == 1, 20)
        watcher.stop()
        thread.join(timeout=10)
        assert not thread.is_alive()
    assert len(calls) >= 2  # failed once, then collected


def hostile_feed(keys: list[str]) -> bytes:
    """Le Monde (a tier-1 outlet in the test config) writing harshly about Mistral AI."""
    items = "".join(
        f"<item><title>Désastre chez Mistral AI : pertes, échecs et licenciements ({key})</title>"
        f"<link>https://lemonde.example.com/{key}</link><guid>{key}</guid>"
        "<description>Mistral AI accumule les échecs et les pertes, un désastre pour la "
        "start-up.</description></item>"
        for key in keys
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Le Monde</title>{items}</channel></rss>"
    ).encode()


@pytest.mark.slow
def test_the_watcher_alerts_by_webhook_and_email_once_per_event(
    write_config: Callable[..., Config],
    feed_server: FeedServer,
    webhook: tuple[str, Receiver],
    smtp: tuple[int, Inbox],
) -> None:
    url, receiver = webhook
    port, inbox = smtp
    feed_server.routes["/lemonde.xml"] = Route(hostile_feed(["un"]))
    config = write_config(
        sources=[
            {
                "name": "Le Monde",
                "kind": "rss",
                "url": feed_server.url("/lemonde.xml"),
                "every": "1s",
            }
        ],
        alerts=alert_settings(port),
    )

    def fetches() -> int:
        return sum(1 for path, _headers in feed_server.requests if path == "/lemonde.xml")

    def collected_again(times: int) -> bool:
        # The watcher fetches, stores, then raises and sends alerts, in that order: once the
        # feed has been fetched this many more times, as many collections have had their
        # alerts looked at (the last one's perhaps not yet, hence one fetch more).
        since = fetches()
        return wait_for(lambda: fetches() >= since + times + 1, 60)

    watcher = start_watcher(config, "watcher", env={**os.environ, "PW_TEST_WEBHOOK": url})
    try:
        # One article: a negative one, in a tier-1 outlet: two events, each sent both ways.
        assert wait_for(lambda: len(receiver.posts) >= 2 and len(inbox.messages) >= 2, 60)
        # Three more collections of the same feed: no new event, no new alert.
        assert collected_again(3), "the watcher stopped collecting"
        assert len(receiver.posts) == 2 and len(inbox.messages) == 2
        feed_server.routes["/lemonde.xml"] = Route(hostile_feed(["un", "deux"]))
        assert wait_for(lambda: len(receiver.posts) >= 4 and len(inbox.messages) >= 4, 30)
        assert collected_again(2), "the watcher stopped collecting"
        assert len(receiver.posts) == 4 and len(inbox.messages) == 4
    finally:
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(timeout=30)
    _out, err = watcher_output(config, "watcher")
    assert watcher.returncode == 0, err
    titles = sorted(post["title"] for post in receiver.posts)
    assert titles == [
        "Le Monde writes about Mistral AI",
        "Le Monde writes about Mistral AI",
        "Negative article about Mistral AI",
        "Negative article about Mistral AI",
    ]
    links = " ".join(post["text"] for post in receiver.posts)
    assert "https://lemonde.example.com/un" in links and "https://lemonde.example.com/deux" in links
    assert all(m.rcpt_tos == ["comms@example.com"] for m in inbox.messages)
