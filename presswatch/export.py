"""CSV for comms teams: opens right in Excel and LibreOffice, and never runs a formula.

An export's rows are read from the database in chunks, in their final order, and written
as they come: a 30-day view of an archive of 10 million mentions is never loaded whole
into memory (bench/bench_store_queries.py). The rows of an export are the coverage rows
(one per article and company) that the filters keep, as the dashboard's figures count them;
the store reads them (Store.export_rows), this module writes them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import math
import re
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pandas as pd

from presswatch import __version__
from presswatch.analytics import coverage_gaps
from presswatch.config import Config
from presswatch.models import Filters
from presswatch.review import manifest_estimates
from presswatch.store import Store
from presswatch.urls import mask_urls_in

ARTICLE_COMPANY_COLUMNS = [
    "date",
    "date_precision",
    "date_source",
    "first_seen",
    "outlet",
    "title",
    "url",
    "company",
    "role",
    "mention_count",
    "prominence",
    "tone",
    "tone_score",
    "tone_by",
    "evidence_sentence",
    "topics",
    "language",
    "author",
    "story_id",
    "pickups",
    "article_id",
]

# Where an article's date comes from, as the export's date_source column says it. An
# article whose feed or file gave no date is dated by its collection time for the
# timelines, but that is no publication date: its date cell is empty, its date_source
# says "collection time", and first_seen holds that time (as it does for every article).
DATE_SOURCES = {
    "feed": "feed",
    "page": "page metadata",
    "metadata": "file metadata",
    "export": "file",
    "first_seen": "collection time",
}

DATE_SOURCE_MEANINGS = {
    "feed": "the date the feed gave the entry",
    "page metadata": "the date in the page's metadata (a saved or fetched page)",
    "file metadata": "the date written in the file's sidecar, front matter or fields",
    "file": "the date of the item in an exported file (JSON, CSV)",
    "collection time": "no publication date found: the date is empty, first_seen says when "
    "presswatch first collected the article",
}

# A spreadsheet reads a cell starting with one of these as a formula (CSV injection):
# = + - @ and their fullwidth and small forms (which some spreadsheets fold to ASCII), a
# pipe (DDE), a tab or a line break; also behind spaces and invisible characters
# (bidi controls, zero-width spaces, a BOM), which a spreadsheet may drop first.
_FORMULA_START = re.compile(
    "[\\s\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c]*"
    "[=+\\-@|\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\ufe6b\u2212\uff5c]"
    "|[\\t\\r\\n]"
)
# The first characters of a cell that can start a match: the regex runs only on those
# (every cell through the regex cost a third more time to write).
_FORMULA_FIRST = frozenset(
    "=+-@|\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\ufe6b\u2212\uff5c\u200b\u200c\u200d"
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2065\u2066"
    "\u2067\u2068\u2069\ufeff\u061c"
) | {chr(code) for code in range(0x3001) if chr(code).isspace()}

# Rows read from the database at a time, and looked up together (mentions, topics).
CHUNK_ROWS = 2000


class WrittenNumber(str):
    """A number the export wrote as text itself ("-0,25"): a spreadsheet reads it as a
    number, never as a formula, so it is not neutralized (that would make it text)."""

    __slots__ = ()


def neutralize_cell(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if (
        isinstance(value, str)
        and value[:1] in _FORMULA_FIRST
        and _FORMULA_START.match(value)
        and not isinstance(value, WrittenNumber)
    ):
        return "'" + value
    return value


def format_date(published: Any, precision: Any) -> str:
    """An ISO date cut to what is known: 2024-03-19, 2024-03, 2024, or empty when unknown."""
    if published is None or not precision or not isinstance(precision, str):
        return ""
    if not isinstance(published, datetime):
        if pd.isna(published):
            return ""
        published = pd.Timestamp(published).to_pydatetime()
    if precision == "year":
        return f"{published.year:04d}"
    if precision == "month":
        return f"{published.year:04d}-{published.month:02d}"
    if precision == "day":
        return f"{published.year:04d}-{published.month:02d}-{published.day:02d}"
    return str(published.strftime("%Y-%m-%dT%H:%M:%SZ"))


LEVELS = ("articles", "mentions", "stories", "daily")

MENTION_COLUMNS = [
    "date",
    "date_precision",
    "date_source",
    "first_seen",
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
    "tone_by",
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


COLUMNS = {
    "articles": ARTICLE_COMPANY_COLUMNS,
    "mentions": MENTION_COLUMNS,
    "stories": STORY_COLUMNS,
    "daily": DAILY_COLUMNS,
}


def _roles(config: Config) -> dict[str, str]:
    return {c.name: c.role for c in config.companies}


def export_rows(
    store: Store,
    filters: Filters,
    config: Config,
    level: str = "articles",
    *,
    limit: int | None = None,
) -> Generator[tuple[Any, ...]]:
    """The rows of an export at one level (articles, mentions, stories or daily), in order,
    one tuple of cells per row in the order of COLUMNS[level]; only the first ``limit``
    (a preview) when given."""
    if level not in COLUMNS:
        raise ValueError(f"unknown export level '{level}': use one of {', '.join(LEVELS)}")
    columns = COLUMNS[level]
    roles = _roles(config)
    model = (store.tone_model() or "model") if "tone_by" in columns else ""
    for row in store.export_rows(filters, level, limit=limit, chunk=CHUNK_ROWS):
        # The store gives values; the date as the export writes it and the company's role
        # (from the config) are the export's.
        if "date_source" in columns:
            source = row["date_source"]
            row["date_source"] = DATE_SOURCES.get(source, source or "")
            row["first_seen"] = format_date(row["first_seen"], "datetime")
            if source == "first_seen":
                row["published"] = row["date_precision"] = None
        if "date" not in row:
            row["date"] = format_date(row["published"], row["date_precision"])
        row["role"] = roles.get(row["company"], "")
        if "tone_by" in columns:
            # Who gave the tone: a person's correction, or the model that analysed the archive.
            corrected = row.get("tone_corrected", False)
            row["tone_by"] = "" if row.get("tone") is None else "person" if corrected else model
        yield tuple(row[column] for column in columns)


# The spreadsheet modes: "en" writes ISO dates, decimal points and English headers and
# values; "fr" writes what a French-locale spreadsheet reads as figures (decimal commas,
# dates it reads as dates) with French headers and values, ';'-separated by default.
SPREADSHEET_LOCALES = ("en", "fr")

FRENCH_HEADERS = {
    "date": "date",
    "date_precision": "précision_date",
    "date_source": "origine_date",
    "first_seen": "vu_le_utc",
    "outlet": "média",
    "title": "titre",
    "url": "url",
    "company": "entreprise",
    "role": "rôle",
    "mention_count": "nb_mentions",
    "prominence": "emplacement",
    "tone": "tonalité",
    "tone_score": "score_tonalité",
    "tone_by": "tonalité_par",
    "evidence_sentence": "phrase_preuve",
    "topics": "thèmes",
    "language": "langue",
    "author": "auteur",
    "story_id": "id_sujet",
    "pickups": "reprises",
    "article_id": "id_article",
    "alias": "alias",
    "matched": "texte_trouvé",
    "spokesperson": "porte_parole",
    "outlets": "médias",
    "articles": "articles",
    "stories": "sujets",
    "mentions": "mentions",
    "positive": "positifs",
    "neutral": "neutres",
    "negative": "négatifs",
    "net_tone": "tonalité_nette",
}
# The words a cell holds, in French, per column (anything else is kept as it is).
FRENCH_VALUES: dict[str, dict[str, str]] = {
    "date_precision": {"day": "jour", "month": "mois", "year": "année", "datetime": "date-heure"},
    "date_source": {
        "feed": "flux",
        "page metadata": "métadonnées de la page",
        "file metadata": "métadonnées du fichier",
        "file": "fichier",
        "collection time": "heure de collecte",
    },
    "role": {"tracked": "suivie", "competitor": "concurrent"},
    "prominence": {"title": "titre", "lead": "chapô", "body": "corps"},
    "tone": {"positive": "positive", "neutral": "neutre", "negative": "négative"},
    "tone_by": {"person": "personne"},
    "spokesperson": {"yes": "oui", "no": "non"},
}
_ISO_MOMENT = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})Z")


def spreadsheet_columns(columns: Sequence[str], locale: str = "en") -> list[str]:
    """The header row of an export in the spreadsheet mode's language."""
    _check_locale(locale)
    if locale == "fr":
        return [FRENCH_HEADERS.get(column, column) for column in columns]
    return list(columns)


