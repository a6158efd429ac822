"""Untrusted text (feeds, pages, files, outlet names) as data in every output.

One module says how a value that came from outside is written into each kind of output:
plain text (bidi controls neutralised), Markdown (CommonMark with Streamlit's additions:
colours, icons, emoji, LaTeX), HTML and plotly labels, Slack and Teams messages, links.
Nothing here imports the rest of presswatch.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote, urlsplit

# Characters that reorder the text around them (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI,
# PDI, LRM, RLM, ALM): a right-to-left override makes "gpj.exe" read "exe.jpg". The
# dashboard's languages (French, English) never need them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Line breaks a one-line output (a table cell, a list item, a label) must not keep.
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85\x0b\x0c]+")
# ASCII punctuation can be backslash-escaped in CommonMark. These are the characters that
# start markup anywhere in a line (a list or heading marker too, since a value may open
# one): links, emphasis, HTML, entities, GFM's www. and e-mail autolinks, and Streamlit's
# :red[x], :material/x:, :emoji: and $LaTeX$ (each starts with an escaped ':' or '$').
# Left as they are, for readable text: ' , " ; ? % / ( ) (a link's "(" needs a "]").
_MARKDOWN_SPECIAL = re.compile(r"([!#$&*+\-.:<=>@\[\\\]^_`{|}~])")
# GFM's literal autolinks (https://..., www...., a@b.c) are found in the text after the
# escapes are read (remark-gfm, which Streamlit uses): a zero-width space after the
# scheme's colon, after "www" and after "@" stops them, and the text reads the same.
_AUTOLINK_STARTS = re.compile(r"(?i)(\\:)(?=//)|(www)(?=\\\.)|(\\@)")
ZERO_WIDTH_SPACE = "\u200b"


def plain(value: Any) -> str:
    """A value as plain text: bidi controls removed (None is an empty text)."""
    if value is None:
        return ""
    return _BIDI_CONTROLS.sub("", str(value))


def one_line(value: Any) -> str:
    """Plain text on one line: line breaks become spaces."""
    return _LINE_BREAKS.sub(" ", plain(value))


def markdown(value: Any) -> str:
    """A value that a Markdown renderer (Streamlit's included) shows literally, on one line."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(value))
    return _AUTOLINK_STARTS.sub(lambda m: m.group(0) + ZERO_WIDTH_SPACE, escaped)


def html_text(value: Any) -> str:
    """A value as HTML text or attribute value: <, >, &, quotes escaped."""
    return html.escape(plain(value), quote=True)


def plotly_text(value: Any) -> str:
    """A value as a plotly label, legend, annotation or hover, which read <a>, <b>, <br>:
    <, > and & escaped (plotly shows &quot; as typed, and a quote opens nothing once no
    tag can)."""
    return html.escape(plain(value), quote=False)


def slack(value: Any) -> str:
    """A value inside a Slack message: its three control characters escaped, so that no
    ``<!channel>``, ``<@user>`` or ``<url|label>`` comes from the data."""
    return plain(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Teams' message text reads Markdown and a subset of HTML.
def teams(value: Any) -> str:
    """A value inside a Microsoft Teams message: HTML and Markdown escaped."""
    return html.escape(markdown(value), quote=False)


def web_link(url: Any) -> str | None:
    """The URL when it is an http(s) link with a host, quoted where a renderer could be
    misled by it (spaces, brackets, quotes); None for anything else (javascript:, data:)."""
    if not isinstance(url, str):
        return None
    text = one_line(url).strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(text, safe="/:?#[]@!$&'*+,;=%~-._")
