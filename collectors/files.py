"""A folder of clippings: texts, markdown, saved pages, PDFs and other tools' exports.

Every format gives Article records; a NAME.meta.yaml sidecar (or markdown front matter)
gives what is known and wins over what is guessed. A rerun reads only new or changed files.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from charset_normalizer import from_bytes

from collectors import CollectContext, CollectResult
from collectors.pagetext import extract_page
from presswatch.analysis.nlp.furniture import strip_furniture
from presswatch.analysis.nlp.language import detect_language
from presswatch.analysis.nlp.text import fold
from presswatch.config import FilesSourceConfig
from presswatch.dates import ParsedDate, parse_known_date
from presswatch.models import Article, FileState, make_article_id

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.yaml"
SIDECAR_KEYS = frozenset({"title", "outlet", "url", "published", "author", "language", "notes"})
# A first line longer than this is a paragraph, not a headline.
MAX_TITLE_CHARS = 200
# French and English clippings come in Western encodings; left free, the detector sometimes
# reads cp1252 French as cp1250 ("à" becomes "ŕ").
WESTERN_ENCODINGS = ["utf_8", "utf_16", "utf_32", "cp1252", "latin_1", "iso8859_15", "mac_roman"]
# How many bytes of a file charset-normalizer reads to guess its encoding (twice this when
# the first non-UTF-8 byte lies further in): the whole file would cost many copies of it.
ENCODING_SAMPLE_BYTES = 256 * 1024
# Page furniture (credits, share buttons, "read also") is looked for in texts of a
# clipping's size; a longer text is kept as it is: the search would copy it line by line.
FURNITURE_MAX_CHARS = 1_000_000
# A metadata file (NAME.meta.yaml) holds a few lines; a larger one is refused unread.
MAX_SIDECAR_BYTES = 64 * 1024
# How deep a JSON export may nest: articles are records of plain fields, and a deeper
# document (a list in a list... thousands of times) is an attack, not an export.
MAX_JSON_DEPTH = 32
# Field names of exports (JSON, CSV), in order of preference, for each Article field.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "titre", "headline"),
    "url": ("url", "link", "lien"),
    "text": ("text", "content", "body", "texte", "contenu"),
    "published": ("published", "date", "published_at", "pubdate", "publication_date"),
    "author": ("author", "auteur", "byline"),
    "outlet": ("outlet", "source", "media", "média", "publication", "site"),
    "language": ("language", "lang", "langue"),
}


class FileProblem(Exception):
    """A file that cannot be collected; the message names the reason and the fix."""


@dataclass(frozen=True, slots=True)
class Fields:
    """What one article in a file says about itself, before it becomes an Article."""

    text: str
    title: str | None = None
    url: str | None = None
    published: Any = None
    author: str | None = None
    outlet: str | None = None
    language: str | None = None
    guessed_date: ParsedDate | None = None


# -- decoding -----------------------------------------------------------------------------


def _sample(data: bytes, around: int = 0) -> bytes:
    """The bytes the encoding is guessed from: the start, and the part around the first
    byte that is not UTF-8 (a cp1252 "é" may first appear deep into a long file)."""
    head = data[:ENCODING_SAMPLE_BYTES]
    if around <= len(head):
        return head
    start = max(0, around - ENCODING_SAMPLE_BYTES // 2)
    return head + b"\n" + data[start : start + ENCODING_SAMPLE_BYTES]


def decode_text(data: bytes) -> str:
    """Decode bytes of text whatever the encoding (UTF-8, BOMs, UTF-16, cp1252, latin-1); NFC.

    Memory stays near the size of the text: the encoding is guessed from a sample, and
    each step that could copy the text (line ends, normalization) copies it only when it
    changes something.
    """
    if not data or data.isspace():
        raise FileProblem("the file is empty")
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        best = from_bytes(_sample(data)).best()
        if best is None or not best.encoding.startswith("utf_16"):
            raise FileProblem("binary content, not text: check the file's extension")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = _decode_guessed(data, exc.start)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _decode_guessed(data: bytes, first_bad: int) -> str:
    """Text that is not UTF-8, in the encoding charset-normalizer guesses from a sample."""
    sample = _sample(data, first_bad)
    for guess in (
        from_bytes(sample, cp_isolation=WESTERN_ENCODINGS).best(),
        from_bytes(sample).best(),
    ):
        if guess is None:
            continue
        try:
            return data.decode(guess.encoding)
        except (UnicodeDecodeError, LookupError):
            continue  # the sample misled the guess: try the next one
    best = from_bytes(data, cp_isolation=WESTERN_ENCODINGS).best() or from_bytes(data).best()
    if best is None:
        raise FileProblem("not text in any known encoding: save it as UTF-8") from None
    return str(best)


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases: ten lines of nested aliases (a "billion
    laughs") expand to gigabytes, and a clipping's metadata never needs one."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        """Compose one node, or refuse an alias (*name) with the line it stands on."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise FileProblem(
                f"uses a YAML alias (*{event.anchor}, line {event.start_mark.line + 1}), "
                "which presswatch refuses: a few such lines can expand to gigabytes; "
                "write the value out"
            )
        return super().compose_node(parent, index)


