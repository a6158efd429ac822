"""End to end in a real browser (Debian's chromium, driven by Playwright) on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from dashboard.render import COMPANY_COLORS
from presswatch.analysis.analyzer import analyse
from presswatch.analysis.matching import Matcher
from presswatch.analysis.stories import StoryIndex
from presswatch.collect import collect
from presswatch.config import Config
from presswatch.models import Article
from presswatch.store import Store
from tests import hostile, oracle
from tests.processes import CHROMIUM_ARGS, find_chromium, free_port, presswatch, wait_healthy
from tests.test_stories import article

# Without chromium these tests are skipped saying how to install it, and fail under CI=true
# (tests/conftest.py); they start the dashboard and a browser: slow.
pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = find_chromium()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One chromium for this module's tests on a worker, each test's pages in contexts of
    their own (``open_page``). Not wider than the module: while Playwright's sync API is
    started, the worker's event loop counts as running (asyncio.run() refuses to start)."""
    # playwright takes 0.2 s to import: only where a browser is driven.
    from playwright.sync_api import sync_playwright

    assert CHROMIUM is not None, "CI must install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium: Any) -> Iterator[Callable[..., Any]]:
    """Open a page in a new browser context (its own cookies, storage and cache; options
    such as the viewport are the context's); the test's contexts are closed after it."""
    contexts: list[Any] = []

    def open_in_new_context(**options: Any) -> Any:
        context = chromium.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield open_in_new_context
    for context in contexts:
        context.close()


