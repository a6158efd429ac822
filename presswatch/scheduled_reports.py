"""Scheduled reports (`reports:` in config.yaml): each week's or month's report, made by the
watcher once the period has ended and the analysis has caught up, saved in a folder and
e-mailed with the alerts' SMTP settings, at most once per period.

What was done for a period is recorded in the store's key-value table (a key per schedule
entry and period), so that a restarted watcher neither makes a report twice nor forgets an
e-mail that failed: the saved files are attached again on the next pass until one is sent.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from presswatch.alerts import _with_retries, send_email
from presswatch.config import Config, ScheduledReportConfig
from presswatch.report import Period, build_report, parse_period
from presswatch.report_render import report_title, write_report
from presswatch.store import Store

log = logging.getLogger(__name__)

KEY_PREFIX = "report:"


@dataclass(frozen=True)
class Outcome:
    """What one pass did for one schedule entry's period."""

    key: str
    period: str
    made: bool  # the files were made in this pass
    emailed: bool  # an e-mail went out in this pass
    files: list[Path]
    error: str | None = None


def entry_id(entry: ScheduledReportConfig) -> str:
    """A short fingerprint of a schedule entry: a changed entry is a new schedule."""
    text = json.dumps(entry.model_dump(), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def last_ended_period(every: str, today: date) -> Period:
    """The latest week (ISO, Monday to Sunday) or calendar month that ended before today."""
    if every == "week":
        year, week, _ = (today - timedelta(days=7)).isocalendar()
        return parse_period(f"{year}-W{week:02d}")
    previous = today.replace(day=1) - timedelta(days=1)
    return parse_period(f"{previous.year:04d}-{previous.month:02d}")


def file_name(entry: ScheduledReportConfig, period: Period, language: str, output: str) -> str:
    """The report's file name: presswatch-2026-W44-fr.pdf, with the company when one."""
    company = ""
    if entry.company:
        slug = "".join(c if c.isalnum() else "-" for c in entry.company.lower()).strip("-")
        company = f"-{slug}"
    return f"presswatch-{period.code}{company}-{language}.{output}"


def _state(store: Store, key: str) -> dict[str, Any] | None:
    raw = store.get_meta(key)
    return json.loads(raw) if raw else None


def run_scheduled_reports(
    config: Config, store: Store, now: datetime, sleep: Callable[[float], None] = time.sleep
) -> list[Outcome]:
    """Make and send each scheduled report whose period has ended, once the analysis queue
    is empty; each period's report once, its e-mail retried until sent."""
    if not config.reports:
        return []
    waiting = store.count_pending_analysis()
    if waiting:
        log.info("scheduled reports wait for the analysis (%d articles queued)", waiting)
        return []
    outcomes = []
    for entry in config.reports:
        period = last_ended_period(entry.every, now.date())
        key = f"{KEY_PREFIX}{entry_id(entry)}:{period.code}"
        try:
            outcomes.append(_run_one(config, store, entry, period, key, sleep))
        except Exception as exc:  # one report's failure must not stop the others
            log.exception("the scheduled report %s could not be made", key)
            outcomes.append(Outcome(key, period.code, False, False, [], str(exc)))
    return outcomes


def _run_one(
    config: Config,
    store: Store,
    entry: ScheduledReportConfig,
    period: Period,
    key: str,
    sleep: Callable[[float], None],
) -> Outcome:
    """One entry's report of one period: made unless recorded, e-mailed unless sent."""
    state = _state(store, key)
    language = entry.lang or config.interface_language or "en"
    made = False
    files = [Path(p) for p in state["files"]] if state else []
    if state is None or not all(path.exists() for path in files):
        if entry.company and config.company(entry.company) is None:
            raise ValueError(
                f"reports: company '{entry.company}' is not among the config's companies; "
                "write one of their names or leave company out"
            )
        companies = (entry.company,) if entry.company else ()
        report = build_report(store, config, period, companies)
        folder = config.resolve_path(entry.folder)
        files = [
            write_report(
                report, language, output, folder / file_name(entry, period, language, output)
            )
            for output in entry.formats
        ]
        state = {
            "files": [str(p) for p in files],
            "title": report_title(report, language),
            "made_at": now_text(),
            "emailed": False,
            "attempts": 0,
        }
        store.set_meta(key, json.dumps(state))
        made = True
        log.info("scheduled report %s written: %s", key, ", ".join(map(str, files)))
    if not entry.email or state.get("emailed"):
        return Outcome(key, period.code, made, False, files)
    if config.alerts.email is None:
        missing = "reports: email is true but alerts.email (the SMTP settings) is missing"
        log.error("%s: %s", key, missing)
        return Outcome(key, period.code, made, False, files, missing)
    title = str(state["title"])
    body = f"{title}\n\n" + "\n".join(path.name for path in files)
    ok, _, error = _with_retries(lambda: send_email(config, title, body, None, files), sleep)
    state["attempts"] = int(state.get("attempts", 0)) + 1
    state["emailed"] = ok
    if error and not ok:
        state["error"] = error
        log.error("the scheduled report %s was saved but not e-mailed (retried): %s", key, error)
    store.set_meta(key, json.dumps(state))
    return Outcome(key, period.code, made, ok, files, None if ok else error)


def now_text() -> str:
    """The current moment in UTC, ISO 8601."""
    return datetime.now().astimezone().isoformat(timespec="seconds")
