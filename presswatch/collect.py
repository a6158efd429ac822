"""One collection run: every source through its collector, mentions found, articles stored.

A failing source is recorded on the source and the run goes on with the others.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from collectors import CollectContext, CollectResult
from collectors.http import abort_fetches
from collectors.registry import collector_for
from collectors.schedule import LONGEST_WAIT, beyond_cap, is_due, next_collection
from presswatch.analysis.analyzer import (
    ANALYSIS_KEY,
    Analyzer,
    analyse_pending,
    reanalyze,
)
from presswatch.config import Config
from presswatch.errors import StoreError
from presswatch.models import Article, CollectionRecord, SourceState
from presswatch.store import Store
from presswatch.urls import mask_urls_in

log = logging.getLogger(__name__)

MAX_CONCURRENT_FETCHES = 8
UNCHANGED_BATCH = 64  # unchanged sources written per transaction
WRITE_BATCH_SOURCES = 8  # sources whose articles are written together
WRITE_BATCH_ARTICLES = 500
# Fetched sources wait at most this long for others to fill their batch: a slow source
# must not keep the others' articles unwritten.
WRITE_WAIT_SECONDS = 2.0
# How often the run looks for a stop while it waits for fetches.
WAKE_SECONDS = 0.25
# Who claims sources in the store: unique per process, shown by `presswatch status` and
# `presswatch sources`.
WORKER_ID = f"{socket.gethostname()[:150]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(slots=True)
class SourceOutcome:
    """How one source fared in a run."""

    name: str
    kind: str
    status: str
    error: str | None = None
    new: int = 0
    updated: int = 0
    seen: int = 0
    files_read: int = 0
    problems: list[str] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(slots=True)
class RunSummary:
    """What a collection run did, for the closing lines of ``presswatch collect``."""

    outcomes: list[SourceOutcome] = field(default_factory=list)
    seconds: float = 0.0
    reanalyzed: int = 0
    # The articles the analysis stage finished in this run (new ones and any a killed run
    # left), and how many still wait (a stop came first).
    analysed_ids: list[str] = field(default_factory=list)
    pending: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def failed(self) -> list[SourceOutcome]:
        """The sources that failed."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def new(self) -> int:
        """Articles stored for the first time."""
        return sum(o.new for o in self.outcomes)

    @property
    def new_ids(self) -> set[str]:
        """The ids of the articles stored for the first time."""
        return {i for o in self.outcomes for i in o.new_ids}

    @property
    def updated_ids(self) -> set[str]:
        """The ids of stored articles whose text changed in this run."""
        return {i for o in self.outcomes for i in o.updated_ids}

    @property
    def updated(self) -> int:
        """Articles whose content changed."""
        return sum(o.updated for o in self.outcomes)


