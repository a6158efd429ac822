"""Untrusted text as data in each output, and secrets masked in URLs (presswatch.untrusted,
presswatch.urls.mask_url)."""

from __future__ import annotations

import html

import pytest
from markdown_it import MarkdownIt

from presswatch import untrusted
from presswatch.urls import mask_url, mask_urls_in

HOSTILE = [
    "[Le Monde](https://evil.test/phish)",
    '<a href="https://evil.test">x</a>',
    "<b>bold</b><br>",
    r"$\LaTeX$",
    ":red[x] :material/home: :smile:",
    "**strong** _em_ `code` ~~del~~",
    "&lt;b&gt; &amp;",
    "# heading\n- item\n1. one",
    "<https://evil.test>",
    "https://evil.test/auto",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_markdown_shows_the_value_literally(value: str) -> None:
    # CommonMark (with GFM's linkify) reads the escaped text back as the same characters:
    # no link, emphasis, heading or HTML, on one line.
    rendered = MarkdownIt("commonmark").render(untrusted.markdown(value))
    inner = rendered.removeprefix("<p>").removesuffix("</p>\n")
    assert "<a" not in inner and "<b>" not in inner and "<h1" not in inner and "<li" not in inner
    assert "<em>" not in inner and "<strong>" not in inner and "<code>" not in inner
    expected = value.replace("\n", " ")

    # A zero-width space stops GFM's literal autolinks (remark-gfm finds them in the
    # text after escapes are read, so an escape alone does not).
    assert html.unescape(inner).replace("\u200b", "") == expected
    # Streamlit's own additions start with ':' or '$': both escaped.
    assert ":red[" not in untrusted.markdown(value) and "$\\L" not in untrusted.markdown(value)


def test_bidi_controls_are_removed_from_every_output() -> None:
    disguised = "Facture \u202egpj.exe\u202c \u2066x\u2069 \u200e\u200f"
    for function in (
        untrusted.plain,
        untrusted.markdown,
        untrusted.html_text,
        untrusted.slack,
        untrusted.teams,
    ):
        shown = function(disguised)
        assert not any(c in shown for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2069\u200e\u200f")
    assert untrusted.plain(disguised).startswith("Facture gpj.exe")


def test_slack_text_holds_no_control_sequence() -> None:
    text = untrusted.slack("<!channel> <https://evil.test|Cliquez ici> <@U123> & co")
    assert "<" not in text and ">" not in text
    assert text == "&lt;!channel&gt; &lt;https://evil.test|Cliquez ici&gt; &lt;@U123&gt; &amp; co"


def test_teams_text_holds_no_link_or_markup() -> None:
    text = untrusted.teams('[Cliquez](https://evil.test) <a href="x">y</a>')
    assert "<" not in text and ">" not in text
    assert text.startswith("\\[Cliquez\\](https\\:\u200b//evil\\.test)")


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://example.test/a b", "https://example.test/a%20b"),
        ("http://example.test/x?a=1&b=2", "http://example.test/x?a=1&b=2"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("https://example.test/a)<b>", "https://example.test/a%29%3Cb%3E"),
        ("//evil.test/x", None),
        (None, None),
    ],
)
def test_only_web_links_are_kept(url: str | None, link: str | None) -> None:
    assert untrusted.web_link(url) == link


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("https://user:pa55@feeds.test/rss", "https://user:***@feeds.test/rss"),
        ("https://tok3n@feeds.test/rss", "https://***@feeds.test/rss"),
        (
            "https://feeds.test/rss?token=abc&page=2",
            "https://feeds.test/rss?token=***&page=2",
        ),
        (
            "https://feeds.test/r?api_key=1&apikey=2&access_token=3&secret=4&password=5&sig=6",
            "https://feeds.test/r?api_key=***&apikey=***&access_token=***&secret=***"
            "&password=***&sig=***",
        ),
        (
            "https://s3.test/o?X-Amz-Signature=9&X-Amz-Credential=8&auth=7&key=6",
            "https://s3.test/o?X-Amz-Signature=***&X-Amz-Credential=***&auth=***&key=***",
        ),
        (
            "https://feeds.test/rss?monkey=1&keyword=ia",
            "https://feeds.test/rss?monkey=1&keyword=ia",
        ),
        (
            "postgresql+psycopg://press:s3cret@db.test:5432/press",
            "postgresql+psycopg://press:***@db.test:5432/press",
        ),
        ("sqlite:///data/presswatch.db", "sqlite:///data/presswatch.db"),
    ],
)
def test_urls_are_masked(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_urls_in_a_message_are_masked() -> None:
    message = "ConnectError for https://a:b@h.test/x?sig=1: refused (see https://h.test/)."
    assert mask_urls_in(message) == (
        "ConnectError for https://a:***@h.test/x?sig=***: refused (see https://h.test/)."
    )


def test_plotly_labels_hold_no_tag() -> None:
    shown = untrusted.plotly_text('<a href="https://evil.test">x</a> <b>y</b><br> & "q"')
    assert "<" not in shown and ">" not in shown
    assert '"q"' in shown  # plotly shows &quot; as typed: quotes stay as they are
