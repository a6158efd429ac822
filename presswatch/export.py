"""CSV for comms teams: opens right in Excel and LibreOffice, and never runs a formula."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from presswatch.analytics import article_companies, article_topics, company_tones, isin
from presswatch.config import Config
from presswatch.frames import Filters, Frames

ARTICLE_COMPANY_COLUMNS = [
    "date",
    "date_precision",
    "outlet",
    "title",
    "url",
    "company",
    "role",
    "mention_count",
    "prominence",
    "tone",
    "tone_score",
    "evidence_sentence",
    "topics",
    "language",
    "author",
    "story_id",
    "pickups",
    "article_id",
]

# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def format_date(published: Any, precision: Any) -> str:
    """An ISO date cut to what is known: 2024-03-19, 2024-03, 2024, or empty when unknown."""
    if published is None or pd.isna(published) or not precision or pd.isna(precision):
        return ""
    stamp = pd.Timestamp(published)
    if precision == "year":
        return f"{stamp.year:04d}"
    if precision == "month":
        return f"{stamp.year:04d}-{stamp.month:02d}"
    if precision == "day":
        return stamp.strftime("%Y-%m-%d")
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def article_company_rows(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    config: Config,
    tones: pd.DataFrame | None = None,
    topics: pd.DataFrame | None = None,
    corrections: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per (article, company it mentions), newest first, undated last.

    The evidence sentence is the one the tone rests on when there is a tone, else the
    first mention's sentence; a person's correction of the tone wins over the model.
    """
    pairs = article_companies(articles, mentions)
    if pairs.empty:
        return pd.DataFrame(columns=ARTICLE_COMPANY_COLUMNS)
    toned = company_tones(tones if tones is not None else pd.DataFrame(), corrections)
    if not toned.empty:
        pairs = pairs.merge(
            toned[["article_id", "company", "tone", "tone_score", "evidence"]].rename(
                columns={"evidence": "tone_evidence"}
            ),
            on=["article_id", "company"],
            how="left",
        )
        pairs["evidence"] = pairs["tone_evidence"].fillna(pairs["evidence"])
    else:
        pairs = pairs.assign(tone=None, tone_score=None)
    pairs["tone_score"] = pairs["tone_score"].map(
        lambda v: None if v is None or pd.isna(v) else round(float(v), 3)
    )
    # The article's overall tone has the same column names as the company's: keep it apart.
    article_columns = articles.rename(
        columns={"tone_score": "article_tone_score", "tone_label": "article_tone"}
    )
    merged = pairs.merge(article_columns, left_on="article_id", right_on="id", how="left")
    topic_names = article_topics(topics if topics is not None else pd.DataFrame()).to_dict()
    merged["topics"] = [topic_names.get(a, "") for a in merged["article_id"]]
    if "story_id" not in merged.columns:
        merged["story_id"] = merged["article_id"]
    merged["story_id"] = merged["story_id"].fillna(merged["article_id"])
    pickups = articles["story_id"].value_counts() if "story_id" in articles.columns else None
    merged["pickups"] = (
        merged["story_id"].map(pickups).fillna(1).astype(int) if pickups is not None else 1
    )
    roles = {c.name: c.role for c in config.companies}
    merged["date"] = [
        format_date(p, q)
        for p, q in zip(merged["published"], merged["date_precision"], strict=True)
    ]
    merged["role"] = merged["company"].map(roles).fillna("")
    merged = merged.rename(columns={"evidence": "evidence_sentence"})
    merged = merged.sort_values(
        ["published", "title", "company"], ascending=[False, True, True], na_position="last"
    )
    return merged[ARTICLE_COMPANY_COLUMNS].reset_index(drop=True)


