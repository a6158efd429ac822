"""The ``presswatch`` command: collect | run | dashboard | export | review | sources | ..."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from presswatch import __version__
from presswatch.config import (
    CONFIG_ENV,
    DATABASE_ENV,
    Config,
    database_url,
    interface_language,
    load_config,
)
from presswatch.errors import ConfigError, PresswatchError
from presswatch.plurals import counted
from presswatch.urls import MaskingFormatter, mask_url, mask_urls_in

if TYPE_CHECKING:
    # The store brings pandas and SQLAlchemy (most of a start's imports): imported by the
    # commands that open one, not by `dashboard`, which hands over to Streamlit at once.
    from presswatch.store import Store

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_PORT = 8501
DEFAULT_ADDRESS = "127.0.0.1"


def common_options(function: F) -> F:
    """--config and --db, accepted by every command, and errors turned into one clear line."""

    @click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"The config file (default: ${CONFIG_ENV} or ./config.yaml).",
    )
    @click.option(
        "--db",
        "db",
        default=None,
        help=f"Database path or URL; overrides the config and ${DATABASE_ENV}.",
    )
    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ConfigError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except PresswatchError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _open(config_path: Path | None, db: str | None) -> tuple[Config, Store]:
    from presswatch.store import Store

    config = load_config(config_path)
    return config, Store(database_url(config, db))


def _check_companies(config: Config, names: tuple[str, ...] | list[str]) -> None:
    """Refuse company names the config does not have, naming the ones it has."""
    unknown = [name for name in names if config.company(name) is None]
    if unknown:
        known = ", ".join(c.name for c in config.companies) or "none"
        raise ConfigError(
            str(config.path),
            [
                f"no company named '{name}' in the config (its companies: {known})"
                for name in unknown
            ],
        )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="presswatch")
@click.option("-v", "--verbose", count=True, help="More log lines (-vv for debug).")
def main(verbose: int) -> None:
    """presswatch: what the press says about your company and its competitors."""
    level = logging.WARNING - 10 * min(verbose, 2)
    # No log line shows a feed's user:pass@ or ?token= (httpx logs every URL it asks).
    handler = logging.StreamHandler()
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])


@main.command("check-config")
@common_options
def check_config(config_path: Path | None, db: str | None) -> None:
    """Validate the config file and print every problem at once."""
    from presswatch.analysis.matching import ambiguity_warnings

    config = load_config(config_path)
    tracked = ", ".join(c.name for c in config.tracked)
    click.echo(
        f"{config.path}: valid: {counted(len(config.companies), 'company', 'companies')} "
        f"(tracked: {tracked}), {counted(len(config.sources), 'source', 'sources')}, "
        f"{counted(len(config.topics), 'topic', 'topics')}; "
        f"database {mask_url(database_url(config, db))}"
    )
    for line in ambiguity_warnings(config.companies, config.languages):
        click.echo(line)


def _on_terminal() -> bool:
    """Whether a person watches the output (progress bars are drawn only for them)."""
    return sys.stdout.isatty()


def _progress_bar(
    total: int | None, unit: str, description: str | None = None, *, every_update: bool = False
) -> Any:
    """A tqdm bar on stderr for a long step (a counter without a total), or None when no
    terminal shows it; ``every_update`` redraws it at each update (for rare updates)."""
    if not _on_terminal():
        return None
    from tqdm import tqdm

    redraw = {"mininterval": 0, "miniters": 1} if every_update else {}
    return tqdm(total=total, unit=unit, desc=description, leave=False, **redraw)


def run_collection(config: Config, store: Store, only: tuple[str, ...] = ()) -> int:
    """Collect once, print one line per source and a summary; return the failed count."""
    from presswatch.collect import SourceOutcome, collect

    unknown = [name for name in only if name not in {s.name for s in config.sources}]
    if unknown:
        raise ConfigError(str(config.path), [f"no source named '{name}'" for name in unknown])

    enabled = [s for s in config.sources if s.enabled and (not only or s.name in only)]
    bar = _progress_bar(len(enabled), "source")
    say = bar.write if bar is not None else click.echo

    def report(outcome: SourceOutcome) -> None:
        if outcome.status == "failed":
            say(f"  FAILED       {outcome.name}: {outcome.error}")
        else:
            label = "not modified" if outcome.status == "not_modified" else "ok"
            seen = (
                counted(outcome.seen, "file", "files")
                if outcome.kind == "files"
                else counted(outcome.seen, "entry", "entries")
            )
            read = f" ({outcome.files_read} read)" if outcome.kind == "files" else ""
            say(
                f"  {label:<12} {outcome.name}: {seen}{read}, "
                f"{outcome.new} new, {outcome.updated} updated ({outcome.seconds:.1f}s)"
            )
        for problem in outcome.problems[:20]:
            say(f"      note: {problem}")
        if len(outcome.problems) > 20:
            say(f"      ... and {len(outcome.problems) - 20} more")
        if bar is not None:
            bar.update(1)

    analysing: Any = None

    def analysed(done: int, waiting: int) -> None:
        # The analysis stage's own bar (on a terminal), once the sources are written.
        nonlocal analysing
        if analysing is None:
            if bar is not None:
                bar.close()
            analysing = _progress_bar(waiting, "article", "Analysing")
            if analysing is None:
                return
        analysing.update(done - analysing.n)

    # What this run collects: the enabled sources, or those named with --source.
    click.echo(f"Collecting {counted(len(enabled), 'source', 'sources')} into {store.display_url}")
    try:
        summary = collect(
            config, store, only=only or None, on_source_done=report, on_analysis=analysed
        )
    finally:
        if bar is not None:
            bar.close()
        if analysing is not None:
            analysing.close()
    for name, reason in summary.skipped:
        click.echo(f"  {'skipped':<12} {name}: {reason}")
    if summary.reanalyzed:
        click.echo(
            "Aliases changed: mentions recomputed over "
            f"{counted(summary.reanalyzed, 'stored article', 'stored articles')}."
        )
    ok = len(summary.outcomes) - len(summary.failed)
    waiting = f"; {summary.pending} still to analyse" if summary.pending else ""
    click.echo(
        f"Done in {summary.seconds:.1f}s: {counted(ok, 'source', 'sources')} ok, "
        f"{len(summary.failed)} failed; {counted(summary.new, 'new article', 'new articles')}, "
        f"{summary.updated} updated; "
        f"{len(summary.analysed_ids)} analysed{waiting}."
    )
    return len(summary.failed)


@main.command()
@common_options
@click.option("--source", "only", multiple=True, help="Collect only this source (repeatable).")
def collect(config_path: Path | None, db: str | None, only: tuple[str, ...]) -> None:
    """Collect every source of the config once (refused while another collector runs)."""
    from presswatch.lock import collector_lock

    config, store = _open(config_path, db)
    with store, collector_lock(store.url):
        failed = run_collection(config, store, only)
    # A failing source is reported, not fatal: the exit code tells scripts when every
    # source this run collected failed.
    collected = [s for s in config.sources if s.enabled and (not only or s.name in only)]
    sys.exit(1 if failed and failed == len(collected) else 0)


def _dashboard_command(port: int, address: str) -> list[str]:
    app = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
    # dashboard.serve imports the first page's modules, then runs `streamlit run`: the
    # first reader of a new server no longer waits for them (a cold start).
    return [
        sys.executable,
        "-m",
        "dashboard.serve",
        str(app),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]


def _check_exposure(config: Config, address: str, port: int) -> None:
    """Warn when the dashboard is served beyond this machine without sign-in (or behind a
    header anyone could send); refuse OIDC sign-in without Authlib (st.login needs it)."""
    import importlib.util

    auth = config.dashboard.auth
    if auth.mode == "oidc" and importlib.util.find_spec("authlib") is None:
        raise ConfigError(
            str(config.path),
            ["dashboard.auth.mode oidc needs Authlib: pip install 'presswatch[auth]'"],
        )
    if address in ("127.0.0.1", "localhost", "::1"):
        return
    if not auth.enabled:
        click.echo(
            f"warning: the dashboard listens on {address} without sign-in: anyone who "
            f"reaches port {port} reads everything and can save corrections. Set "
            "dashboard.auth in config.yaml (README, Security), or listen on 127.0.0.1.",
            err=True,
        )
    elif auth.mode == "proxy":
        click.echo(
            f"warning: the dashboard trusts the {auth.header} header and listens on "
            f"{address}: anyone who reaches port {port} directly can send it. Listen on "
            "127.0.0.1 behind the sign-in proxy.",
            err=True,
        )


@main.command()
@common_options
@click.option("--port", default=DEFAULT_PORT, show_default=True, help="Dashboard port.")
@click.option("--address", default=DEFAULT_ADDRESS, show_default=True, help="Address to listen on.")
def dashboard(config_path: Path | None, db: str | None, port: int, address: str) -> None:
    """Serve the dashboard (it only reads the database)."""
    config = load_config(config_path)
    _check_exposure(config, address, port)
    env = dict(os.environ)
    if config.path:
        env[CONFIG_ENV] = str(config.path)
    env[DATABASE_ENV] = database_url(config, db)
    click.echo(f"Dashboard: http://{address}:{port}  (Ctrl-C to stop)")
    sys.stdout.flush()
    # Streamlit takes this process's place: no parent left waiting with the CLI's imports
    # in memory, and Ctrl-C or SIGTERM reach the server itself.
    command = _dashboard_command(port, address)
    os.execve(command[0], command, env)  # noqa: S606


def _log_outcome(outcome: Any) -> None:
    """One line per source per run, for the scheduled collector's log."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if outcome.status == "failed":
        click.echo(f"{stamp} FAILED {outcome.name}: {outcome.error}", err=True)
    else:
        click.echo(
            f"{stamp} {outcome.status} {outcome.name}: {outcome.new} new, "
            f"{outcome.updated} updated ({outcome.seconds:.1f}s)"
        )


