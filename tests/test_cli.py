"""The command line, end to end on a temporary config: collect, export, sources."""

from __future__ import annotations

import csv
import fcntl
import io
import os
import re
import signal
import socket
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from presswatch.cli import main
from presswatch.config import Config
from presswatch.lock import collector_lock, lock_path
from presswatch.models import Filters
from presswatch.plurals import counted
from presswatch.store import Store
from tests.conftest import FeedServer, Route
from tests.processes import free_port, presswatch, wait_healthy

FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Journal</title>'
    b"<item><title>Mistral AI</title><link>https://journal.example.com/1</link>"
    b"<description>Mistral AI et OpenAI.</description></item></channel></rss>"
)


def test_collect_then_export_the_seeds(
    write_config: Callable[..., Config], seeds_dir: Path, tmp_path: Path
) -> None:
    config = write_config(
        sources=[
            {"name": "Seeds", "kind": "files", "path": "seeds"},
            # Port 9 (discard) is closed: this feed fails at once, like one without network.
            {"name": "Offline feed", "kind": "rss", "url": "http://127.0.0.1:9/rss.xml"},
        ]
    )
    runner = CliRunner()
    args = ["--config", str(config.path)]
    result = runner.invoke(main, ["collect", *args])
    assert result.exit_code == 0, result.output
    assert "FAILED       Offline feed: 127.0.0.1 refused the connection" in result.output
    assert "1 source ok, 1 failed; 2 new articles" in result.output
    assert (tmp_path / "data" / "test.db").exists()

    out = tmp_path / "export.csv"
    result = runner.invoke(main, ["export", *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    pairs = {(r["outlet"], r["company"]) for r in rows}
    assert ("La Tribune", "Mistral AI") in pairs and ("La Tribune", "OpenAI") in pairs
    assert ("", "Aleph Alpha") in pairs  # the undated seed of unknown outlet
    assert len(rows) == len(pairs)  # one row per (article, company)
    tribune = next(r for r in rows if r["outlet"] == "La Tribune" and r["company"] == "Mistral AI")
    assert tribune["date"] == "2024-03" and tribune["role"] == "tracked"
    assert int(tribune["mention_count"]) >= 5
    # The page furniture ("Lire aussi ... Mistral AI" links) is not counted.
    assert all("Lire aussi" not in r["evidence_sentence"] for r in rows)

    result = runner.invoke(main, ["sources", *args])
    assert "Offline feed [rss] FAILING" in result.output
    assert "Seeds [files] ok" in result.output


def test_db_option_overrides_the_config(
    write_config: Callable[..., Config], seeds_dir: Path, tmp_path: Path
) -> None:
    config = write_config(sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}])
    other = tmp_path / "elsewhere.db"
    result = CliRunner().invoke(main, ["collect", "--config", str(config.path), "--db", str(other)])
    assert result.exit_code == 0, result.output
    assert other.exists() and not (tmp_path / "data" / "test.db").exists()


