"""HTTP shared by the collectors that fetch: one client, per-host limits, bounded bodies,
and failures told in one sentence.

Feeds (rss.py) and article pages (fulltext.py) both fetch over HTTP: what they share lives
here, so that neither imports the other.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import urlsplit

import httpx

TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=10.0, pool=10.0)
# A whole body, from the response's headers to its last byte: the read timeout only
# bounds the wait for each piece, and a server trickling a byte at a time would hold a
# fetching thread for ever (a feed of 10 MB takes a few seconds on a slow line).
FETCH_DEADLINE_SECONDS = 120.0
MAX_REDIRECTS = 5


class HostLimiter:
    """At most ``per_host`` requests at once to one host, whatever the number of threads."""

    def __init__(self, per_host: int = 2) -> None:
        self.per_host = per_host
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Hold one of the host's slots for the duration of a request."""
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(self.per_host))
        with semaphore:
            yield


# Politeness towards publishers: a site serving several feeds sees two requests at a time.
HOSTS = HostLimiter(per_host=2)


@lru_cache(maxsize=1)
def shared_client() -> httpx.Client:
    """One HTTP client for every fetch of the process: pooled connections, one TLS setup.

    httpx clients are thread-safe; creating one per feed cost more than a 304 itself.
    """
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=16)
    return httpx.Client(
        timeout=TIMEOUT, follow_redirects=True, max_redirects=MAX_REDIRECTS, limits=limits
    )


def describe_http_error(exc: Exception, url: str) -> str:
    """One sentence a person understands for a failed request, with what to check."""
    host = httpx.URL(url).host
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return f"could not resolve the host {host}: check the URL or the network"
        if isinstance(cause, ssl.SSLError):
            return f"TLS handshake with {host} failed ({cause.__class__.__name__}): check the URL"
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out connecting to {host}: the server or the network is down"
    if isinstance(exc, httpx.ReadTimeout):
        return f"{host} stopped sending data (read timeout): try again later"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"more than {MAX_REDIRECTS} redirects from {url}: fix the feed address"
    if isinstance(exc, httpx.ConnectError):
        text = str(exc)
        if (
            "Name or service not known" in text
            or "nodename nor servname" in text
            or ("Temporary failure in name resolution" in text)
        ):
            return f"could not resolve the host {host}: check the URL or the network"
        if "Connection refused" in text:
            return f"{host} refused the connection: check the URL and port"
        return f"could not connect to {host}: {text or exc.__class__.__name__}"
    if isinstance(exc, httpx.HTTPError):
        return f"request to {host} failed: {exc.__class__.__name__}: {exc}"
    return f"{exc.__class__.__name__}: {exc}"


GZIP_MAGIC = b"\x1f\x8b"
_GZIP_WINDOW = 16 + zlib.MAX_WBITS  # zlib's window value for a gzip header and trailer


def gunzip(body: bytes, limit: int, what: str) -> bytes:
    """A gzip file's content, unpacked at most ``limit`` bytes at a time: ValueError when it
    unpacks to more (a gzip bomb stops there, with a small allocation) or is damaged.

    Several members one after the other (what ``cat a.gz b.gz`` gives) are one content,
    as gzip itself reads them.
    """
    out: list[bytes] = []
    size = 0
    rest = body
    while rest.startswith(GZIP_MAGIC):
        unpacker = zlib.decompressobj(_GZIP_WINDOW)
        try:
            chunk = unpacker.decompress(rest, limit - size + 1)
        except zlib.error as exc:
            raise ValueError(f"the {what} is a damaged gzip file ({exc}): not read") from None
        size += len(chunk)
        if size > limit or unpacker.unconsumed_tail:
            raise ValueError(
                f"the {what} is a gzip file that unpacks to more than "
                f"{limit // (1024 * 1024)} MB: not read"
            )
        if not unpacker.eof:
            raise ValueError(f"the {what} is a truncated gzip file: not read")
        out.append(chunk)
        rest = unpacker.unused_data
    return b"".join(out)


def read_body(response: httpx.Response, limit_mb: int, what: str) -> bytes:
    """The response's body, or ValueError when it passes ``limit_mb`` or takes longer than
    FETCH_DEADLINE_SECONDS: an endless or trickling body is an error, not a hang.

    A body that is itself a gzip file (a server sending ``feed.xml.gz`` without
    ``Content-Encoding``, or compressing twice) is unpacked, under the same cap.
    """
    deadline = time.monotonic() + FETCH_DEADLINE_SECONDS
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit_mb * 1024 * 1024:
            raise ValueError(f"the {what} is larger than {limit_mb} MB: not read")
        if time.monotonic() > deadline:
            raise ValueError(
                f"the server sent the {what} too slowly ({size // 1024} KB in "
                f"{FETCH_DEADLINE_SECONDS:.0f} s): stopped; it is asked again next time"
            )
        chunks.append(chunk)
    body = b"".join(chunks)
    if body.startswith(GZIP_MAGIC):
        return gunzip(body, limit_mb * 1024 * 1024, what)
    return body
