"""The analysis of an article: mentions, tone per mention and company, topics, story.

The collection (presswatch.collect) analyses new and changed articles as they are written;
``reanalyze`` brings the whole archive up to date when aliases, topics or the tone model
change.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import random
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from presswatch.analysis.matching import Matcher
from presswatch.analysis.nlp.language import detect_language, primary_language
from presswatch.analysis.nlp.messages import MESSAGE_THRESHOLD, MessageSimilarity, Similar
from presswatch.analysis.nlp.sentiment import (
    ToneBackend,
    ToneLabel,
    aggregate,
    get_backend,
    press_texts,
)
from presswatch.analysis.nlp.targets import TARGET_RULES, Target
from presswatch.analysis.nlp.text import SentenceIndex
from presswatch.analysis.nlp.topics import THEME_RULES, TopicMatcher, is_source
from presswatch.analysis.stories import StoryIndex, is_legacy, is_signature, signature
from presswatch.config import Config
from presswatch.errors import StoreError
from presswatch.models import Article, CompanyTone, Mention, Topic, tone_of_sentences
from presswatch.store import Store

log = logging.getLogger(__name__)

# The store's meta key holding the fingerprint of the rules the archive was analysed with.
ANALYSIS_KEY = "analysis_fingerprint"


class Analyzer:
    """Everything found in an article: mentions, tone per mention and company, topics, story."""

    def __init__(self, config: Config, tone: ToneBackend | None = None) -> None:
        self.matcher = Matcher(config.companies, config.languages)
        self.tone = tone or get_backend(config.tone.backend, config.resolve_path(config.tone.model))
        self.topics = TopicMatcher(config.topics, config.languages)
        # A key message is carried by one phrasing in a sentence naming the company, and
        # not under a negation ("n'est pas un champion européen").
        self.messages = TopicMatcher(
            config.messages, config.languages, min_weight=1.0, skip_negated=True
        )
        # ... and by meaning, where the tone model embeds each company's clause.
        self.similarity = message_similarity(config, self.tone)
        self.languages = tuple(config.languages)
        description = "\n".join(
            [
                self.matcher.fingerprint,
                self.tone.name,
                repr(getattr(self.tone, "cutoffs", "")),
                # The model's own hash of its weights (a repr of them is cut short).
                self.tone.model_name,
                TARGET_RULES,
                repr(sorted((k, tuple(v)) for k, v in config.topics.items())),
                THEME_RULES,
                repr(sorted((k, tuple(v)) for k, v in config.messages.items())),
                repr(self.languages),
                # Only where it is on: an archive analysed without it keeps its fingerprint
                # (no re-analysis for a setting that changes nothing there).
                *([self.similarity.fingerprint] if self.similarity else []),
            ]
        )
        self.fingerprint = hashlib.sha256(description.encode("utf-8")).hexdigest()[:16]

    def analyse(self, article: Article, stories: StoryIndex | None = None) -> Article:
        """The article with its mentions, tones, topics and (given an index) its story."""
        result = self.analyse_many([article], stories)[0]
        if isinstance(result, Exception):
            raise result
        return result

    def analyse_many(
        self, articles: Sequence[Article], stories: StoryIndex | None = None
    ) -> list[Article | Exception]:
        """Each article analysed, in order (stories are assigned in that order), or the
        error its analysis raised: one bad article never loses the others.

        The tone of every article is classified in one call per language: the embedding
        model computes a batch of texts far more cheaply than the same texts a few at a
        time (bench/RESULTS.md, the analysis stage)."""
        prepared: list[_Prepared | Exception] = []
        for article in articles:
            try:
                prepared.append(self._prepare(article, stories))
            except StoreError:
                raise  # the database is away (stories are read from it): the batch waits
            except Exception as error:  # returned to the caller, who logs it
                prepared.append(error)
        ready = [p for p in prepared if isinstance(p, _Prepared)]
        try:
            scored = self._classify(ready)
        except StoreError:
            raise
        except Exception:
            # One article's text broke the batch: classify each alone to find it.
            scored = {}
            for index, item in enumerate(prepared):
                if isinstance(item, _Prepared):
                    try:
                        scored.update(self._classify([item]))
                    except Exception as error:  # returned to the caller, who logs it
                        prepared[index] = error
        results: list[Article | Exception] = []
        for item in prepared:
            if isinstance(item, Exception):
                results.append(item)
                continue
            try:
                results.append(self._finish(item, scored))
            except Exception as error:  # returned to the caller, who logs it
                results.append(error)
        return results

    def _prepare(self, article: Article, stories: StoryIndex | None) -> _Prepared:
        """Everything but the tone: mentions, language, story, topics, key messages, and
        the targets (company, sentence) whose tone is to be classified."""
        mentions = self.matcher.find(article.title, article.text, screen=False)
        language = primary_language(article.language)
        if mentions and language is None:
            # Collectors may leave it to us: only articles naming a company need it.
            language = detect_language(f"{article.title or ''}\n{article.text}", self.languages)
        if mentions and self.in_scope(language):
            # A short alias inside a passage of another language ("über", a German quote)
            # is no mention; an article in another language keeps its mentions, to be
            # listed (in no figure).
            mentions = self.matcher.screened(mentions, article.title, article.text)
        if language != article.language:
            article = dataclasses.replace(article, language=language)
        changes: dict[str, Any] = {"mentions": tuple(mentions)}
        if stories is not None:
            # Stories group copies of coverage: an article that names no company is in no
            # figure, so it is not fingerprinted (MinHash was 40% of a first collection).
            data = signature(article.text, article.title) if mentions else None
            story = stories.assign(article.id, data, _story_date(article))
            changes.update(story_id=story, signature=data)
        keys: list[TargetKey] = []
        targets: dict[TargetKey, Target] = {}
        if mentions and self.in_scope(language):
            keys, targets = _targets(article, mentions)
            changes["topics"] = tuple(
                self.topics.themes(article.title, article.text, article.language, mentions)
            )
            changes["messages"] = tuple(
                self.messages.themes(article.title, article.text, article.language, mentions)
            )
        else:
            # No company named, or listed with its mentions but in no figure (the store
            # counts only the configured languages) and scored by no model of another
            # language.
            changes.update(
                tone_score=None, tone_label=None, company_tones=(), topics=(), messages=()
            )
        return _Prepared(dataclasses.replace(article, **changes), keys, targets)

    def _classify(
        self, prepared: Sequence[_Prepared]
    ) -> dict[tuple[str | None, Target], tuple[float, ToneLabel]]:
        """The score and label of every target of the articles, one backend call per
        language (the same sentence and company in two articles is classified once)."""
        by_language: dict[str | None, dict[Target, None]] = {}
        for item in prepared:
            chosen = by_language.setdefault(item.article.language, {})
            chosen.update(dict.fromkeys(item.targets.values()))
        scored: dict[tuple[str | None, Target], tuple[float, ToneLabel]] = {}
        for language, chosen in by_language.items():
            targets = list(chosen)
            results = self.tone.classify_targets(targets, language)
            scored.update(((language, t), r) for t, r in zip(targets, results, strict=True))
        return scored

    def _finish(
        self, item: _Prepared, scored: dict[tuple[str | None, Target], tuple[float, ToneLabel]]
    ) -> Article:
        """The prepared article with its tones.

        One rule gives every label, the backend's cut-offs on a score: a mention's label
        is its score's, and a company's label in the article is the label of the mean of
        its sentences' scores (so a company with one mention carries that mention's label).
        The article's own tone is the mean over the companies it names.
        """
        article = item.article
        if not item.targets:
            return article
        language = article.language
        results = {k: scored[(language, t)] for k, t in item.targets.items()}
        toned = tuple(
            dataclasses.replace(m, tone_score=results[k][0], tone_label=results[k][1])
            for m, k in zip(article.mentions, item.keys, strict=True)
        )
        company_tones = []
        for company in dict.fromkeys(m.company for m in article.mentions):
            # Each sentence once: the same sentence twice (a title repeated as the first
            # line) weighs once.
            chosen = {item.targets[k].sentence: results[k][0] for k in results if k[0] == company}
            score, evidence = tone_of_sentences(chosen)
            company_tones.append(
                CompanyTone(company, score, self.tone.label(score, language), evidence)
            )
        overall = aggregate([t.score for t in company_tones])
        return dataclasses.replace(
            article,
            mentions=toned,
            company_tones=tuple(company_tones),
            tone_score=overall,
            tone_label=self.tone.label(overall, language),
            messages=(*article.messages, *self._messages_by_meaning(article, item.targets)),
        )

    def _messages_by_meaning(
        self, article: Article, targets: dict[TargetKey, Target]
    ) -> list[Topic]:
        """The key messages the article's companies carry by meaning and not already by a
        phrasing: one per company and message, with its most similar sentence. The clauses'
        vectors are those the tone model embedded (no text is embedded again)."""
        if self.similarity is None:
            return []
        # A company standing as the news's source ("selon Reuters") carries nothing.
        chosen = [
            (key[0], target)
            for key, target in targets.items()
            if target.spans and not is_source(target.sentence, *target.spans[0])
        ]
        if not chosen:
            return []
        vectors = self.tone.clause_vectors([t for _, t in chosen])  # type: ignore[attr-defined]
        found = self.similarity.carried([press_texts(t)[0] for _, t in chosen], vectors)
        carried = {(m.company, m.topic) for m in article.messages}
        best: dict[tuple[str, str], tuple[Similar, str]] = {}
        for (company, target), similar in zip(chosen, found, strict=True):
            for match in similar:
                pair = (company, match.message)
                if pair not in carried and (pair not in best or match.score > best[pair][0].score):
                    best[pair] = (match, target.sentence)
        ranks = {m.company: m.rank for m in article.messages}
        out = []
        for (company, message), (match, sentence) in best.items():
            ranks[company] = ranks.get(company, 0) + 1
            score = round(match.score, 3)
            rank = ranks[company]
            out.append(Topic(message, match.phrasing, sentence, company, score, rank, score))
        return out

    def in_scope(self, language: str | None) -> bool:
        """Whether an article in this language counts in the figures (unknown ones do)."""
        return language is None or language in self.languages


TargetKey = tuple[str, str, int]  # company, field, where the sentence starts


def message_similarity(config: Config, tone: ToneBackend) -> MessageSimilarity | None:
    """The key messages' matcher by meaning, or None (lemmas only): turned off in the
    config, no message, or a tone backend that embeds no clause (vader, embedding)."""
    setting = config.message_similarity
    if not config.messages or setting is False or not hasattr(tone, "clause_vectors"):
        return None
    threshold = MESSAGE_THRESHOLD if setting is True else float(setting)
    return MessageSimilarity(config.messages, threshold)


@dataclasses.dataclass(frozen=True)
class _Prepared:
    """An article analysed but for its tone: each mention's target key and the targets."""

    article: Article
    keys: list[TargetKey]
    targets: dict[TargetKey, Target]


