"""CSV for comms teams: opens right in Excel and LibreOffice, and never runs a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd

from presswatch.analytics import article_companies, article_topics, company_tones
from presswatch.config import Config

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


def write_csv(frame: pd.DataFrame, path: Path, *, delimiter: str = ",", bom: bool = True) -> int:
    """Write the frame as CSV to ``path`` atomically; return the number of rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    temporary.write_bytes(to_csv_bytes(frame, delimiter=delimiter, bom=bom))
    temporary.replace(path)
    return len(frame)
