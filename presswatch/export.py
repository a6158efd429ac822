"""CSV for comms teams: opens right in Excel and LibreOffice, and never runs a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd

from presswatch.analytics import article_companies
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
    "evidence_sentence",
    "language",
    "author",
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
    articles: pd.DataFrame, mentions: pd.DataFrame, config: Config
) -> pd.DataFrame:
    """One row per (article, company it mentions), newest first, undated last."""
    pairs = article_companies(articles, mentions)
    if pairs.empty:
        return pd.DataFrame(columns=ARTICLE_COMPANY_COLUMNS)
    merged = pairs.merge(articles, left_on="article_id", right_on="id", how="left")
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