def _targets(
    article: Article, mentions: list[Mention]
) -> tuple[list[TargetKey], dict[TargetKey, Target]]:
    """The key of each mention's target, and one target per (company, sentence): where
    the sentence names that company and where it names the others, in its own offsets."""
    indexes: dict[str, SentenceIndex] = {}
    begins = []
    named: dict[tuple[str, int], list[tuple[str, int, int]]] = {}
    for m in mentions:
        if m.field not in indexes:  # built once per field, not once per mention
            content = (article.title or "") if m.field == "title" else article.text
            indexes[m.field] = SentenceIndex(content)
        begin = indexes[m.field].span_at(m.start)[0]
        begins.append(begin)
        named.setdefault((m.field, begin), []).append((m.company, m.start - begin, m.end - begin))
    keys: list[TargetKey] = []
    targets: dict[TargetKey, Target] = {}
    for m, begin in zip(mentions, begins, strict=True):
        key = (m.company, m.field, begin)
        keys.append(key)
        if key not in targets:
            spans = named[(m.field, begin)]
            targets[key] = Target(
                m.sentence,
                tuple((a, b) for c, a, b in spans if c == m.company),
                tuple((a, b) for c, a, b in spans if c != m.company),
            )
    return keys, targets


def analyse(
    article: Article, matcher: Matcher | Analyzer, stories: StoryIndex | None = None
) -> Article:
    """The article analysed: with a bare Matcher, its mentions only (and story, if indexed)."""
    if isinstance(matcher, Analyzer):
        return matcher.analyse(article, stories)
    mentions = tuple(matcher.find(article.title, article.text))
    if stories is None:
        return dataclasses.replace(article, mentions=mentions)
    data = signature(article.text, article.title) if mentions else None
    story = stories.assign(article.id, data, _story_date(article))
    return dataclasses.replace(article, mentions=mentions, story_id=story, signature=data)