def _watch(config: Config, store: Store) -> None:
    from presswatch.lock import collector_lock
    from presswatch.watch import Watcher, install_signal_handlers

    with collector_lock(store.url):
        watcher = Watcher(config, store, on_source_done=_log_outcome)
        install_signal_handlers(watcher)
        click.echo(
            f"Watching {counted(len(config.sources), 'source', 'sources')} into "
            f"{store.display_url} (Ctrl-C to stop)"
        )
        runs = watcher.run()
    click.echo(f"Stopped after {counted(runs, 'collection run', 'collection runs')}.")


@main.command()
@common_options
def watch(config_path: Path | None, db: str | None) -> None:
    """Collect each source when it is due, until stopped (SIGTERM or Ctrl-C)."""
    config, store = _open(config_path, db)
    with store:
        _watch(config, store)


@main.command()
@common_options
@click.option("--port", default=DEFAULT_PORT, show_default=True, help="Dashboard port.")
@click.option("--address", default=DEFAULT_ADDRESS, show_default=True, help="Address to listen on.")
def run(config_path: Path | None, db: str | None, port: int, address: str) -> None:
    """Serve the dashboard and collect every source when it is due, until stopped."""
    config, store = _open(config_path, db)
    _check_exposure(config, address, port)
    env = dict(os.environ)
    if config.path:
        env[CONFIG_ENV] = str(config.path)
    env[DATABASE_ENV] = store.url
    click.echo(f"Dashboard: http://{address}:{port}")
    dashboard_process = subprocess.Popen(_dashboard_command(port, address), env=env)  # noqa: S603
    try:
        with store:
            _watch(config, store)
    finally:
        dashboard_process.send_signal(signal.SIGTERM)
        try:
            dashboard_process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            dashboard_process.kill()