def spreadsheet_rows(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], locale: str = "en"
) -> Iterable[Sequence[Any]]:
    """The export's rows as the spreadsheet mode writes them. In French: decimal commas
    ("0,361"), moments as "2024-03-05 14:00:00" (UTC, as the header says) and days as
    2024-03-05, which a French LibreOffice or Excel reads as dates, and French words."""
    _check_locale(locale)
    if locale == "en":
        return rows
    words = [FRENCH_VALUES.get(column, {}) for column in columns]
    return (tuple(_french_cell(v, w) for v, w in zip(row, words, strict=True)) for row in rows)


def _french_cell(value: Any, words: dict[str, str]) -> Any:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        # repr keeps every digit the database gave; only the decimal sign changes.
        return WrittenNumber(repr(value).replace(".", ",")) if math.isfinite(value) else ""
    if isinstance(value, str):
        if value in words:
            return words[value]
        if value[:1].isdigit() and value.endswith("Z"):
            return _ISO_MOMENT.sub(r"\1 \2", value)
    return value


def _check_locale(locale: str) -> None:
    if locale not in SPREADSHEET_LOCALES:
        raise ValueError(
            f"unknown spreadsheet locale '{locale}': use one of {', '.join(SPREADSHEET_LOCALES)}"
        )


def default_delimiter(locale: str) -> str:
    """The separator a spreadsheet of that locale expects: ';' in French (where the comma
    is the decimal sign), ',' in English."""
    return ";" if locale == "fr" else ","