def _story_date(article: Article) -> datetime:
    """The date an article is grouped into stories by: published, else now (it is being
    collected: its first-seen date, as the store gives it for a stored one)."""
    return article.published or datetime.now(UTC)


# How many queued articles one transaction of the analysis stage writes: a kill loses at
# most this many articles' work, never their place in the queue.
ANALYSIS_BATCH = 100


def analyse_pending(
    store: Store,
    analyzer: Analyzer,
    *,
    progress: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
    batch: int = ANALYSIS_BATCH,
    done: list[str] | None = None,
) -> list[str]:
    """Analyse the articles waiting in the store's queue, a batch per transaction, the
    longest waiting first; return the ids analysed (also appended to ``done`` as each
    batch is written, so that a caller keeps them if a later batch fails). ``progress``
    is told how many articles each batch finished; ``stop`` ends the work between two
    batches (the rest waits). An article whose analysis fails is logged and stored without
    one: it stays listed and searchable, and never blocks the queue."""
    done = [] if done is None else done
    # Stored stories are read a STORY_WINDOW-long period at a time, around the dates of
    # the articles analysed (a backfilled old article finds its own period's stories).
    stories = StoryIndex(known=store.story_rows)
    while stop is None or not stop.is_set():
        queued = store.queued_articles(batch)
        if not queued:
            break
        analysed = []
        results = analyzer.analyse_many([article for article, _ in queued], stories)
        for (article, digest), result in zip(queued, results, strict=True):
            if isinstance(result, Exception):  # one bad article must not stop the stage
                log.error(
                    "analysing article %s failed: stored without analysis",
                    article.id,
                    exc_info=result,
                )
                analysed.append((article, digest))
            else:
                analysed.append((result, digest))
        # An article another worker finished, or edited since it was read (its new text
        # is queued), is not written: the next read of the queue moves on.
        done += store.finish_analysis(analysed)
        if progress is not None:
            progress(len(queued))
    return done


