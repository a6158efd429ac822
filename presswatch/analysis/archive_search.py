"""Boolean queries run over the stored archive, for ``presswatch test-query``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from presswatch.analysis.matching import Matcher
from presswatch.analysis.nlp.text import SentenceIndex
from presswatch.analysis.query import Document, matches, parse_query, positive_terms, term_regex
from presswatch.config import CompanyConfig
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


@dataclass(slots=True)
class QueryChanges:
    """What giving a company a query would change: its articles gained and lost, each with
    the sentences of its mentions."""

    company: str
    added: list[QueryHit]
    removed: list[QueryHit]


def company_query_changes(
    store: Store,
    companies: Sequence[CompanyConfig],
    company: str,
    query: str,
    languages: Sequence[str] | None = None,
) -> QueryChanges:
    """The articles ``company`` would gain and lose with ``query`` as its query, against
    the mentions stored now (raises QuerySyntaxError, or ValueError for an unknown name)."""
    parse_query(query)
    names = [c.name for c in companies]
    if company not in names:
        raise ValueError(
            f"no company named {company!r} in the config (configured: {', '.join(names)})"
        )
    trial = [c.model_copy(update={"query": query}) if c.name == company else c for c in companies]
    matcher = Matcher(trial, languages)
    stored = store.mentioned_article_ids(company)
    added: list[QueryHit] = []
    removed: list[QueryHit] = []
    # The company's aliases without any query: the sentences an article loses.
    alone = [c.model_copy(update={"query": None}) for c in trial if c.name == company]
    unqueried = Matcher(alone, languages)
    for article in store.iter_articles():
        found = [m for m in matcher.find(article.title, article.text) if m.company == company]
        if found and article.id not in stored:
            added.append(QueryHit(article, list(dict.fromkeys(m.sentence for m in found))))
        elif not found and article.id in stored:
            sentences = [m.sentence for m in unqueried.find(article.title, article.text)]
            removed.append(QueryHit(article, list(dict.fromkeys(sentences))))
    return QueryChanges(company, added, removed)