@main.command()
@common_options
@click.option("--day", default=None, help="The day to review (default: yesterday, UTC).")
def digest(config_path: Path | None, db: str | None, day: str | None) -> None:
    """Write a day's press review of the tracked company (markdown and HTML)."""
    from presswatch.alerts import write_digest

    config, store = _open(config_path, db)
    chosen = _date_option(day, "--day") or (datetime.now(UTC) - timedelta(days=1)).date()
    with store:
        markdown, page = write_digest(config, store, chosen)
    click.echo(f"Wrote {markdown} and {page}")


@main.command()
@common_options
def status(config_path: Path | None, db: str | None) -> None:
    """Sources and their health, the last run, the next due times, the database size."""
    from presswatch.lock import lock_path, lock_state

    config, store = _open(config_path, db)
    with store:
        states = {s.name: s for s in store.source_states()}
        runs = store.runs_frame(limit=1)
        articles = store.count_articles()
        size = store.database_size()
    click.echo(f"Database: {store.display_url} ({counted(articles, 'article', 'articles')})")
    if size is not None:
        click.echo(f"Size on disk: {size / 1024 / 1024:.1f} MB")
    if store.shares_work:
        now = datetime.now(UTC)
        workers = sorted(
            {
                s.lease_owner
                for s in states.values()
                if s.lease_owner and s.lease_until and s.lease_until > now
            }
        )
        click.echo(f"Collector workers collecting now: {', '.join(workers) or 'none'}")
    else:
        lock = lock_path(store.url)
        click.echo(f"Collector lock: {lock} ({lock_state(lock)})")
    if not runs.empty:
        last = runs.iloc[0]
        click.echo(
            f"Last run: started {last['started_at']}, {last['sources_ok']} ok, "
            f"{last['sources_failed']} failed, "
            f"{counted(int(last['articles_new']), 'new article', 'new articles')}"
        )
    for source in config.sources:
        state = states.get(source.name)
        if state is None:
            click.echo(f"  {source.name}: never collected")
            continue
        health = "disabled" if state.disabled_reason else ("failing" if state.error else "ok")
        due = state.next_due.strftime("%Y-%m-%d %H:%M UTC") if state.next_due else "now"
        click.echo(f"  {source.name}: {health}; next due {due}")


# The tone labels a person may type, in English and French (accents and case aside).
TONE_WORDS = {
    "positive": "positive",
    "neutral": "neutral",
    "negative": "negative",
    "positif": "positive",
    "neutre": "neutral",
    "negatif": "negative",
}