def load_metadata_yaml(text: str, where: str) -> object:
    """YAML metadata read without aliases; FileProblem naming ``where`` when it is not
    valid YAML or uses an alias."""
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader)
    except FileProblem as exc:
        raise FileProblem(f"{where} {exc}") from None
    except yaml.YAMLError as exc:
        raise FileProblem(f"{where} is not valid YAML: {exc}") from None


def read_sidecar(path: Path) -> dict[str, Any]:
    """The metadata of NAME.meta.yaml next to a file, or {} when there is none."""
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    where = f"its metadata file {sidecar.name}"
    if sidecar.stat().st_size > MAX_SIDECAR_BYTES:
        raise FileProblem(
            f"{where} is larger than {MAX_SIDECAR_BYTES // 1024} KB: not read; "
            "a metadata file holds a few lines (title, outlet, published...)"
        )
    try:
        text = sidecar.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(f"{where} is not UTF-8 text: {exc}") from None
    return _check_metadata(load_metadata_yaml(text, where), sidecar.name)


def _check_metadata(data: object, where: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FileProblem(f"{where} must be a mapping of keys (title, outlet, published...)")
    unknown = set(data) - SIDECAR_KEYS
    if unknown:
        raise FileProblem(
            f"{where} has unknown keys {sorted(map(str, unknown))}; known: {sorted(SIDECAR_KEYS)}"
        )
    return data


# -- one reader per format ----------------------------------------------------------------


def _split_title(text: str) -> tuple[str | None, str]:
    # The body is sliced once from the text: strip(), partition() or a list of lines would
    # each cost another copy of a long text.
    start = _BLANKS.match(text).end()  # type: ignore[union-attr]  # r"\s*" always matches
    end = len(text)
    while end > start and text[end - 1].isspace():
        end -= 1
    newline = text.find("\n", start, end)
    if newline != -1:
        first = text[start:newline].strip().lstrip("#").strip()
        body_start = _BLANKS.match(text, newline).end()  # type: ignore[union-attr]
        if first and len(first) <= MAX_TITLE_CHARS and not first.endswith((".", ":", ";")):
            return first, text[body_start:end]
    return None, text if (start, end) == (0, len(text)) else text[start:end]


_BLANKS = re.compile(r"\s*")


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end == -1:
        raise FileProblem("front matter opened with --- is never closed with ---")
    data = load_metadata_yaml(text[4:end], "its front matter")
    body = text[end + 4 :].lstrip("-").lstrip("\n")
    return _check_metadata(data, "front matter"), body


def read_text_article(data: bytes, suffix: str) -> list[Fields]:
    """A pasted text or markdown file: title from its first line, furniture removed."""
    raw = decode_text(data)
    meta: dict[str, Any] = {}
    if suffix in (".md", ".markdown"):
        meta, raw = _front_matter(raw)
    cleaned = strip_furniture(raw)[0] if len(raw) <= FURNITURE_MAX_CHARS else raw
    if "title" in meta:
        return [_fields(meta, cleaned.strip())]
    title, text = _split_title(cleaned)
    return [Fields(text=text, title=title, **_meta_fields(meta))]


def read_html_article(data: bytes, suffix: str) -> list[Fields]:
    """A saved web page: the article body with its lead and without related-content boxes,
    and its metadata (collectors.pagetext, over trafilatura and htmldate)."""
    page = extract_page(data)
    if page.text is None:
        raise FileProblem(page.why)
    guessed = None
    if page.date:
        try:
            guessed = parse_known_date(page.date)
        except ValueError:
            guessed = None
    return [
        Fields(
            text=page.text,
            title=page.title,
            url=page.url,
            author=page.author,
            outlet=page.sitename,
            language=page.language,
            guessed_date=guessed,
        )
    ]


def read_pdf_article(data: bytes, suffix: str) -> list[Fields]:
    """A PDF clipping: one article per file, its text extracted with pypdf."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileProblem("the PDF is encrypted with a password: save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except FileProblem:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise FileProblem(f"corrupt or unreadable PDF ({exc.__class__.__name__}: {exc})") from None
    except Exception as exc:  # pypdf raises many kinds on damaged files
        if exc.__class__.__module__.startswith("pypdf"):
            raise FileProblem(f"corrupt or unreadable PDF ({exc})") from None
        raise
    text = unicodedata.normalize("NFC", "\n".join(pages)).strip()
    if not text:
        raise FileProblem("the PDF holds no text (a scan?): export it with its text layer")
    cleaned, _removed = strip_furniture(text)
    pdf_title = _clean(info.title) if info and info.title else None
    title, body = (pdf_title, cleaned) if pdf_title else _split_title(cleaned)
    return [Fields(text=body, title=title, author=_clean(info.author) if info else None)]


def _json_document(text: str, where: str) -> Any:
    """A JSON document nested at most MAX_JSON_DEPTH deep, or FileProblem saying why not."""
    too_deep = FileProblem(
        f"{where} nests JSON more than {MAX_JSON_DEPTH} levels deep: not read; "
        "an export holds a list of articles with plain fields"
    )
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if where == "the file":
            raise FileProblem(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
        raise FileProblem(f"{where} is not JSON: {exc.msg}") from None
    except RecursionError:  # nested past what the parser itself accepts
        raise too_deep from None
    # Measured without recursion: the document was read, but walking it must not overflow.
    level: list[tuple[Any, int]] = [(document, 1)]
    while level:
        value, depth = level.pop()
        if depth > MAX_JSON_DEPTH:
            raise too_deep
        if isinstance(value, dict):
            level.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            level.extend((child, depth + 1) for child in value)
    return document


def _export_records(data: bytes, suffix: str, columns: dict[str, str]) -> Iterator[dict[str, Any]]:
    text = decode_text(data)
    if suffix == ".jsonl":
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            yield _json_document(line, f"line {number}")
        return
    if suffix == ".json":
        document = _json_document(text, "the file")
        if isinstance(document, dict):
            items = next(
                (v for k, v in document.items() if k in ("articles", "items", "results", "data")),
                [document] if any(n in document for n in FIELD_NAMES["text"]) else None,
            )
        else:
            items = document
        if not isinstance(items, list):
            raise FileProblem(
                "JSON must be a list of articles (or an object with an 'articles' list)"
            )
        yield from items
        return
    sample = text[:10000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip() for h in reader.fieldnames or []]
    wanted = columns.get("text")
    has_text = wanted in header if wanted else any(h.lower() in FIELD_NAMES["text"] for h in header)
    if not has_text:
        fix = f"column '{wanted}' is missing" if wanted else "no text column"
        raise FileProblem(
            f"{fix} (found: {', '.join(header) or 'no header'}); "
            "map one in config.yaml with columns: {text: COLUMN}"
        )
    for row in reader:
        yield {(k or "").strip(): v for k, v in row.items()}


def _pick(record: dict[str, Any], field: str, columns: dict[str, str]) -> Any:
    if field in columns:
        return record.get(columns[field])
    lowered = {str(k).lower(): v for k, v in record.items()}
    for name in FIELD_NAMES[field]:
        if lowered.get(name) not in (None, ""):
            return lowered[name]
    return None


def read_export(
    data: bytes, suffix: str, columns: dict[str, str]
) -> tuple[list[Fields], list[str]]:
    """Articles of a JSON, JSON Lines or CSV export; items without text are reported."""
    found: list[Fields] = []
    problems: list[str] = []
    for number, record in enumerate(_export_records(data, suffix, columns), start=1):
        if not isinstance(record, dict):
            problems.append(f"item {number} is not an object with fields: skipped")
            continue
        text = _pick(record, "text", columns)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"item {number} has no text ({'/'.join(FIELD_NAMES['text'])}): skipped")
            continue
        outlet = _pick(record, "outlet", columns)
        if isinstance(outlet, dict):  # e.g. {"source": {"name": "Le Monde"}}
            outlet = outlet.get("name") or outlet.get("title")
        found.append(
            Fields(
                text=unicodedata.normalize("NFC", text).strip(),
                title=_clean(_pick(record, "title", columns)),
                url=_clean(_pick(record, "url", columns)),
                published=_pick(record, "published", columns),
                author=_clean(_pick(record, "author", columns)),
                outlet=_clean(outlet),
                language=_clean(_pick(record, "language", columns)),
            )
        )
    return found, problems


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def _meta_fields(meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "url": _clean(meta.get("url")),
        "published": meta.get("published"),
        "author": _clean(meta.get("author")),
        "outlet": _clean(meta.get("outlet")),
        "language": _clean(meta.get("language")),
    }


def _fields(meta: dict[str, Any], text: str) -> Fields:
    title = _clean(meta.get("title"))
    first_line = text.split("\n", 1)[0].strip().lstrip("#").strip()
    if title and fold(first_line) == fold(title):
        text = text[len(text.split("\n", 1)[0]) :].strip()
    return Fields(text=text, title=title, **_meta_fields(meta))


SINGLE_READERS: dict[str, Callable[[bytes, str], list[Fields]]] = {
    ".txt": read_text_article,
    ".md": read_text_article,
    ".markdown": read_text_article,
    ".html": read_html_article,
    ".htm": read_html_article,
    ".pdf": read_pdf_article,
}
EXPORT_SUFFIXES = frozenset({".json", ".jsonl", ".csv"})
SUFFIXES = frozenset(SINGLE_READERS) | EXPORT_SUFFIXES


# -- the collector ------------------------------------------------------------------------


def _with_sidecar(fields: Fields, meta: dict[str, Any]) -> Fields:
    """Metadata from the sidecar wins over what the file itself says or suggests."""
    if not meta:
        return fields
    values = {
        "text": fields.text,
        "title": fields.title,
        "url": fields.url,
        "published": fields.published,
        "author": fields.author,
        "outlet": fields.outlet,
        "language": fields.language,
        "guessed_date": fields.guessed_date,
    }
    for key in ("title", "url", "published", "author", "outlet", "language"):
        if key in meta:
            values[key] = meta[key] if key == "published" else _clean(meta[key])
    if "published" in meta:
        values["guessed_date"] = None
    if "title" in meta and values["title"]:
        values.update(text=_fields({"title": values["title"]}, fields.text).text)
    return Fields(**values)


def _article(
    fields: Fields, identity: str, source: str, context: CollectContext, date_source: str
) -> Article:
    if not fields.text:
        raise FileProblem("no text besides the title")
    # Dates are read in the configured languages and the one the file declares ("pt").
    declared = (fields.language or "").strip().lower().replace("_", "-").split("-")[0]
    languages = tuple(dict.fromkeys([*context.languages, *([declared] if declared else [])]))
    try:
        parsed = parse_known_date(fields.published, languages, context.now)
    except ValueError as exc:
        raise FileProblem(f"published: {exc}") from None
    origin = date_source
    if parsed is None and fields.guessed_date is not None:
        parsed, origin = fields.guessed_date, "page"
    language = fields.language or detect_language(fields.text, context.languages)
    return Article(
        id=make_article_id(fields.url, source, identity),
        source=source,
        entry_key=identity,
        text=fields.text,
        title=fields.title,
        url=fields.url,
        outlet=fields.outlet,
        author=fields.author,
        published=parsed.value if parsed else None,
        date_precision=parsed.precision if parsed else None,
        date_source=origin if parsed else None,
        language=str(language).lower()[:8] if language else None,
    )


def articles_from_bytes(
    data: bytes,
    path: Path,
    identity: str,
    source: FilesSourceConfig,
    context: CollectContext,
) -> tuple[list[Article], list[str]]:
    """The articles of one file (with its sidecar), and the problems of its items."""
    suffix = path.suffix.lower()
    meta = read_sidecar(path)
    problems: list[str] = []
    if suffix in EXPORT_SUFFIXES:
        found, problems = read_export(data, suffix, source.columns)
        if not found and not problems:
            raise FileProblem("no article in this export")
        many = len(found) > 1
        articles = []
        for number, fields in enumerate(found, start=1):
            key = f"{identity}#{number}" if many else identity
            try:
                articles.append(
                    _article(_with_sidecar(fields, meta), key, source.name, context, "export")
                )
            except FileProblem as exc:
                problems.append(f"item {number}: {exc}")
        return articles, problems
    (fields,) = SINGLE_READERS[suffix](data, suffix)
    date_source = "metadata" if ("published" in meta or fields.published is not None) else "page"
    return [_article(_with_sidecar(fields, meta), identity, source.name, context, date_source)], []


def _candidates(root: Path, pattern: str, exclude: list[str]) -> tuple[list[Path], list[str]]:
    """The files of the folder to read, and a note for each one refused (a link that leads
    out of the folder or loops)."""
    found: list[Path] = []
    notes: list[str] = []
    resolved_root = root.resolve()
    for path in sorted(root.glob(pattern)):
        relative = path.relative_to(root)
        if any(relative.match(rule) for rule in exclude):
            continue
        if any(part.startswith(".") for part in relative.parts):
            continue  # hidden files and folders
        name = path.name
        if name.endswith(("~", ".swp", ".tmp", ".part")) or name.startswith(("~$", ".#")):
            continue  # editor and download temporary files
        if name.endswith(SIDECAR_SUFFIX) or path.suffix.lower() not in SUFFIXES:
            continue
        # Every part of the path is resolved, not only the file: with "*/*.txt", a linked
        # folder leads out of the clippings folder as surely as a linked file.
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError) as exc:  # a loop of links, a link to nothing
            notes.append(
                f"{relative.as_posix()}: not read: the link loops or leads nowhere ({exc})"
            )
            continue
        if not real.is_relative_to(resolved_root):
            notes.append(
                f"{relative.as_posix()}: not read: a link leads out of the folder (to {real}); "
                "copy the file into the folder to collect it"
            )
            continue
        if real.is_file():
            found.append(path)
    return found, notes


def _read_bounded(file: Path, size: int, limit: int, limit_mb: int) -> bytes:
    """The file's bytes, or FileProblem once it passes ``limit`` (a file that grew since
    its ``size`` was read is not read whole either)."""
    with file.open("rb") as handle:
        # Asked for its size (plus one byte, to see growth): asking for the limit would
        # allocate the limit.
        data = handle.read(min(size, limit) + 1)
        if len(data) > size:  # it grew: read on, within the limit
            data += handle.read(limit + 1 - len(data))
    if len(data) > limit:
        raise FileProblem(
            f"larger than {limit_mb} MB: not read; "
            "raise max_file_mb for this source if it is really an article"
        )
    return data


def collect_folder(source: FilesSourceConfig, context: CollectContext) -> CollectResult:
    """Read the new and changed clippings of a folder; a bad file is one problem line."""
    path = Path(source.path).expanduser()
    root = path if path.is_absolute() else context.base_dir / path
    if not root.is_dir():
        return CollectResult(
            "failed", error=f"folder {root} does not exist: create it or fix 'path' in config.yaml"
        )
    known = context.files
    by_hash: dict[str, FileState] = {}
    for state in known.values():
        by_hash.setdefault(state.sha256, state)
    result = CollectResult("ok")
    limit = source.max_file_mb * 1024 * 1024
    present: set[str] = set()
    try:
        candidates, notes = _candidates(root, source.glob, source.exclude)
    except (OSError, RuntimeError, ValueError) as exc:
        return CollectResult(
            "failed", error=f"cannot list the folder {root} with glob {source.glob!r}: {exc}"
        )
    result.problems.extend(notes)
    for file in candidates:
        relative = file.relative_to(root).as_posix()
        present.add(relative)
        result.entries_seen += 1
        try:
            stat = file.stat()
            sidecar = file.with_name(file.stem + SIDECAR_SUFFIX)
            sidecar_mtime = sidecar.stat().st_mtime_ns if sidecar.exists() else 0
            mtime = max(stat.st_mtime_ns, sidecar_mtime)
            previous = known.get(relative)
            if previous and previous.size == stat.st_size and previous.mtime_ns == mtime:
                continue  # unchanged since the last run: not even read
            if stat.st_size > limit:
                raise FileProblem(
                    f"larger than {source.max_file_mb} MB ({stat.st_size // (1024 * 1024)} MB): "
                    "not read; raise max_file_mb for this source if it is really an article"
                )
            data = _read_bounded(file, stat.st_size, limit, source.max_file_mb)
            digest = hashlib.sha256(data).hexdigest()
            sidecar_digest = (
                hashlib.sha256(sidecar.read_bytes()).hexdigest() if sidecar_mtime else ""
            )
            digest = hashlib.sha256(f"{digest}:{sidecar_digest}".encode()).hexdigest()
            identity = relative
            if previous:
                identity = previous.identity
            elif (
                (moved := by_hash.get(digest))
                and moved.path not in present
                and not (root / moved.path).exists()
            ):
                identity = moved.identity  # the same content moved: the same article
            state = FileState(relative, stat.st_size, mtime, digest, identity)
            if previous and previous.sha256 == digest:
                result.file_states.append(state)  # touched, not changed
                continue
            articles, problems = articles_from_bytes(data, file, identity, source, context)
            result.articles.extend(articles)
            result.problems.extend(f"{relative}: {p}" for p in problems)
            result.file_states.append(state)
            result.files_read += 1
        except FileProblem as exc:
            result.problems.append(f"{relative}: {exc}")
        except OSError as exc:
            result.problems.append(f"{relative}: cannot be read ({exc.strerror or exc})")
        except Exception as exc:
            # Each file is its own unit: whatever one file does to a reader (a RecursionError,
            # a library's bug), it is one line here and the other files are still stored.
            log.warning("%s: %s: %s", relative, exc.__class__.__name__, exc)
            result.problems.append(
                f"{relative}: cannot be read ({exc.__class__.__name__}: {str(exc)[:200]}): "
                "skipped, the other files are collected"
            )
    return result
