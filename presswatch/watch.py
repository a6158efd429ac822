"""The scheduled collector: collects each source when it is due, until told to stop.

On SQLite, one collector per database: a lock file beside the SQLite file, held for the
watcher's life, makes a second watcher refuse to start and say which process holds it. On
PostgreSQL, any number of workers (on any machines) share the work: each claims the due
sources it collects with a lease in the database (Store.claim_sources).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import FrameType

from presswatch.alerts import check_and_deliver, write_digest
from presswatch.collect import RunSummary, SourceOutcome, collect
from presswatch.config import Config
from presswatch.errors import StoreError
from presswatch.scheduled_reports import run_scheduled_reports
from presswatch.store import Store

log = logging.getLogger(__name__)

# The longest the watcher sleeps between two looks at the schedule: a source added to the
# config or a due time moved by a manual collection is noticed within this.
MAX_SLEEP = timedelta(seconds=60)
MIN_SLEEP = timedelta(seconds=1)
# After a database error (locked by a long read, disk full), the watcher waits this long,
# doubling up to the cap, instead of stopping.
RETRY_FIRST = timedelta(seconds=5)
RETRY_CAP = timedelta(minutes=5)


class Watcher:
    """Runs due collections in a loop; stop() ends it after the write in progress."""

    def __init__(
        self,
        config: Config,
        store: Store,
        on_source_done: Callable[[SourceOutcome], None] | None = None,
        on_run_done: Callable[[RunSummary], None] | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.on_source_done = on_source_done
        self.on_run_done = on_run_done
        self.stopping = threading.Event()

    def stop(self, *_args: object) -> None:
        """Ask the loop to end (safe from a signal handler)."""
        self.stopping.set()

    def seconds_until_due(self, now: datetime) -> float:
        """How long to sleep before the next source is due (bounded)."""
        enabled = {s.name for s in self.config.sources if s.enabled}
        dues = [
            state.next_due
            for state in self.store.source_states()
            if state.name in enabled and not state.disabled_reason
        ]
        if any(due is None for due in dues):
            return MIN_SLEEP.total_seconds()
        upcoming = min((d for d in dues if d is not None), default=now + MAX_SLEEP)
        wait = min(max(upcoming - now, MIN_SLEEP), MAX_SLEEP)
        return wait.total_seconds()

    def run(self) -> int:
        """Collect due sources until stopped; return the number of runs made."""
        runs = 0
        pause = RETRY_FIRST
        while not self.stopping.is_set():
            try:
                summary = collect(
                    self.config,
                    self.store,
                    due_only=True,
                    on_source_done=self.on_source_done,
                    stop=self.stopping,
                )
            except StoreError as exc:
                # A locked or full database: each write is one transaction, so nothing is
                # half-written; wait and try again rather than stop collecting for good.
                log.error("collection failed, retrying in %.0f s: %s", pause.total_seconds(), exc)
                self.stopping.wait(pause.total_seconds())
                pause = min(pause * 2, RETRY_CAP)
                continue
            pause = RETRY_FIRST
            if summary.outcomes or summary.analysed_ids:
                runs += 1
                if self.on_run_done:
                    self.on_run_done(summary)
                try:
                    # Alerts wait for the analysis: an article is judged once it is
                    # analysed (in this run, or after a killed run left it queued), and
                    # once only: an edit of a stored article raises none.
                    judged = set(summary.analysed_ids) - summary.updated_ids
                    raised, sent, failed = check_and_deliver(self.store, self.config, judged)
                    if raised or failed:
                        log.warning("alerts: %d raised, %d sent, %d failed", raised, sent, failed)
                except StoreError as exc:  # the database went away: one line, not a trace
                    log.error(
                        "alerts could not be checked, retrying after the next run; "
                        "collection goes on: %s",
                        exc,
                    )
                except Exception:  # an alert problem must not stop the collector
                    log.exception("alerts could not be checked; collection goes on")
            self._daily_digest(datetime.now(UTC))
            self._scheduled_reports(datetime.now(UTC))
            try:
                wait = self.seconds_until_due(datetime.now(UTC))
            except StoreError as exc:  # the database went away between two runs
                log.error(
                    "cannot read the schedule, retrying in %.0f s: %s", pause.total_seconds(), exc
                )
                wait = pause.total_seconds()
            self.stopping.wait(wait)
        return runs

    def _daily_digest(self, now: datetime) -> None:
        """Once a day, yesterday's press review, unless it was already written."""
        day = (now - timedelta(days=1)).date()
        target = self.config.resolve_path(self.config.digest.folder)
        if (target / f"revue-de-presse-{day.isoformat()}.md").exists():
            return
        try:
            write_digest(self.config, self.store, day)
        except StoreError as exc:  # the database went away: tried again next time
            log.error(
                "the digest of %s could not be written, retrying after the next run: %s", day, exc
            )
        except Exception:  # the digest must not stop the collector either
            log.exception("the digest of %s could not be written", day)

    def _scheduled_reports(self, now: datetime) -> None:
        """The reports of `reports:` whose period ended, once analysis has caught up."""
        try:
            run_scheduled_reports(self.config, self.store, now)
        except StoreError as exc:  # the database went away: tried again next time
            log.error(
                "scheduled reports could not be checked, retrying after the next run: %s", exc
            )
        except Exception:  # a report must not stop the collector
            log.exception("scheduled reports could not be made")


def install_signal_handlers(watcher: Watcher) -> None:
    """SIGTERM and SIGINT stop the watcher after the write in progress."""

    def handle(signum: int, _frame: FrameType | None) -> None:
        log.warning("signal %s: finishing the write in progress, then stopping", signum)
        watcher.stop()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
