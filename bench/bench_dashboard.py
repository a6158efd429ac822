"""Dashboard speed in a real browser: 100,000 stored articles, beside a bare Streamlit page.

Generates a store of N articles (seeded) with mentions and tones, starts `presswatch
dashboard` and a bare Streamlit page drawing one plotly chart of the same size (the floor),
and measures in Debian's chromium (Playwright) the time until the overview's charts are
drawn, then the time a filter change takes to redraw. Ratios first. A third page replays
the overview's own elements (sidebar, navigation, metrics, figures, table) with no
presswatch code behind them: what drawing them costs the browser.

    python -m bench.bench_dashboard --articles 100000
    python -m bench.bench_dashboard --articles 2000 --cold-only --cold-runs 5
    python -m bench.bench_dashboard --articles 2000 --spec-only   # the charts' JSON bytes
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from presswatch.models import Article, CompanyTone, Mention
from presswatch.store import Store
from tests.processes import CHROMIUM_ARGS, free_port, wait_healthy

COMPANIES = ["Mistral AI", "OpenAI", "Anthropic", "Google DeepMind", "Meta AI", "Aleph Alpha"]
CHROMIUM = "/usr/bin/chromium"
WARM_RUNS = 9
REDRAW_RUNS = 5
# The floor draws what the overview's timeline draws for two years of articles: 105 weeks
# of 6 companies, lines (plotly switches to WebGL past 1,000 points: sessions 1 and 2 drew
# 730 days, 4,380 points, in WebGL, where the overview draws SVG).
FLOOR_PAGE = """
import numpy as np, pandas as pd, plotly.express as px, streamlit as st
weeks = pd.date_range("2024-01-01", periods={weeks}, freq="W-MON")
frame = pd.DataFrame({{"period": np.repeat(weeks, 6), "company": {companies} * {weeks},
                       "mentions": np.random.default_rng(1).integers(0, 50, {weeks} * 6)}})
st.title("Floor")
st.plotly_chart(px.line(frame, x="period", y="mentions", color="company"), key="chart")
"""


# The same elements as the overview, replayed without presswatch: the sidebar's widgets,
# the navigation, the metrics, subheaders, figures, captions and table the dashboard sent
# for this store (read through AppTest). What the browser spends drawing what the issue
# asks for, with no database, cache or analytics behind it.
REPLAY_PAGE = """
import json, pandas as pd, streamlit as st
spec = json.load(open({path!r}, encoding="utf-8"))
st.set_page_config(page_title="replay", layout="wide")
with st.sidebar:
    st.header(spec["header"])
    for number, widget in enumerate(spec["sidebar"]):
        if widget["type"] == "selectbox":
            st.selectbox(widget["label"], widget["options"], index=widget["index"], key=f"side{{number}}")
        else:
            st.multiselect(widget["label"], widget["options"], default=widget["value"],
                           help=widget["help"] or None, key=f"side{{number}}")
def overview():
    st.title(spec["title"])
    for column, metric in zip(st.columns(len(spec["metrics"])), spec["metrics"]):
        column.metric(metric["label"], metric["value"], metric["delta"] or None,
                      help=metric["help"] or None)
    for number, (kind, content) in enumerate(spec["body"]):
        if kind == "subheader":
            st.subheader(content)
        elif kind == "caption":
            st.caption(content)
        elif kind == "plotly_chart":
            st.plotly_chart(json.loads(content), key=f"chart{{number}}")
        elif kind == "dataframe":
            st.dataframe(pd.DataFrame(content), hide_index=True)
