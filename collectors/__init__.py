"""Collectors turn a source (feed, folder) into Article records; they know nothing of storage.

Each kind of source has one collector, found by its ``kind`` in config.yaml through
collectors.registry. This package holds the types every collector shares; it imports none
of its modules, so that they can import it without a cycle.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from presswatch import __version__
from presswatch.models import Article, FileState, SourceState

USER_AGENT = f"presswatch/{__version__} (+media monitoring; feed reader)"

CollectStatus = Literal["ok", "not_modified", "failed", "fetched"]


@dataclass(frozen=True, slots=True)
class CollectContext:
    """What a collector is given besides its source: the stored state, where, and when."""

    state: SourceState | None
    base_dir: Path
    languages: tuple[str, ...] = ("fr", "en")
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    user_agent: str = USER_AGENT
    files: dict[str, FileState] = field(default_factory=dict)
    # Is this article stored already (by its id, or by its key in its source)?
    known: Callable[[Article], bool] = field(default=lambda _article: False)
    # May the collector leave CPU work (parsing) to the caller's thread (CollectResult.finish)?
    # The collection run (presswatch.collect) says yes: its fetch threads should only wait
    # on the network.
    defer: bool = False
    # Set when the run is told to stop: fetches in progress are cut, none is started.
    cancel: threading.Event | None = None


@dataclass(slots=True)
class CollectResult:
    """What one collection of one source gave: articles, or one error in plain words.

    ``problems`` are the non-fatal ones (a skipped entry, an unreadable file): the rest of
    the source was still collected.
    """

    status: CollectStatus
    articles: list[Article] = field(default_factory=list)
    error: str | None = None
    problems: list[str] = field(default_factory=list)
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None
    entries_seen: int = 0
    files_read: int = 0
    file_states: list[FileState] = field(default_factory=list)
    retry_after: datetime | None = None
    # Work left for the collecting thread (parsing a fetched body): fetch threads only
    # wait on the network, so that CPU work never fights over the GIL with the writes.
    finish: Callable[[], CollectResult] | None = None

    def finished(self) -> CollectResult:
        """This result with its remaining work done (in the calling thread)."""
        return self.finish() if self.finish is not None else self


Collector = Callable[[Any, CollectContext], CollectResult]
