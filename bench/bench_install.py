"""What installing presswatch costs a newcomer: time, disk and packages of a fresh venv.

The README's quick start, done in a temporary clone of the repository's HEAD: ``python3 -m
venv .venv`` then ``pip install -e .`` (and, in a second fresh venv, ``pip install -e
".[test]"``), with pip's cache off so that every package is fetched as on a new machine.
The figures are the wall time of venv plus install, the venv's size on disk, and how many
packages pip installed besides pip, setuptools and presswatch itself.

    python -m bench.bench_install
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# In every fresh venv or the project itself, so not counted as what presswatch brings.
NOT_COUNTED = {"pip", "setuptools", "presswatch"}


def folder_size(folder: Path) -> int:
    """Bytes of the files under a folder (links not followed)."""
    total = 0
    for directory, _, files in os.walk(folder):
        for name in files:
            path = Path(directory, name)
            if not path.is_symlink():
                total += path.stat().st_size
    return total


def measure(clone: Path, spec: str, python: str) -> dict[str, float | int | str]:
    """Time a fresh venv and ``pip install -e SPEC`` in ``clone``; the venv's size and packages."""
    environment = {**os.environ, "PIP_NO_CACHE_DIR": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    venv = clone / ".venv"
    start = time.monotonic()
    subprocess.run([python, "-m", "venv", str(venv)], check=True, cwd=clone)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "-e", spec],
        check=True,
        cwd=clone,
        env=environment,
        stderr=subprocess.DEVNULL,  # the index's warnings, not the figure
    )
    seconds = time.monotonic() - start
    listed = subprocess.run(
        [str(venv / "bin" / "pip"), "list", "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
        env=environment,
    )
    packages = [p["name"].lower() for p in json.loads(listed.stdout)]
    return {
        "install": spec,
        "seconds": round(seconds),
        "venv_mb": round(folder_size(venv) / 1e6),
        "packages": len([p for p in packages if p not in NOT_COUNTED]),
    }


def main() -> None:
    """Measure each install of the quick start in its own fresh clone and venv."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="python3", help="the interpreter of the venvs")
    parser.add_argument(
        "--spec", action="append", help="what pip installs (repeatable; default . and .[test])"
    )
    arguments = parser.parse_args()
    print(f"Python: {subprocess.check_output([arguments.python, '--version'], text=True).strip()}")
    for spec in arguments.spec or [".", ".[test]"]:
        with tempfile.TemporaryDirectory(prefix="presswatch-install-") as folder:
            clone = Path(folder) / "presswatch"
            subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
            print(json.dumps(measure(clone, spec, arguments.python)), flush=True)


if __name__ == "__main__":
    main()
