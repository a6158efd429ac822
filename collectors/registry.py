"""Which collector reads which kind of source (``kind`` in config.yaml).

The registry imports the collectors, never the reverse: a collector module does not
register itself, so that the import graph stays a tree.
"""

from __future__ import annotations

from collectors import Collector
from collectors.files import collect_folder
from collectors.news import collect_news
from collectors.rss import collect_feed

COLLECTORS: dict[str, Collector] = {
    "files": collect_folder,
    "news": collect_news,
    "rss": collect_feed,
}


def collector_for(kind: str) -> Collector:
    """The collector registered for ``kind``."""
    try:
        return COLLECTORS[kind]
    except KeyError:
        known = ", ".join(sorted(COLLECTORS))
        raise KeyError(f"no collector for sources of kind '{kind}' (known: {known})") from None
