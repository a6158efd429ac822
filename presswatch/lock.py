"""The single-collector lock of a SQLite archive: a flock on a file beside the database.

Kept apart from the watcher so that `presswatch collect` and `presswatch status` take or
read it without importing the watcher's alerts, reports and exports.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from presswatch.errors import StoreError
from presswatch.store import redact_url, shares_work, sqlite_file


class CollectorLocked(StoreError):
    """Another collector holds this database."""


def lock_path(url: str) -> Path:
    """Where the single-collector lock of a database lives (beside a SQLite file)."""
    database = sqlite_file(url)
    if database is not None:
        return Path(database + ".collector.lock")
    # An in-memory database or another server: one lock per URL on this machine.
    digest = hashlib.sha256(redact_url(url).encode()).hexdigest()
    return Path(tempfile.gettempdir()) / f"presswatch-{digest[:16]}.collector.lock"


# What a collector writes into the lock file it holds (and leaves there when it exits).
_HOLDER = re.compile(r"pid (\d+) on (\S+)")


def _process_exists(pid: int) -> bool:
    """Whether a process of that id runs on this machine (signal 0 only asks)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, run by another user
        return True
    return True


def lock_state(path: Path) -> str:
    """The collector lock in words: free, held by a running process, or left by one gone.

    The lock is the file's flock, which the system drops when its holder exits however it
    ends; the text in the file (the last holder) stays, so it alone says nothing.
    """
    try:
        handle = path.open("r", encoding="utf-8")
    except FileNotFoundError:
        return "free"
    with handle:
        holder = handle.read().strip()
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return f"held by {holder or 'another process'}"
        fcntl.flock(handle, fcntl.LOCK_UN)
    found = _HOLDER.fullmatch(holder)
    if found is None:
        return "free"
    pid, host = int(found.group(1)), found.group(2)
    if host == socket.gethostname() and not _process_exists(pid):
        return f"free; its last holder, {holder}, is gone (the process has exited)"
    return f"free; its last holder, {holder}, no longer holds it"


def _take_lock(handle: IO[str], attempts: int = 5) -> None:
    """Take the lock file's exclusive flock, or raise BlockingIOError if a holder keeps it.

    A few tries a tenth of a second apart: `presswatch status` takes the lock for an
    instant to see whether anyone holds it, and must not turn a collector away.
    """
    for attempt in range(attempts):
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1)


@contextmanager
def collector_lock(url: str) -> Iterator[None]:
    """Hold the database's collector lock, or raise CollectorLocked naming the holder.

    On PostgreSQL there is no such lock: workers share the sources through leases.
    """
    if shares_work(url):
        yield
        return
    path = lock_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle: IO[str] = path.open("a+", encoding="utf-8")
    try:
        try:
            _take_lock(handle)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise CollectorLocked(
                f"another collector ({holder}) already collects into this database; stop it "
                f"first, or point this one at another database (lock: {path})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}")
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock
