"""File collector throughput: 10,000 text files and 1,000 HTML pages, beside floors.

Floors, in the same run: for texts, reading and decoding the same files and nothing else;
for pages, trafilatura's extraction alone. A second pass over unchanged files measures the
incremental path (nothing read). Files are generated (seeded) in a temporary folder.

    python -m bench.bench_files --texts 10000 --pages 1000
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from bench.bench_matching import ENGLISH, FRENCH
from collectors import CollectContext
from collectors.files import collect_folder
from presswatch.config import FilesSourceConfig
from presswatch.models import FileState

PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>{title} | Le Journal</title><meta property="og:site_name" content="Le Journal">
<meta property="article:published_time" content="2024-{month:02d}-{day:02d}T08:00:00+01:00">
</head><body><nav><a href="/">Accueil</a> <a href="/eco">Économie</a> <a href="/tech">Tech</a></nav>
<article><h1>{title}</h1>{paragraphs}</article>
<aside><h2>Les plus lus</h2><ul><li><a href="/a">Autre article</a></li></ul></aside>
<footer>© Le Journal – Mentions légales – Contact</footer></body></html>"""


def sentence(rng: random.Random, words: list[str], size: int = 18) -> str:
    """A sentence of random words, capitalised, ending with a period."""
    text = " ".join(rng.choices(words, k=size))
    return text[0].upper() + text[1:] + "."


def write_corpus(folder: Path, texts: int, pages: int, seed: int) -> tuple[Path, Path]:
    """Generate the text files and HTML pages; return their two folders."""
    rng = random.Random(seed)
    text_dir, page_dir = folder / "texts", folder / "pages"
    text_dir.mkdir()
    page_dir.mkdir()
    for index in range(texts):
        words = FRENCH if index % 3 else ENGLISH
        body = "\n\n".join(" ".join(sentence(rng, words) for _ in range(4)) for _ in range(4))
        (text_dir / f"{index:05d}.txt").write_text(
            f"{sentence(rng, words, 8)[:-1]}\n{body}\n", encoding="utf-8"
        )
    for index in range(pages):
        paragraphs = "".join(
            f"<p>{' '.join(sentence(rng, FRENCH) for _ in range(3))}</p>" for _ in range(6)
        )
        html = PAGE.format(
            title=sentence(rng, FRENCH, 8)[:-1],
            month=rng.randint(1, 12),
            day=rng.randint(1, 28),
            paragraphs=paragraphs,
        )
        (page_dir / f"{index:05d}.html").write_text(html, encoding="utf-8")
    return text_dir, page_dir


def timed_collect(folder: Path, known: dict[str, FileState]) -> tuple[float, list[FileState], int]:
    """Collect a folder; return seconds, the file states, and the articles found."""
    source = FilesSourceConfig(name=folder.name, kind="files", path=str(folder))
    started = time.perf_counter()
    result = collect_folder(source, CollectContext(state=None, base_dir=folder, files=known))
    seconds = time.perf_counter() - started
    assert not result.problems, result.problems[:3]
    return seconds, result.file_states, len(result.articles)


def main() -> None:
    """Run the benchmark and print a results block for bench/RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    # After the arguments: --help answers without trafilatura's 0.6 s import.
    import trafilatura

    with tempfile.TemporaryDirectory() as temporary:
        text_dir, page_dir = write_corpus(Path(temporary), args.texts, args.pages, args.seed)
        text_files = sorted(text_dir.iterdir())
        page_files = sorted(page_dir.iterdir())

        started = time.perf_counter()
        for path in text_files:
            path.read_bytes().decode("utf-8")
        text_floor = time.perf_counter() - started
        text_first, states, found = timed_collect(text_dir, {})
        assert found == args.texts
        text_second, _, again = timed_collect(text_dir, {s.path: s for s in states})
        assert again == 0

        started = time.perf_counter()
        for path in page_files:
            trafilatura.bare_extraction(path.read_bytes(), with_metadata=True)
        page_floor = time.perf_counter() - started
        page_first, page_states, found = timed_collect(page_dir, {})
        assert found == args.pages
        page_second, _, again = timed_collect(page_dir, {s.path: s for s in page_states})

    print(f"texts: first pass / read-and-decode floor: {text_first / text_floor:.1f}x")
    print(f"pages: first pass / trafilatura floor: {page_first / page_floor:.2f}x")
    print(f"texts: second pass (unchanged) {text_first / text_second:.0f}x faster than the first")
    print(f"pages: second pass (unchanged) {page_first / page_second:.0f}x faster than the first")
    print(
        f"{args.texts} text files: first pass {text_first:.2f} s ({args.texts / text_first:,.0f} files/s), "
        f"second pass {text_second:.2f} s ({args.texts / text_second:,.0f} files/s), "
        f"floor {text_floor:.2f} s ({args.texts / text_floor:,.0f} files/s)"
    )
    print(
        f"{args.pages} HTML pages: first pass {page_first:.2f} s ({args.pages / page_first:,.0f} files/s), "
        f"second pass {page_second:.3f} s, floor {page_floor:.2f} s ({args.pages / page_floor:,.0f} files/s)"
    )


if __name__ == "__main__":
    main()