@contextmanager
def served(
    config: Config, fill: Callable[[], object], env: dict[str, str] | None = None
) -> Iterator[str]:
    """`presswatch dashboard` for a config, its archive filled by ``fill`` while the server
    starts (it opens the database only when a page is asked for, after ``fill``); the
    server's address once it answers. Its own log, dashboard.log beside the config, is
    read when a test fails in the browser."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with (config.base_dir / "dashboard.log").open("w", encoding="utf-8") as log:
        process = presswatch(
            "dashboard",
            config.path,
            "--port",
            str(port),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env or dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        try:
            fill()
            wait_healthy(base)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=15)


def collected(config: Config) -> Callable[[], None]:
    """Collect the config's sources into its database (``served``'s ``fill``)."""

    def fill() -> None:
        with Store(f"sqlite:///{config.base_dir / 'data' / 'test.db'}") as store:
            collect(config, store)

    return fill


@pytest.fixture
def dashboard(
    request: pytest.FixtureRequest,
    write_config: Callable[..., Config],
    seeds_dir: Path,
) -> Iterator[str]:
    """The seeds' dashboard. Its first Overview's fallback (dashboard/first_chart.py) is an
    hour away, so a page drawn whole was drawn by the browser's script, unless the test
    is marked ``first_chart_fallback`` (then the shipped few seconds)."""
    config = write_config(sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}])
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if request.node.get_closest_marker("first_chart_fallback") is None:
        env["PRESSWATCH_FIRST_CHART_FALLBACK_SECONDS"] = "3600"
    with served(config, collected(config), env) as base:
        yield base


def network_host(url: str) -> set[str]:
    """The host a request goes to over the network: none for a URL the page made itself
    (blob: and data:, the custom component's constant script)."""
    parts = urlsplit(url)
    return set() if parts.scheme in ("blob", "data") else {parts.hostname or ""}


def test_dashboard_in_a_real_browser(
    dashboard: str, open_page: Callable[..., Any], tmp_path: Path
) -> None:
    hosts: set[str] = set()
    page = open_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.on("request", lambda request: hosts.update(network_host(request.url)))

    page.goto(dashboard)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    # The first load draws the timeline, then the rest (dashboard/first_chart.py).
    page.wait_for_selector("[data-testid=stDataFrame]", state="attached", timeout=60_000)
    assert page.locator(".js-plotly-plot").count() == 3
    metrics = page.locator("[data-testid=stMetricValue]")
    mentions_before = metrics.nth(1).inner_text()
    legend_before = page.locator(".js-plotly-plot").first.locator(".legendtext").all_text_contents()
    assert "Mistral AI" in legend_before
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)

    # Click the timeline's tallest bar: the articles it counts are listed under it.
    bars = page.locator(".js-plotly-plot").first.locator(".barlayer .point path")
    heights = [box["height"] if (box := bar.bounding_box()) else 0 for bar in bars.all()]
    tallest = bars.nth(heights.index(max(heights)))
    box = tallest.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
    listed = page.get_by_text(re.compile(r"^\d+ articles?: "))
    listed.first.wait_for(timeout=60_000)
    page.wait_for_selector(
        "[data-testid=stStatusWidgetRunningIcon]", state="detached", timeout=60_000
    )
    count = int(listed.first.inner_text().split(" ")[0])
    assert count >= 1
    cards = page.get_by_role("button", name="Read the full text")
    cards.first.wait_for(timeout=60_000)
    page.wait_for_selector(
        "[data-testid=stStatusWidgetRunningIcon]", state="detached", timeout=60_000
    )
    assert cards.count() == min(count, 20)
    page.screenshot(path=str(tmp_path / "overview-click.png"), full_page=True)
    # The Articles card's button lists as many articles as the card says.
    page.get_by_role("button", name="The articles").first.click()
    card_list = page.get_by_text(re.compile(r"^\d+ articles?: the articles of this view\."))
    card_list.wait_for(timeout=60_000)
    page.wait_for_selector(
        "[data-testid=stStatusWidgetRunningIcon]", state="detached", timeout=60_000
    )
    assert card_list.inner_text().split(" ")[0] == metrics.nth(0).inner_text()

    # Change a filter: leave Mistral AI out; the figures and the chart follow.
    page.get_by_role("button", name="Remove Mistral AI").click()
    page.wait_for_function(
        "([before]) => document.querySelectorAll('[data-testid=stMetricValue]')[1]"
        "?.innerText !== before",
        arg=[mentions_before],
        timeout=30_000,
    )
    # The cards come first; the timeline is redrawn after them (wait for it, then read).
    page.wait_for_function(
        "() => { const names = [...(document.querySelector('.js-plotly-plot')"
        "?.querySelectorAll('.legendtext') ?? [])].map((e) => e.textContent);"
        " return names.length > 0 && !names.includes('Mistral AI'); }",
        timeout=30_000,
    )
    legend_after = page.locator(".js-plotly-plot").first.locator(".legendtext").all_text_contents()
    assert "Mistral AI" not in legend_after and legend_after
    assert "company=" in page.url  # the filter is in the link

    prominence = click_prominence_cell(page, f"{dashboard}/outlets", "Mistral AI", "Lead")
    page.screenshot(path=str(tmp_path / "outlets-click.png"), full_page=True)

    page.goto(f"{dashboard}/coverage")
    page.wait_for_selector("mark", timeout=60_000)
    assert page.locator("mark").first.inner_text() in {
        "Mistral AI",
        "Arthur Mensch",
        "OpenAI",
        "Google",
        "Meta",
        "Le Chat",
    }
    # Search the texts: in any case, the one seed that names Nvidia is left.
    search = page.get_by_role("textbox", name="Search the titles and texts")
    search.fill("NVIDIA")
    search.press("Enter")
    page.get_by_text("Articles that match the search: 1").wait_for(timeout=30_000)
    page.wait_for_selector(
        "[data-testid=stStatusWidgetRunningIcon]", state="detached", timeout=60_000
    )
    # Tall enough for the article's highlighted text (Streamlit scrolls inside the page).
    page.set_viewport_size({"width": 1400, "height": 1500})
    page.screenshot(path=str(tmp_path / "coverage.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})

    page.goto(f"{dashboard}/export")
    page.get_by_text("rows · filters").wait_for(timeout=60_000)
    page.locator("[data-testid=stDataFrame]").first.wait_for(timeout=60_000)
    idle = "[data-testid=stStatusWidgetRunningIcon]"
    page.wait_for_selector(idle, state="detached", timeout=60_000)
    page.get_by_role("button", name="Prepare the CSV").click()
    button = page.get_by_role("button", name="Download the CSV")
    button.wait_for(timeout=60_000)
    page.wait_for_selector(idle, state="detached", timeout=60_000)
    page.screenshot(path=str(tmp_path / "export.png"), full_page=True)
    saved = tmp_path / "export.csv"
    download_within(page, button, saved, tmp_path / "dashboard.log")

    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith(
        "date,date_precision,date_source,first_seen,outlet,title"
    )
    assert "La Tribune" in text and "Aleph Alpha" in text
    assert hosts == {"127.0.0.1"}, hosts  # no request left the machine
    assert (tmp_path / "overview.png").stat().st_size > 10_000
    # The clicked count (mentions in the lead) and its list (the articles carrying them),
    # as the store holds them.
    with Store(f"sqlite:///{tmp_path / 'data' / 'test.db'}") as store:
        mentions = oracle.Frames.from_store(store).mentions
    lead = mentions[(mentions["company"] == "Mistral AI") & (mentions["prominence"] == "lead")]
    cell, listed, what = prominence
    assert cell == len(lead) > 0
    assert listed == lead["article_id"].nunique() == cell, (cell, listed)
    assert what == "Mistral AI · mentioned in the lead"


# "2 articles: Mistral AI · mentioned in the lead. Choose another row to change the list."
LISTED = re.compile(r"^(\d+) articles?: (.*)\. (?:Click|Choose) ")


def click_prominence_cell(
    page: Any, address: str, company: str, column: str
) -> tuple[int, int, str]:
    """Click a count of the Outlets page's Prominence table as a reader does (the mouse on
    the company's row, the arrow keys to the column: the grid is a canvas); the cell's count,
    the count of the list opened under it and what the list says it counts."""
    idle = "[data-testid=stStatusWidgetRunningIcon]"
    page.goto(address)
    page.get_by_text("Where the mentions stand").wait_for(timeout=60_000)
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=stDataFrame]').length >= 3", timeout=60_000
    )
    page.wait_for_selector(idle, state="detached", timeout=60_000)
    table = page.locator("[data-testid=stDataFrame]").nth(2)
    table.scroll_into_view_if_needed()
    # The grid's accessible copy (glide-data-grid's): its headers and cells in order, the
    # row selection's checkbox column first. The grid draws it after the page is idle, so
    # wait for the first header (on a loaded machine it once came after the read).
    table.locator("[role=columnheader]", has_text="Company").first.wait_for(
        state="attached", timeout=60_000
    )
    table.locator("#glide-cell-1-0").wait_for(state="attached", timeout=60_000)
    headers = table.locator("[role=columnheader]").all_text_contents()
    assert headers[:1] == ["Company"] and column in headers, headers
    rows = table.locator("[role=row]").count() - 1
    names = [table.locator(f"#glide-cell-1-{r}").text_content() for r in range(rows)]
    row, col = names.index(company), headers.index(column)
    cell = int(table.locator(f"#glide-cell-{col + 1}-{row}").text_content() or "")
    box = table.bounding_box()
    assert box is not None
    height = 35  # Streamlit's row height; the header takes the rest
    header = box["height"] - height * rows
    page.mouse.click(box["x"] + 60, box["y"] + header + height * row + height / 2)
    page.wait_for_selector(idle, state="detached", timeout=60_000)
    for _ in range(col):
        page.keyboard.press("ArrowRight")
    # The list of the cell reached (the keys pass other cells, each listing its own).
    place = re.escape(f"{company} · mentioned in the {column.lower()}.")
    listed = page.get_by_text(re.compile(rf"^\d+ articles?: {place}")).first
    listed.wait_for(timeout=60_000)
    page.wait_for_selector(idle, state="detached", timeout=60_000)
    found = LISTED.match(listed.inner_text())
    assert found, listed.inner_text()
    return cell, int(found.group(1)), found.group(2)


