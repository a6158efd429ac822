"""Exports read from the database in chunks, on SQLite and PostgreSQL: the rows the
filters keep, in order, agreeing with the same rows computed in pandas from the frames."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml

from presswatch import analytics, export
from presswatch.config import Config, load_config
from presswatch.models import Mention
from presswatch.store import Store
from tests import oracle
from tests.generated import COMPANIES, generated_articles, generated_companies
from tests.oracle import Frames, apply_filters
from tests.test_store_aggregates import FILTERS


def _config(tmp_path: Path) -> Config:
    path = tmp_path / "export.yaml"
    companies = [
        {"name": c, "role": "tracked" if i == 0 else "competitor"} for i, c in enumerate(COMPANIES)
    ]
    path.write_text(yaml.safe_dump({"companies": companies}), encoding="utf-8")
    return load_config(path)


def _rows(store: Store, filters: export.Filters, config: Config, level: str) -> pd.DataFrame:
    found = list(export.export_rows(store, filters, config, level))
    return pd.DataFrame.from_records(found, columns=export.COLUMNS[level])


def test_exports_agree_with_the_frames_for_every_filter(generated: Store, tmp_path: Path) -> None:
    """Per filter set: the (article, company) rows, their counts, tones, prominence and
    pickups, the mentions, the stories and the days equal what pandas finds in the
    filtered frames; rows come newest first with undated ones last; counts match."""
    store, config = generated, _config(tmp_path)
    company = generated_companies("a1")[0]
    store.add_correction("a1", "negative", "Camille", company=company)
    everything = Frames.from_store(store)
    for filters in FILTERS:
        view = apply_filters(filters, everything)
        name = str(filters.as_dict())
        rows = _rows(store, filters, config, "articles")
        pairs = oracle.article_companies(view.articles, view.mentions)
        assert len(rows) == len(pairs) > 0, name
        expected = pairs.set_index(["article_id", "company"]).sort_index()
        got = rows.set_index(["article_id", "company"]).sort_index()
        assert got.index.equals(expected.index), name
        assert got["mention_count"].tolist() == expected["mention_count"].tolist(), name
        assert got["prominence"].tolist() == expected["prominence"].tolist(), name
        tones = analytics.company_tones(view.tones, view.corrections)
        tone_of = {(t.article_id, t.company): t.tone for t in tones.itertuples()}
        assert [tone_of.get(key) for key in got.index] == got["tone"].tolist(), name
        # Pickups: the story's articles among the exported rows.
        per_story = rows.groupby("story_id")["article_id"].nunique()
        assert rows["pickups"].tolist() == rows["story_id"].map(per_story).tolist(), name
        # Newest first to the second, undated last.
        published = view.articles.set_index("id")["published"]
        moments = [published[a] for a in rows["article_id"]]
        dated = [m for m in moments if not pd.isna(m)]
        assert dated == sorted(dated, reverse=True), name
        assert all(pd.isna(m) for m in moments[len(dated) :]), name

        mentions = _rows(store, filters, config, "mentions")
        assert len(mentions) == len(view.mentions), name
        assert Counter(mentions["company"]) == Counter(view.mentions["company"]), name

        stories = _rows(store, filters, config, "stories")
        story = view.articles.set_index("id")["story_id"]
        groups = {(story[a], c) for a, c in zip(pairs["article_id"], pairs["company"], strict=True)}
        assert set(zip(stories["story_id"], stories["company"], strict=True)) == groups, name
        assert stories["pickups"].sum() == len(pairs), name

        daily = _rows(store, filters, config, "daily")
        timeline = oracle.mentions_over_time(view.articles, view.mentions, "day")
        expected_days = {
            (d.strftime("%Y-%m-%d"), c): n
            for d, c, n in zip(
                timeline["period"], timeline["company"], timeline["mentions"], strict=True
            )
            if n
        }
        got_days = dict(
            zip(zip(daily["date"], daily["company"], strict=True), daily["mentions"], strict=True)
        )
        assert got_days == expected_days, name

        for level, frame in (
            ("articles", rows),
            ("mentions", mentions),
            ("stories", stories),
            ("daily", daily),
        ):
            assert store.export_count(filters, level) == len(frame), (name, level)


def test_rows_do_not_depend_on_the_chunk_size(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows read 7 at a time (their mentions and topics looked up per chunk) are the rows
    read 2,000 at a time: nothing lost or repeated at a chunk's edge."""
    config = _config(tmp_path)
    store.save_articles(generated_articles(120))
    whole = {}
    for level in export.LEVELS:
        sink = io.BytesIO()
        export.write_csv(
            export.COLUMNS[level], export.export_rows(store, FILTERS[0], config, level), sink
        )
        whole[level] = sink.getvalue()
    monkeypatch.setattr(export, "CHUNK_ROWS", 7)
    for level in export.LEVELS:
        sink = io.BytesIO()
        written = export.write_csv(
            export.COLUMNS[level], export.export_rows(store, FILTERS[0], config, level), sink
        )
        assert sink.getvalue() == whole[level], level
        assert written.rows == store.export_count(FILTERS[0], level) > 7


