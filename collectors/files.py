"""A folder of clippings: text and markdown files, with optional NAME.meta.yaml sidecars."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import yaml
from charset_normalizer import from_bytes

from collectors import CollectContext, CollectResult, register
from presswatch.config import FilesSourceConfig
from presswatch.dates import parse_known_date
from presswatch.models import Article, make_article_id
from presswatch.nlp.language import detect_language
from presswatch.nlp.text import fold

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
SIDECAR_SUFFIX = ".meta.yaml"
SIDECAR_KEYS = frozenset({"title", "outlet", "url", "published", "author", "language", "notes"})
WESTERN_ENCODINGS = ["utf_8", "utf_16", "utf_32", "cp1252", "latin_1", "iso8859_15", "mac_roman"]
MAX_FILE_BYTES = 50 * 1024 * 1024
# A first line longer than this is a paragraph, not a headline.
MAX_TITLE_CHARS = 200


class FileProblem(Exception):
    """A file that cannot be collected; the message names the reason and the fix."""


def read_text_file(path: Path) -> str:
    """Decode a text file whatever its encoding (UTF-8, BOMs, UTF-16, cp1252, latin-1); NFC."""
    data = path.read_bytes()
    if not data.strip():
        raise FileProblem("the file is empty")
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        best = from_bytes(data).best()
        if best is None or not best.encoding.startswith("utf_16"):
            raise FileProblem("binary content, not text: check the file's extension")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # French and English clippings come in Western encodings; left free, the detector
        # sometimes reads cp1252 French as cp1250 ("à" becomes "ŕ").
        best = from_bytes(data, cp_isolation=WESTERN_ENCODINGS).best() or from_bytes(data).best()
        if best is None:
            raise FileProblem("not text in any known encoding: save it as UTF-8") from None
        text = str(best)
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def read_sidecar(path: Path) -> dict[str, Any]:
    """The metadata of NAME.meta.yaml next to a file, or {} when there is none."""
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise FileProblem(f"its metadata file {sidecar.name} is not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FileProblem(f"{sidecar.name} must be a mapping of keys (title, outlet, published...)")
    unknown = set(data) - SIDECAR_KEYS
    if unknown:
        raise FileProblem(
            f"{sidecar.name} has unknown keys {sorted(unknown)}; known: {sorted(SIDECAR_KEYS)}"
        )
    return data


def _split_title(text: str) -> tuple[str | None, str]:
    lines = text.strip().split("\n")
    first = lines[0].strip().lstrip("#").strip()
    rest = "\n".join(lines[1:]).strip()
    if first and len(first) <= MAX_TITLE_CHARS and not first.endswith((".", ":", ";")) and rest:
        return first, rest
    return None, text.strip()


def article_from_file(
    path: Path, relative: str, source_name: str, context: CollectContext
) -> Article:
    """Build the Article of one text file; its sidecar metadata wins over what is guessed."""
    meta = read_sidecar(path)
    raw = read_text_file(path)
    if "title" in meta:
        title = str(meta["title"]).strip() if meta["title"] else None
        text = raw.strip()
        first_line = text.split("\n", 1)[0].strip().lstrip("#").strip()
        if title and fold(first_line) == fold(title):
            text = text[len(text.split("\n", 1)[0]) :].strip()
    else:
        title, text = _split_title(raw)
    if not text:
        raise FileProblem("no text besides the title")
    try:
        parsed = parse_known_date(meta.get("published"), context.languages)
    except ValueError as exc:
        raise FileProblem(f"published: {exc}") from None
    url = str(meta["url"]).strip() if meta.get("url") else None
    language = meta.get("language") or detect_language(text, context.languages)
    return Article(
        id=make_article_id(url, source_name, relative),
        source=source_name,
        entry_key=relative,
        text=text,
        title=title,
        url=url,
        outlet=str(meta["outlet"]).strip() if meta.get("outlet") else None,
        author=str(meta["author"]).strip() if meta.get("author") else None,
        published=parsed.value if parsed else None,
        date_precision=parsed.precision if parsed else None,
        date_source="metadata" if parsed else None,
        language=str(language) if language else None,
    )


def _candidates(root: Path, pattern: str, exclude: list[str]) -> list[Path]:
    found = []
    for path in sorted(root.glob(pattern)):
        relative = path.relative_to(root)
        if any(relative.match(rule) for rule in exclude):
            continue
        relative_parts = relative.parts
        if any(part.startswith(".") for part in relative_parts):
            continue  # hidden files and folders
        if path.name.endswith(("~", ".swp", ".tmp")) or path.name.startswith("~$"):
            continue  # editor temporary files
        if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
            continue
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES:
            found.append(path)
    return found


@register("files")
def collect_folder(source: FilesSourceConfig, context: CollectContext) -> CollectResult:
    """Read every clipping in the folder; a bad file is one problem line, the rest is kept."""
    root = (
        (context.base_dir / source.path).resolve()
        if not Path(source.path).is_absolute()
        else Path(source.path)
    )
    if not root.is_dir():
        return CollectResult(
            "failed", error=f"folder {root} does not exist: create it or fix 'path' in config.yaml"
        )
    result = CollectResult("ok")
    for path in _candidates(root, source.glob, source.exclude):
        relative = path.relative_to(root).as_posix()
        result.entries_seen += 1
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise FileProblem(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: not read")
            result.articles.append(article_from_file(path, relative, source.name, context))
        except FileProblem as exc:
            result.problems.append(f"{relative}: {exc}")
        except OSError as exc:
            result.problems.append(f"{relative}: cannot be read ({exc.strerror})")
    return result