@dataclass(frozen=True)
class WrittenCsv:
    """What was written: the row count and the SHA-256 of the bytes (for the manifest)."""

    rows: int
    sha256: str
    size: int


def write_csv(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sink: IO[bytes],
    *,
    delimiter: str = ",",
    bom: bool = True,
) -> WrittenCsv:
    """Write rows as CSV to a binary sink as they come: UTF-8 (with a BOM for Excel), quoted
    where needed, every cell a spreadsheet would run as a formula neutralized."""
    if delimiter not in (",", ";", "\t"):
        raise ValueError("delimiter must be ',', ';' or a tab")
    digest = hashlib.sha256()
    size = 0
    count = 0

    def put(data: bytes) -> None:
        nonlocal size
        sink.write(data)
        digest.update(data)
        size += len(data)

    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"
    )
    if bom:
        put(b"\xef\xbb\xbf")
    writer.writerow([neutralize_cell(c) for c in columns])
    formula, first = _FORMULA_START.match, _FORMULA_FIRST
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, CHUNK_ROWS)):
        # neutralize_cell, inlined: a call per cell cost 0.7 s of 2 s for 82,550 rows.
        # The csv module writes None as an empty cell; only text can be a formula (and
        # not a number the French mode wrote, "-0,25", checked last: it is rare).
        writer.writerows(
            [
                "'" + v
                if isinstance(v, str)
                and v[:1] in first
                and formula(v)
                and not isinstance(v, WrittenNumber)
                else v
                for v in row
            ]
            for row in batch
        )
        count += len(batch)
        put(buffer.getvalue().encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()
    put(buffer.getvalue().encode("utf-8"))
    return WrittenCsv(rows=count, sha256=digest.hexdigest(), size=size)


def build_manifest(
    *,
    store: Store,
    filters: Filters,
    config: Config,
    level: str,
    written: WrittenCsv,
) -> dict[str, Any]:
    """What makes an exported figure traceable: filters, config, sources, gaps, checksum,
    and each company's mention precision as reviewed."""

    start = pd.Timestamp(filters.start, tz="UTC") if filters.start else None
    end = pd.Timestamp(filters.end, tz="UTC") + pd.Timedelta(days=1) if filters.end else None
    gaps = coverage_gaps(store.source_events_frame(), start, end)
    bounded = filters.start is not None or filters.end is not None
    sources = []
    for row in store.sources_frame().to_dict("records"):
        own = gaps[gaps["source"] == row["name"]]
        sources.append(
            {
                "name": row["name"],
                "kind": row.get("kind"),
                "last_success": _iso(row.get("last_success")),
                "error": mask_urls_in(row["error"]) if isinstance(row.get("error"), str) else None,
                "coverage_gaps": [
                    {
                        "start": _iso(g["start"]),
                        "end": _iso(g["end"]),
                        "failures": int(g["failures"]),
                        "error": mask_urls_in(g["error"]) if isinstance(g["error"], str) else None,
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
        "database": store.display_url,
        "rows": written.rows,
        "csv_sha256": written.sha256,
        # Undated articles the other filters keep: outside any bounded period.
        "undated_articles_left_out": store.undated_articles(filters) if bounded else 0,
        "sources": sources,
        # How far each company's mentions can be trusted: its precision estimated from the
        # mentions people reviewed (the wrong ones are in no figure nor row), 95% interval.
        "mention_precision": manifest_estimates(
            store.precision_estimates(), [c.name for c in config.companies]
        ),
        # Which model gave the tones (a row's tone_by says "person" where someone
        # corrected it).
        "tone_model": store.tone_model(),
        # What the rows' date_source column means (articles and mentions levels).
        "date_sources": DATE_SOURCE_MEANINGS if "date_source" in COLUMNS[level] else {},
    }


def _iso(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).isoformat()


def export_to_file(
    store: Store,
    filters: Filters,
    config: Config,
    path: Path,
    *,
    level: str = "articles",
    delimiter: str | None = None,
    bom: bool = True,
    locale: str = "en",
) -> tuple[dict[str, Any], Path]:
    """Write an export's CSV atomically (through NAME.part), then its manifest beside it as
    NAME.manifest.json; return the manifest and its path. ``locale`` "fr" writes the French
    spreadsheet mode (spreadsheet_rows), ';'-separated unless ``delimiter`` says."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    try:
        with temporary.open("wb") as sink:
            written = write_csv(
                spreadsheet_columns(COLUMNS[level], locale),
                spreadsheet_rows(
                    COLUMNS[level], export_rows(store, filters, config, level), locale
                ),
                sink,
                delimiter=delimiter or default_delimiter(locale),
                bom=bom,
            )
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    temporary.replace(path)
    manifest = build_manifest(
        store=store, filters=filters, config=config, level=level, written=written
    )
    manifest["spreadsheet_locale"] = locale
    target = path.with_name(path.stem + ".manifest.json")
    target.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest, target