pages = [st.Page(overview, title=spec["title"], default=True)] + [
    st.Page(lambda: None, title=title, url_path=f"page{{number}}")
    for number, title in enumerate(["Coverage", "Topics", "Outlets", "Sources", "Export"])
]
st.navigation(pages).run()
"""


def overview_elements(config: Path) -> dict[str, object]:
    """The elements the overview sends for ``config``'s store, read with AppTest."""
    # Streamlit's test runner and playwright load only in the runs that need them.
    from streamlit.testing.v1 import AppTest

    os.environ["PRESSWATCH_CONFIG"] = str(config)
    app = AppTest.from_file(str(Path(__file__).parent.parent / "dashboard" / "app.py"))
    app.run(timeout=300)
    sidebar = []
    for widget in app.sidebar.children.values():
        if widget.type == "selectbox":
            sidebar.append(
                {
                    "type": "selectbox",
                    "label": widget.label,
                    "options": list(widget.options),
                    "index": widget.index,
                }
            )
        elif widget.type == "multiselect":
            sidebar.append(
                {
                    "type": "multiselect",
                    "label": widget.label,
                    "options": list(widget.options),
                    "value": list(widget.value),
                    "help": widget.help,
                }
            )
    body: list[tuple[str, object]] = []
    for element in app.main.children.values():
        if element.type in ("subheader", "caption"):
            body.append((element.type, element.value))
        elif element.type == "plotly_chart":
            body.append(("plotly_chart", element.proto.spec))
        elif element.type == "dataframe":
            body.append(("dataframe", element.value.to_dict(orient="list")))
    return {
        "header": app.sidebar.header[0].value,
        "sidebar": sidebar,
        "title": app.title[0].value,
        "metrics": [
            {"label": m.label, "value": m.value, "delta": m.proto.delta, "help": m.proto.help}
            for m in app.metric
        ],
        "body": body,
    }


def bench_article(rng: random.Random, index: int, start: datetime) -> Article:
    """One generated article of the benchmark archives: one or two companies, within two
    years of ``start``, with mentions and tones."""
    companies = rng.sample(COMPANIES, rng.choice([1, 1, 2]))
    sentence = f"{companies[0]} annonce un nouveau modèle."
    mentions = tuple(
        Mention(
            c,
            c,
            c,
            "text",
            0,
            len(c),
            sentence,
            rng.choice(["title", "lead", "body"]),
            tone_score=0.1,
            tone_label="neutral",
        )
        for c in companies
    )
    return Article(
        id=f"a{index:07d}",
        source="Bench",
        entry_key=str(index),
        text=sentence,
        title=f"Article {index}",
        outlet=f"Outlet {rng.randint(0, 199)}",
        published=start + timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60)),
        date_precision="datetime",
        language=rng.choice(["fr", "en"]),
        mentions=mentions,
        company_tones=tuple(
            CompanyTone(
                c,
                rng.uniform(-1, 1),
                rng.choice(["positive", "neutral", "negative"]),
                sentence,
            )
            for c in companies
        ),
    )


def generate(path: Path, count: int, seed: int) -> None:
    """A store of ``count`` articles over two years, each naming one or two companies."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with Store(f"sqlite:///{path}") as store:
        batch = []
        for index in range(count):
            batch.append(bench_article(rng, index, start))
            if len(batch) == 2000:
                store.save_articles(batch)
                batch = []
        store.save_articles(batch)


# Plots whose traces are drawn. Plotly gives each plot three `.main-svg` layers, so the
# count of `.main-svg` (sessions 1 and 2) reached 3 with the overview's first chart alone.
DRAWN = (
    "Array.from(document.querySelectorAll('.js-plotly-plot'))"
    ".filter(plot => plot.querySelector('.main-svg .trace, .gl-container canvas')).length"
)
# Nothing left from the previous run: Streamlit marks the elements of a rerun that have not
# been sent again yet as stale.
SETTLED = "document.querySelectorAll('[data-stale=\"true\"]').length === 0"


def time_page(page: object, url: str, charts: int) -> float:
    """Seconds from navigation until ``charts`` plotly charts have their traces drawn."""
    started = time.perf_counter()
    page.goto(url)  # type: ignore[attr-defined]
    page.wait_for_function(f"{DRAWN} >= {charts}", timeout=300_000)  # type: ignore[attr-defined]
    return time.perf_counter() - started


def write_pages(folder: Path) -> None:
    """The overview's config.yaml over folder/bench.db (the first company tracked) and the
    bare page floor.py beside it."""
    (folder / "config.yaml").write_text(
        yaml.safe_dump(
            {
                "database": str(folder / "bench.db"),
                "interface_language": "en",
                "companies": [
                    {"name": c, "role": "tracked" if i == 0 else "competitor"}
                    for i, c in enumerate(COMPANIES)
                ],
            }
        ),
        encoding="utf-8",
    )
    (folder / "floor.py").write_text(
        FLOOR_PAGE.format(weeks=105, companies=COMPANIES), encoding="utf-8"
    )


def streamlit_command(script: Path, port: int) -> list[str]:
    """The command serving a bare Streamlit page on 127.0.0.1:``port``."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]


