"""Alerts and the daily digest: the comms team hears of a spike or a hostile article first.

Rules (config.yaml ``alerts.rules``) are checked after each collection; each event raises
one alert (a cooldown per rule and subject), stored with its delivery state, then sent to
a webhook (Slack- and Teams-compatible JSON) and by e-mail. A delivery that fails is
retried with backoff, then recorded as failed: never lost silently.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import os
import smtplib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pandas as pd
from babel.dates import format_date as babel_date

from presswatch import analytics, untrusted
from presswatch.config import Config, interface_language
from presswatch.export import format_date
from presswatch.models import Filters
from presswatch.plurals import counted
from presswatch.report import outlet_label, plural, tone_label, translate
from presswatch.report_render import Cell, Section, Table, sections_html, sections_markdown
from presswatch.store import Store
from presswatch.urls import mask_urls_in

log = logging.getLogger(__name__)

RETRIES = 3
# How far back the spike rule reads, in days of publication: the detector's 14-day
# baseline before yesterday and today, with a week to spare.
ALERT_WINDOW_DAYS = 21
# Articles a day's digest lists at most.
DIGEST_MOST = 10_000


@dataclass(frozen=True, slots=True)
class Event:
    """Something worth an alert: which rule, about what, and what to say."""

    rule: str
    subject: str
    title: str
    body: str
    links: tuple[str, ...] = ()


def _article_line(row: dict[Any, Any]) -> str:
    date_text = format_date(row.get("published"), row.get("date_precision")) or "undated"
    outlet = row.get("outlet") or "unknown outlet"
    return f"{date_text} · {outlet} · {row.get('title') or '(untitled)'}"


def find_events(store: Store, config: Config, new_ids: set[str], now: datetime) -> list[Event]:
    """The events the rules see in the latest collection (``new_ids``: articles just stored)."""
    events: list[Event] = []
    tracked = [c.name for c in config.tracked]
    fresh = store.coverage_of_articles(new_ids) if new_ids else None
    lines = (
        {row["article_id"]: row for row in fresh.to_dict("records")} if fresh is not None else {}
    )
    for rule in config.alerts.rules:
        company = rule.company or (tracked[0] if tracked else None)
        if rule.kind == "negative_article" and company and fresh is not None:
            hostile = fresh[(fresh["company"] == company) & (fresh["tone"] == "negative")]
            for row in hostile.to_dict("records"):
                evidence = row["evidence"] if isinstance(row["evidence"], str) else ""
                events.append(
                    Event(
                        "negative_article",
                        row["article_id"],
                        f"Negative article about {company}",
                        f"{_article_line(row)}\n« {evidence} »",
                        tuple(filter(None, [row.get("url")])),
                    )
                )
        elif rule.kind == "tier1_article" and fresh is not None:
            tier1 = {o.casefold() for o in config.alerts.tier1_outlets}
            about = fresh if not company else fresh[fresh["company"] == company]
            for article_id in sorted(set(about["article_id"])):
                row = lines[article_id]
                outlet = str(row.get("outlet") or "")
                if outlet.casefold() in tier1:
                    events.append(
                        Event(
                            "tier1_article",
                            article_id,
                            f"{outlet} writes about {company or 'a tracked company'}",
                            _article_line(row),
                            tuple(filter(None, [row.get("url")])),
                        )
                    )
        elif rule.kind == "spike" and company:
            events.extend(_spike_events(store, company, now))
        elif rule.kind == "source_failing":
            sources, history = store.sources_frame(), store.source_events_frame()
            for source in sources.to_dict("records"):
                error, success = source.get("error"), source.get("last_success")
                if not isinstance(error, str):
                    continue
                since = (
                    success if isinstance(success, pd.Timestamp) and not pd.isna(success) else None
                )
                events_for_source = history[history["source"] == source["name"]]
                first_seen = events_for_source["at"].min() if not events_for_source.empty else None
                started = since or first_seen
                if started is not None and now - started.to_pydatetime() >= rule.after:
                    events.append(
                        Event(
                            "source_failing",
                            str(source["name"]),
                            f"Source {source['name']} failing for over {rule.after}",
                            f"{error}\nNothing from this source reaches the dashboard "
                            "until it recovers.",
                        )
                    )
    return events


def raise_alerts(store: Store, config: Config, events: list[Event], now: datetime) -> int:
    """Store the events as alerts, one per rule and subject within each rule's cooldown."""
    cooldowns: dict[str, timedelta] = {rule.kind: rule.cooldown for rule in config.alerts.rules}
    raised = 0
    for event in events:
        last = store.last_alert_at(event.rule, event.subject)
        if last is not None and now - last < cooldowns.get(event.rule, timedelta(0)):
            continue
        store.add_alert(event.rule, event.subject, event.title, event.body, list(event.links))
        raised += 1
    return raised


# Hosts of Microsoft Teams' incoming webhooks and workflows (the rest speak Slack's markup).
_TEAMS_HOSTS = ("webhook.office.com", "outlook.office.com", "logic.azure.com", "powerplatform.com")


def webhook_format(url: str, configured: str = "auto") -> str:
    """ "slack" or "teams": the configured format, else the one the webhook's host speaks."""
    if configured != "auto":
        return configured
    host = (urlsplit(url).hostname or "").lower()
    return "teams" if host.endswith(_TEAMS_HOSTS) else "slack"


def webhook_payload(alert: dict[str, Any], style: str = "slack") -> dict[str, Any]:
    """JSON that Slack and Microsoft Teams incoming webhooks accept (``text``), every piece
    of the alert escaped for that service's markup: an article's ``<!channel>``,
    ``<url|label>``, ``[label](url)`` or HTML shows as text; only http(s) links are kept."""
    links = [u for u in map(untrusted.web_link, json.loads(alert.get("links") or "[]")) if u]
    lines = str(alert["body"]).splitlines()
    if style == "teams":
        title = untrusted.teams(alert["title"])
        text = "\n\n".join(
            [f"**{title}**", *map(untrusted.teams, lines), *(untrusted.teams(u) for u in links)]
        )
        return {"text": text, "title": title, "summary": untrusted.one_line(alert["title"])}
    title = untrusted.slack(untrusted.one_line(alert["title"]))
    text = "\n".join([f"*{title}*", *map(untrusted.slack, lines), *(f"<{u}>" for u in links)])
    return {"text": text, "title": title, "summary": title}


def _with_retries(
    send: Callable[[], None], sleep: Callable[[float], None]
) -> tuple[bool, int, str | None]:
    error = None
    for attempt in range(1, RETRIES + 1):
        try:
            send()
            return True, attempt, None
        except (httpx.HTTPError, OSError, smtplib.SMTPException, ValueError) as exc:
            error = mask_urls_in(f"{exc.__class__.__name__}: {exc}")
            log.warning("alert delivery failed (attempt %d): %s", attempt, error)
            if attempt < RETRIES:
                sleep(2 ** (attempt - 1))
    return False, RETRIES, error


def _bind(function: Callable[..., None], *args: Any) -> Callable[[], None]:
    """A call to retry later, with its arguments fixed now."""
    return lambda: function(*args)


def _post_webhook(url: str, alert: dict[str, Any], style: str = "auto") -> None:
    payload = webhook_payload(alert, webhook_format(url, style))
    response = httpx.post(url, json=payload, timeout=10)
    if response.status_code >= 300:
        raise ValueError(f"the webhook answered {response.status_code}")


def send_email(
    config: Config,
    subject: str,
    text: str,
    html_body: str | None = None,
    attachments: Sequence[Path] = (),
) -> None:
    """Send one message over SMTP (with files attached); credentials from the environment
    variables named."""
    email = config.alerts.email
    if email is None:
        raise ValueError("no alerts.email in config.yaml")
    message = EmailMessage()
    # One line: a title's line break would be refused as a header (or read as another).
    message["Subject"] = untrusted.one_line(subject)
    message["From"] = email.sender
    message["To"] = ", ".join(email.to)
    message.set_content(text)
    if html_body:
        message.add_alternative(html_body, subtype="html")
    for path in attachments:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        main, sub = kind.split("/", 1)
        message.add_attachment(path.read_bytes(), maintype=main, subtype=sub, filename=path.name)
    with smtplib.SMTP(email.smtp_host, email.smtp_port, timeout=15) as smtp:
        if email.starttls:
            smtp.starttls()
        user = os.environ.get(email.username_env) if email.username_env else None
        password = os.environ.get(email.password_env) if email.password_env else None
        if user and password:
            smtp.login(user, password)
        smtp.send_message(message)


def deliver_pending(
    store: Store, config: Config, sleep: Callable[[float], None] = time.sleep
) -> tuple[int, int]:
    """Send every pending alert to the webhook and by e-mail; return (sent, failed)."""
    webhook = (
        os.environ.get(config.alerts.webhook_url_env) if config.alerts.webhook_url_env else None
    )
    sent = failed = 0
    for alert in store.pending_alerts():
        results = []
        if webhook:
            url = webhook
            style = config.alerts.webhook_format
            results.append(_with_retries(_bind(_post_webhook, url, alert, style), sleep))
        if config.alerts.email is not None:
            body = alert["body"] + "".join(f"\n{u}" for u in json.loads(alert["links"] or "[]"))
            results.append(_with_retries(_bind(send_email, config, alert["title"], body), sleep))
        if not results:
            store.mark_alert(alert["id"], "failed", 0, "no webhook or e-mail configured")
            failed += 1
            continue
        ok = all(r[0] for r in results)
        errors = "; ".join(r[2] for r in results if r[2])
        store.mark_alert(
            alert["id"], "sent" if ok else "failed", max(r[1] for r in results), errors or None
        )
        sent += ok
        failed += not ok
    return sent, failed


def check_and_deliver(
    store: Store, config: Config, new_ids: set[str], now: datetime | None = None
) -> tuple[int, int, int]:
    """After a collection: find events, raise alerts, deliver them. (raised, sent, failed)."""
    if not config.alerts.rules:
        return 0, 0, 0
    moment = now or datetime.now(UTC)
    events = find_events(store, config, new_ids, moment)
    raised = raise_alerts(store, config, events, moment)
    sent, failed = deliver_pending(store, config)
    return raised, sent, failed


# -- the daily digest ("revue de presse") ---------------------------------------------------


def _spike_events(store: Store, company: str, now: datetime) -> list[Event]:
    """Spikes of a company's mentions yesterday or today, against the days before (the
    overview's detector over the database's daily counts)."""
    today = now.date()
    window = Filters(
        start=today - timedelta(days=ALERT_WINDOW_DAYS), end=today, companies=(company,)
    )
    timeline = analytics.timeline_from_daily(store.daily_counts(window), "day")
    found = analytics.detect_spikes(analytics.fill_days(timeline))
    recent = found[found["day"] >= pd.Timestamp(today) - pd.Timedelta(days=1)]
    events = []
    for row in recent.to_dict("records"):
        behind = store.articles_of_days(window, [(company, row["day"])])
        ids = behind["article_id"].tolist()[:10]
        details = store.coverage_of_articles(ids)
        rows = {r["article_id"]: r for r in details.to_dict("records")}
        day = row["day"].date().isoformat()
        events.append(
            Event(
                "spike",
                f"{company}:{day}",
                f"Spike for {company}: {counted(int(row['mentions']), 'mention', 'mentions')} "
                f"on {day} "
                f"(usual: {row['baseline']:.0f})",
                "\n".join(_article_line(rows[i]) for i in ids if i in rows),
            )
        )
    return events


def digest_sections(config: Config, store: Store, day: date, language: str) -> list[Section]:
    """The day's articles about the tracked company as report sections, in one language:
    each article once, under its main theme about the company, with outlet, tone and the
    sentence its tone rests on."""

    def t(text: str, **values: object) -> str:
        return translate(text, language, **values)

    tracked = [c.name for c in config.tracked]
    start = pd.Timestamp(day, tz="UTC")
    end = start + pd.Timedelta(days=1)
    listed = store.coverage_listing(
        Filters(start=day, end=day, companies=tuple(tracked)), DIGEST_MOST
    )
    # Articles published that day (one known only to the month is not the day's news).
    today = listed[(listed["published"] >= start) & (listed["published"] < end)]
    today = today.sort_values(["published", "id"])
    details = store.coverage_of_articles(today["id"])
    own = details[details["company"].isin(tracked)].drop_duplicates("article_id")
    facts = own.set_index("article_id")
    themes = store.main_themes(today["id"], tracked)
    by_theme: dict[str, list[str]] = {}
    for article_id in today["id"]:
        by_theme.setdefault(themes.get(article_id, ""), []).append(article_id)
    title = t(
        "Press review — {companies} — {day}",
        companies=", ".join(tracked),
        day=babel_date(day, "long", locale=language),
    )
    laid = [
        Section(title, notes=[plural(len(today), "{count} article", "{count} articles", language)])
    ]
    # Themes by name, the articles without one last.
    for theme in sorted(name for name in by_theme if name) + [""] * ("" in by_theme):
        table = Table([t("Title"), t("Outlet"), t("Tone"), t("Evidence sentence")])
        for article_id in by_theme[theme]:
            article = facts.loc[article_id].to_dict()
            head = article.get("title")
            evidence = article.get("evidence")
            table.rows.append(
                [
                    Cell(
                        head if isinstance(head, str) and head else t("untitled"),
                        untrusted.web_link(article.get("url")),
                    ),
                    Cell(outlet_label(article.get("outlet"), language)),
                    Cell(tone_label(article.get("tone"), language)),
                    Cell(evidence if isinstance(evidence, str) else ""),
                ]
            )
        laid.append(Section(theme or t("No theme"), tables=[table]))
    return laid


def build_digest(
    config: Config, store: Store, day: date, language: str | None = None
) -> tuple[str, str]:
    """The day's press review of the tracked company on the report's engine, in the
    interface language unless ``language`` is given: (markdown, html), every piece of
    article text escaped and links http(s) only."""
    chosen = language or interface_language(config)
    laid = digest_sections(config, store, day, chosen)
    return sections_markdown(laid, chosen), sections_html(laid, chosen)


def write_digest(config: Config, store: Store, day: date) -> tuple[Path, Path]:
    """Write the day's digest as markdown and HTML in the digest folder (and e-mail it)."""
    language = interface_language(config)
    laid = digest_sections(config, store, day, language)
    markdown, page = sections_markdown(laid, language), sections_html(laid, language)
    folder = config.resolve_path(config.digest.folder)
    folder.mkdir(parents=True, exist_ok=True)
    md_path = folder / f"revue-de-presse-{day.isoformat()}.md"
    html_path = folder / f"revue-de-presse-{day.isoformat()}.html"
    md_path.write_text(markdown, encoding="utf-8")
    html_path.write_text(page, encoding="utf-8")
    if config.digest.email and config.alerts.email is not None:
        subject = laid[0].title
        ok, _, error = _with_retries(
            lambda: send_email(config, subject, markdown, page),
            time.sleep,
        )
        if not ok:
            log.error("the digest of %s was written but not e-mailed: %s", day, error)
    return md_path, html_path
