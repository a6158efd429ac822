"""Boolean queries run over the stored archive, for ``presswatch test-query``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from presswatch.analysis.nlp.text import SentenceIndex
from presswatch.analysis.query import Document, matches, parse_query, positive_terms, term_regex
from presswatch.models import Article
from presswatch.store import Store


@dataclass(slots=True)
class QueryHit:
    """An archived article that satisfies a query, with the sentences it matched in."""

    article: Article
    sentences: list[str]


def search_archive(
    store: Store, query: str, *, limit_sentences: int = 3
) -> tuple[int, list[QueryHit]]:
    """Run a query over every stored article: (articles searched, the hits, newest first)."""
    tree = parse_query(query)
    patterns = [term_regex(t) for t in positive_terms(tree)]
    searched = 0
    hits: list[QueryHit] = []
    for article in store.iter_articles():
        searched += 1
        content = f"{article.title or ''}\n{article.text}"
        document = Document(content)
        if not matches(tree, document):
            continue
        index = SentenceIndex(content)
        starts = sorted({m.start() for p in patterns for m in p.finditer(document.folded)})
        sentences: list[str] = []
        for start in starts:
            sentence = index.sentence_at(start)
            if sentence not in sentences:
                sentences.append(sentence)
            if len(sentences) >= limit_sentences:
                break
        hits.append(QueryHit(article, sentences))
    epoch = datetime.min.replace(tzinfo=UTC)
    hits.sort(key=lambda h: h.article.published or epoch, reverse=True)
    return searched, hits
