"""URLs: canonical forms (one article under tracking parameters stays one article), and
masked forms (no credential or token is printed, logged or stored)."""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that only say where a click came from; they never change the page.
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_")
_TRACKING_NAMES = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "xtor", "ref", "ocid"}
)


def canonical_url(url: str, *, keep_fragment: bool = False) -> str:
    """Lower-case scheme and host, drop the fragment and tracking parameters, sort the rest.

    ``keep_fragment``: for a guid, where the fragment may be all that tells two posts of
    one page apart (Scripting News: ``/2017/06/26.html#a080605``).
    """
    parts = urlsplit(url.strip())
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _TRACKING_NAMES and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    netloc = parts.netloc.lower()
    if netloc.endswith(":80") and parts.scheme == "http":
        netloc = netloc[:-3]
    elif netloc.endswith(":443") and parts.scheme == "https":
        netloc = netloc[:-4]
    path = parts.path or "/"
    fragment = parts.fragment if keep_fragment else ""
    return urlunsplit((parts.scheme.lower(), netloc, path, urlencode(sorted(query)), fragment))


# Query parameters whose value is a secret: the name, or its last word (after _ or -), is
# one of these (``api_key``, ``X-Amz-Signature``, ``access_token``, ``sig``...).
_SECRET_WORDS = frozenset(
    {
        "token",
        "key",
        "apikey",
        "secret",
        "password",
        "passwd",
        "pwd",
        "pass",
        "sig",
        "signature",
        "auth",
        "authorization",
        "credential",
        "credentials",
        "session",
        "sessionid",
        "code",
        "jwt",
    }
)
MASK = "***"


# Words that make a parameter secret wherever they stand in its name (``sslpassword``).
_SECRET_PARTS = ("password", "passwd", "secret", "token", "signature", "apikey", "credential")


def _is_secret_name(name: str) -> bool:
    lowered = name.lower()
    words = [w for w in lowered.replace("-", "_").split("_") if w]
    return (
        lowered in _SECRET_WORDS
        or bool(words and words[-1] in _SECRET_WORDS)
        or any(part in lowered for part in _SECRET_PARTS)
    )


def mask_url(url: str) -> str:
    """The URL with its credentials (``user:pass@``) and token-like query parameters
    masked: what may be printed, logged, stored as an error or written to a manifest.

    A database URL (``postgresql://user:secret@host/db``) is masked the same way.
    """
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            user, _, host = netloc.rpartition("@")
            name, has_password, _ = user.partition(":")
            netloc = f"{name}:{MASK}@{host}" if has_password else f"{MASK}@{host}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(_is_secret_name(k) for k, _ in pairs):
                query = urlencode(
                    [(k, MASK if _is_secret_name(k) else v) for k, v in pairs], safe="*"
                )
        if netloc == parts.netloc and query == parts.query:
            return url  # nothing to mask: as given (urlunsplit would drop sqlite's '//')
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        # Not a URL we can take apart (a bad port, a stray bracket): show no part of it
        # that could hold a secret.
        return url.split("@")[-1].split("?")[0]


_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>]+")


def mask_urls_in(text: str) -> str:
    """Every URL in a text (an error message, a log line) masked by ``mask_url``."""

    def masked(match: re.Match[str]) -> str:
        found = match.group(0)
        url = found.rstrip(".,:;)]}!")  # the sentence's punctuation, not the URL's
        return mask_url(url) + found[len(url) :]

    return _URL_IN_TEXT.sub(masked, text)


class MaskingFormatter(logging.Formatter):
    """A log formatter that masks every URL of a line (message and traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted line with its URLs masked by ``mask_url``."""
        return mask_urls_in(super().format(record))
