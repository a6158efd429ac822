"""Benchmarks that time this tree beside a git revision's code: the revision exported to a
folder, each measure run in a fresh process of the tree it times."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def export_revision(
    revision: str, folder: Path, paths: tuple[str, ...], benches: tuple[str, ...]
) -> Path:
    """``paths`` of a git revision in folder/before, with this tree's ``benches`` (file
    names under bench/: the revision may predate them)."""
    old = folder / "before"
    old.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, *paths], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    (old / "bench").mkdir(exist_ok=True)
    if not (old / "bench" / "__init__.py").exists():
        (old / "bench" / "__init__.py").write_text("", encoding="utf-8")
    for name in ("trees.py", *benches):
        (old / "bench" / name).write_text(
            (ROOT / "bench" / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    return old


def measure_in(root: Path, module: str, arguments: list[str]) -> dict[str, object]:
    """Run ``python -m module arguments`` with ``root``'s code in a fresh process; the
    figures its last line prints as JSON."""
    done = subprocess.run(
        [sys.executable, "-m", module, *arguments],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"{root}: the measure failed:\n{done.stderr[-3000:]}")
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures
