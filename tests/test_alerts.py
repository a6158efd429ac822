"""Alerts to a webhook and an SMTP server on 127.0.0.1, once per event; the daily digest."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from presswatch.alerts import (
    build_digest,
    check_and_deliver,
    deliver_pending,
    find_events,
    raise_alerts,
    webhook_format,
    webhook_payload,
)
from presswatch.analysis.analyzer import Analyzer
from presswatch.config import Config
from presswatch.models import Article, Filters, make_article_id
from presswatch.store import Store
from tests.conftest import Inbox, Receiver, alert_settings

NOW = datetime.now(UTC)


def hostile(key: str, outlet: str = "Le Canard", when: datetime = NOW) -> Article:
    return Article(
        id=make_article_id(f"https://{key}.example.com/a", "Feed", key),
        source="Feed",
        entry_key=key,
        title=f"Désastre chez Mistral AI : pertes, échecs et licenciements ({key})",
        text="Mistral AI accumule les échecs et les pertes, un désastre pour la start-up.",
        url=f"https://{key}.example.com/a",
        outlet=outlet,
        published=when,
        date_precision="datetime",
        language="fr",
    )


def configure(write_config: Callable[..., Config], url: str, port: int, **extra: Any) -> Config:
    return write_config(alerts=alert_settings(port, **extra), topics={"talent": ["recrutement"]})


def test_a_hostile_article_alerts_once_by_webhook_and_email(
    write_config: Callable[..., Config],
    store: Store,
    webhook: tuple[str, Receiver],
    smtp: tuple[int, Inbox],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, receiver = webhook
    port, inbox = smtp
    monkeypatch.setenv("PW_TEST_WEBHOOK", url)
    config = configure(write_config, url, port)
    analyzer = Analyzer(config)
    articles = [analyzer.analyse(hostile("one")), analyzer.analyse(hostile("two", "Le Monde"))]
    counts = store.save_articles(articles)
    raised, sent, failed = check_and_deliver(store, config, set(counts.new_ids))
    assert (raised, sent, failed) == (3, 3, 0)  # two negative articles, one in a tier-1 outlet
    titles = sorted(p["title"] for p in receiver.posts)
    assert titles == [
        "Le Monde writes about Mistral AI",
        "Negative article about Mistral AI",
        "Negative article about Mistral AI",
    ]
    assert all("text" in p for p in receiver.posts)  # Slack and Teams read "text"
    assert "https://one.example.com/a" in " ".join(p["text"] for p in receiver.posts)
    assert len(inbox.messages) == 3
    assert inbox.messages[0].rcpt_tos == ["comms@example.com"]
    # The same events again: no second alert.
    assert check_and_deliver(store, config, set(counts.new_ids)) == (0, 0, 0)
    states = store.alerts_frame()["state"].tolist()
    assert states == ["sent", "sent", "sent"]


def test_a_failing_webhook_is_retried_then_recorded(
    write_config: Callable[..., Config],
    store: Store,
    webhook: tuple[str, Receiver],
    smtp: tuple[int, Inbox],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, receiver = webhook
    port, _ = smtp
    monkeypatch.setenv("PW_TEST_WEBHOOK", url)
    config = configure(write_config, url, port, email=None, rules=[{"kind": "negative_article"}])
    analyzer = Analyzer(config)
    counts = store.save_articles([analyzer.analyse(hostile("one"))])
    receiver.statuses = [500, 500]  # then 200
    waits: list[float] = []

    raise_alerts(store, config, find_events(store, config, set(counts.new_ids), NOW), NOW)
    assert deliver_pending(store, config, sleep=waits.append) == (1, 0)
    assert waits == [1, 2] and len(receiver.posts) == 3  # backoff between tries
    (row,) = store.alerts_frame().to_dict("records")
    assert row["state"] == "sent" and row["attempts"] == 3

    counts = store.save_articles([analyzer.analyse(hostile("three"))])
    receiver.statuses = [500, 500, 500]
    raise_alerts(store, config, find_events(store, config, set(counts.new_ids), NOW), NOW)
    assert deliver_pending(store, config, sleep=waits.append) == (0, 1)
    last = store.alerts_frame().to_dict("records")[-1]
    assert last["state"] == "failed" and "500" in last["last_error"]  # kept, never lost


@pytest.mark.slow  # among the longest in-process tests
def test_spike_and_failing_source_rules(write_config: Callable[..., Config], store: Store) -> None:
    config = write_config(
        alerts={"rules": [{"kind": "spike"}, {"kind": "source_failing", "after": "1h"}]}
    )
    analyzer = Analyzer(config)
    today = datetime(NOW.year, NOW.month, NOW.day, 9, tzinfo=UTC)
    history = []
    for days_ago in range(1, 15):
        history.append(
            analyzer.analyse(hostile(f"old{days_ago}", when=today - timedelta(days=days_ago)))
        )
    history += [analyzer.analyse(hostile(f"burst{i}", when=today)) for i in range(8)]
    store.save_articles(history)
    store.sync_sources([("Down", "rss", "http://127.0.0.1:9/feed")])
    store.record_source_event("Down", NOW - timedelta(hours=3), ok=False, error="refused")
    store.update_source_state("Down", error="refused")
    events = find_events(store, config, set(), NOW)
    kinds = {e.rule: e for e in events}
    # Eight articles today, two mentions each (title and text), against about two a day.
    assert "Spike for Mistral AI: 16 mentions" in kinds["spike"].title
    assert kinds["source_failing"].subject == "Down"


def test_daily_digest_groups_by_topic_with_tone_and_escapes(
    write_config: Callable[..., Config], store: Store
) -> None:
    config = write_config(topics={"talent": ["recrutement"], "funding": ["levée de fonds"]})
    analyzer = Analyzer(config)
    day = date(2024, 6, 11)
    when = datetime(2024, 6, 11, 8, tzinfo=UTC)
    good = Article(
        id="good",
        source="Feed",
        entry_key="good",
        outlet="Les Échos",
        published=when,
        date_precision="datetime",
        language="fr",
        url="https://good.example.com/",
        title="Mistral AI réussit une levée de fonds record",
        text="Mistral AI réussit une levée de fonds remarquable, un succès brillant. "
        "Mistral AI prévoit un recrutement.",
    )
    evil = Article(
        id="evil",
        source="Feed",
        entry_key="evil",
        outlet="<b>X</b>",
        published=when,
        date_precision="datetime",
        language="fr",
        url="javascript:alert(1)",
        title="<img src=x onerror=alert(1)> Mistral AI",
        text="Le recrutement chez Mistral AI tourne au désastre.",
    )
    other_day = dataclasses_replace(good, id="late", published=when + timedelta(days=2))
    store.save_articles([analyzer.analyse(a) for a in (good, evil, other_day)])
    markdown, page = build_digest(config, store, day)
    assert markdown.startswith("# Press review — Mistral AI — June 11, 2024")
    assert "\n2 articles\n" in markdown
    # Babel's plural rules: "1 article", in English and in French.
    assert "\n1 article\n" in build_digest(config, store, day + timedelta(days=2))[0]
    assert "\n1 article\n" in build_digest(config, store, day + timedelta(days=2), "fr")[0]
    assert "## funding" in markdown and "## talent" in markdown
    # The good article carries both themes: listed once, under its main one (funding).
    listed = store.coverage_listing(Filters(start=day, end=day), 10).set_index("id")
    assert listed.loc["good", "topics"] == "funding, talent"
    assert markdown.count("[Mistral AI réussit une levée de fonds record](") == 1
    assert page.count("Mistral AI réussit une levée de fonds record</a>") == 1
    funding = markdown.split("## funding")[1].split("## talent")[0]
    assert "[Mistral AI réussit une levée de fonds record](https://good.example.com/)" in funding
    assert "| Les Échos | positive |" in funding
    # The evidence is the company's most telling sentence (here its title or its text).
    assert "| Mistral AI réussit une levée de fonds " in funding
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="javascript' not in page and "&lt;b&gt;X&lt;/b&gt;" in page

    # One language throughout: French words, French tone labels, French date.
    french, french_page = build_digest(config, store, day, "fr")
    assert french.startswith("# Revue de presse — Mistral AI — 11 juin 2024")
    assert "| Titre | Média | Tonalité | Phrase justificative |" in french
    assert "| négative |" in french and "| negative |" not in french
    assert '<html lang="fr">' in french_page


def test_a_hostile_title_reaches_slack_and_teams_as_text(
    write_config: Callable[..., Config],
    store: Store,
    webhook: tuple[str, Receiver],
    smtp: tuple[int, Inbox],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, receiver = webhook
    port, _ = smtp
    monkeypatch.setenv("PW_TEST_WEBHOOK", url)
    config = configure(write_config, url, port)
    analyzer = Analyzer(config)
    evil = dataclasses_replace(
        hostile("evil", outlet="<!channel> Le Monde"),
        title="<!channel> <https://evil.test/phish|Cliquez ici> & Mistral AI : un désastre",
        url="javascript:alert(1)",
    )
    counts = store.save_articles([analyzer.analyse(evil)])
    check_and_deliver(store, config, set(counts.new_ids))
    assert receiver.posts
    for post in receiver.posts:
        text = post["text"]
        # Slack's markup starts with "<": only our own links may open one, and there is
        # none here (a javascript: URL is never a link).
        assert "<" not in text and ">" not in text, text
        assert "&lt;!channel&gt;" in text and "&lt;https://evil.test/phish|Cliquez ici&gt;" in text
        assert "javascript" not in text
    # The same alert for Teams: no Markdown link, no HTML.
    alert = {
        "title": evil.title,
        "body": f"{evil.outlet}\n[Cliquez](https://evil.test)",
        "links": "[]",
    }
    teams = webhook_payload(alert, "teams")["text"]
    assert "<" not in teams and "[Cliquez](" not in teams and "\\[Cliquez\\]" in teams
    links = '["https://good.example.com/a", "javascript:alert(1)"]'
    slack = webhook_payload({**alert, "links": links}, "slack")["text"]
    assert slack.endswith("<https://good.example.com/a>") and "javascript" not in slack
    assert webhook_format("https://x.webhook.office.com/webhookb2/1") == "teams"
    assert webhook_format("https://hooks.slack.com/services/T/B/C") == "slack"


def test_the_markdown_digest_escapes_article_text(
    write_config: Callable[..., Config], store: Store
) -> None:
    config = write_config(topics={"talent": ["recrutement"]})
    when = datetime(2024, 6, 11, 8, tzinfo=UTC)
    evil = Article(
        id="evil",
        source="Feed",
        entry_key="evil",
        outlet="[Le Monde](https://evil.test/phish)",
        published=when,
        date_precision="datetime",
        language="fr",
        url="javascript:alert(1)",
        title="<img src=x onerror=alert(1)> **Mistral AI** :red[x]\n# titre",
        text="Le recrutement chez Mistral AI tourne au désastre.",
    )
    store.save_articles([Analyzer(config).analyse(evil)])
    markdown, _ = build_digest(config, store, date(2024, 6, 11))
    assert "javascript" not in markdown
    assert not re.search(r"(?<!\\)<img", markdown) and "\\<img src\\=x" in markdown
    assert (
        "[Le Monde](" not in markdown
        and "\\[Le Monde\\](https\\:\u200b//evil\\.test/phish)" in markdown
    )
    assert "**Mistral AI**" not in markdown and "\\:red\\[x\\]" in markdown
    assert "\n# titre" not in markdown  # the title's line break opens no heading


def dataclasses_replace(article: Article, **changes: Any) -> Article:
    return dataclasses.replace(article, **changes)


def test_a_new_article_with_an_old_date_still_alerts(
    write_config: Callable[..., Config],
    store: Store,
    webhook: tuple[str, Receiver],
    smtp: tuple[int, Inbox],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rules read the articles first collected lately, not those published lately: a
    feed's backlog, collected today, is new."""
    url, receiver = webhook
    port, _inbox = smtp
    monkeypatch.setenv("PW_TEST_WEBHOOK", url)
    config = configure(write_config, url, port)
    old = Analyzer(config).analyse(hostile("backlog", when=datetime(2023, 1, 5, tzinfo=UTC)))
    counts = store.save_articles([old])
    raised, _sent, _failed = check_and_deliver(store, config, set(counts.new_ids))
    assert raised == 1
    assert [p["title"] for p in receiver.posts] == ["Negative article about Mistral AI"]
