"""Themes of an article for each company it names, from the config's taxonomy.

A theme belongs to a company when the article says it about that company: keywords count
only in the sentences that name the company, and in the title and lead when the company
stands there. Words are compared as lemmas (simplemma) in the article's language, whole
words and whole phrases: "levées de fonds" is the keyword "levée de fonds", "offices" is
"office", and "officer" is nothing of it (a stem would have joined them). A keyword counts
in the languages whose dictionary holds its words (or in every language for a name such
as "CNIL" that no dictionary holds), so an English keyword finds nothing in French prose.

Each (theme, sentence) weighs by where the sentence stands (title 3, lead 2, body 1), one
more for a keyword of several words (a phrase is seldom a passing word) and one more for
each further keyword of the theme in the sentence. A theme needs
``MIN_WEIGHT``: one body sentence with one word is a passing mention, not a theme. An
article's themes for a company are ranked by weight, the main one first, each with the
sentence naming the company that weighs most.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from presswatch.analysis.nlp.furniture import strip_furniture
from presswatch.analysis.nlp.lexicon import lemmatize, word_languages
from presswatch.analysis.nlp.text import SentenceIndex, first_paragraph_end, fold
from presswatch.models import Mention, Topic

# A name used as a likeness: "Amazon-like", "TikTok-style", "Uber-esque".
_LIKENESS = re.compile(r"-(?:like|style|esque|type)\b", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
# A name standing as the source of the news, not its subject: "according to Reuters",
# "reporting for the NYT", "selon Le Monde", "peut-on lire dans Libération", "(via The
# Verge)". What the sentence says is about someone else.
_SOURCE_BEFORE = re.compile(
    r"(?:\baccording\s+to|\breport(?:s|ed|ing)?\s+(?:for|by|in)|\bwrit(?:es|ing|ten)\s+(?:for|in|by)"
    r"|\btold|\binterview\s+with|\bvia|\bselon|\bd['’]apr[eè]s|\blire\s+dans|\bconfi[ée]\s+[àa]"
    r"|\brapport[ée]\s+par|\br[ée]v[ée]l[ée]\s+par|\binterrog[ée]e?s?\s+par)"
    r"\s+(?:the\s+|le\s+|la\s+|les\s+|l['’])?\W*$",
    re.IGNORECASE,
)
# A linkblog's "Reuters: ..." at the start of a sentence: the source, then its news (a
# French title's "Mistral AI : ..." has a space before the colon and is the subject).
_SOURCE_COLON = re.compile(r"[’']?s?:(?=\s)")
# Function words skipped on both sides: "levée de fonds" matches "lever des fonds".
_SKIP = frozenset(
    {"de", "des", "du", "d", "la", "le", "les", "l", "un", "une", "au", "aux", "à", "en"}
    | {"et", "of", "the", "a", "an", "and", "to", "in", "on", "for", "s"}
)
# How much a keyword found in a sentence weighs, by where the sentence stands.
PLACE_WEIGHT = {"title": 3.0, "lead": 2.0, "body": 1.0}
# Added for a keyword of two words or more.
PHRASE_BONUS = 1.0
# Added for each further keyword of the same theme in the sentence ("bureaux" and
# "international" together say more than one of them).
SECOND_WORD = 1.0
# In a sentence naming the company, the most words between the name and a keyword.
NEAR_WORDS = 12
# Commas that make a sentence a list (of news, of a podcast's subjects).
LIST_COMMAS = 3
# The weight a theme needs: more than one plain word in one sentence of the body.
MIN_WEIGHT = 2.0
# A negation in the clause before a phrasing: "Mistral AI n'est pas un champion
# européen", "is not a European champion", "far from" denies the message.
_NEGATION = re.compile(
    r"\b(?:not|never|no longer|hardly|far from|nor)\b|n['’]t\b"
    r"|\b(?:n['’]|ne\s)(?:[^,;:]*?)\b(?:pas|plus|jamais|guère|nullement|point)\b"
    r"|\bloin d['’]être\b|\bni\b",
    re.IGNORECASE,
)
# A negation's reach ends at a punctuation mark, a contrast, or a coordination or relative
# pronoun: "n'est pas cotée et défend la souveraineté" affirms the second verb.
_CLAUSE_END = re.compile(
    r"[,;:()—–]|\b(?:but|mais|yet|however|pourtant|cependant)\b"
    r"|\b(?:and|et|ainsi que|while|whereas|tandis que|which|qui)\b",
    re.IGNORECASE,
)
# Negative words that affirm: "not only", "pas seulement", "non seulement", "never been
# more", "jamais autant", "jamais été plus" (but "jamais plus", never again, denies).
_AFFIRMING = re.compile(
    r"(?:\b(?:not|non|pas)|n['’]t)\s+(?:only|just|merely|simply|seulement|uniquement)\b"
    r"|\bnever\s+(?:[\w'’]+\s+){0,2}(?:more|better|so)\b"
    r"|\bjamais\s+(?:[\w'’]+\s+)?(?:autant|aussi)\b|\bjamais\s+[\w'’]+\s+(?:plus|mieux)\b",
    re.IGNORECASE,
)


def is_negated(sentence: str, start: int) -> bool:
    """Whether the clause before ``start`` in a sentence negates what follows ("n'est pas
    un champion européen", "is not a European champion")."""
    before = sentence[:start]
    clause_starts = [m.end() for m in _CLAUSE_END.finditer(before)]
    clause = before[clause_starts[-1] :] if clause_starts else before
    return bool(_NEGATION.search(_AFFIRMING.sub(" ", clause)))


# Part of the analysis fingerprint: a change of these rules reanalyses the archive.
THEME_RULES = repr(
    {
        "rules": "themes per company",
        "place": PLACE_WEIGHT,
        "phrase": PHRASE_BONUS,
        "second": SECOND_WORD,
        "near": NEAR_WORDS,
        "list": LIST_COMMAS,
        "min": MIN_WEIGHT,
        "source": _SOURCE_BEFORE.pattern + _SOURCE_COLON.pattern,
        "negation": _NEGATION.pattern + _CLAUSE_END.pattern + _AFFIRMING.pattern,
    }
)


@lru_cache(maxsize=200_000)
def _lemma(token: str, language: str) -> str:
    """A token's lemma in a language, accents folded (lower case)."""
    return fold(lemmatize(token, language).lower())


def lemmas(text: str, language: str) -> list[tuple[str, int, int]]:
    """(lemma, start, end) of each word of ``text`` but the small function words."""
    out = []
    for match in _TOKEN.finditer(text.replace("’", "'")):
        word = match.group()
        token = word.lower()
        if len(word) > 1 and word.isupper():
            # An acronym is no inflected word: "AI" is not the French "ai" (avoir).
            out.append((fold(token), match.start(), match.end()))
            continue
        if token in _SKIP:
            continue
        out.append((_lemma(token, language), match.start(), match.end()))
    return out


@dataclass(frozen=True, slots=True)
class _Keyword:
    topic: str
    text: str
    lemmas: tuple[str, ...]

    @property
    def bonus(self) -> float:
        return PHRASE_BONUS if len(self.lemmas) > 1 else 0.0


def keyword_languages(keyword: str, languages: Sequence[str]) -> list[str]:
    """The languages a keyword is matched in: those whose dictionary holds each of its
    words, a word that no dictionary holds (a name, an acronym) fitting every language."""
    fitting = set(languages)
    for word in _TOKEN.findall(keyword.replace("’", "'")):
        if word.lower() in _SKIP:
            continue
        found = set(word_languages(word, languages))
        if found:
            fitting &= found
    return [code for code in languages if code in fitting]


class LemmaIndex:
    """Keywords (with a label each) found in texts as whole lemmas and lemma phrases."""

    def __init__(self, labelled: Iterable[tuple[str, str]], languages: Sequence[str]) -> None:
        self.languages = tuple(languages) or ("fr",)
        # language -> first lemma -> keywords starting with it, longest first
        self._index: dict[str, dict[str, list[_Keyword]]] = {code: {} for code in self.languages}
        for label, keyword in labelled:
            for code in keyword_languages(keyword, self.languages):
                units = tuple(u for u, _, _ in lemmas(keyword, code))
                if units:
                    entry = _Keyword(label, keyword, units)
                    bucket = self._index[code].setdefault(units[0], [])
                    if entry not in bucket:
                        bucket.append(entry)
        for by_first in self._index.values():
            for entries in by_first.values():
                entries.sort(key=lambda e: -len(e.lemmas))

    def __bool__(self) -> bool:
        return any(self._index.values())

    def find(self, sentence: str, language: str) -> list[Hit]:
        """Each keyword found in a sentence, where it stands (the longest at a place)."""
        by_first = self._index.get(language)
        if not by_first:
            return []
        words = lemmas(sentence, language)
        units = [u for u, _, _ in words]
        hits = []
        for position, unit in enumerate(units):
            for keyword in by_first.get(unit, ()):
                end = position + len(keyword.lemmas)
                if tuple(units[position:end]) == keyword.lemmas:
                    hits.append(Hit(keyword, words[position][1], words[end - 1][2]))
                    break
        return hits


@dataclass(frozen=True, slots=True)
class Hit:
    """A keyword found in a sentence, at [start, end)."""

    keyword: _Keyword
    start: int
    end: int


def words_between(sentence: str, first: tuple[int, int], second: tuple[int, int]) -> int:
    """How many words stand between two spans of a sentence."""
    left, right = sorted([first, second])
    return len(_TOKEN.findall(sentence[left[1] : max(left[1], right[0])]))


def near(sentence: str, first: tuple[int, int], second: tuple[int, int], listing: bool) -> bool:
    """Whether a keyword and a company's name are close enough to be about each other:
    at most NEAR_WORDS words apart, and in a list, in the same item (no comma between)."""
    if words_between(sentence, first, second) > NEAR_WORDS:
        return False
    left, right = sorted([first, second])
    return not (listing and "," in sentence[left[1] : max(left[1], right[0])])


def by_theme(hits: Sequence[Hit]) -> list[tuple[_Keyword, int]]:
    """Per theme of these hits: its longest keyword and how many distinct keywords."""
    best: dict[str, _Keyword] = {}
    distinct: dict[str, set[tuple[str, ...]]] = {}
    for hit in hits:
        topic = hit.keyword.topic
        if topic not in best or len(hit.keyword.lemmas) > len(best[topic].lemmas):
            best[topic] = hit.keyword
        distinct.setdefault(topic, set()).add(hit.keyword.lemmas)
    return [(keyword, len(distinct[topic])) for topic, keyword in best.items()]


def is_source(sentence: str, start: int, end: int) -> bool:
    """Whether the name at [start, end) of a sentence stands as the news's source ("according
    to Reuters", "selon Le Monde", "Reuters: ...") rather than its subject."""
    if _SOURCE_BEFORE.search(sentence[:start]):
        return True
    return not sentence[:start].strip(" \"“‘'«") and bool(_SOURCE_COLON.match(sentence, end))


def is_furniture(sentence: str) -> bool:
    """Whether a sentence is page furniture (a "read also" link, a policy notice...)."""
    return not strip_furniture(sentence)[0]


@dataclass
class _Theme:
    weight: float = 0.0
    evidence: str = ""
    evidence_weight: float = -1.0
    keyword: str = ""
    first: int = 0


class TopicMatcher:
    """Finds the taxonomy's themes of each company an article names."""

    def __init__(
        self,
        topics: Mapping[str, Sequence[str]],
        languages: Sequence[str] = ("fr", "en"),
        min_weight: float = MIN_WEIGHT,
        skip_negated: bool = False,
    ) -> None:
        self.languages = tuple(languages) or ("fr",)
        self.min_weight = min_weight
        # Key messages: a phrasing under a negation is the message denied, not carried.
        self.skip_negated = skip_negated
        self.index = LemmaIndex(
            ((topic, keyword) for topic, keywords in topics.items() for keyword in keywords),
            self.languages,
        )

    def themes(
        self,
        title: str | None,
        text: str,
        language: str | None,
        mentions: Sequence[Mention],
    ) -> list[Topic]:
        """Each company's themes in the article, the companies in order of first mention,
        each company's themes by weight (main first)."""
        if not self.index or not mentions or language not in self.languages:
            return []
        contents = {"title": title or "", "text": text}
        indexes = {field: SentenceIndex(content) for field, content in contents.items()}
        lead_end = first_paragraph_end(text)

        def place(field: str, start: int) -> str:
            if field == "title":
                return "title"
            return "lead" if start < lead_end else "body"

        # Each company's own sentences: (field, start) -> (sentence, place), and where the
        # company stands in each.
        named: dict[str, dict[tuple[str, int], tuple[str, str]]] = {}
        spans: dict[tuple[str, str, int], list[tuple[int, int]]] = {}
        for m in mentions:
            if _LIKENESS.match(contents[m.field], m.end):
                continue  # "Amazon-like valuations" are someone else's
            start, end = indexes[m.field].span_at(m.start)
            sentence = contents[m.field][start:end]
            if is_source(sentence, m.start - start, m.end - start):
                continue  # "according to Reuters, ..." is Reuters' news of someone else
            named.setdefault(m.company, {})[(m.field, start)] = (sentence, place(m.field, start))
            spans.setdefault((m.company, m.field, start), []).append(
                (m.start - start, m.end - start)
            )
        # The title and the lead's sentences, which count for a company standing there.
        front: dict[tuple[str, int], tuple[str, str]] = {}
        for field, index in indexes.items():
            for start, end in index.spans:
                where = place(field, start)
                if where != "body":
                    front[(field, start)] = (contents[field][start:end], where)
        found: dict[tuple[str, int], list[Hit]] = {}

        def keywords_at(
            company: str, key: tuple[str, int], sentence: str
        ) -> list[tuple[_Keyword, int]]:
            if key not in found:
                found[key] = [] if is_furniture(sentence) else self.index.find(sentence, language)
            hits = found[key]
            if self.skip_negated:
                hits = [h for h in hits if not is_negated(sentence, h.start)]
            where = spans.get((company, *key))
            if where:
                # In a sentence naming the company, a keyword far from the name is about
                # something else of the sentence; in a list (a podcast's rundown, a week's
                # news), about another item than the company's.
                listing = sentence.count(",") >= LIST_COMMAS
                hits = [
                    h
                    for h in hits
                    if any(near(sentence, (h.start, h.end), span, listing) for span in where)
                ]
            return by_theme(hits)

        out: list[Topic] = []
        for company, own in named.items():
            sentences = dict(own)
            if any(where != "body" for _, where in own.values()):
                for key, value in front.items():
                    sentences.setdefault(key, value)
            themes: dict[str, _Theme] = {}
            seen: set[str] = set()
            ordered = sorted(sentences.items(), key=lambda item: (item[0][0] != "title", item[0]))
            for order, (key, (sentence, where)) in enumerate(ordered):
                if sentence in seen:
                    continue  # a title repeated as the text's first line weighs once
                seen.add(sentence)
                for keyword, count in keywords_at(company, key, sentence):
                    weight = PLACE_WEIGHT[where] + keyword.bonus + SECOND_WORD * (count - 1)
                    theme = themes.setdefault(keyword.topic, _Theme(first=order))
                    theme.weight += weight
                    # The evidence names the company: only its own sentences qualify.
                    if key in own and weight > theme.evidence_weight:
                        theme.evidence, theme.evidence_weight = sentence, weight
                        theme.keyword = keyword.text
            kept = [
                (topic, t)
                for topic, t in themes.items()
                if t.weight >= self.min_weight and t.evidence
            ]
            kept.sort(key=lambda item: (-item[1].weight, item[1].first))
            out.extend(
                Topic(topic, t.keyword, t.evidence, company, t.weight, rank)
                for rank, (topic, t) in enumerate(kept, start=1)
            )
        return out