def test_errors_are_one_line_and_a_nonzero_exit(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["collect", "--config", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2
    assert "file not found; pass --config PATH" in result.output


def test_reanalyze_and_test_query(
    write_config: Callable[..., Config], seeds_dir: Path, tmp_path: Path
) -> None:
    sources = [{"name": "Seeds", "kind": "files", "path": "seeds"}]
    config = write_config(sources=sources)
    runner = CliRunner()
    args = ["--config", str(config.path)]
    assert runner.invoke(main, ["collect", *args]).exit_code == 0

    result = runner.invoke(main, ["test-query", *args, 'Mensch NEAR/5 "Mistral AI"'])
    assert result.exit_code == 0, result.output
    assert "1 of 2 articles match" in result.output
    assert "2024-03 · La Tribune · Mistral, le champion" in result.output
    assert "Arthur Mensch présente sa startup, Mistral AI" in result.output
    result = runner.invoke(main, ["test-query", *args, "Nvidia AND NOT GTC"])
    assert "0 of 2 articles match" in result.output
    result = runner.invoke(main, ["test-query", *args, "Mistral AND (IA"])
    assert result.exit_code == 2
    assert "position 13: a closing ')' for this '('" in result.output

    companies = [c.model_dump() for c in config.companies] + [
        {"name": "Nvidia", "aliases": ["GTC"]}
    ]
    write_config(sources=sources, companies=companies)
    result = runner.invoke(main, ["reanalyze", *args])
    assert result.exit_code == 0, result.output
    assert "Reanalyzed 2 articles." in result.output
    assert "Nvidia: +" in result.output
    # A sample of the sentences gained, not only a count.
    gained = [line for line in result.output.splitlines() if line.startswith("    + ")]
    assert gained and all(("GTC" in line or "Nvidia" in line) for line in gained)

    # A query tried for one company: what it would gain and lose, sentence by sentence.
    near = 'Mensch NEAR/5 "Mistral AI"'
    result = runner.invoke(main, ["test-query", *args, "--company", "Mistral AI", near])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Mistral AI with the query {near}: +0 articles, -1 article\n")
    assert "\n- " in result.output and "Mistral" in result.output.split("\n- ", 1)[1]
    result = runner.invoke(main, ["test-query", *args, "--company", "Nobody", "Mensch"])
    assert result.exit_code == 2 and "configured: " in result.output


def test_set_tone_wins_over_the_model_in_the_export(
    write_config: Callable[..., Config], seeds_dir: Path, tmp_path: Path
) -> None:
    config = write_config(
        sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}],
        topics={"funding": ["levée de fonds", "lever des fonds", "tour de table"]},
    )
    runner = CliRunner()
    args = ["--config", str(config.path)]
    assert runner.invoke(main, ["collect", *args]).exit_code == 0
    out = tmp_path / "before.csv"
    runner.invoke(main, ["export", *args, "--out", str(out), "--delimiter", ";"])
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    aleph = next(r for r in rows if r["company"] == "Aleph Alpha")
    assert aleph["tone"] == "negative" and float(aleph["tone_score"]) < 0
    assert "contrainte de revoir ses ambitions" in aleph["evidence_sentence"]
    assert aleph["pickups"] == "1"
    # A row is one (article, company): the funding is Mistral AI's, not Aleph Alpha's.
    mistral = next(r for r in rows if r["company"] == "Mistral AI" and r["title"] == aleph["title"])
    assert "funding" in mistral["topics"] and "funding" not in aleph["topics"]

    result = runner.invoke(
        main,
        [
            "set-tone",
            *args,
            aleph["article_id"],
            "neutral",
            "--company",
            "Aleph Alpha",
            "--by",
            "claire",
            "--note",
            "factual",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "set to neutral by claire" in result.output
    runner.invoke(main, ["export", *args, "--out", str(out), "--delimiter", ";"])
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert next(r for r in rows if r["company"] == "Aleph Alpha")["tone"] == "neutral"

    bad = runner.invoke(main, ["set-tone", *args, "nope", "neutral", "--by", "claire"])
    assert bad.exit_code == 1 and "no article with id nope" in bad.output
    bad = runner.invoke(
        main,
        ["set-tone", *args, aleph["article_id"], "neutral", "--company", "Nobody", "--by", "c"],
    )
    assert bad.exit_code == 2 and "no company named 'Nobody'" in bad.output


def _children(pid: int) -> list[int]:
    """The processes whose parent is this one (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The parent pid is the second field after the command in parentheses.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.slow
def test_sigterm_stops_the_dashboard_and_leaves_no_process(
    write_config: Callable[..., Config],
) -> None:
    """`presswatch dashboard` becomes the Streamlit server (no waiting parent holding the
    CLI's memory); SIGTERM stops it and nothing is left serving the port."""
    config = write_config()
    port = free_port()
    process = presswatch(
        "dashboard",
        config.path,
        "--port",
        str(port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}")
        command = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")
        # dashboard.serve: Streamlit's server, the first page's modules imported first.
        assert b"dashboard.serve" in command, command
        children = _children(process.pid)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) is not None
        alive = [c for c in children if Path(f"/proc/{c}").exists()]
        assert alive == [], "a child of the dashboard outlived it"
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    finally:
        for child in _children(process.pid):
            os.kill(child, signal.SIGKILL)
        process.kill()
        process.wait()


def test_sources_and_status_name_the_worker_collecting_a_source(
    write_config: Callable[..., Config], postgres_url: str
) -> None:
    config = write_config(
        database=postgres_url,
        sources=[{"name": "Journal", "kind": "rss", "url": "http://127.0.0.1:9/feed.xml"}],
    )
    with Store(postgres_url) as store:
        store.sync_sources([("Journal", "rss", "http://127.0.0.1:9/feed.xml")])
        store.claim_sources(["Journal"], "host-a:123:abc", datetime.now(UTC), timedelta(minutes=5))
    runner = CliRunner()
    sources = runner.invoke(main, ["sources", "--config", str(config.path)])
    assert sources.exit_code == 0, sources.output
    assert "being collected by host-a:123:abc" in sources.output
    status = runner.invoke(main, ["status", "--config", str(config.path)])
    assert "Collector workers collecting now: host-a:123:abc" in status.output
    assert "postgresql+psycopg://" in status.output


def test_migrate_says_what_it_did_on_postgresql(
    write_config: Callable[..., Config], postgres_url: str
) -> None:
    config = write_config(database=postgres_url)
    runner = CliRunner()
    first = runner.invoke(main, ["migrate", "--config", str(config.path)])
    assert first.exit_code == 0, first.output
    assert "created schema version" in first.output
    again = runner.invoke(main, ["migrate", "--config", str(config.path)])
    assert "created" not in again.output and "up to date" in again.output


def test_sources_print_each_feeds_last_attempt_and_http_status(
    write_config: Callable[..., Config], feed_server: FeedServer
) -> None:
    feed_server.routes["/feed.xml"] = Route(FEED, etag='"v1"')
    config = write_config(
        sources=[
            {"name": "Journal", "kind": "rss", "url": feed_server.url("/feed.xml")},
            {"name": "Gone", "kind": "rss", "url": feed_server.url("/gone.xml")},
        ]
    )
    feed_server.routes["/gone.xml"] = Route(status=410)
    runner = CliRunner()
    args = ["--config", str(config.path)]
    before = runner.invoke(main, ["sources", *args]).output
    assert "Journal [rss] not collected yet; last attempt never; last success never" in before
    seen = []
    for _ in range(2):  # the second time the feed answers 304
        assert runner.invoke(main, ["collect", *args]).exit_code == 0
        lines = runner.invoke(main, ["sources", *args]).output.splitlines()
        seen.append(next(line for line in lines if line.startswith("Journal")))
    first, second = seen
    assert re.search(r"ok; last attempt \S+ \S+ UTC \(HTTP 200\); last success", first)
    assert "1 entries seen, 1 new last time" in first
    assert re.search(r"ok; last attempt \S+ \S+ UTC \(HTTP 304\); last success", second)
    gone = next(line for line in lines if line.startswith("Gone"))
    assert "Gone [rss] DISABLED; last attempt" in gone and "(HTTP 410)" in gone


CLIPS = {
    "fr1.txt": "Mistral AI lève des fonds\nLa start-up Mistral présente un modèle d’IA à Paris.\n",
    "fr2.txt": "Tempête en Provence\nLe mistral souffle en rafales sur Marseille, le vent tourne.\n",
    "fr3.txt": "Météo du week-end\nUn fort mistral et du vent ce week-end sur la côte.\n",
    "fr4.txt": "Poésie\nMistral, le poète provençal, écrivait en occitan \x1b[31mrouge\x1b[0m.\n",
    "en1.txt": "Mistral ships a model\nThe start-up Mistral released a new AI model.\n",
    "en2.txt": "Weather\nThe mistral wind blew hard; the wind closed the port.\n",
}


def test_review_marks_a_sample_prints_the_estimate_and_a_rule(
    write_config: Callable[..., Config], tmp_path: Path
) -> None:
    """`presswatch review` with piped answers: each saved, the estimate printed, and the
    rule it suggests (case and context) does drop the wrong ones once in the config."""
    folder = tmp_path / "clips"
    folder.mkdir()
    for name, text in CLIPS.items():
        (folder / name).write_text(text, encoding="utf-8")
    mistral = {"name": "Mistral AI", "role": "tracked", "aliases": ["Mistral"]}
    sources = [{"name": "Clips", "kind": "files", "path": "clips"}]
    config = write_config(companies=[mistral, {"name": "OpenAI"}], sources=sources)
    runner = CliRunner()
    args = ["--config", str(config.path)]
    assert runner.invoke(main, ["collect", *args]).exit_code == 0
    url = f"sqlite:///{tmp_path / 'data' / 'test.db'}"
    with Store(url) as store:
        sample = store.review_sample("Mistral AI", 20, seed=5)
    assert len(sample) == 8  # six clips, two of them naming it twice
    # The wind (lowercase) and the poet are wrong; the start-up is right.
    pairs = zip(sample["matched"], sample["sentence"], strict=True)
    wrong = [m.islower() or "poète" in s for m, s in pairs]
    answers = "".join("w\n" if w else "r\n" for w in wrong)
    review = ["review", "Mistral AI", *args, "--seed", "5", "--reviewer", "Léa"]
    result = runner.invoke(main, review, input=answers)
    assert result.exit_code == 0, result.output
    assert "Le [[mistral]] souffle en rafales sur Marseille, le vent tourne." in result.output
    assert "\x1b" not in result.output and "[31mrouge" in result.output  # no terminal escape
    assert "Saved 4 right and 4 wrong." in result.output
    assert "Mistral AI: precision 0.50 (0.22–0.78), 8 reviewed, " in result.output
    assert "  - alias: Mistral\n    case_sensitive: true\n    context: [model, IA]\n" in (
        result.output
    )
    assert "keeps 3 of 3 right and drops 4 of 4 wrong" in result.output
    assert "Words around the wrong ones, rare around the others: vent" in result.output
    with Store(url) as store:
        marks = store.mention_reviews_frame()
        assert len(marks) == 8 and set(marks["reviewer"]) == {"Léa"}
        assert sorted(marks["verdict"]) == ["right"] * 4 + ["wrong"] * 4
        before = store.company_counts(Filters()).set_index("company")["mentions"]
    assert before["Mistral AI"] == 4  # the wrong ones count nowhere

    # Nothing left to review; --list gives every company's estimate.
    again = runner.invoke(main, review, input="")
    assert "Every mention of Mistral AI has been reviewed" in again.output
    listed = runner.invoke(main, ["review", *args, "--list"])
    assert "Mistral AI: precision 0.50 (0.22–0.78), 8 reviewed" in listed.output
    assert "OpenAI: not reviewed" in listed.output

    # The suggested rule, written into the config, drops the wrong ones by itself; the
    # marks of the mentions it removed no longer count in the estimate.
    ruled = {"alias": "Mistral", "case_sensitive": True, "context": ["model", "IA"]}
    write_config(companies=[{**mistral, "aliases": [ruled]}, {"name": "OpenAI"}], sources=sources)
    assert runner.invoke(main, ["reanalyze", *args]).exit_code == 0
    with Store(url) as store:
        found = store.mentions_frame()
        assert sorted(found["matched"]) == ["Mistral"] * 3 + ["Mistral AI"]
        assert store.company_counts(Filters()).set_index("company")["mentions"].equals(before)
        estimate = store.precision_estimates().set_index("company").loc["Mistral AI"]
        assert (estimate["reviewed"], estimate["right"]) == (4, 4)


def test_review_stops_cleanly_and_refuses_an_unknown_company(
    write_config: Callable[..., Config], tmp_path: Path
) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    for name, text in CLIPS.items():
        (folder / name).write_text(text, encoding="utf-8")
    config = write_config(
        companies=[
            {"name": "Mistral AI", "role": "tracked", "aliases": ["Mistral"]},
            {"name": "OpenAI"},
        ],
        sources=[{"name": "Clips", "kind": "files", "path": "clips"}],
    )
    runner = CliRunner()
    args = ["--config", str(config.path)]
    assert runner.invoke(main, ["collect", *args]).exit_code == 0
    # The input ends after two answers (a killed session): both are kept.
    result = runner.invoke(main, ["review", "Mistral AI", *args, "--reviewer", "x"], input="r\ns\n")
    assert result.exit_code == 0, result.output
    assert "Saved 1 right and 0 wrong." in result.output
    result = runner.invoke(main, ["review", "Mistral AI", *args, "--reviewer", "x"], input="w\nq\n")
    assert "Saved 0 right and 1 wrong." in result.output
    with Store(f"sqlite:///{tmp_path / 'data' / 'test.db'}") as store:
        assert sorted(store.mention_reviews_frame()["verdict"]) == ["right", "wrong"]
    bad = runner.invoke(main, ["review", "Mistrale", *args])
    assert bad.exit_code == 2
    assert "no company named 'Mistrale' in the config (its companies: Mistral AI, OpenAI)" in (
        bad.output
    )
    assert runner.invoke(main, ["review", *args]).exit_code == 2  # no company, no --list


def test_counted_follows_each_languages_plural_rule() -> None:
    assert [counted(n, "source", "sources") for n in (0, 1, 2)] == [
        "0 sources",
        "1 source",
        "2 sources",
    ]
    # French takes the singular for 0 and below 2, and the plural from 2 on.
    assert [counted(n, "article", "articles", "fr") for n in (0, 1, 1.5, 2, 1_000_000)] == [
        "0 article",
        "1 article",
        "1.5 article",
        "2 articles",
        "1000000 articles",
    ]


def test_collect_one_source_counts_what_it_collects_in_the_singular(
    write_config: Callable[..., Config], seeds_dir: Path
) -> None:
    config = write_config(
        sources=[
            {"name": "Seeds", "kind": "files", "path": "seeds"},
            {"name": "Offline feed", "kind": "rss", "url": "http://127.0.0.1:9/rss.xml"},
            {"name": "Off", "kind": "rss", "url": "http://127.0.0.1:9/off.xml", "enabled": False},
        ]
    )
    runner = CliRunner()
    args = ["--config", str(config.path)]
    result = runner.invoke(main, ["collect", *args, "--source", "Seeds"])
    assert result.exit_code == 0, result.output
    assert "Collecting 1 source into" in result.output
    assert "1 source ok, 0 failed; 2 new articles" in result.output
    assert not re.search(r"\b1 (sources|articles|entries|files)\b", result.output), result.output

    # Every source this run collects failed: the exit code says so, though others exist.
    result = runner.invoke(main, ["collect", *args, "--source", "Offline feed"])
    assert "Collecting 1 source into" in result.output
    assert result.exit_code == 1, result.output
    # A plain collect counts the enabled sources, not the disabled one.
    result = runner.invoke(main, ["collect", *args])
    assert "Collecting 2 sources into" in result.output
    assert "0 new articles" in result.output and result.exit_code == 0, result.output


@pytest.mark.slow
def test_status_says_when_the_lock_holder_has_exited(
    write_config: Callable[..., Config],
) -> None:
    config = write_config()
    runner = CliRunner()
    collector = presswatch("collect", config.path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = collector.communicate(timeout=120)
    assert collector.returncode == 0, output
    url = f"sqlite:///{config.resolve_path(config.database)}"
    lock = lock_path(url)
    assert f"pid {collector.pid} on" in lock.read_text(encoding="utf-8")

    status = runner.invoke(main, ["status", "--config", str(config.path)])
    assert status.exit_code == 0, status.output
    assert f"pid {collector.pid} on {socket.gethostname()}, is gone" in status.output
    assert "held by" not in status.output

    with collector_lock(url):  # a live holder: this process
        status = runner.invoke(main, ["status", "--config", str(config.path)])
    assert f"(held by pid {os.getpid()} on {socket.gethostname()})" in status.output


def test_a_look_at_the_lock_does_not_turn_a_collector_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    lock = lock_path(url)
    lock.write_text("pid 1 on elsewhere", encoding="utf-8")
    with lock.open(encoding="utf-8") as look:
        fcntl.flock(look, fcntl.LOCK_SH | fcntl.LOCK_NB)  # what `status` holds for an instant
        # The look ends while the collector waits to try again.
        monkeypatch.setattr(
            "presswatch.lock.time.sleep", lambda _: fcntl.flock(look, fcntl.LOCK_UN)
        )
        with collector_lock(url):
            assert lock.read_text(encoding="utf-8").startswith(f"pid {os.getpid()} on")


@pytest.mark.slow  # among the longest in-process tests
def test_reanalyze_and_copy_draw_progress_bars_on_a_terminal(
    write_config: Callable[..., Config],
    seeds_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = write_config(sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}])
    runner = CliRunner()
    args = ["--config", str(config.path)]
    assert runner.invoke(main, ["collect", *args]).exit_code == 0
    monkeypatch.setattr("presswatch.cli._on_terminal", lambda: True)
    result = runner.invoke(main, ["reanalyze", *args])
    assert result.exit_code == 0, result.output
    assert "Reanalysing" in result.stderr and "2/2" in result.stderr
    assert "Reanalyzed 2 articles." in result.stdout

    copy = tmp_path / "copy.db"
    result = runner.invoke(
        main, ["copy", "--from", str(config.path.parent / "data" / "test.db"), "--to", str(copy)]
    )
    assert result.exit_code == 0, result.output
    assert "Copying articles" in result.stderr and "Copying mentions" in result.stderr


def _seeded_article(config: Config) -> tuple[str, Store]:
    """Collect the seeds; the id of the article that names Aleph Alpha, and its store."""
    args = ["--config", str(config.path)]
    assert CliRunner().invoke(main, ["collect", *args]).exit_code == 0
    store = Store(f"sqlite:///{config.resolve_path(config.database)}")
    with store:
        mentions = store.mentions_frame()
    return str(mentions[mentions["company"] == "Aleph Alpha"]["article_id"].iloc[0]), store


def test_set_tone_takes_french_labels_and_lists_the_accepted_ones(
    write_config: Callable[..., Config], seeds_dir: Path
) -> None:
    config = write_config(sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}])
    article_id, store = _seeded_article(config)
    runner = CliRunner()
    args = ["--config", str(config.path), article_id]
    for typed, stored in (("négatif", "negative"), ("Neutre", "neutral"), ("POSITIF", "positive")):
        result = runner.invoke(main, ["set-tone", *args, typed, "--by", "claire"])
        assert result.exit_code == 0, result.output
        assert f"set to {stored} by claire" in result.output
    result = runner.invoke(main, ["set-tone", *args, "negatif", "--by", "claire"])
    assert "set to negative" in result.output  # accents optional
    bad = runner.invoke(main, ["set-tone", *args, "mitigé", "--by", "claire"])
    assert bad.exit_code == 2
    assert "'mitigé' is not a tone: use positive, neutral or negative" in bad.output
    assert "positif, neutre, négatif" in bad.output
    with store:
        assert store.corrections_frame()["label"].tolist() == [
            "negative",
            "neutral",
            "positive",
            "negative",
        ]


def test_set_tone_refuses_a_position_where_no_mention_starts(
    write_config: Callable[..., Config], seeds_dir: Path
) -> None:
    config = write_config(sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}])
    article_id, store = _seeded_article(config)
    with store:
        mentions = store.mentions_frame()
    mine = mentions[(mentions["article_id"] == article_id)].sort_values(["field", "start"])
    first = mine[mine["field"] == "text"].iloc[0]
    runner = CliRunner()
    args = ["set-tone", "--config", str(config.path), article_id, "negative", "--by", "claire"]
    bad = runner.invoke(main, [*args, "--mention", "text:999999"])
    assert bad.exit_code == 1, bad.output
    assert f"no mention starts at text:999999 in article {article_id}" in bad.output
    assert "its mentions start at " in bad.output
    assert f"text:{first['start']} ({first['company']})" in bad.output
    # Another company's mention is not this company's.
    other = "OpenAI" if first["company"] != "OpenAI" else "Mistral AI"
    bad = runner.invoke(main, [*args, "--mention", f"text:{first['start']}", "--company", other])
    assert bad.exit_code == 1 and f"no mention of {other} starts at" in bad.output
    with store:
        assert store.corrections_frame().empty  # nothing recorded for a refused position

    good = runner.invoke(main, [*args, "--mention", f"text:{first['start']}"])
    assert good.exit_code == 0, good.output
    assert "Tone of a mention in article" in good.output


def test_yaml_syntax_errors_name_the_line_and_column_in_words(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        "companies:\n  - name: Mistral AI\n    role: tracked\n   - name: OpenAI\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check-config", "--config", str(path)])
    assert result.exit_code == 2
    assert (
        "config.yaml, line 4, column 4: a list item is not indented like the others"
        in result.output
    )
    assert "<block" not in result.output and "expected" not in result.output

    path.write_text("companies:\n\t- name: Mistral AI\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check-config", "--config", str(path)])
    assert "config.yaml, line 2, column 1: a tab; indent with spaces only" in result.output
    path.write_text('companies:\n  - name: "Mistral AI\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check-config", "--config", str(path)])
    assert "a quote is opened and never closed" in result.output
