"""An article page's text, as a reader sees it: its lead kept, related-content boxes and
comments removed, template or script text refused.

Saved pages (collectors.files) and fetched pages (collectors.fulltext) both go through
``extract_page``. trafilatura finds the article body and the metadata, htmldate the date
when trafilatura has none; this module only does what they leave:

- **The lead** (chapô, standfirst, excerpt) often stands outside the article's body and
  trafilatura drops it. It is found by the page's structure (an element whose class names
  it: ``article-chapo``, ``c-standfirst``, ``post-excerpt``...), else by the page's
  description (og:description) when that reads as the article's own summary, and put
  back as the first paragraph: prominence reads the first paragraph as the lead.
- **Boxes** ("Lire aussi", "Read more", "Related", "Sur le même sujet", "Other Opinion
  Columns") name other articles, and the companies in their titles would be counted as
  mentions. They are removed from the page before extraction, by their class or by the
  words that open them, with the list of links that follows such a heading.
- **Template or script text** (an unrendered "{{ }}" page, JavaScript) is no article: the
  page is refused with that reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from presswatch.analysis.nlp.furniture import strip_furniture
from presswatch.analysis.nlp.text import fold

# The last part of a class or id naming the lead: "article-chapo", "c-standfirst".
_LEAD_NAMES = frozenset(
    {
        "chapo",
        "chapeau",
        "chapô",
        "standfirst",
        "excerpt",
        "lead",
        "lede",
        "intro",
        "dek",
        "deck",
        "subtitle",
        "subheadline",
        "strapline",
        "sapo",
        "accroche",
        "cap",
        "abstract",
        "teaser",
    }
)
# A lead is a sentence or a paragraph, not a word nor a page.
_LEAD_CHARS = (40, 1000)
# Parts of a class or id ("c-related-links", "lire_aussi") that name a box that is never
# the article: related links, recommendations, comment threads, newsletter forms. Single
# words, and pairs of consecutive parts.
_BOX_WORDS = frozenset(
    {
        "related",
        "outbrain",
        "taboola",
        "recommended",
        "recommendations",
        "comments",
        "commentaires",
        "disqus",
        "livefyre",
        "newsletter",
        "lireaussi",
        "alsoread",
        "readalso",
        "seealso",
    }
)
_BOX_PAIRS = frozenset(
    {
        ("lire", "aussi"),
        ("a", "lire"),
        ("voir", "aussi"),
        ("see", "also"),
        ("also", "read"),
        ("read", "also"),
        ("meme", "sujet"),
        ("most", "popular"),
        ("most", "read"),
        ("more", "from"),
        ("more", "stories"),
        ("other", "columns"),
    }
)
# A box is a small part of the page; a wrapper named after one of its parts ("post
# has-comments", "live-match-comments" around a live report) is not removed.
_BOX_SHARE = 0.3
_BOX_MAX_CHARS = 3000
# The words that open a box, on folded text (lower case, no accents).
_BOX_OPENING = re.compile(
    r"(?:a |>+ ?)?lire (?:aussi|egalement|la suite)\b|(?:a )?voir aussi\b|"
    r"sur le meme (?:sujet|theme)\b|dans la meme rubrique\b|a decouvrir aussi\b|"
    r"les (?:articles )?plus (?:lus|partages|commentes)\b|en video\b|"
    r"read (?:more|also|next)\b|related\b|see also\b|also read\b|more (?:from|on|stories|"
    r"articles|in)\b|recommended\b|you (?:may|might) (?:also )?like\b|"
    r"most (?:read|popular|viewed)\b|other [a-z ]{0,30}columns\b"
)
# A box's opening line and its titles are short; an article paragraph that happens to
# start with "related" is not.
_BOX_CHARS = 300
_BLOCKS = ("p", "div", "section", "aside", "h2", "h3", "h4", "h5", "h6", "li", "ul", "header")
_NEVER_REMOVED = ("html", "body", "article", "main", "h1")
# Template placeholders and lines of script code.
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_SCRIPT_LINE = re.compile(
    r"^\s*(?:var|let|const|function)\b.*[=({]|"
    r"(?:document|window)\.[A-Za-z]+\s*[.(=]|\bfunction\s*\([^)]*\)\s*\{|=>\s*\{|"
    r"^[\s{}();]*$"
)
# Below this many characters of text once template and script lines are set aside, the
# page is refused rather than kept as a scrap.
MIN_PAGE_CHARS = 300


@dataclass(frozen=True, slots=True)
class PageText:
    """What a page holds as an article; ``text`` is None when it holds none (``why``)."""

    text: str | None
    why: str = ""
    title: str | None = None
    author: str | None = None
    sitename: str | None = None
    url: str | None = None
    language: str | None = None
    date: str | None = None
    lead: str | None = None
    lead_origin: str = ""  # "structure", "description" or "" (none found or needed)
    boxes_removed: int = 0


def extract_page(page: bytes | str, url: str | None = None) -> PageText:
    """The article of an HTML page: its text with the lead first and no boxes, with its
    metadata; or why it holds none."""
    # Imported on first use: trafilatura takes 0.6 s to import.
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(page)
    if tree is None:
        return PageText(None, "the file is not a readable HTML page")
    candidates, title_at, elements = _lead_candidates(tree)
    removed = _remove_boxes(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
    )
    values: dict[str, Any] = (
        document.as_dict()
        if document is not None and not isinstance(document, dict)
        else (document or {})
    )
    meta = {
        key: _clean(values.get(key))
        for key in ("title", "author", "sitename", "url", "language", "date")
    }
    text = unicodedata.normalize("NFC", (values.get("text") or "").strip())
    if not meta["date"]:
        meta["date"] = _page_date(page, url)
    if not text:
        return _page(None, "no article text found in the page", meta)
    text, refused = _without_code(text)
    if refused:
        return _page(None, refused, meta)
    text, _furniture = strip_furniture(text)
    # The headline is the title, not the article's first paragraph (the lead).
    headlines = {_squeezed(_text(e)) for e in elements if e.tag == "h1"} | {
        _squeezed(meta["title"] or "")
    }
    first, _newline, rest = text.partition("\n")
    if rest.strip() and _squeezed(first) in headlines:
        text = rest.strip()
    lead, origin = _structural_lead(candidates, title_at, elements, text), "structure"
    if lead is None:
        lead, origin = _description_lead(_clean(values.get("description")), text), "description"
    if lead is None or _contains(text, lead):
        lead, origin = (lead if lead and _starts_with(text, lead) else None), ""
    else:
        text = f"{lead}\n{text}"
    return _page(text, "", meta, lead=lead, lead_origin=origin, boxes_removed=removed)


def _page(text: str | None, why: str, meta: dict[str, str | None], **extra: Any) -> PageText:
    return PageText(
        text,
        why,
        title=meta["title"],
        author=meta["author"],
        sitename=meta["sitename"],
        url=meta["url"],
        language=meta["language"],
        date=meta["date"],
        **extra,
    )


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", " ".join(str(value).split()))
    return text or None


def _page_date(page: bytes | str, url: str | None) -> str | None:
    """The page's date by htmldate's extensive search (its URL, its text), or None."""
    from htmldate import find_date

    try:
        return find_date(page, extensive_search=True, original_date=True, url=url)
    except (ValueError, TypeError):  # a page htmldate cannot parse: no date, no failure
        return None


def _names(element: Any) -> list[str]:
    """The class names and id of an element."""
    return [*(element.get("class") or "").split(), *(element.get("id") or "").split()]


def _link_share(element: Any, text: str) -> float:
    """How much of an element's text is the text of its links."""
    linked = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
    return linked / max(len(text), 1)


