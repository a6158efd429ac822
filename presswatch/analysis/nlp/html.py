"""HTML fragments (feed summaries and contents) to plain text, keeping paragraphs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
        "tr",
        "table",
        "figure",
        "figcaption",
        "hr",
        "dt",
        "dd",
        "caption",
    }
)
# Table cells sit side by side: a space between them, or "Price</td><td>Amazon" would read
# as the one word "PriceAmazon" and hide the name.
_CELL_TAGS = frozenset({"td", "th"})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "svg"})
_CODE_TAGS = frozenset({"script", "style"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        # What an element skipped so far holds: given back if the fragment ends before it
        # closes (an embed's <iframe> left open must not swallow the rest of an article).
        self._skipped: list[str] = []
        self._code = 0  # open <script> and <style>: code, never text, closed or not

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
            self._code += tag in _CODE_TAGS
        elif tag in _BLOCK_TAGS:
            self._out.append("\n")
        elif tag in _CELL_TAGS:
            self._out.append(" ")

    @property
    def _out(self) -> list[str]:
        return self._skipped if self._skipping else self.parts

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # "<br/>" is one line break like "<br>" (the default would add a second, so that
        # the same entry read by feedparser, which writes "<br />", or by lxml would differ).
        # An empty <iframe/> or <script/> holds nothing to skip.
        if tag not in _SKIP_TAGS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(self._skipping - 1, 0)
            if tag in _CODE_TAGS:
                self._code = max(self._code - 1, 0)
            if not self._skipping:
                self._skipped.clear()
        elif tag in _BLOCK_TAGS:
            self._out.append("\n")
        elif tag in _CELL_TAGS:
            self._out.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._code:
            self._out.append(data)

    def close(self) -> None:
        """Finish the fragment; what an element left open was hiding is text after all."""
        super().close()
        if self._skipping and self._skipped:
            self.parts.extend(self._skipped)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, one line per block."""
    if "<" not in fragment and "&" not in fragment:
        return normalize_whitespace(fragment)
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    return normalize_whitespace("".join(parser.parts))


def normalize_whitespace(text: str) -> str:
    """Collapse runs of spaces within lines and of blank lines, strip the ends."""
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