def download_within(page: Any, button: Any, saved: Path, log: Path) -> None:
    """Click a download button and save the file, or fail with the end of the page and of
    the dashboard's log (the download once never came, when its data was built on the
    server at the click: the Export page now serves bytes)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        with page.expect_download(timeout=60_000) as download_info:
            button.click()
    except PlaywrightTimeout:
        raise AssertionError(
            "no download; the page ends with: "
            + page.locator("body").inner_text()[-600:]
            + "\nthe dashboard's log ends with: "
            + log.read_text(encoding="utf-8")[-3000:]
        ) from None
    download_info.value.save_as(saved)


@pytest.fixture
def hostile_dashboard(write_config: Callable[..., Config], tmp_path: Path) -> Iterator[str]:
    config = hostile.hostile_config(write_config)
    url = f"sqlite:///{tmp_path / 'data' / 'test.db'}"
    with served(config, lambda: hostile.fill_hostile_archive(config, url)) as base:
        yield base


# What the data must never become in the page: a link to evil.test, bold text, LaTeX, an
# icon or a colour from Streamlit's Markdown, reordered text.
DOM_CHECK = """() => {
  const text = document.body.innerText;
  const bold = [...document.querySelectorAll('b, strong')].map(e => e.textContent);
  return {
    links: [...document.querySelectorAll('a')].filter(a => a.href.includes('evil'))
      .map(a => a.parentElement.outerHTML.slice(0, 300)),
    svgLinks: document.querySelectorAll('svg a').length,
    bold: bold.filter(t => t.includes('Gras') || t.includes('Auteur')),
    latex: document.querySelectorAll('.katex, .MathJax, mjx-container').length,
    bidi: /[\\u202a-\\u202e\\u2066-\\u2069\\u200e\\u200f]/.test(text),
    text: text,
    svgText: [...document.querySelectorAll('.js-plotly-plot text')].map(e => e.textContent),
  };
}"""


# Run before the page's own scripts: the Blob holding the first chart's script (Streamlit
# loads a component's script from a Blob) gets a script that does nothing instead.
NO_FIRST_CHART_SCRIPT = """
const OriginalBlob = window.Blob;
window.firstChartScriptsReplaced = 0;
window.Blob = function (parts, options) {
  if (parts && parts.some((part) => typeof part === "string"
                                    && part.includes('setTriggerValue("painted"'))) {
    window.firstChartScriptsReplaced += 1;
    parts = ["export default function () {}"];
  }
  return new OriginalBlob(parts, options);
};
window.Blob.prototype = OriginalBlob.prototype;
"""


@pytest.mark.first_chart_fallback
def test_the_whole_overview_shows_when_the_first_chart_script_never_runs(
    dashboard: str, open_page: Callable[..., Any]
) -> None:
    """A browser that never runs the first chart's script (blocked, failing) still gets
    the whole Overview: the server's fallback draws it."""
    page = open_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(NO_FIRST_CHART_SCRIPT)
    page.goto(dashboard)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.wait_for_selector("[data-testid=stDataFrame]", state="attached", timeout=60_000)
    charts = page.locator(".js-plotly-plot").count()
    replaced = page.evaluate("window.firstChartScriptsReplaced")
    assert replaced == 1, "the first chart's script was not replaced: nothing was tested"
    assert charts == 3