class ToneLabel(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2 only
    """A tone label: positive, neutral or negative, or French positif, neutre, négatif."""

    name = "tone"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """How --help shows the accepted labels."""
        return "[positive|neutral|negative|positif|neutre|négatif]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """The English label stored for what was typed, or a usage error listing them."""
        from presswatch.analysis.nlp.text import fold

        # The feminine French forms ("négative", "positive") fold to the English labels.
        label = TONE_WORDS.get(fold(str(value).strip()))
        if label is None:
            self.fail(
                f"'{value}' is not a tone: use positive, neutral or negative "
                "(or in French positif, neutre, négatif; accents optional)",
                param,
                ctx,
            )
        return label


def _date_option(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"'{value}' is not a date: write it as 2024-06-30", param_hint=name
        ) from None


@main.command()
@common_options
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The CSV file to write (its manifest goes beside it as NAME.manifest.json).",
)
@click.option(
    "--level",
    type=click.Choice(["articles", "mentions", "stories", "daily"]),
    default="articles",
    show_default=True,
    help="One row per (article, company), mention, (story, company) or (day, company).",
)
@click.option("--from", "start", default=None, help="First day, e.g. 2024-06-01.")
@click.option("--to", "end", default=None, help="Last day, included.")
@click.option("--company", "companies", multiple=True, help="Only these companies (repeatable).")
@click.option("--outlet", "outlets", multiple=True, help="Only these outlets (repeatable).")
@click.option("--language", "languages", multiple=True, help="Only these languages: fr, en.")
@click.option(
    "--tone",
    "tones",
    multiple=True,
    type=ToneLabel(),
    help="Only this tone towards the company (repeatable; French labels too).",
)
@click.option("--topic", "topics", multiple=True, help="Only articles on these topics.")
@click.option(
    "--delimiter",
    type=click.Choice([",", ";"]),
    default=None,
    help="The separator (default: ',', or ';' with --locale fr).",
)
@click.option("--no-bom", is_flag=True, help="Leave out the UTF-8 BOM that Excel needs.")
@click.option(
    "--locale",
    "spreadsheet_locale",
    type=click.Choice(["en", "fr"]),
    default="en",
    show_default=True,
    help="fr: a French spreadsheet's figures (';', decimal commas, dates it reads as "
    "dates, French headers and values).",
)
def export(
    config_path: Path | None,
    db: str | None,
    out: Path,
    level: str,
    start: str | None,
    end: str | None,
    companies: tuple[str, ...],
    outlets: tuple[str, ...],
    languages: tuple[str, ...],
    tones: tuple[str, ...],
    topics: tuple[str, ...],
    delimiter: str | None,
    no_bom: bool,
    spreadsheet_locale: str,
) -> None:
    """Write a CSV for spreadsheets, with a manifest that makes its figures traceable."""
    from presswatch.export import export_to_file
    from presswatch.models import Filters

    config, store = _open(config_path, db)
    _check_companies(config, companies)
    filters = Filters(
        start=_date_option(start, "--from"),
        end=_date_option(end, "--to"),
        companies=companies,
        outlets=outlets,
        languages=languages,
        tones=tones,
        topics=topics,
    )
    with store:
        manifest, manifest_path = export_to_file(
            store,
            filters,
            config,
            out,
            level=level,
            delimiter=delimiter,
            bom=not no_bom,
            locale=spreadsheet_locale,
        )
    rows = counted(manifest["rows"], "row", "rows")
    click.echo(f"Wrote {rows} to {out} (manifest: {manifest_path})")
    undated = manifest["undated_articles_left_out"]
    if undated:
        click.echo(
            f"{counted(undated, 'undated article is', 'undated articles are')} outside any "
            "period and left out; export without --from/--to to include them."
        )


@main.command()
@common_options
@click.option(
    "--period",
    required=True,
    help="A week (2024-W12), a month (2024-03) or days (2024-03-01..2024-03-31).",
)
@click.option("--company", "companies", multiple=True, help="Only these companies (repeatable).")
@click.option(
    "--format",
    "output",
    type=click.Choice(["html", "md", "pptx", "pdf"]),
    default=None,
    help="The document's format (default: from --out's extension, else html).",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(["fr", "en"]),
    default=None,
    help="The report's language (default: the config's interface_language, else the locale).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write.",
)
def report(
    config_path: Path | None,
    db: str | None,
    period: str,
    companies: tuple[str, ...],
    output: str | None,
    language: str | None,
    out: Path,
) -> None:
    """Write a period's report (the dashboard's figures against the previous period)."""
    from presswatch.report import build_report, parse_period
    from presswatch.report_render import FORMATS, write_report

    chosen = parse_period(period)
    suffix = out.suffix.lower().lstrip(".")
    kind = output or (suffix if suffix in FORMATS else "html")
    config, store = _open(config_path, db)
    _check_companies(config, companies)
    with store:
        made = build_report(store, config, chosen, companies)
    written = write_report(made, language or interface_language(config), kind, out)
    click.echo(f"Wrote the {kind} report of {chosen.code} to {written}")


@main.command()
@common_options
def sources(config_path: Path | None, db: str | None) -> None:
    """Each source and its collection state."""
    config, store = _open(config_path, db)
    with store:
        store.sync_sources((s.name, s.kind, s.location) for s in config.sources)
        states = {state.name: state for state in store.source_states()}
    for source in config.sources:
        state = states[source.name]
        last = state.last_success.strftime("%Y-%m-%d %H:%M UTC") if state.last_success else "never"
        status = "FAILING" if state.error else ("ok" if state.last_success else "not collected yet")
        if not source.enabled:
            status = "disabled"
        if state.disabled_reason:
            status = "DISABLED"
        due = state.next_due.strftime("%Y-%m-%d %H:%M UTC") if state.next_due else "now"
        attempt = (
            state.last_attempt.strftime("%Y-%m-%d %H:%M UTC") if state.last_attempt else "never"
        )
        if state.http_status:
            attempt += f" (HTTP {state.http_status})"
        click.echo(
            f"{state.name} [{state.kind}] {status}; last attempt {attempt}; last success {last}; "
            f"next due {due}; {state.entries_seen} entries seen, {state.entries_new} new last "
            f"time; {mask_url(state.location)}"
        )
        if state.disabled_reason:
            click.echo(f"    disabled: {state.disabled_reason}")
        if state.error:
            error = mask_urls_in(state.error)  # rows stored before errors were masked
            click.echo(f"    error ({state.consecutive_failures} in a row): {error}")
        if state.lease_owner and state.lease_until and state.lease_until > datetime.now(UTC):
            click.echo(
                f"    being collected by {state.lease_owner} "
                f"(claim until {state.lease_until:%Y-%m-%d %H:%M:%S} UTC)"
            )


@main.command()
@common_options
def reanalyze(config_path: Path | None, db: str | None) -> None:
    """Recompute mentions and stories over the whole archive, without fetching anything."""
    from presswatch.analysis.analyzer import Analyzer
    from presswatch.analysis.analyzer import reanalyze as reanalyze_archive

    config, store = _open(config_path, db)
    with store:
        total = store.count_articles()
        bar = _progress_bar(total, "article", "Reanalysing")
        try:
            changes = reanalyze_archive(
                store,
                Analyzer(config),
                progress=None if bar is None else lambda done, _total: bar.update(done - bar.n),
            )
        finally:
            if bar is not None:
                # tqdm skips a redraw within 0.1 s of the last: the first article, which
                # loads the models, is slow and the rest fast, so the final count would
                # never show.
                bar.refresh()
                bar.close()
    click.echo(f"Reanalyzed {counted(total, 'article', 'articles')}.")
    if not changes:
        click.echo("No mention added or removed.")
    for company, change in changes.items():
        click.echo(
            f"  {company}: +{counted(change.added, 'mention', 'mentions')}, "
            f"-{counted(change.removed, 'mention', 'mentions')}"
        )
        for sign, sentences in (("+", change.added_sentences), ("-", change.removed_sentences)):
            for sentence in sentences:
                click.echo(f"    {sign} {_one_line(sentence)}")


def _one_line(text: str, width: int = 160) -> str:
    """Untrusted text on one terminal line: control characters out, long text cut."""
    plain = "".join(ch if ch.isprintable() else " " for ch in text)
    plain = " ".join(plain.split())
    return plain if len(plain) <= width else plain[: width - 1] + "…"


@main.command("set-tone")
@common_options
@click.argument("article_id")
@click.argument("label", type=ToneLabel())
@click.option(
    "--company", default=None, help="The company whose tone this is (else the article's)."
)
@click.option(
    "--mention",
    default=None,
    metavar="FIELD:START",
    help="One mention, as title:12 or text:345 (its field and start offset).",
)
@click.option("--by", "author", required=True, help="Who corrects (kept with the correction).")
@click.option("--note", default=None, help="Why, for the record.")
def set_tone(
    config_path: Path | None,
    db: str | None,
    article_id: str,
    label: str,
    company: str | None,
    mention: str | None,
    author: str,
    note: str | None,
) -> None:
    """Correct the tone of an article, of a company in it, or of one mention."""
    config, store = _open(config_path, db)
    if company is not None:
        _check_companies(config, [company])
    field = start = None
    if mention:
        name, _, offset = mention.partition(":")
        if name not in ("title", "text") or not offset.isdigit():
            raise click.BadParameter(
                "write the mention as title:START or text:START", param_hint="--mention"
            )
        field, start = name, int(offset)
    with store:
        store.add_correction(
            article_id, label, author, company=company, field=field, start=start, note=note
        )
    target = f"{company} in " if company else ("a mention in " if mention else "")
    click.echo(f"Tone of {target}article {article_id} set to {label} by {author}.")


@main.command()
@common_options
@click.argument("company", required=False)
@click.option(
    "--sample",
    "size",
    default=20,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="How many mentions to draw among those nobody reviewed yet.",
)
@click.option("--seed", type=int, default=None, help="Draw the same sample again (any number).")
@click.option(
    "--reviewer", default=None, help="Who reviews, kept with each mark (default: your login)."
)
@click.option("--list", "list_all", is_flag=True, help="Print every company's estimate and stop.")
def review(
    config_path: Path | None,
    db: str | None,
    company: str | None,
    size: int,
    seed: int | None,
    reviewer: str | None,
    list_all: bool,
) -> None:
    """Mark a random sample of a company's mentions right or wrong; print its precision."""
    import getpass
    import random

    from presswatch.export import format_date
    from presswatch.review import clean_text, sampled_excerpt, sampled_key

    config, store = _open(config_path, db)
    if list_all:
        with store:
            _print_estimates(config, store, None)
        return
    if company is None:
        raise click.UsageError("name the company to review, or pass --list")
    _check_companies(config, [company])
    if reviewer is None:
        try:
            reviewer = getpass.getuser()
        except (OSError, KeyError):
            raise click.UsageError("say who reviews with --reviewer NAME") from None
    if seed is None:
        # Printed, so that the session's sample can be drawn again.
        seed = random.SystemRandom().randrange(1_000_000)
    from presswatch.analysis.nlp.sentiment import get_backend

    # A wrong mark re-reads the company's tone in the article from the mentions left, by
    # the model's rule from score to label (the model's weights are not needed for it).
    tone = get_backend(config.tone.backend, config.resolve_path(config.tone.model))
    with store:
        sample = store.review_sample(company, size, seed)
        if sample.empty:
            click.echo(f"Every mention of {company} has been reviewed, or it has none.")
        else:
            click.echo(
                f"Reviewing {counted(len(sample), 'mention', 'mentions')} of {company} "
                "nobody reviewed yet "
                f"(seed {seed}, reviewer {reviewer}). Is {company} meant? r: right, "
                "w: wrong, s: skip, q: quit. Each answer is saved at once."
            )
        saved = {"right": 0, "wrong": 0}
        for number, row in enumerate(sample.to_dict("records"), start=1):
            when = format_date(row["published"], row["date_precision"]) or "undated"
            click.echo(
                f"\n[{number}/{len(sample)}] {clean_text(row['outlet']) or 'unknown outlet'} · "
                f"{when} · {clean_text(row['title']) or '(untitled)'}"
            )
            click.echo(f"    {sampled_excerpt(row)}")
            try:
                answer = click.prompt(
                    "right, wrong, skip or quit?",
                    type=click.Choice(["r", "w", "s", "q"], case_sensitive=False),
                ).lower()
            except click.Abort:  # the input ended (a pipe, Ctrl-D): what was saved stays
                click.echo("")
                break
            if answer == "q":
                break
            if answer == "s":
                continue
            verdict = "right" if answer == "r" else "wrong"
            store.mark_mention(sampled_key(row), verdict, reviewer, label_of=tone.label)
            saved[verdict] += 1
        click.echo(f"\nSaved {saved['right']} right and {saved['wrong']} wrong.")
        _print_estimates(config, store, company)


