"""A throwaway PostgreSQL server on 127.0.0.1 for the tests and benchmarks.

`python -m tests.pgserver start DIR` initialises a cluster in DIR, starts it on a free port
and prints its URL; `python -m tests.pgserver stop DIR` stops it. The test suite uses the
server named by PRESSWATCH_TEST_POSTGRES, else starts one of its own with these functions.
PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user that
Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.processes import free_port


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def start(directory: Path) -> str:
    """Initialise and start a server in an empty folder; return its SQLAlchemy URL."""
    binaries = find_binaries()
    if binaries is None:
        raise RuntimeError(
            "PostgreSQL is not installed: `apt-get install postgresql`, or set "
            "PRESSWATCH_TEST_POSTGRES to a server's URL"
        )
    directory.mkdir(parents=True, exist_ok=True)
    data = directory / "data"
    user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(directory, account.pw_uid, account.pw_gid)
    subprocess.run(
        _as_server_user(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                user,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    # Settings of a throwaway test server: durability off, the socket in our own folder.
    options = (
        f"-h 127.0.0.1 -p {port} -k {directory} -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=200"
    )
    (directory / "options").write_text(options)
    resume(directory)
    (directory / "url").write_text(f"postgresql+psycopg://{user}@127.0.0.1:{port}/postgres")
    return (directory / "url").read_text()


def resume(directory: Path) -> None:
    """Start (again) the server initialised in this folder, on the same port."""
    binaries = find_binaries()
    assert binaries is not None
    subprocess.run(
        _as_server_user(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(directory / "data"),
                "-o",
                (directory / "options").read_text(),
                "-l",
                str(directory / "server.log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def stop(directory: Path) -> None:
    """Stop the server started in this folder (fast shutdown)."""
    binaries = find_binaries()
    if binaries is None or not (directory / "data").exists():
        return
    subprocess.run(
        _as_server_user(
            [str(binaries / "pg_ctl"), "-D", str(directory / "data"), "-m", "fast", "stop"]
        ),
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@contextmanager
def throwaway() -> Iterator[str]:
    """A server in a temporary folder for the length of a block (benchmarks): its URL."""
    directory = Path(tempfile.mkdtemp(prefix="presswatch-pg-"))
    try:
        yield start(directory)
    finally:
        stop(directory)
        shutil.rmtree(directory, ignore_errors=True)


def wait_ready(url: str, timeout: float = 30.0) -> None:
    """Wait until the server at this URL accepts connections."""
    # `python -m tests.pgserver stop` needs no SQLAlchemy: it is imported by the wait only.
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                with engine.connect():
                    return
            except sa.exc.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop"):
        sys.exit("usage: python -m tests.pgserver start|stop DIR")
    folder = Path(sys.argv[2]).resolve()
    if sys.argv[1] == "start":
        print(start(folder))
    else:
        stop(folder)
