"""The tests' own guard: nothing may leave 127.0.0.1, not even a name lookup."""

from __future__ import annotations

import socket

import httpx
import pytest

from tests.conftest import FeedServer, is_local


def test_an_outside_address_or_name_is_refused_before_any_packet() -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(ConnectionRefusedError, match=r"only reach 127\.0\.0\.1"),
    ):
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("example.com", 443)
    # A collector's HTTP client meets the same wall, as a connection error.
    with pytest.raises(httpx.ConnectError):
        httpx.get("https://example.com/feed.xml", timeout=2)


def test_this_machine_is_reachable(feed_server: FeedServer) -> None:
    assert is_local("127.0.0.1") and is_local("::1") and is_local("localhost")
    assert is_local("127.0.0.16") and is_local(None) and is_local("0.0.0.0")
    assert not is_local("8.8.8.8") and not is_local("www.w3.org")
    assert httpx.get(feed_server.base_url + "/missing", timeout=5).status_code == 404