def collect(
    config: Config,
    store: Store,
    *,
    only: Sequence[str] | None = None,
    due_only: bool = False,
    on_source_done: Callable[[SourceOutcome], None] | None = None,
    stop: threading.Event | None = None,
    on_analysis: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Collect the enabled sources of the config (or those named in ``only``) once, then
    analyse what waits in the analysis queue.

    Collection stores articles first; analysis (language, mentions, tone, topics, story)
    catches up after, a batch per transaction, so a run killed during it loses no article
    and the next run finishes the queue. ``on_analysis`` is told (articles analysed so
    far, articles waiting at the start). A source disabled by a 410, or whose server asked
    to wait (429/503 Retry-After), is skipped and reported; with ``due_only`` (the
    scheduled collector) so is every source whose next due time has not come.
    """
    started = time.monotonic()
    summary = RunSummary()
    store.sync_sources((s.name, s.kind, s.location) for s in config.sources)
    now = datetime.now(UTC)
    states = {state.name: state for state in store.source_states()}
    sources = []
    for source in config.sources:
        if not source.enabled or (only and source.name not in only):
            continue
        state = states[source.name]
        # A wait stored before waits were capped (a Retry-After in year 5195) is over.
        asked_to_wait = state.http_status in (429, 503)
        due = is_due(state.next_due, None, now) or (
            asked_to_wait and beyond_cap(state.next_due, now)
        )
        waiting = asked_to_wait and not due
        if state.disabled_reason or waiting or (due_only and not due):
            if state.disabled_reason or waiting:
                reason = state.disabled_reason or (
                    f"the server asked to wait until {state.next_due:%Y-%m-%d %H:%M} UTC"
                )
                summary.skipped.append((source.name, reason))
            continue
        sources.append(source)
    if not sources and not store.count_pending_analysis():
        # Nothing due (the watcher asks often): no analyser to build, no run to record.
        summary.seconds = time.monotonic() - started
        return summary
    analyzer = Analyzer(config)
    store.set_figure_languages(analyzer.languages)
    if store.get_meta(ANALYSIS_KEY) != analyzer.fingerprint and store.count_articles():
        # Aliases, topics or the tone model changed since the archive was analysed: bring
        # the stored articles up to date first.
        summary.reanalyzed = store.count_articles()
        reanalyze(store, analyzer)
    else:
        store.set_meta(ANALYSIS_KEY, analyzer.fingerprint)
        store.set_tone_model(analyzer.tone.model_name)
    if not sources:  # nothing to fetch, but a killed run left articles to analyse
        _analyse_queue(store, analyzer, summary, stop, on_analysis)
        summary.seconds = time.monotonic() - started
        return summary
    run_id = store.start_run()
    languages = tuple(config.languages)
    # Collectors ask whether an article is already stored (to fetch full text only once);
    # they read this set, never the store. Only full-text sources need it.
    fulltext = [source.name for source in sources if getattr(source, "fulltext", False)]
    known_ids = frozenset(store.article_ids()) if fulltext else frozenset()
    # An article stored under an older id scheme is known by its key in its source.
    known_keys = frozenset(store.entry_keys(fulltext)) if fulltext else frozenset()

    def known(article: Article) -> bool:
        return article.id in known_ids or (article.source, article.entry_key) in known_keys

    lease = timedelta(seconds=config.lease_seconds)
    claimed: set[str] = set()
    shared = store.shares_work

    def fetch(source: Any) -> tuple[CollectResult | None, float, SourceState | None]:
        # Several workers may share the database. A source is claimed when its fetch
        # starts, so that a lease covers one fetch and its write (with at most 7 other
        # sources' parsing before it: the writes are batched), never a queue; the claim
        # fails if another worker holds it or (scheduled runs) has collected it since.
        # On SQLite the collector lock file already keeps other collectors out, and a
        # claim from this thread would contend with the writes of the main one.
        if shared:
            if not store.claim_sources(
                [source.name],
                WORKER_ID,
                datetime.now(UTC),
                lease,
                due_only=due_only,
                longest_wait=LONGEST_WAIT,
            ):
                return None, 0.0, None
            claimed.add(source.name)
        # Shared: read afresh (another worker may have collected it since the run began).
        state = store.source_state(source.name) if shared else states.get(source.name)
        context = CollectContext(
            state=state,
            base_dir=config.base_dir,
            languages=languages,
            files=store.file_states(source.name) if source.kind == "files" else {},
            known=known,
            defer=True,
            cancel=stop,
        )
        began = time.monotonic()
        try:
            result = collector_for(source.kind)(source, context)
        except Exception as exc:  # a bug in one collector must not stop the run
            log.exception("collector for %s crashed", source.name)
            result = CollectResult(
                "failed",
                error=f"internal error ({exc.__class__.__name__}: {exc}); please report it",
            )
        return result, time.monotonic() - began, state

    pool = ThreadPoolExecutor(max_workers=MAX_CONCURRENT_FETCHES)
    recorded: set[str] = set()
    # Sources are written a few at a time: one write for the articles of up to
    # WRITE_BATCH_SOURCES sources took 0.76 s for 240 feeds of 30 entries where one write
    # per feed took 1.79 s (bench/RESULTS.md). Unchanged sources (304) are written
    # together too: losing them in a crash only means asking those feeds again.
    pending: list[_Fetched] = []
    unchanged: list[CollectionRecord] = []

    def write_pending() -> None:
        outcomes = _record_many(store, pending, unchanged)
        pending.clear()
        for outcome in outcomes:
            recorded.add(outcome.name)
            summary.outcomes.append(outcome)
            if on_source_done:
                on_source_done(outcome)
        if len(unchanged) >= UNCHANGED_BATCH:
            store.record_collections(unchanged)
            unchanged.clear()

    try:
        futures: dict[Future[tuple[CollectResult | None, float, SourceState | None]], Any] = {
            pool.submit(fetch, source): source for source in sources
        }
        # Fetching runs in threads; analysis and writes stay on this thread, one at a time.
        # It wakes up often: to see a stop (SIGTERM) at once, and to write what is
        # fetched when a slow source keeps the batch from filling.
        in_flight = set(futures)
        oldest_pending = 0.0
        for future in _as_completed(in_flight, stop):
            if future is None:
                if pending and time.monotonic() - oldest_pending >= WRITE_WAIT_SECONDS:
                    write_pending()
                continue
            source = futures[future]
            result, seconds, fresh_state = future.result()
            if result is None:
                if not due_only:
                    summary.skipped.append((source.name, "another collector is collecting it"))
                continue
            began = time.monotonic()
            try:
                result = result.finished()
            except Exception as exc:  # a bug in parsing must not stop the run either
                log.exception("parsing %s crashed", source.name)
                result = CollectResult(
                    "failed",
                    error=f"internal error ({exc.__class__.__name__}: {exc}); please report it",
                )
            seconds += time.monotonic() - began
            if not pending:
                oldest_pending = time.monotonic()
            pending.append(_Fetched(source, result, seconds, fresh_state))
            if (
                len(pending) >= WRITE_BATCH_SOURCES
                or sum(len(item.result.articles) for item in pending) >= WRITE_BATCH_ARTICLES
            ):
                write_pending()
        write_pending()
        store.record_collections(unchanged)
        unchanged.clear()
    finally:
        if stop is not None and stop.is_set():
            abort_fetches(stop)  # fetches in progress end now, not at their deadline
        pool.shutdown(wait=stop is None or not stop.is_set(), cancel_futures=True)
        # An error stopped the run: what is not written is released below.
        recorded.difference_update(record.name for record in unchanged)
        # Sources claimed but not written (a stop, an error) go back to the other workers
        # now rather than when their lease expires.
        try:
            store.release_sources(WORKER_ID, claimed - recorded)
        except StoreError:
            log.warning("could not release %d claimed sources", len(claimed - recorded))
    _analyse_queue(store, analyzer, summary, stop, on_analysis)
    summary.seconds = time.monotonic() - started
    store.finish_run(
        run_id,
        sources_ok=len(summary.outcomes) - len(summary.failed),
        sources_failed=len(summary.failed),
        articles_new=summary.new,
        articles_updated=summary.updated,
        errors=[f"{o.name}: {o.error}" for o in summary.failed],
    )
    if summary.new:
        store.refresh_statistics()
    return summary


def _as_completed(
    futures: set[Future[Any]], stop: threading.Event | None
) -> Iterator[Future[Any] | None]:
    """Each future as it completes, and None every WAKE_SECONDS without one; ends early
    when ``stop`` is set (the futures left are the next run's)."""
    # A queue fed by done-callbacks: concurrent.futures.wait() would register a waiter on
    # every pending future at each wake-up, quadratic in the number of sources.
    done: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
    for future in futures:
        future.add_done_callback(done.put)
    left = len(futures)
    while left:
        if stop is not None and stop.is_set():
            return
        try:
            future = done.get(timeout=WAKE_SECONDS)
        except queue.Empty:
            yield None
            continue
        left -= 1
        yield future


@dataclass(slots=True)
class _Fetched:
    """A source's collection result, parsed, waiting to be written with others."""

    source: Any
    result: CollectResult
    seconds: float
    state: SourceState | None


def _analyse_queue(
    store: Store,
    analyzer: Analyzer,
    summary: RunSummary,
    stop: threading.Event | None,
    on_analysis: Callable[[int, int], None] | None,
) -> None:
    """The analysis stage of a run: every article waiting in the queue, in batches."""
    waiting = store.count_pending_analysis()
    if not waiting:
        return
    done = 0
    if on_analysis is not None:
        on_analysis(0, waiting)  # the stage starts: nothing analysed yet

    def progress(count: int) -> None:
        nonlocal done
        done += count
        if on_analysis is not None:
            on_analysis(done, waiting)

    # Filled batch by batch: a failure in a later batch keeps the earlier ones' ids (the
    # watcher alerts on them).
    analyse_pending(store, analyzer, progress=progress, stop=stop, done=summary.analysed_ids)
    summary.pending = store.count_pending_analysis()


def _record_many(
    store: Store,
    fetched: Sequence[_Fetched],
    unchanged: list[CollectionRecord],
) -> list[SourceOutcome]:
    """Store the articles of several sources in one write (new and edited ones wait in
    the analysis queue), then each source's new state; unchanged sources' states are
    added to ``unchanged``, for the caller to write."""
    now = datetime.now(UTC)
    done = [item for item in fetched if item.result.status != "failed"]
    # Each feed entry under the id the archive knows it by (an archive written before
    # guids won over links; an entry whose guid changes each time): one look-up for the
    # batch. Files keep their own identity rules (collectors/files.py): a row that took a
    # deleted row's place in a CSV is a new article, not that one.
    feeds = [item for item in done if item.source.kind == "rss"]
    resolved = store.resolve_articles([a for item in feeds for a in item.result.articles])
    position = 0
    for item in feeds:
        count = len(item.result.articles)
        item.result.articles = resolved[position : position + count]
        position += count
    articles = [a for item in done for a in item.result.articles]
    counts = store.save_articles(articles, queue=True)
    new_ids, updated_ids = set(counts.new_ids), set(counts.updated_ids)
    credited: set[str] = set()  # an article new in two sources counts in the first
    outcomes: list[SourceOutcome] = []
    records: list[CollectionRecord] = []
    for item in fetched:
        source, result, state = item.source, item.result, item.state
        # A feed's credentials or token never reach the output, the log or the database.
        if result.error:
            result.error = mask_urls_in(result.error)
        result.problems = [mask_urls_in(p) for p in result.problems]
        outcome = SourceOutcome(
            name=source.name,
            kind=source.kind,
            status=result.status,
            error=result.error,
            seen=result.entries_seen,
            files_read=result.files_read,
            problems=list(result.problems),
            seconds=item.seconds,
        )
        before = state.consecutive_failures if state else 0
        failures = before + 1 if result.status == "failed" else 0
        upcoming = next_collection(
            now=now,
            every=source.every,
            failures=failures,
            http_status=result.http_status,
            retry_after=result.retry_after,
        )
        values: dict[str, Any] = {
            "lease_owner": None,
            "lease_until": None,
            "last_attempt": now,
            "http_status": result.http_status,
            "next_due": upcoming.next_due,
            "disabled_reason": upcoming.disabled_reason,
        }
        if result.status == "failed":
            values.update(error=result.error, consecutive_failures=failures)
        else:
            ids = [i for i in dict.fromkeys(a.id for a in result.articles) if i not in credited]
            credited.update(ids)
            outcome.new_ids = [i for i in ids if i in new_ids]
            outcome.new = len(outcome.new_ids)
            outcome.updated_ids = [i for i in ids if i in updated_ids]
            outcome.updated = len(outcome.updated_ids)
            # Only once its articles are stored is a file marked as read: a run killed in
            # between reads it again next time, and writing it twice changes nothing.
            store.save_file_states(source.name, result.file_states)
            values.update(
                error=None,
                consecutive_failures=0,
                last_success=now,
                entries_seen=result.entries_seen,
                entries_new=outcome.new,
                etag=result.etag,
                last_modified=result.last_modified,
            )
            if result.title:
                values["title"] = result.title
        record = CollectionRecord(
            source.name,
            values,
            now,
            ok=result.status != "failed",
            http_status=result.http_status,
            error=result.error,
            articles_new=outcome.new,
        )
        (unchanged if result.status == "not_modified" else records).append(record)
        outcomes.append(outcome)
    store.record_collections(records)
    return outcomes
