"""HTTP shared by the collectors that fetch: one client, per-host limits, bounded bodies,
one deadline per fetch, internal addresses refused, and failures told in one sentence.

Feeds (rss.py) and article pages (fulltext.py) both fetch over HTTP: what they share lives
here, so that neither imports the other. Every fetch goes through ``guarded_stream``:

- one deadline from the connection to the last byte, headers and redirects included (the
  read timeout only bounds each wait, and a server trickling a byte at a time would hold
  a fetching thread for ever); a fetch can also be cancelled (``abort_fetches``), which
  shuts its socket down at once, even in the middle of a read;
- every address a fetch connects to, on every redirect hop, is checked: loopback, private,
  link-local and cloud metadata addresses are refused unless the source itself is on an
  address of that kind or its config allows them (``AddressPolicy``).
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import select
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

# httpcore's plain socket stream: the guarded backend below opens and checks the socket
# itself, then hands it to the stream httpx would have used.
from httpcore._backends.sync import SyncStream

TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=10.0, pool=10.0)
# One fetch, from the connection to its last byte, headers and redirects included (a feed
# of 10 MB takes a few seconds on a slow line).
FETCH_DEADLINE_SECONDS = 120.0
MAX_REDIRECTS = 5
# The config key that lets a source reach internal addresses (on its own entry).
ALLOW_PRIVATE_KEY = "allow_private_addresses"
# How often a connection in progress looks whether its fetch was cancelled.
_CONNECT_SLICE_SECONDS = 0.2


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


# -- addresses ----------------------------------------------------------------------------

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Cloud instance metadata services (AWS, ECS, Alibaba): credentials live there, so no
# source's own address makes them reachable; only the config key does.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)
METADATA = "a cloud metadata address"


def address_kind(address: IPAddress) -> str | None:
    """What kind of internal address this is ("a private address"...), None when public."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in METADATA_ADDRESSES:
        return METADATA
    if address.is_loopback or address.is_unspecified:  # 0.0.0.0 reaches this machine too
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_private:
        return "a private address"
    if not address.is_global or address.is_multicast:
        return "a reserved address"
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address a host name stands for (the address itself for an IP literal)."""
    literal = host.strip("[]").split("%")[0]
    try:
        return [ipaddress.ip_address(literal)]
    except ValueError:
        pass
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(
        dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found)
    )


class AddressRefused(ValueError):
    """A fetch refused before any connection: it leads to an internal address."""


@dataclass(frozen=True)
class AddressPolicy:
    """Which kinds of internal address a source's fetches may reach, and how to allow more.

    The kinds the source itself is on are allowed (a feed on 127.0.0.1 may link to
    127.0.0.1), never the metadata addresses; ``allow_all`` (the source's
    ``allow_private_addresses``) allows every address.
    """

    source_url: str = ""
    source: str = ""
    allow_all: bool = False

    @cached_property
    def allowed(self) -> frozenset[str]:
        """The kinds of internal address the source is on (looked up when first needed:
        a public feed linking to public pages never resolves its own name twice)."""
        parts = urlsplit(self.source_url)
        try:
            addresses = resolve(parts.hostname or "", parts.port or 443)
        except (OSError, UnicodeError, ValueError):
            addresses = []  # the fetch itself will say the name does not resolve
        kinds = {address_kind(a) for a in addresses}
        return frozenset(k for k in kinds if k is not None and k != METADATA)

    def check(self, url_or_host: str, addresses: Iterable[IPAddress]) -> None:
        """AddressRefused when any of the addresses is an internal one not allowed."""
        if self.allow_all:
            return
        for address in addresses:
            kind = address_kind(address)
            if kind is None or kind in self.allowed:
                continue
            where = f" on the source '{self.source}'" if self.source else " on the source"
            raise AddressRefused(
                f"refused to fetch {url_or_host}: it leads to {address}, {kind}; presswatch "
                "reaches internal addresses only for a source that is itself on one, or "
                f"with {ALLOW_PRIVATE_KEY}: true{where} in config.yaml"
            )

    @classmethod
    def for_source(cls, url: str, name: str = "", allow_private: bool = False) -> AddressPolicy:
        """The policy of the source ``name`` at ``url``."""
        return cls(source_url=url, source=name, allow_all=allow_private)


# -- guarded fetches ----------------------------------------------------------------------


class FetchStopped(ValueError):
    """A fetch ended by its deadline or cancelled; the message says which."""


@dataclass(eq=False)
class _Fetch:
    """One guarded fetch: its deadline, its policy, and the sockets it reads from."""

    deadline: float
    policy: AddressPolicy | None
    cancel: threading.Event | None
    sockets: set[socket.socket] = field(default_factory=set)
    stopped: str | None = None  # why it was stopped, once it was
    received: int = 0  # bytes of body read so far

    def remaining(self) -> float:
        """Seconds left before the deadline (0 when past it)."""
        return max(0.0, self.deadline - time.monotonic())

    def check(self) -> None:
        """FetchStopped when the fetch was cancelled or its deadline passed."""
        if self.cancel is not None and self.cancel.is_set():
            self.stopped = self.stopped or "cancelled"
        elif time.monotonic() >= self.deadline:
            self.stopped = self.stopped or "deadline"
        if self.stopped:
            raise FetchStopped(self.stopped)

    def watch(self, sock: socket.socket) -> None:
        """Remember a socket this fetch uses, to shut it down if the fetch is stopped."""
        with _ACTIVE_LOCK:
            self.sockets.add(sock)
            stopped = self.stopped
        if stopped:
            _shut(sock)

    def stop(self, why: str) -> None:
        """Stop the fetch now: its sockets are shut down, waking any blocked read."""
        with _ACTIVE_LOCK:
            self.stopped = self.stopped or why
            sockets = list(self.sockets)
        for sock in sockets:
            _shut(sock)


_ACTIVE: set[_Fetch] = set()
_ACTIVE_LOCK = threading.Lock()
_CURRENT = threading.local()


def _shut(sock: socket.socket) -> None:
    # socket.socket's own shutdown, also for a TLS socket: SSLSocket.shutdown would drop
    # its TLS state under the thread reading from it; the raw one only wakes that read.
    with contextlib.suppress(OSError):  # closed already, or not connected yet
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _current() -> _Fetch | None:
    fetch: _Fetch | None = getattr(_CURRENT, "fetch", None)
    return fetch


def abort_fetches(cancel: threading.Event) -> int:
    """Stop at once every fetch started with this ``cancel`` event (a collection that was
    told to stop); the number stopped."""
    with _ACTIVE_LOCK:
        fetches = [f for f in _ACTIVE if f.cancel is cancel]
    for fetch in fetches:
        fetch.stop("cancelled")
    return len(fetches)


class _GuardedStream(httpcore.NetworkStream):
    """A connection's stream whose every read and write keeps to the current fetch's
    deadline and can be cut by its cancellation (pooled connections too)."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def _timeout(self, timeout: float | None) -> float | None:
        fetch = _current()
        if fetch is None:
            return timeout
        fetch.check()
        fetch.watch(self._inner.get_extra_info("socket"))
        left = fetch.remaining()
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read, waiting no longer than the fetch's deadline."""
        return self._inner.read(max_bytes, self._timeout(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write, waiting no longer than the fetch's deadline."""
        self._inner.write(buffer, self._timeout(timeout))

    def close(self) -> None:
        """Close the connection."""
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        """Upgrade to TLS, within the fetch's deadline."""
        return _GuardedStream(
            self._inner.start_tls(ssl_context, server_hostname, self._timeout(timeout))
        )

    def get_extra_info(self, info: str) -> Any:
        """What httpcore asks of a stream (its socket, its TLS object...)."""
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    """Connections for guarded fetches: the host is resolved here, every address checked
    against the fetch's policy, and the checked address connected to (no second lookup a
    DNS answer could change in between); the connection can be cancelled while it waits."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Resolve, check and connect; AddressRefused before any connection attempt."""
        fetch = _current()
        try:
            addresses = resolve(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        if fetch is not None and fetch.policy is not None:
            fetch.policy.check(host, addresses)
        error: BaseException | None = None
        for address in addresses:
            try:
                sock = self._connect(address, port, timeout, fetch, local_address)
            except (OSError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            for option in socket_options or ():
                sock.setsockopt(*option)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return _GuardedStream(SyncStream(sock))
        if isinstance(error, httpcore.ConnectTimeout):
            raise error
        raise httpcore.ConnectError(str(error or f"no address for {host}")) from error

    @staticmethod
    def _connect(
        address: IPAddress,
        port: int,
        timeout: float | None,
        fetch: _Fetch | None,
        local_address: str | None,
    ) -> socket.socket:
        family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            if local_address is not None:
                sock.bind((local_address, 0))
            if fetch is not None:
                fetch.watch(sock)
            sock.setblocking(False)
            limit = time.monotonic() + (timeout if timeout is not None else 3600.0)
            code = sock.connect_ex((str(address), port))
            while code in (errno.EINPROGRESS, errno.EAGAIN, errno.EWOULDBLOCK):
                if fetch is not None:
                    fetch.check()
                    limit = min(limit, fetch.deadline)
                left = limit - time.monotonic()
                if left <= 0:
                    raise httpcore.ConnectTimeout(f"timed out connecting to {address}")
                _, writable, _ = select.select([], [sock], [], min(left, _CONNECT_SLICE_SECONDS))
                if writable:
                    code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    break
            if code:
                raise OSError(code, f"{os.strerror(code)} ({address}:{port})")
            sock.setblocking(True)
            return sock
        except BaseException:
            sock.close()
            raise


def _check_request(request: httpx.Request) -> None:
    # Every request of a guarded fetch, each redirect hop included, before it is sent: a
    # pooled connection (or a proxy) would otherwise skip the backend's check.
    fetch = _current()
    if fetch is None or fetch.policy is None or fetch.policy.allow_all:
        return
    fetch.check()
    host = request.url.host
    try:
        addresses = resolve(host, request.url.port or 443)
    except (OSError, UnicodeError):
        return  # the connection will say the name does not resolve
    fetch.policy.check(str(request.url), addresses)


@lru_cache(maxsize=1)
def shared_client() -> httpx.Client:
    """One HTTP client for every fetch of the process: pooled connections, one TLS setup.

    httpx clients are thread-safe; creating one per feed cost more than a 304 itself. Its
    connections are made by the guarded backend, and each request is checked first.
    """
    # At most 8 feeds at once, each with up to 4 full-text pages (collect.py, rss.py): 40
    # connections; more would wait, then fail with a pool timeout.
    limits = httpx.Limits(max_connections=48, max_keepalive_connections=16)
    transport = httpx.HTTPTransport(limits=limits)
    # httpx offers no argument for httpcore's network backend: it is set on its pool.
    pool = transport._pool
    if not isinstance(pool, httpcore.ConnectionPool) or not hasattr(pool, "_network_backend"):
        raise RuntimeError("this httpx version builds its pool differently: update http.py")
    pool._network_backend = _GuardedBackend()
    return httpx.Client(
        timeout=TIMEOUT,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        transport=transport,
        event_hooks={"request": [_check_request]},
    )


@contextmanager
def guarded_stream(
    client: httpx.Client,
    url: str,
    *,
    headers: dict[str, str],
    what: str,
    policy: AddressPolicy | None = None,
    cancel: threading.Event | None = None,
    deadline: float | None = None,
) -> Iterator[httpx.Response]:
    """GET ``url`` as a stream under one deadline (FETCH_DEADLINE_SECONDS, or the
    monotonic ``deadline`` when sooner) from the connection to the body's last byte, with
    ``policy`` checked on every hop; FetchStopped (a ValueError) with a sentence naming
    ``what`` when the deadline passes or ``cancel`` is set."""
    started = time.monotonic()
    limit = started + FETCH_DEADLINE_SECONDS
    fetch = _Fetch(min(limit, deadline) if deadline else limit, policy, cancel)
    previous = _current()
    _CURRENT.fetch = fetch
    with _ACTIVE_LOCK:
        _ACTIVE.add(fetch)
    try:
        fetch.check()
        with client.stream("GET", url, headers=headers) as response:
            yield response
    except (FetchStopped, httpx.HTTPError, OSError) as exc:
        if isinstance(exc, FetchStopped) or fetch.stopped or time.monotonic() >= fetch.deadline:
            raise FetchStopped(_stopped_message(fetch, what, started)) from None
        raise
    finally:
        _CURRENT.fetch = previous
        with _ACTIVE_LOCK:
            _ACTIVE.discard(fetch)


def _stopped_message(fetch: _Fetch, what: str, started: float) -> str:
    if fetch.stopped == "cancelled":
        return f"the {what} was not fetched: the collection is stopping"
    seconds = max(0.0, fetch.deadline - started)
    return (
        f"the server sent the {what} too slowly ({fetch.received // 1024} KB in "
        f"{seconds:.0f} s): stopped; it is asked again next time"
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
    """The response's body, or ValueError when it passes ``limit_mb`` or its fetch's
    deadline (FETCH_DEADLINE_SECONDS from the headers outside ``guarded_stream``): an
    endless or trickling body is an error, not a hang.

    A body that is itself a gzip file (a server sending ``feed.xml.gz`` without
    ``Content-Encoding``, or compressing twice) is unpacked, under the same cap.
    """
    fetch = _current()
    started = time.monotonic()
    deadline = fetch.deadline if fetch is not None else started + FETCH_DEADLINE_SECONDS
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if fetch is not None:
            fetch.received = size
        if size > limit_mb * 1024 * 1024:
            raise ValueError(f"the {what} is larger than {limit_mb} MB: not read")
        if time.monotonic() > deadline:
            if fetch is not None:
                fetch.stopped = "deadline"
                raise FetchStopped("deadline")
            raise ValueError(
                f"the server sent the {what} too slowly ({size // 1024} KB in "
                f"{FETCH_DEADLINE_SECONDS:.0f} s): stopped; it is asked again next time"
            )
        chunks.append(chunk)
    body = b"".join(chunks)
    if body.startswith(GZIP_MAGIC):
        return gunzip(body, limit_mb * 1024 * 1024, what)
    return body
