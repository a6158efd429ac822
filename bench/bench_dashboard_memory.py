"""The dashboard's peak memory at 1,000,000 mentions, "All time", beside a bare Streamlit page.

Generates (seeded) a SQLite archive of about ``--mentions`` mentions through the public
store (``Store(url).save_articles``), starts `presswatch dashboard` on 127.0.0.1 and a bare
Streamlit page drawing one plotly chart (the floor), then opens in Debian's chromium
(Playwright) the dashboard with the period "All time" and visits each page in turn:
Overview, Coverage, Topics, Outlets, Sources, Export, waiting each time until the page
has rendered and the app is idle. A thread samples every 50 ms the resident memory
(/proc/<pid>/status VmRSS) of each server's process tree, that is the process started
and its children; the peak per page and overall is reported, ratios to the floor first,
then megabytes. Each process's own kernel high-water mark (VmHWM) is given too.

    python -m bench.bench_dashboard_memory --keep /tmp/presswatch-bench
    python -m bench.bench_dashboard_memory --keep /tmp/presswatch-bench --pandas-engine

``--keep DIR`` keeps the generated archive in DIR and reuses it in later runs (generation
takes minutes). ``--pandas-engine`` adds ``aggregate_in_database_above: 100000000`` to
the generated config, which forces the code before issue 21's redesign onto its pandas
engine; ``--config-extra 'KEY: VALUE'`` adds any other key (repeatable). A page that has
not finished after ``--page-timeout`` seconds (600) is recorded as timed out: at this
size, that is a result. Nothing is fetched beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bench.bench_dashboard import COMPANIES, FLOOR_PAGE, bench_article, streamlit_command
from presswatch.models import Article
from presswatch.store import Store
from tests.processes import CHROMIUM_ARGS, free_port, wait_healthy

CHROMIUM = "/usr/bin/chromium"
SAMPLE_SECONDS = 0.05
# The process tree is looked up again this often (a scan of /proc); its members' memory is
# read at every sample.
TREE_SECONDS = 0.5
BATCH = 2000
PAGES = ["Overview", "Coverage", "Topics", "Outlets", "Sources", "Export"]
PANDAS_ENGINE = {"aggregate_in_database_above": 100_000_000}
# Plots whose traces are drawn (as in bench_dashboard).
DRAWN = (
    "Array.from(document.querySelectorAll('.js-plotly-plot'))"
    ".filter(plot => plot.querySelector('.main-svg .trace, .gl-container canvas')).length"
)
# The page has rendered and the app is idle: the page's title is shown, the script run is
# over (Streamlit marks its root with the run's state) and nothing of a previous run is left
# stale.
IDLE = (
    "([title, charts]) => {"
    " const app = document.querySelector('[data-testid=stApp]');"
    " const heading = document.querySelector('[data-testid=stMain] h1');"
    " return !!app && app.getAttribute('data-test-script-state') === 'notRunning'"
    " && !!heading && heading.innerText.trim() === title"
    " && document.querySelectorAll('[data-stale=\"true\"]').length === 0"
    f" && {DRAWN} >= charts; }}"
)
# What the page says besides its content: errors, warnings, notes (to tell a page that drew
# its figures from one that only said why it could not).
NOTES = (
    "Array.from(document.querySelectorAll("
    "'[data-testid=stMain] [data-testid=stAlert], [data-testid=stMain] [data-testid=stException]'"
    ")).map(e => e.innerText.replace(/\\s+/g, ' ').slice(0, 160)).join(' | ')"
)
# The idle state must hold this long, checked twice, before a page counts as done.
SETTLE_SECONDS = 1.0


def generate(path: Path, mentions: int, seed: int) -> tuple[int, int]:
    """A store of about ``mentions`` mentions over two years, each article naming one or two
    companies (bench_dashboard's articles); returns (articles, mentions) written."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    articles = written = 0
    started = time.perf_counter()
    with Store(f"sqlite:///{path}") as store:
        batch: list[Article] = []
        while written < mentions:
            article = bench_article(rng, articles, start)
            batch.append(article)
            articles += 1
            written += len(article.mentions)
            if len(batch) == BATCH:
                store.save_articles(batch)
                batch = []
                if articles % (BATCH * 50) == 0:
                    print(
                        f"  {articles} articles, {written} mentions "
                        f"({time.perf_counter() - started:.0f} s)",
                        flush=True,
                    )
        store.save_articles(batch)
    return articles, written


def archive(folder: Path, mentions: int, seed: int) -> tuple[Path, int, int]:
    """The archive for these arguments in ``folder``, generated unless already there."""
    database = folder / f"presswatch-{mentions}-{seed}.db"
    counts = database.with_suffix(".json")
    if database.exists() and counts.exists():
        known = json.loads(counts.read_text(encoding="utf-8"))
        print(f"reusing {database}: {known['articles']} articles, {known['mentions']} mentions")
        return database, int(known["articles"]), int(known["mentions"])
    partial = database.with_suffix(".partial.db")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    articles, written = generate(partial, mentions, seed)
    partial.rename(database)
    for leftover in folder.glob(partial.name + "*"):  # the store's lock file, if any
        leftover.unlink()
    counts.write_text(json.dumps({"articles": articles, "mentions": written}), encoding="utf-8")
    print(
        f"generated {database}: {articles} articles, {written} mentions "
        f"in {time.perf_counter() - started:.0f} s"
    )
    return database, articles, written


def status_kib(pid: int, key: str) -> int:
    """A /proc/<pid>/status field in KiB (0 when the process is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def descendants(root: int) -> list[int]:
    """``root`` and every process below it, from the parents /proc gives."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                    # The command's name is in parentheses and may hold spaces.
                    parents[int(entry.name)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree.extend(frontier)
    return tree


@dataclass
class Tree:
    """One server's process tree and the peaks of its summed resident memory."""

    root: int
    members: list[int] = field(default_factory=list)
    peaks: dict[str, int] = field(default_factory=dict)  # phase -> KiB
    largest: dict[str, int] = field(default_factory=dict)  # phase -> KiB, one process
    hwm: dict[int, int] = field(default_factory=dict)  # pid -> VmHWM KiB, last read
    names: dict[int, str] = field(default_factory=dict)


class Sampler(threading.Thread):
    """Reads the trees' memory every SAMPLE_SECONDS; keeps the peak of each per phase."""

    def __init__(self, trees: dict[str, Tree]) -> None:
        super().__init__(daemon=True)
        self.trees = trees
        self.phase = "startup"
        self.stopping = threading.Event()
        self.samples = 0

    def run(self) -> None:
        looked_up = 0.0
        while not self.stopping.is_set():
            now = time.monotonic()
            if now - looked_up >= TREE_SECONDS:
                for tree in self.trees.values():
                    tree.members = descendants(tree.root)
                    for pid in tree.members:
                        if pid not in tree.names:
                            try:
                                command = Path(f"/proc/{pid}/cmdline").read_bytes()
                                tree.names[pid] = command.replace(b"\0", b" ").decode()[:80]
                            except OSError:
                                tree.names[pid] = "?"
                looked_up = now
            phase = self.phase
            for tree in self.trees.values():
                each = [status_kib(pid, "VmRSS") for pid in tree.members]
                tree.peaks[phase] = max(tree.peaks.get(phase, 0), sum(each))
                tree.largest[phase] = max(tree.largest.get(phase, 0), max(each, default=0))
                for pid in tree.members:
                    hwm = status_kib(pid, "VmHWM")
                    if hwm:
                        tree.hwm[pid] = max(tree.hwm.get(pid, 0), hwm)
            self.samples += 1
            self.stopping.wait(SAMPLE_SECONDS)


@contextmanager
def server(command: list[str], env: dict[str, str] | None = None) -> Iterator[int]:
    """A server process started with ``command``; yields its pid, stops it at the end."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_idle(page: Any, title: str, charts: int, timeout: float) -> str:
    """Wait until ``page`` shows ``title`` with ``charts`` drawn and the app is idle; "done",
    or "timed out" after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return "timed out"
        try:
            page.wait_for_function(IDLE, arg=[title, charts], timeout=left * 1000, polling=100)
        except Exception as exc:  # Playwright's TimeoutError, or the page gone
            return "timed out" if "Timeout" in type(exc).__name__ else f"failed: {exc}"
        # Idle twice, SETTLE_SECONDS apart: a rerun that starts just after does not count.
        time.sleep(SETTLE_SECONDS)
        if page.evaluate(IDLE, [title, charts]):
            return "done"


def mb(kib: int) -> str:
    """KiB as megabytes (10^6 bytes), for the report."""
    return f"{kib * 1024 / 1e6:,.0f} MB"


def main() -> None:
    """Generate or reuse the archive, run both servers, visit the pages, print the peaks."""
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the archive in this folder")
    parser.add_argument(
        "--pandas-engine",
        action="store_true",
        help="add 'aggregate_in_database_above: 100000000' to the config",
    )
    parser.add_argument(
        "--config-extra",
        action="append",
        default=[],
        metavar="YAML",
        help="a 'key: value' mapping added to the generated config (repeatable)",
    )
    parser.add_argument("--page-timeout", type=float, default=600.0, help="seconds per page")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--screenshots", type=Path, help="save a screenshot of each page here")
    args = parser.parse_args()

    extra: dict[str, Any] = dict(PANDAS_ENGINE) if args.pandas_engine else {}
    for text in args.config_extra:
        mapping = yaml.safe_load(text)
        if not isinstance(mapping, dict):
            parser.error(f"--config-extra {text!r} is not a 'key: value' mapping")
        extra.update(mapping)

    with tempfile.TemporaryDirectory() as temporary:
        scratch = Path(temporary)
        folder = args.keep or scratch
        folder.mkdir(parents=True, exist_ok=True)
        database, articles, mentions = archive(folder, args.mentions, args.seed)
        if args.generate_only:
            return
        config = scratch / "config.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "database": str(database),
                    "interface_language": "en",
                    "companies": [
                        {"name": c, "role": "tracked" if i == 0 else "competitor"}
                        for i, c in enumerate(COMPANIES)
                    ],
                    **extra,
                }
            ),
            encoding="utf-8",
        )
        floor_script = scratch / "floor.py"
        floor_script.write_text(FLOOR_PAGE.format(weeks=105, companies=COMPANIES), encoding="utf-8")
        ours_port, floor_port = free_port(), free_port()
        ours_command = [
            sys.executable,
            "-m",
            "presswatch.cli",
            "dashboard",
            "--config",
            str(config),
            "--port",
            str(ours_port),
            "--address",
            "127.0.0.1",
        ]
        seconds: dict[str, float] = {}
        outcome: dict[str, str] = {}
        with (
            server(ours_command) as ours_pid,
            server(streamlit_command(floor_script, floor_port)) as floor_pid,
        ):
            trees = {"dashboard": Tree(ours_pid), "floor": Tree(floor_pid)}
            sampler = Sampler(trees)
            sampler.start()
            try:
                wait_healthy(f"http://127.0.0.1:{ours_port}", 120)
                wait_healthy(f"http://127.0.0.1:{floor_port}", 120)
                time.sleep(1)
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path=CHROMIUM, args=CHROMIUM_ARGS
                    )
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    # The floor first, then the dashboard: one page each phase.
                    sampler.phase = "floor"
                    started = time.perf_counter()
                    page.goto(f"http://127.0.0.1:{floor_port}/")
                    outcome["floor"] = wait_idle(page, "Floor", 1, args.page_timeout)
                    seconds["floor"] = time.perf_counter() - started
                    for number, title in enumerate(PAGES):
                        sampler.phase = title
                        started = time.perf_counter()
                        if number == 0:
                            page.goto(f"http://127.0.0.1:{ours_port}/?period=All+time")
                        else:
                            page.locator("[data-testid=stSidebarNav]").get_by_role(
                                "link", name=title
                            ).click(timeout=args.page_timeout * 1000)
                        outcome[title] = wait_idle(
                            page, title, 3 if number == 0 else 0, args.page_timeout
                        )
                        seconds[title] = time.perf_counter() - started
                        alive = status_kib(ours_pid, "VmRSS") > 0
                        notes = page.evaluate(NOTES)
                        if notes:
                            print(f"  {title} shows: {notes}", flush=True)
                        if args.screenshots:
                            args.screenshots.mkdir(parents=True, exist_ok=True)
                            page.screenshot(
                                path=str(args.screenshots / f"{number + 1}-{title}.png"),
                                full_page=True,
                            )
                        print(
                            f"  {title}: {outcome[title]} in {seconds[title]:.1f} s, "
                            f"peak {mb(trees['dashboard'].peaks.get(title, 0))}",
                            flush=True,
                        )
                        if not alive:
                            outcome[title] += " (the dashboard process exited)"
                            break
                    sampler.phase = "end"
                    browser.close()
            finally:
                sampler.stopping.set()
                sampler.join()

    ours, floor = trees["dashboard"], trees["floor"]
    floor_peak = max(floor.peaks.values())
    visited = [title for title in PAGES if title in ours.peaks]
    overall = max(ours.peaks[title] for title in visited)
    engine = "pandas engine forced" if args.pandas_engine else "default config"
    if extra:
        engine = f"{'pandas engine forced, ' if args.pandas_engine else ''}config extra: "
        engine += json.dumps(extra)
    print(
        f"archive: {articles} articles, {mentions} mentions, period All time; {engine}; "
        f"{sampler.samples} samples every {SAMPLE_SECONDS * 1000:.0f} ms"
    )
    print(f"dashboard peak / floor peak, overall: {overall / floor_peak:.2f}x")
    for title in visited:
        print(f"  {title}: {ours.peaks[title] / floor_peak:.2f}x")
    print(
        f"dashboard peak RSS (process tree) overall: {mb(overall)} (goal after issue 21: "
        f"< 400 MB); floor peak: {mb(floor_peak)}"
    )
    for title in visited:
        print(
            f"  {title}: {mb(ours.peaks[title])} (its largest process: "
            f"{mb(ours.largest[title])}), {outcome.get(title, '?')} "
            f"in {seconds.get(title, 0):.1f} s"
        )
    largest = max(ours.largest[title] for title in visited)
    print(
        f"the dashboard's largest process alone (the Streamlit server below the CLI): "
        f"{mb(largest)}, {largest / floor_peak:.2f}x the floor"
    )
    print(f"  idle after start, before any page: {mb(ours.peaks.get('startup', 0))}")
    print(f"floor: {mb(floor_peak)}, {outcome.get('floor', '?')} in {seconds['floor']:.1f} s")
    for name, tree in trees.items():
        for pid, hwm in tree.hwm.items():
            print(f"{name} VmHWM pid {pid} ({tree.names.get(pid, '?')}): {mb(hwm)}")


if __name__ == "__main__":
    main()