def test_a_hostile_archive_in_a_real_browser(
    hostile_dashboard: str, open_page: Callable[..., Any], tmp_path: Path
) -> None:
    """Every page of a hostile archive, in chromium: the data is text in the DOM."""
    hosts: set[str] = set()
    found: dict[str, dict[str, Any]] = {}
    page = open_page(viewport={"width": 1400, "height": 2400})
    page.on("request", lambda request: hosts.update(network_host(request.url)))
    for name, path, ready in [
        ("overview", "", ".js-plotly-plot"),
        ("coverage", "/coverage", "mark"),
        ("topics", "/topics", ".js-plotly-plot"),
        ("outlets", "/outlets", ".js-plotly-plot"),
        ("sources", "/sources", "[data-testid=stDataFrame]"),
        ("export", "/export", "[data-testid=stDataFrame]"),
    ]:
        page.goto(hostile_dashboard + path)
        page.wait_for_selector(ready, timeout=60_000)
        page.wait_for_selector(
            "[data-testid=stStatusWidgetRunningIcon]", state="detached", timeout=60_000
        )
        page.wait_for_timeout(500)  # plotly draws after the script ends
        page.screenshot(path=str(tmp_path / f"hostile-{name}.png"), full_page=True)
        found[name] = page.evaluate(DOM_CHECK)

    for name, dom in found.items():
        assert dom["links"] == [] and dom["svgLinks"] == 0, (name, dom["links"])
        assert dom["bold"] == [] and dom["latex"] == 0, (name, dom["bold"])
        assert not dom["bidi"], name
        assert hostile.SECRET not in dom["text"], name
    # Shown as the characters they are.
    # (A zero-width space after "https:" keeps remark-gfm from making it a link.)
    overview = found["overview"]["text"].replace("\u200b", "")
    assert hostile.PHISH in overview  # the Top outlet card
    assert (
        hostile.RTL_TITLE.replace("\u202e", "").replace("\u202c", "") in found["coverage"]["text"]
    )
    assert ":red[rouge] :material/warning: :skull:" in found["coverage"]["text"]
    outlets_chart = " ".join(found["outlets"]["svgText"])
    assert "<b>Gras</b><br>Brisé" in outlets_chart and hostile.LINKED in outlets_chart
    assert hosts == {"127.0.0.1"}, hosts  # nothing fetched from evil.test