def _print_estimates(config: Config, store: Store, company: str | None) -> None:
    """One company's precision estimate and the rule its wrong mentions suggest, or (no
    company) every company's estimate."""
    from presswatch.review import companies_listed, estimate_text, estimates_by_company

    estimates = store.precision_estimates()
    found = estimates_by_company(estimates)
    names = (
        [company] if company else companies_listed((c.name for c in config.companies), estimates)
    )
    for name in names:
        row = found.get(name)
        text = f"precision {estimate_text(row)}" if row else "not reviewed"
        note = "" if config.company(name) else " (not in the config)"
        click.echo(f"{name}: {text}{note}")
    if company is None:
        return
    from presswatch.review import suggest_rules, suggestion_lines

    configured = config.company(company)
    assert configured is not None  # checked by the caller
    others = store.review_sample(company, 500, seed=0)
    for suggestion in suggest_rules(configured, store.reviewed_mentions(company), others):
        click.echo("")
        for line in suggestion_lines(suggestion):
            click.echo(line)


@main.command("train-tone")
@common_options
@click.option(
    "--data",
    "extra",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A CSV of labelled sentences (columns text,label) to train on as well; repeatable.",
)
@click.option(
    "--backend",
    type=click.Choice(["press-tuned", "embedding"]),
    default="press-tuned",
    show_default=True,
    help="press-tuned: the shipped press model fine-tuned on the corrections (toward each "
    "company); embedding: a sentence-level model trained on them alone.",
)
def train_tone(
    config_path: Path | None, db: str | None, extra: tuple[Path, ...], backend: str
) -> None:
    """Fine-tune the tone model on the team's corrections (and labelled CSVs)."""
    import csv

    from presswatch.analysis.nlp.sentiment import (
        PRESS_MODEL,
        PressBackend,
        ToneModel,
        fine_tune_press_model,
        train_tone_model,
    )
    from presswatch.analysis.nlp.targets import Target
    from presswatch.analysis.nlp.text import fold
    from presswatch.analytics import correction_agreement

    config, store = _open(config_path, db)
    with store:
        targets, labels = correction_targets(store)
        agreement = correction_agreement(
            store.corrections_frame(), store.tones_frame(), store.mentions_frame()
        )
        model = store.tone_model() or "the tone model"
    if not agreement.empty:
        # How often people overrule the model that gave the archive's tones, per company.
        click.echo(f"People's corrections against {model}:")
        for row in agreement.to_dict("records"):
            click.echo(
                f"  {_one_line(str(row['company']))}: overruled {row['overruled']} of "
                f"{row['corrections']} ({row['overruled_share']:.0%})"
            )
    from_team = len(targets)
    for path in extra:
        with path.open(encoding="utf-8-sig") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                if row.get("text") and row.get("label"):
                    label = TONE_WORDS.get(fold(row["label"].strip()))
                    if label is None:
                        raise click.ClickException(
                            f"{path}, line {number}: the label {row['label']!r} is not a tone; "
                            "write positive, neutral or negative (or positif, neutre, négatif)"
                        )
                    targets.append(Target(row["text"]))
                    labels.append(label)
    click.echo(
        f"Training on {counted(len(targets), 'sentence', 'sentences')} "
        f"({from_team} from corrections)..."
    )
    target = config.resolve_path(config.tone.model)
    if backend == "embedding":
        trained = train_tone_model([t.sentence for t in targets], labels)
    else:
        shipped = ToneModel.load(PRESS_MODEL)
        trained = fine_tune_press_model(shipped, targets, labels)
        before = PressBackend(shipped).classify_targets(targets, None)
        after = PressBackend(trained, tuned=True).classify_targets(targets, None)
        # Agreement on the sentences it was tuned on: what the tuning learnt, not a test.
        click.echo(
            "The corrected labels, as the model gives them: "
            f"{sum(b[1] == g for b, g in zip(before, labels, strict=True))} of {len(labels)} "
            f"shipped, {sum(a[1] == g for a, g in zip(after, labels, strict=True))} of "
            f"{len(labels)} fine-tuned."
        )
    trained.save(target)
    click.echo(
        f"Saved the tone model to {target} (cut-offs {trained.cutoffs.negative:+.2f} / "
        f"{trained.cutoffs.positive:+.2f}). Set tone.backend: {backend} in config.yaml, then "
        "run presswatch reanalyze."
    )