def to_csv_bytes(frame: pd.DataFrame, *, delimiter: str = ",", bom: bool = True) -> bytes:
    """The frame as CSV bytes: UTF-8 (with a BOM for Excel), quoted where needed, neutralized."""
    if delimiter not in (",", ";", "\t"):
        raise ValueError("delimiter must be ',', ';' or a tab")
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"
    )
    writer.writerow([neutralize_cell(c) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow(["" if _is_missing(v) else neutralize_cell(v) for v in row])
    data = buffer.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


LEVELS = ("articles", "mentions", "stories", "daily")

MENTION_COLUMNS = [
    "date",
    "date_precision",
    "outlet",
    "title",
    "url",
    "company",
    "role",
    "alias",
    "matched",
    "spokesperson",
    "prominence",
    "tone",
    "tone_score",
    "evidence_sentence",
    "language",
    "author",
    "story_id",
    "article_id",
]
STORY_COLUMNS = [
    "date",
    "title",
    "company",
    "role",
    "pickups",
    "outlets",
    "mention_count",
    "tone",
    "story_id",
]
DAILY_COLUMNS = [
    "date",
    "company",
    "role",
    "articles",
    "stories",
    "mentions",
    "positive",
    "neutral",
    "negative",
    "net_tone",
]


def _roles(config: Config) -> dict[str, str]:
    return {c.name: c.role for c in config.companies}


def mention_rows(frames: Frames, config: Config) -> pd.DataFrame:
    """One row per mention, with its sentence and its own tone."""
    mentions = frames.mentions
    if mentions.empty:
        return pd.DataFrame(columns=MENTION_COLUMNS)
    articles = frames.articles.rename(
        columns={"tone_score": "article_tone_score", "tone_label": "article_tone"}
    )
    merged = mentions.merge(articles, left_on="article_id", right_on="id", how="inner")
    merged["date"] = [
        format_date(p, q)
        for p, q in zip(merged["published"], merged["date_precision"], strict=True)
    ]
    merged["role"] = merged["company"].map(_roles(config)).fillna("")
    merged["spokesperson"] = merged["kind"].eq("person").map({True: "yes", False: "no"})
    merged["tone"] = merged["tone_label"]
    corrections = frames.corrections
    if not corrections.empty:
        # A person's label for this very mention wins over the model's.
        own = corrections[corrections["field"].notna() & corrections["start"].notna()]
        latest = own.drop_duplicates(["article_id", "field", "start"], keep="last")
        fixes = {
            (r["article_id"], r["field"], int(r["start"])): r["label"]
            for r in latest.to_dict("records")
        }
        merged["tone"] = [
            fixes.get((a, f, int(st)), t)
            for a, f, st, t in zip(
                merged["article_id"], merged["field"], merged["start"], merged["tone"], strict=True
            )
        ]
    merged["tone_score"] = merged["tone_score"].map(
        lambda v: None if v is None or pd.isna(v) else round(float(v), 3)
    )
    merged["evidence_sentence"] = merged["sentence"]
    merged = merged.sort_values(
        ["published", "article_id", "field", "start"],
        ascending=[False, True, False, True],
        na_position="last",
    )
    return merged[MENTION_COLUMNS].reset_index(drop=True)


def story_rows(frames: Frames, config: Config) -> pd.DataFrame:
    """One row per (story, company): its first copy, pickups, outlets and tone."""
    from presswatch.analytics import company_tones

    pairs = article_companies(frames.articles, frames.mentions)
    if pairs.empty:
        return pd.DataFrame(columns=STORY_COLUMNS)
    articles = frames.articles.copy()
    articles["story_id"] = (
        articles["story_id"].fillna(articles["id"]) if "story_id" in articles else articles["id"]
    )
    joined = pairs.merge(articles, left_on="article_id", right_on="id")
    toned = company_tones(frames.tones, frames.corrections)
    if not toned.empty:
        joined = joined.merge(
            toned[["article_id", "company", "tone"]], on=["article_id", "company"], how="left"
        )
    else:
        joined["tone"] = None
    joined = joined.sort_values(["published", "first_seen"], na_position="last")
    grouped = joined.groupby(["story_id", "company"], sort=False)
    out = grouped.agg(
        published=("published", "first"),
        date_precision=("date_precision", "first"),
        title=("title", "first"),
        pickups=("article_id", "nunique"),
        outlets=("outlet", lambda o: ", ".join(sorted({x for x in o if isinstance(x, str)}))),
        mention_count=("mention_count", "sum"),
        tone=("tone", lambda t: t.dropna().mode().iloc[0] if not t.dropna().empty else None),
    ).reset_index()
    out["date"] = [
        format_date(p, q) for p, q in zip(out["published"], out["date_precision"], strict=True)
    ]
    out["role"] = out["company"].map(_roles(config)).fillna("")
    out = out.sort_values(["published", "pickups"], ascending=[False, False], na_position="last")
    return out[STORY_COLUMNS].reset_index(drop=True)


def daily_rows(frames: Frames, config: Config) -> pd.DataFrame:
    """One row per (day, company): articles, stories, mentions and tone counts."""
    from presswatch.analytics import _period_start, company_tones

    pairs = article_companies(frames.articles, frames.mentions)
    if pairs.empty:
        return pd.DataFrame(columns=DAILY_COLUMNS)
    articles = frames.articles[frames.articles["date_precision"].isin(["datetime", "day"])].copy()
    if articles.empty:
        return pd.DataFrame(columns=DAILY_COLUMNS)
    articles["day"] = _period_start(articles["published"], "day")
    articles["story"] = (
        articles["story_id"].fillna(articles["id"]) if "story_id" in articles else articles["id"]
    )
    joined = pairs.merge(articles[["id", "day", "story"]], left_on="article_id", right_on="id")
    toned = company_tones(frames.tones, frames.corrections)
    if not toned.empty:
        joined = joined.merge(
            toned[["article_id", "company", "tone"]], on=["article_id", "company"], how="left"
        )
    else:
        joined["tone"] = None
    out = (
        joined.groupby(["day", "company"])
        .agg(
            articles=("article_id", "nunique"),
            stories=("story", "nunique"),
            mentions=("mention_count", "sum"),
            positive=("tone", lambda t: int((t == "positive").sum())),
            neutral=("tone", lambda t: int((t == "neutral").sum())),
            negative=("tone", lambda t: int((t == "negative").sum())),
        )
        .reset_index()
    )
    toned_total = out[["positive", "neutral", "negative"]].sum(axis=1)
    out["net_tone"] = (
        (out["positive"] - out["negative"]) / toned_total.where(toned_total > 0)
    ).round(3)
    out["date"] = out["day"].dt.strftime("%Y-%m-%d")
    out["role"] = out["company"].map(_roles(config)).fillna("")
    return out.sort_values(["day", "company"])[DAILY_COLUMNS].reset_index(drop=True)


def export_frame(frames: Frames, config: Config, level: str = "articles") -> pd.DataFrame:
    """The rows of an export at one level: articles, mentions, stories or daily."""
    if level == "articles":
        return article_company_rows(
            frames.articles,
            frames.mentions,
            config,
            tones=frames.tones,
            topics=frames.topics,
            corrections=frames.corrections,
        )
    if level == "mentions":
        return mention_rows(frames, config)
    if level == "stories":
        return story_rows(frames, config)
    if level == "daily":
        return daily_rows(frames, config)
    raise ValueError(f"unknown export level '{level}': use one of {', '.join(LEVELS)}")


def build_manifest(
    *,
    everything: Frames,
    filters: Filters,
    config: Config,
    level: str,
    rows: int,
    data: bytes,
    database: str,
) -> dict[str, Any]:
    """What makes an exported figure traceable: filters, config, sources, gaps, checksum."""
    from presswatch import __version__
    from presswatch.analytics import coverage_gaps

    start = pd.Timestamp(filters.start, tz="UTC") if filters.start else None
    end = pd.Timestamp(filters.end, tz="UTC") + pd.Timedelta(days=1) if filters.end else None
    gaps = coverage_gaps(everything.source_events, start, end)
    undated = 0
    if filters.start or filters.end:
        relevant = isin(everything.articles["id"], everything.mentions["article_id"])
        undated = int((relevant & everything.articles["published"].isna()).sum())
    sources = []
    for row in everything.sources.to_dict("records"):
        own = gaps[gaps["source"] == row["name"]]
        sources.append(
            {
                "name": row["name"],
                "kind": row.get("kind"),
                "last_success": _iso(row.get("last_success")),
                "error": row.get("error") if isinstance(row.get("error"), str) else None,
                "coverage_gaps": [
                    {
                        "start": _iso(g["start"]),
                        "end": _iso(g["end"]),
                        "failures": int(g["failures"]),
                        "error": g["error"],
                    }
                    for g in own.to_dict("records")
                ],
            }
        )
    return {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "presswatch_version": __version__,
        "level": level,
        "filters": filters.as_dict(),
        "config": str(config.path) if config.path else None,
        "config_sha256": config.sha256,
        "database": _redact_url(database),
        "rows": rows,
        "csv_sha256": hashlib.sha256(data).hexdigest(),
        "undated_articles_left_out": undated,
        "sources": sources,
    }


def _iso(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).isoformat()


def _redact_url(url: str) -> str:
    import sqlalchemy as sa

    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def write_export(data: bytes, path: Path, manifest: dict[str, Any] | None) -> Path | None:
    """Write the CSV bytes atomically, and the manifest beside them as NAME.manifest.json."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    temporary.write_bytes(data)
    temporary.replace(path)
    if manifest is None:
        return None
    target = path.with_name(path.stem + ".manifest.json")
    target.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return target