def bare_streamlit(script: Path, port: int) -> subprocess.Popen[bytes]:
    """A bare Streamlit page served on 127.0.0.1:``port``."""
    return subprocess.Popen(
        streamlit_command(script, port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu_seconds(servers: set[int]) -> float:
    """The CPU time used so far by this process's descendants but the ``servers``: the
    browser (Playwright's driver and chromium's processes), whatever else the machine
    runs."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue  # ended meanwhile
    total = 0.0
    for pid in parents:
        ancestor = parents.get(pid)
        while ancestor is not None and ancestor != os.getpid() and ancestor not in servers:
            ancestor = parents.get(ancestor)
        if ancestor == os.getpid() and pid not in servers:
            try:
                total += cpu_seconds(pid)
            except OSError:
                continue
    return total


def cold_first_chart(
    browser: object,
    ours_command: list[str],
    floor_script: Path,
    runs: int,
    server_cpu: dict[str, list[float]] | None = None,
) -> tuple[list[float], list[float]]:
    """Seconds from opening the page to its first chart drawn, each server just started
    (nothing imported, nothing cached) and a fresh browser context: the overview against
    the bare page with one chart, side by side, alternating which goes first. With
    ``server_cpu``, each server's and the browser's CPU seconds over the same span go in
    it too (by "ours", "floor", "browser ours", "browser floor"): each side's part of the
    time, whatever the machine's load."""
    ours_times: list[float] = []
    floor_times: list[float] = []
    for run in range(runs):
        order = ["floor", "ours"] if run % 2 == 0 else ["ours", "floor"]
        for which in order:
            port = free_port()
            command = (
                [*ours_command, "--port", str(port)]
                if which == "ours"
                else streamlit_command(floor_script, port)
            )
            server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_healthy(f"http://127.0.0.1:{port}")
                context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
                page = context.new_page()
                # `presswatch dashboard` execs the server: the same process id.
                cpu_before = cpu_seconds(server.pid)
                browser_before = browser_cpu_seconds({server.pid})
                seconds = time_page(page, f"http://127.0.0.1:{port}/", 1)
                if server_cpu is not None:
                    server_cpu.setdefault(which, []).append(cpu_seconds(server.pid) - cpu_before)
                    server_cpu.setdefault(f"browser {which}", []).append(
                        browser_cpu_seconds({server.pid}) - browser_before
                    )
                context.close()
            finally:
                server.terminate()
                server.wait(timeout=30)
            (ours_times if which == "ours" else floor_times).append(seconds)
    return ours_times, floor_times


def main() -> None:
    """Run the measurement and print a results block."""
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument(
        "--cold-runs", type=int, default=3, help="Fresh servers per side for the cold start."
    )
    parser.add_argument(
        "--cold-only", action="store_true", help="Only the cold first chart against the bare page."
    )
    parser.add_argument(
        "--spec-only",
        action="store_true",
        help="Only the bytes of the overview's charts as Streamlit sends them (no browser).",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        started = time.perf_counter()
        generate(folder / "bench.db", args.articles, args.seed)
        print(f"generated {args.articles} articles in {time.perf_counter() - started:.0f} s")
        write_pages(folder)
        if args.spec_only:
            body = overview_elements(folder / "config.yaml")["body"]
            assert isinstance(body, list)
            specs = [str(content) for kind, content in body if kind == "plotly_chart"]
            print(
                f"overview charts' plotly JSON: {sum(len(s) for s in specs):,} bytes "
                f"({', '.join(f'{len(s):,}' for s in specs)})"
            )
            return
        if not args.cold_only:
            (folder / "replay.json").write_text(
                json.dumps(overview_elements(folder / "config.yaml")), encoding="utf-8"
            )
        (folder / "replay.py").write_text(
            REPLAY_PAGE.format(path=str(folder / "replay.json")), encoding="utf-8"
        )
        ours_command = [
            sys.executable,
            "-m",
            "presswatch.cli",
            "dashboard",
            "--config",
            str(folder / "config.yaml"),
        ]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            server_cpu: dict[str, list[float]] = {}
            cold_ours, cold_floor = cold_first_chart(
                browser, ours_command, folder / "floor.py", args.cold_runs, server_cpu
            )
            browser.close()
        cold_ratio = statistics.median(cold_ours) / statistics.median(cold_floor)
        print(
            f"cold first chart, overview / bare page: {cold_ratio:.2f}x (goal: <= 1.25x); "
            f"overview {', '.join(f'{v:.2f}' for v in cold_ours)} s, bare page "
            f"{', '.join(f'{v:.2f}' for v in cold_floor)} s ({args.cold_runs} fresh servers each)"
        )
        print(
            "server CPU from opening the page to the first chart drawn (its scripts, static "
            f"files, websocket), overview / bare page: "
            f"{statistics.median(server_cpu['ours']) / statistics.median(server_cpu['floor']):.2f}x; "
            f"overview {', '.join(f'{v:.2f}' for v in server_cpu['ours'])} s, bare page "
            f"{', '.join(f'{v:.2f}' for v in server_cpu['floor'])} s"
        )
        browser_ours, browser_floor = server_cpu["browser ours"], server_cpu["browser floor"]
        print(
            "browser CPU over the same span, overview / bare page: "
            f"{statistics.median(browser_ours) / statistics.median(browser_floor):.2f}x; "
            f"overview {', '.join(f'{v:.2f}' for v in browser_ours)} s, bare page "
            f"{', '.join(f'{v:.2f}' for v in browser_floor)} s"
        )
        if args.cold_only:
            return
        ours_port, floor_port, replay_port = free_port(), free_port(), free_port()
        ours = subprocess.Popen(
            [*ours_command, "--port", str(ours_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        floor = bare_streamlit(folder / "floor.py", floor_port)
        replay = bare_streamlit(folder / "replay.py", replay_port)
        try:
            wait_healthy(f"http://127.0.0.1:{ours_port}")
            wait_healthy(f"http://127.0.0.1:{floor_port}")
            wait_healthy(f"http://127.0.0.1:{replay_port}")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                floor_first = time_page(page, f"http://127.0.0.1:{floor_port}/", 1)
                ours_first = time_page(page, f"http://127.0.0.1:{ours_port}/", 3)  # cold cache
                time_page(page, f"http://127.0.0.1:{replay_port}/", 3)
                # Warm loads alternate between the pages; the median of nine each, since one
                # load on a shared machine varies by a third.
                floor_runs, ours_runs, replay_runs, redraws = [], [], [], []
                for _ in range(WARM_RUNS):
                    floor_runs.append(time_page(page, f"http://127.0.0.1:{floor_port}/", 1))
                    ours_runs.append(time_page(page, f"http://127.0.0.1:{ours_port}/", 3))
                    replay_runs.append(time_page(page, f"http://127.0.0.1:{replay_port}/", 3))
                # A different company each time: a filter already seen would be drawn from
                # the overview's cache.
                for removed in COMPANIES[:REDRAW_RUNS]:
                    time_page(page, f"http://127.0.0.1:{ours_port}/", 3)
                    metric = page.locator("[data-testid=stMetricValue]").nth(1)
                    before = metric.inner_text()
                    started = time.perf_counter()
                    page.get_by_role("button", name=f"Remove {removed}").click()
                    # The redraw is done when the figures changed, nothing of the previous
                    # run is left stale, and the three charts are drawn again.
                    page.wait_for_function(
                        "([b]) => document.querySelectorAll('[data-testid=stMetricValue]')[1]"
                        f"?.innerText !== b && {SETTLED} && {DRAWN} >= 3",
                        arg=[before],
                        timeout=120_000,
                    )
                    redraws.append(time.perf_counter() - started)
                floor_warm = statistics.median(floor_runs)
                ours_warm = statistics.median(ours_runs)
                replay_warm = statistics.median(replay_runs)
                redraw = statistics.median(redraws)
                browser.close()
        finally:
            ours.terminate()
            floor.terminate()
            replay.terminate()
    print(f"overview / bare page, warm: {ours_warm / floor_warm:.2f}x (goal: <= 1.5x)")
    print(
        f"the overview's elements replayed on a bare page / bare page, warm: "
        f"{replay_warm / floor_warm:.2f}x; overview / its replay: {ours_warm / replay_warm:.2f}x"
    )
    print(f"filter change redraw: {redraw:.2f} s (goal: < 1 s), median of {REDRAW_RUNS}")
    print(
        f"overview: first load {ours_first:.2f} s (cold cache), warm {ours_warm:.2f} s "
        f"(median of {WARM_RUNS}: {', '.join(f'{v:.2f}' for v in sorted(ours_runs))})"
    )
    print(
        f"bare page with one chart of 105 weeks x 6 companies: first {floor_first:.2f} s, "
        f"warm {floor_warm:.2f} s"
    )
    print(
        f"replay of the overview's elements: warm {replay_warm:.2f} s "
        f"(median of {WARM_RUNS}: {', '.join(f'{v:.2f}' for v in sorted(replay_runs))})"
    )


if __name__ == "__main__":
    main()