def correction_targets(store: Store) -> tuple[list[Any], list[str]]:
    """Each corrected tone as a target (the sentence, where it names the company and where
    it names the others, from the archive's mentions) and its label."""
    from presswatch.analysis.nlp.targets import Target

    corrections = store.corrections_frame()
    if corrections.empty:
        return [], []
    mentions = store.mentions_frame()
    named: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for row in mentions.to_dict("records"):
        key = (str(row["article_id"]), str(row["sentence"]))
        named.setdefault(key, set()).add((str(row["company"]), str(row["matched"])))
    targets: list[Target] = []
    labels: list[str] = []
    for (article_id, company, sentence), label in _corrected_sentences(store, mentions):
        spans: list[tuple[int, int]] = []
        others: list[tuple[int, int]] = []
        for who, text in named.get((article_id, sentence), set()):
            found = [(m.start(), m.end()) for m in re.finditer(re.escape(text), sentence)]
            (spans if who == company else others).extend(found)
        # "Meta" inside "Meta AI" is the company's own mention, not another's.
        others = [o for o in others if not any(a <= o[0] < b for a, b in spans)]
        targets.append(Target(sentence, tuple(sorted(spans)), tuple(sorted(others))))
        labels.append(label)
    return targets, labels


def _corrected_sentences(store: Store, mentions: Any) -> list[tuple[tuple[str, str, str], str]]:
    """((article, company, sentence), label) of each latest correction that rests on a
    sentence: a mention's, or the evidence of a company's tone in an article."""
    corrections = store.corrections_frame()
    latest = corrections.drop_duplicates(["article_id", "company", "field", "start"], keep="last")
    tones: dict[tuple[str, str], str] = {
        (r["article_id"], r["company"]): str(r["evidence"])
        for r in store.tones_frame().to_dict("records")
    }
    by_place: dict[tuple[str, str, int], str] = {
        (r["article_id"], r["field"], int(r["start"])): str(r["sentence"])
        for r in mentions.to_dict("records")
    }
    found: list[tuple[tuple[str, str, str], str]] = []
    for row in latest.to_dict("records"):
        field, start, company = row["field"], row["start"], row["company"]
        sentence: str | None
        if isinstance(field, str) and isinstance(start, int | float) and start == start:
            sentence = by_place.get((row["article_id"], field, int(start)))
        elif isinstance(company, str):
            sentence = tones.get((row["article_id"], company))
        else:
            sentence = None  # an article's overall tone rests on no single sentence
        if sentence and isinstance(company, str):
            found.append(((str(row["article_id"]), company, sentence), str(row["label"])))
    return found


