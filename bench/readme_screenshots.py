"""The README's and docs/dashboard.md's screenshots, from the dashboard as it is today.

Builds a demo archive (the seeds, plus clippings written here for the purpose: invented
outlets and sentences, from July 2022 to 2024) through the real collection of a folder of
clippings, serves `presswatch dashboard` on 127.0.0.1, and takes each page in Debian's
chromium (Playwright) in English and in French. Each PNG is reduced to 256 colours
(Pillow) so that it stays under 200 KB.

    python -m bench.readme_screenshots --out docs
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from PIL import Image

from presswatch.collect import collect
from presswatch.config import load_config
from presswatch.store import Store
from tests.processes import CHROMIUM_ARGS, find_chromium, free_port, presswatch, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
COMPANIES: list[dict[str, Any]] = [
    {
        "name": "Mistral AI",
        "role": "tracked",
        "aliases": ["Mistral AI", "Le Chat", "Mistral Large"],
        "people": ["Arthur Mensch"],
    },
    {"name": "OpenAI", "role": "competitor", "aliases": ["ChatGPT"]},
    {"name": "Google DeepMind", "role": "competitor", "aliases": ["DeepMind"]},
    {"name": "Meta AI", "role": "competitor", "aliases": ["Llama"]},
    {"name": "Aleph Alpha", "role": "competitor", "aliases": []},
]
TOPICS = {
    "funding": ["levée de fonds", "lève", "funding round", "raises"],
    "models": ["nouveau modèle", "new model"],
    "talent": ["recrute", "hires", "talents"],
    "regulation": ["AI Act", "régulation", "regulation"],
}
# Invented outlets and sentences: no publisher's text.
OUTLETS = [
    "Le Quotidien du Numérique",
    "Tech Hebdo",
    "L'Écho des Startups",
    "Revue de l'Innovation",
    "Daily Compute",
    "The Model Letter",
]
FRENCH = [
    "{company} lève des fonds auprès d'investisseurs européens, un succès salué par le marché.",
    "{company} présente un nouveau modèle, plus rapide et moins coûteux, bien accueilli.",
    "{company} recrute des talents à Paris pour son équipe de recherche.",
    "Le AI Act inquiète {company}, qui critique une régulation jugée trop lourde.",
    "{company} fait face à une panne qui a privé ses clients de service pendant une journée.",
]
ENGLISH = [
    "{company} raises a new funding round, a strong result welcomed by investors.",
    "{company} unveils a new model that beats its rivals on several benchmarks.",
    "{company} hires researchers in London to grow its lab.",
    "{company} faces criticism over a data leak that worried its customers.",
]
PAGES = ["overview", "coverage", "topics", "outlets", "sources", "export"]
# The French pages the README shows beside the English ones.
FRENCH_PAGES = ["overview", "topics"]
# What shows a page is drawn (a chart, a highlighted mention, a table).
READY = {
    "overview": ".js-plotly-plot .main-svg .trace",
    "coverage": "[data-testid=stMarkdownContainer] mark, mark",
    "topics": ".js-plotly-plot .main-svg .trace",
    "outlets": ".js-plotly-plot .main-svg .trace",
    "sources": "[data-testid=stDataFrame]",
    "export": "[data-testid=stDataFrame]",
}
# What shows a page is drawn whole, where it is drawn in steps.
WHOLE = {"overview": ("[data-testid=stDataFrame]",)}
MAX_BYTES = 200_000
# Each page's window height: the Overview down to its tone chart, Topics to its themes.
HEIGHTS = {"overview": 1700, "topics": 1500}


def write_clippings(folder: Path, count: int, seed: int) -> None:
    """``count`` invented clippings from July 2022 to 2024 (over two years: the Overview counts by
    month), each a text and its .meta.yaml."""
    rng = random.Random(seed)
    names = [c["name"] for c in COMPANIES]
    weights = [6, 4, 3, 2, 1]
    for number in range(count):
        french = rng.random() < 0.7
        company = rng.choices(names, weights)[0]
        other = rng.choice([n for n in names if n != company])
        lines = FRENCH if french else ENGLISH
        sentences = [rng.choice(lines).format(company=company)]
        if rng.random() < 0.4:
            sentences.append(rng.choice(lines).format(company=other))
        published = date(2022, 7, 1) + timedelta(days=rng.randint(0, 913))
        title = sentences[0].split(",")[0].removesuffix(".")
        stem = f"demo_{number:03d}"
        (folder / f"{stem}.txt").write_text(
            title + "\n\n" + " ".join(sentences) + "\n", encoding="utf-8"
        )
        meta = {
            "title": title,
            "outlet": rng.choice(OUTLETS),
            "url": f"https://example.com/{stem}",
            "author": None,
            "published": published.isoformat(),
            "language": "fr" if french else "en",
        }
        (folder / f"{stem}.meta.yaml").write_text(
            yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8"
        )


def write_config(folder: Path, language: str) -> Path:
    """The demo's config.yaml in ``language`` (the dashboard reads it again when it
    changes)."""
    path = folder / "config.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "database": "data/demo.db",
                "interface_language": language,
                "timezone": "Europe/Paris",
                "companies": COMPANIES,
                "topics": TOPICS,
                "sources": [{"name": "Clippings", "kind": "files", "path": "clippings"}],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    return path


def shrink(path: Path) -> int:
    """The PNG reduced to 256 colours; its size in bytes."""
    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)
    return path.stat().st_size


def take(page: Any, base: str, name: str, target: Path) -> None:
    """One page of the dashboard, drawn and idle, as a PNG of the window."""
    page.set_viewport_size({"width": 1400, "height": HEIGHTS.get(name, 1000)})
    page.goto(f"{base}/" if name == "overview" else f"{base}/{name}")
    page.wait_for_selector(READY[name], timeout=120_000)
    # The Overview's first load draws its timeline, then the rest (dashboard/first_chart.py):
    # the shot waits for the whole page, down to the share table.
    for selector in WHOLE.get(name, ()):
        page.wait_for_selector(selector, state="attached", timeout=120_000)
    page.wait_for_selector(
        "[data-testid=stStatusWidgetRunningIcon]", state="detached", timeout=120_000
    )
    page.wait_for_timeout(1500)  # plotly draws after the script ends
    page.screenshot(path=str(target))
    size = shrink(target)
    if size > MAX_BYTES:
        raise SystemExit(f"{target} is {size} bytes, over {MAX_BYTES}: crop or reduce it")
    print(f"{target}: {size} bytes")


def main() -> None:
    """Build the demo archive, serve it, and save every page in both languages."""
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--clippings", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("chromium is needed: apt-get install chromium")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        clippings = folder / "clippings"
        shutil.copytree(ROOT / "seeds", clippings)
        write_clippings(clippings, args.clippings, args.seed)
        (folder / "data").mkdir()
        config_path = write_config(folder, "en")
        config = load_config(str(config_path))
        with Store(f"sqlite:///{folder / 'data' / 'demo.db'}") as store:
            collect(config, store)
        port = free_port()
        log = (folder / "dashboard.log").open("w", encoding="utf-8")
        server = presswatch(
            "dashboard", config_path, "--port", str(port), stdout=log, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                for language in ("en", "fr"):
                    write_config(folder, language)
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    for name in PAGES if language == "en" else FRENCH_PAGES:
                        suffix = "" if language == "en" else "-fr"
                        take(page, base, name, args.out / f"{name}{suffix}.png")
                    page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()


if __name__ == "__main__":
    main()
