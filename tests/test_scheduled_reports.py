"""Scheduled reports (`reports:`): each ended week's or month's report made by the watcher
once the analysis has caught up, saved, e-mailed to a real SMTP server on 127.0.0.1, once
per period across restarts, an e-mail that failed sent again without losing the file."""

from __future__ import annotations

import email
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from presswatch.analysis.analyzer import Analyzer, analyse_pending
from presswatch.analysis.nlp.sentiment import VaderBackend
from presswatch.config import Config
from presswatch.scheduled_reports import last_ended_period, run_scheduled_reports
from presswatch.store import Store
from presswatch.watch import Watcher
from tests.conftest import Inbox, alert_settings
from tests.generated import generated_articles
from tests.processes import free_port
from tests.test_analysis_queue import clip
from tests.test_report import _seeded

# Tuesday of ISO week 45 of 2026: week 44 (26 October to 1 November) has ended.
AFTER_WEEK_44 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)


def _no_wait(_seconds: float) -> None:
    return


def _config(write_config: Callable[..., Config], smtp_port: int, **entry: Any) -> Config:
    schedule = {"every": "week", "formats": ["md"], "lang": "fr", "email": True, **entry}
    return write_config(alerts=alert_settings(smtp_port, rules=[]), reports=[schedule])


def _attachments(message: Any) -> dict[str, bytes]:
    parsed = email.message_from_bytes(message.content)
    return {
        part.get_filename(): part.get_payload(decode=True)
        for part in parsed.walk()
        if part.get_filename()
    }


def test_the_periods_that_have_ended() -> None:
    assert last_ended_period("week", date(2026, 11, 1)).code == "2026-W43"  # a Sunday
    assert last_ended_period("week", date(2026, 11, 2)).code == "2026-W44"  # the Monday
    assert last_ended_period("month", date(2026, 10, 31)).code == "2026-09"
    assert last_ended_period("month", date(2026, 11, 1)).code == "2026-10"
    assert last_ended_period("month", date(2027, 1, 5)).code == "2026-12"


def test_each_periods_report_is_made_and_sent_once_across_restarts(
    write_config: Callable[..., Config], tmp_path: Path, smtp: tuple[int, Inbox]
) -> None:
    port, inbox = smtp
    config = _config(write_config, port)
    url = f"sqlite:///{tmp_path / 'data' / 'test.db'}"
    with Store(url) as store:
        store.save_articles(generated_articles())
        _seeded(store)
        first = run_scheduled_reports(config, store, AFTER_WEEK_44, _no_wait)
    assert [(o.period, o.made, o.emailed) for o in first] == [("2026-W44", True, True)]
    saved = tmp_path / "reports" / "presswatch-2026-W44-fr.md"
    assert first[0].files == [saved] and "Chiffres clés" in saved.read_text(encoding="utf-8")
    assert len(inbox.messages) == 1
    attached = _attachments(inbox.messages[0])
    assert attached == {saved.name: saved.read_bytes()}

    # The watcher restarts (a new process, the same database): nothing is made or sent
    # again for week 44, neither by the function nor by the watcher's own pass.
    saved.write_text("kept as the reader left it", encoding="utf-8")
    with Store(url) as store:
        again = run_scheduled_reports(config, store, AFTER_WEEK_44, _no_wait)
        Watcher(config, store)._scheduled_reports(AFTER_WEEK_44)
    assert [(o.made, o.emailed) for o in again] == [(False, False)]
    assert saved.read_text(encoding="utf-8") == "kept as the reader left it"
    assert len(inbox.messages) == 1

    # The next week, its own report, once.
    next_week = datetime(2026, 11, 10, 8, 0, tzinfo=UTC)
    with Store(url) as store:
        made = run_scheduled_reports(config, store, next_week, _no_wait)
        run_scheduled_reports(config, store, next_week, _no_wait)
    assert [(o.period, o.made) for o in made] == [("2026-W45", True)]
    assert (tmp_path / "reports" / "presswatch-2026-W45-fr.md").exists()
    assert len(inbox.messages) == 2


def test_no_report_before_the_analysis_has_caught_up(
    write_config: Callable[..., Config], store: Store, smtp: tuple[int, Inbox]
) -> None:
    port, inbox = smtp
    config = _config(write_config, port, every="month")
    store.save_articles([clip("late", "Mistral AI ouvre un bureau à Lyon.")], queue=True)
    assert store.count_pending_analysis() == 1
    # 30 November's article waits in the queue: November's report waits with it.
    december = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    assert run_scheduled_reports(config, store, december, _no_wait) == []
    assert not (config.resolve_path("reports")).exists() and inbox.messages == []

    analyse_pending(store, Analyzer(config, tone=VaderBackend()))
    made = run_scheduled_reports(config, store, december, _no_wait)
    assert [(o.period, o.made, o.emailed) for o in made] == [("2026-11", True, True)]
    # The article analysed late is in the report.
    assert "Dépêche late" in made[0].files[0].read_text(encoding="utf-8")


def test_a_failed_email_keeps_the_file_and_is_sent_later(
    write_config: Callable[..., Config], generated: Store
) -> None:
    port = free_port()  # nothing listens there yet: the SMTP server is down
    config = _config(write_config, port)
    store = _seeded(generated)
    failed = run_scheduled_reports(config, store, AFTER_WEEK_44, _no_wait)
    assert [(o.made, o.emailed) for o in failed] == [(True, False)]
    assert failed[0].error and "Connection refused" in failed[0].error
    saved = failed[0].files[0]
    assert saved.exists()
    state = json.loads(store.get_meta(failed[0].key) or "{}")
    assert state["emailed"] is False and state["attempts"] == 1

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        retried = run_scheduled_reports(config, store, AFTER_WEEK_44, _no_wait)
        run_scheduled_reports(config, store, AFTER_WEEK_44, _no_wait)
    finally:
        controller.stop()
    assert [(o.made, o.emailed) for o in retried] == [(False, True)]
    assert len(inbox.messages) == 1
    assert _attachments(inbox.messages[0]) == {saved.name: saved.read_bytes()}
