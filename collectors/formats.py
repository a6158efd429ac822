"""What a body is when it is not a feed presswatch reads, said in the source's error.

"not well-formed (invalid token)" tells nobody that the URL gives a PDF or a sitemap: the
first bytes of a body name most formats, and each comes with what to do about it.
"""

from __future__ import annotations

import re

_BLANK = b"\xef\xbb\xbf \t\r\n"
# Magic numbers of the files a feed URL most often gives by mistake.
_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
# The first element, after any XML declaration, comment or DOCTYPE.
_FIRST_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_ADVICE = {
    "html": "this is an HTML page, not a feed: check the feed URL (a site's page often "
    "links to its feed)",
    "opml": "this is an OPML outline (a list of feeds), not a feed: add the feeds it lists "
    "as sources",
    "urlset": "this is an XML sitemap, not a feed: use the site's RSS, Atom or JSON feed",
    "sitemapindex": "this is an XML sitemap index, not a feed: use the site's RSS, Atom or "
    "JSON feed",
}


def describe_unreadable(content: bytes, reason: object, *, well_formed: bool) -> str:
    """The source's error for a body that gave no entries: what it is and what to do, else
    the parser's reason. ``well_formed``: the XML parser found no error in it."""
    head = content.lstrip(_BLANK)[:4096]
    for magic, name in _SIGNATURES:
        if head.startswith(magic):
            return f"this is {name}, not a feed: check the feed URL"
    lower = head.lower()
    if lower.startswith((b"<!doctype html", b"<html")):
        return _ADVICE["html"]
    first = _FIRST_ELEMENT.search(re.sub(rb"<!--.*?-->|<![^>]*>|<\?.*?\?>", b"", lower, flags=re.S))
    root = first.group(1).decode("ascii", "replace").rsplit(":", 1)[-1] if first else ""
    if root in _ADVICE:
        return _ADVICE[root]
    if b"<" not in head and not any(byte < 9 for byte in head):
        start = head[:40].decode("utf-8", "replace").split("\n", 1)[0].strip()
        return f"this is plain text, not a feed (it starts {start!r}): check the feed URL"
    if well_formed and root:
        return f"this is XML but not a feed (its root element is <{root}>): check the feed URL"
    return f"not a readable feed: {reason}"