# How many added and removed sentences a reanalysis keeps per company, to show.
SAMPLED_SENTENCES = 5


@dataclasses.dataclass
class CompanyChanges:
    """What a reanalysis changed for one company: mentions added and removed, with a sample
    of their sentences (so a person sees what a rule change does, not only counts)."""

    added: int = 0
    removed: int = 0
    added_sentences: list[str] = dataclasses.field(default_factory=list)
    removed_sentences: list[str] = dataclasses.field(default_factory=list)


def reanalyze(
    store: Store,
    analyzer: Analyzer,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, CompanyChanges]:
    """Recompute every stored article's analysis and stories; what changed per company.

    ``progress`` is told (articles done, articles in all) after each article. Articles are
    analysed ANALYSIS_BATCH at a time, so their tone is classified in one batch.
    """
    store.set_figure_languages(analyzer.languages)
    mentions = store.mentions_frame()
    # A mention is the same before and after when it names the same company at the same
    # place of the same article.
    before: dict[tuple[str, str, str, int], str] = {}
    if not mentions.empty:
        keys = zip(
            mentions["article_id"],
            mentions["company"],
            mentions["field"],
            mentions["start"].astype(int),
            strict=True,
        )
        before = dict(zip(keys, mentions["sentence"], strict=True))
    after: dict[tuple[str, str, str, int], str] = {}
    stories = StoryIndex()
    dates = {row[0]: row[3] for row in store.story_rows()}
    archive = list(store.iter_articles())
    done = 0
    for first in range(0, len(archive), ANALYSIS_BATCH):
        chunk = archive[first : first + ANALYSIS_BATCH]
        # Reuse the stored signature: the text did not change, only the rules did.
        results = analyzer.analyse_many([dataclasses.replace(s, signature=None) for s in chunk])
        for stored, result in zip(chunk, results, strict=True):
            if isinstance(result, Exception):
                raise result
            data = stored.signature
            if result.mentions and (data is None or is_legacy(data) or not is_signature(data)):
                # Newly relevant, or signed before teasers were: fingerprint it now.
                data = signature(stored.text, stored.title)
            story = stories.assign(stored.id, data, dates.get(stored.id))
            article = dataclasses.replace(result, story_id=story, signature=data)
            after.update(
                ((stored.id, m.company, m.field, m.start), m.sentence) for m in article.mentions
            )
            store.replace_analysis(article)
            done += 1
            if progress is not None:
                progress(done, len(archive))
    store.set_meta(ANALYSIS_KEY, analyzer.fingerprint)
    store.set_tone_model(analyzer.tone.model_name)
    added: dict[str, list[str]] = {}
    removed: dict[str, list[str]] = {}
    for key in after.keys() - before.keys():
        added.setdefault(key[1], []).append(after[key])
    for key in before.keys() - after.keys():
        removed.setdefault(key[1], []).append(before[key])
    sampler = random.Random(seed)  # noqa: S311 (a sample to read, not a secret)
    changes: dict[str, CompanyChanges] = {}
    for company in sorted(set(added) | set(removed)):
        gained, lost = sorted(added.get(company, [])), sorted(removed.get(company, []))
        changes[company] = CompanyChanges(
            added=len(gained),
            removed=len(lost),
            added_sentences=_sample(sampler, gained),
            removed_sentences=_sample(sampler, lost),
        )
    return changes


def _sample(sampler: random.Random, sentences: list[str]) -> list[str]:
    """Up to SAMPLED_SENTENCES distinct sentences, drawn at random."""
    distinct = list(dict.fromkeys(sentences))
    return sampler.sample(distinct, min(SAMPLED_SENTENCES, len(distinct)))
