"""Shared fixtures: a temporary store, configs written on the fly, a feed server on 127.0.0.1."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from presswatch.config import Config, load_config
from presswatch.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

COMPANIES: list[dict[str, Any]] = [
    {
        "name": "Mistral AI",
        "role": "tracked",
        "aliases": ["Mistral AI", "Le Chat", "Mistral Large"],
        "people": ["Arthur Mensch", "Timothée Lacroix"],
    },
    {"name": "OpenAI", "role": "competitor", "aliases": ["ChatGPT"]},
    {"name": "Google DeepMind", "role": "competitor", "aliases": ["DeepMind", "Google"]},
    {"name": "Meta AI", "role": "competitor", "aliases": ["Meta", "Llama"]},
    {"name": "Aleph Alpha", "role": "competitor", "aliases": []},
]


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Config]:
    """Write a config.yaml into tmp_path (companies default to a small set) and load it."""

    def write(**overrides: Any) -> Config:
        document: dict[str, Any] = {
            "database": "data/test.db",
            # Tests assert English labels whatever the locale of the machine running them.
            "interface_language": "en",
            "companies": COMPANIES,
            "sources": [],
        }
        document.update(overrides)
        path = tmp_path / "config.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        return load_config(path)

    return write


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    """A copy of the project's seeds folder (tests never touch the real one)."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty SQLite store in a real file."""
    with Store(f"sqlite:///{tmp_path / 'store.db'}") as opened:
        yield opened


@dataclass
class Route:
    """What the test feed server answers on one path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    delay: float = 0.0


@dataclass
class FeedServer:
    """A real HTTP server on 127.0.0.1 serving the routes a test sets, recording requests."""

    base_url: str
    routes: dict[str, Route]
    requests: list[tuple[str, dict[str, str]]]
    concurrency: list[int] = field(default_factory=lambda: [0, 0])  # [now, most ever]

    def url(self, path: str) -> str:
        """The full URL of a path on this server."""
        return self.base_url + path


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """Start the server in a thread; stop it after the test."""
    routes: dict[str, Route] = {}
    requests: list[tuple[str, dict[str, str]]] = []
    concurrency = [0, 0]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append((self.path, dict(self.headers.items())))
            route = routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.end_headers()
                return
            if route.delay:
                # Counted while the server "works": how many requests it serves at once.
                with lock:
                    concurrency[0] += 1
                    concurrency[1] = max(concurrency)
                time.sleep(route.delay)
                with lock:
                    concurrency[0] -= 1
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
                return
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.etag:
                self.send_header("ETag", route.etag)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield FeedServer(
            f"http://127.0.0.1:{server.server_address[1]}", routes, requests, concurrency
        )
    finally:
        server.shutdown()
        server.server_close()