def _inside(element: Any, tags: tuple[str, ...]) -> bool:
    return any(parent.tag in tags for parent in element.iterancestors())


def _lead_candidates(tree: Any) -> tuple[list[tuple[int, str]], int, list[Any]]:
    """The elements whose class or id names them the lead, as (position in the page, text);
    the position of the page's first h1 (-1 if none); and the page's elements in order."""
    elements = [e for e in tree.iter() if isinstance(e.tag, str)]
    title_at = next((n for n, e in enumerate(elements) if e.tag == "h1"), -1)
    found: list[tuple[int, str]] = []
    for position, element in enumerate(elements):
        if element.tag in ("meta", "script", "style", "a", "img", "figure", "figcaption"):
            continue
        names = [name.lower() for name in _names(element)]
        if not any(re.split(r"[-_]+", name)[-1] in _LEAD_NAMES for name in names):
            continue
        if any("caption" in name for name in names):
            continue
        if _inside(element, ("nav", "footer", "aside", "form", "li", "figure", "figcaption")):
            continue
        if any(
            _is_box_name(n) or _is_aside_name(n) for a in element.iterancestors() for n in _names(a)
        ):
            continue  # a teaser in a related box or a side rail
        text = " ".join(element.text_content().split())
        if not _LEAD_CHARS[0] <= len(text) <= _LEAD_CHARS[1] or _link_share(element, text) > 0.5:
            continue
        found.append((position, unicodedata.normalize("NFC", text)))
    return found, title_at, elements


def _structural_lead(
    candidates: list[tuple[int, str]], title_at: int, elements: list[Any], text: str
) -> str | None:
    """The lead among the candidates: the first that stands after the page's title and
    before the article's first paragraph (a chapô does; a teaser of another story, a
    caption or a newsletter's pitch elsewhere on the page does not)."""
    opening = _squeezed(text.split("\n", 1)[0])
    body_at = -1  # unknown: no candidate can be shown to stand before the article
    for position, element in enumerate(elements):
        # A paragraph's words whole (a drop cap splits them); another element's own text.
        own = _squeezed(element.text_content() if element.tag == "p" else element.text or "")
        if len(own) >= 20 and own[:40] in opening:
            body_at = position
            break
    for position, lead in candidates:
        if title_at < position <= body_at:
            return lead
    return None