@main.command("test-query")
@common_options
@click.argument("query")
@click.option("--limit", default=20, show_default=True, help="How many articles to show.")
@click.option(
    "--company",
    default=None,
    help="Try QUERY as this company's query: show the articles it would gain and lose.",
)
def test_query(
    config_path: Path | None, db: str | None, query: str, limit: int, company: str | None
) -> None:
    """Run a boolean query over the archive and show the matching sentences."""
    from presswatch.analysis.archive_search import company_query_changes, search_archive
    from presswatch.analysis.query import QuerySyntaxError
    from presswatch.export import format_date

    config, store = _open(config_path, db)
    try:
        with store:
            if company is not None:
                changes = company_query_changes(
                    store, config.companies, company, query, config.languages
                )
            else:
                searched, hits = search_archive(store, query)
    except QuerySyntaxError as exc:
        click.echo(f"error: query: {exc}", err=True)
        sys.exit(2)
    except ValueError as exc:
        click.echo(f"error: --company: {exc}", err=True)
        sys.exit(2)

    def show(hit: Any, sign: str = "") -> None:
        article = hit.article
        date = format_date(article.published, article.date_precision) or "undated"
        title = _one_line(article.title or "(untitled)")
        click.echo(f"\n{sign}{date} · {_one_line(article.outlet or 'unknown outlet')} · {title}")
        for sentence in hit.sentences:
            click.echo(f"    {_one_line(sentence)}")

    if company is not None:
        click.echo(
            f"{company} with the query {query}: "
            f"+{counted(len(changes.added), 'article', 'articles')}, "
            f"-{counted(len(changes.removed), 'article', 'articles')}"
        )
        for hit in changes.added[:limit]:
            show(hit, "+ ")
        for hit in changes.removed[:limit]:
            show(hit, "- ")
        return
    click.echo(f"{len(hits)} of {counted(searched, 'article', 'articles')} match {query}")
    for hit in hits[:limit]:
        show(hit)


