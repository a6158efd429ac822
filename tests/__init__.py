"""presswatch tests.

Imported before tests/conftest.py and every test module: the tests' processes keep their
bytecode even where PYTHONDONTWRITEBYTECODE is set (keep_bytecode).
"""

from __future__ import annotations

import os
import sys


def keep_bytecode() -> None:
    """Let this process and those it starts write bytecode (in the __pycache__ folders that
    .gitignore leaves out) where PYTHONDONTWRITEBYTECODE forbids it."""
    # Without the caches every xdist worker, and every presswatch process a test starts,
    # compiles the project and pytest rewrites every test module again, every run: about as
    # much CPU as the rest of a worker's start. A pycache prefix outside the tree would
    # also compile every installed library again into it, once per machine.
    sys.dont_write_bytecode = False
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


keep_bytecode()