def _description_lead(description: str | None, text: str) -> str | None:
    """The page's description as its lead when it reads as the article's own summary:
    long enough, not cut short ("…"), and sharing its words with the article (a site's
    generic description does not)."""
    if not description or len(description) < 60:
        return None
    if description.rstrip().endswith(("...", "…", "(...)", "[...]")):
        return None
    # Words compared by their first five letters: "sensor" and "sensors" are one word.
    words = {w[:5] for w in re.findall(r"\w{5,}", fold(description))}
    body = {w[:5] for w in re.findall(r"\w{5,}", fold(text))}
    if not words or len(words & body) / len(words) < 0.3:
        return None
    return description


def _squeezed(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(text)))


def _contains(text: str, lead: str) -> bool:
    """Whether the article text already holds the lead (its first words, to tolerate an
    ending the page words differently)."""
    return _squeezed(lead)[:80] in _squeezed(text)


def _starts_with(text: str, lead: str) -> bool:
    first = text.split("\n", 1)[0]
    return _squeezed(lead)[:80] in _squeezed(first)


def _is_box_name(name: str) -> bool:
    """Whether a class or id names a box that is never the article."""
    parts = [part for part in re.split(r"[-_\s]+", fold(name)) if part]
    if "live" in parts:
        return False
    return any(part in _BOX_WORDS or part.startswith("related") for part in parts) or any(
        pair in _BOX_PAIRS for pair in pairwise(parts)
    )


def _is_aside_name(name: str) -> bool:
    """Whether a class or id names the page's side: a rail, a sidebar, a widget, a promo."""
    parts = re.split(r"[-_\s]+", fold(name))
    return any(part in ("rail", "sidebar", "widget", "promo", "aside") for part in parts)


def _opens_with_link(element: Any, words: str) -> bool:
    """Whether a short paragraph names a link in its first words, as the items of a
    "Lire aussi" list do ("Revue X : <a>title</a>, a line on it")."""
    link = next(element.iter("a"), None)
    if link is None or len(words) > 700:
        return False
    title = _text(link)
    return bool(title) and 0 <= words.find(title) < 60


def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def _box_around(heading: Any, text: str, share: float) -> Any:
    """The box a heading alone ("Other Opinion Columns") opens: the largest ancestor that
    starts with it and stays small (``share`` characters at most), with links in it; the
    heading itself if none."""
    box = heading
    for parent in heading.iterancestors():
        if parent.tag in _NEVER_REMOVED:
            break
        words = _text(parent)
        if not words.startswith(text) or len(words) > _BOX_MAX_CHARS:
            break
        if words != text and (_link_share(parent, words) < 0.1 or len(words) > share):
            break
        box = parent
    return box


def _remove_boxes(tree: Any) -> int:
    """Remove related-content boxes, comment threads and newsletter forms; how many."""
    body_text = len(_text(tree)) or 1
    doomed: list[Any] = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _NEVER_REMOVED:
            continue
        if any(_is_box_name(name) for name in _names(element)):
            text = _text(element)
            if len(text) < _BOX_SHARE * body_text and next(element.iter("h1"), None) is None:
                doomed.append(element)
            continue
        if element.tag not in _BLOCKS:
            continue
        text = _text(element)
        if not text or len(text) > _BOX_CHARS or not _BOX_OPENING.match(fold(text)):
            continue
        if next(element.iter("h1"), None) is not None:
            continue
        if len(text) > 60 or element.findall(".//a") or element.tag == "li":
            doomed.append(element)  # "Lire aussi : <the other article's title>"
            continue
        # A heading alone ("Read more:", "Other Opinion Columns"): its box, or the links
        # that follow it.
        box = _box_around(element, text, _BOX_SHARE * body_text)
        doomed.append(box)
        if box is element:
            for sibling in element.itersiblings():
                if not isinstance(sibling.tag, str):
                    break
                words = _text(sibling)
                if not words or (
                    _link_share(sibling, words) < 0.6 and not _opens_with_link(sibling, words)
                ):
                    break
                doomed.append(sibling)
    count = 0
    for element in doomed:
        parent = element.getparent()
        if parent is None or _detached(element, tree):
            continue  # inside a box removed already
        tail = element.tail
        if tail and tail.strip():  # text after the box belongs to its parent: kept
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        parent.remove(element)
        count += 1
    return count


def _detached(element: Any, tree: Any) -> bool:
    """Whether an element no longer hangs from the tree (an ancestor was removed)."""
    return bool(element.getroottree().getroot() is not tree.getroottree().getroot())


def _without_code(text: str) -> tuple[str, str]:
    """The text without template and script lines, or why the page is refused: when such
    lines are most of it, the page is a template or code, not an article."""
    lines = text.split("\n")
    template = {n for n, line in enumerate(lines) if _TEMPLATE.search(line)}
    script = {n for n, line in enumerate(lines) if line.strip() and _SCRIPT_LINE.search(line)}
    if not template and len(script) < 3:
        return text, ""
    kept = [line for n, line in enumerate(lines) if n not in template | script]
    remaining = "\n".join(kept).strip()
    if len(remaining) >= MIN_PAGE_CHARS and len(remaining) >= 0.5 * len(text):
        return remaining, ""
    if template:
        return "", "the page is an unrendered template ({{ }} placeholders), not an article"
    return "", "the page's text is script code, not an article"