@main.command()
@common_options
def migrate(config_path: Path | None, db: str | None) -> None:
    """Create or upgrade the database schema and say what was done."""
    from presswatch.store import Store

    config = load_config(config_path)
    url = database_url(config, db)
    store = Store(url)
    with store:
        for step in store.migrations_done:
            click.echo(f"{store.display_url}: {step}")
        click.echo(f"{store.display_url}: schema version {store.schema_version()}, up to date")


@main.command(name="copy")
@click.option(
    "--from", "source", required=True, help="The database to read: a URL or a SQLite file."
)
@click.option(
    "--to", "target", required=True, help="An empty database to fill: a URL or a SQLite file."
)
def copy_command(source: str, target: str) -> None:
    """Copy the whole archive between databases (SQLite and PostgreSQL), counts checked."""
    import time

    from presswatch.store import Store, copy_archive

    started = time.monotonic()
    # Told once a batch of rows (thousands): each update is drawn.
    bar = _progress_bar(None, " rows", "Copying", every_update=True)
    done: dict[str, int] = {}

    def copied(table: str, rows: int) -> None:
        # Told the rows copied so far of the table being copied.
        bar.set_description_str(f"Copying {table}", refresh=False)
        bar.update(rows - done.get(table, 0))
        done[table] = rows

    try:
        with (
            Store(database_url(None, source), create=False) as reader,
            Store(database_url(None, target)) as writer,
        ):
            counts = copy_archive(reader, writer, progress=None if bar is None else copied)
    except PresswatchError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    finally:
        if bar is not None:
            bar.close()
    for table, rows in counts.items():
        click.echo(f"  {table}: {counted(rows, 'row', 'rows')}")
    click.echo(
        f"Copied {counted(sum(counts.values()), 'row', 'rows')} from {reader.display_url} "
        f"to {writer.display_url} "
        f"in {time.monotonic() - started:.1f} s; the counts were read back and match"
    )


if __name__ == "__main__":  # pragma: no cover
    main()
