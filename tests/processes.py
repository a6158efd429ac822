"""Helpers for tests and benchmarks that run presswatch in real processes on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from presswatch.report_browser import HEADLESS_ARGS

# How Debian's chromium runs here: the flags the report's PDF printing uses.
CHROMIUM_ARGS = HEADLESS_ARGS


def find_chromium() -> str | None:
    """Chromium on PATH (Debian's real binary behind its wrapper script), else None."""
    found = shutil.which("chromium")
    behind_wrapper = Path("/usr/lib/chromium/chromium")
    if found and os.path.realpath(found) == "/usr/bin/chromium" and behind_wrapper.exists():
        return str(behind_wrapper)
    return found


def find_soffice() -> str | None:
    """LibreOffice's soffice on PATH, else None."""
    return shutil.which("soffice")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 at this moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(condition: Callable[[], bool], seconds: float, step: float = 0.3) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass; whether it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def wait_healthy(base: str, seconds: float = 60) -> None:
    """Wait until the Streamlit server at ``base`` answers its health check."""

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                return bool(answer.read() == b"ok")
        except OSError:
            return False

    if not wait_for(healthy, seconds):
        raise RuntimeError(f"{base} did not start within {seconds:.0f} s")


def presswatch(command: str, config: Path, *extra: str, **popen: Any) -> subprocess.Popen[str]:
    """`presswatch COMMAND --config CONFIG ...` in a subprocess (output unbuffered)."""
    popen.setdefault("env", {**os.environ, "PYTHONUNBUFFERED": "1"})
    return subprocess.Popen(
        [sys.executable, "-m", "presswatch.cli", command, "--config", str(config), *extra],
        text=True,
        **popen,
    )


def presswatch_logged(
    command: str, config: Path, name: str, *extra: str, **popen: Any
) -> subprocess.Popen[str]:
    """`presswatch COMMAND` as presswatch() starts it, writing its standard output and error
    to NAME.out and NAME.err beside the config: a pipe nobody reads while the test runs
    fills up (64 KB) and blocks the process in the middle of its work."""
    folder = config.parent
    with (
        (folder / f"{name}.out").open("w", encoding="utf-8") as out,
        (folder / f"{name}.err").open("w", encoding="utf-8") as err,
    ):
        return presswatch(command, config, *extra, stdout=out, stderr=err, **popen)


def logged_output(config: Path, name: str) -> tuple[str, str]:
    """What a process started by presswatch_logged wrote to its standard output and error."""
    folder = config.parent
    return (
        (folder / f"{name}.out").read_text(encoding="utf-8"),
        (folder / f"{name}.err").read_text(encoding="utf-8"),
    )
