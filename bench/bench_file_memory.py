"""Peak memory of the file collector reading one large text file, as a multiple of its size.

A 200 MB text clipping (under a raised ``max_file_mb``) is read by ``collect_folder`` in a
fresh process, whose peak resident memory (VmHWM in /proc/self/status) above what it held
before the read is the figure. The floor is the file's bytes plus the text kept once (its
size, once more for the str): about 2 times. ``--before REV`` measures the same file with
the code of a git revision too (extracted to a temporary folder with ``git archive``).

    python -m bench.bench_file_memory --mb 200 --before 9266277
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Sentences written for this benchmark: French, accents and typographic apostrophes.
SENTENCES = [
    "La start-up a présenté mardi un modèle de langage destiné aux entreprises.",
    "Son dirigeant l’a répété : l’Europe doit garder la maîtrise de ses données.",
    "Les investisseurs suivent de près cette levée de fonds, la plus élevée de l’année.",
    "Plusieurs concurrents américains ont annoncé des offres semblables cet été.",
    "Le gouvernement salue une réussite française dans un secteur très disputé.",
]


def write_clipping(path: Path, megabytes: int, seed: int = 7) -> int:
    """A text file of about ``megabytes`` MB: a title line, then paragraphs; its size."""
    rng = random.Random(seed)
    target = megabytes * 1024 * 1024
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Une très longue dépêche\n")
        written = 0
        while written < target:
            paragraph = " ".join(rng.choices(SENTENCES, k=6)) + "\n\n"
            handle.write(paragraph)
            written += len(paragraph.encode("utf-8"))
    return path.stat().st_size


def _vm(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def measure(folder: str, megabytes: int) -> None:
    """In this process: read the folder with collect_folder, print the peak as JSON."""
    from collectors import CollectContext
    from collectors.files import collect_folder
    from presswatch.config import FilesSourceConfig

    source = FilesSourceConfig(name="Big", kind="files", path=folder, max_file_mb=megabytes * 2)
    context = CollectContext(state=None, base_dir=Path(folder).parent)
    before = _vm("VmRSS")
    result = collect_folder(source, context)
    peak = _vm("VmHWM")
    kept = sum(len(a.text) for a in result.articles)
    print(
        json.dumps({"peak_bytes": peak - before, "kept_chars": kept, "problems": result.problems})
    )


def run(code_root: Path, folder: Path, megabytes: int) -> dict[str, object]:
    """Measure in a fresh interpreter importing presswatch from ``code_root``."""
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from bench.bench_file_memory import measure; "
            f"measure({str(folder)!r}, {megabytes})",
        ],
        env={**env, "PYTHONPATH": f"{code_root}{os.pathsep}{ROOT}"},
        cwd=code_root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    """Write the clipping, measure this tree (and a revision's), print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--before", help="a git revision to measure too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "clips"
        folder.mkdir()
        size = write_clipping(folder / "long.txt", args.mb)
        trees = [("this tree", ROOT)]
        if args.before:
            old = Path(temp) / "before"
            old.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.before, "collectors", "presswatch"],
                check=True,
                capture_output=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
            trees.insert(0, (f"before ({args.before})", old))
        print(f"file: {size / 1024 / 1024:.0f} MB")
        for label, root in trees:
            figures = run(root, folder, args.mb)
            peak = int(figures["peak_bytes"])  # type: ignore[call-overload]
            print(
                f"{label}: peak +{peak / 1024 / 1024:.0f} MB = {peak / size:.1f} x the file; "
                f"{figures['kept_chars']} characters kept; problems: {figures['problems']}"
            )


if __name__ == "__main__":
    main()