def test_export_to_file_writes_the_csv_and_its_manifest(store: Store, tmp_path: Path) -> None:
    """The file appears whole (no .part left), and the manifest counts its rows and
    carries its checksum; an unknown level is refused with the levels to choose from."""
    config = _config(tmp_path)
    store.save_articles(generated_articles(60))
    out = tmp_path / "out" / "coverage.csv"
    manifest, path = export.export_to_file(store, FILTERS[1], config, out, delimiter=";")
    data = out.read_bytes()
    assert manifest["csv_sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["rows"] == store.export_count(FILTERS[1]) == data.count(b"\r\n") - 1
    assert json.loads(path.read_text(encoding="utf-8"))["rows"] == manifest["rows"]
    # Undated articles the other filters keep are outside the bounded period, and counted.
    assert manifest["undated_articles_left_out"] == len(
        [a for a in generated_articles(60) if a.published is None]
    )
    assert not list(out.parent.glob("*.part"))
    with pytest.raises(ValueError, match="articles, mentions, stories, daily"):
        list(export.export_rows(store, FILTERS[0], config, "weekly"))


def test_a_row_rests_on_its_most_prominent_mention(store: Store, tmp_path: Path) -> None:
    """Prominence and evidence come from the title's mention before the lead's and the
    body's (earliest first), whatever order the mentions were stored in; without a tone
    the evidence is that mention's sentence."""
    config = _config(tmp_path)
    article = generated_articles(1)[0]
    places = [
        ("body", "text", 90),
        ("lead", "text", 40),
        ("title", "title", 5),
        ("lead", "text", 20),
    ]
    mentions = tuple(
        Mention(
            company="OpenAI",
            alias="OpenAI",
            matched="OpenAI",
            field=field,
            start=start,
            end=start + 6,
            sentence=f"{prominence} {start}",
            prominence=prominence,
        )
        for prominence, field, start in places
    )
    store.save_articles([dataclasses.replace(article, mentions=mentions, company_tones=())])
    (row,) = _rows(store, FILTERS[0], config, "articles").itertuples()
    assert (row.prominence, row.evidence_sentence, row.mention_count) == ("title", "title 5", 4)
    without_title = mentions[:2] + mentions[3:]
    store.save_articles(
        [
            dataclasses.replace(
                article, id="b", entry_key="b", mentions=without_title, company_tones=()
            )
        ]
    )
    rows = _rows(store, FILTERS[0], config, "articles").set_index("article_id")
    assert tuple(rows.loc["b", ["prominence", "evidence_sentence"]]) == ("lead", "lead 20")


def test_a_preview_is_the_first_rows_of_the_export(store: Store, tmp_path: Path) -> None:
    """With a limit (the Export page's preview), each level gives the first rows of the
    whole export, the database stopping there."""
    config = _config(tmp_path)
    store.save_articles(generated_articles(90))
    for level in export.LEVELS:
        whole = list(export.export_rows(store, FILTERS[0], config, level))
        assert len(whole) > 12, level
        assert list(export.export_rows(store, FILTERS[0], config, level, limit=12)) == whole[:12]


def test_a_collection_time_is_never_exported_as_a_publication_date(
    store: Store, tmp_path: Path
) -> None:
    """An article dated by its collection time has an empty date, a date_source saying
    so and its first_seen; a dated one keeps its date and says where it comes from; the
    story's date is its first copy with a date of its own."""
    config = _config(tmp_path)
    dated, undated = generated_articles(3)[1:3]
    dated = dataclasses.replace(dated, date_source="feed")
    collected = datetime(2026, 10, 2, 8, 0, tzinfo=UTC)
    undated = dataclasses.replace(
        undated,
        published=collected,
        date_precision="datetime",
        date_source="first_seen",
        story_id=dated.story_id or dated.id,
    )
    store.save_articles([dated, undated])
    for level in ("articles", "mentions"):
        rows = _rows(store, FILTERS[0], config, level).drop_duplicates("article_id")
        cells = rows.set_index("article_id")
        assert cells.loc[undated.id, "date"] == ""
        assert pd.isna(cells.loc[undated.id, "date_precision"])
        assert cells.loc[undated.id, "date_source"] == "collection time"
        assert cells.loc[undated.id, "first_seen"].startswith(str(datetime.now(UTC).year))
        assert cells.loc[dated.id, "date"] == export.format_date(dated.published, "datetime")
        assert cells.loc[dated.id, "date_source"] == "feed"
    stories = _rows(store, FILTERS[0], config, "stories")
    assert set(stories["date"]) <= {export.format_date(dated.published, "datetime"), ""}
    assert export.format_date(collected, "datetime") not in set(stories["date"])
    manifest, _path = export.export_to_file(store, FILTERS[0], config, tmp_path / "a.csv")
    assert "collection time" in manifest["date_sources"]