def test_the_french_overview_names_its_axis_months_in_french_in_a_real_browser(
    write_config: Callable[..., Config], seeds_dir: Path, open_page: Callable[..., Any]
) -> None:
    """The axes as the browser draws them: Streamlit's plotly.js has no French locale, so
    the period labels come from Babel; no English month name is drawn."""
    import re

    config = write_config(
        sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}],
        interface_language="fr",
        timezone="Europe/Paris",
    )
    with served(config, collected(config)) as base:
        page = open_page(viewport={"width": 1400, "height": 1000})
        page.goto(base)
        page.wait_for_selector(".js-plotly-plot .xtick text", timeout=60_000)
        ticks = page.locator(".js-plotly-plot").first.locator(".xtick text")
        labels = ticks.all_text_contents()
        metrics = page.locator("[data-testid=stMetricValue]").all_text_contents()
    french = re.compile(r"(janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.)")
    english = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")
    assert labels and any(french.search(label) for label in labels), labels
    assert not any(english.search(label) for label in labels), labels
    # The share of voice card: Babel's French percent, a no-break space before the sign.
    assert any(value.endswith("\u00a0%") for value in metrics), metrics


# Per plot of the page: each company's colour as drawn (a line's stroke, a bar's fill),
# the trace's own name read from the data plotly bound to its SVG group.
DRAWN_COLOURS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
  const drawn = {};
  gd.querySelectorAll('.scatterlayer .trace, .barlayer .trace').forEach(group => {
    const trace = group.__data__ && group.__data__[0] && group.__data__[0].trace;
    if (!trace) return;
    const line = group.querySelector('path.js-line');
    const bar = group.querySelector('.point path');
    const colour = line ? line.style.stroke : bar ? bar.style.fill : null;
    if (colour) drawn[trace.name] = colour;
  });
  return drawn;
})"""
# The first plot's trace of a company: its values as plotly computed them for drawing, and
# the vertices of its drawn line with the pixel of zero on the y axis (all in the plot
# area's coordinates).
DRAWN_LINE = """(company) => {
  const gd = document.querySelector('.js-plotly-plot');
  const group = [...gd.querySelectorAll('.scatterlayer .trace')]
    .find(g => g.__data__ && g.__data__[0] && g.__data__[0].trace.name === company);
  const d = group.querySelector('path.js-line').getAttribute('d');
  const vertices = [...d.matchAll(/[ML]\\s*([-\\d.e]+),([-\\d.e]+)/g)]
    .map(m => [parseFloat(m[1]), parseFloat(m[2])]);
  return {
    y: group.__data__.map(point => point.y),
    vertices: vertices,
    zero: gd._fullLayout.yaxis.l2p(0),
  };
}"""


def _rgb(hex_colour: str) -> str:
    """A #rrggbb colour as the browser writes a style's ("rgb(37, 99, 235)")."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def test_the_timeline_falls_to_zero_and_a_company_keeps_its_colour_in_a_real_browser(
    write_config: Callable[..., Config], open_page: Callable[..., Any]
) -> None:
    """Google DeepMind covered in April 2012 and September 2015 only: the drawn line falls
    to the zero of the axis between them (never a line running across 40 empty months),
    and each company is drawn in its config colour on the Overview and on Outlets."""

    config = write_config()

    def fill() -> None:
        with Store(f"sqlite:///{config.base_dir / 'data' / 'test.db'}") as store:
            store.save_articles(sparse_archive(config))

    idle = "[data-testid=stStatusWidgetRunningIcon]"
    with served(config, fill) as base:
        page = open_page(viewport={"width": 1400, "height": 2400})
        page.goto(base)
        page.wait_for_selector(".js-plotly-plot .scatterlayer path.js-line", timeout=60_000)
        page.wait_for_selector(idle, state="detached", timeout=60_000)
        page.wait_for_timeout(500)  # plotly draws after the script ends
        line = page.evaluate(DRAWN_LINE, "Google DeepMind")
        overview = page.evaluate(DRAWN_COLOURS)
        page.goto(f"{base}/outlets")
        page.wait_for_selector(".js-plotly-plot .barlayer .point path", timeout=60_000)
        page.wait_for_selector(idle, state="detached", timeout=60_000)
        page.wait_for_timeout(500)
        outlets = page.evaluate(DRAWN_COLOURS)
    # Every month from April 2012 to September 2015, the 40 without coverage at 0.
    assert len(line["y"]) == 42 and line["y"].count(0) == 40, line["y"]
    covered = [n for n, y in enumerate(line["y"]) if y > 0]
    assert covered == [0, 41], covered
    # As drawn: the line's vertices between the two covered months lie on the axis's zero.
    first, last = line["vertices"][0][0], line["vertices"][-1][0]
    between = [y for x, y in line["vertices"] if first < x < last]
    assert between and all(abs(y - line["zero"]) < 1 for y in between), line
    peaks = [y for _, y in line["vertices"] if y < line["zero"] - 5]
    assert len(peaks) == 2, line["vertices"]
    # One colour per company, its place in the config's order, on both pages.
    expected = {c.name: _rgb(COMPANY_COLORS[n]) for n, c in enumerate(config.companies)}
    drawn: dict[str, set[str]] = {}
    for plot in [*overview, *outlets]:
        for name, colour in plot.items():
            if name in expected:
                drawn.setdefault(name, set()).add(colour)
    assert set(drawn) == {"Mistral AI", "OpenAI", "Google DeepMind"}, (overview, outlets)
    assert {name: sorted(colours) for name, colours in drawn.items()} == {
        name: [expected[name]] for name in drawn
    }
    on_outlets = {name for plot in outlets for name in plot if name in expected}
    assert on_outlets == set(drawn)  # the second page draws every company too


def sparse_archive(config: Config) -> list[Article]:
    """Google DeepMind in April 2012 and September 2015 only; Mistral AI and OpenAI in
    September 2015 (tests/test_dashboard.py's sparse archive, analysed)."""
    pieces = [
        ("dm1", "quotidien", "Google DeepMind présente ses travaux.", datetime(2012, 4, 10)),
        ("dm2", "hebdo", "Google DeepMind ouvre un bureau.", datetime(2015, 9, 14)),
        ("m1", "economie", "Mistral AI détaille son plan.", datetime(2015, 9, 15)),
        ("o1", "site", "OpenAI publie une note technique.", datetime(2015, 9, 16)),
    ]
    index, matcher = StoryIndex(), Matcher(config.companies)
    return [
        analyse(
            dataclasses.replace(
                article(key, outlet, f"Un article {key}", text),
                published=published.replace(hour=9, tzinfo=UTC),
                date_precision="day",
            ),
            matcher,
            index,
        )
        for key, outlet, text, published in pieces
    ]
